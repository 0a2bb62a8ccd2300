//! What a trial collects about its participants: the participant record,
//! per-visit data (instrument items, labs, vitals, the investigator's
//! attestations), adverse events with their grading and concomitant
//! medications. Each has a strict JSON reader (errors name the field path)
//! and writes back the same JSON, which is what the store keeps and the
//! audit trail compares.

use crate::Date;
use crate::input::{FieldError, Obj, decimal_json, from_instrument, join};
use eligo_instruments::bilag2004::{self, Grade, Grades};
use eligo_instruments::{sdi, sledai2k};
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

fn d(s: &str) -> Decimal {
    s.parse().unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Participants

/// Where a participant stands in the trial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParticipantStatus {
    /// On study: visits are expected.
    Active,
    /// Finished the follow-up.
    Completed,
    /// Left the study; visits after `withdrawn_on` are missed.
    Withdrawn,
}

impl ParticipantStatus {
    pub const ALL: [ParticipantStatus; 3] = [
        ParticipantStatus::Active,
        ParticipantStatus::Completed,
        ParticipantStatus::Withdrawn,
    ];
    pub fn code(self) -> &'static str {
        match self {
            ParticipantStatus::Active => "active",
            ParticipantStatus::Completed => "completed",
            ParticipantStatus::Withdrawn => "withdrawn",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }
}

/// A participant as the trial knows them: a study id that carries no name,
/// the infusion date (day 0) and the dose level received.
#[derive(Debug, Clone, PartialEq)]
pub struct Participant {
    /// The study's own id, e.g. `CHT-001`; never a name.
    pub study_id: String,
    /// Day 0: the CAR-T infusion.
    pub infusion_date: Date,
    /// 1-based index into the trial's dose levels (as the record lists
    /// them), when the trial has dose levels.
    pub dose_level: Option<u32>,
    /// Escalation cohort number, when the coordinator groups them.
    pub cohort: Option<u32>,
    /// `F` or `M` (SDTM SEX), optional.
    pub sex: Option<String>,
    /// Age in years at enrolment, optional.
    pub age_years: Option<u32>,
    pub status: ParticipantStatus,
    /// Date of withdrawal (required when withdrawn).
    pub withdrawn_on: Option<Date>,
    /// Marked entirely synthetic (examples and tests), shown as such.
    pub synthetic: bool,
}

pub const PARTICIPANT_FIELDS: &[&str] = &[
    "study_id",
    "infusion_date",
    "dose_level",
    "cohort",
    "sex",
    "age_years",
    "status",
    "withdrawn_on",
    "synthetic",
];

impl Participant {
    pub fn from_json(v: &Value) -> Result<Participant, FieldError> {
        Self::read(&Obj::at("", v, PARTICIPANT_FIELDS)?)
    }

    pub(crate) fn read(o: &Obj) -> Result<Participant, FieldError> {
        let study_id = o.str_req("study_id", 40)?;
        if !study_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        {
            return Err(FieldError::new(
                o.p("study_id"),
                "use letters, digits, '-', '_' or '.' only (a study id, never a name)",
            ));
        }
        let status = match o.choice_opt("status", &["active", "completed", "withdrawn"])? {
            Some(s) => ParticipantStatus::from_code(&s).unwrap_or(ParticipantStatus::Active),
            None => ParticipantStatus::Active,
        };
        let withdrawn_on = o.date_opt("withdrawn_on")?;
        if status == ParticipantStatus::Withdrawn && withdrawn_on.is_none() {
            return Err(FieldError::new(
                o.p("withdrawn_on"),
                "required when the status is withdrawn",
            ));
        }
        let sex = o.choice_opt("sex", &["F", "M", "U"])?.filter(|s| s != "U");
        Ok(Participant {
            study_id,
            infusion_date: o.date_req("infusion_date")?,
            dose_level: o.u32_opt("dose_level", 1, 50)?,
            cohort: o.u32_opt("cohort", 1, 1000)?,
            sex,
            age_years: o.u32_opt("age_years", 0, 120)?,
            status,
            withdrawn_on,
            synthetic: o.bool_opt("synthetic")?.unwrap_or(false),
        })
    }

    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("study_id".into(), json!(self.study_id));
        m.insert(
            "infusion_date".into(),
            json!(self.infusion_date.to_string()),
        );
        if let Some(x) = self.dose_level {
            m.insert("dose_level".into(), json!(x));
        }
        if let Some(x) = self.cohort {
            m.insert("cohort".into(), json!(x));
        }
        if let Some(x) = &self.sex {
            m.insert("sex".into(), json!(x));
        }
        if let Some(x) = self.age_years {
            m.insert("age_years".into(), json!(x));
        }
        m.insert("status".into(), json!(self.status.code()));
        if let Some(x) = self.withdrawn_on {
            m.insert("withdrawn_on".into(), json!(x.to_string()));
        }
        if self.synthetic {
            m.insert("synthetic".into(), json!(true));
        }
        Value::Object(m)
    }
}

