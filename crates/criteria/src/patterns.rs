//! The word patterns the compiler reads: cues for what is not computable,
//! comparators, units, windows, durations, presence, connectors. Each is a
//! small pure function over (normalised) text; regexes are compiled once.

use crate::lexicon::{self, Mention, Target};
use eligo_model::Quantity;
use eligo_model::rule::{
    AgeBound, Comparator, DoseThreshold, NotComputableReason, Period, Presence, Qualitative,
    Threshold, TimeUnit,
};
use regex::Regex;
use rust_decimal::Decimal;
use std::sync::OnceLock;

macro_rules! re {
    ($name:ident, $pat:expr) => {
        fn $name() -> &'static Regex {
            static R: OnceLock<Regex> = OnceLock::new();
            R.get_or_init(|| Regex::new($pat).expect(stringify!($name)))
        }
    };
}

/// Connectors between atoms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// ", or": loosest.
    Or2,
    And,
    /// "or", "and/or", "/": tightest.
    Or,
    /// A bare comma: takes the list's explicit connector.
    List,
}

// ---------------------------------------------------------------- structure

re!(
    except_re,
    r"(?i)(\()?\s*\b(except(?:\s+for)?|excluding|other than|with the exception of)\b"
);

/// Regions `[start, end)` of "except ..." text: to the closing parenthesis
/// when the exception opens one, else to the next `;` or the end.
pub fn except_regions(t: &str) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for c in except_re().captures_iter(t) {
        let Some(word) = c.get(2) else { continue };
        let s = word.start();
        if out.iter().any(|&(a, b)| s >= a && s < b) {
            continue;
        }
        // Inside a parenthesis opened before the word?
        let open = t[..s]
            .rfind('(')
            .filter(|&o| matching_paren(t, o).is_none_or(|cl| cl > s));
        let e = match open {
            Some(o) => matching_paren(t, o).unwrap_or(t.len()),
            None => t[s..].find(';').map_or(t.len(), |i| s + i),
        };
        out.push((s, e));
    }
    out
}

