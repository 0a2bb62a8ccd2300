//! Values: results, comparators, units, thresholds, scores, doses,
//! routes, presence, grades, classifications, methods, quantifiers and the
//! connectors between atoms.

use super::*;

// ---------------------------------------------------------------- values

re!(
    result_re,
    r"(?i)\b(undetectable|not detected|non-?reactive|negative|detectable|detected|positive|reactive|above the (?:lower )?(?:detection|reference) limit|above the detection limit|higher than the lower limit|greater than the (?:normal )?reference|above the lower limit of|greater than the lower limit|above the upper limit of normal)"
);

pub(crate) fn result_of(w: &str) -> Qualitative {
    let w = w.to_ascii_lowercase();
    if w.starts_with("undetect") || w.starts_with("not detected") {
        Qualitative::Undetectable
    } else if w.starts_with("non") || w.starts_with("negative") {
        Qualitative::Negative
    } else if w.starts_with("positive") || w.starts_with("reactive") {
        Qualitative::Positive
    } else {
        Qualitative::Detectable
    }
}

/// The first result word in the text after an analyte (up to the next atom).
pub fn result_word(after: &str) -> Option<Qualitative> {
    result_word_at(after).map(|(q, _, _)| q)
}

/// As [`result_word`], with the range of the words.
pub fn result_word_at(after: &str) -> Option<(Qualitative, usize, usize)> {
    let m = result_re().find(after)?;
    // not across a comparator with a number ("≥ 1.0 x 109/L")
    if cmp_re().find(&after[..m.start()]).is_some() {
        return None;
    }
    Some((result_of(m.as_str()), m.start(), m.end()))
}

/// The nearest result word before an analyte ("positive HBsAg"), and its range.
pub fn result_word_before_at(before: &str) -> Option<(Qualitative, usize, usize)> {
    let m = result_re().find_iter(before).last()?;
    if before[m.end()..].contains([';', '.']) {
        return None;
    }
    Some((result_of(m.as_str()), m.start(), m.end()))
}

re!(
    cmp_re,
    r"(?i)(>=|<=|=>|=<|>|<|=|\bnot less than\b|\bno less than\b|\bnot more than\b|\bno more than\b|\bnot exceeding\b|\bat least\b|\bmore than\b|\bgreater than\b|\bhigher than\b|\bexceeding\b|\babove\b|\bover\b|\bless than\b|\blower than\b|\bbelow\b|\bunder\b|\bup to\b|\bmaximum of\b|\bminimum of\b)\s*(or equal to\s*)?(-?\d+(?:\.\d+)?)"
);

pub(crate) fn comparator_of(op: &str, or_equal: bool) -> Comparator {
    let op = op.to_ascii_lowercase();
    let c = match op.as_str() {
        ">=" | "=>" | "not less than" | "no less than" | "at least" | "minimum of" => {
            Comparator::Ge
        }
        "<=" | "=<" | "not more than" | "no more than" | "not exceeding" | "up to"
        | "maximum of" => Comparator::Le,
        ">" | "more than" | "greater than" | "higher than" | "exceeding" | "above" | "over" => {
            Comparator::Gt
        }
        "<" | "less than" | "lower than" | "below" | "under" => Comparator::Lt,
        _ => Comparator::Eq,
    };
    match (c, or_equal) {
        (Comparator::Gt, true) => Comparator::Ge,
        (Comparator::Lt, true) => Comparator::Le,
        (c, _) => c,
    }
}

