//! `en_stem` with a memory: the same tokens as tantivy's default `en_stem`
//! analyzer (simple tokenizer, tokens over 40 bytes dropped, lowercased,
//! English Snowball stem), with each word's stem remembered.
//!
//! Stemming was half of tantivy's indexing time at import (a registry
//! repeats the same few hundred thousand words millions of times). Each
//! analyzer clone (tantivy takes one per segment writer and per query
//! parse) keeps its own map, so nothing is shared between threads; a clone
//! starts empty, and a map that reaches [`LIMIT`] words starts again.

use std::borrow::Cow;
use std::collections::HashMap;

use tantivy::tokenizer::{
    LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token, TokenFilter, TokenStream,
    Tokenizer,
};

/// Words remembered per analyzer before the map starts again (about 20 MB
/// at most per indexing thread).
pub const LIMIT: usize = 200_000;

/// The analyzer registered as `en_stem` on every index eligo opens.
pub fn en_stem() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(CachedStemmer)
        .build()
}

/// The English stemmer of tantivy's `en_stem`, remembering stems.
#[derive(Clone, Copy, Debug, Default)]
pub struct CachedStemmer;

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            inner: tokenizer,
            stems: HashMap::new(),
        }
    }
}

pub struct CachedStemmerFilter<T> {
    inner: T,
    /// Word to stem; `None` when the stem is the word itself.
    stems: HashMap<Box<str>, Option<Box<str>>>,
}

impl<T: Clone> Clone for CachedStemmerFilter<T> {
    /// A clone starts with an empty map: copying a full one for every query
    /// would cost more than it saves.
    fn clone(&self) -> Self {
        CachedStemmerFilter {
            inner: self.inner.clone(),
            stems: HashMap::new(),
        }
    }
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            stems: &mut self.stems,
            stemmer: None,
        }
    }
}

pub struct CachedStemmerStream<'a, T> {
    tail: T,
    stems: &'a mut HashMap<Box<str>, Option<Box<str>>>,
    /// Made on the first word not yet remembered.
    stemmer: Option<frostem::Stemmer>,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(stem) = self.stems.get(token.text.as_str()) {
            if let Some(stem) = stem {
                token.text.clear();
                token.text.push_str(stem);
            }
            return true;
        }
        let stemmer = self
            .stemmer
            .get_or_insert_with(|| frostem::Stemmer::new(frostem::Algorithm::English));
        let stem = match stemmer.stem(&token.text) {
            Cow::Borrowed(s) if s == token.text => None,
            s => Some(Box::<str>::from(s.as_ref())),
        };
        if self.stems.len() >= LIMIT {
            self.stems.clear();
        }
        let word = Box::<str>::from(token.text.as_str());
        if let Some(s) = &stem {
            token.text.clear();
            token.text.push_str(s);
        }
        self.stems.insert(word, stem);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}
