//! A plain-language summary of a trial, written from the record by fixed
//! rules (no language model), and the Flesch-Kincaid grade that checks it.
//!
//! The summary says what is tested, for whom, how, how many people, who can
//! join, where, when and whether the study is open. Technical names (drugs,
//! conditions, sponsors) cannot be simplified, so when they push the grade
//! above [`MAX_GRADE`] the summary is rewritten with plain words in their
//! place, step by step, until it reads at grade 9 or below. The full names
//! stay on the page, next to the summary.

use eligo_model::Trial;
use eligo_model::trial::{Actuality, OverallStatus, PartialDate, Phase, Sex, StudyType};

/// The highest Flesch-Kincaid grade a summary may have.
pub const MAX_GRADE: f64 = 9.0;

/// A summary with its reading grade.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub text: String,
    pub grade: f64,
}

/// How much of the record's own wording a summary keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Plainness {
    Full,
    NoTreatmentNames,
    NoConditionNames,
    NoSponsor,
}

/// The summary of `t`: the most specific rewrite that reads at grade ≤ 9.
pub fn summarize(t: &Trial) -> Summary {
    let mut last = None;
    for p in [
        Plainness::Full,
        Plainness::NoTreatmentNames,
        Plainness::NoConditionNames,
        Plainness::NoSponsor,
    ] {
        let text = compose(t, p);
        let grade = flesch_kincaid_grade(&text);
        if grade <= MAX_GRADE {
            return Summary { text, grade };
        }
        last = Some(Summary { text, grade });
    }
    last.unwrap_or(Summary {
        text: String::new(),
        grade: 0.0,
    })
}

fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [a] => a.clone(),
        [a, b] => format!("{a} and {b}"),
        [rest @ .., last] => format!("{}, and {last}", rest.join(", ")),
    }
}