pub(crate) const UNITS: &[(&str, &str)] = &[
    (
        r"(?i)^\s*x?\s*10\s*(?:\^|x|\*)?\s*(9|12|6|3)\s*/\s*L\b",
        "10*$1/L",
    ),
    (
        r"(?i)^\s*(?:ml|mL)\s*/\s*min\s*/\s*1\.73\s*(?:m2|m\^2|m²|sq\.?\s*m|square meters?)",
        "mL/min/{1.73_m2}",
    ),
    (
        r"(?i)^\s*mg\s*/\s*kg\s*(?:/\s*d(?:ay)?|\s+per\s+day|\s*\.\s*d|\s*/\s*24\s*h)\b",
        "mg/kg/d",
    ),
    (
        r"(?i)^\s*mg\s*(?:/\s*d(?:ay)?|\s+per\s+day|\s+daily|\s*/\s*24\s*h)\b",
        "mg/d",
    ),
    (r"(?i)^\s*(?:ml|mL)\s*/\s*min\b", "mL/min"),
    (r"(?i)^\s*mm\s*\[?hg\]?", "mm[Hg]"),
    (r"(?i)^\s*g\s*/\s*dL\b", "g/dL"),
    (r"(?i)^\s*mg\s*/\s*dL\b", "mg/dL"),
    (r"(?i)^\s*g\s*/\s*L\b", "g/L"),
    (r"(?i)^\s*(?:umol|micromol)\s*/\s*L\b", "umol/L"),
    (r"(?i)^\s*mmol\s*/\s*L\b", "mmol/L"),
    (r"(?i)^\s*I?U\s*/\s*L\b", "U/L"),
    (r"(?i)^\s*I?U\s*/\s*mL\b", "[IU]/mL"),
    (r"^\s*%", "%"),
    (r"(?i)^\s*(?:seconds?|secs?|s)\b", "s"),
    (r"(?i)^\s*(?:cells\s*)?/\s*(?:uL|mm3|mm\^3)\b", "/uL"),
    (r"(?i)^\s*g\s*/\s*(?:24\s*h(?:ours?)?|d(?:ay)?)\b", "g/d"),
    (r"(?i)^\s*mg\s*/\s*g\b", "mg/g"),
    (r"(?i)^\s*mg\s*/\s*mmol\b", "mg/mmol"),
    (r"(?i)^\s*kg\s*/\s*m2\b", "kg/m2"),
    (r"(?i)^\s*kg\b", "kg"),
    (r"(?i)^\s*(?:ml|mL)\b", "mL"),
    (r"(?i)^\s*mg\b", "mg"),
];

pub(crate) fn unit_res() -> &'static Vec<(Regex, &'static str)> {
    static R: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    R.get_or_init(|| {
        UNITS
            .iter()
            .map(|(p, u)| (Regex::new(p).expect("unit"), *u))
            .collect()
    })
}

/// A UCUM unit at the start of `s`, and its length.
pub fn unit_at(s: &str) -> Option<(String, usize)> {
    for (re, ucum) in unit_res() {
        if let Some(c) = re.captures(s) {
            let m = c.get(0)?;
            let mut u = String::new();
            c.expand(ucum, &mut u);
            return Some((u, m.end()));
        }
    }
    None
}

re!(
    uln_re,
    r"(?i)^\s*(?:x|times)?\s*(?:the\s+)?(?:(ULN|upper limit of (?:the\s+)?normal(?:\s+range)?|upper normal limit)|(LLN|lower limit of (?:the\s+)?normal(?:\s+range)?|lower normal limit))(?:\s*\((?:ULN|LLN)\))?"
);

/// "≤ 3 × ULN", "> 2.0 x upper limit of normal", "≥ 60 mL/min", "<92%".
pub fn threshold(after: &str) -> Option<(Comparator, Threshold)> {
    threshold_at(after).map(|(c, t, _)| (c, t))
}

