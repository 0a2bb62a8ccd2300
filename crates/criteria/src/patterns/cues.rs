//! Cues for what is not computable (future anchors, consent, judgement)
//! and the extent of the phrase each governs.

use super::*;
use aho_corasick::AhoCorasick;

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

/// For each pattern of [`CUES`], words at least one of which is in every
/// text it matches (lower case, ASCII). Kept beside the patterns: a pattern
/// that gains an alternative needs its word here (the tests check this
/// over the real texts).
pub(crate) const CUE_WORDS: [&[&str]; 7] = [
    &[
        "investigator",
        "research",
        "opinion",
        "deemed",
        "discretion",
        "suitable",
        "should not participate",
        "would pose",
    ],
    &[
        "consent",
        "icf",
        "voluntar",
        "willing",
        "compliance",
        "comply",
        "able to complete",
        "guardian",
        "follow-up visits",
    ],
    &[
        "contracept",
        "barrier method",
        "condom",
        "intrauterine",
        "donat",
        "egg donation",
        "semen",
        "sperm",
    ],
    &["plan", "intend", "scheduled", "conceive"],
    &["gonorrhea", "clearing", "lymphodepletion"],
    &[
        "fail",
        "lack",
        "relapse after remission",
        "intoleran",
        "standardi",
        "stable dose",
        "still active",
        "half",
        "disease-free survival",
        "meet the standards",
        "contraindication",
        "medications prohibited",
        "histologically",
        "organ involvement",
        "study drugs",
        "ct0",
        "ct1",
        "ct2",
        "ct3",
        "ct4",
        "ct5",
        "ct6",
        "ct7",
        "ct8",
        "ct9",
        "reconfirmed",
        "lupus crisis",
        "systemic",
        "requiring treatment",
    ],
    &[
        "severe",
        "serious",
        "significant",
        "uncontroll",
        "unstable",
        "obvious",
        "abnormalit",
        "major chronic",
        "moderate to massive",
        "poor",
        "emodynamic",
    ],
];

/// One pass over a clause for all of [`CUE_WORDS`]: which cue patterns can
/// match it, so the others are not run (most clauses hold one or two cues).
fn cue_words() -> &'static (AhoCorasick, Vec<usize>) {
    static W: OnceLock<(AhoCorasick, Vec<usize>)> = OnceLock::new();
    W.get_or_init(|| {
        let (words, cue): (Vec<&str>, Vec<usize>) = CUE_WORDS
            .iter()
            .enumerate()
            .flat_map(|(i, ws)| ws.iter().map(move |w| (*w, i)))
            .unzip();
        (AhoCorasick::new(words).expect("cue words"), cue)
    })
}

/// Which of [`CUES`] can match `cl`, as bits. Exact only for ASCII text:
/// Unicode case folding lets a pattern match letters the words do not
/// hold ("ſ" for "s", the Kelvin sign for "k"), so any other text may
/// match every pattern.
fn possible_cues(cl: &str) -> u32 {
    if !cl.is_ascii() {
        return u32::MAX;
    }
    let lower = cl.to_ascii_lowercase();
    let (ac, cue) = cue_words();
    let mut bits = 0u32;
    for m in ac.find_overlapping_iter(&lower) {
        bits |= 1 << cue[m.pattern().as_usize()];
    }
    bits
}

/// Every cue in a clause.
pub fn cues(cl: &str) -> Vec<Cue> {
    cues_of(cl, possible_cues(cl))
}

