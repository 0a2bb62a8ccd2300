//! The modifiers Chia annotates beside entities: values (with the age
//! context they read), temporal expressions and negations.

use super::*;

// ---------------------------------------------------------------- values

re!(
    lab_value_re,
    r"(?i)^(?:>=|<=|=>|=<|>|<|=|≥|≤|[a-z ]{2,20}than|at least|at most|above|below)?\s*(?:or\s+equal\s+(?:to\s+)?)?\d+(?:[.,]\d+)?\s*(?:[x×]\s*|times\s*(?:the\s+)?)?(?:uln|lln|upper limit|mg/dl|mg/l|g/dl|g/l|mmol/l|umol/l|µmol/l|micromol/l|meq/l|iu/l|u/l|iu/ml|u/ml|ng/ml|ng/dl|pg/ml|ug/l|µg/l|mcg/l|mm\s*hg|mmhg|cells|/ul|/µl|/mm|copies|x\s*10|%)"
);

pub(crate) const UNIT: &str = r"(?:x\s*10\s*(?:\^|\*)?\s*\d+\s*/\s*[a-z]+|%|mg/dl|mg/l|g/dl|g/l|mmol/l|umol/l|micromol/l|mmol/mol|meq/l|iu/l|u/l|iu/ml|u/ml|ng/ml|ng/dl|ng/l|pg/ml|ug/l|ug/dl|mcg/dl|mcg/l|mm\s*hg|mmhg|kg/m2|kg/m\^2|kg|g|mg|mcg|ug|ml/min/1\.73\s*m2|ml/min|ml|l|cm|mm|m|bpm|beats per minute|cells/(?:ul|mm3|mm\^3)|/ul|/mm3|/mm\^3|copies/ml|points?|years?(?:\s+old|\s+of\s+age)?|months?|weeks?|days?|hours?|seconds?|ms|msec|sec|degrees?|°c|°f|c|f|units?|mg/kg(?:/d(?:ay)?)?|mg/d(?:ay)?|mg/m2|pack[- ]years?)";

pub(super) fn value_res() -> &'static Vec<Regex> {
    static R: OnceLock<Vec<Regex>> = OnceLock::new();
    R.get_or_init(|| {
        let num = r"\d+(?:[.,]\d+)?";
        let cmp = r"(?:>=|<=|=>|=<|>|<|=|\bnot (?:less|more|greater|lower|higher) than\b|\bno (?:less|more|greater) than\b|\bat least\b|\bat most\b|\bup to\b|\bmore than\b|\bgreater than\b|\bhigher than\b|\bless than\b|\blower than\b|\bfewer than\b|\bolder than\b|\byounger than\b|\bover\b|\bunder\b|\babove\b|\bbelow\b|\bexceeding\b|\bexceeds?\b|\bminimum of\b|\bmaximum of\b|\bin excess of\b)";
        let uln = r"(?:\s*(?:x|times)?\s*(?:the\s+)?(?:uln|lln|upper limits? of (?:the\s+)?normal(?:\s+range)?|lower limits? of (?:the\s+)?normal|institutional (?:uln|upper limit of normal)|normal))";
        let pats = [
            // comparison: "> 1.5 x ULN", "≥ 18 years", "less than 30 mL/min"
            format!(
                r"(?i){cmp}(?:\s*or\s*equal\s*(?:to)?)?\s*{num}(?:{uln}|\s*{UNIT}\b)?(?:\s*(?:or|and)\s*(?:older|more|greater|higher|above|over|less|lower|fewer))?"
            ),
            // range: "18-65 years", "18 to 65", "between 18 and 65 years"
            format!(
                r"(?i)(?:\bbetween\s+)?\b{num}\s*(?:{UNIT}\s*)?(?:-|to|and)\s*{num}(?:\s*{UNIT}\b)?"
            ),
            // "18 years or older", "60 or more"
            format!(
                r"(?i)\b{num}\s*(?:{UNIT}\s*)?(?:or|and)\s+(?:older|more|greater|higher|above|over|less|lower|fewer|younger)\b"
            ),
            // a number with a (non-time) unit: "5 mg/dL", "30%"
            format!(
                r"(?i)\b{num}\s*(?:%|mg/dl|g/dl|mmol/l|umol/l|mm\s*hg|mmhg|kg/m2|kg|mg|mcg|ug|ml/min|ml|cm|mm|bpm|iu/l|u/l|ng/ml|pg/ml|copies/ml|cells/(?:ul|mm3)|/mm3|/ul|x\s*10\s*(?:\^|\*)?\s*\d+\s*/\s*[a-z]+|x\s*(?:uln|lln))\b|\b{num}\s*%"
            ),
            // results and qualitative values
            r"(?i)\b(?:positive|negative|abnormal|elevated|normal|detectable|undetectable|reactive|non-?reactive|within normal limits|within (?:the )?normal range|outside (?:the )?normal range)\b".to_string(),
            // grades, stages and classes: "stage III", "class II-IV", "grade 2 or higher"
            r"(?i)\b(?:grade|stage|class|classes|tanner)\s+(?:[0-4]|I{1,3}|IV|V|[A-D])\b(?:\s*(?:-|to|or|and|,)\s*(?:[0-4]|I{1,3}|IV|V|[A-D])\b)*(?:\s*(?:or|and)\s+(?:higher|above|greater|more|worse|lower|less))?".to_string(),
            // roman class ranges on their own: "I-III"
            r"\b(?:I{1,3}|IV)\s*(?:-|to)\s*(?:I{1,3}|IV|V)\b".to_string(),
        ];
        pats.iter()
            .map(|p| Regex::new(p).expect("value pattern"))
            .collect()
    })
}

