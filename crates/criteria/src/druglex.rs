//! A list of drug names (DrugBank Open Data and MeSH; provenance in
//! `data/README.md`), looked up over the words of a line.
//!
//! Why: the concept vocabulary names the drugs eligo reasons about, but
//! criteria mention thousands of others ("aliskiren", "exenatide"). Knowing
//! that a phrase is a drug name is a strong hint for the tagger; it stays a
//! hint (a feature), since the list also holds words such as "water" or
//! "oxygen" that are seldom drugs in criteria.

use crate::annotation::Word;
use std::collections::HashSet;
use std::sync::OnceLock;

/// The longest phrase looked up, in words.
const MAX_WORDS: usize = 6;

struct Lexicon {
    names: HashSet<&'static str>,
    /// The first word of every name, to skip lookups that cannot succeed.
    first: HashSet<&'static str>,
}

fn lexicon() -> &'static Lexicon {
    static L: OnceLock<Lexicon> = OnceLock::new();
    L.get_or_init(|| {
        let names: HashSet<&'static str> = include_str!("../data/drug_names.txt")
            .lines()
            .filter(|l| !l.is_empty())
            .collect();
        let first = names.iter().filter_map(|n| first_word(n)).collect();
        Lexicon { names, first }
    })
}

/// The first word of a name as the tokenizer cuts it (letters and digits,
/// joined by `-` or `'`).
fn first_word(name: &str) -> Option<&str> {
    name.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
        .next()
        .map(|w| w.trim_matches(['-', '\'']))
        .filter(|w| !w.is_empty())
}

/// Whether `name` (lowercase, single spaces) is in the list.
#[cfg(test)]
fn contains(name: &str) -> bool {
    lexicon().names.contains(name)
}

/// Per word of a line: 1 where a drug name starts, 2 inside one, 0 elsewhere
/// (the longest name at each position, scanning left to right).
pub(crate) fn mark(text: &str, ws: &[Word]) -> Vec<u8> {
    let lex = lexicon();
    let mut out = vec![0u8; ws.len()];
    let mut i = 0;
    while i < ws.len() {
        let mut best = None;
        if lex.first.contains(ws[i].lower.as_str()) {
            // The phrase of words i..=j, lowercase with single spaces, grown
            // by one word (and the text before it) at a time.
            let mut phrase = String::new();
            for j in i..ws.len().min(i + MAX_WORDS) {
                let from = if j == i { ws[i].s } else { ws[j - 1].e };
                for c in text[from..ws[j].e].chars() {
                    if !c.is_whitespace() {
                        phrase.extend(c.to_lowercase());
                    } else if !phrase.ends_with(' ') {
                        phrase.push(' ');
                    }
                }
                if lex.names.contains(phrase.as_str()) {
                    best = Some(j);
                }
            }
        }
        match best {
            Some(j) => {
                out[i] = 1;
                out[i + 1..=j].fill(2);
                i = j + 1;
            }
            None => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_holds_drugs_and_not_criteria_words() {
        // International nonproprietary names from the SLE field and beyond.
        for d in [
            "prednisone",
            "cyclophosphamide",
            "mycophenolate mofetil",
            "rituximab",
            "belimumab",
            "tacrolimus",
            "aliskiren",
            "exenatide",
        ] {
            assert!(contains(d), "{d}");
        }
        for w in [
            "patient",
            "history",
            "pregnancy",
            "informed consent",
            "disease",
        ] {
            assert!(!contains(w), "{w}");
        }
    }

    fn words(t: &str) -> Vec<Word> {
        let mut out = Vec::new();
        for (s, w) in t.match_indices(|c: char| c.is_alphanumeric() || c == '-') {
            match out.last_mut() {
                Some(Word { e, lower, .. }) if *e == s => {
                    *e += w.len();
                    lower.push_str(&w.to_lowercase());
                }
                _ => out.push(Word {
                    s,
                    e: s + w.len(),
                    lower: w.to_lowercase(),
                }),
            }
        }
        out
    }

    #[test]
    fn marks_the_longest_name_at_each_word() {
        let t = "Use of Mycophenolate  Mofetil or aliskiren within 4 weeks";
        let ws = words(t);
        assert_eq!(ws.len(), 9);
        // "mycophenolate mofetil" (two words, any spacing and case), "aliskiren".
        assert_eq!(mark(t, &ws), vec![0, 0, 1, 2, 0, 1, 0, 0, 0]);
        assert_eq!(mark("", &[]), Vec::<u8>::new());
    }
}
