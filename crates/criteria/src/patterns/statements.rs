//! Statements with fixed wording: number words and time units, BILAG
//! grades, ages, trial participation, childbearing potential, allergy and
//! intolerance, requirements, severity and negations.

use super::*;

// ---------------------------------------------------------------- numbers

pub(crate) fn number_word(w: &str) -> Option<u32> {
    Some(match w.to_ascii_lowercase().as_str() {
        "a" | "an" | "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        d => d.parse().ok()?,
    })
}

pub(crate) fn time_unit(u: &str) -> Option<TimeUnit> {
    let u = u.to_ascii_lowercase();
    Some(match u.as_str() {
        "h" | "hr" | "hrs" | "hour" | "hours" => TimeUnit::Hours,
        "d" | "day" | "days" => TimeUnit::Days,
        "w" | "wk" | "wks" | "week" | "weeks" => TimeUnit::Weeks,
        "m" | "mo" | "month" | "months" => TimeUnit::Months,
        "y" | "yr" | "yrs" | "year" | "years" => TimeUnit::Years,
        _ => return None,
    })
}

re!(
    bilag_re,
    r"(?i)^[^;]{0,80}?\b(\d|one|two|three)\s+(?:BILAG[\w-]*\s+)?(?:grade\s+)?A\b[^;]{0,30}?\b(\d|one|two|three|four)\s+(?:grade\s+)?B\b"
);
re!(
    bilag_before_re,
    r"(?i)\b(\d|one|two|three)\s+(?:BILAG[\w-]*\s+)?(?:grade\s+)?A\b[^;]{0,30}?\b(\d|one|two|three|four)\s+(?:grade\s+)?B\b"
);

/// "at least 1 A or 2 B", "at least one BILAG-2004 Grade A or two Grade B".
pub fn bilag_pattern(from_mention: &str) -> Option<(u32, u32, usize)> {
    let c = bilag_re().captures(from_mention)?;
    Some((
        number_word(c.get(1)?.as_str())?,
        number_word(c.get(2)?.as_str())?,
        c.get(0)?.end(),
    ))
}

/// The same pattern anywhere in a clause (the instrument may follow the
/// counts), with the range of the words read.
pub fn bilag_anywhere(cl: &str) -> Option<(u32, u32, usize, usize)> {
    let c = bilag_before_re().captures(cl)?;
    let m = c.get(0)?;
    Some((
        number_word(c.get(1)?.as_str())?,
        number_word(c.get(2)?.as_str())?,
        m.start(),
        m.end(),
    ))
}

re!(
    age_cue_re,
    r"(?i)\b(?:age[ds]?|years? old|years of age|yrs? old)\b"
);
re!(
    age_range_re,
    r"(?i)\b(\d{1,3})\s*(?:-|to|and)\s*(\d{1,3})\s*(?:years?|yrs?|y)\b"
);
re!(
    age_min_re,
    r"(?i)(?:(>=|>|\bat least\b|\bover\b|\bolder than\b|\babove\b|\bminimum of\b)\s*(?:the\s+)?(?:age\s+(?:of\s+)?)?(\d{1,3})\b|\b(\d{1,3})\s*(?:years?|yrs?)\s*(?:old\s+)?(?:of age\s+)?(?:and|or)\s+(?:older|above|over)\b)"
);
re!(
    age_max_re,
    r"(?i)(<=|<|\bunder\b|\byounger than\b|\bbelow\b|\bup to\b|\bmaximum of\b)\s*(?:the\s+)?(?:age\s+(?:of\s+)?)?(\d{1,3})\b"
);

