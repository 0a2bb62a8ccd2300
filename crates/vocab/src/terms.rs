//! Word-level cues for recognising medical entities that no concept of the
//! vocabulary names (`data/terms.json`): head nouns ("disease", "inhibitors",
//! "surgery", "count"), word endings (INN/USAN stems such as `-mab`, `-pril`;
//! medical suffixes such as `-itis`, `-ectomy`) and the words that never
//! belong to an entity's name (qualifiers, temporal words, function words).
//!
//! The criteria compiler's entity extraction uses them to type noun phrases
//! the concept vocabulary does not know; they carry no codes and never
//! become rules.

use serde::Deserialize;
use std::collections::HashSet;
use std::sync::OnceLock;

/// Cues of one entity class.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TermClass {
    /// Words (lowercase) that name or end a phrase of the class.
    #[serde(default)]
    pub heads: HashSet<String>,
    /// Word endings that mark the class ("itis", "mab").
    #[serde(default)]
    pub suffixes: Vec<String>,
    /// Words with such an ending that are not of the class ("diagnosis").
    #[serde(default)]
    pub suffix_exceptions: HashSet<String>,
    /// Word beginnings that mark the class (`cef`, `rifa`).
    #[serde(default)]
    pub prefixes: Vec<String>,
    /// Abbreviations, matched with their case ("COPD", "MI").
    #[serde(default)]
    pub abbreviations: HashSet<String>,
    /// Heads that name the class in general ("drugs", "agents"), not one member.
    #[serde(default)]
    pub generic: HashSet<String>,
    /// Heads that name an entity only with a modifier: "radiation treatment"
    /// is a procedure, "treatment" alone names none.
    #[serde(default)]
    pub not_alone: HashSet<String>,
}

impl TermClass {
    /// Is the lowercase word a head of the class, or does it end like one?
    /// Endings count only on words at least three letters longer than the ending.
    pub fn is_head(&self, w: &str) -> bool {
        self.heads.contains(w) || self.has_suffix(w) || self.has_prefix(w)
    }

    /// Does the lowercase word begin like one of the class (and go on for at least four letters)?
    pub fn has_prefix(&self, w: &str) -> bool {
        w.chars().all(|c| c.is_alphabetic())
            && self
                .prefixes
                .iter()
                .any(|p| w.len() >= p.len() + 4 && w.starts_with(p.as_str()))
    }

    /// Is the word, exactly as written, an abbreviation of the class?
    pub fn is_abbreviation(&self, word: &str) -> bool {
        self.abbreviations.contains(word)
    }

    pub fn has_suffix(&self, w: &str) -> bool {
        !self.suffix_exceptions.contains(w)
            && w.chars().all(|c| c.is_alphabetic() || c == '-')
            && self
                .suffixes
                .iter()
                .any(|s| w.len() >= s.len() + 3 && w.ends_with(s.as_str()))
    }
}

/// The whole term file.
#[derive(Debug, Clone, Deserialize)]
pub struct Terms {
    pub condition: TermClass,
    pub drug: TermClass,
    pub procedure: TermClass,
    pub measurement: TermClass,
    /// Severity and certainty words that qualify a phrase but are not part of its name.
    pub qualifiers: HashSet<String>,
    /// Function words and the people, time and study words around entities.
    pub stopwords: HashSet<String>,
    /// Single words that place a fact in time ("history", "current", "prior").
    pub temporal_words: HashSet<String>,
    /// Negation words and phrases ("no", "without", "other than").
    pub negation_words: Vec<String>,
}

const TERMS: &str = include_str!("../data/terms.json");

/// The built-in term cues, parsed on first use.
///
/// # Panics
/// Only if the embedded `data/terms.json` is malformed, which the crate's tests rule out.
pub fn terms() -> &'static Terms {
    static T: OnceLock<Terms> = OnceLock::new();
    T.get_or_init(|| match Terms::load() {
        Ok(t) => t,
        Err(e) => panic!("eligo-vocab data/terms.json is invalid: {e}"),
    })
}

impl Terms {
    pub fn load() -> Result<Self, serde_json::Error> {
        serde_json::from_str(TERMS)
    }
}
