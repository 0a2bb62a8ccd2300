//! The synthetic worked example (`sample/NCT06946485.synthetic.json`): six
//! invented participants of NCT06946485 over 12 months, for tests and
//! demonstrations. Every participant in it is flagged synthetic.

use crate::Date;
use crate::data::{Participant, VisitInput};
use crate::input::{FieldError, Obj};
use serde_json::Value;

/// The example file, as shipped.
pub const NCT06946485: &str = include_str!("../sample/NCT06946485.synthetic.json");

/// One participant of the example with their visits.
#[derive(Debug, Clone)]
pub struct ExampleParticipant {
    pub participant: Participant,
    /// Visit code and what was recorded.
    pub visits: Vec<(String, VisitInput)>,
    /// Visits marked missed, with the reason.
    pub missed: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct Example {
    pub trial: String,
    /// The date the example is read on (after everyone's month 12).
    pub as_of: Date,
    pub participants: Vec<ExampleParticipant>,
}

/// Read an example file in the shape of [`NCT06946485`].
pub fn parse(text: &str) -> Result<Example, FieldError> {
    let v: Value =
        serde_json::from_str(text).map_err(|e| FieldError::new("", format!("not JSON: {e}")))?;
    let o = Obj::at("", &v, &["synthetic", "trial", "as_of", "participants"])?;
    let mut participants = Vec::new();
    for (i, p) in o.array("participants")?.iter().enumerate() {
        let path = format!("participants[{i}]");
        let po = Obj::at(&path, p, &["participant", "visits", "missed"])?;
        let participant = Participant::read(&Obj::at(
            &po.p("participant"),
            po.req("participant")?,
            crate::data::PARTICIPANT_FIELDS,
        )?)?;
        let mut visits = Vec::new();
        for (j, x) in po.array("visits")?.iter().enumerate() {
            let mut x = x.clone();
            let code = x
                .as_object_mut()
                .and_then(|m| m.remove("code"))
                .and_then(|c| c.as_str().map(str::to_string))
                .ok_or_else(|| FieldError::new(format!("{path}.visits[{j}].code"), "missing"))?;
            let input = VisitInput::from_json(&x).map_err(|e| {
                FieldError::new(format!("{path}.visits[{j}].{}", e.path), e.message)
            })?;
            visits.push((code, input));
        }
        let mut missed = Vec::new();
        for (j, m) in po.array("missed")?.iter().enumerate() {
            let mo = Obj::at(&format!("{path}.missed[{j}]"), m, &["code", "reason"])?;
            missed.push((mo.str_req("code", 10)?, mo.str_req("reason", 500)?));
        }
        participants.push(ExampleParticipant {
            participant,
            visits,
            missed,
        });
    }
    Ok(Example {
        trial: o.str_req("trial", 64)?,
        as_of: o.date_req("as_of")?,
        participants,
    })
}