/// The cues of the patterns whose bit is set in `possible`.
fn cues_of(cl: &str, possible: u32) -> Vec<Cue> {
    let mut out = Vec::new();
    for (i, (re, reason)) in cue_res().iter().enumerate() {
        if possible & (1 << i) == 0 {
            continue;
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn spans(c: &[Cue]) -> Vec<(usize, usize, NotComputableReason)> {
        c.iter().map(|c| (c.start, c.end, c.reason)).collect()
    }

    /// Every match of a cue pattern in ASCII text holds one of its words, so
    /// skipping the patterns none of whose words occur changes nothing.
    fn check(cl: &str) -> Result<(), String> {
        if cl.is_ascii() {
            for (i, (re, _)) in cue_res().iter().enumerate() {
                for m in re.find_iter(cl) {
                    let found = m.as_str().to_ascii_lowercase();
                    if !CUE_WORDS[i].iter().any(|w| found.contains(w)) {
                        return Err(format!("cue {i} matched {found:?}, none of its words"));
                    }
                }
            }
        }
        let (all, filtered) = (cues_of(cl, u32::MAX), cues(cl));
        if spans(&all) != spans(&filtered) {
            return Err(format!("{cl:?}: {all:?} against {filtered:?}"));
        }
        Ok(())
    }

    #[test]
    fn the_words_filter_nothing_out_of_the_real_texts() {
        let dirs = [
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data"),
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/chia"),
        ];
        let mut texts: Vec<String> = eligo_ctgov::sample_registry()
            .into_iter()
            .filter_map(|r| r.trial.eligibility.criteria)
            .collect();
        for dir in dirs {
            for e in std::fs::read_dir(dir).expect("test data").flatten() {
                if e.path().extension().is_some_and(|x| x == "txt") {
                    texts.push(std::fs::read_to_string(e.path()).expect("text"));
                }
            }
        }
        let (mut lines, mut with_cue) = (0, 0);
        for line in texts.iter().flat_map(|t| t.lines()) {
            check(line).unwrap();
            lines += 1;
            with_cue += usize::from(!cues(line).is_empty());
        }
        // The texts exercise the filter both ways.
        assert!(
            lines > 2000 && with_cue > 400 && with_cue < lines / 2,
            "{lines} {with_cue}"
        );
    }

    /// Words of the cue patterns and their near misses, in any case.
    const PIECES: &[&str] = &[
        "Investigators",
        "researcher's",
        " judged ",
        "in the opinion of",
        "deemed",
        "at the discretion",
        "not suitable for",
        "unsuitable",
        "should not participate",
        "would pose",
        "informed consent",
        "signed the ICF",
        "signing consent",
        "voluntarily",
        "willingness",
        "unwilling",
        "compliance",
        "comply",
        "able to complete",
        "legal guardian",
        "follow-up visits",
        "agree to use an effective ",
        "contraception",
        "barrier method",
        "condoms",
        "intrauterine",
        "donate sperm",
        "egg donation",
        "semen",
        "planning to",
        "plans for",
        "is planned",
        "intends",
        "scheduled",
        "conceive",
        "gonorrhea",
        "clearing",
        "lymphodepletion",
        "failed to respond",
        "lack of efficacy",
        "relapse after remission",
        "intolerant to standard",
        "standardised treatment",
        "stable dose",
        "disease is still active",
        "half-lives",
        "half lives",
        "disease-free survival",
        "meet the standards",
        "contraindications",
        "medications prohibited",
        "histologically",
        "organ involvement",
        "study drugs",
        "CT103A",
        "CT1234",
        "reconfirmed",
        "lupus crisis",
        "requiring systemic therapy",
        "requiring treatment",
        "moderate-to-severe",
        "serious",
        "clinically significant",
        "uncontrolled",
        "unstable",
        "obviously",
        "abnormalities",
        "major chronic",
        "moderate to massive",
        "poorly",
        "hemodynamically stable",
        "haemodynamic stability",
        "allergy",
        "prior to",
        "before ",
        "plan",
        "ct",
        "fail",
        "half",
        "ſevere",
        "ſignificant",
        "\u{212A}",
        "é",
        ";",
        ", ",
        " ",
        "\n",
    ];

    proptest! {
        #[test]
        fn the_words_filter_nothing_out_of_any_text(
            parts in prop::collection::vec(
                prop_oneof![prop::sample::select(PIECES).prop_map(String::from), "[ -~]{0,6}"],
                0..14,
            ),
            upper in prop::collection::vec(any::<bool>(), 0..64),
        ) {
            let text: String = parts
                .concat()
                .chars()
                .zip(upper.iter().copied().cycle().chain(std::iter::repeat(false)))
                .map(|(c, u)| if u { c.to_ascii_uppercase() } else { c })
                .collect();
            prop_assert!(check(&text).is_ok(), "{}", check(&text).unwrap_err());
        }
    }
}