/// Names without the registry's markdown escapes or trailing dots, which
/// would end a sentence early.
fn clean(s: &str) -> String {
    let s: String = s.replace('\\', "");
    s.trim().trim_end_matches('.').trim().to_string()
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "July 2025", or the year alone when the month is not known.
pub(crate) fn when(d: PartialDate) -> String {
    match d.month {
        Some(m) if (1..=12).contains(&m) => format!("{} {}", MONTHS[usize::from(m) - 1], d.year),
        _ => d.year.to_string(),
    }
}

/// A record known only by id and title (a trial another page lists).
fn known_by_title_only(t: &Trial) -> bool {
    t.partial
        && t.status.is_none()
        && t.conditions.is_empty()
        && t.interventions.is_empty()
        && t.brief_summary.is_none()
        && t.eligibility.criteria.is_none()
}

fn compose(t: &Trial, p: Plainness) -> String {
    if known_by_title_only(t) {
        return "We know this study only by its name and its number. \
                The rest of its record is not here."
            .into();
    }
    let mut s: Vec<String> = Vec::new();
    let interventional = t.study_type != Some(StudyType::Observational);

    let treatments: Vec<String> = t
        .interventions
        .iter()
        .take(2)
        .map(|i| clean(&i.name))
        .filter(|n| !n.is_empty())
        .collect();
    let conditions: Vec<String> = t
        .conditions
        .iter()
        .take(2)
        .map(|c| clean(c))
        .filter(|n| !n.is_empty())
        .collect();
    let treatment = if treatments.is_empty() || p >= Plainness::NoTreatmentNames {
        "a treatment".to_string()
    } else {
        list(&treatments)
    };
    let who = if conditions.is_empty() || p >= Plainness::NoConditionNames {
        "people with the health problem it is about".to_string()
    } else {
        format!("people with {}", list(&conditions))
    };
    if interventional {
        s.push(format!("This study tests {treatment} in {who}."));
    } else {
        s.push(format!("This study looks at {who}."));
        s.push("It does not give a new treatment. It watches and records what happens.".into());
    }

    let phases: Vec<&str> = t
        .phases
        .iter()
        .filter_map(|ph| match ph {
            Phase::EarlyPhase1 => Some("early phase 1"),
            Phase::Phase1 => Some("phase 1"),
            Phase::Phase2 => Some("phase 2"),
            Phase::Phase3 => Some("phase 3"),
            Phase::Phase4 => Some("phase 4"),
            Phase::NotApplicable => None,
        })
        .collect();
    if let Some(first) = phases.first() {
        let joined = phases.join(" and ");
        let article = if first.starts_with("early") {
            "an"
        } else {
            "a"
        };
        s.push(format!("It is {article} {joined} study."));
        if phases.iter().any(|x| x.ends_with('1')) {
            s.push(
                "Phase 1 studies check if a new treatment is safe and find the right dose.".into(),
            );
        } else if phases.contains(&"phase 2") {
            s.push("Phase 2 studies check if a treatment works and is safe.".into());
        } else if phases.contains(&"phase 3") {
            s.push("Phase 3 studies compare a treatment with the usual care.".into());
        }
    }

    let d = &t.design;
    match d.allocation.as_deref() {
        Some("RANDOMIZED") => s.push("People are put into groups by chance.".into()),
        _ if d.intervention_model.as_deref() == Some("SINGLE_GROUP") => {
            s.push("Everyone in the study gets the same treatment.".into())
        }
        _ => {}
    }
    match d.masking.as_deref() {
        Some("NONE") if interventional => {
            s.push("You and your doctors will know what you get.".into())
        }
        Some(m) if m != "NONE" => {
            s.push("Some people in the study will not know which group you are in.".into())
        }
        _ => {}
    }
    let levels = t
        .interventions
        .iter()
        .map(|i| i.dose_levels.len())
        .max()
        .unwrap_or(0);
    if levels > 1 {
        s.push(format!(
            "It tries {levels} dose levels, from low to high, to find a safe dose."
        ));
    }

    if let Some(e) = &t.enrollment {
        let n = e.count;
        let people = if n == 1 { "person" } else { "people" };
        match e.kind {
            Some(Actuality::Actual) => s.push(format!("{n} {people} took part.")),
            _ => s.push(format!("It plans to take in {n} {people}.")),
        }
    }

    let el = &t.eligibility;
    let age = match (el.min_age, el.max_age) {
        (Some(a), Some(b)) => {
            Some(format!("aged {} to {}", a.value, b.value).replace(" to ", " to "))
        }
        (Some(a), None) => Some(format!("aged {} or older", a.value)),
        (None, Some(b)) => Some(format!("up to age {}", b.value)),
        (None, None) => None,
    };
    let unit_years = |a: Option<eligo_model::trial::AgeLimit>| {
        a.is_none_or(|a| a.unit == eligo_model::trial::AgeUnit::Years)
    };
    let age = age.filter(|_| unit_years(el.min_age) && unit_years(el.max_age));
    let sex = match el.sex {
        Some(Sex::Female) => "Women",
        Some(Sex::Male) => "Men",
        Some(Sex::All) | None => "People",
    };
    match age {
        Some(a) => s.push(format!("{sex} {a} can join.")),
        None if matches!(el.sex, Some(Sex::Female | Sex::Male)) => {
            s.push(format!("Only {} can join.", sex.to_lowercase()))
        }
        None => {}
    }
    if el.healthy_volunteers == Some(true) {
        s.push("Healthy people can join too.".into());
    }

    let countries = t.countries();
    let sites = t.locations.len();
    if sites > 0 {
        let where_ = if countries.is_empty() {
            String::new()
        } else {
            let c: Vec<String> = countries.iter().take(3).map(|c| c.to_string()).collect();
            format!(" in {}", list(&c))
        };
        if sites == 1 {
            s.push(format!("It takes place at one site{where_}."));
        } else {
            s.push(format!("It takes place at {sites} sites{where_}."));
        }
    }

    // A date whose label eligo inferred is not told as a start or an end.
    let stated = |field: &str, m: Option<eligo_model::trial::Milestone>| {
        m.filter(|_| t.note(field).is_none()).map(|m| m.date)
    };
    let start = stated("dates.start", t.dates.start);
    let end = stated("dates.primary_completion", t.dates.primary_completion)
        .or(stated("dates.completion", t.dates.completion));
    match (start, end) {
        (Some(a), Some(b)) => s.push(format!(
            "It starts in {} and should end in {}.",
            when(a),
            when(b)
        )),
        (Some(a), None) => s.push(format!("It starts in {}.", when(a))),
        (None, Some(b)) => s.push(format!("It should end in {}.", when(b))),
        (None, None) => {}
    }

    s.push(
        match t.status {
            None => "Its record does not say if it is open. Ask the team.",
            Some(st) => status_sentence(st),
        }
        .to_string(),
    );

    if p < Plainness::NoSponsor
        && let Some(sp) = &t.sponsor
    {
        let name = clean(&sp.name);
        if !name.is_empty() {
            s.push(format!("It is run by {name}."));
        }
    }
    if interventional {
        s.push("Ask the study team about the risks, the visits, and the time it takes.".into());
    }
    s.join(" ")
}

pub(crate) fn status_sentence(st: OverallStatus) -> &'static str {
    match st {
        OverallStatus::Recruiting => "It is looking for people to join now.",
        OverallStatus::NotYetRecruiting => "It is not yet open, but it will look for people soon.",
        OverallStatus::EnrollingByInvitation => "Only people who are asked by the team can join.",
        OverallStatus::ActiveNotRecruiting => "It is going on, but it takes no new people.",
        OverallStatus::Completed => "It has ended.",
        OverallStatus::Suspended => "It is on hold for now.",
        OverallStatus::Terminated => "It was stopped early.",
        OverallStatus::Withdrawn => "It was called off before it began.",
        OverallStatus::Available => "The treatment can be asked for outside a study.",
        OverallStatus::NoLongerAvailable | OverallStatus::TemporarilyNotAvailable => {
            "The treatment cannot be asked for now."
        }
        OverallStatus::ApprovedForMarketing => "The treatment is now approved for sale.",
        OverallStatus::Withheld | OverallStatus::Unknown => {
            "We do not know if it is still open. Ask the team."
        }
    }
}

