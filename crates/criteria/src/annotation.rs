//! The data the entity-extraction modules share: entity types and
//! entities (what the Chia corpus annotates and the extraction predicts),
//! and a line's words with the rules' opinion of them (what the tagger
//! reads). Kept apart so that `druglex`, `tagger`, `entities`, `chia` and
//! `training` import it, and one another, one way only.

use serde::Serialize;
use std::fmt;

/// The entity types eligo's compiler extracts and is scored on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum EntityType {
    Condition,
    Drug,
    Procedure,
    Measurement,
    Value,
    Temporal,
    Negation,
}

impl EntityType {
    pub const ALL: [EntityType; 7] = [
        EntityType::Condition,
        EntityType::Drug,
        EntityType::Procedure,
        EntityType::Measurement,
        EntityType::Value,
        EntityType::Temporal,
        EntityType::Negation,
    ];

    /// The brat type name (`Condition`, `Drug`, ...).
    pub fn name(self) -> &'static str {
        match self {
            EntityType::Condition => "Condition",
            EntityType::Drug => "Drug",
            EntityType::Procedure => "Procedure",
            EntityType::Measurement => "Measurement",
            EntityType::Value => "Value",
            EntityType::Temporal => "Temporal",
            EntityType::Negation => "Negation",
        }
    }

    pub fn from_name(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == s)
    }
}

impl fmt::Display for EntityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An entity: a type and its fragments (byte ranges `[start, end)`, sorted).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Entity {
    pub kind: EntityType,
    pub fragments: Vec<(usize, usize)>,
}

impl Entity {
    pub fn new(kind: EntityType, start: usize, end: usize) -> Self {
        Entity {
            kind,
            fragments: vec![(start, end)],
        }
    }

    /// Bytes shared by the two entities' fragments.
    pub fn overlap(&self, other: &Entity) -> usize {
        let mut n = 0;
        for &(a, b) in &self.fragments {
            for &(c, d) in &other.fragments {
                n += b.min(d).saturating_sub(a.max(c));
            }
        }
        n
    }
}

/// A word of a line: its byte span in the line and its lowercase form.
#[derive(Debug, Clone)]
pub(crate) struct Word {
    pub s: usize,
    pub e: usize,
    pub lower: String,
}

/// What the rules said about each word of a line, as features.
#[derive(Debug, Clone, Default)]
pub(crate) struct RuleView {
    /// Per word: the rule label (`B-Drug`, `I-Value`, ...) or empty.
    pub label: Vec<&'static str>,
    /// Per word: the class of a vocabulary concept the word is part of.
    pub concept: Vec<Option<EntityType>>,
    /// Per word: 1 where a name of the drug list starts, 2 inside one, 0 else.
    pub drug_name: Vec<u8>,
}

/// One line ready for training or tagging: offsets are into `text`, the
/// line, which starts at byte `base` of its document.
pub(crate) struct Line<'a> {
    pub base: usize,
    pub text: &'a str,
    pub words: Vec<Word>,
    pub rules: RuleView,
}