// ---------------------------------------------------------------------------
// Visit data

/// A laboratory result of a visit, in the unit reported, with the
/// laboratory's reference range when given.
#[derive(Debug, Clone, PartialEq)]
pub struct Lab {
    /// eligo vocabulary analyte key (`c3`, `anti_dsdna`, `platelets`, ...).
    pub analyte: String,
    pub value: Decimal,
    /// UCUM, as reported (normalised spelling).
    pub unit: String,
    pub low: Option<Decimal>,
    pub high: Option<Decimal>,
}

/// Vital signs in fixed UCUM units (Cel, /min, mm[Hg], %, kg, cm).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Vitals {
    pub temperature_c: Option<Decimal>,
    pub heart_rate: Option<Decimal>,
    pub systolic_bp: Option<Decimal>,
    pub diastolic_bp: Option<Decimal>,
    pub respiratory_rate: Option<Decimal>,
    pub spo2: Option<Decimal>,
    pub weight_kg: Option<Decimal>,
    pub height_cm: Option<Decimal>,
}

/// The vital signs: field, label, UCUM unit, plausible range.
pub const VITALS: &[(&str, &str, &str, &str, &str)] = &[
    ("temperature_c", "Temperature", "Cel", "30", "45"),
    ("heart_rate", "Heart rate", "/min", "20", "250"),
    (
        "systolic_bp",
        "Systolic blood pressure",
        "mm[Hg]",
        "40",
        "300",
    ),
    (
        "diastolic_bp",
        "Diastolic blood pressure",
        "mm[Hg]",
        "20",
        "200",
    ),
    ("respiratory_rate", "Respiratory rate", "/min", "4", "80"),
    ("spo2", "Oxygen saturation", "%", "50", "100"),
    ("weight_kg", "Weight", "kg", "20", "300"),
    ("height_cm", "Height", "cm", "100", "250"),
];

impl Vitals {
    pub fn get(&self, field: &str) -> Option<Decimal> {
        match field {
            "temperature_c" => self.temperature_c,
            "heart_rate" => self.heart_rate,
            "systolic_bp" => self.systolic_bp,
            "diastolic_bp" => self.diastolic_bp,
            "respiratory_rate" => self.respiratory_rate,
            "spo2" => self.spo2,
            "weight_kg" => self.weight_kg,
            "height_cm" => self.height_cm,
            _ => None,
        }
    }
    fn set(&mut self, field: &str, v: Option<Decimal>) {
        match field {
            "temperature_c" => self.temperature_c = v,
            "heart_rate" => self.heart_rate = v,
            "systolic_bp" => self.systolic_bp = v,
            "diastolic_bp" => self.diastolic_bp = v,
            "respiratory_rate" => self.respiratory_rate = v,
            "spo2" => self.spo2 = v,
            "weight_kg" => self.weight_kg = v,
            "height_cm" => self.height_cm = v,
            _ => {}
        }
    }
    pub fn is_empty(&self) -> bool {
        VITALS.iter().all(|(f, ..)| self.get(f).is_none())
    }
}

/// Everything assessed at one visit. A section that is absent was not
/// assessed: it is missing, never normal.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VisitData {
    pub sledai2k: Option<sledai2k::Items>,
    pub selena_sledai: Option<sledai2k::Items>,
    pub bilag: Option<Grades>,
    pub pga: Option<Decimal>,
    pub sdi: Option<sdi::Input>,
    /// The investigator's attestations that DORIS 2021 and LLDAS need
    /// beyond the instruments.
    pub maintenance_therapy_stable: Option<bool>,
    pub maintenance_therapy_standard_and_tolerated: Option<bool>,
    pub hemolytic_anemia: Option<bool>,
    pub gastrointestinal_activity: Option<bool>,
    pub new_activity_since_last_assessment: Option<bool>,
    pub labs: Vec<Lab>,
    pub vitals: Vitals,
    pub notes: Option<String>,
}

