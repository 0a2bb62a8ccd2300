//! A trial's conduct settings, editable by its coordinators: the visit list
//! and windows (when the record's schedule needs changing), the baseline
//! window, the DLT window and the BOIN target toxicity rate.

use crate::input::{FieldError, Obj, decimal_json};
use crate::schedule::{Offset, PlannedVisit, default_window};
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The schedule, when edited; None follows the record.
    pub visits: Option<Vec<PlannedVisit>>,
    /// Days before day 0 in which the baseline (screening) visit counts.
    pub baseline_window_days: u32,
    /// Days after the infusion in which a DLT counts.
    pub dlt_window_days: u32,
    /// BOIN target DLT rate φ.
    pub boin_target: Decimal,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            visits: None,
            baseline_window_days: 28,
            dlt_window_days: 28,
            boin_target: Decimal::new(30, 2),
        }
    }
}

const FIELDS: &[&str] = &[
    "visits",
    "baseline_window_days",
    "dlt_window_days",
    "boin_target",
];

impl Settings {
    pub fn from_json(v: &Value) -> Result<Settings, FieldError> {
        let o = Obj::at("", v, FIELDS)?;
        let mut s = Settings::default();
        if o.get("visits").is_some() {
            let mut visits: Vec<PlannedVisit> = Vec::new();
            for (i, x) in o.array("visits")?.iter().enumerate() {
                let path = format!("visits[{i}]");
                let vo = Obj::at(&path, x, &["code", "window_days"])?;
                let code = vo.str_req("code", 10)?;
                let offset = Offset::parse_code(&code).ok_or_else(|| {
                    FieldError::new(
                        vo.p("code"),
                        format!("{code:?} is not a visit code (M3, W4, D28)"),
                    )
                })?;
                let window_days = vo
                    .u32_opt("window_days", 0, 60)?
                    .unwrap_or_else(|| default_window(offset));
                if visits.iter().any(|v| v.offset == offset) {
                    return Err(FieldError::new(vo.p("code"), "listed twice"));
                }
                visits.push(PlannedVisit {
                    code: offset.code(),
                    label: offset.label(),
                    offset,
                    window_days,
                });
            }
            if visits.is_empty() {
                return Err(FieldError::new("visits", "give at least one visit"));
            }
            visits.sort_by_key(|v| (v.offset.approx_days(), v.offset));
            s.visits = Some(visits);
        }
        if let Some(n) = o.u32_opt("baseline_window_days", 0, 365)? {
            s.baseline_window_days = n;
        }
        if let Some(n) = o.u32_opt("dlt_window_days", 1, 365)? {
            s.dlt_window_days = n;
        }
        if let Some(t) = o.dec_opt(
            "boin_target",
            Some(Decimal::new(5, 2)),
            Some(Decimal::new(50, 2)),
        )? {
            s.boin_target = t;
        }
        Ok(s)
    }

    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        if let Some(v) = &self.visits {
            m.insert(
                "visits".into(),
                Value::Array(
                    v.iter()
                        .map(|x| json!({"code": x.code, "window_days": x.window_days}))
                        .collect(),
                ),
            );
        }
        m.insert(
            "baseline_window_days".into(),
            json!(self.baseline_window_days),
        );
        m.insert("dlt_window_days".into(), json!(self.dlt_window_days));
        m.insert("boin_target".into(), decimal_json(self.boin_target));
        Value::Object(m)
    }
}
