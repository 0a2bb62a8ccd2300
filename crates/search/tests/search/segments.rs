//! An index cut into many small segments (a bound on merges) and searched
//! on several threads answers exactly as it does on one thread, and its
//! facet counts are those made from the trials themselves, also after
//! updates that leave deleted documents in the segments.

use eligo_model::Trial;
use eligo_model::trial::{Location, OverallStatus, Phase};
use eligo_search::page::{Direction, PageRequest, SortBy, SortKey};
use eligo_search::pieces::{NumPiece, TextPiece};
use eligo_search::query::{Expr, Filters, SearchRequest};
use eligo_search::{IndexState, SearchIndex, Tuning, index_trials};

const COUNTRIES: [&str; 5] = ["China", "France", "Chile", "Germany", "Peru"];

fn trial(i: u32, version: u32) -> Trial {
    let words = match (i + version) % 6 {
        0 => "chronic pain after surgery",
        1 => "sleep and pain in heart failure",
        2 => "non-small cell lung cancer",
        3 => "heart failure with preserved ejection fraction",
        4 => "pain",
        _ => "healthy volunteers",
    };
    Trial {
        id: format!("NCT{i:08}"),
        nct_id: Some(format!("NCT{i:08}")),
        brief_title: format!("Study {i} of {words}"),
        brief_summary: Some(format!("A randomized study of {words}, version {version}.")),
        partial: i.is_multiple_of(41),
        status: (!i.is_multiple_of(41)).then_some(if (i + version).is_multiple_of(3) {
            OverallStatus::Recruiting
        } else {
            OverallStatus::Completed
        }),
        phases: if i.is_multiple_of(4) {
            vec![Phase::Phase2, Phase::Phase3]
        } else {
            vec![]
        },
        conditions: vec![
            format!("Condition {}", (i * 7 + version) % 31),
            format!("Condition {}", (i * 11) % 37),
        ],
        locations: vec![Location {
            country: Some(COUNTRIES[(i % 5) as usize].into()),
            ..Location::default()
        }],
        ..Trial::default()
    }
}

pub(super) fn tuning(threads: usize) -> Tuning {
    Tuning {
        segment_docs: 120,
        search_threads: threads,
    }
}

/// 1,000 trials in commits of 90, then 300 of them changed in commits
/// of 60 (their old documents deleted in place).
pub(super) fn build(dir: &std::path::Path) -> Vec<Trial> {
    build_in(&SearchIndex::open_tuned(dir, tuning(1)).unwrap())
}

fn build_in(idx: &SearchIndex) -> Vec<Trial> {
    let mut trials: Vec<Trial> = (1..=1000).map(|i| trial(i, 0)).collect();
    let mut generation = 0;
    let mut commit = |part: &[Trial]| {
        generation += 1;
        let state = IndexState {
            schema_version: eligo_search::schema::SCHEMA_VERSION,
            store_id: "segments".into(),
            generation,
        };
        index_trials(idx, part, &state).unwrap();
    };
    for part in trials.chunks(90) {
        commit(part);
    }
    let changed: Vec<Trial> = (1..=1000)
        .filter(|i| i % 10 < 3)
        .map(|i| trial(i, 1))
        .collect();
    for part in changed.chunks(60) {
        commit(part);
    }
    for t in changed {
        let i = trials.iter().position(|x| x.id == t.id).unwrap();
        trials[i] = t;
    }
    trials
}

fn requests() -> Vec<SearchRequest> {
    let mut out = Vec::new();
    for q in [
        "pain",
        "heart failure",
        "non-small",
        "lung cancer",
        "",
        "randomized",
    ] {
        for (offset, limit) in [(0, 10), (0, 100), (37, 20)] {
            out.push(SearchRequest {
                offset,
                limit,
                facet_limit: 5,
                ..SearchRequest::new(q)
            });
        }
    }
    out.push(SearchRequest {
        filters: Filters {
            statuses: vec![OverallStatus::Recruiting],
            ..Filters::default()
        },
        ..SearchRequest::new("pain")
    });
    out
}