pub const ATTESTATIONS: &[(&str, &str)] = &[
    (
        "maintenance_therapy_stable",
        "Antimalarial / immunosuppressive / biologic doses stable, or none (DORIS)",
    ),
    (
        "maintenance_therapy_standard_and_tolerated",
        "Standard, well-tolerated maintenance doses, no investigational drug (LLDAS)",
    ),
    (
        "hemolytic_anemia",
        "Active lupus haemolytic anaemia (LLDAS)",
    ),
    (
        "gastrointestinal_activity",
        "Active lupus gastrointestinal involvement (LLDAS)",
    ),
    (
        "new_activity_since_last_assessment",
        "New lupus activity since the last assessment (LLDAS)",
    ),
];

const VISIT_DATA_FIELDS: &[&str] = &[
    "sledai2k",
    "selena_sledai",
    "bilag",
    "pga",
    "sdi",
    "maintenance_therapy_stable",
    "maintenance_therapy_standard_and_tolerated",
    "hemolytic_anemia",
    "gastrointestinal_activity",
    "new_activity_since_last_assessment",
    "labs",
    "vitals",
    "notes",
];

pub fn sledai_to_json(items: &sledai2k::Items) -> Value {
    let m: Map<String, Value> = sledai2k::ITEMS
        .iter()
        .zip(items.0)
        .map(|(it, b)| (it.name.to_string(), Value::Bool(b)))
        .collect();
    Value::Object(m)
}

pub fn bilag_to_json(g: &Grades) -> Value {
    let m: Map<String, Value> = bilag2004::DOMAINS
        .iter()
        .zip(g.0)
        .map(|(d, g)| (d.to_string(), Value::String(grade_letter(g).into())))
        .collect();
    Value::Object(m)
}

pub fn grade_letter(g: Grade) -> &'static str {
    match g {
        Grade::A => "A",
        Grade::B => "B",
        Grade::C => "C",
        Grade::D => "D",
        Grade::E => "E",
    }
}

pub fn sdi_to_json(s: &sdi::Input) -> Value {
    let m: Map<String, Value> = sdi::ITEMS
        .iter()
        .zip(s.0)
        .map(|(it, n)| {
            let v = match it.kind {
                sdi::Kind::Count => json!(n),
                _ => Value::Bool(n > 0),
            };
            (it.name.to_string(), v)
        })
        .collect();
    Value::Object(m)
}

fn read_bilag(path: &str, v: &Value) -> Result<Grades, FieldError> {
    // The instrument reads `grades` inside its own envelope.
    let wrapped = json!({ "grades": v });
    bilag2004::from_json(&wrapped)
        .map(|i| i.grades)
        .map_err(|e| {
            let inner = e.path.strip_prefix("grades").unwrap_or(&e.path);
            let inner = inner.strip_prefix('.').unwrap_or(inner);
            FieldError::new(join(path, inner), e.problem.to_string())
        })
}

impl VisitData {
    pub fn from_json(v: &Value) -> Result<VisitData, FieldError> {
        Self::read(&Obj::at("", v, VISIT_DATA_FIELDS)?)
    }