/// As [`threshold`], with the end of the words read.
pub fn threshold_at(after: &str) -> Option<(Comparator, Threshold, usize)> {
    let c = cmp_re().captures(after)?;
    let m = c.get(0)?;
    // the comparator must come before any other sentence
    if after[..m.start()].contains([';']) {
        return None;
    }
    let comparator = comparator_of(c.get(1)?.as_str(), c.get(2).is_some());
    let value: Decimal = c.get(3)?.as_str().parse().ok()?;
    let rest = &after[m.end()..];
    if let Some(u) = uln_re().captures(rest) {
        let end = m.end() + u.get(0).map_or(0, |g| g.end());
        return Some(if u.get(1).is_some() {
            (comparator, Threshold::UlnMultiple { factor: value }, end)
        } else {
            (comparator, Threshold::LlnMultiple { factor: value }, end)
        });
    }
    let (unit, len) = unit_at(rest)?;
    Some((
        comparator,
        Threshold::Quantity {
            quantity: Quantity::new(value, unit),
        },
        m.end() + len,
    ))
}

re!(
    score_re,
    r"(?i)^[^;.]{0,40}?(>=|<=|=>|=<|>|<|=|\bat least\b|\bmore than\b|\bgreater than\b|\bof at least\b|\bof\b|\bless than\b)\s*(or equal to\s*)?(\d+(?:\.\d+)?)"
);

/// "score > 6", "score is ≥ 7 points", "PGA ≥ 1", and the end of the words read.
pub fn score_value_at(after: &str) -> Option<(Comparator, Decimal, usize)> {
    let c = score_re().captures(after)?;
    let end = c.get(0)?.end();
    let op = c.get(1)?.as_str().to_ascii_lowercase();
    let op = op.trim_start_matches("of ").trim();
    let op = if op == "of" { "=" } else { op };
    let v: Decimal = c.get(3)?.as_str().parse().ok()?;
    Some((comparator_of(op, c.get(2).is_some()), v, end))
}

re!(
    nyha_re,
    r"(?i)\b(?:class(?:ification)?|grade)\s*(?:class\s*)?(IV|III|II|I|[1-4])\b(?:\s*(?:or|-|to|and)\s*(IV|III|II|I|[1-4])\b)?"
);

/// Where the NYHA class is named.
pub fn nyha_range(cl: &str) -> Option<(usize, usize)> {
    nyha_re().find(cl).map(|m| (m.start(), m.end()))
}

/// The lowest NYHA class named ("class IV", "Grade III or IV").
pub fn nyha_class(cl: &str) -> Option<Decimal> {
    let c = nyha_re().captures(cl)?;
    let roman = |s: &str| match s.to_ascii_uppercase().as_str() {
        "I" | "1" => Some(1),
        "II" | "2" => Some(2),
        "III" | "3" => Some(3),
        "IV" | "4" => Some(4),
        _ => None,
    };
    let a = roman(c.get(1)?.as_str())?;
    Some(Decimal::from(a))
}

re!(
    amount_re,
    r"(?i)^\s*(?:of\s+|for\s+)?(?:>=|<=|>|<|\bat least\b|\bmore than\b|\bover\b)\s*\d+(?:\.\d+)?\s*(?:mL|ml|L|g|units?)\b"
);

/// An amount right after a procedure ("for ≥ 400mL"), as a relative range.
pub fn amount_after(after: &str) -> Option<(usize, usize)> {
    let m = amount_re().find(after)?;
    let s = m.start() + (m.as_str().len() - m.as_str().trim_start().len());
    Some((s, m.end()))
}

/// A daily dose right after a medication ("(≥1 mg/kg/day)", "≥ 100 mg/d"),
/// with the range of the words read.
pub fn dose_at(after: &str) -> Option<(DoseThreshold, usize, usize)> {
    let window = &after[..floor_boundary(after, 60)];
    let c = cmp_re().captures(window)?;
    let m = c.get(0)?;
    if window[..m.start()].contains([';', '.']) {
        return None;
    }
    let comparator = comparator_of(c.get(1)?.as_str(), c.get(2).is_some());
    let value: Decimal = c.get(3)?.as_str().parse().ok()?;
    let (unit, len) = unit_at(&window[m.end()..])?;
    if unit != "mg/d" && unit != "mg/kg/d" {
        return None;
    }
    Some((
        DoseThreshold {
            comparator,
            quantity: Quantity::new(value, unit),
            prednisone_equivalent: false,
        },
        m.start(),
        m.end() + len,
    ))
}