/// Index of the `)` closing the `(` at `open`.
pub fn matching_paren(t: &str, open: usize) -> Option<usize> {
    let mut d = 0i32;
    for (i, c) in t[open..].char_indices() {
        match c {
            '(' => d += 1,
            ')' => {
                d -= 1;
                if d == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

re!(
    clause_break_re,
    r"(?:;|\.\s+(?:[A-Z(]|\d+\.\s)|:\s*\(\d\)|\s\(\d\)|,?\s+or\s+(?:have|has|plan|plans|planning|require|requires|intend|intends|those|if|male|any|currently|still)\b|,\s*(?:Females?|Women|Males?|Men|Subjects|Patients|Participants)\b)"
);

re!(item_marker_re, r"(?:^|\s)[•·▪◦*]\s*(?:\(?\d{1,2}[.)]\s+)?");

/// Clauses of a criterion: split at `;`, sentence ends, "(1)" enumerations
/// and verb-led alternatives (", or have ..."), never inside parentheses.
pub fn clauses(t: &str, regions: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut cuts = vec![0];
    // Bullets of merged sub-items separate clauses; the marker is a clause of its own (structural).
    let mut markers: Vec<(usize, usize)> = Vec::new();
    for m in item_marker_re().find_iter(t) {
        if depth(t, m.start()) == 0 && m.start() > 0 {
            markers.push((m.start(), m.end()));
        }
    }
    for &(s, e) in &markers {
        cuts.push(s);
        cuts.push(e);
    }
    for m in clause_break_re().find_iter(t) {
        let at = m.start();
        if depth(t, at) > 0 || regions.iter().any(|&(a, b)| at > a && at < b) {
            continue;
        }
        if markers.iter().any(|&(s, e)| at >= s && at < e) {
            continue;
        }
        // "2. Bone marrow": an enumeration label, not a sentence end.
        if t[at..].starts_with('.') {
            let before = t[..at].trim_end_matches(|c: char| c.is_ascii_digit());
            if before.len() < at
                && (before.is_empty()
                    || before.ends_with(char::is_whitespace)
                    || before.ends_with(['•', '(', ':']))
            {
                continue;
            }
        }
        let cut = if t[at..].starts_with('.') || t[at..].starts_with(';') {
            at + 1
        } else {
            at
        };
        // keep "(1)" with its clause: cut before the parenthesis
        let cut = match t[cut..m.end()].find('(') {
            Some(p) if t[at..].starts_with(':') || t[at..].starts_with(' ') => cut + p,
            _ => cut,
        };
        cuts.push(cut);
    }
    cuts.push(t.len());
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = Vec::new();
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        if t[a..b].trim().is_empty() {
            continue;
        }
        out.push((a, b));
    }
    out
}

fn depth(t: &str, pos: usize) -> i32 {
    let mut d = 0i32;
    for c in t[..pos].chars() {
        match c {
            '(' => d += 1,
            ')' => d = (d - 1).max(0),
            _ => {}
        }
    }
    d
}

re!(
    subclause_re,
    r"(?:[,;]|\s(?:or|and)\s+(?:those|who|if|plan|plans|planning|intend|intends|are|is|have|has|had|need|male|female|any|must|should)\b)"
);

/// Sub-clauses (relative ranges), for the scope of plans and negations.
pub fn subclauses(cl: &str) -> Vec<(usize, usize)> {
    let mut cuts = vec![0];
    for m in subclause_re().find_iter(cl) {
        if depth(cl, m.start()) == 0 {
            cuts.push(m.start());
        }
    }
    cuts.push(cl.len());
    cuts.dedup();
    cuts.windows(2).map(|w| (w[0], w[1])).collect()
}

re!(
    one_of_re,
    r"(?i)\b(?:one|any|either)\s+of\s+the\s+following\b"
);

pub fn one_of_the_following(t: &str) -> bool {
    one_of_re().is_match(t)
}

re!(
    structural_re,
    r"(?i)^\s*(?:[a-z ]{0,40}:\s*$|both genders?\b.*|regardless of gender.*|(?:with\s+)?no gender restrictions?.*|male or female\.?|males? and females?\.?|all genders\.?)\s*$"
);

/// A clause that needs no rule and says nothing to confirm: a lead-in
/// ("Adequate organ function:") or "both genders eligible".
pub fn structural(cl: &str) -> bool {
    let c = cl.trim().trim_end_matches([';', '.', ',']);
    c.is_empty()
        || !c.chars().any(char::is_alphabetic)
        || structural_re().is_match(c)
        || (c.ends_with(':') || cl.trim_end().ends_with(':')) && one_of_re().is_match(c)
        || one_of_re().is_match(c) && c.len() < 120
}

// ---------------------------------------------------------------- coverage

/// Words that say nothing a rule must compute: function words, the people a
/// criterion is about, and the verbs and nouns that frame a fact ("history
/// of", "have received", "score", "points"). What is left of a clause when
/// the rules' words and the parts are taken away must consist of these, or
/// it becomes a part of its own.
const FILLER: &[&str] = &[
    "a",
    "an",
    "the",
    "of",
    "and",
    "or",
    "nor",
    "with",
    "without",
    "in",
    "on",
    "at",
    "to",
    "for",
    "from",
    "by",
    "as",
    "than",
    "that",
    "which",
    "who",
    "whom",
    "whose",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "has",
    "have",
    "had",
    "having",
    "must",
    "should",
    "shall",
    "will",
    "would",
    "can",
    "could",
    "may",
    "might",
    "do",
    "does",
    "did",
    "not",
    "no",
    "any",
    "all",
    "each",
    "every",
    "both",
    "either",
    "neither",
    "this",
    "these",
    "those",
    "their",
    "his",
    "her",
    "its",
    "it",
    "they",
    "them",
    "he",
    "she",
    "his/her",
    "patient",
    "patients",
    "participant",
    "participants",
    "subject",
    "subjects",
    "individual",
    "individuals",
    "person",
    "persons",
    "people",
    "women",
    "woman",
    "men",
    "man",
    "female",
    "females",
    "male",
    "males",
    "adult",
    "adults",
    "following",
    "criteria",
    "criterion",
    "including",
    "include",
    "includes",
    "included",
    "e.g",
    "eg",
    "etc",
    "such",
    "also",
    "other",
    "others",
    "another",
    "within",
    "prior",
    "before",
    "after",
    "during",
    "screening",
    "enrollment",
    "enrolment",
    "time",
    "period",
    "if",
    "when",
    "while",
    "where",
    "there",
    "history",
    "histories",
    "presence",
    "present",
    "current",
    "currently",
    "previous",
    "previously",
    "past",
    "ever",
    "received",
    "receive",
    "receiving",
    "undergone",
    "undergo",
    "underwent",
    "undergoing",
    "diagnosed",
    "diagnosis",
    "diagnoses",
    "suffered",
    "suffering",
    "suffer",
    "use",
    "used",
    "using",
    "taken",
    "take",
    "taking",
    "treated",
    "treatment",
    "treatments",
    "therapy",
    "therapies",
    "require",
    "requires",
    "required",
    "requiring",
    "need",
    "needs",
    "needing",
    "known",
    "documented",
    "evidence",
    "meet",
    "meets",
    "met",
    "score",
    "scores",
    "points",
    "point",
    "level",
    "levels",
    "count",
    "value",
    "values",
    "result",
    "results",
    "test",
    "tests",
    "titer",
    "years",
    "year",
    "old",
    "aged",
    "age",
    "months",
    "month",
    "weeks",
    "week",
    "days",
    "day",
    "hours",
    "hour",
    "medical",
    "any",
    "one",
    "two",
    "least",
    "defined",
    "define",
    "as",
    "follows",
    "following:",
    "same",
    "more",
    "less",
    "equal",
    "than",
    "up",
    "yes",
    "those",
    "such",
    "like",
    "per",
    "via",
    "due",
    "caused",
    "related",
    "based",
    "according",
    "positive",
    "negative",
    "agents",
    "agent",
    "drugs",
    "drug",
    "medication",
    "medications",
    "disease",
    "diseases",
    "disorder",
    "disorders",
    "condition",
    "conditions",
    "combined",
    "combination",
    "plus",
    "together",
    "and/or",
    "serum",
    "blood",
    "urine",
    "plasma",
    "peripheral",
    "organ",
    "domain",
    "domains",
    "system",
    "systems",
    "active",
    "systemic",
    "requirement",
    "requirements",
    "but",
    "limited",
    "performed",
    "done",
    "situations",
    "situation",
    "case",
    "cases",
    "evidence",
    "still",
    "commercially",
    "available",
    "range",
    "tumor",
    "tumors",
    "tumour",
    "tumours",
    "visit",
    "visits",
    "study",
    "studies",
    "start",
    "trial",
    "trials",
];

/// An abbreviation glossing the words before it ("(ADs)", "non-ADs").
fn is_gloss(w: &str) -> bool {
    let inner = w.trim_matches(|c: char| matches!(c, '(' | ')' | ',' | ';' | '.'));
    let inner = inner.strip_prefix("non-").unwrap_or(inner);
    let inner = inner.strip_suffix('s').unwrap_or(inner);
    inner.len() >= 2
        && inner.len() <= 6
        && inner.chars().all(|c| c.is_ascii_alphanumeric())
        && inner.chars().filter(char::is_ascii_uppercase).count() >= 2
        && (w.starts_with('(') || w.starts_with("non-"))
}

fn is_filler(w: &str) -> bool {
    if is_gloss(w) {
        return true;
    }
    let w = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '/' && c != '.');
    let w = w.trim_end_matches('.').trim_matches('/');
    let w = w
        .strip_suffix("'s")
        .or_else(|| w.strip_suffix("\u{2019}s"))
        .unwrap_or(w);
    w.chars().count() <= 1
        || w.chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '/')
        || FILLER.contains(&w.to_lowercase().as_str())
}

/// Does the text say anything beyond [`FILLER`] words?
pub fn has_content(s: &str) -> bool {
    s.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '[' | ']' | ':'))
        .filter(|w| w.chars().any(char::is_alphabetic))
        .any(|w| !is_filler(w))
}

