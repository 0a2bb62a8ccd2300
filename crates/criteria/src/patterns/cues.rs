//! Cues for what is not computable (future anchors, consent, judgement)
//! and the extent of the phrase each governs.

use super::*;

// ---------------------------------------------------------------- cues

#[derive(Debug, Clone)]
pub struct Cue {
    pub start: usize,
    pub end: usize,
    pub reason: NotComputableReason,
}

re!(
    future_anchor_re,
    r"(?i)\b(?:prior to|before)\s+(?:the\s+)?(?:(?:CT\d+|CAR-?T|cell|study|first|start of|start of the|receiving the)\s+)*(?:leukapheresis|apheresis|infusion|lymphodepl\w*|clearing|clearance|gonorrhea)"
);

/// "within 7 days prior to leukapheresis": a window counted from a future event.
pub fn strong_future_anchor(cl: &str) -> Option<(usize, usize)> {
    future_anchor_re().find(cl).map(|m| (m.start(), m.end()))
}

pub(crate) const CUES: &[(&str, NotComputableReason)] = &[
    (
        r"(?i)\b(?:investigators?|researchers?|research(?:er)?'s)\b[^;]*?\b(?:deem|judg|believ|opinion|assess|consider|think)|in the opinion of|\bdeemed\b|at the discretion|not suitable (?:to|for)|unsuitable for|should not participate|would pose",
        NotComputableReason::InvestigatorJudgment,
    ),
    (
        r"(?i)informed consent|consent form|\bsign(?:s|ed|ing)?\s+(?:the\s+)?(?:ICF|consent)|voluntar\w*|\bwilling\w*|unwilling|compliance|\bcomply|able to complete|legal guardians?|follow-up visits",
        NotComputableReason::ConsentOrCompliance,
    ),
    (
        r"(?i)(?:\bagree\w*\s+to\s+(?:use|take|practi[cs]e)\s+(?:an?\s+)?(?:effective\s+|adequate\s+|reliable\s+)?)?contracept\w*|barrier method|condoms?|intrauterine|donat\w+ (?:semen|sperm|eggs?)|egg donation|semen|sperm",
        NotComputableReason::ContraceptionAgreement,
    ),
    (
        r"(?i)\bplan(?:s|ning|ned)?\s+(?:to|pregnancy|for)\b|\bis planned\b|\bintend\w*|\bscheduled\b|\bconceive\b",
        NotComputableReason::FutureIntent,
    ),
    (
        r"(?i)\b(?:gonorrhea|clearing|lymphodepletion)\b",
        NotComputableReason::FutureAnchor,
    ),
    (
        r"(?i)fail\w* to respond|lack (?:of )?efficacy|\brelapse after remission|intoleran\w* to (?:standard|conventional)|standardi[sz]ed treatment|stable dose|disease (?:is )?still active|half[- ]?lives|disease-free survival|meet the standards|contraindication|medications prohibited|histologically|organ involvement|study drugs|\bCT\d{3,}\b|reconfirmed|\blupus crisis\b|requir\w* systemic (?:therapy|treatment)|requiring treatment",
        NotComputableReason::NotInRecord,
    ),
    (
        r"(?i)\b(?:moderate to severe|moderate-to-severe|severe|serious|clinically significant|significant|uncontroll\w*|unstable|obvious(?:ly)?|abnormalit(?:y|ies)|major chronic|moderate to massive|poor|poorly)\b|\bhemodynamic(?:ally)?\s+stab\w*|\bhaemodynamic(?:ally)?\s+stab\w*",
        NotComputableReason::VagueSeverity,
    ),
];

pub(crate) fn cue_res() -> &'static Vec<(Regex, NotComputableReason)> {
    static R: OnceLock<Vec<(Regex, NotComputableReason)>> = OnceLock::new();
    R.get_or_init(|| {
        CUES.iter()
            .map(|(p, r)| (Regex::new(p).expect("cue"), *r))
            .collect()
    })
}

/// Every cue in a clause.
pub fn cues(cl: &str) -> Vec<Cue> {
    let mut out = Vec::new();
    for (re, reason) in cue_res() {
        for m in re.find_iter(cl) {
            // "significant"/"severe" qualifying an allergy or a grade is handled there.
            if *reason == NotComputableReason::VagueSeverity {
                let after = cl[m.end()..].to_lowercase();
                let after = after.trim_start();
                if after.starts_with("drug allerg")
                    || after.starts_with("allerg")
                    || after.starts_with("hypersensitivity")
                    || after.starts_with("anaphyla")
                {
                    continue;
                }
            }
            if *reason == NotComputableReason::ConsentOrCompliance {
                // "within 2 years prior to signing the ICF" anchors a window; it asks nothing.
                let lo = (0..=m.start().saturating_sub(30))
                    .rev()
                    .find(|&i| cl.is_char_boundary(i))
                    .unwrap_or(0);
                let before = cl[lo..m.start()].to_lowercase();
                if before.contains("prior to")
                    || before.contains("before")
                    || before.contains("when")
                    || before.contains("after")
                {
                    continue;
                }
            }
            out.push(Cue {
                start: m.start(),
                end: m.end(),
                reason: *reason,
            });
        }
    }
    out.sort_by_key(|c| c.start);
    out
}

/// The sub-clause (relative range) holding `pos`.
pub fn subclause_of(cl: &str, pos: usize) -> (usize, usize) {
    subclauses(cl)
        .into_iter()
        .find(|&(s, e)| pos >= s && pos < e)
        .unwrap_or((0, cl.len()))
}

/// Does the cue's statement include the atom at `pos`? The cue's sub-clause,
/// from its start when the cue opens the statement ("Meet the standards of ...").
pub fn governed_by_cue(cl: &str, sub_start: usize, pos: usize, c: &Cue) -> bool {
    let lead = cl[sub_start..c.start].trim();
    let lead = lead.trim_start_matches([',', ';']).trim().to_lowercase();
    pos >= c.start
        || lead.is_empty()
        || lead == "and"
        || lead == "or"
        || lead.starts_with("and no")
        || lead == "no"
}

/// The words a cue governs: from the cue to the end of its sub-clause.
pub fn phrase_extent(cl: &str, c: &Cue) -> (usize, usize) {
    let subs = subclauses(cl);
    let (s, e) = subs
        .iter()
        .copied()
        .find(|&(s, e)| c.start >= s && c.start < e)
        .unwrap_or((0, cl.len()));
    let _ = s;
    (c.start.min(e), e)
}
