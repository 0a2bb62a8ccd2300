//! Record spellings: units as records write them, mapped to UCUM.

use super::*;

// ---------------------------------------------------------------------------
// Record spellings.

/// A unit spelling read as UCUM, with what was changed to get there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    pub ucum: String,
    /// e.g. `"µ read as u"`; empty when the input was already UCUM.
    pub notes: Vec<String>,
}

/// Record spellings (compared after folding case, dropping spaces and
/// rewriting powers of ten) and their UCUM codes.
pub(crate) static SPELLINGS: &[(&str, &str)] = &[
    ("mg/dl", "mg/dL"),
    ("gm/dl", "g/dL"),
    ("g/dl", "g/dL"),
    ("ug/dl", "ug/dL"),
    ("mg/l", "mg/L"),
    ("g/l", "g/L"),
    ("ug/l", "ug/L"),
    ("ng/l", "ng/L"),
    ("ng/ml", "ng/mL"),
    ("pg/ml", "pg/mL"),
    ("ug/ml", "ug/mL"),
    ("mg/ml", "mg/mL"),
    ("mol/l", "mol/L"),
    ("mmol/l", "mmol/L"),
    ("umol/l", "umol/L"),
    ("nmol/l", "nmol/L"),
    ("pmol/l", "pmol/L"),
    ("meq/l", "meq/L"),
    ("mosm/kg", "mosm/kg"),
    ("u/l", "U/L"),
    ("iu/l", "[IU]/L"),
    ("[iu]/l", "[IU]/L"),
    ("iu/ml", "[IU]/mL"),
    ("[iu]/ml", "[IU]/mL"),
    ("miu/ml", "m[IU]/mL"),
    ("m[iu]/ml", "m[IU]/mL"),
    ("miu/l", "m[IU]/L"),
    ("uiu/ml", "u[IU]/mL"),
    ("u[iu]/ml", "u[IU]/mL"),
    ("10*9/l", "10*9/L"),
    ("10*12/l", "10*12/L"),
    ("10*6/l", "10*6/L"),
    ("10*3/ul", "10*3/uL"),
    ("10*6/ul", "10*6/uL"),
    ("10*3/mm3", "10*3/mm3"),
    ("k/ul", "10*3/uL"),
    ("thou/ul", "10*3/uL"),
    ("m/ul", "10*6/uL"),
    ("/ul", "/uL"),
    ("cells/ul", "/uL"),
    ("/mm3", "/mm3"),
    ("cells/mm3", "/mm3"),
    ("/cumm", "/mm3"),
    ("/l", "/L"),
    ("%", "%"),
    ("percent", "%"),
    ("pct", "%"),
    ("ml/min", "mL/min"),
    ("ml/min/1.73m2", "mL/min/{1.73_m2}"),
    ("ml/min/1.73m^2", "mL/min/{1.73_m2}"),
    ("ml/min/{1.73_m2}", "mL/min/{1.73_m2}"),
    ("ml/min/1.73_m2", "mL/min/{1.73_m2}"),
    ("mg/24h", "mg/(24.h)"),
    ("mg/24hr", "mg/(24.h)"),
    ("mg/24hrs", "mg/(24.h)"),
    ("mg/(24.h)", "mg/(24.h)"),
    ("g/24h", "g/(24.h)"),
    ("g/24hr", "g/(24.h)"),
    ("g/(24.h)", "g/(24.h)"),
    ("mg/day", "mg/d"),
    ("g/day", "g/d"),
    ("mg/d", "mg/d"),
    ("g/d", "g/d"),
    ("mg/g", "mg/g"),
    ("mg/mmol", "mg/mmol"),
    ("g/g", "g/g"),
    ("mg/mg", "mg/mg"),
    ("s", "s"),
    ("sec", "s"),
    ("secs", "s"),
    ("seconds", "s"),
    ("min", "min"),
    ("h", "h"),
    ("hr", "h"),
    ("hrs", "h"),
    ("kg", "kg"),
    ("g", "g"),
    ("lb", "[lb_av]"),
    ("lbs", "[lb_av]"),
    ("[lb_av]", "[lb_av]"),
    ("cm", "cm"),
    ("m", "m"),
    ("in", "[in_i]"),
    ("[in_i]", "[in_i]"),
    ("cel", "Cel"),
    ("degc", "Cel"),
    ("[degf]", "[degF]"),
    // Synthea and others write pH's unit without UCUM's brackets.
    ("ph", "[pH]"),
    ("[ph]", "[pH]"),
    ("degf", "[degF]"),
    ("mmhg", "mm[Hg]"),
    ("mm[hg]", "mm[Hg]"),
    ("cmh2o", "cm[H2O]"),
    ("inr", "{INR}"),
    ("{inr}", "{INR}"),
    ("score", "{score}"),
    ("{score}", "{score}"),
    ("points", "{score}"),
    ("titer", "{titer}"),
    ("{titer}", "{titer}"),
    ("fl", "fL"),
    ("pg", "pg"),
    ("ml", "mL"),
    ("l", "L"),
    ("ratio", "{ratio}"),
];