#[test]
fn segments_stay_under_the_bound_and_search_alike_on_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let trials = build(dir.path());
    let one = SearchIndex::open_tuned(dir.path(), tuning(1)).unwrap();
    let two = SearchIndex::open_tuned(dir.path(), tuning(2)).unwrap();
    let sizes = one.segment_sizes();
    assert!(sizes.len() >= 4, "{sizes:?}");
    assert!(sizes.iter().all(|&n| n <= 120), "{sizes:?}");
    assert_eq!(sizes.iter().map(|&n| u64::from(n)).sum::<u64>(), 1000);

    for req in requests() {
        let a = one.search(&req).unwrap();
        let b = two.search(&req).unwrap();
        assert_eq!(a, b, "{req:?}");
    }

    // API v2 pages: by relevance, by a piece, in the default order.
    let text = Expr::Text {
        pieces: vec![(TextPiece::BriefTitle, 1.0)],
        text: "pain".into(),
        phrase: false,
    };
    for (query, sort) in [
        (
            text.clone(),
            vec![SortKey {
                by: SortBy::Relevance,
                direction: Direction::Desc,
            }],
        ),
        (
            Expr::All,
            vec![SortKey {
                by: SortBy::Piece(NumPiece::EnrollmentCount),
                direction: Direction::Asc,
            }],
        ),
        (text, vec![]),
    ] {
        let mut req = PageRequest {
            query,
            filter: Expr::All,
            near: None,
            sort,
            after: None,
            limit: 30,
        };
        for _ in 0..5 {
            let a = one.page(&req).unwrap();
            let b = two.page(&req).unwrap();
            assert_eq!(a, b);
            match a.next {
                Some(c) => req.after = Some(c),
                None => break,
            }
        }
    }

    // The facets of a word, on two threads, against the trials themselves.
    let r = two
        .search(&SearchRequest {
            facet_limit: 100,
            ..SearchRequest::new("pain")
        })
        .unwrap();
    let chosen: Vec<&Trial> = trials
        .iter()
        .filter(|t| t.brief_title.contains("pain"))
        .collect();
    assert_eq!(r.total, chosen.len());
    let mut want = super::expected_facets(&chosen);
    for dim in ["status", "phase", "condition", "country"] {
        let expected = want.remove(dim).unwrap_or_default();
        let got: Vec<(String, u64)> = r.facets[dim]
            .iter()
            .map(|f| (f.value.clone(), f.count))
            .collect();
        assert_eq!(got, expected, "{dim}");
    }
}

/// The index on disk is written, merged and cleaned of deleted documents
/// through the writer's own directory (read with `pread`, not mapped):
/// it holds what the same commits give in memory, where tantivy's own
/// directory serves every read.
#[test]
fn an_index_merged_on_disk_holds_what_one_in_memory_does() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path());
    let disk = SearchIndex::open_tuned(dir.path(), tuning(1)).unwrap();
    let ram = SearchIndex::in_memory_tuned(tuning(1)).unwrap();
    build_in(&ram);
    assert_eq!(
        disk.segment_sizes().iter().sum::<u32>(),
        ram.segment_sizes().iter().sum::<u32>()
    );
    for req in requests() {
        // Every hit, so that the two are compared as sets even where
        // segments cut differently would order equal scores differently.
        let all = SearchRequest {
            offset: 0,
            limit: 2000,
            ..req.clone()
        };
        let (a, b) = (disk.search(&all).unwrap(), ram.search(&all).unwrap());
        assert_eq!(a.total, b.total, "{req:?}");
        assert_eq!(a.facets, b.facets, "{req:?}");
        let ids = |r: &eligo_search::SearchResults| {
            let mut v: Vec<(String, String)> = r
                .hits
                .iter()
                .map(|h| (h.id.clone(), h.title.clone()))
                .collect();
            v.sort();
            v
        };
        assert_eq!(ids(&a), ids(&b), "{req:?}");
    }
    // A page in an order that does not depend on the segments.
    let req = PageRequest {
        query: Expr::All,
        filter: Expr::All,
        near: None,
        sort: vec![SortKey {
            by: SortBy::Piece(NumPiece::EnrollmentCount),
            direction: Direction::Asc,
        }],
        after: None,
        limit: 1000,
    };
    assert_eq!(disk.page(&req).unwrap(), ram.page(&req).unwrap());
}
