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

mod adverse;
pub use adverse::*;
