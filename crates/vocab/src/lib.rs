//! eligo's clinical vocabulary, as data.
//!
//! Concept keys (`sle`, `alt`, `glucocorticoid`, `hsct`) name code sets in
//! SNOMED CT, ICD-10 / ICD-10-CM, LOINC, ATC, RxNorm and CVX. The criteria
//! compiler writes keys into rules; the matcher asks this crate whether a
//! patient's codings (or, failing codes, their text) belong to a key. Both
//! sides share these files, so a synonym or a code is added in one place:
//! `data/*.json`, documented in `data/README.md`.

mod matching;
mod named;
mod terms;

use eligo_model::Coding;
use eligo_model::rule::VaccineKind;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer};
use std::collections::HashMap;
use std::sync::OnceLock;

pub use matching::contains_phrase;
pub use named::each_named_condition;
pub use terms::{TermClass, Terms, terms};

/// A diagnosis or procedure concept.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Concept {
    pub key: String,
    pub label: String,
    #[serde(default)]
    pub synonyms: Vec<String>,
    #[serde(default)]
    pub snomed: Vec<String>,
    /// ICD-10 / ICD-10-CM prefixes: `M32` matches `M32.14`.
    #[serde(default)]
    pub icd10: Vec<String>,
    /// Keys of narrower concepts, which count as this one.
    #[serde(default)]
    pub narrower: Vec<String>,
    /// Present from birth and never resolving (congenital disorders): a
    /// look-back window on onset makes no sense for it.
    #[serde(default)]
    pub lifelong: bool,
    /// Keys of concepts whose records never count as this one, even when
    /// a code prefix or a word of their text would: latent tuberculosis
    /// infection is not active tuberculosis, nor an active infection.
    #[serde(default)]
    pub not: Vec<String>,
}

/// A laboratory analyte or vital sign.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Analyte {
    pub key: String,
    pub label: String,
    #[serde(default)]
    pub synonyms: Vec<String>,
    #[serde(default)]
    pub loinc: Vec<String>,
    /// Canonical UCUM unit (empty for qualitative tests).
    pub unit: String,
    /// Substance for molar <-> mass conversion (`creatinine`, `bilirubin`, `hemoglobin`).
    #[serde(default)]
    pub conversion_analyte: Option<String>,
    /// Limits of normal used only when an Observation carries none (MATCHING.md rule 5).
    #[serde(default)]
    pub default_range: Option<DefaultRange>,
    /// Usually reported as positive / negative.
    #[serde(default)]
    pub qualitative: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DefaultRange {
    #[serde(default, deserialize_with = "opt_decimal")]
    pub low: Option<Decimal>,
    #[serde(default, deserialize_with = "opt_decimal")]
    pub high: Option<Decimal>,
    pub unit: String,
    pub source: String,
}

/// A medication agent, or a class (a class has members whose `classes` name it).
#[derive(Debug, Clone, PartialEq)]
pub struct Medication {
    pub key: String,
    pub label: String,
    pub synonyms: Vec<String>,
    /// ATC codes or class prefixes (`H02AB` matches `H02AB07`).
    pub atc: Vec<String>,
    pub rxnorm: Vec<String>,
    /// Keys of the classes the agent belongs to.
    pub classes: Vec<String>,
    /// mg of prednisone per 1 mg of this drug (glucocorticoids only).
    pub prednisone_equivalent_mg: Option<Decimal>,
    pub live_vaccine: bool,
    pub cvx: Vec<String>,
    /// For vaccines: live, inactivated or mRNA.
    pub vaccine: Option<VaccineKind>,
}

#[derive(Deserialize)]
struct MedicationFile {
    key: String,
    label: String,
    #[serde(default)]
    synonyms: Vec<String>,
    #[serde(default)]
    atc: Vec<String>,
    #[serde(default)]
    rxnorm: Vec<String>,
    #[serde(default)]
    classes: Vec<String>,
    /// The dose (mg) equivalent to 5 mg prednisone, as tables print it.
    #[serde(default, deserialize_with = "opt_decimal")]
    equivalent_to_prednisone_5mg: Option<Decimal>,
    #[serde(default)]
    cvx: Vec<String>,
    #[serde(default)]
    vaccine: Option<VaccineKind>,
}

/// Decimals are read from their JSON text, never through binary floating point.
fn opt_decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    match v {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Number(n)) => n
            .to_string()
            .parse::<Decimal>()
            .map(Some)
            .map_err(|e| serde::de::Error::custom(format!("bad decimal {n}: {e}"))),
        Some(serde_json::Value::String(s)) => s
            .parse::<Decimal>()
            .map(Some)
            .map_err(|e| serde::de::Error::custom(format!("bad decimal {s:?}: {e}"))),
        Some(other) => Err(serde::de::Error::custom(format!(
            "expected a number, got {other}"
        ))),
    }
}