/// Age limits stated in a clause that speaks of age.
pub fn ages(cl: &str) -> Vec<(usize, usize, Option<AgeBound>, Option<AgeBound>)> {
    if !age_cue_re().is_match(cl) {
        return Vec::new();
    }
    if let Some(c) = age_range_re().captures(cl) {
        let (Some(a), Some(b), Some(m)) = (c.get(1), c.get(2), c.get(0)) else {
            return Vec::new();
        };
        let (Ok(lo), Ok(hi)) = (a.as_str().parse::<u32>(), b.as_str().parse::<u32>()) else {
            return Vec::new();
        };
        if lo <= hi && hi <= 120 {
            // cover from the age word when it precedes
            let s = age_cue_re()
                .find(&cl[..m.start()])
                .map_or(m.start(), |x| x.start());
            return vec![(
                s,
                m.end(),
                Some(AgeBound {
                    years: lo,
                    inclusive: true,
                }),
                Some(AgeBound {
                    years: hi,
                    inclusive: true,
                }),
            )];
        }
    }
    let mut min = None;
    let mut max = None;
    let mut s = usize::MAX;
    let mut e = 0;
    if let Some(c) = age_min_re().captures(cl) {
        let m = c.get(0).map_or((0, 0), |m| (m.start(), m.end()));
        let (op, n) = match (c.get(1), c.get(2), c.get(3)) {
            (Some(op), Some(n), _) => (op.as_str().to_ascii_lowercase(), n.as_str()),
            (_, _, Some(n)) => (">=".to_string(), n.as_str()),
            _ => (String::new(), ""),
        };
        if let Ok(y) = n.parse::<u32>()
            && y <= 120
        {
            let inclusive = !(op == ">" || op == "over" || op == "older than" || op == "above");
            min = Some(AgeBound {
                years: y,
                inclusive,
            });
            s = s.min(m.0);
            e = e.max(m.1);
        }
    }
    if let Some(c) = age_max_re().captures(cl) {
        let m = c.get(0).map_or((0, 0), |m| (m.start(), m.end()));
        let op = c.get(1).map_or("", |x| x.as_str()).to_ascii_lowercase();
        if let Some(Ok(y)) = c.get(2).map(|n| n.as_str().parse::<u32>())
            && y <= 120
        {
            let inclusive = op == "<=" || op == "up to" || op == "maximum of";
            max = Some(AgeBound {
                years: y,
                inclusive,
            });
            s = s.min(m.0);
            e = e.max(m.1);
        }
    }
    if min.is_some() || max.is_some() {
        let e = cl[e..].find([';', ',', '.']).map_or(e, |_| {
            // extend over "years (old)"
            let rest = &cl[e..];
            let ext = years_old_re().find(rest).map_or(0, |m| m.end());
            e + ext
        });
        return vec![(s, e, min, max)];
    }
    Vec::new()
}

re!(years_old_re, r"(?i)^\s*(?:years?|yrs?)(?:\s+old)?");
re!(
    anchor_tail_re,
    r"(?i)^\s*(?:prior to|before|of|preceding)?\s*(?:the\s+)?(?:screening|enrol+ment|signing (?:the )?(?:ICF|informed consent(?: form)?)|randomi[sz]ation|baseline|testing|eligibility screening|first dose|(?:initiation|start) of (?:the\s+)?(?:study\s+)?(?:treatment|therapy|dosing))"
);

re!(
    trial_re,
    r"(?i)\b(?:participat\w*|enrol\w*|involved)\s+in\s+(?:any\s+)?(?:other|another|an(?:other)?)\s+(?:interventional\s+)?(?:clinical\s+)?(?:trials?|stud(?:y|ies)|research)\b"
);

/// Mentions of taking part in another trial (the first states the rule;
/// the rest repeat it).
pub fn trial_participation(cl: &str) -> Vec<(usize, usize)> {
    trial_re()
        .find_iter(cl)
        .map(|m| (m.start(), m.end()))
        .collect()
}

re!(
    cbp_re,
    r"(?i)\b(?:pre-?menopausal\s+)?(?:females?|women|subjects?|participants?|patients?)?\s*(?:of|with)\s+(?:child-?bearing|reproductive)\s+(?:potential|age)|\b(?:women|females?|female subjects?)\s+(?:with|of)\s+fertility\b|\bfertility potential\b|\bWOCBP\b|\bchild-?bearing potential\b"
);

/// "females of childbearing potential", "women with fertility".
pub fn childbearing(cl: &str) -> Vec<(usize, usize)> {
    let lower = cl.to_lowercase();
    if !(lower.contains("pregnan")
        || lower.contains("hcg")
        || lower.contains("lactat")
        || lower.contains("chorionic"))
    {
        return Vec::new();
    }
    cbp_re()
        .find_iter(cl)
        .map(|m| {
            (
                m.start() + (m.as_str().len() - m.as_str().trim_start().len()),
                m.end(),
            )
        })
        .take(1)
        .collect()
}

re!(
    allergy_re,
    r"(?i)\b(?:allerg\w*|hypersensitivit\w*|intoleran\w*|anaphyla\w*)"
);

pub fn allergy_cue(lower: &str) -> bool {
    allergy_re().is_match(lower)
}