/// The stretches of `t[a..b]` outside `covered` that say something, each
/// trimmed to its first and last word of content. A stretch that ends in
/// ':' is a lead-in label ("Bone marrow function:") and says nothing to
/// check by itself.
pub fn uncovered(t: &str, a: usize, b: usize, covered: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut is = vec![false; b - a];
    for &(s, e) in covered {
        for i in s.max(a)..e.min(b) {
            is[i - a] = true;
        }
    }
    let mut out = Vec::new();
    let mut i = a;
    while i < b {
        if is[i - a] {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < b && !is[j - a] {
            j += 1;
        }
        let (s0, e0) = (floor_boundary(t, i), floor_boundary(t, j));
        i = j.max(i + 1);
        // Text before a ':' is a lead-in label ("Renal function: defined as").
        let mut from = s0;
        let mut pieces = Vec::new();
        for (k, _) in t[s0..e0].match_indices(':') {
            pieces.push((from, s0 + k, true));
            from = s0 + k + 1;
        }
        pieces.push((from, e0, t[e0..].trim_start().starts_with(':')));
        for (s, e, label) in pieces {
            if !label && !t[s..e].to_lowercase().contains("the following") {
                out.extend(content_span(t, s, e));
            }
        }
    }
    out
}

/// `[s, e)` trimmed to its first and last word of content, if it has one.
fn content_span(t: &str, s: usize, e: usize) -> Option<(usize, usize)> {
    {
        let seg = &t[s..e];
        // Trim to the words of content.
        let mut words: Vec<(usize, usize)> = Vec::new();
        let mut k = 0;
        for w in seg.split_inclusive(|c: char| c.is_whitespace()) {
            let ws = k + (w.len() - w.trim_start().len());
            let we = k + w.trim_end().len();
            if we > ws {
                words.push((ws, we));
            }
            k += w.len();
        }
        let content: Vec<&(usize, usize)> = words
            .iter()
            .filter(|&&(ws, we)| {
                let w = &seg[ws..we];
                w.chars().any(char::is_alphabetic) && has_content(w)
            })
            .collect();
        content
            .first()
            .zip(content.last())
            .map(|(f, l)| (s + f.0, s + l.1))
    }
}

re!(
    no_restriction_re,
    r"(?i)\b(?:regardless of (?:gender|sex)|both (?:genders?|sexes)(?: (?:are |is )?eligible)?|(?:with )?no gender restrictions?|of (?:either|any) (?:gender|sex)|male or female|males? and females?|all genders|(?:when|while|at the time of)\s+sign\w*\s+(?:the\s+)?(?:ICF|informed consent(?: form)?)|(?:there is\s+)?no (?:minimum|maximum)(?:\s+daily)?(?:\s+dose)?(?:\s+requirements?)?(?:\s+for\s+\w+)?|(?:during|for|throughout) the (?:length|course|duration) of the (?:trial|study))"
);

/// Statements that restrict nothing ("both genders eligible", "there is
/// no minimum daily dose requirement for hormones", "when signing the ICF",
/// "during the length of the trial": the trial's own time, which screening
/// cannot see beyond the statement it qualifies).
pub fn no_restriction(cl: &str) -> Vec<(usize, usize)> {
    no_restriction_re()
        .find_iter(cl)
        .map(|m| (m.start(), m.end()))
        .collect()
}

re!(definition_re, r"^\s*([A-Za-z][A-Za-z -]{2,40}?)\s*:\s*\S");

/// "Conventional therapy: glucocorticoids ...": the term a clause defines.
pub fn definition_label(cl: &str) -> Option<String> {
    let c = definition_re().captures(cl)?;
    let l = c.get(1)?.as_str().trim();
    (l.split_whitespace().count() >= 2).then(|| l.to_string())
}

/// The alternatives of a clause joined by "or" outside parentheses
/// (relative ranges).
pub fn top_level_or(cl: &str) -> Vec<(usize, usize)> {
    let lower = cl.to_lowercase();
    let mut cuts = vec![];
    let mut from = 0;
    while let Some(i) = lower[from..].find(" or ") {
        let at = from + i;
        if depth(cl, at) == 0 && !lower[..at].trim_end().ends_with("and/") {
            cuts.push(at);
        }
        from = at + 4;
    }
    let mut out = Vec::new();
    let mut s = 0;
    for c in cuts {
        out.push((s, c));
        s = c + 4;
    }
    out.push((s, cl.len()));
    out
}

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

const CUES: &[(&str, NotComputableReason)] = &[
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

fn cue_res() -> &'static Vec<(Regex, NotComputableReason)> {
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

// ---------------------------------------------------------------- mentions

re!(
    dist_left_re,
    r"(?i)([A-Za-z-]+)(?:\s+([A-Za-z-]+))?\s*(?:/\s*(?:or\s+)?|,\s*(?:or\s+)?|\s+or\s+|\s+and\s+)$"
);

/// "Active or latent tuberculosis", "basal cell or squamous cell skin cancer",
/// "in situ cervical/bladder/breast/thyroid carcinoma": the left-hand
/// alternatives share the head of the phrase found on the right.
pub fn distribute(cl: &str, ms: &mut Vec<Mention>) {
    distribute_slash(cl, ms);
    let mut added = Vec::new();
    for m in ms.iter() {
        let phrase = &cl[m.start..m.end];
        let words: Vec<&str> = phrase.split_whitespace().collect();
        if words.len() < 2 {
            continue;
        }
        let mut cur = m.start;
        for _ in 0..6 {
            let left = &cl[..cur];
            let Some(c) = dist_left_re().captures(left) else {
                break;
            };
            let (Some(w1), w2) = (c.get(1), c.get(2)) else {
                break;
            };
            let (alt, alt_s) = match w2 {
                Some(w2) => (
                    vec![
                        (w2.as_str().to_string(), w2.start()),
                        (format!("{} {}", w1.as_str(), w2.as_str()), w1.start()),
                    ],
                    w1.start(),
                ),
                None => (vec![(w1.as_str().to_string(), w1.start())], w1.start()),
            };
            let mut hit = None;
            'outer: for (a, s) in &alt {
                for k in 1..words.len() {
                    let cand = format!("{} {}", a, words[k..].join(" "));
                    if let Some(t) = lexicon::lookup(&cand) {
                        hit = Some((t, *s, s + a.len()));
                        break 'outer;
                    }
                    // with the words before the list ("in situ")
                    let pre: Vec<&str> = cl[..alt_s].split_whitespace().rev().take(2).collect();
                    if pre.len() == 2 {
                        let cand = format!("{} {} {}", pre[1], pre[0], cand);
                        if let Some(t) = lexicon::lookup(&cand) {
                            hit = Some((t, *s, s + a.len()));
                            break 'outer;
                        }
                    }
                }
            }
            let Some((target, s, e)) = hit else { break };
            if e > s && e <= cur {
                added.push(Mention {
                    start: s,
                    end: e,
                    target,
                });
            }
            cur = s;
        }
    }
    ms.extend(added);
}

re!(
    paren_cond_re,
    r"(?i)^\(\s*(?:without|with|and|in the absence|while|not)\b"
);

/// A parenthesis that adds a condition ("(without colony-stimulating factor ...)").
pub fn paren_adds_condition(open_to_atom: &str) -> bool {
    paren_cond_re().is_match(open_to_atom)
}

re!(
    slash_list_re,
    r"((?:[A-Za-z]+\s+){0,2})([A-Za-z-]+(?:\s*/\s*(?:or\s+)?[A-Za-z-]+)+)\s+([A-Za-z-]+(?:\s+[A-Za-z-]+){0,2})"
);

/// "in situ cervical/bladder/breast/thyroid carcinoma": each alternative with the shared words.
pub fn distribute_slash(cl: &str, ms: &mut Vec<Mention>) {
    for c in slash_list_re().captures_iter(cl) {
        let (Some(pre), Some(list), Some(tail)) = (c.get(1), c.get(2), c.get(3)) else {
            continue;
        };
        let tail_words: Vec<&str> = tail.as_str().split_whitespace().collect();
        let mut off = list.start();
        for alt in list.as_str().split('/') {
            let s = off + (alt.len() - alt.trim_start().len());
            off += alt.len() + 1;
            let alt = alt.trim().trim_start_matches("or ").trim();
            if alt.is_empty() {
                continue;
            }
            let s = s + cl[s..].find(alt).unwrap_or(0);
            let e = s + alt.len();
            let mut found = None;
            for k in (1..=tail_words.len()).rev() {
                let tail_k = tail_words[..k].join(" ");
                for cand in [
                    format!("{} {alt} {tail_k}", pre.as_str().trim()),
                    format!("{alt} {tail_k}"),
                ] {
                    if let Some(t) = lexicon::lookup(cand.trim()) {
                        found = Some(t);
                        break;
                    }
                }
                if found.is_some() {
                    break;
                }
            }
            if let Some(target) = found
                && !ms.iter().any(|m| m.start <= s && m.end >= e)
            {
                ms.push(Mention {
                    start: s,
                    end: e,
                    target,
                });
            }
        }
    }
}

re!(infection_word_re, r"(?i)^\s*infections?\b");

/// "alanine aminotransferase (ALT)": one mention, not two; "Tuberculosis (TB)
/// infection", "syphilis infection": the word "infection" belongs to the disease.
pub fn merge_abbreviations(cl: &str, ms: Vec<Mention>) -> Vec<Mention> {
    let mut out: Vec<Mention> = Vec::new();
    for m in ms {
        if let Some(last) = out.last() {
            let absorbed = matches!(m.target, Target::Condition(ref k) if k == "active_infection")
                && matches!(last.target, Target::Condition(ref k) if k != "active_infection")
                && infection_word_re().is_match(&cl[last.end..]);
            if absorbed {
                if let Some(last) = out.last_mut() {
                    last.end = m.end;
                }
                continue;
            }
        }
        if let Some(last) = out.last_mut() {
            let gap = &cl[last.end..m.start];
            if last.target == m.target && gap.trim() == "(" {
                let close = cl[m.end..].starts_with(')');
                last.end = m.end + usize::from(close);
                continue;
            }
        }
        out.push(m);
    }
    out
}

re!(
    mod_after_re,
    r"(?i)^(?:\s*-?\s*related\b|\s+or\s+non-?\s*[A-Za-z]+\s*-?\s*related\b|\s+needs?\s+to\s+meet\b)"
);
re!(
    mod_before_re,
    r"(?i)(?:\brisk of\s+(?:acquiring\s+|developing\s+)?|\bnon-?\s*|\b(?:un)?related to\s+|\bcaused by\s+|\b(?:treatment|therapy|therapies|drugs?|medications?)\s+(?:for|of)\s+|\bfor\s+(?:active\s+)?)$"
);

re!(modifier_after_re, r"(?i)^\s*-?\s*related\b");

/// A modifier's words: "non-" before it and "-related" after it too.
pub fn modifier_extent(cl: &str, s: usize, e: usize) -> (usize, usize) {
    let before = cl[..s].to_lowercase();
    let s = if before.ends_with("non-") || before.ends_with("non ") {
        s - 4
    } else {
        s
    };
    let e = e + modifier_after_re().find(&cl[e..]).map_or(0, |m| m.end());
    (s, e)
}

re!(
    result_tail_re,
    r"(?i)^\s*(?:of\s+)?(?:the\s+)?(?:(?:research\s+)?institution'?s\s+|laboratory'?s\s+|local\s+|assay'?s?\s+)?(?:normal\s+)?(?:test|assay|reference|detection)?\s*(?:value\s+)?(?:range|limit)\b"
);

/// The words that finish a result phrase ("of research institution's test
/// range"), as a length from the start of `s`.
pub fn result_tail(s: &str) -> usize {
    result_tail_re().find(s).map_or(0, |m| m.end())
}

/// A concept named only as a modifier ("non-SLE-related", "unrelated to SLE").
pub fn is_modifier(cl: &str, m: &Mention) -> bool {
    // "non-lactating" negates a state; "non-SLE-related" names a modifier.
    let cond = matches!(&m.target, Target::Condition(k) if k != "lactation" && k != "pregnancy");
    if !cond {
        return false;
    }
    let before = &cl[..m.start];
    let after = &cl[m.end..];
    if mod_after_re().is_match(after) {
        return true;
    }
    if mod_before_re().is_match(before) {
        // "criteria for SLE" is a diagnosis, "treatment for SLE" is not.
        let lower = before.to_lowercase();
        return !lower.trim_end().ends_with("criteria for");
    }
    false
}

// ---------------------------------------------------------------- numbers

fn number_word(w: &str) -> Option<u32> {
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

fn time_unit(u: &str) -> Option<TimeUnit> {
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

// ---------------------------------------------------------------- windows

#[derive(Debug, Clone)]
pub struct Window {
    pub s: usize,
    pub e: usize,
    pub period: Period,
    pub half_lives: bool,
}

re!(
    window_re,
    r"(?i)\b(?:within|in|during)\s+(?:the\s+)?(?:past|previous|last|first|prior|preceding)?\s*(\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a|an)?\s*(hours?|hrs?|h|days?|d|weeks?|wks?|w|months?|mo|m|years?|yrs?|y|half[- ]?lives)\b(\s*(?:\(\s*)?(?:prior to|before|after|of|from|preceding)\b)?"
);

/// How far back "during screening" / "at screening" reaches: the screening
/// period before enrolment, taken as the 28 days up to the as-of date (the
/// screening date), as trial protocols commonly set it. A criterion that
/// states its own window uses that instead.
pub const SCREENING_WINDOW: Period = Period {
    amount: 28,
    unit: TimeUnit::Days,
};

re!(
    screening_window_re,
    r"(?i)\b(?:during|at|in)\s+(?:the\s+)?screening(?:\s+(?:period|visit|phase))?\b|\bduring\s+the\s+screening\b"
);

/// "during screening", "at the screening visit": the default screening window.
pub fn screening_windows(cl: &str) -> Vec<Window> {
    screening_window_re()
        .find_iter(cl)
        .map(|m| Window {
            s: m.start(),
            e: m.end(),
            period: SCREENING_WINDOW,
            half_lives: false,
        })
        .collect()
}

/// Look-back windows ("within 3 months prior to screening", "within the past year").
pub fn windows(cl: &str) -> Vec<Window> {
    let mut out = Vec::new();
    for c in window_re().captures_iter(cl) {
        let Some(m) = c.get(0) else { continue };
        let unit = c.get(2).map_or("", |u| u.as_str());
        let tail = c.get(3).map_or("", |x| x.as_str()).to_ascii_lowercase();
        if tail.contains("after") {
            continue;
        }
        if unit.to_ascii_lowercase().starts_with("half") {
            out.push(Window {
                s: m.start(),
                e: m.end(),
                period: Period::new(0, TimeUnit::Days),
                half_lives: true,
            });
            continue;
        }
        let n = match c.get(1) {
            Some(x) => match x.as_str().parse::<u32>() {
                Ok(v) => v,
                Err(_) => match number_word(x.as_str()) {
                    Some(v) => v,
                    None => continue,
                },
            },
            None => 1,
        };
        let Some(u) = time_unit(unit) else { continue };
        // "in 2 weeks" alone is too loose; need within/past/previous or prior to.
        let head = m.as_str().to_ascii_lowercase();
        if !(head.starts_with("within")
            || head.contains("past")
            || head.contains("previous")
            || head.contains("last")
            || tail.contains("prior")
            || tail.contains("before"))
        {
            continue;
        }
        // extend over "prior to screening"
        let rest = &cl[m.end()..];
        let ext = anchor_tail_re().find(rest).map_or(0, |x| x.end());
        out.push(Window {
            s: m.start(),
            e: m.end() + ext,
            period: Period::new(n, u),
            half_lives: false,
        });
    }
    out
}

#[derive(Debug, Clone)]
pub struct Duration {
    pub s: usize,
    pub e: usize,
    pub period: Period,
    /// "> 6 months", "more than 5 years": longer than the period, not as long.
    pub strict: bool,
    /// "≥3M of glucocorticoids": applies to what follows.
    pub applies_forward: bool,
    /// "history of ≥ 6 months", "at least 24 weeks prior to screening".
    pub history: bool,
}

re!(
    duration_re,
    r"(?i)(?:\bfor\s+)?(>=|>|\bat least\b|\bmore than\b|\bover\b|\bminimum of\b)\s*(\d+|one|two|three|four|five|six|twelve)\s*(M|months?|weeks?|wks?|days?|years?)\b(\s+of\b)?(\s+prior to (?:screening|enrol+ment))?"
);

pub fn durations(cl: &str) -> Vec<Duration> {
    let mut out = Vec::new();
    for c in duration_re().captures_iter(cl) {
        let Some(m) = c.get(0) else { continue };
        let before = cl[..m.start()].to_lowercase();
        if before.trim_end().ends_with("stable dose for")
            || before.ends_with("stable dose ")
            || before.trim_end().ends_with("within")
        {
            continue;
        }
        let Some(n) = c.get(2).and_then(|x| number_word(x.as_str())) else {
            continue;
        };
        let unit = c.get(3).map_or("", |x| x.as_str());
        let u = if unit == "M" {
            Some(TimeUnit::Months)
        } else {
            time_unit(unit)
        };
        let Some(u) = u else { continue };
        let history = c.get(5).is_some() || before.trim_end().ends_with("history of");
        let op = c.get(1).map_or("", |x| x.as_str()).to_ascii_lowercase();
        out.push(Duration {
            s: m.start(),
            e: m.end(),
            period: Period::new(n, u),
            strict: matches!(op.as_str(), ">" | "more than" | "over"),
            applies_forward: c.get(4).is_some(),
            history,
        });
    }
    out
}

// ---------------------------------------------------------------- values

re!(
    result_re,
    r"(?i)\b(undetectable|not detected|non-?reactive|negative|detectable|detected|positive|reactive|above the (?:lower )?(?:detection|reference) limit|above the detection limit|higher than the lower limit|greater than the (?:normal )?reference|above the lower limit of|greater than the lower limit|above the upper limit of normal)"
);

fn result_of(w: &str) -> Qualitative {
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

fn comparator_of(op: &str, or_equal: bool) -> Comparator {
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

const UNITS: &[(&str, &str)] = &[
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

fn unit_res() -> &'static Vec<(Regex, &'static str)> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_normalise_to_ucum() {
        assert_eq!(unit_at("x109/L").map(|u| u.0), Some("10*9/L".into()));
        assert_eq!(unit_at(" x 10^9/L").map(|u| u.0), Some("10*9/L".into()));
        assert_eq!(
            unit_at("mL/min/1.73m2").map(|u| u.0),
            Some("mL/min/{1.73_m2}".into())
        );
        assert_eq!(unit_at(" mg/kg/day").map(|u| u.0), Some("mg/kg/d".into()));
        assert_eq!(unit_at(" mg/day").map(|u| u.0), Some("mg/d".into()));
        assert_eq!(unit_at("mg/d;").map(|u| u.0), Some("mg/d".into()));
    }

    #[test]
    fn thresholds_read_uln_multiples() {
        let (c, t) = threshold(" <=3xupper limit of normal (ULN)").unwrap();
        assert_eq!(c, Comparator::Le);
        assert_eq!(
            t,
            Threshold::UlnMultiple {
                factor: Decimal::new(3, 0)
            }
        );
        let (c, t) = threshold(">3.0 ULN").unwrap();
        assert_eq!(c, Comparator::Gt);
        assert_eq!(
            t,
            Threshold::UlnMultiple {
                factor: "3.0".parse().unwrap()
            }
        );
    }

    #[test]
    fn windows_read_words_and_numbers() {
        let w = windows("within the past year prior to screening");
        assert_eq!(w[0].period, Period::new(1, TimeUnit::Years));
        let w = windows("within one month before screening");
        assert_eq!(w[0].period, Period::new(1, TimeUnit::Months));
        assert!(windows("within 2 years after the cell infusion").is_empty());
    }
}

#[cfg(test)]
mod clause_tests {
    use super::*;

    #[test]
    fn sentences_split() {
        let t = "with a stable dose for at least 2 weeks and the disease still active. During screening, oral steroids";
        let c = clauses(t, &[]);
        assert_eq!(c.len(), 2, "{c:?}");
    }
}
