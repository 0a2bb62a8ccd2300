//! What a clause's words say: glosses and filler, content, the words no
//! rule or part accounts for, statements that restrict nothing,
//! definitions, alternatives joined by "or".

use super::*;

// ---------------------------------------------------------------- coverage

/// Words that say nothing a rule must compute: function words, the people a
/// criterion is about, and the verbs and nouns that frame a fact ("history
/// of", "have received", "score", "points"). What is left of a clause when
/// the rules' words and the parts are taken away must consist of these, or
/// it becomes a part of its own.
pub(crate) const FILLER: &[&str] = &[
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
pub(crate) fn is_gloss(w: &str) -> bool {
    let inner = w.trim_matches(|c: char| matches!(c, '(' | ')' | ',' | ';' | '.'));
    let inner = inner.strip_prefix("non-").unwrap_or(inner);
    let inner = inner.strip_suffix('s').unwrap_or(inner);
    inner.len() >= 2
        && inner.len() <= 6
        && inner.chars().all(|c| c.is_ascii_alphanumeric())
        && inner.chars().filter(char::is_ascii_uppercase).count() >= 2
        && (w.starts_with('(') || w.starts_with("non-"))
}

pub(crate) fn is_filler(w: &str) -> bool {
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
pub(crate) fn content_span(t: &str, s: usize, e: usize) -> Option<(usize, usize)> {
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
