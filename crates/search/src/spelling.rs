//! "Did you mean": close spellings of condition names.
//!
//! People type condition names as they hear them ("lupis", "lupus
//! nefritis"). A query word that no indexed text contains is compared with
//! the words of the registry's condition names (the condition facet, as
//! registered) and of the vocabulary's condition labels and synonyms; the
//! closest by edit distance (one edit for words of up to five letters, two
//! for longer ones), then the most common, replaces it.

use crate::SearchIndex;
use std::collections::HashMap;
use tantivy::schema::{Facet, Field};
use tantivy::tokenizer::TokenStream;
use tantivy::{TantivyError, Term};

/// Longest query considered for a suggestion, in words.
const MAX_WORDS: usize = 12;

/// The number of edits (insertions, deletions, substitutions and swaps of
/// two neighbours) that turn `a` into `b` (optimal string alignment).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

/// Edits allowed for a word of `len` letters.
fn allowed(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=5 => 1,
        _ => 2,
    }
}

/// The closest word of `words` (word → how many names use it) to `w`.
pub fn closest<'a>(w: &str, words: &'a HashMap<String, u64>) -> Option<&'a str> {
    let max = allowed(w.chars().count());
    if max == 0 {
        return None;
    }
    words
        .iter()
        .filter(|(c, _)| c.chars().count().abs_diff(w.chars().count()) <= max)
        .map(|(c, n)| (edit_distance(w, c), std::cmp::Reverse(*n), c.as_str()))
        .filter(|(d, _, _)| *d <= max && *d > 0)
        .min()
        .map(|(_, _, c)| c)
}

fn words_of(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() > 2 && !w.chars().any(|c| c.is_ascii_digit()))
        .map(str::to_lowercase)
}

impl SearchIndex {
    /// The words of condition names: from the registry's condition facet
    /// and the vocabulary's condition labels and synonyms, each with the
    /// number of names that use it.
    pub fn condition_words(&self) -> crate::Result<HashMap<String, u64>> {
        let mut out: HashMap<String, u64> = HashMap::new();
        let searcher = self.reader.searcher();
        let facets: Field = self.fields.facets;
        let prefix = Facet::from_path(["condition"]);
        for seg in searcher.segment_readers() {
            let inv = seg.inverted_index(facets)?;
            let mut stream = inv.terms().stream().map_err(TantivyError::from)?;
            while stream.advance() {
                let Ok(text) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                let facet = Facet::from_encoded(text.as_bytes().to_vec())
                    .map_err(|e| TantivyError::InvalidArgument(e.to_string()))?;
                if !prefix.is_prefix_of(&facet) {
                    continue;
                }
                let name = facet.to_path().last().map(|s| s.to_string());
                for w in words_of(name.as_deref().unwrap_or_default()) {
                    *out.entry(w).or_default() += u64::from(stream.value().doc_freq);
                }
            }
        }
        for c in eligo_vocab::vocabulary().conditions() {
            for name in
                std::iter::once(c.label.as_str()).chain(c.synonyms.iter().map(|s| s.as_str()))
            {
                for w in words_of(name) {
                    out.entry(w).or_insert(1);
                }
            }
        }
        Ok(out)
    }

    /// Whether any indexed text contains `word` (as the index reads it).
    fn knows(&self, word: &str) -> crate::Result<bool> {
        let searcher = self.reader.searcher();
        for (field, _) in self.fields.text_fields() {
            let mut analyzer = self.analyzer(field)?;
            let mut stream = analyzer.token_stream(word);
            let mut terms = Vec::new();
            while stream.advance() {
                terms.push(stream.token().text.clone());
            }
            if terms.is_empty() {
                return Ok(true);
            }
            for t in terms {
                if searcher.doc_freq(&Term::from_field_text(field, &t))? > 0 {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    /// A corrected query when some of `query`'s plain words appear in no
    /// indexed text and a condition name has a close spelling of them
    /// ("lupis" → "lupus", "lupus nefritis" → "lupus nephritis"); `None`
    /// when every word is known, nothing is close, or the query uses
    /// syntax (quotes, fields, +/-) that a rewrite could break.
    pub fn suggest(&self, query: &str) -> crate::Result<Option<String>> {
        let q = query.trim();
        if q.is_empty()
            || q.contains(['"', ':', '+', '(', ')', '*'])
            || q.split_whitespace().any(|w| w.starts_with('-'))
            || q.split_whitespace().count() > MAX_WORDS
        {
            return Ok(None);
        }
        let mut words: Option<HashMap<String, u64>> = None;
        let mut changed = false;
        let mut out = Vec::new();
        for w in q.split_whitespace() {
            let lower = w.to_lowercase();
            let plain = lower.chars().all(char::is_alphabetic);
            if !plain || self.knows(&lower)? {
                out.push(w.to_string());
                continue;
            }
            if words.is_none() {
                words = Some(self.condition_words()?);
            }
            match words.as_ref().and_then(|ws| closest(&lower, ws)) {
                Some(c) => {
                    out.push(c.to_string());
                    changed = true;
                }
                None => out.push(w.to_string()),
            }
        }
        Ok(changed.then(|| out.join(" ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("lupis", "lupus"), 1);
        assert_eq!(edit_distance("nefritis", "nephritis"), 2);
        assert_eq!(edit_distance("lpuus", "lupus"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("lupus", "lupus"), 0);
    }

    #[test]
    fn closest_prefers_fewer_edits_then_more_names() {
        let words: HashMap<String, u64> = [("lupus", 10), ("lupin", 1), ("nephritis", 4)]
            .into_iter()
            .map(|(w, n)| (w.to_string(), n))
            .collect();
        assert_eq!(closest("lupis", &words), Some("lupus"));
        assert_eq!(closest("nefritis", &words), Some("nephritis"));
        assert_eq!(closest("cat", &words), None);
        assert_eq!(closest("zzzzzzzz", &words), None);
    }
}
