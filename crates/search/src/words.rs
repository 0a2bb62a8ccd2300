//! How text becomes index terms: tantivy's English analyzer (words of
//! letters and digits, lower-cased and stemmed), with words joined by
//! hyphens also kept whole.
//!
//! A hyphenated word ("non-small", "CAR-T", "COVID-19") is its parts, at
//! consecutive positions as before, and the parts joined without the
//! hyphens ("nonsmall", "cart", "covid19") at the position of the first
//! part. A query word with hyphens is searched as that one joined term
//! ([`join_hyphens`]): a term costs what a term costs, where the parts
//! as a phrase (in every text field) read and matched positions for
//! every document holding all of them. Quoted phrases keep the parts
//! (and find the same documents: the joined term sits beside the first
//! part, not in its place).

use tantivy::tokenizer::{
    LowerCaser, RemoveLongFilter, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer,
};

/// The name the schema's text fields give their analyzer.
pub const ANALYZER: &str = "en_words";

/// The analyzer of every text field: [`HyphenTokenizer`], then tantivy's
/// `en_stem` filters.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(HyphenTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(Stemmer::new(tantivy::tokenizer::Language::English))
        .build()
}

/// Runs of letters and digits (as tantivy's `SimpleTokenizer`), and each
/// run of such words joined by single hyphens also whole, hyphens left
/// out, at the first word's position.
#[derive(Clone, Default)]
pub struct HyphenTokenizer {
    token: Token,
}

pub struct HyphenStream<'a> {
    text: &'a str,
    /// Byte offset to read the next word from.
    at: usize,
    /// The joined word to give after the current first part: its offsets.
    joined: Option<(usize, usize)>,
    token: &'a mut Token,
}

impl Tokenizer for HyphenTokenizer {
    type TokenStream<'a> = HyphenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> HyphenStream<'a> {
        self.token.reset();
        HyphenStream {
            text,
            at: 0,
            joined: None,
            token: &mut self.token,
        }
    }
}

/// The end of the word of letters and digits starting at `from`.
fn word_end(text: &str, from: usize) -> usize {
    text[from..]
        .char_indices()
        .find(|(_, c)| !c.is_alphanumeric())
        .map_or(text.len(), |(i, _)| from + i)
}

/// Whether a word of letters and digits starts at byte `at`.
fn word_at(text: &str, at: usize) -> bool {
    text.get(at..)
        .and_then(|s| s.chars().next())
        .is_some_and(char::is_alphanumeric)
}

/// The end of the hyphen-joined run whose first word is `from..to`, when
/// at least one hyphen joins it to another word.
fn joined_end(text: &str, to: usize) -> Option<usize> {
    let mut end = to;
    while text.as_bytes().get(end) == Some(&b'-') && word_at(text, end + 1) {
        end = word_end(text, end + 1);
    }
    (end > to).then_some(end)
}

impl TokenStream for HyphenStream<'_> {
    fn advance(&mut self) -> bool {
        if let Some((from, to)) = self.joined.take() {
            // Same position as the first part.
            self.token.text.clear();
            self.token
                .text
                .extend(self.text[from..to].chars().filter(|&c| c != '-'));
            self.token.offset_from = from;
            self.token.offset_to = to;
            return true;
        }
        self.token.text.clear();
        self.token.position = self.token.position.wrapping_add(1);
        let Some((start, _)) = self.text[self.at..]
            .char_indices()
            .find(|(_, c)| c.is_alphanumeric())
        else {
            self.at = self.text.len();
            return false;
        };
        let from = self.at + start;
        let to = word_end(self.text, from);
        self.at = to;
        // The first word of a run (not one after a joining hyphen).
        let first = !(from > 0
            && self.text.as_bytes()[from - 1] == b'-'
            && self.text[..from - 1]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric));
        if first {
            self.joined = joined_end(self.text, to).map(|end| (from, end));
        }
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.text.push_str(&self.text[from..to]);
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// `query` with the hyphens inside words left out ("non-small" →
/// "nonsmall"), so that each such word is the one joined term the index
/// holds. Left as they are: quoted phrases, `id:` values, and a hyphen
/// that is not between two letters or digits (`-word` excludes a word).
pub fn join_hyphens(query: &str) -> String {
    let mut out = String::with_capacity(query.len());
    let mut quoted = false;
    let mut in_id = false;
    let mut prev: Option<char> = None;
    let mut chars = query.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '"' {
            quoted = !quoted;
        }
        if c.is_whitespace() || c == '(' || c == ')' {
            in_id = false;
        }
        if c == ':' && query[..i].ends_with("id") {
            let before = &query[..i - 2];
            in_id = before.is_empty()
                || before.ends_with(|c: char| c.is_whitespace() || "(+-\"".contains(c));
        }
        let between_words = c == '-'
            && prev.is_some_and(char::is_alphanumeric)
            && chars.peek().is_some_and(|(_, n)| n.is_alphanumeric());
        if between_words && !quoted && !in_id {
            prev = Some(c);
            continue;
        }
        out.push(c);
        prev = Some(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<(usize, String, usize, usize)> {
        let mut a = analyzer();
        let mut s = a.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = s.next() {
            out.push((t.position, t.text.clone(), t.offset_from, t.offset_to));
        }
        out
    }

    #[test]
    fn hyphenated_words_are_their_parts_and_whole() {
        let t = |s: &str, p: usize, a: usize, b: usize| (p, s.to_string(), a, b);
        assert_eq!(
            tokens("Non-small cell"),
            [
                t("non", 0, 0, 3),
                t("nonsmal", 0, 0, 9),
                t("small", 1, 4, 9),
                t("cell", 2, 10, 14)
            ]
        );
        assert_eq!(
            tokens("anti-CD19 CAR-T, pre- and -post"),
            [
                t("anti", 0, 0, 4),
                t("anticd19", 0, 0, 9),
                t("cd19", 1, 5, 9),
                t("car", 2, 10, 13),
                t("cart", 2, 10, 15),
                t("t", 3, 14, 15),
                t("pre", 4, 17, 20),
                t("and", 5, 22, 25),
                t("post", 6, 27, 31)
            ]
        );
        // Without hyphens, as tantivy's own tokenizer.
        assert_eq!(
            tokens("Lupus nephritis (LN): 2 arms"),
            [
                t("lupus", 0, 0, 5),
                t("nephriti", 1, 6, 15),
                t("ln", 2, 17, 19),
                t("2", 3, 22, 23),
                t("arm", 4, 24, 28)
            ]
        );
        // Offsets are bytes; letters beyond ASCII join as well.
        assert_eq!(
            tokens("Größe-Ärzte"),
            [
                t("größe", 0, 0, 7),
                t("größeärzt", 0, 0, 14),
                t("ärzte", 1, 8, 14)
            ]
        );
    }

    #[test]
    fn query_words_lose_their_hyphens_but_not_phrases_ids_or_negations() {
        assert_eq!(join_hyphens("non-small cell"), "nonsmall cell");
        assert_eq!(join_hyphens("CAR-T -lupus"), "CART -lupus");
        assert_eq!(
            join_hyphens("\"non-small cell\" anti-CD19"),
            "\"non-small cell\" antiCD19"
        );
        assert_eq!(
            join_hyphens("id:ELIGO-0A1B2C3D4E5F x-y"),
            "id:ELIGO-0A1B2C3D4E5F xy"
        );
        assert_eq!(join_hyphens("title:B-cell"), "title:Bcell");
        assert_eq!(join_hyphens("a - b a-"), "a - b a-");
    }
}
