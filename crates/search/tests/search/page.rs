//! Paging with a cursor and structured queries over the API v2 pieces. The
//! expected answers are computed from the trials themselves (a full sort
//! of the test registry, a distance by hand), never taken from the index.

use eligo_model::Trial;
use eligo_model::trial::{
    Dates, Eligibility, Enrollment, GeoPoint, Location, Milestone, OverallStatus, PartialDate,
    Phase, Sex, StudyType,
};
use eligo_search::page::{Direction, Near, PageRequest, SortBy, SortKey};
use eligo_search::pieces::{KeyPiece, NumPiece, TextPiece, date_days};
use eligo_search::query::Expr;
use eligo_search::{IndexState, SearchIndex, index_trials};
use proptest::prelude::*;
use std::collections::HashSet;
use std::ops::Bound;

const STATUSES: [OverallStatus; 4] = [
    OverallStatus::Recruiting,
    OverallStatus::Completed,
    OverallStatus::NotYetRecruiting,
    OverallStatus::Terminated,
];

/// `n` trials with ids NCT00000001.., varied statuses, phases, dates
/// (some missing), enrollments and words; every seventh is in Nanjing
/// with no geoPoint (placed from its city), every fifth in Paris with one.
fn registry(n: u32) -> Vec<Trial> {
    (1..=n)
        .map(|i| {
            let id = format!("NCT{i:08}");
            let month = (i * 7) % 12 + 1;
            let posted = (i % 9 != 0).then(|| Milestone {
                date: PartialDate {
                    year: 2015 + (i % 10) as i16,
                    month: Some(month as u8),
                    day: (i % 2 == 0).then_some(((i * 3) % 28 + 1) as u8),
                },
                kind: None,
            });
            let mut locations = Vec::new();
            if i % 7 == 0 {
                locations.push(Location {
                    city: Some("Nanjing".into()),
                    state: Some("Jiangsu".into()),
                    country: Some("China".into()),
                    ..Location::default()
                });
            }
            if i % 5 == 0 {
                locations.push(Location {
                    city: Some("Paris".into()),
                    country: Some("France".into()),
                    geo: Some(GeoPoint {
                        lat: 48.8566,
                        lon: 2.3522,
                    }),
                    ..Location::default()
                });
            }
            let disease = if i % 3 == 0 {
                "Lupus Nephritis"
            } else {
                "Asthma"
            };
            Trial {
                id: id.clone(),
                nct_id: Some(id),
                brief_title: format!("Study {i} of {disease}"),
                status: Some(STATUSES[(i % 4) as usize]),
                phases: if i % 2 == 0 {
                    vec![Phase::Phase2]
                } else {
                    vec![Phase::Phase1, Phase::Phase2]
                },
                study_type: Some(if i % 6 == 0 {
                    StudyType::Observational
                } else {
                    StudyType::Interventional
                }),
                enrollment: (i % 4 != 1).then(|| Enrollment {
                    count: (i * 37) % 200,
                    kind: None,
                }),
                dates: Dates {
                    last_update_posted: posted,
                    ..Dates::default()
                },
                conditions: vec![disease.into()],
                eligibility: Eligibility {
                    sex: Some(if i % 8 == 0 { Sex::Female } else { Sex::All }),
                    ..Eligibility::default()
                },
                locations,
                ..Trial::default()
            }
        })
        .collect()
}

fn index(trials: &[Trial]) -> SearchIndex {
    let idx = SearchIndex::in_memory().unwrap();
    let state = IndexState {
        schema_version: 0,
        store_id: "test".into(),
        generation: 1,
    };
    index_trials(&idx, trials, &state).unwrap();
    idx
}

fn request(query: Expr, sort: Vec<SortKey>, limit: usize) -> PageRequest {
    PageRequest {
        query,
        filter: Expr::All,
        near: None,
        sort,
        after: None,
        limit,
    }
}

/// Every page of `req`, following the cursors: (ids in order, totals seen).
fn all_pages(idx: &SearchIndex, mut req: PageRequest) -> (Vec<String>, Vec<u64>) {
    let mut ids = Vec::new();
    let mut totals = Vec::new();
    for _ in 0..10_000 {
        let page = idx.page(&req).unwrap();
        assert!(page.ids.len() <= req.limit);
        ids.extend(page.ids);
        totals.push(page.total);
        match page.next {
            Some(c) => req.after = Some(c),
            None => return (ids, totals),
        }
    }
    panic!("paging did not end");
}

fn last_update(t: &Trial) -> Option<i64> {
    t.dates
        .last_update_posted
        .as_ref()
        .map(|m| date_days(m.date))
}