/// The whole vocabulary, with indexes.
#[derive(Debug)]
pub struct Vocabulary {
    conditions: Vec<Concept>,
    procedures: Vec<Concept>,
    analytes: Vec<Analyte>,
    medications: Vec<Medication>,
    condition_index: HashMap<String, usize>,
    procedure_index: HashMap<String, usize>,
    analyte_index: HashMap<String, usize>,
    medication_index: HashMap<String, usize>,
}

/// An error in the vocabulary data files (caught by the crate's tests).
#[derive(Debug, thiserror::Error)]
pub enum VocabError {
    #[error("data/{file}: {source}")]
    Parse {
        file: &'static str,
        source: serde_json::Error,
    },
    #[error("data/{file}: {message}")]
    Invalid { file: &'static str, message: String },
}

const CONDITIONS: &str = include_str!("../data/conditions.json");
const PROCEDURES: &str = include_str!("../data/procedures.json");
const ANALYTES: &str = include_str!("../data/analytes.json");
const MEDICATIONS: &str = include_str!("../data/medications.json");

/// The built-in vocabulary, parsed on first use.
///
/// # Panics
/// Only if the embedded data files are malformed, which the crate's tests rule out.
pub fn vocabulary() -> &'static Vocabulary {
    static V: OnceLock<Vocabulary> = OnceLock::new();
    V.get_or_init(|| match Vocabulary::load() {
        Ok(v) => v,
        Err(e) => panic!("eligo-vocab embedded data is invalid: {e}"),
    })
}

