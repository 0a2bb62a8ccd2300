//! The phrases the compiler recognises: every synonym of the vocabulary
//! (conditions, procedures, analytes, medications) plus the instrument names,
//! in one Aho-Corasick automaton (leftmost-longest, ASCII case-insensitive).
//! Short all-capital synonyms ("PT", "TB", "ANA") must match case exactly.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use eligo_model::rule::{Instrument, VaccineKind};
use eligo_vocab::vocabulary;
use std::sync::OnceLock;

#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Condition(String),
    Procedure(String),
    Analyte(String),
    Medication(String),
    Vaccine(VaccineKind),
    Instrument(Instrument),
}

/// Instrument names as criteria write them.
pub const INSTRUMENTS: &[(&str, Instrument)] = &[
    ("SLEDAI-2K", Instrument::Sledai2k),
    ("SLEDAI 2K", Instrument::Sledai2k),
    ("SLEDAI2K", Instrument::Sledai2k),
    ("SLEDAI-2000", Instrument::Sledai2k),
    ("SLEDAI 2000", Instrument::Sledai2k),
    ("SELENA-SLEDAI", Instrument::SelenaSledai),
    ("SELENA SLEDAI", Instrument::SelenaSledai),
    ("SLEDAI", Instrument::Sledai2k),
    ("PGA", Instrument::Pga),
    ("physician global assessment", Instrument::Pga),
    ("physician's global assessment", Instrument::Pga),
    ("BILAG-2004", Instrument::Bilag2004),
    ("BILAG 2004", Instrument::Bilag2004),
    ("BILAG", Instrument::Bilag2004),
    ("NYHA", Instrument::Nyha),
    ("New York Heart Association", Instrument::Nyha),
    ("ECOG", Instrument::Ecog),
    ("Karnofsky", Instrument::Karnofsky),
    ("KPS", Instrument::Karnofsky),
    ("SDI", Instrument::Sdi),
];

pub struct Lexicon {
    pub ac: AhoCorasick,
    pub entries: Vec<(String, Target, bool)>,
}

pub fn lexicon() -> &'static Lexicon {
    static L: OnceLock<Lexicon> = OnceLock::new();
    L.get_or_init(build)
}

/// Short all-capital abbreviations ("PT", "TB", "ANA") match case exactly.
fn case_sensitive(s: &str) -> bool {
    s.chars().count() <= 3
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

fn build() -> Lexicon {
    let v = vocabulary();
    let mut entries: Vec<(String, Target, bool)> = Vec::new();
    let mut push = |s: &str, t: Target| {
        let s = crate::normalize::normalize(s).text;
        if !s.trim().is_empty() && !entries.iter().any(|(e, _, _)| e.eq_ignore_ascii_case(&s)) {
            let cs = case_sensitive(&s);
            entries.push((s, t, cs));
        }
    };
    for (s, i) in INSTRUMENTS {
        push(s, Target::Instrument(*i));
    }
    for a in v.analytes() {
        for s in &a.synonyms {
            push(s, Target::Analyte(a.key.clone()));
        }
    }
    for m in v.medications() {
        for s in &m.synonyms {
            match m.vaccine {
                Some(k) => push(s, Target::Vaccine(k)),
                None if m.key == "vaccine" => push(s, Target::Vaccine(VaccineKind::Any)),
                None => push(s, Target::Medication(m.key.clone())),
            }
        }
    }
    for c in v.procedures() {
        for s in &c.synonyms {
            push(s, Target::Procedure(c.key.clone()));
        }
    }
    for c in v.conditions() {
        for s in &c.synonyms {
            push(s, Target::Condition(c.key.clone()));
        }
    }
    let ac = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(entries.iter().map(|(s, _, _)| s.as_str()))
        .expect("lexicon automaton");
    Lexicon { ac, entries }
}

/// A phrase found in normalised text.
#[derive(Debug, Clone)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub target: Target,
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric()
}

/// Every whole-word phrase of the lexicon in `text`.
pub fn mentions(text: &str) -> Vec<Mention> {
    let l = lexicon();
    let mut out = Vec::new();
    for m in l.ac.find_iter(text) {
        let (pat, target, cs) = &l.entries[m.pattern().as_usize()];
        let s = m.start();
        let e = m.end();
        let before = text[..s].chars().next_back();
        let after = text[e..].chars().next();
        let first = pat.chars().next().unwrap_or(' ');
        let last = pat.chars().next_back().unwrap_or(' ');
        if (is_word(first) && before.is_some_and(is_word))
            || (is_word(last) && after.is_some_and(is_word))
        {
            continue;
        }
        if *cs && &text[s..e] != pat.as_str() {
            continue;
        }
        out.push(Mention {
            start: s,
            end: e,
            target: target.clone(),
        });
    }
    out
}

/// The target a whole phrase names, if it is exactly a lexicon entry.
pub fn lookup(phrase: &str) -> Option<Target> {
    let l = lexicon();
    l.entries
        .iter()
        .find(|(s, _, cs)| {
            if *cs {
                s == phrase
            } else {
                s.eq_ignore_ascii_case(phrase)
            }
        })
        .map(|(_, t, _)| t.clone())
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_anti_smith() {
        let t = "Positive for anti nuclear antibodies, anti ds DNA antibodies, and/or anti Smith antibodies during screening;";
        let ms = super::mentions(t);
        let found: Vec<&str> = ms.iter().map(|m| &t[m.start..m.end]).collect();
        assert!(found.contains(&"anti Smith antibodies"), "{found:?}");
    }
}
