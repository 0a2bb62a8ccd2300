//! Hyphenated words: a query word with hyphens is one joined term (the
//! index holds each hyphenated word's parts and the parts joined), so
//! "non-small" finds what a reader expects at the cost of one word.

use eligo_model::Trial;
use eligo_search::query::SearchRequest;
use eligo_search::{IndexState, SearchIndex, index_trials};

fn titled(n: u32, title: &str) -> Trial {
    Trial {
        id: format!("NCT{n:08}"),
        nct_id: Some(format!("NCT{n:08}")),
        brief_title: title.into(),
        ..Trial::default()
    }
}

fn found(idx: &SearchIndex, q: &str) -> Vec<String> {
    let mut v: Vec<String> = idx
        .search(&SearchRequest {
            limit: 100,
            ..SearchRequest::new(q)
        })
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect();
    v.sort();
    v
}

#[test]
fn hyphenated_joined_and_spaced_spellings_find_what_they_say() {
    let idx = SearchIndex::in_memory().unwrap();
    let trials = [
        titled(1, "Pembrolizumab in Non-Small Cell Lung Cancer"),
        titled(2, "Nonsmall Cell Carcinoma of the Lung"),
        titled(3, "Small Cell Lung Cancer in Non Smokers"),
        titled(4, "A Registry of Non Small Cell Lung Cancer"),
    ];
    let state = IndexState {
        schema_version: eligo_search::schema::SCHEMA_VERSION,
        store_id: "hyphens".into(),
        generation: 1,
    };
    index_trials(&idx, &trials, &state).unwrap();
    let ids = |ns: &[u32]| -> Vec<String> { ns.iter().map(|n| format!("NCT{n:08}")).collect() };
    // The hyphenated word: written so, or as one word. Trial 4 too: its
    // title names non-small cell lung cancer, whose vocabulary spellings
    // (its "keywords") include the hyphenated one.
    assert_eq!(found(&idx, "non-small"), ids(&[1, 2, 4]));
    assert_eq!(found(&idx, "Non-Small cell lung"), ids(&[1, 2, 4]));
    assert_eq!(found(&idx, "nonsmall"), ids(&[1, 2, 4]));
    // Two words: wherever they are, hyphenated or not.
    assert_eq!(found(&idx, "non small"), ids(&[1, 3, 4]));
    // A quoted phrase keeps the parts in order.
    assert_eq!(found(&idx, "\"non-small cell\""), ids(&[1, 4]));
    assert_eq!(found(&idx, "\"non small cell\""), ids(&[1, 4]));
    // A leading hyphen still excludes.
    assert_eq!(found(&idx, "lung -nonsmall"), ids(&[3]));
    // The highlight covers the whole hyphenated word.
    let r = idx.search(&SearchRequest::new("non-small")).unwrap();
    let hit = r.hits.iter().find(|h| h.id == "NCT00000001").unwrap();
    let s = hit.snippet.as_ref().unwrap();
    assert_eq!(
        s.marked("[", "]"),
        "Pembrolizumab in [Non-Small] Cell Lung Cancer"
    );
}

/// Every hyphenated word of the sample trials' titles (the seed CAR-T
/// trials' "CAR-T", "anti-CD19", …) finds the trial it comes from.
#[test]
fn the_sample_trials_own_hyphenated_words_find_them() {
    let idx = SearchIndex::in_memory().unwrap();
    let records = eligo_ctgov::sample_registry();
    let trials: Vec<Trial> = records.iter().map(|r| r.trial.clone()).collect();
    let state = IndexState {
        schema_version: eligo_search::schema::SCHEMA_VERSION,
        store_id: "sample".into(),
        generation: 1,
    };
    index_trials(&idx, &trials, &state).unwrap();
    let mut checked = 0;
    for t in &trials {
        for w in t.brief_title.split_whitespace() {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric());
            let bytes = w.as_bytes();
            let joins = (1..bytes.len().saturating_sub(1)).any(|i| {
                bytes[i] == b'-'
                    && bytes[i - 1].is_ascii_alphanumeric()
                    && bytes[i + 1].is_ascii_alphanumeric()
            });
            if !joins {
                continue;
            }
            let hits = found(&idx, w);
            assert!(hits.contains(&t.id), "{w:?} does not find {}", t.id);
            // The parts as two words find it too.
            let hits = found(&idx, &w.replace('-', " "));
            assert!(hits.contains(&t.id), "{w:?} spaced does not find {}", t.id);
            checked += 1;
        }
    }
    assert!(checked >= 5, "only {checked} hyphenated title words");
}