pub fn intolerance_of_treatment(lower: &str) -> bool {
    lower.contains("intolerant to standard")
        || lower.contains("intolerance to standard")
        || lower.contains("intolerant to conventional")
}

pub fn severe_allergy(lower: &str) -> bool {
    [
        "severe",
        "life-threatening",
        "anaphyla",
        "significant",
        "serious",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

re!(
    severe_word_re,
    r"(?i)\b(?:severe|life-threatening|anaphyla\w*|significant|serious)\b"
);

/// The words that make an allergy severe.
pub fn severe_words(cl: &str) -> Vec<(usize, usize)> {
    severe_word_re()
        .find_iter(cl)
        .map(|m| (m.start(), m.end()))
        .collect()
}

re!(
    allergy_phrase_re,
    r"(?i)\b(drug\s+)?(?:allerg\w*|hypersensitivit\w*|intoleran\w*|anaphyla\w*)(?:\s+(?:reactions?|shock))?(?:\s+to\s+(drugs?|medications?))?"
);

/// Allergy phrases; the flag says the allergy is to drugs in general.
pub fn allergy_phrases(cl: &str) -> Vec<(usize, usize, bool)> {
    allergy_phrase_re()
        .captures_iter(cl)
        .filter_map(|c| {
            let m = c.get(0)?;
            let drug = c.get(1).is_some() || c.get(2).is_some();
            Some((m.start(), m.end(), drug))
        })
        .collect()
}

re!(
    requirement_re,
    r"(?i)\b(?:requir\w*|need(?:s|ing)?\s+(?:to\s+undergo|for|to\s+receive)|need to undergo|defined as)\b"
);

/// The clause defines its condition by a requirement ("... requiring hemodialysis").
pub fn requirement_follows(lower: &str) -> bool {
    requirement_re().is_match(lower)
        && (lower.contains("dialysis") || lower.contains("mg") || lower.contains("prednisone"))
}

/// Where a requirement word ("requiring", "needs to undergo") begins, if any.
pub fn requirement_at(lower: &str) -> Option<usize> {
    requirement_re().find(lower).map(|m| m.start())
}

re!(
    severity_before_re,
    r"(?i)\b(severe|serious|significant|clinically significant|uncontroll\w*|unstable|moderate to (?:massive|severe)|symptomatic|obvious|poorly controlled|poor)\s+(?:(?:or|and)\s+\w+\s+)?(?:\w+\s+){0,1}$"
);

/// Start of a severity qualifier right before a condition.
pub fn severity_before(cl: &str, rel: usize) -> Option<usize> {
    // up to 60 bytes back, from a char boundary
    let lo = (rel.saturating_sub(60)..=rel)
        .find(|&i| cl.is_char_boundary(i))
        .unwrap_or(rel);
    severity_before_re()
        .find(&cl[lo..rel])
        .map(|m| lo + m.start())
}

re!(
    neg_fwd_re,
    r"(?i)\b(?:no|not|without|never|none of|free of|absence of)\b"
);
re!(
    neg_all_re,
    r"(?i)\b(?:must not|should not|must be avoided|not be used|not allowed|are not permitted|prohibited)\b"
);

/// Negation scopes (relative ranges). A leading "No" in an exclusion is the
/// registry's way of stating the exclusion and is not a negation.
pub fn negations(
    cl: &str,
    exclusion: bool,
    subs: &[(usize, usize)],
    mut f: impl FnMut(usize, usize),
) {
    for m in neg_all_re().find_iter(cl) {
        if let Some(&(s, e)) = subs.iter().find(|&&(s, e)| m.start() >= s && m.start() < e) {
            f(s, e);
        }
    }
    for m in neg_fwd_re().find_iter(cl) {
        let w = m.as_str().to_ascii_lowercase();
        if exclusion && cl[..m.start()].trim().is_empty() && w == "no" {
            continue;
        }
        // "with no oxygen" / "no minimum": scope to the sub-clause end, or the paren.
        let sub_end = subs
            .iter()
            .find(|&&(s, e)| m.start() >= s && m.start() < e)
            .map_or(cl.len(), |&(_, e)| e);
        let paren_end = if depth(cl, m.start()) > 0 {
            cl[m.end()..].find(')').map_or(cl.len(), |i| m.end() + i)
        } else {
            cl.len()
        };
        f(m.end(), sub_end.min(paren_end));
    }
}
