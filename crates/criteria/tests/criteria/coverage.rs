//! Every clause accounted for (MATCHING.md rule 11), over the sample
//! registry (the four seed trials and real ClinicalTrials.gov studies):
//! every word of a computable criterion's text that says something lies
//! under the span or the words of a leaf rule, or under a part left to
//! confirm. So no criterion with a clause no rule computes is shown as fully
//! computable.
//!
//! What "says nothing" is decided here, by this test's own list: function
//! words, the people a criterion is about, and the words that only frame a
//! fact ("history of", "have received", "score", "points"), plus lead-in
//! labels ("Renal function:") and statements that restrict nothing ("both
//! genders eligible").

use eligo_model::rule::{Coverage, Criterion, Rule, RuleKind, Span};

const FRAME: &[&str] = &[
    // function words
    "a",
    "an",
    "the",
    "of",
    "and",
    "or",
    "and/or",
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
    "will",
    "would",
    "can",
    "could",
    "may",
    "do",
    "does",
    "not",
    "no",
    "any",
    "all",
    "each",
    "both",
    "either",
    "this",
    "these",
    "those",
    "their",
    "his",
    "her",
    "his/her",
    "its",
    "it",
    "they",
    "them",
    "there",
    "if",
    "when",
    "while",
    "such",
    "also",
    "other",
    "another",
    "but",
    "still",
    "e.g",
    "eg",
    "etc",
    "including",
    "include",
    "includes",
    "limited",
    "following",
    "same",
    "more",
    "less",
    "one",
    "two",
    "least",
    "like",
    "per",
    "due",
    "based",
    "according",
    // the people a criterion is about
    "patient",
    "patients",
    "participant",
    "participants",
    "subject",
    "subjects",
    "individual",
    "individuals",
    "people",
    "person",
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
    // time and study framing
    "within",
    "prior",
    "before",
    "after",
    "during",
    "screening",
    "enrollment",
    "enrolment",
    "visit",
    "study",
    "trial",
    "time",
    "period",
    "start",
    "years",
    "year",
    "old",
    "age",
    "aged",
    "months",
    "month",
    "weeks",
    "week",
    "days",
    "day",
    "hours",
    "hour",
    // words that frame a fact
    "history",
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
    "performed",
    "diagnosed",
    "diagnosis",
    "suffered",
    "suffering",
    "use",
    "used",
    "using",
    "taken",
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
    "evidence",
    "meet",
    "meets",
    "defined",
    "criteria",
    "criterion",
    "requirement",
    "requirements",
    "situations",
    "medical",
    "active",
    "systemic",
    "combined",
    "combination",
    "plus",
    "positive",
    "negative",
    // nouns that name the kind of fact, not the fact
    "score",
    "scores",
    "points",
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
    "range",
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
    "disease",
    "diseases",
    "disorder",
    "disorders",
    "condition",
    "conditions",
    "agent",
    "agents",
    "drug",
    "drugs",
    "medication",
    "medications",
    "tumor",
    "tumors",
    "tumour",
    "tumours",
    "commercially",
    "available",
    "case",
    "cases",
    "done",
    "related",
    "caused",
    "documented",
];

/// Statements that restrict nothing, and anchors that only say when.
const NOTHING: &[&str] = &[
    "regardless of gender",
    "both genders eligible",
    "with no gender restrictions",
    "when signing the icf",
    "there is no minimum daily dose requirement for hormones",
    "during the length of the trial",
];

fn says_something(word: &str) -> bool {
    let w = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '/' && c != '.');
    let w = w.trim_end_matches('.').trim_matches('/').to_lowercase();
    let w = w.strip_suffix("'s").unwrap_or(&w);
    if w.chars().count() <= 1 || !w.chars().any(char::is_alphabetic) {
        return false;
    }
    // An abbreviation glossing the words before it: "(ADs)", "non-ADs".
    let raw = word.trim_matches(|c: char| matches!(c, ',' | ';' | '.'));
    let inner = raw.trim_matches(|c| c == '(' || c == ')');
    let inner = inner.strip_prefix("non-").unwrap_or(inner);
    if (raw.starts_with('(') || raw.starts_with("non-"))
        && inner.len() <= 7
        && inner.chars().filter(char::is_ascii_uppercase).count() >= 2
    {
        return false;
    }
    !FRAME.contains(&w)
}

fn leaves(r: &Rule, out: &mut Vec<Span>) {
    match &r.kind {
        RuleKind::All { rules, .. }
        | RuleKind::Any { rules, .. }
        | RuleKind::AtLeast { rules, .. } => {
            rules.iter().for_each(|c| leaves(c, out));
        }
        RuleKind::Not { rule } => leaves(rule, out),
        _ => out.push(r.span),
    }
    out.extend(r.words.iter().copied());
}