re!(
    route_re,
    r"(?i)\b(intra-?articular|intramuscular|intravenous|oral|subcutaneous|IV|IM)\b"
);

re!(
    dose_before_re,
    r"(?i)(>=|<=|>|<|\bmore than\b|\bat least\b|\bless than\b|\bover\b)\s*(\d+(?:\.\d+)?)\s*mg\s*(/\s*kg\s*)?(?:/\s*d(?:ay)?\s*|\s+(?:of\s+)?(?:daily|per day)\s+|\s+(?:of\s+)?)(?:daily\s+)?(?:oral\s+)?$"
);

/// A daily dose written before the medication ("> 10 mg of daily
/// prednisone"), with where its words start.
pub fn dose_before_at(before: &str) -> Option<(DoseThreshold, usize)> {
    let c = dose_before_re().captures(before)?;
    let at = c.get(0)?.start();
    let comparator = comparator_of(c.get(1)?.as_str(), false);
    let value: Decimal = c.get(2)?.as_str().parse().ok()?;
    let whole = c.get(0)?.as_str().to_lowercase();
    if !(whole.contains("/d") || whole.contains("daily") || whole.contains("per day")) {
        return None;
    }
    let unit = if c.get(3).is_some() {
        "mg/kg/d"
    } else {
        "mg/d"
    };
    Some((
        DoseThreshold {
            comparator,
            quantity: Quantity::new(value, unit),
            prednisone_equivalent: false,
        },
        at,
    ))
}

re!(
    allergy_object_re,
    r"(?i)^(?:\s+(?:reactions?|shock))?\s+(?:to|of|against)\s+(?:the\s+|any\s+|either\s+)?([a-z-]+)"
);

/// "allergy to gold": the allergy names a substance; is it drugs in general?
pub fn allergy_object(after_phrase: &str) -> Option<String> {
    allergy_object_re()
        .captures(after_phrase)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_lowercase())
}

re!(
    require_before_re,
    r"(?i)\b(?:requir\w*|need(?:s|ing)?(?:\s+for)?)\s+(?:\w+\s+){0,3}$"
);

re!(
    current_before_re,
    r"(?i)\b(?:need\s+for\s+|requir\w*\s+)?(?:long[- ]term|continuous|chronic|ongoing|maintenance)(?:\s+(?:and\s+)?(?:long[- ]term|continuous|chronic|ongoing))?\s+$"
);

/// "need for long-term continuous anticoagulant therapy": a treatment
/// taken now, not at some time in a window; where its words start.
pub fn current_before(before: &str) -> Option<usize> {
    current_before_re().find(before).map(|m| m.start())
}

re!(
    systemic_treatment_re,
    r"(?i)\b(?:that\s+)?requir\w*\s+systemic\s+(?:anti-?infective\s+)?(?:treatment|therapy)\b"
);

/// "(infection) that requires systemic treatment": the treatment defines
/// the infection.
pub fn systemic_treatment(cl: &str) -> Option<(usize, usize)> {
    systemic_treatment_re()
        .find(cl)
        .map(|m| (m.start(), m.end()))
}

/// "requiring steroid therapy": a treatment named as a requirement of what precedes.
pub fn required_treatment(before: &str) -> bool {
    require_before_re().is_match(before)
}

