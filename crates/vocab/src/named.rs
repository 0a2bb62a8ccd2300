//! Which vocabulary conditions a free text names: one Aho-Corasick pass
//! over every condition's label and synonyms, whole words only. Used to
//! relate trials to patients (matcher) and to index what a trial is about
//! (search), so both read titles the same way.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::sync::LazyLock;

struct Named {
    ac: AhoCorasick,
    /// Pattern index → condition key.
    keys: Vec<String>,
}

static NAMED: LazyLock<Named> = LazyLock::new(|| {
    let mut patterns = Vec::new();
    let mut keys = Vec::new();
    for c in crate::vocabulary().conditions() {
        for s in c.synonyms.iter().chain([&c.label]) {
            if s.trim().len() >= 2 {
                patterns.push(s.trim().to_string());
                keys.push(c.key.clone());
            }
        }
    }
    let ac = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .build(&patterns)
        .expect("vocabulary synonyms build an automaton");
    Named { ac, keys }
});

fn word_char(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric())
}

/// Call `f` with the key of each condition named in `text` (as whole
/// words, possibly repeated) until it returns true; returns whether it did.
pub fn each_named_condition(text: &str, mut f: impl FnMut(&str) -> bool) -> bool {
    let n = &*NAMED;
    for m in n.ac.find_overlapping_iter(text) {
        let before = text[..m.start()].chars().next_back();
        let after = text[m.end()..].chars().next();
        if !word_char(before) && !word_char(after) && f(&n.keys[m.pattern().as_usize()]) {
            return true;
        }
    }
    false
}