re!(
    time_amount_re,
    r"(?i)\d\s*(?:hours?|hrs?|days?|weeks?|wks?|months?|mos?|years?|yrs?)\b"
);
re!(
    age_before_re,
    r"(?i)\b(?:age[ds]?|older|younger|aged between)\b[^;,.]{0,12}$"
);
re!(
    age_after_re,
    r"(?i)^\s*(?:old|of age|or older|or younger|and older|and over|of age or older)\b"
);

/// "≥ 18 years" of a person's age (a value), not a stretch of time.
pub(super) fn age_context(t: &str, s: usize, e: usize) -> bool {
    age_before_re().is_match(&t[..s]) || age_after_re().is_match(&t[e..])
}

pub(super) fn values(t: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for r in value_res() {
        for m in r.find_iter(t) {
            let (s, e) = (m.start(), m.end());
            // An amount of time is a temporal expression, unless it is an age.
            if time_amount_re().is_match(m.as_str()) && !age_context(t, s, e) {
                continue;
            }
            let e = s + t[s..e].trim_end().len();
            if s < e {
                out.push((s, e));
            }
        }
    }
    merge(out)
}

// ---------------------------------------------------------------- temporal

pub(super) fn temporal_res() -> &'static Vec<Regex> {
    static R: OnceLock<Vec<Regex>> = OnceLock::new();
    R.get_or_init(|| {
        let n = r"(?:\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|a|an|several|few)";
        let unit = r"(?:hours?|hrs?|h|days?|d|weeks?|wks?|months?|mos?|years?|yrs?|minutes?|mins?|half[- ]?lives|cycles?)";
        let anchor = r"(?:(?:the\s+)?(?:start|beginning|end|initiation|time)\s+of\s+)?(?:the\s+)?(?:first\s+(?:dose|administration|day)\s+(?:of\s+)?)?(?:(?:study|trial|investigational|protocol)\s+)?(?:screening(?:\s+visit)?|enrol+ment|randomi[sz]ation|baseline|entry|inclusion|registration|(?:signing\s+(?:of\s+)?(?:the\s+)?)?(?:informed\s+)?consent|dos(?:e|ing)|drug|treatment|therapy|medication|surgery|admission|visit(?:\s+\d+)?|day\s+\d+|study|trial|delivery|diagnosis|onset|transplant(?:ation)?|procedure|injection|infusion|intervention|participation)";
        let rel = r"(?:prior\s+to|before|after|following|from|since|of|preceding|post)";
        let pats = [
            // "within the past 6 months prior to screening", "in the last year"
            format!(
                r"(?i)\b(?:within|in|during|over|for|throughout)\s+(?:the\s+)?(?:past|last|previous|prior|preceding|first|next|following|recent)?\s*{n}?\s*{unit}\b(?:\s*{rel}\s+{anchor})?"
            ),
            // "at least 3 months prior to screening", "> 6 months", "6 weeks before"
            format!(
                r"(?i)(?:\b(?:at least|more than|less than|greater than|no less than|not less than|minimum of|up to|over|under)\s+|(?:>=|<=|>|<)\s*)?\b{n}\s*{unit}\b\s*(?:{rel}\s+{anchor}|ago|earlier|before|prior|previously)"
            ),
            format!(
                r"(?i)(?:\b(?:at least|more than|less than|greater than|no less than|not less than|minimum of)\s+|(?:>=|<=|>|<)\s*){n}\s*{unit}\b"
            ),
            // "prior to screening", "before randomization", "since diagnosis"
            format!(r"(?i)\b(?:prior\s+to|before|after|following|since|preceding)\s+{anchor}\b"),
            // "at screening", "at the time of enrollment", "at baseline"
            format!(r"(?i)\bat\s+(?:the\s+)?(?:time\s+of\s+)?{anchor}\b"),
            // "during the study (period)", "during pregnancy"
            r"(?i)\bduring\s+(?:the\s+)?(?:course\s+of\s+(?:the\s+)?)?(?:study|trial|treatment|pregnancy|participation)(?:\s+period)?\b".to_string(),
            // "on day 1", "day -7"
            r"(?i)\b(?:on\s+)?day\s+-?\d+\b".to_string(),
            r"(?i)\b(?:medical|personal|past)\s+history\b".to_string(),
        ];
        pats.iter()
            .map(|p| Regex::new(p).expect("temporal pattern"))
            .collect()
    })
}