/// Routes listed right before a medication ("intra-articular, intramuscular
/// or intravenous glucocorticoids"), with where the route words start.
pub fn routes_before_at(before: &str) -> (Vec<String>, Option<usize>) {
    let tail_start = before.rfind(['.', ';', ':']).map_or(0, |i| i + 1);
    let tail = &before[tail_start..];
    // only route words and separators between them and the medication
    let mut out = Vec::new();
    let mut last_end = None;
    let mut first: Option<usize> = None;
    for m in route_re().find_iter(tail) {
        if let Some(le) = last_end {
            let gap: &str = &tail[le..m.start()];
            if !gap.trim().trim_matches(',').trim().is_empty()
                && !matches!(
                    gap.trim().trim_matches(',').trim(),
                    "or" | "and" | "and/or" | "/"
                )
            {
                out.clear();
                first = None;
            }
        }
        first.get_or_insert(tail_start + m.start());
        let r = match m.as_str().to_ascii_lowercase().replace('-', "").as_str() {
            "intraarticular" => "intra_articular",
            "intramuscular" | "im" => "intramuscular",
            "intravenous" | "iv" => "intravenous",
            "oral" => "oral",
            _ => "subcutaneous",
        };
        if !out.iter().any(|x: &String| x == r) {
            out.push(r.to_string());
        }
        last_end = Some(m.end());
    }
    match last_end {
        Some(le) if tail[le..].trim().is_empty() => (out, first),
        _ => (Vec::new(), None),
    }
}

re!(
    ever_re,
    r"\b(?:history|histories|previous|previously|prior|past|ever|had|diagnos\w*|suffered|classification criteria|meet|meets|met)\b"
);
re!(
    both_re,
    r"\b(?:previous|prior|history(?: of)?|past)\s+(?:or|and/or)\s+current\b"
);
re!(
    active_near_re,
    r"\b(?:presence|present|current|currently|active|ongoing)\b[^;,.]{0,40}$"
);
re!(screening_re, r"\b(?:at|during)\s+(?:the\s+)?screening\b");

/// How a diagnosis must stand (MATCHING.md rule 6): "previous or current",
/// "history of" → ever; "presence of", "active", "at screening" → active.
pub fn presence(before: &str, clause: &str, after: &str) -> Presence {
    if both_re().is_match(before) {
        return Presence::Ever;
    }
    let a = after.trim_start();
    if a.starts_with("prior to screening")
        || a.starts_with("before screening")
        || a.starts_with("in the past")
    {
        return Presence::Ever;
    }
    if screening_re().is_match(clause) || active_near_re().is_match(before) {
        return Presence::Active;
    }
    if ever_re().is_match(before) {
        return Presence::Ever;
    }
    Presence::Active
}

re!(
    grade_re,
    r"(?i)(?:>=|≥|\bat least\b)\s*grade\s*(\d)\s*$|\bgrade\s*(\d)\s*(?:or|and)\s*(?:higher|above|more|greater)\s*$"
);

/// Where the grade words before a condition start ("≥ grade 2 bleeding").
pub fn min_grade_at(before: &str) -> Option<usize> {
    let t = before.trim_end();
    grade_re().find(t).map(|m| m.start())
}

pub fn min_grade(before: &str) -> Option<u8> {
    let c = grade_re().captures(before.trim_end())?;
    c.get(1).or(c.get(2))?.as_str().parse().ok()
}

re!(
    eular_re,
    r"(?i)(?:2019\s+(?:EULAR|European League Against Rheumatism)|(?:EULAR|ACR)\s*/\s*(?:ACR|EULAR)\s*2019|EULAR\s*/\s*ACR\b[^;]{0,40}2019|2019\b[^;]{0,80}\bEULAR)"
);
re!(slicc_re, r"(?i)\bSLICC\b");
re!(acr97_re, r"(?i)\b(?:1997\s+ACR|ACR\s+1997)\b");

re!(
    classification_tail_re,
    r"(?i)^(?:\s*\((?:EULAR|ACR)\))?(?:\s*/\s*(?:the\s+)?(?:ACR|EULAR|American College of Rheumatology|European League Against Rheumatism)(?:\s*\((?:ACR|EULAR)\))?)?(?:\s+2019)?(?:\s+(?:SLE\s+)?(?:classification\s+)?criteria)?(?:\s+for)?"
);