    /// Read the data fields of `o` (which may also hold other keys that
    /// the caller allowed).
    pub(crate) fn read(o: &Obj) -> Result<VisitData, FieldError> {
        let mut out = VisitData::default();
        if let Some(v) = o.get("sledai2k") {
            out.sledai2k =
                Some(sledai2k::from_json(v).map_err(|e| from_instrument(&o.p("sledai2k"), e))?);
        }
        if let Some(v) = o.get("selena_sledai") {
            out.selena_sledai = Some(
                sledai2k::from_json(v).map_err(|e| from_instrument(&o.p("selena_sledai"), e))?,
            );
        }
        if let Some(v) = o.get("bilag") {
            out.bilag = Some(read_bilag(&o.p("bilag"), v)?);
        }
        out.pga = o.dec_opt("pga", Some(Decimal::ZERO), Some(d("3")))?;
        if let Some(v) = o.get("sdi") {
            out.sdi = Some(sdi::from_json(v).map_err(|e| from_instrument(&o.p("sdi"), e))?);
        }
        out.maintenance_therapy_stable = o.bool_opt("maintenance_therapy_stable")?;
        out.maintenance_therapy_standard_and_tolerated =
            o.bool_opt("maintenance_therapy_standard_and_tolerated")?;
        out.hemolytic_anemia = o.bool_opt("hemolytic_anemia")?;
        out.gastrointestinal_activity = o.bool_opt("gastrointestinal_activity")?;
        out.new_activity_since_last_assessment =
            o.bool_opt("new_activity_since_last_assessment")?;
        for (i, l) in o.array("labs")?.iter().enumerate() {
            out.labs
                .push(read_lab(&format!("{}[{i}]", o.p("labs")), l)?);
        }
        if let Some(v) = o.get("vitals") {
            let names: Vec<&str> = VITALS.iter().map(|x| x.0).collect();
            let vo = Obj::at(&o.p("vitals"), v, &names)?;
            for (f, _, _, lo, hi) in VITALS {
                out.vitals.set(f, vo.dec_opt(f, Some(d(lo)), Some(d(hi)))?);
            }
        }
        out.notes = o.str_opt("notes", 2000)?;
        Ok(out)
    }

    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        self.write(&mut m);
        Value::Object(m)
    }

    pub(crate) fn write(&self, m: &mut Map<String, Value>) {
        if let Some(x) = &self.sledai2k {
            m.insert("sledai2k".into(), sledai_to_json(x));
        }
        if let Some(x) = &self.selena_sledai {
            m.insert("selena_sledai".into(), sledai_to_json(x));
        }
        if let Some(x) = &self.bilag {
            m.insert("bilag".into(), bilag_to_json(x));
        }
        if let Some(x) = self.pga {
            m.insert("pga".into(), decimal_json(x));
        }
        if let Some(x) = &self.sdi {
            m.insert("sdi".into(), sdi_to_json(x));
        }
        for (k, v) in [
            (
                "maintenance_therapy_stable",
                self.maintenance_therapy_stable,
            ),
            (
                "maintenance_therapy_standard_and_tolerated",
                self.maintenance_therapy_standard_and_tolerated,
            ),
            ("hemolytic_anemia", self.hemolytic_anemia),
            ("gastrointestinal_activity", self.gastrointestinal_activity),
            (
                "new_activity_since_last_assessment",
                self.new_activity_since_last_assessment,
            ),
        ] {
            if let Some(b) = v {
                m.insert(k.into(), Value::Bool(b));
            }
        }
        if !self.labs.is_empty() {
            m.insert(
                "labs".into(),
                Value::Array(self.labs.iter().map(lab_json).collect()),
            );
        }
        if !self.vitals.is_empty() {
            let vm: Map<String, Value> = VITALS
                .iter()
                .filter_map(|(f, ..)| self.vitals.get(f).map(|v| (f.to_string(), decimal_json(v))))
                .collect();
            m.insert("vitals".into(), Value::Object(vm));
        }
        if let Some(n) = &self.notes {
            m.insert("notes".into(), json!(n));
        }
    }

    /// The lab of this analyte, if measured.
    pub fn lab(&self, analyte: &str) -> Option<&Lab> {
        self.labs.iter().find(|l| l.analyte == analyte)
    }

    pub fn is_empty(&self) -> bool {
        *self == VisitData::default()
    }
}

fn read_lab(path: &str, v: &Value) -> Result<Lab, FieldError> {
    let o = Obj::at(path, v, &["analyte", "value", "unit", "low", "high"])?;
    let analyte = o.str_req("analyte", 60)?;
    let vocab = eligo_vocab::vocabulary();
    let Some(a) = vocab.analyte(&analyte) else {
        let known: Vec<&str> = vocab
            .analytes()
            .iter()
            .filter(|a| !a.qualitative && !a.unit.is_empty())
            .map(|a| a.key.as_str())
            .collect();
        return Err(FieldError::new(
            o.p("analyte"),
            format!("unknown analyte {analyte:?} (one of {})", known.join(", ")),
        ));
    };
    let value = o.dec_req("value", Some(Decimal::ZERO), None)?;
    let unit_text = o.str_req("unit", 40)?;
    let unit = eligo_instruments::units::normalize_unit(&unit_text)
        .map_err(|e| FieldError::new(o.p("unit"), e.to_string()))?;
    // The unit must be one eligo can relate to the analyte's canonical unit.
    if !a.unit.is_empty() {
        let q = eligo_model::Quantity::new(value, unit.clone());
        if let Err(e) =
            eligo_instruments::units::convert(&q, &a.unit, a.conversion_analyte.as_deref())
        {
            return Err(FieldError::new(
                o.p("unit"),
                format!("{unit} is not a unit of {} ({e})", a.label),
            ));
        }
    }
    let low = o.dec_opt("low", Some(Decimal::ZERO), None)?;
    let high = o.dec_opt("high", Some(Decimal::ZERO), None)?;
    if let (Some(l), Some(h)) = (low, high)
        && l > h
    {
        return Err(FieldError::new(
            o.p("low"),
            format!("the lower limit {l} is above the upper limit {h}"),
        ));
    }
    Ok(Lab {
        analyte: a.key.clone(),
        value,
        unit,
        low,
        high,
    })
}