#[test]
fn default_order_pages_through_everything_once_in_id_order() {
    let trials = registry(257);
    let idx = index(&trials);
    for limit in [1, 10, 100, 256, 257, 1000] {
        let (ids, totals) = all_pages(&idx, request(Expr::All, vec![], limit));
        let expected: Vec<String> = trials.iter().map(|t| t.id.clone()).collect();
        assert_eq!(ids, expected, "page size {limit}");
        assert_eq!(totals[0], 257);
    }
}

#[test]
fn a_date_sort_pages_in_the_order_a_full_sort_gives_with_missing_dates_last() {
    let trials = registry(120);
    let idx = index(&trials);
    for direction in [Direction::Desc, Direction::Asc] {
        let sort = vec![SortKey {
            by: SortBy::Piece(NumPiece::LastUpdatePostDate),
            direction,
        }];
        let (ids, _) = all_pages(&idx, request(Expr::All, sort, 7));
        let mut expected: Vec<&Trial> = trials.iter().collect();
        expected.sort_by(|a, b| {
            let (x, y) = (last_update(a), last_update(b));
            let by_date = match (x, y) {
                (Some(x), Some(y)) if direction == Direction::Asc => x.cmp(&y),
                (Some(x), Some(y)) => y.cmp(&x),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            };
            by_date.then_with(|| a.id.cmp(&b.id))
        });
        let expected: Vec<String> = expected.iter().map(|t| t.id.clone()).collect();
        assert_eq!(ids, expected, "{direction:?}");
    }
}