/// Where the classification criteria are named, if they are.
pub fn classification_range(cl: &str) -> Option<(usize, usize)> {
    let m = eular_re()
        .find(cl)
        .or_else(|| slicc_re().find(cl))
        .or_else(|| acr97_re().find(cl))?;
    let tail = classification_tail_re()
        .find(&cl[m.end()..])
        .map_or(0, |t| t.end());
    Some((m.start(), m.end() + tail))
}

pub fn classification(cl: &str) -> Option<String> {
    if eular_re().is_match(cl) {
        Some("eular_acr_2019".into())
    } else if slicc_re().is_match(cl) {
        Some("slicc_2012".into())
    } else if acr97_re().is_match(cl) {
        Some("acr_1997".into())
    } else {
        None
    }
}

/// The largest char boundary of `s` at or below `i`.
pub fn floor_boundary(s: &str, i: usize) -> usize {
    (0..=i.min(s.len()))
        .rev()
        .find(|&j| s.is_char_boundary(j))
        .unwrap_or(0)
}

re!(
    method_re,
    r"(?i)\(?(?:calculated\s+)?(?:by\s+|using\s+)?(?:the\s+)?cockcroft[- ]gault(?:\s+formula)?\)?|(?:evaluated\s+)?by\s+echocardiograph\w*(?:\s*\(ECHO\))?|\bechocardiograph\w*(?:\s*\(ECHO\))?|\(ECHO\)|(?:on|in|under)\s+(?:room|indoor)\s+air|(?:with\s+)?no\s+oxygen(?:\s+inhalation)?|without\s+(?:supplemental\s+)?oxygen|\((?:measured\s+)?by\s+pulse\s+oximeter\)|measured by pulse oximeter"
);

/// The words that state how a measurement is made, in `s`.
pub fn method_ranges(s: &str) -> Vec<(usize, usize)> {
    method_re()
        .find_iter(s)
        .map(|m| (m.start(), m.end()))
        .collect()
}

/// How a measurement must be made.
pub fn method(s: &str) -> Option<String> {
    let l = s.to_lowercase();
    let l = &l[..floor_boundary(&l, 160)];
    if l.contains("cockcroft") {
        Some("cockcroft_gault".into())
    } else if l.contains("echocardiog") || l.contains("(echo)") || l.contains(" echo ") {
        Some("echocardiography".into())
    } else if l.contains("room air")
        || l.contains("indoor air")
        || l.contains("no oxygen")
        || l.contains("without oxygen")
        || l.contains("without supplemental oxygen")
    {
        Some("room_air".into())
    } else {
        None
    }
}

/// Text between two analytes that keeps them in one list ("HBsAg or HBcAb").
pub fn connected(gap: &str) -> bool {
    let g = gap.to_lowercase().replace([',', ')', '('], " ");
    let g = g.trim().trim_start_matches('-').trim();
    matches!(g, "or" | "and" | "and/or" | "/" | "")
}

re!(
    quant_re,
    r"(?i)(?:\bat least\b|>=|≥)\s*(\d|one|two|three|four)\s+(?:of\s+the\s+following\s+)?(?:[A-Za-z-]+\s+){0,1}$"
);

re!(
    equivalent_re,
    r"(?i)\(?\s*\bor\s+(?:an?\s+)?(?:other\s+)?equivalent(?:\s+(?:amount|dose|doses|medication|glucocorticoid|glucocorticoids|hormone|steroid|steroids))*(?:\s+(?:therapy|treatment))?(?:\s+of\s+(?:other\s+)?\w+)?\s*\)?"
);

/// "(or equivalent medication)", "or equivalent hormone therapy": the
/// words that make a dose prednisone-equivalent.
pub fn equivalent_ranges(cl: &str) -> Vec<(usize, usize)> {
    equivalent_re()
        .find_iter(cl)
        .map(|m| (m.start(), m.end()))
        .collect()
}

