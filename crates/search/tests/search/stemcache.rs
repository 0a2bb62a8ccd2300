//! The stemming cache gives exactly the tokens of tantivy's own `en_stem`
//! (the analyzer the index used before it): text, offsets and positions,
//! on the first sight of a word and on every later one.

use eligo_search::stemcache;
use proptest::prelude::*;
use tantivy::tokenizer::{TextAnalyzer, TokenizerManager};

fn tokens(a: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
    let mut out = Vec::new();
    let mut s = a.token_stream(text);
    s.process(&mut |t| out.push((t.text.clone(), t.offset_from, t.offset_to, t.position)));
    out
}

fn plain() -> TextAnalyzer {
    TokenizerManager::default()
        .get("en_stem")
        .expect("tantivy registers en_stem")
}

/// Every text of the real ClinicalTrials.gov records in the ctgov sample.
fn sample_texts() -> Vec<String> {
    fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
            serde_json::Value::Object(o) => o.values().for_each(|x| strings(x, out)),
            _ => {}
        }
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ctgov/sample/ctgov");
    let mut out = Vec::new();
    for e in std::fs::read_dir(&dir).expect("the ctgov sample") {
        let path = e.expect("a sample file").path();
        if path.extension().is_some_and(|x| x == "json") {
            let v: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).expect("readable"))
                    .expect("sample JSON");
            strings(&v, &mut out);
        }
    }
    out
}

#[test]
fn same_tokens_as_tantivy_en_stem_over_real_records() {
    let texts = sample_texts();
    assert!(texts.len() > 1000, "{} texts", texts.len());
    let mut plain = plain();
    let mut cached = stemcache::en_stem();
    let mut words = 0;
    // Twice: the second pass finds every word remembered.
    for _ in 0..2 {
        for t in &texts {
            let want = tokens(&mut plain, t);
            words += want.len();
            assert_eq!(tokens(&mut cached, t), want, "{t}");
        }
    }
    assert!(words > 50_000, "{words} tokens");
    // Stemming does change words ("patients" -> "patient"): the comparison
    // is not between two analyzers that leave text alone.
    assert_eq!(tokens(&mut cached, "Patients")[0].0, "patient");
}

#[test]
fn a_full_map_starts_again_and_stems_the_same() {
    let mut plain = plain();
    let mut cached = stemcache::en_stem();
    let text: String = (0..stemcache::LIMIT + 10)
        .map(|i| format!("treating{i}x "))
        .collect();
    assert_eq!(tokens(&mut cached, &text), tokens(&mut plain, &text));
    let again = "treating treated treatments treating0x";
    assert_eq!(tokens(&mut cached, again), tokens(&mut plain, again));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Words from a small alphabet repeat, so the map is hit as often as it
    /// is filled; capitals, digits, accents, apostrophes and words over
    /// tantivy's 40-byte limit are all in reach.
    #[test]
    fn same_tokens_as_tantivy_en_stem(
        texts in prop::collection::vec(
            "([a-eA-E]{1,12}(ing|ed|ies|ly|ness|ational|s)?|[0-9]{1,4}|caf\u{e9}s|na\u{ef}ve|\u{c9}tudes|[a-z]{41,45}|'s|[ -.,;()/])*",
            1..8,
        )
    ) {
        let mut plain = plain();
        let mut cached = stemcache::en_stem();
        for t in texts.iter().chain(texts.iter()) {
            prop_assert_eq!(tokens(&mut cached, t), tokens(&mut plain, t));
        }
    }
}