impl Vocabulary {
    /// Parse and check the embedded data files.
    pub fn load() -> Result<Self, VocabError> {
        let parse = |file: &'static str, text: &str| -> Result<serde_json::Value, VocabError> {
            serde_json::from_str(text).map_err(|source| VocabError::Parse { file, source })
        };
        let conditions: Vec<Concept> =
            serde_json::from_value(parse("conditions.json", CONDITIONS)?).map_err(|source| {
                VocabError::Parse {
                    file: "conditions.json",
                    source,
                }
            })?;
        let procedures: Vec<Concept> =
            serde_json::from_value(parse("procedures.json", PROCEDURES)?).map_err(|source| {
                VocabError::Parse {
                    file: "procedures.json",
                    source,
                }
            })?;
        let analytes: Vec<Analyte> = serde_json::from_value(parse("analytes.json", ANALYTES)?)
            .map_err(|source| VocabError::Parse {
                file: "analytes.json",
                source,
            })?;
        let raw: Vec<MedicationFile> =
            serde_json::from_value(parse("medications.json", MEDICATIONS)?).map_err(|source| {
                VocabError::Parse {
                    file: "medications.json",
                    source,
                }
            })?;
        let mut medications = Vec::with_capacity(raw.len());
        for m in raw {
            let prednisone_equivalent_mg = match m.equivalent_to_prednisone_5mg {
                Some(eq) if eq > Decimal::ZERO => Some(Decimal::from(5) / eq),
                Some(_) => {
                    return Err(VocabError::Invalid {
                        file: "medications.json",
                        message: format!(
                            "{}: equivalent_to_prednisone_5mg must be positive",
                            m.key
                        ),
                    });
                }
                None => None,
            };
            medications.push(Medication {
                live_vaccine: m.vaccine == Some(VaccineKind::Live),
                key: m.key,
                label: m.label,
                synonyms: m.synonyms,
                atc: m.atc,
                rxnorm: m.rxnorm,
                classes: m.classes,
                prednisone_equivalent_mg,
                cvx: m.cvx,
                vaccine: m.vaccine,
            });
        }
        let index =
            |keys: Vec<&str>, file: &'static str| -> Result<HashMap<String, usize>, VocabError> {
                let mut map = HashMap::new();
                for (i, k) in keys.into_iter().enumerate() {
                    if map.insert(k.to_string(), i).is_some() {
                        return Err(VocabError::Invalid {
                            file,
                            message: format!("duplicate key {k:?}"),
                        });
                    }
                }
                Ok(map)
            };
        let condition_index = index(
            conditions.iter().map(|c| c.key.as_str()).collect(),
            "conditions.json",
        )?;
        let procedure_index = index(
            procedures.iter().map(|c| c.key.as_str()).collect(),
            "procedures.json",
        )?;
        let analyte_index = index(
            analytes.iter().map(|c| c.key.as_str()).collect(),
            "analytes.json",
        )?;
        let medication_index = index(
            medications.iter().map(|c| c.key.as_str()).collect(),
            "medications.json",
        )?;
        let v = Vocabulary {
            conditions,
            procedures,
            analytes,
            medications,
            condition_index,
            procedure_index,
            analyte_index,
            medication_index,
        };
        v.check_references()?;
        Ok(v)
    }

    fn check_references(&self) -> Result<(), VocabError> {
        for (file, list, idx) in [
            ("conditions.json", &self.conditions, &self.condition_index),
            ("procedures.json", &self.procedures, &self.procedure_index),
        ] {
            for c in list {
                for n in c.narrower.iter().chain(&c.not) {
                    if !idx.contains_key(n) {
                        return Err(VocabError::Invalid {
                            file,
                            message: format!("{}: narrower key {n:?} does not exist", c.key),
                        });
                    }
                }
            }
        }
        for m in &self.medications {
            for c in &m.classes {
                if !self.medication_index.contains_key(c) {
                    return Err(VocabError::Invalid {
                        file: "medications.json",
                        message: format!("{}: class {c:?} does not exist", m.key),
                    });
                }
            }
        }
        Ok(())
    }

    pub fn conditions(&self) -> &[Concept] {
        &self.conditions
    }
    pub fn procedures(&self) -> &[Concept] {
        &self.procedures
    }
    pub fn analytes(&self) -> &[Analyte] {
        &self.analytes
    }
    pub fn medications(&self) -> &[Medication] {
        &self.medications
    }

    pub fn condition(&self, key: &str) -> Option<&Concept> {
        self.condition_index.get(key).map(|&i| &self.conditions[i])
    }
    pub fn procedure(&self, key: &str) -> Option<&Concept> {
        self.procedure_index.get(key).map(|&i| &self.procedures[i])
    }
    pub fn analyte(&self, key: &str) -> Option<&Analyte> {
        self.analyte_index.get(key).map(|&i| &self.analytes[i])
    }
    /// An agent or a class.
    pub fn medication(&self, key: &str) -> Option<&Medication> {
        self.medication_index
            .get(key)
            .map(|&i| &self.medications[i])
    }

    /// The concept and every narrower concept, transitively (each once).
    pub fn condition_closure(&self, key: &str) -> Vec<&Concept> {
        closure(key, &self.conditions, &self.condition_index)
    }
    pub fn procedure_closure(&self, key: &str) -> Vec<&Concept> {
        closure(key, &self.procedures, &self.procedure_index)
    }

    /// The medication and, if it is a class, every member (transitively).
    pub fn medication_members(&self, key: &str) -> Vec<&Medication> {
        if !self.medication_index.contains_key(key) {
            return Vec::new();
        }
        self.medications
            .iter()
            .filter(|m| m.key == key || self.in_class(m, key, 0))
            .collect()
    }

    /// Is `m` (transitively) a member of class `class`?
    pub fn in_class(&self, m: &Medication, class: &str, depth: usize) -> bool {
        if depth > 8 {
            return false;
        }
        m.classes.iter().any(|c| {
            c == class
                || self
                    .medication(c)
                    .is_some_and(|parent| self.in_class(parent, class, depth + 1))
        })
    }

    /// Does a condition coded `codes` (or, when no coding matches, described
    /// by `text`) belong to `key` or a narrower concept, and to none of the
    /// concepts they exclude (`not`)?
    pub fn condition_matches(&self, key: &str, codes: &[Coding], text: Option<&str>) -> bool {
        let closure = self.condition_closure(key);
        if !concepts_match(&closure, codes, text) {
            return false;
        }
        let excluded: Vec<&Concept> = closure
            .iter()
            .flat_map(|c| &c.not)
            .flat_map(|k| self.condition_closure(k))
            .collect();
        excluded.is_empty() || !concepts_match(&excluded, codes, text)
    }

    /// The condition a name is, as a whole: equal to its label or one of its
    /// synonyms, ignoring case, hyphens, a final "s" and a trailing
    /// "(disorder)", or naming it in a parenthesised gloss ("NSCLC (Advanced
    /// Non-small Cell Lung Cancer)"). A name that only contains a
    /// concept's name ("Stage IV Lung Cancer") is narrower, so not it.
    pub fn condition_named(&self, name: &str) -> Option<&Concept> {
        let mut forms = vec![norm_name(name)];
        if let Some((head, rest)) = name.split_once('(') {
            forms.push(norm_name(head));
            forms.push(norm_name(rest.trim_end_matches(')')));
        }
        forms.retain(|f| f.len() >= 2);
        self.conditions.iter().find(|c| {
            c.synonyms
                .iter()
                .chain([&c.label])
                .any(|s| forms.contains(&norm_name(s)))
        })
    }

    pub fn procedure_matches(&self, key: &str, codes: &[Coding], text: Option<&str>) -> bool {
        concepts_match(&self.procedure_closure(key), codes, text)
    }

    pub fn analyte_matches(&self, key: &str, codes: &[Coding], text: Option<&str>) -> bool {
        let Some(a) = self.analyte(key) else {
            return false;
        };
        if codes
            .iter()
            .any(|c| matching::is_loinc(&c.system) && a.loinc.iter().any(|l| l == c.code.trim()))
        {
            return true;
        }
        text.is_some_and(|t| {
            a.synonyms
                .iter()
                .chain([&a.label])
                .any(|s| contains_phrase(t, s))
        })
    }

    /// `key` may be a class: its members match.
    pub fn medication_matches(&self, key: &str, codes: &[Coding], text: Option<&str>) -> bool {
        let members = self.medication_members(key);
        if members.iter().any(|m| matching::medication_coded(m, codes)) {
            return true;
        }
        text.is_some_and(|t| {
            members.iter().any(|m| {
                m.synonyms
                    .iter()
                    .chain([&m.label])
                    .any(|s| contains_phrase(t, s))
            })
        })
    }

    /// The glucocorticoid agent a medication is, if any.
    pub fn glucocorticoid_agent(
        &self,
        codes: &[Coding],
        text: Option<&str>,
    ) -> Option<&Medication> {
        let agents: Vec<&Medication> = self
            .medications
            .iter()
            .filter(|m| m.prednisone_equivalent_mg.is_some())
            .collect();
        if let Some(m) = agents.iter().find(|m| matching::medication_coded(m, codes)) {
            return Some(m);
        }
        let t = text?;
        agents
            .into_iter()
            .find(|m| m.synonyms.iter().any(|s| contains_phrase(t, s)))
    }

    /// mg of prednisone per 1 mg of the glucocorticoid coded or named, if it is one.
    pub fn prednisone_factor(&self, codes: &[Coding], text: Option<&str>) -> Option<Decimal> {
        self.glucocorticoid_agent(codes, text)
            .and_then(|m| m.prednisone_equivalent_mg)
    }

    /// The kind of vaccine coded (CVX, ATC) or named; None when not recognised.
    pub fn vaccine_kind(&self, codes: &[Coding], text: Option<&str>) -> Option<VaccineKind> {
        // Specific products first, classes (no codes) last, so that "live" in a
        // class name never overrides a product's code.
        let vaccines: Vec<&Medication> = self
            .medications
            .iter()
            .filter(|m| m.vaccine.is_some())
            .collect();
        if let Some(m) = vaccines
            .iter()
            .find(|m| matching::medication_coded(m, codes))
        {
            return m.vaccine;
        }
        let t = text?;
        let mut named: Vec<&&Medication> = vaccines
            .iter()
            .filter(|m| m.synonyms.iter().any(|s| contains_phrase(t, s)))
            .collect();
        named.sort_by_key(|m| !(m.cvx.is_empty() && m.atc.is_empty()));
        named.first().and_then(|m| m.vaccine)
    }

    /// Some(true) for a live vaccine, Some(false) for a recognised non-live one.
    pub fn is_live_vaccine(&self, codes: &[Coding], text: Option<&str>) -> Option<bool> {
        self.vaccine_kind(codes, text)
            .map(|k| k == VaccineKind::Live)
    }
}

/// A condition name for comparison: lower case, words only, no plural "s",
/// no "(disorder)" tag.
fn norm_name(s: &str) -> String {
    let s = s.to_lowercase().replace("(disorder)", "").replace("'s", "");
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("sis") {
                &w[..w.len() - 1]
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn closure<'a>(key: &str, list: &'a [Concept], idx: &HashMap<String, usize>) -> Vec<&'a Concept> {
    let mut out: Vec<&Concept> = Vec::new();
    let mut stack = vec![key.to_string()];
    while let Some(k) = stack.pop() {
        if let Some(&i) = idx.get(&k) {
            let c = &list[i];
            if out.iter().any(|o| o.key == c.key) {
                continue;
            }
            out.push(c);
            stack.extend(c.narrower.iter().cloned());
        }
    }
    out
}

fn concepts_match(concepts: &[&Concept], codes: &[Coding], text: Option<&str>) -> bool {
    if concepts.iter().any(|c| matching::concept_coded(c, codes)) {
        return true;
    }
    text.is_some_and(|t| {
        concepts.iter().any(|c| {
            c.synonyms
                .iter()
                .chain([&c.label])
                .any(|s| contains_phrase(t, s))
        })
    })
}