pub(super) fn temporals(t: &str, toks: &[Tok]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for r in temporal_res() {
        for m in r.find_iter(t) {
            if !age_context(t, m.start(), m.end()) {
                out.push((m.start(), m.end()));
            }
        }
    }
    for w in patterns::windows(t) {
        out.push((w.s, w.e));
    }
    let words = &terms().temporal_words;
    for (i, tk) in toks.iter().enumerate() {
        // "prior to ..." is read above; "prior" alone ("prior surgery") is a word of time.
        if words.contains(&tk.lower)
            && !(tk.lower == "prior" && toks.get(i + 1).is_some_and(|n| n.lower == "to"))
        {
            out.push((tk.s, tk.e));
        }
    }
    out
}

// ---------------------------------------------------------------- negation

pub(super) fn negation_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        let mut words: Vec<&str> = terms().negation_words.iter().map(String::as_str).collect();
        // Longest first, so "other than" wins over "other".
        words.sort_by_key(|w| std::cmp::Reverse(w.len()));
        let alts: Vec<String> = words
            .iter()
            .map(|w| regex::escape(w).replace("\\ ", r"\s+").replace(' ', r"\s+"))
            .collect();
        Regex::new(&format!(r"(?i)\b(?:{})\b", alts.join("|"))).expect("negation pattern")
    })
}

pub(super) fn negations(t: &str, toks: &[Tok]) -> Vec<(usize, usize)> {
    let out: Vec<(usize, usize)> = negation_re()
        .find_iter(t)
        .map(|m| (m.start(), m.end()))
        .collect();
    let _ = toks;
    out
}