fn lab_json(l: &Lab) -> Value {
    let mut m = Map::new();
    m.insert("analyte".into(), json!(l.analyte));
    m.insert("value".into(), decimal_json(l.value));
    m.insert("unit".into(), json!(l.unit));
    if let Some(x) = l.low {
        m.insert("low".into(), decimal_json(x));
    }
    if let Some(x) = l.high {
        m.insert("high".into(), decimal_json(x));
    }
    Value::Object(m)
}

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

const CRS_TERM: &str = "Cytokine release syndrome";
const ICANS_TERM: &str = "Immune effector cell-associated neurotoxicity syndrome";
const AGVHD_TERM: &str = "Acute graft versus host disease";

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

fn with_scale(v: &Value, scale: &str) -> Value {
    let mut v = v.clone();
    if let Value::Object(m) = &mut v {
        m.insert("scale".into(), json!(scale));
    }
    v
}

/// The `astct_icans` input, with `ice` computed from `ice_tasks` when the
/// five tasks are given instead of the total.
fn icans_input(path: &str, v: &Value) -> Result<Value, FieldError> {
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

// ---------------------------------------------------------------------------
// Concomitant medications

/// Dosing frequency codes (CDISC FREQ submission values) and doses per day.
pub const FREQUENCIES: &[(&str, &str, Option<&str>)] = &[
    ("QD", "once a day", Some("1")),
    ("BID", "twice a day", Some("2")),
    ("TID", "three times a day", Some("3")),
    ("QID", "four times a day", Some("4")),
    ("QOD", "every other day", Some("0.5")),
    ("ONCE", "once", None),
    ("PRN", "as needed", None),
];

pub const ROUTES: &[&str] = &[
    "ORAL",
    "INTRAVENOUS",
    "SUBCUTANEOUS",
    "INTRAMUSCULAR",
    "TOPICAL",
];

#[derive(Debug, Clone, PartialEq)]
pub struct ConMed {
    pub name: String,
    /// mg per administration.
    pub dose_mg: Option<Decimal>,
    /// One of [`FREQUENCIES`].
    pub frequency: Option<String>,
    pub route: Option<String>,
    pub start: Date,
    pub end: Option<Date>,
    pub indication: Option<String>,
}

pub const CM_FIELDS: &[&str] = &[
    "name",
    "dose_mg",
    "frequency",
    "route",
    "start",
    "end",
    "indication",
];

impl ConMed {
    pub fn from_json(v: &Value) -> Result<ConMed, FieldError> {
        Self::read(&Obj::at("", v, CM_FIELDS)?)
    }

    pub(crate) fn read(o: &Obj) -> Result<ConMed, FieldError> {
        let freqs: Vec<&str> = FREQUENCIES.iter().map(|f| f.0).collect();
        let start = o.date_req("start")?;
        let end = o.date_opt("end")?;
        if end.is_some_and(|e| e < start) {
            return Err(FieldError::new(o.p("end"), "before the start date"));
        }
        let cm = ConMed {
            name: o.str_req("name", 120)?,
            dose_mg: o.dec_opt("dose_mg", Some(Decimal::ZERO), Some(d("100000")))?,
            frequency: o.choice_opt("frequency", &freqs)?,
            route: o.choice_opt("route", ROUTES)?,
            start,
            end,
            indication: o.str_opt("indication", 200)?,
        };
        if cm.prednisone_factor().is_some() && (cm.dose_mg.is_none() || cm.frequency.is_none()) {
            return Err(FieldError::new(
                o.p(if cm.dose_mg.is_none() {
                    "dose_mg"
                } else {
                    "frequency"
                }),
                "a glucocorticoid needs its dose and frequency (DORIS and LLDAS use the daily dose)",
            ));
        }
        Ok(cm)
    }

    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("name".into(), json!(self.name));
        if let Some(x) = self.dose_mg {
            m.insert("dose_mg".into(), decimal_json(x));
        }
        if let Some(x) = &self.frequency {
            m.insert("frequency".into(), json!(x));
        }
        if let Some(x) = &self.route {
            m.insert("route".into(), json!(x));
        }
        m.insert("start".into(), json!(self.start.to_string()));
        if let Some(x) = self.end {
            m.insert("end".into(), json!(x.to_string()));
        }
        if let Some(x) = &self.indication {
            m.insert("indication".into(), json!(x));
        }
        Value::Object(m)
    }

    /// mg prednisone per mg of this drug, when it is a glucocorticoid the
    /// vocabulary knows (prednisone 1, methylprednisolone 1.25, ...).
    pub fn prednisone_factor(&self) -> Option<Decimal> {
        eligo_vocab::vocabulary().prednisone_factor(&[], Some(&self.name.to_lowercase()))
    }

    /// Taken on `date` (start and end inclusive).
    pub fn active_on(&self, date: Date) -> bool {
        self.start <= date && self.end.is_none_or(|e| date <= e)
    }

    /// Doses a day; None for ONCE / PRN (no daily dose).
    pub fn per_day(&self) -> Option<Decimal> {
        let f = self.frequency.as_deref()?;
        FREQUENCIES
            .iter()
            .find(|x| x.0 == f)
            .and_then(|x| x.2)
            .map(d)
    }
}