#[test]
fn two_sort_keys_and_a_filter_keep_every_match_once() {
    let trials = registry(150);
    let idx = index(&trials);
    let sort = vec![
        SortKey {
            by: SortBy::Piece(NumPiece::EnrollmentCount),
            direction: Direction::Desc,
        },
        SortKey {
            by: SortBy::Piece(NumPiece::LastUpdatePostDate),
            direction: Direction::Asc,
        },
    ];
    let mut req = request(Expr::All, sort, 9);
    req.filter = Expr::Key {
        piece: KeyPiece::OverallStatus,
        value: "recruiting".into(),
    };
    let (ids, totals) = all_pages(&idx, req);
    let expected: HashSet<String> = trials
        .iter()
        .filter(|t| t.status == Some(OverallStatus::Recruiting))
        .map(|t| t.id.clone())
        .collect();
    assert_eq!(ids.len(), expected.len());
    assert_eq!(ids.iter().cloned().collect::<HashSet<_>>(), expected);
    assert_eq!(totals[0], expected.len() as u64);
    let counts: Vec<Option<u32>> = ids
        .iter()
        .map(|id| {
            let t = trials.iter().find(|t| &t.id == id).unwrap();
            t.enrollment.as_ref().map(|e| e.count)
        })
        .collect();
    let firsts: Vec<u32> = counts.iter().map_while(|c| *c).collect();
    assert!(firsts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    assert!(counts[firsts.len()..].iter().all(Option::is_none));
}

#[test]
fn relevance_pages_join_up_to_the_single_page_answer() {
    let trials = registry(200);
    let idx = index(&trials);
    let query = Expr::Text {
        pieces: vec![(TextPiece::Condition, 1.0), (TextPiece::BriefTitle, 0.5)],
        text: "lupus".into(),
        phrase: false,
    };
    let one = idx.page(&request(query.clone(), vec![], 1000)).unwrap();
    let (paged, _) = all_pages(&idx, request(query, vec![], 6));
    assert_eq!(paged, one.ids);
    assert_eq!(one.ids.len() as u64, one.total);
    assert_eq!(one.total, 200 / 3);
}

#[test]
fn pieces_answer_keys_ranges_phrases_and_boolean_combinations() {
    let trials = registry(60);
    let idx = index(&trials);
    let count = |e: Expr| idx.count(&e).unwrap();
    let by = |f: &dyn Fn(&Trial) -> bool| trials.iter().filter(|t| f(t)).count() as u64;
    assert_eq!(
        count(Expr::Key {
            piece: KeyPiece::Phase,
            value: "PHASE1".into()
        }),
        by(&|t| t.phases.contains(&Phase::Phase1))
    );
    assert_eq!(
        count(Expr::Key {
            piece: KeyPiece::Sex,
            value: "female".into()
        }),
        by(&|t| t.eligibility.sex == Some(Sex::Female))
    );
    let y2020 = eligo_search::pieces::days_from_civil(2020, 1, 1);
    let y2021 = eligo_search::pieces::days_from_civil(2021, 1, 1);
    assert_eq!(
        count(Expr::Range {
            piece: NumPiece::LastUpdatePostDate,
            lo: Bound::Included(y2020),
            hi: Bound::Excluded(y2021),
        }),
        by(&|t| last_update(t).is_some_and(|d| (y2020..y2021).contains(&d)))
    );
    assert_eq!(
        count(Expr::Missing(NumPiece::LastUpdatePostDate)),
        by(&|t| last_update(t).is_none())
    );
    assert_eq!(
        count(Expr::Text {
            pieces: vec![(TextPiece::Condition, 1.0)],
            text: "lupus nephritis".into(),
            phrase: true,
        }),
        by(&|t| t.conditions[0] == "Lupus Nephritis")
    );
    // Word order matters for a phrase, not for words.
    let reversed = |phrase| Expr::Text {
        pieces: vec![(TextPiece::Condition, 1.0)],
        text: "nephritis lupus".into(),
        phrase,
    };
    assert_eq!(count(reversed(true)), 0);
    assert_eq!(count(reversed(false)), 20);
    let not_interventional = Expr::Not(Box::new(Expr::Key {
        piece: KeyPiece::StudyType,
        value: "INTERVENTIONAL".into(),
    }));
    assert_eq!(
        count(not_interventional),
        by(&|t| t.study_type != Some(StudyType::Interventional))
    );
    let either = Expr::Or(vec![
        Expr::Ids(vec!["NCT00000002".into(), "NCT00000003".into()]),
        Expr::Key {
            piece: KeyPiece::OverallStatus,
            value: "TERMINATED".into(),
        },
    ]);
    assert_eq!(
        count(either),
        by(&|t| {
            ["NCT00000002", "NCT00000003"].contains(&t.id.as_str())
                || t.status == Some(OverallStatus::Terminated)
        })
    );
}

#[test]
fn a_circle_keeps_trials_with_a_site_inside_it_placed_or_registered() {
    let trials = registry(70);
    let idx = index(&trials);
    let near = |lat: f64, lon: f64, radius: &str| Near {
        center: eligo_geo::Point::new(lat, lon).unwrap(),
        radius: radius.parse().unwrap(),
    };
    let ids_near = |n: Near| {
        let mut req = request(Expr::All, vec![], 1000);
        req.near = Some(n);
        let page = idx.page(&req).unwrap();
        assert_eq!(page.total, page.ids.len() as u64);
        page.ids
    };
    // Nanjing sites have no geoPoint: the gazetteer places them. Nanjing is
    // at about 32.06 N, 118.78 E; Shanghai (31.23 N, 121.47 E) is ~270 km
    // away.
    let nanjing: Vec<String> = trials
        .iter()
        .filter(|t| t.id[3..].parse::<u32>().unwrap() % 7 == 0)
        .map(|t| t.id.clone())
        .collect();
    assert_eq!(ids_near(near(32.0603, 118.7969, "50mi")), nanjing);
    assert!(ids_near(near(31.2304, 121.4737, "100km")).is_empty());
    assert_eq!(ids_near(near(31.2304, 121.4737, "300km")), nanjing);
    let paris: Vec<String> = trials
        .iter()
        .filter(|t| t.id[3..].parse::<u32>().unwrap() % 5 == 0)
        .map(|t| t.id.clone())
        .collect();
    assert_eq!(ids_near(near(48.86, 2.35, "5km")), paris);
    // Paged, with a filter, the circle still holds.
    let mut req = request(Expr::All, vec![], 2);
    req.near = Some(near(48.86, 2.35, "5km"));
    let (ids, totals) = all_pages(&idx, req);
    assert_eq!(ids, paris);
    assert_eq!(totals[0], paris.len() as u64);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Whatever the page size and sort, the pages partition the matches.
    #[test]
    fn pages_partition_the_matches(
        limit in 1usize..40,
        desc in any::<bool>(),
        by_date in any::<bool>(),
        status in 0usize..4,
    ) {
        let trials = registry(90);
        let idx = index(&trials);
        let direction = if desc { Direction::Desc } else { Direction::Asc };
        let sort = if by_date {
            vec![SortKey { by: SortBy::Piece(NumPiece::LastUpdatePostDate), direction }]
        } else {
            vec![SortKey { by: SortBy::Piece(NumPiece::EnrollmentCount), direction }]
        };
        let mut req = request(Expr::All, sort, limit);
        req.filter = Expr::Key {
            piece: KeyPiece::OverallStatus,
            value: STATUSES[status].code().into(),
        };
        let (ids, _) = all_pages(&idx, req);
        let unique: HashSet<&String> = ids.iter().collect();
        prop_assert_eq!(unique.len(), ids.len());
        let expected = trials.iter().filter(|t| t.status == Some(STATUSES[status])).count();
        prop_assert_eq!(ids.len(), expected);
    }
}