/// The words of `c` that say something and that no leaf rule and no part
/// accounts for.
fn unaccounted(c: &Criterion) -> Vec<String> {
    let mut spans = Vec::new();
    for r in &c.rules {
        leaves(r, &mut spans);
    }
    spans.extend(c.not_computable.iter().map(|p| p.span));
    let base = c.span.start;
    let text = &c.text;
    let mut covered = vec![false; text.len()];
    for s in spans {
        for i in s.start.max(base)..s.end.min(base + text.len()) {
            covered[i - base] = true;
        }
    }
    let lower = text.to_lowercase();
    for n in NOTHING {
        for (i, _) in lower.match_indices(n) {
            covered[i..i + n.len()].iter_mut().for_each(|b| *b = true);
        }
    }
    // Lead-ins: text before a ':' ("Renal function:", "... the following
    // criteria at screening:").
    let mut from = 0;
    for (i, _) in text.match_indices(':') {
        let seg = &lower[from..i];
        let last_line = seg.rsplit(['\n', '•', ';', '.']).next().unwrap_or(seg);
        if last_line.split_whitespace().count() <= 6 || seg.contains("the following") {
            let start = i - last_line.len();
            let start = if seg.contains("the following") {
                from
            } else {
                start
            };
            covered[start..i].iter_mut().for_each(|b| *b = true);
        }
        from = i + 1;
    }
    // An abbreviation in parentheses glosses the words before it: "(BASDAI)".
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(k) = text[i..].find('(') {
        let open = i + k;
        if let Some(len) = text[open + 1..].find(')') {
            let inner = &text[open + 1..open + 1 + len];
            if (2..=8).contains(&inner.len())
                && inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && inner.chars().filter(char::is_ascii_uppercase).count() >= 2
            {
                covered[open..open + len + 2]
                    .iter_mut()
                    .for_each(|b| *b = true);
            }
        }
        i = open + 1;
        if i >= bytes.len() {
            break;
        }
    }
    let mut out = Vec::new();
    let mut at = 0;
    for word in
        text.split_inclusive(|c: char| c.is_whitespace() || matches!(c, '[' | ']' | '(' | ')'))
    {
        let trimmed = word
            .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '[' | ']' | '(' | ')'));
        let (s, e) = (at, at + trimmed.len());
        at += word.len();
        // A word counts as read when any of it is under a span.
        if e > s && !covered[s..e].iter().any(|&b| b) && says_something(word) {
            out.push(word.trim().to_string());
        }
    }
    out
}

#[test]
fn no_clause_of_the_sample_registry_is_dropped() {
    let mut problems = Vec::new();
    let mut counts = [0usize; 3];
    for r in eligo_ctgov::sample_registry() {
        let compiled = eligo_criteria::compile_trial(&r.trial);
        for c in &compiled.criteria {
            match c.coverage() {
                Coverage::Full => counts[0] += 1,
                Coverage::Partial => counts[1] += 1,
                Coverage::None => counts[2] += 1,
            }
            if c.coverage() == Coverage::None || c.field.is_some() {
                continue;
            }
            let missing = unaccounted(c);
            if !missing.is_empty() {
                problems.push(format!(
                    "{} {:?}: {missing:?}",
                    r.trial.id,
                    c.text.chars().take(70).collect::<String>()
                ));
            }
            if c.coverage() == Coverage::Full {
                assert!(c.not_computable.is_empty());
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} criteria with words no rule or part accounts for:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(counts.iter().sum::<usize>() > 300, "{counts:?}");
}

#[test]
fn a_dropped_clause_is_caught() {
    // The test itself fails on a criterion that drops a clause: the rules of
    // "ages 18 to 64 years with Chronic AD" without the AD part.
    let mut c = eligo_criteria::compile(
        "t",
        "Inclusion Criteria:\n* Male or female adults ages 18 to 64 years with Chronic AD that has been present for at least 3 years",
    )
    .criteria
    .remove(0);
    assert_eq!(c.coverage(), Coverage::Partial, "{c:#?}");
    assert!(unaccounted(&c).is_empty(), "{:?}", unaccounted(&c));
    // What the compiler used to do: the age rule alone.
    c.rules = c
        .rules
        .iter()
        .flat_map(|r| {
            let mut all = Vec::new();
            r.visit(&mut |x| {
                if matches!(x.kind, RuleKind::Age { .. }) {
                    all.push(x.clone())
                }
            });
            all
        })
        .collect();
    assert_eq!(c.rules.len(), 1, "{:?}", c.rules);
    c.not_computable.clear();
    assert!(
        unaccounted(&c).contains(&"Chronic".to_string()),
        "{:?}",
        unaccounted(&c)
    );
}
