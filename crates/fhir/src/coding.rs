//! CodeableConcepts to [`Coding`]s.
//!
//! Every coding is kept, whatever its system, with its display: the matcher
//! (through the vocabulary) decides which systems it understands. The only
//! rewriting is of system identifiers that are unambiguous spellings of the
//! same URI (HL7 OIDs, a trailing slash), so that `urn:oid:2.16.840.1.113883.6.96`
//! matches as SNOMED CT.

use crate::json::{Node, Problem};
use eligo_model::Coding;
use eligo_model::fact::systems;

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Concept {
    pub codes: Vec<Coding>,
    pub text: Option<String>,
}

impl Concept {
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty() && self.text.is_none()
    }

    /// The first code, else the text: for status-like concepts.
    pub fn first_code_or_text(&self) -> Option<&str> {
        self.codes
            .first()
            .map(|c| c.code.as_str())
            .or(self.text.as_deref())
    }

    /// The text, else the first display, else the first code: for labels
    /// such as a route (`oral`).
    pub fn label(&self) -> Option<String> {
        self.text
            .clone()
            .or_else(|| self.codes.iter().find_map(|c| c.display.clone()))
            .or_else(|| self.codes.first().map(|c| c.code.clone()))
    }
}

/// Reads a CodeableConcept. A coding without a code cannot be matched by
/// code, so it is dropped, but its display is kept as text when the concept
/// has none.
pub(crate) fn concept(n: &Node) -> Result<Concept, Problem> {
    n.expect_object()?;
    let mut out = Concept {
        text: n.str("text")?.map(str::to_owned),
        ..Concept::default()
    };
    let mut fallback = None;
    for c in n.objects("coding")? {
        let display = c.str("display")?.map(str::to_owned);
        match c.str("code")? {
            Some(code) => out.codes.push(Coding {
                system: normalize_system(c.str("system")?.unwrap_or("")),
                code: code.to_owned(),
                display,
            }),
            None => {
                c.str("system")?;
                if fallback.is_none() {
                    fallback = display;
                }
            }
        }
    }
    if out.text.is_none() {
        out.text = fallback;
    }
    Ok(out)
}

/// Reads an optional CodeableConcept field.
pub(crate) fn concept_at(n: &Node, key: &str) -> Result<Option<Concept>, Problem> {
    n.field(key).map(|c| concept(&c)).transpose()
}

/// The codes (else texts) of a list of CodeableConcepts, e.g. categories.
pub(crate) fn code_list(n: &Node, key: &str) -> Result<Vec<String>, Problem> {
    let mut out = Vec::new();
    for item in n.array(key)? {
        let c = concept(&item)?;
        if c.codes.is_empty() {
            out.extend(c.text);
        } else {
            out.extend(c.codes.into_iter().map(|c| c.code));
        }
    }
    Ok(out)
}

/// Spellings of a code system URI that mean exactly one of eligo's systems.
pub(crate) fn normalize_system(s: &str) -> String {
    let s = s.trim();
    let canonical = match s.strip_suffix('/').unwrap_or(s) {
        "urn:oid:2.16.840.1.113883.6.1" => systems::LOINC,
        "urn:oid:2.16.840.1.113883.6.96" => systems::SNOMED,
        "urn:oid:2.16.840.1.113883.6.3" => systems::ICD10,
        "urn:oid:2.16.840.1.113883.6.90" => systems::ICD10CM,
        "urn:oid:2.16.840.1.113883.6.88" => systems::RXNORM,
        "urn:oid:2.16.840.1.113883.6.73" => systems::ATC,
        "urn:oid:2.16.840.1.113883.12.292" => systems::CVX,
        "urn:oid:2.16.840.1.113883.6.8" => systems::UCUM,
        trimmed => trimmed,
    };
    canonical.to_owned()
}
