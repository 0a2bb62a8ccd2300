//! Adverse events: term, onset, resolution, seriousness, relatedness, and
//! the grade eligo computes where it can (CTCAE labs, CRS, ICANS with ICE,
//! aGVHD) or the scale it was entered with.

use super::*;

// ---------------------------------------------------------------------------
// Adverse events

/// Relatedness to the investigational product (investigator's judgement).
pub const RELATEDNESS: &[&str] = &[
    "not_related",
    "unlikely",
    "possible",
    "probable",
    "definite",
];

/// How an adverse event's grade is found: computed by eligo from the
/// instrument's inputs, or entered with the name of its scale.
#[derive(Debug, Clone, PartialEq)]
pub enum Grading {
    /// CTCAE v5.0 laboratory term graded from a value (`eligo grade`).
    CtcaeLab {
        value: Decimal,
        unit: Option<String>,
        lln: Option<Decimal>,
        uln: Option<Decimal>,
        baseline: Option<Decimal>,
    },
    /// ASTCT CRS: the `astct_crs` instrument input.
    Crs(Value),
    /// ASTCT ICANS: the `astct_icans` input, `ice` given or computed from
    /// the five ICE tasks (`ice_tasks`).
    Icans(Value),
    /// MAGIC acute GVHD: the `magic_agvhd` input.
    Agvhd(Value),
    /// A grade eligo cannot compute (a clinical CTCAE term, NCCN chronic
    /// GVHD, ...), entered with the name of its scale.
    Entered { scale: String, grade: u8 },
}

/// Which safety syndrome an event is, for incidence tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syndrome {
    Crs,
    Icans,
    Agvhd,
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AdverseEvent {
    /// The event term; CTCAE terms for lab grading (`Platelet count decreased`).
    pub term: String,
    pub onset: Date,
    pub resolution: Option<Date>,
    pub serious: bool,
    /// One of [`RELATEDNESS`].
    pub relatedness: String,
    /// Adjudicated as a dose-limiting toxicity.
    pub dlt: bool,
    pub grading: Grading,
}

/// A grade with the scale it is on and how it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Graded {
    pub grade: u8,
    /// `CTCAE v5.0`, `ASTCT CRS`, `ASTCT ICANS`, `MAGIC aGVHD`, or the
    /// scale entered.
    pub scale: String,
    pub computed: bool,
    pub explanation: String,
}

pub const AE_FIELDS: &[&str] = &[
    "term",
    "onset",
    "resolution",
    "serious",
    "relatedness",
    "dlt",
    "grading",
];

pub(crate) const CRS_TERM: &str = "Cytokine release syndrome";
pub(crate) const ICANS_TERM: &str = "Immune effector cell-associated neurotoxicity syndrome";
pub(crate) const AGVHD_TERM: &str = "Acute graft versus host disease";

impl AdverseEvent {
    pub fn from_json(v: &Value) -> Result<AdverseEvent, FieldError> {
        Self::read(&Obj::at("", v, AE_FIELDS)?)
    }

