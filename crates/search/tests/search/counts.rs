//! The total and facet counts of queries of every shape the parser makes
//! of words and filters (one word, several words, a hyphenated word read
//! as a phrase, a word with a filter, filters alone, a range, an excluded
//! word), in every sort, over many segments with deleted documents, equal
//! the counts made from the trials themselves.

use super::segments::{build, tuning};
use eligo_model::Trial;
use eligo_model::trial::OverallStatus;
use eligo_search::SearchIndex;
use eligo_search::arrange::{Arrange, Sort};
use eligo_search::query::{Filters, SearchRequest};

type Matches = fn(&Trial) -> bool;

fn recruiting(t: &Trial) -> bool {
    t.status == Some(OverallStatus::Recruiting)
}

fn cases() -> Vec<(&'static str, Filters, Matches)> {
    let status = Filters {
        statuses: vec![OverallStatus::Recruiting],
        ..Filters::default()
    };
    let completed = Filters {
        statuses: vec![OverallStatus::Completed],
        ..Filters::default()
    };
    let condition = Filters {
        condition: Some("Condition 3".into()),
        ..Filters::default()
    };
    vec![
        ("pain", Filters::default(), |t| {
            t.brief_title.contains("pain")
        }),
        ("heart failure", Filters::default(), |t| {
            t.brief_title.contains("heart failure")
        }),
        ("chronic pain", Filters::default(), |t| {
            t.brief_title.contains("chronic pain")
        }),
        ("non-small", Filters::default(), |t| {
            t.brief_title.contains("non-small")
        }),
        ("lung cancer", completed, |t| {
            t.brief_title.contains("lung cancer") && t.status == Some(OverallStatus::Completed)
        }),
        ("", status, recruiting),
        ("pain", condition, |t| {
            t.brief_title.contains("pain") && t.conditions.iter().any(|c| c == "Condition 3")
        }),
        ("pain -chronic", Filters::default(), |t| {
            t.brief_title.contains("pain") && !t.brief_title.contains("chronic")
        }),
    ]
}

#[test]
fn counts_of_every_query_shape_are_those_of_the_trials_themselves() {
    let dir = tempfile::tempdir().unwrap();
    let trials = build(dir.path());
    let idx = SearchIndex::open_tuned(dir.path(), tuning(2)).unwrap();
    for (query, filters, matches) in cases() {
        let chosen: Vec<&Trial> = trials.iter().filter(|t| matches(t)).collect();
        assert!(!chosen.is_empty(), "{query:?}");
        let want = super::expected_facets(&chosen);
        for sort in [Sort::Relevance, Sort::RecruitingFirst, Sort::Updated] {
            let req = SearchRequest {
                filters: filters.clone(),
                facet_limit: 100,
                ..SearchRequest::new(query)
            };
            let how = Arrange {
                sort,
                ..Arrange::default()
            };
            let r = idx.search_arranged(&req, &how).unwrap();
            assert_eq!(r.total, chosen.len(), "{query:?} {sort:?}");
            for dim in ["status", "phase", "condition", "country"] {
                let expected = want.get(dim).cloned().unwrap_or_default();
                let got: Vec<(String, u64)> = r.facets[dim]
                    .iter()
                    .map(|f| (f.value.clone(), f.count))
                    .collect();
                assert_eq!(got, expected, "{query:?} {sort:?} {dim}");
            }
        }
    }
}