/// Normalise a unit as spelled in a patient record to UCUM: "mg/dl"→"mg/dL",
/// "µmol/L"/"μmol/L"→"umol/L", "x10^9/L"/"10^9/L"/"×10⁹/L"→"10*9/L",
/// "/mm³"→"/mm3", "mmHg"→"mm[Hg]", "cells/uL"→"/uL" etc. Err for units it
/// cannot read.
pub fn normalize_unit(s: &str) -> Result<String, UnitError> {
    normalize(s).map(|n| n.ucum)
}

/// [`normalize_unit`] with notes on what was rewritten (the µ → u alias is
/// accepted only here, and reported).
pub fn normalize(s: &str) -> Result<Normalized, UnitError> {
    let mut notes = Vec::new();
    let trimmed = s.trim();
    if trimmed.is_empty() {
        return Ok(Normalized {
            ucum: "1".into(),
            notes: vec!["no unit read as a pure number (1)".into()],
        });
    }
    let mut t = String::with_capacity(trimmed.len());
    let mut in_superscript = false;
    for c in trimmed.chars() {
        let sup = superscript(c);
        // "10⁹" is 10^9; "m²" is UCUM's m2
        if sup.is_some() && !in_superscript && t.ends_with(|p: char| p.is_ascii_digit()) {
            t.push('^');
        }
        in_superscript = sup.is_some();
        if let Some(d) = sup {
            t.push(d);
            continue;
        }
        match c {
            'µ' | 'μ' => {
                if !notes.iter().any(|n: &String| n.starts_with('µ')) {
                    notes.push("µ read as u".to_string());
                }
                t.push('u');
            }
            '×' => t.push('x'),
            '·' => t.push('.'),
            '°' => t.push_str("deg"),
            c if c.is_whitespace() => {}
            c => t.push(c),
        }
    }
    let t = powers_of_ten(&t);
    let folded = t.to_lowercase();
    if let Some((_, ucum)) = SPELLINGS.iter().find(|(k, _)| *k == folded) {
        if *ucum != trimmed {
            notes.push(format!("{trimmed:?} read as UCUM {ucum:?}"));
        }
        return Ok(Normalized {
            ucum: (*ucum).to_string(),
            notes,
        });
    }
    match parse_unit(&t) {
        Ok(_) => {
            if t != trimmed {
                notes.push(format!("{trimmed:?} read as UCUM {t:?}"));
            }
            Ok(Normalized { ucum: t, notes })
        }
        Err(e) => Err(match e {
            UnitError::Syntax { reason, .. } => UnitError::Syntax {
                unit: s.to_string(),
                reason,
            },
            UnitError::UnknownAtom { atom, .. } => UnitError::UnknownAtom {
                unit: s.to_string(),
                atom,
            },
            other => other,
        }),
    }
}

pub(crate) fn superscript(c: char) -> Option<char> {
    Some(match c {
        '⁰' => '0',
        '¹' => '1',
        '²' => '2',
        '³' => '3',
        '⁴' => '4',
        '⁵' => '5',
        '⁶' => '6',
        '⁷' => '7',
        '⁸' => '8',
        '⁹' => '9',
        '⁻' => '-',
        _ => return None,
    })
}

/// Rewrite "x10^9", "10^9", "10e9", "10E9", "10**9" and "x10*9" as UCUM "10*9".
pub(crate) fn powers_of_ten(t: &str) -> String {
    let b = t.as_bytes();
    let mut out = String::with_capacity(t.len());
    let mut i = 0;
    while i < b.len() {
        let rest = &t[i..];
        if let Some(after) = rest.strip_prefix("10") {
            let marker = ["**", "^", "*", "e", "E"]
                .iter()
                .find(|m| after.starts_with(**m))
                .map(|m| m.len());
            if let Some(mlen) = marker {
                let exp = &after[mlen..];
                let sign = usize::from(exp.starts_with('-'));
                let ndig = exp[sign..].bytes().take_while(u8::is_ascii_digit).count();
                let prev_ok = i == 0 || matches!(b[i - 1], b'x' | b'X' | b'*' | b'/' | b'(' | b'.');
                if ndig > 0 && prev_ok {
                    if out.ends_with(['x', 'X']) || (out.ends_with('*') && mlen != 1) {
                        out.pop();
                    }
                    out.push_str("10*");
                    out.push_str(&exp[..sign + ndig]);
                    i += 2 + mlen + sign + ndig;
                    continue;
                }
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// Read a unit that should be UCUM: strictly first, then as a record
/// spelling.
pub(crate) fn resolve(s: &str) -> Result<(String, Unit), UnitError> {
    if let Ok(u) = parse_unit(s)
        && !SPELLINGS
            .iter()
            .any(|(k, v)| *k == s.to_lowercase() && *v != s)
    {
        return Ok((s.to_string(), u));
    }
    let n = normalize(s)?;
    let u = parse_unit(&n.ucum)?;
    Ok((n.ucum, u))
}

/// Read a unit case-insensitively, the way laboratory systems often store
/// them ("MG/DL", "Mmol/L", "10^9/l"): the record spelling table first, then
/// UCUM as written.
pub fn parse_lenient(s: &str) -> Result<Unit, UnitError> {
    resolve(s).map(|(_, u)| u)
}