/// Prednisone-equivalent mg/day on `date` from the medication log, with the
/// computation; Err names the glucocorticoid whose daily dose is unknown.
pub fn prednisone_mg_per_day(cms: &[ConMed], date: Date) -> Result<(Decimal, String), String> {
    let mut total = Decimal::ZERO;
    let mut parts = Vec::new();
    for cm in cms.iter().filter(|c| c.active_on(date)) {
        let Some(factor) = cm.prednisone_factor() else {
            continue;
        };
        let (Some(dose), Some(per_day)) = (cm.dose_mg, cm.per_day()) else {
            return Err(format!(
                "{} on {date} has no daily dose ({})",
                cm.name,
                cm.frequency.as_deref().unwrap_or("no frequency")
            ));
        };
        let mg = dose * per_day * factor;
        total += mg;
        parts.push(format!(
            "{} {} mg × {}/day × {} = {} mg",
            cm.name,
            dose.normalize(),
            per_day.normalize(),
            factor.normalize(),
            mg.normalize()
        ));
    }
    let text = if parts.is_empty() {
        "no glucocorticoid in the medication log on that day: 0 mg".to_string()
    } else {
        format!(
            "{} (prednisone equivalent {} mg/day)",
            parts.join(" + "),
            total.normalize()
        )
    };
    Ok((total.normalize(), text))
}

// ---------------------------------------------------------------------------
// A visit file

/// What `eligo visit record --input` and the visit API read: the visit
/// date, its data, and the adverse events and medications reported at it.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitInput {
    pub date: Date,
    pub data: VisitData,
    pub adverse_events: Vec<AdverseEvent>,
    pub concomitant_medications: Vec<ConMed>,
}

impl VisitInput {
    pub fn from_json(v: &Value) -> Result<VisitInput, FieldError> {
        let mut known: Vec<&str> = VISIT_DATA_FIELDS.to_vec();
        known.extend(["date", "adverse_events", "concomitant_medications"]);
        let o = Obj::at("", v, &known)?;
        let date = o.date_req("date")?;
        let data = VisitData::read(&o)?;
        let mut adverse_events = Vec::new();
        for (i, a) in o.array("adverse_events")?.iter().enumerate() {
            let path = format!("adverse_events[{i}]");
            adverse_events.push(AdverseEvent::read(&Obj::at(&path, a, AE_FIELDS)?)?);
        }
        let mut concomitant_medications = Vec::new();
        for (i, c) in o.array("concomitant_medications")?.iter().enumerate() {
            let path = format!("concomitant_medications[{i}]");
            concomitant_medications.push(ConMed::read(&Obj::at(&path, c, CM_FIELDS)?)?);
        }
        Ok(VisitInput {
            date,
            data,
            adverse_events,
            concomitant_medications,
        })
    }
}
