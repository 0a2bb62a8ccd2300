//! Clinical instruments as pure functions (reference: INSTRUMENTS.md).
//!
//! Each instrument is a module with a typed `Input`, a strict `from_json`
//! reader (INSTRUMENTS.md "Input rules") and a `score` function returning
//! its result and a breakdown that lets a reader redo the computation.
//! [`score`] dispatches by instrument id for `eligo score`. Thresholds are
//! compared in exact decimals.
//!
//! Also here: the UCUM unit parser and conversions ([`units`]), the kidney
//! function estimates the matcher calls directly ([`renal`]) and CTCAE v5.0
//! laboratory grading driven by its threshold table ([`ctcae`]).

pub mod astct_crs;
pub mod astct_icans;
pub mod bilag2004;
pub mod ctcae;
pub mod doris2021;
pub mod eular_acr_2019;
pub mod ice;
pub mod input;
pub mod lldas;
pub mod magic_agvhd;
pub mod nyha;
pub mod pga;
pub mod renal;
pub mod sdi;
pub mod selena_sledai;
pub mod sledai2k;
pub mod sri4;
pub mod unit_convert;
pub mod units;

pub use input::{Field, InputError, Problem};

use serde::Serialize;
use serde_json::Value;

/// What `eligo score --list` shows for one instrument.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct InstrumentInfo {
    pub id: &'static str,
    pub name: &'static str,
    /// INSTRUMENTS.md section.
    pub section: &'static str,
    pub result_fields: &'static [&'static str],
    pub fields: &'static [Field],
}

/// Every instrument, in INSTRUMENTS.md order.
pub static INSTRUMENTS: &[InstrumentInfo] = &[
    InstrumentInfo {
        id: sledai2k::ID,
        name: "SLEDAI-2K",
        section: "§1",
        result_fields: &["total", "clinical_total"],
        fields: &sledai2k::FIELDS,
    },
    InstrumentInfo {
        id: selena_sledai::ID,
        name: "SELENA-SLEDAI",
        section: "§2",
        result_fields: &["total", "clinical_total"],
        fields: selena_sledai::FIELDS,
    },
    InstrumentInfo {
        id: bilag2004::ID,
        name: "BILAG-2004 numeric score from domain grades",
        section: "§3",
        result_fields: &[
            "numeric_total",
            "count_a",
            "count_b",
            "meets_1a_or_2b",
            "new_a",
            "new_b",
        ],
        fields: bilag2004::FIELDS,
    },
    InstrumentInfo {
        id: pga::ID,
        name: "Physician Global Assessment",
        section: "§4",
        result_fields: &["pga", "change", "worsened"],
        fields: pga::FIELDS,
    },
    InstrumentInfo {
        id: sri4::ID,
        name: "SLE Responder Index 4",
        section: "§5",
        result_fields: &[
            "responder",
            "sledai_reduction",
            "new_a",
            "new_b",
            "pga_change",
            "pga_worsened",
        ],
        fields: sri4::FIELDS,
    },
    InstrumentInfo {
        id: doris2021::ID,
        name: "DORIS 2021 remission",
        section: "§6",
        result_fields: &["remission", "clinical_sledai"],
        fields: doris2021::FIELDS,
    },
    InstrumentInfo {
        id: lldas::ID,
        name: "Lupus Low Disease Activity State",
        section: "§7",
        result_fields: &["lldas", "sledai2k", "major_organ_activity"],
        fields: lldas::FIELDS,
    },
    InstrumentInfo {
        id: sdi::ID,
        name: "SLICC/ACR Damage Index",
        section: "§8",
        result_fields: &["total", "domains"],
        fields: &sdi::FIELDS,
    },
    InstrumentInfo {
        id: eular_acr_2019::ID,
        name: "2019 EULAR/ACR SLE classification criteria",
        section: "§9",
        result_fields: &[
            "entry_criterion_met",
            "total",
            "has_clinical_criterion",
            "classified",
            "domains",
        ],
        fields: &eular_acr_2019::FIELDS,
    },
    InstrumentInfo {
        id: renal::cockcroft_gault::ID,
        name: "Cockcroft-Gault creatinine clearance",
        section: "§10",
        result_fields: &["crcl_ml_min", "creatinine_mg_dl"],
        fields: renal::cockcroft_gault::FIELDS,
    },
    InstrumentInfo {
        id: renal::ckd_epi_2021::ID,
        name: "CKD-EPI 2021 creatinine eGFR",
        section: "§11",
        result_fields: &["egfr", "creatinine_mg_dl"],
        fields: renal::ckd_epi_2021::FIELDS,
    },
    InstrumentInfo {
        id: astct_crs::ID,
        name: "ASTCT cytokine release syndrome grade",
        section: "§12",
        result_fields: &["grade", "fever", "hypotension_grade", "hypoxia_grade"],
        fields: astct_crs::FIELDS,
    },
    InstrumentInfo {
        id: ice::ID,
        name: "ICE encephalopathy score",
        section: "§13",
        result_fields: &["ice"],
        fields: ice::FIELDS,
    },
    InstrumentInfo {
        id: astct_icans::ID,
        name: "ASTCT ICANS grade (adults)",
        section: "§14",
        result_fields: &["grade", "domain_grades"],
        fields: astct_icans::FIELDS,
    },
    InstrumentInfo {
        id: magic_agvhd::ID,
        name: "MAGIC acute GVHD grade",
        section: "§15",
        result_fields: &["grade", "stages"],
        fields: magic_agvhd::FIELDS,
    },
    InstrumentInfo {
        id: nyha::ID,
        name: "NYHA functional class (+ LVEF category)",
        section: "§16",
        result_fields: &["class", "class_number", "lvef_category"],
        fields: nyha::FIELDS,
    },
    InstrumentInfo {
        id: unit_convert::ID,
        name: "Laboratory unit conversion",
        section: "§17",
        result_fields: &["value", "unit"],
        fields: unit_convert::FIELDS,
    },
];