/// Where the count before a class starts.
pub fn quantifier_at(before: &str) -> Option<usize> {
    quant_re().find(before).map(|m| m.start())
}

/// "≥1 of the following immunosuppressants", "at least 2 DMARDs": the count before a class.
pub fn quantifier_before(before: &str) -> Option<u32> {
    let c = quant_re().captures(before)?;
    number_word(c.get(1)?.as_str())
}

re!(
    examples_re,
    r"(?i)(?:\bsuch as\b|\be\.g\b|\bincluding\b|\binclude\b|\bincludes\b|\bfor example\b|\blike\b|\bnamely\b)"
);

pub fn introduces_examples(gap: &str) -> bool {
    examples_re().is_match(gap)
}

re!(
    nir_exc_re,
    r"(?i)(?:(?:with\s+)?disease-free survival|without active lesions|ending treatment|more than \d+ years|>\s*\d+\s*years|after radical|confirmed by biopsy|completely removed|radical treatment|fully treated|\blocal(?:i[sz]ed)?\s+\w+)"
);

pub fn not_in_record_in_exception(region: &str) -> bool {
    nir_exc_re().is_match(region)
}

pub fn not_in_record_extent(region: &str) -> (usize, usize) {
    let ms: Vec<_> = nir_exc_re().find_iter(region).collect();
    match (ms.first(), ms.last()) {
        (Some(a), Some(b)) => {
            let s = if region[a.start()..].to_lowercase().starts_with("with") {
                a.start()
            } else {
                region[..a.start()]
                    .rfind([',', '(', ':'])
                    .map_or(0, |i| i + 1)
            };
            let e = region[b.end()..]
                .find([',', ')', ';'])
                .map_or(region.len(), |i| b.end() + i);
            (s, e)
        }
        _ => (0, region.len()),
    }
}

/// The gap between two atoms with parenthesised text removed.
pub fn strip_parens(gap: &str) -> String {
    let mut out = String::new();
    let mut d = 0i32;
    for c in gap.chars() {
        match c {
            '(' => d += 1,
            ')' => d = (d - 1).max(0),
            _ if d == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

re!(
    permission_re,
    r"(?i)\bno (?:minimum|maximum|lower limit|requirement|restriction)\b|\bis not required\b|\bnot required\b"
);

/// "there is no minimum daily dose requirement": a permission, not a requirement.
pub fn permission(lower: &str) -> bool {
    permission_re().is_match(lower)
}

re!(andor_re, r"(?i)\band\s*/\s*or\b");
re!(or2_re, r"(?i)(?:,|;)\s*(?:and/)?or\b");
re!(or_re, r"(?i)\bor\b|^\s*/\s*$|/\s*(?:or)?\s*$");
re!(
    and_re,
    r"(?i)\band\b|\bwith\b|\bcombined\b|\bplus\b|\bas well as\b|\btogether\b|\brequir\w*|\bneed\w*\s+(?:to\s+undergo|for)\b|\bundergo\b|\bdefined by\b|\baccording to\b|\bclassified by\b"
);

re!(
    relative_requirement_re,
    r"(?i)^\s*(?:that|which|who)\s+(?:requires?|required|needs?|needed)\b"
);

/// "... infection that requires systemic treatment": a relative clause that
/// binds to the noun before it, tighter than an "or" before that.
pub fn relative_requirement(gap: &str) -> bool {
    relative_requirement_re().is_match(gap)
}

/// The connector a gap between atoms expresses.
pub fn connector(gap: &str) -> Op {
    // "heart failure - New York Heart Association": apposition.
    if gap.trim() == "-" {
        return Op::And;
    }
    if andor_re().is_match(gap) {
        return Op::Or;
    }
    if or2_re().is_match(gap) {
        return Op::Or2;
    }
    if or_re().is_match(gap) {
        return Op::Or;
    }
    if and_re().is_match(gap) {
        return Op::And;
    }
    Op::List
}