    pub(crate) fn read(o: &Obj) -> Result<AdverseEvent, FieldError> {
        let gpath = o.p("grading");
        let gv = o.req("grading")?;
        let scale = match gv.get("scale") {
            Some(Value::String(s)) => s.clone(),
            _ => {
                return Err(FieldError::new(
                    join(&gpath, "scale"),
                    "missing (ctcae_lab, astct_crs, astct_icans, magic_agvhd or entered)",
                ));
            }
        };
        let mut rest = gv.clone();
        if let Value::Object(m) = &mut rest {
            m.remove("scale");
        }
        let grading = match scale.as_str() {
            "ctcae_lab" => {
                let g = Obj::at(&gpath, &rest, &["value", "unit", "lln", "uln", "baseline"])?;
                Grading::CtcaeLab {
                    value: g.dec_req("value", None, None)?,
                    unit: g.str_opt("unit", 40)?,
                    lln: g.dec_opt("lln", None, None)?,
                    uln: g.dec_opt("uln", None, None)?,
                    baseline: g.dec_opt("baseline", None, None)?,
                }
            }
            "astct_crs" => {
                eligo_instruments::astct_crs::from_json(&rest)
                    .map_err(|e| from_instrument(&gpath, e))?;
                Grading::Crs(rest)
            }
            "astct_icans" => Grading::Icans(icans_input(&gpath, &rest)?),
            "magic_agvhd" => {
                eligo_instruments::magic_agvhd::from_json(&rest)
                    .map_err(|e| from_instrument(&gpath, e))?;
                Grading::Agvhd(rest)
            }
            "entered" => {
                let g = Obj::at(&gpath, &rest, &["name", "grade"])?;
                Grading::Entered {
                    scale: g.str_req("name", 80)?,
                    grade: g
                        .u32_opt("grade", 1, 5)?
                        .ok_or_else(|| FieldError::new(join(&gpath, "grade"), "missing (1-5)"))?
                        as u8,
                }
            }
            other => {
                return Err(FieldError::new(
                    join(&gpath, "scale"),
                    format!(
                        "{other:?} is not one of ctcae_lab, astct_crs, astct_icans, magic_agvhd, entered"
                    ),
                ));
            }
        };
        let default_term = match grading {
            Grading::Crs(_) => Some(CRS_TERM),
            Grading::Icans(_) => Some(ICANS_TERM),
            Grading::Agvhd(_) => Some(AGVHD_TERM),
            _ => None,
        };
        let term = match (o.str_opt("term", 200)?, default_term) {
            (Some(t), _) => t,
            (None, Some(t)) => t.to_string(),
            (None, None) => return Err(FieldError::new(o.p("term"), "missing")),
        };
        let onset = o.date_req("onset")?;
        let resolution = o.date_opt("resolution")?;
        if resolution.is_some_and(|r| r < onset) {
            return Err(FieldError::new(o.p("resolution"), "before the onset date"));
        }
        let ae = AdverseEvent {
            term,
            onset,
            resolution,
            serious: o.bool_opt("serious")?.unwrap_or(false),
            relatedness: o
                .choice_opt("relatedness", RELATEDNESS)?
                .ok_or_else(|| FieldError::new(o.p("relatedness"), "missing"))?,
            dlt: o.bool_opt("dlt")?.unwrap_or(false),
            grading,
        };
        // A value eligo cannot grade must be entered with its scale instead.
        ae.graded().map_err(|e| FieldError::new(gpath, e))?;
        Ok(ae)
    }

    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("term".into(), json!(self.term));
        m.insert("onset".into(), json!(self.onset.to_string()));
        if let Some(r) = self.resolution {
            m.insert("resolution".into(), json!(r.to_string()));
        }
        m.insert("serious".into(), json!(self.serious));
        m.insert("relatedness".into(), json!(self.relatedness));
        m.insert("dlt".into(), json!(self.dlt));
        let g = match &self.grading {
            Grading::CtcaeLab {
                value,
                unit,
                lln,
                uln,
                baseline,
            } => {
                let mut g = Map::new();
                g.insert("scale".into(), json!("ctcae_lab"));
                g.insert("value".into(), decimal_json(*value));
                if let Some(u) = unit {
                    g.insert("unit".into(), json!(u));
                }
                for (k, v) in [("lln", lln), ("uln", uln), ("baseline", baseline)] {
                    if let Some(v) = v {
                        g.insert(k.into(), decimal_json(*v));
                    }
                }
                Value::Object(g)
            }
            Grading::Crs(v) => with_scale(v, "astct_crs"),
            Grading::Icans(v) => with_scale(v, "astct_icans"),
            Grading::Agvhd(v) => with_scale(v, "magic_agvhd"),
            Grading::Entered { scale, grade } => {
                json!({"scale": "entered", "name": scale, "grade": grade})
            }
        };
        m.insert("grading".into(), g);
        Value::Object(m)
    }

    /// The grade, computed where eligo can grade (CTCAE lab terms, CRS,
    /// ICANS, aGVHD) or as entered; Err says why a value cannot be graded.
    pub fn graded(&self) -> Result<Graded, String> {
        let score = |id: &str, input: &Value| -> Result<(u8, Value), String> {
            let s = eligo_instruments::score(id, input).map_err(|e| e.to_string())?;
            let j = s.to_json();
            let g = j["result"]["grade"].as_u64().unwrap_or(0) as u8;
            Ok((g, j))
        };
        match &self.grading {
            Grading::CtcaeLab {
                value,
                unit,
                lln,
                uln,
                baseline,
            } => {
                let g = eligo_instruments::ctcae::grade_detail(
                    &self.term,
                    *value,
                    unit.as_deref(),
                    *lln,
                    *uln,
                    *baseline,
                )
                .map_err(|e| e.to_string())?;
                match g.grade {
                    Some(grade) => Ok(Graded {
                        grade,
                        scale: "CTCAE v5.0".into(),
                        computed: true,
                        explanation: g.reason,
                    }),
                    None => Err(format!(
                        "CTCAE v5.0 cannot grade this value ({}); enter the grade with its scale instead",
                        g.reason
                    )),
                }
            }
            Grading::Crs(v) => {
                let (g, j) = score("astct_crs", v)?;
                Ok(Graded {
                    grade: g,
                    scale: "ASTCT CRS".into(),
                    computed: true,
                    explanation: j["breakdown"]["rule"].as_str().unwrap_or("").to_string(),
                })
            }
            Grading::Icans(v) => {
                let input = self.instrument_input().unwrap_or_default();
                let (g, j) = score("astct_icans", &input)?;
                Ok(Graded {
                    grade: g,
                    scale: "ASTCT ICANS".into(),
                    computed: true,
                    explanation: format!(
                        "ICE {}; {}",
                        v["ice"],
                        j["breakdown"]["rule"].as_str().unwrap_or("")
                    ),
                })
            }
            Grading::Agvhd(v) => {
                let (g, j) = score("magic_agvhd", v)?;
                Ok(Graded {
                    grade: g,
                    scale: "MAGIC aGVHD".into(),
                    computed: true,
                    explanation: j["breakdown"]["rule"].as_str().unwrap_or("").to_string(),
                })
            }
            Grading::Entered { scale, grade } => Ok(Graded {
                grade: *grade,
                scale: scale.clone(),
                computed: false,
                explanation: format!("grade {grade} entered on {scale}"),
            }),
        }
    }

    pub fn syndrome(&self) -> Syndrome {
        match &self.grading {
            Grading::Crs(_) => Syndrome::Crs,
            Grading::Icans(_) => Syndrome::Icans,
            Grading::Agvhd(_) => Syndrome::Agvhd,
            _ => {
                let t = self.term.to_ascii_lowercase();
                if t == CRS_TERM.to_ascii_lowercase() {
                    Syndrome::Crs
                } else if t == ICANS_TERM.to_ascii_lowercase() {
                    Syndrome::Icans
                } else if t == AGVHD_TERM.to_ascii_lowercase() {
                    Syndrome::Agvhd
                } else {
                    Syndrome::Other
                }
            }
        }
    }
}