/// Flesch-Kincaid grade level:
/// 0.39 × (words / sentences) + 11.8 × (syllables / words) − 15.59.
/// 0 for text without words.
pub fn flesch_kincaid_grade(text: &str) -> f64 {
    let words = words(text);
    if words.is_empty() {
        return 0.0;
    }
    let sentences = sentence_count(text).max(1);
    let syllables: usize = words.iter().map(|w| syllables(w)).sum();
    let w = words.len() as f64;
    0.39 * (w / sentences as f64) + 11.8 * (syllables as f64 / w) - 15.59
}

/// Words: runs of letters and digits (hyphens and apostrophes split or join
/// nothing: `CAR-T` is two words, `don't` is `don` and `t`, counted short).
fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Sentences end at `.`, `!` or `?` followed by a space or the end.
fn sentence_count(text: &str) -> usize {
    let chars: Vec<char> = text.chars().collect();
    let mut n = 0;
    let mut has_word = false;
    for (i, &c) in chars.iter().enumerate() {
        if c.is_alphanumeric() {
            has_word = true;
        }
        if matches!(c, '.' | '!' | '?')
            && chars.get(i + 1).is_none_or(|n| n.is_whitespace())
            && has_word
        {
            n += 1;
            has_word = false;
        }
    }
    if has_word { n + 1 } else { n }
}

/// Syllables of one word, by the usual vowel-group rules: groups of
/// vowels (`y` included), less a silent final `e`; numbers count one per
/// digit (at most four); all-capital abbreviations one per letter (at most
/// four, as they are spelled out); every word at least one.
pub fn syllables(word: &str) -> usize {
    if word.chars().any(|c| c.is_ascii_digit()) {
        let digits = word.chars().filter(|c| c.is_ascii_digit()).count();
        let letters: String = word.chars().filter(|c| c.is_alphabetic()).collect();
        let l = if letters.is_empty() {
            0
        } else {
            syllables(&letters)
        };
        return digits.min(4) + l;
    }
    let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase()) {
        return letters.len().min(4);
    }
    let w: Vec<char> = letters.iter().flat_map(|c| c.to_lowercase()).collect();
    if w.is_empty() {
        return 1;
    }
    let vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y');
    let mut groups = 0;
    let mut prev = false;
    for &c in &w {
        let v = vowel(c);
        if v && !prev {
            groups += 1;
        }
        prev = v;
    }
    let n = w.len();
    // Silent final e ("make"), but not "-le" after a consonant ("table")
    // nor a word whose only vowel it is ("the").
    if n > 2 && w[n - 1] == 'e' && !vowel(w[n - 2]) && groups > 1 {
        let le = w[n - 2] == 'l' && n > 3 && !vowel(w[n - 3]);
        if !le {
            groups -= 1;
        }
    }
    // "-es"/"-ed" endings are mostly silent ("takes", "used"), except after
    // t/d ("started") and s/x/z/ch/sh for -es ("boxes").
    if n > 3 && w[n - 2] == 'e' && matches!(w[n - 1], 's' | 'd') && !vowel(w[n - 3]) && groups > 1 {
        let keep = match w[n - 1] {
            'd' => matches!(w[n - 3], 't' | 'd'),
            _ => {
                matches!(w[n - 3], 's' | 'x' | 'z')
                    || (w[n - 3] == 'h' && matches!(w[n - 4], 'c' | 's'))
            }
        };
        if !keep {
            groups -= 1;
        }
    }
    groups.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syllables_of_known_words() {
        for (w, n) in [
            ("the", 1),
            ("make", 1),
            ("table", 2),
            ("study", 2),
            ("people", 2),
            ("lupus", 2),
            ("systemic", 3),
            ("erythematosus", 6),
            ("treatment", 2),
            ("takes", 1),
            ("started", 2),
            ("boxes", 2),
            ("used", 1),
            ("SLE", 3),
            ("18", 2),
            ("2026", 4),
            ("a", 1),
        ] {
            assert_eq!(syllables(w), n, "{w}");
        }
    }

    #[test]
    fn grade_of_simple_and_hard_text() {
        // 1 sentence, 6 words, 6 syllables: 0.39*6 + 11.8*1 - 15.59 = -1.45.
        let g = flesch_kincaid_grade("The cat sat on the mat.");
        assert!((g - (-1.45)).abs() < 1e-9, "{g}");
        let hard = "Immunosuppressive pharmacotherapeutic interventions necessitate comprehensive \
                    longitudinal haematological surveillance.";
        assert!(flesch_kincaid_grade(hard) > 20.0);
        assert_eq!(flesch_kincaid_grade(""), 0.0);
        assert_eq!(sentence_count("One. Two! Three? Four"), 4);
        assert_eq!(sentence_count("Version 1.5 is out."), 1);
    }
}
