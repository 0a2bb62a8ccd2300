//! Code and text matching shared by every concept kind.

use crate::{Concept, Medication};
use eligo_model::Coding;
use eligo_model::fact::systems;

pub(crate) fn is_loinc(system: &str) -> bool {
    system.trim_end_matches('/') == systems::LOINC
}

fn is_snomed(system: &str) -> bool {
    system.trim_end_matches('/') == systems::SNOMED
}

fn is_icd10(system: &str) -> bool {
    let s = system.trim_end_matches('/');
    s == systems::ICD10 || s == systems::ICD10CM
}

/// ICD-10 codes compare without the dot and case-insensitively.
fn icd_norm(code: &str) -> String {
    code.trim()
        .chars()
        .filter(|c| *c != '.')
        .flat_map(char::to_uppercase)
        .collect()
}

pub(crate) fn concept_coded(c: &Concept, codes: &[Coding]) -> bool {
    codes.iter().any(|coding| {
        if is_snomed(&coding.system) {
            c.snomed.iter().any(|s| s == coding.code.trim())
        } else if is_icd10(&coding.system) {
            let code = icd_norm(&coding.code);
            !code.is_empty() && c.icd10.iter().any(|p| code.starts_with(&icd_norm(p)))
        } else {
            false
        }
    })
}

pub(crate) fn medication_coded(m: &Medication, codes: &[Coding]) -> bool {
    codes.iter().any(|coding| {
        let system = coding.system.trim_end_matches('/');
        let code = coding.code.trim();
        if system == systems::ATC {
            let code = code.to_ascii_uppercase();
            m.atc.iter().any(|p| code.starts_with(p.as_str()))
        } else if system == systems::RXNORM {
            m.rxnorm.iter().any(|r| r == code)
        } else if system == systems::CVX {
            // CVX codes are written with or without a leading zero ("03", "3").
            let a = code.trim_start_matches('0');
            m.cvx.iter().any(|c| c.trim_start_matches('0') == a)
        } else {
            false
        }
    })
}

/// Does `text` contain `phrase` as whole words, ignoring case?
///
/// A word boundary is the start or end of the text or a character that is
/// not alphanumeric, so `ALT` is found in "ALT ≤ 3 × ULN" but not in "ALTERED".
pub fn contains_phrase(text: &str, phrase: &str) -> bool {
    let phrase = phrase.trim();
    if phrase.is_empty() {
        return false;
    }
    let hay = text.to_lowercase();
    let needle = phrase.to_lowercase();
    let mut from = 0;
    while let Some(pos) = hay[from..].find(&needle) {
        let start = from + pos;
        let end = start + needle.len();
        let before_ok = hay[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let after_ok = hay[end..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
        if before_ok && after_ok {
            return true;
        }
        from = start + hay[start..].chars().next().map_or(1, char::len_utf8);
    }
    false
}
