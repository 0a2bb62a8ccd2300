//! Loading the CTCAE v5.0 term table shipped with the crate.

use super::parse::{Ctx, parse_grade};
use super::*;

// ---------------------------------------------------------------------------
// Loading.

#[derive(Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) struct RawTerm {
    #[serde(rename = "SOC")]
    soc: String,
    term: String,
    grade_1: String,
    grade_2: String,
    grade_3: String,
    grade_4: String,
    unit_check: Option<String>,
    direction: String,
}

#[derive(Deserialize)]
pub(crate) struct Notes {
    terms: Vec<NoteTerm>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NoteTerm {
    term: String,
    #[serde(default)]
    parts: Vec<String>,
    part: Option<String>,
    analyte: Option<String>,
    #[serde(default)]
    grade_text: BTreeMap<String, String>,
    why: String,
}

pub(crate) fn table() -> Result<&'static [Term], GradeError> {
    static TABLE: OnceLock<Result<Vec<Term>, String>> = OnceLock::new();
    TABLE
        .get_or_init(load)
        .as_deref()
        .map_err(|e| GradeError::Data(e.clone()))
}

pub(crate) fn load() -> Result<Vec<Term>, String> {
    let raw: Vec<RawTerm> =
        serde_json::from_str(TERMS_JSON).map_err(|e| format!("ctcae_v5_lab_terms.json: {e}"))?;
    let notes: Notes =
        serde_json::from_str(NOTES_JSON).map_err(|e| format!("ctcae_reading_notes.json: {e}"))?;
    for n in &notes.terms {
        if !raw.iter().any(|r| r.term == n.term) {
            return Err(format!("reading notes name unknown term {:?}", n.term));
        }
    }
    raw.iter()
        .map(|r| build(r, notes.terms.iter().find(|n| n.term == r.term)))
        .collect()
}

pub(crate) fn build(r: &RawTerm, note: Option<&NoteTerm>) -> Result<Term, String> {
    let direction = match r.direction.as_str() {
        "L" => Direction::Low,
        "H" => Direction::High,
        d => return Err(format!("{}: direction {d:?}", r.term)),
    };
    let unit_check = match &r.unit_check {
        Some(u) => Some(units::parse_lenient(u).map_err(|e| format!("{}: {e}", r.term))?),
        None => None,
    };
    let mut allowed: Vec<Unit> = unit_check.iter().cloned().collect();
    let texts = [&r.grade_1, &r.grade_2, &r.grade_3, &r.grade_4];
    let mut grades = Vec::new();
    for g in (1..=4u8).rev() {
        let original = texts[usize::from(g - 1)];
        let text = note
            .and_then(|n| n.grade_text.get(&g.to_string()))
            .unwrap_or(original);
        let ctx = Ctx {
            term: &r.term,
            grade: g,
            direction,
            parts: note.map_or(&[][..], |n| &n.parts),
            part: note.and_then(|n| n.part.as_deref()),
        };
        let (rules, seen_units) = parse_grade(text, &ctx)?;
        for u in seen_units {
            if !allowed.iter().any(|a| a.same_as(&u)) {
                allowed.push(u);
            }
        }
        if !rules.is_empty() {
            grades.push(GradeRules {
                grade: g,
                text: text.clone(),
                rules,
            });
        }
    }
    let mut notes = Vec::new();
    if let Some(n) = note {
        notes.push(n.why.clone());
    }
    Ok(Term {
        name: r.term.clone(),
        soc: r.soc.clone(),
        direction,
        unit: unit_check.as_ref().map(|u| u.to_string()),
        unit_check,
        allowed,
        analyte: note.and_then(|n| n.analyte.clone()),
        grades,
        notes,
    })
}