pub(crate) fn with_scale(v: &Value, scale: &str) -> Value {
    let mut v = v.clone();
    if let Value::Object(m) = &mut v {
        m.insert("scale".into(), json!(scale));
    }
    v
}

/// The `astct_icans` input, with `ice` computed from `ice_tasks` when the
/// five tasks are given instead of the total.
pub(crate) fn icans_input(path: &str, v: &Value) -> Result<Value, FieldError> {
    let mut v = v.clone();
    if let Value::Object(m) = &mut v
        && let Some(tasks) = m.remove("ice_tasks")
    {
        let ice = eligo_instruments::ice::from_json(&tasks)
            .map_err(|e| from_instrument(&join(path, "ice_tasks"), e))?;
        let total = eligo_instruments::ice::score(&ice).result.ice;
        if m.get("ice")
            .is_some_and(|given| given.as_u64() != Some(u64::from(total)))
        {
            return Err(FieldError::new(
                join(path, "ice"),
                format!("the ICE tasks add up to {total}; give either ice or ice_tasks"),
            ));
        }
        m.insert("ice".into(), json!(total));
        m.insert("ice_tasks".into(), tasks);
    }
    // Validate without the tasks (the instrument takes the total).
    let mut check = v.clone();
    if let Value::Object(m) = &mut check {
        m.remove("ice_tasks");
    }
    eligo_instruments::astct_icans::from_json(&check).map_err(|e| from_instrument(path, e))?;
    Ok(v)
}

impl AdverseEvent {
    /// The instrument input without eligo's extra keys (ICE tasks).
    pub fn instrument_input(&self) -> Option<Value> {
        match &self.grading {
            Grading::Crs(v) | Grading::Agvhd(v) => Some(v.clone()),
            Grading::Icans(v) => {
                let mut v = v.clone();
                if let Value::Object(m) = &mut v {
                    m.remove("ice_tasks");
                }
                Some(v)
            }
            _ => None,
        }
    }
}