/// The instrument with this id (`-` accepted for `_`, case-insensitive).
pub fn find_instrument(id: &str) -> Option<&'static InstrumentInfo> {
    let id = id.trim().to_ascii_lowercase().replace('-', "_");
    INSTRUMENTS.iter().find(|i| i.id == id)
}

/// `{"instrument": ..., "result": ..., "breakdown": ...}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Envelope<O: Serialize> {
    pub instrument: &'static str,
    #[serde(flatten)]
    pub output: O,
}

/// A scored instrument, serialising as the `eligo score` envelope with the
/// result and breakdown fields in their documented order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Scored {
    Sledai2k(Envelope<sledai2k::Output>),
    SelenaSledai(Envelope<sledai2k::Output>),
    Bilag2004(Envelope<bilag2004::Output>),
    Pga(Envelope<pga::Output>),
    Sri4(Envelope<sri4::Output>),
    Doris2021(Envelope<doris2021::Output>),
    Lldas(Envelope<lldas::Output>),
    Sdi(Envelope<sdi::Output>),
    EularAcr2019(Envelope<eular_acr_2019::Output>),
    CockcroftGault(Envelope<renal::cockcroft_gault::Output>),
    CkdEpi2021(Envelope<renal::ckd_epi_2021::Output>),
    AstctCrs(Envelope<astct_crs::Output>),
    Ice(Envelope<ice::Output>),
    AstctIcans(Envelope<astct_icans::Output>),
    MagicAgvhd(Envelope<magic_agvhd::Output>),
    Nyha(Envelope<nyha::Output>),
    UnitConvert(Envelope<unit_convert::Output>),
}

impl Scored {
    /// The envelope as a JSON value.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// Why `eligo score` could not score.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScoreError {
    #[error("unknown instrument {0:?} (see `eligo score --list`)")]
    UnknownInstrument(String),
    #[error(transparent)]
    Input(#[from] InputError),
}

fn env<O: Serialize>(instrument: &'static str, output: O) -> Envelope<O> {
    Envelope { instrument, output }
}

/// Score one instrument from its JSON input.
pub fn score(instrument: &str, input: &Value) -> Result<Scored, ScoreError> {
    let info = find_instrument(instrument)
        .ok_or_else(|| ScoreError::UnknownInstrument(instrument.to_string()))?;
    let id = info.id;
    Ok(match id {
        sledai2k::ID => Scored::Sledai2k(env(id, sledai2k::score(&sledai2k::from_json(input)?))),
        selena_sledai::ID => Scored::SelenaSledai(env(
            id,
            selena_sledai::score(&selena_sledai::from_json(input)?),
        )),
        bilag2004::ID => {
            Scored::Bilag2004(env(id, bilag2004::score(&bilag2004::from_json(input)?)))
        }
        pga::ID => Scored::Pga(env(id, pga::score(&pga::from_json(input)?))),
        sri4::ID => Scored::Sri4(env(id, sri4::score(&sri4::from_json(input)?))),
        doris2021::ID => {
            Scored::Doris2021(env(id, doris2021::score(&doris2021::from_json(input)?)))
        }
        lldas::ID => Scored::Lldas(env(id, lldas::score(&lldas::from_json(input)?))),
        sdi::ID => Scored::Sdi(env(id, sdi::score(&sdi::from_json(input)?))),
        eular_acr_2019::ID => Scored::EularAcr2019(env(
            id,
            eular_acr_2019::score(&eular_acr_2019::from_json(input)?),
        )),
        renal::cockcroft_gault::ID => Scored::CockcroftGault(env(
            id,
            renal::cockcroft_gault::score(&renal::cockcroft_gault::from_json(input)?),
        )),
        renal::ckd_epi_2021::ID => Scored::CkdEpi2021(env(
            id,
            renal::ckd_epi_2021::score(&renal::ckd_epi_2021::from_json(input)?),
        )),
        astct_crs::ID => Scored::AstctCrs(env(id, astct_crs::score(&astct_crs::from_json(input)?))),
        ice::ID => Scored::Ice(env(id, ice::score(&ice::from_json(input)?))),
        astct_icans::ID => {
            Scored::AstctIcans(env(id, astct_icans::score(&astct_icans::from_json(input)?)))
        }
        magic_agvhd::ID => {
            Scored::MagicAgvhd(env(id, magic_agvhd::score(&magic_agvhd::from_json(input)?)))
        }
        nyha::ID => Scored::Nyha(env(id, nyha::score(&nyha::from_json(input)?))),
        unit_convert::ID => {
            let parsed = unit_convert::from_json(input)?;
            let out = unit_convert::score(&parsed).map_err(|e| InputError {
                path: "value".into(),
                problem: Problem::Unit(e.to_string()),
            })?;
            Scored::UnitConvert(env(id, out))
        }
        other => return Err(ScoreError::UnknownInstrument(other.to_string())),
    })
}
