//! `/api/v2` over HTTP against the sample registry. Expectations come from
//! the records as imported (the embedded sample, read here on its own) and
//! from the API's documented behaviour, never from eligo's answers.

use crate::common::{App, Resp};
use axum::http::StatusCode;
use serde_json::Value;
use std::collections::{BTreeSet, HashSet};

/// The sample's records as imported: (id, raw JSON).
/// The sample as API v2 should serve it: each raw record less what its
/// `eligo.derived` notes say eligo derived (a derived value never passes for
/// a registered one; the seeds' conditions and ages are read off titles and
/// criteria text).
fn sample() -> Vec<(String, Value)> {
    eligo_ctgov::sample_registry()
        .into_iter()
        .map(|r| {
            let mut raw = r.raw;
            let mut derived: Vec<String> = raw
                .pointer("/eligo/derived")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|n| n["field"].as_str().map(str::to_string))
                .collect();
            // Later interventions first, so earlier indexes hold.
            derived.sort_by(|a, b| b.cmp(a));
            for field in derived {
                let (module, key, index) = match field.as_str() {
                    "conditions" => ("conditionsModule", "conditions", None),
                    "eligibility.min_age" => ("eligibilityModule", "minimumAge", None),
                    "eligibility.max_age" => ("eligibilityModule", "maximumAge", None),
                    f if f.starts_with("interventions[") && f.ends_with(']') => (
                        "armsInterventionsModule",
                        "interventions",
                        Some(
                            f["interventions[".len()..f.len() - 1]
                                .parse::<usize>()
                                .unwrap(),
                        ),
                    ),
                    f if f.contains("].") => continue, // a part the v2 record lacks
                    other => panic!("the test knows no v2 path for derived field {other:?}"),
                };
                let Some(m) = raw
                    .pointer_mut(&format!("/protocolSection/{module}"))
                    .and_then(Value::as_object_mut)
                else {
                    continue;
                };
                match index {
                    None => {
                        m.remove(key);
                    }
                    Some(i) => {
                        let items = m[key].as_array_mut().unwrap();
                        items.remove(i);
                        if items.is_empty() {
                            m.remove(key);
                        }
                    }
                }
                if m.is_empty() {
                    raw["protocolSection"]
                        .as_object_mut()
                        .unwrap()
                        .remove(module);
                }
            }
            (r.trial.id, raw)
        })
        .collect()
}

fn at<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    v.pointer(&format!("/{}", path.replace('.', "/")))
}

fn str_at(v: &Value, path: &str) -> Option<String> {
    at(v, path).and_then(Value::as_str).map(str::to_string)
}

fn study_ids(j: &Value) -> Vec<String> {
    j["studies"]
        .as_array()
        .unwrap_or_else(|| panic!("no studies in {j}"))
        .iter()
        .map(|s| str_at(s, "protocolSection.identificationModule.nctId").unwrap_or_default())
        .collect()
}

/// Every page of `query` (without pageToken), following nextPageToken:
/// (ids in order, the first page's totalCount).
async fn all_pages(app: &App, query: &str) -> (Vec<String>, Option<u64>) {
    let mut ids = Vec::new();
    let mut url = format!("/api/v2/studies?{query}");
    let mut first_total = None;
    for page in 0..1000 {
        let r = app.get(&url).await;
        assert_eq!(r.status, StatusCode::OK, "{url}: {}", r.body);
        let j = r.json();
        if page == 0 {
            first_total = j["totalCount"].as_u64();
        } else {
            assert!(j.get("totalCount").is_none(), "totalCount after page 1");
        }
        ids.extend(study_ids(&j));
        match j["nextPageToken"].as_str() {
            Some(t) => url = format!("/api/v2/studies?{query}&pageToken={t}"),
            None => return (ids, first_total),
        }
    }
    panic!("more than 1000 pages");
}

#[tokio::test]
async fn paging_over_the_whole_registry_gives_every_study_once_and_the_total() {
    let app = App::new().await;
    let expected: BTreeSet<String> = app
        .state
        .store()
        .list_ids()
        .await
        .unwrap()
        .into_iter()
        .filter(|id| id.starts_with("NCT"))
        .collect();
    let local = app.state.store().count().await.unwrap() as usize - expected.len();
    for query in [
        "countTotal=true&pageSize=1",
        "countTotal=true&pageSize=3",
        "countTotal=true",
        "countTotal=true&pageSize=1000",
        "countTotal=true&pageSize=4&sort=LastUpdatePostDate",
        "countTotal=true&pageSize=5&sort=EnrollmentCount:desc,StartDate:asc",
    ] {
        let (ids, total) = all_pages(&app, query).await;
        assert_eq!(total, Some((expected.len() + local) as u64), "{query}");
        assert_eq!(ids.len(), expected.len() + local, "{query}: {ids:?}");
        let nct: Vec<&String> = ids.iter().filter(|i| !i.is_empty()).collect();
        let unique: BTreeSet<String> = nct.iter().map(|s| s.to_string()).collect();
        assert_eq!(unique.len(), nct.len(), "{query}: a study came twice");
        assert_eq!(unique, expected, "{query}");
    }
    // Without a sort and without text, NCT number order.
    let (ids, _) = all_pages(&app, "pageSize=7").await;
    let nct: Vec<&String> = ids.iter().filter(|i| !i.is_empty()).collect();
    assert!(nct.windows(2).all(|w| w[0] < w[1]), "{nct:?}");
    // A page token with another query is refused.
    let r = app.get("/api/v2/studies?pageSize=2").await;
    let t = r.json()["nextPageToken"].as_str().unwrap().to_string();
    let r = app
        .get(&format!(
            "/api/v2/studies?pageSize=2&query.cond=lupus&pageToken={t}"
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("pageToken"), "{}", r.body);
}

#[tokio::test]
async fn sorting_follows_the_records_with_missing_values_last() {
    let app = App::new().await;
    let count = |v: &Value| {
        at(v, "protocolSection.designModule.enrollmentInfo.count").and_then(Value::as_u64)
    };
    let mut expected: Vec<(Option<u64>, String)> = sample()
        .iter()
        .filter(|(id, _)| id.starts_with("NCT"))
        .map(|(id, v)| (count(v), id.clone()))
        .collect();
    // Ascending, studies without an enrollment count last, ties by NCT number.
    expected.sort_by(|a, b| match (a.0, b.0) {
        (Some(x), Some(y)) => x.cmp(&y).then(a.1.cmp(&b.1)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.1.cmp(&b.1),
    });
    let (ids, _) = all_pages(&app, "sort=EnrollmentCount&pageSize=6").await;
    let ids: Vec<String> = ids.into_iter().filter(|i| !i.is_empty()).collect();
    let expected: Vec<String> = expected.into_iter().map(|(_, id)| id).collect();
    assert_eq!(ids, expected);
}

#[tokio::test]
async fn filter_geo_keeps_the_nanjing_seed_trial_near_nanjing_and_not_near_paris() {
    let app = App::new().await;
    let near = |circle: &str| {
        let app = &app;
        let circle = circle.to_string();
        async move {
            let (ids, total) = all_pages(
                app,
                &format!("filter.geo={circle}&countTotal=true&pageSize=1000"),
            )
            .await;
            assert_eq!(total, Some(ids.len() as u64));
            ids
        }
    };
    // Nanjing (GeoNames: 32.0617 N, 118.7778 E); the seed's site has no
    // geoPoint and is placed from its city.
    let nanjing = near("distance(32.0617,118.7778,50mi)").await;
    assert!(nanjing.contains(&"NCT06946485".to_string()), "{nanjing:?}");
    let paris = near("distance(48.8566,2.3522,50mi)").await;
    assert!(!paris.contains(&"NCT06946485".to_string()), "{paris:?}");
    // 50 miles is 80.5 km: Shanghai, 270 km from Nanjing, is too far.
    let shanghai = near("distance(31.2304,121.4737,50mi)").await;
    assert!(!shanghai.contains(&"NCT06946485".to_string()));
    // Every study found near a registered point has a site within reach:
    // checked against the records' own geoPoints.
    for (id, raw) in sample() {
        let sites = at(&raw, "protocolSection.contactsLocationsModule.locations")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let in_paris = sites.iter().any(|s| {
            let (Some(lat), Some(lon)) = (
                s.pointer("/geoPoint/lat").and_then(Value::as_f64),
                s.pointer("/geoPoint/lon").and_then(Value::as_f64),
            ) else {
                return false;
            };
            // Haversine, mean Earth radius.
            let (p1, p2) = (48.8566f64.to_radians(), lat.to_radians());
            let dp = p2 - p1;
            let dl = (lon - 2.3522).to_radians();
            let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
            2.0 * 6371.0088 * a.sqrt().asin() <= 50.0 * 1.609344
        });
        if in_paris {
            assert!(paris.contains(&id), "{id} has a registered site near Paris");
        }
    }
    let r = app
        .get("/api/v2/studies?filter.geo=distance(91,0,5mi)")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("filter.geo"), "{}", r.body);
}

/// The NCT ids of the sample records for which `f` holds.
fn where_(f: impl Fn(&Value) -> bool) -> BTreeSet<String> {
    sample()
        .into_iter()
        .filter(|(id, v)| id.starts_with("NCT") && f(v))
        .map(|(id, _)| id)
        .collect()
}

async fn found(app: &App, query: &str) -> BTreeSet<String> {
    let (ids, total) = all_pages(app, &format!("{query}&pageSize=1000&countTotal=true")).await;
    assert_eq!(total, Some(ids.len() as u64), "{query}");
    ids.into_iter().filter(|i| !i.is_empty()).collect()
}

fn strings(v: &Value, path: &str) -> Vec<String> {
    at(v, path)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn filter_advanced_reads_areas_ranges_and_boolean_logic() {
    let app = App::new().await;
    let phases = |v: &Value| strings(v, "protocolSection.designModule.phases");
    let start = |v: &Value| str_at(v, "protocolSection.statusModule.startDateStruct.date");
    let status = |v: &Value| str_at(v, "protocolSection.statusModule.overallStatus");

    let expected = where_(|v| phases(v).contains(&"PHASE2".to_string()));
    assert!(!expected.is_empty());
    assert_eq!(
        found(&app, "filter.advanced=AREA[Phase]PHASE2").await,
        expected
    );

    // Dates compare as dates; a month or year means all its days.
    let expected = where_(|v| start(v).is_some_and(|d| d.as_str() >= "2020"));
    assert!(!expected.is_empty());
    assert_eq!(
        found(&app, "filter.advanced=AREA[StartDate]RANGE[2020-01-01,MAX]").await,
        expected
    );
    let expected = where_(|v| start(v).is_some_and(|d| d.starts_with("2019")));
    assert_eq!(
        found(&app, "filter.advanced=AREA[StartDate]2019").await,
        expected
    );

    let expected = where_(|v| {
        status(v).as_deref() == Some("COMPLETED") && !phases(v).contains(&"PHASE3".to_string())
    });
    assert_eq!(
        found(
            &app,
            "filter.advanced=AREA[OverallStatus]COMPLETED%20AND%20NOT%20AREA[Phase]PHASE3"
        )
        .await,
        expected
    );
    let expected = where_(|v| {
        matches!(
            status(v).as_deref(),
            Some("RECRUITING" | "NOT_YET_RECRUITING")
        ) || at(v, "protocolSection.designModule.studyType").and_then(Value::as_str)
            == Some("OBSERVATIONAL")
    });
    assert_eq!(
        found(
            &app,
            "filter.advanced=(AREA[OverallStatus]RECRUITING%20OR%20AREA[OverallStatus]NOT_YET_RECRUITING)%20OR%20AREA[StudyType]OBSERVATIONAL"
        )
        .await,
        expected
    );
    // A quoted phrase in a piece.
    let expected = where_(|v| {
        strings(v, "protocolSection.conditionsModule.conditions")
            .iter()
            .any(|c| c.to_lowercase().contains("small cell lung cancer"))
    });
    assert!(!expected.is_empty());
    assert_eq!(
        found(
            &app,
            "filter.advanced=AREA[Condition]%22small%20cell%20lung%20cancer%22"
        )
        .await,
        expected
    );
    // filter.overallStatus and aggFilters say the same as AREA[...].
    let expected = where_(|v| matches!(status(v).as_deref(), Some("RECRUITING" | "COMPLETED")));
    assert_eq!(
        found(&app, "filter.overallStatus=RECRUITING|COMPLETED").await,
        expected
    );
    assert_eq!(found(&app, "aggFilters=status:rec%20com").await, expected);
    let expected = where_(|v| at(v, "hasResults").and_then(Value::as_bool) == Some(true));
    assert!(!expected.is_empty());
    assert_eq!(found(&app, "aggFilters=results:with").await, expected);

    // What is not supported says so, naming the parameter.
    for (q, says) in [
        ("filter.advanced=EXPANSION[Concept]lupus", "not supported"),
        ("filter.advanced=AREA[Bogus]x", "Unknown area name"),
        ("filter.advanced=AREA[Phase]PHASE9", "Allowed values"),
        ("filter.advanced=(lupus", "not closed"),
    ] {
        let r = app.get(&format!("/api/v2/studies?{q}")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}");
        assert!(
            r.body.starts_with("Error parsing query in filter.advanced"),
            "{q}: {}",
            r.body
        );
        assert!(r.body.contains(says), "{q}: {}", r.body);
    }
}

#[tokio::test]
async fn queries_search_their_areas() {
    let app = App::new().await;
    let lupus = found(&app, "query.cond=lupus").await;
    for id in ["NCT06946485", "NCT07331467", "NCT07031713"] {
        assert!(lupus.contains(id), "{id} in {lupus:?}");
    }
    // Every hit names lupus in its conditions, titles or keywords, or SLE,
    // the vocabulary's synonym (the seeds' titles say "Refractory SLE").
    let sample = sample();
    for id in &lupus {
        let (_, v) = sample.iter().find(|(i, _)| i == id).unwrap();
        let text = format!(
            "{} {} {} {}",
            strings(v, "protocolSection.conditionsModule.conditions").join(" "),
            strings(v, "protocolSection.conditionsModule.keywords").join(" "),
            str_at(v, "protocolSection.identificationModule.briefTitle").unwrap_or_default(),
            str_at(v, "protocolSection.identificationModule.officialTitle").unwrap_or_default(),
        )
        .to_lowercase();
        let sle = text
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w == "sle");
        assert!(text.contains("lupus") || sle, "{id}: {text}");
    }
    // query.locn searches the sites.
    let nanjing = found(&app, "query.locn=Nanjing").await;
    assert!(nanjing.contains("NCT06946485"));
    assert_eq!(
        nanjing,
        where_(|v| {
            at(v, "protocolSection.contactsLocationsModule.locations")
                .and_then(Value::as_array)
                .is_some_and(|l| {
                    l.iter().any(|s| {
                        ["facility", "city", "state", "zip", "country"]
                            .iter()
                            .any(|k| {
                                s[k].as_str().is_some_and(|x| {
                                    x.to_lowercase().split_whitespace().any(|w| w == "nanjing")
                                })
                            })
                    })
                })
        })
    );
    // A query of NCT ids alone ignores the filters.
    let r = app
        .get("/api/v2/studies?query.term=NCT06946485&filter.overallStatus=COMPLETED")
        .await;
    assert_eq!(study_ids(&r.json()), vec!["NCT06946485"]);
    // Relevance: the title match comes first.
    let r = app
        .get("/api/v2/studies?query.term=CAR-T&sort=@relevance")
        .await;
    let ids = study_ids(&r.json());
    assert!(!ids.is_empty());
    let j = r.json();
    let first = &j["studies"][0];
    let title = str_at(first, "protocolSection.identificationModule.briefTitle").unwrap();
    assert!(
        title.contains("CAR-T") || title.contains("CAR T"),
        "{title}"
    );
}

#[tokio::test]
async fn fields_give_only_what_is_asked_in_the_record_shape() {
    let app = App::new().await;
    let r = app
        .get("/api/v2/studies?fields=NCTId|BriefTitle|protocolSection.eligibilityModule&pageSize=1000")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let sample = sample();
    let j = r.json();
    let mut local = 0;
    for s in j["studies"].as_array().unwrap() {
        let id = str_at(s, "protocolSection.identificationModule.nctId");
        let raw = match &id {
            Some(id) => &sample.iter().find(|(i, _)| i == id).unwrap().1,
            None => {
                // A record without an NCT number (written from a registry
                // page) says which study it is by its eligo id, which the
                // study endpoint answers to.
                local += 1;
                let eligo = s["eligo"].as_object().expect("eligo.id");
                assert_eq!(eligo.keys().collect::<Vec<_>>(), ["id"], "{s}");
                let local_id = eligo["id"].as_str().unwrap();
                assert!(local_id.starts_with("ELIGO-"), "{local_id}");
                let one = app
                    .get(&format!("/api/v2/studies/{local_id}?fields=BriefTitle"))
                    .await;
                assert_eq!(one.status, StatusCode::OK, "{}", one.body);
                assert_eq!(one.json()["eligo"]["id"], eligo["id"]);
                continue;
            }
        };
        let top: Vec<&String> = s.as_object().unwrap().keys().collect();
        assert_eq!(top, vec!["protocolSection"], "{id:?}");
        let ps = s["protocolSection"].as_object().unwrap();
        let modules: BTreeSet<&str> = ps.keys().map(String::as_str).collect();
        let mut expected: BTreeSet<&str> = ["identificationModule"].into();
        if raw.pointer("/protocolSection/eligibilityModule").is_some() {
            expected.insert("eligibilityModule");
        }
        assert_eq!(modules, expected, "{id:?}");
        let ident: BTreeSet<&str> = ps["identificationModule"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert!(
            ident.iter().all(|k| ["nctId", "briefTitle"].contains(k)),
            "{ident:?}"
        );
        assert_eq!(
            s.pointer("/protocolSection/eligibilityModule"),
            raw.pointer("/protocolSection/eligibilityModule"),
            "{id:?}"
        );
        assert_eq!(
            s.pointer("/protocolSection/identificationModule/briefTitle"),
            raw.pointer("/protocolSection/identificationModule/briefTitle")
        );
    }
    assert!(
        local > 0,
        "the seed registry holds a record without an NCT number"
    );
    // List items keep only the piece asked for.
    let r = app
        .get("/api/v2/studies/NCT06946485?fields=LocationCity,HasResults")
        .await;
    assert_eq!(
        r.json(),
        serde_json::json!({"protocolSection": {"contactsLocationsModule": {"locations": [{"city": "Nanjing"}]}}})
    );
    let r = app.get("/api/v2/studies?fields=StudyDesign").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        r.body,
        "Parameter 'fields' contains invalid field name: 'StudyDesign'"
    );
}

/// Cells of an RFC 4180 CSV text.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if cell.is_empty() => quoted = true,
            (',', false) => row.push(std::mem::take(&mut cell)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => cell.push(c),
        }
    }
    rows
}

/// The header of ClinicalTrials.gov's CSV download.
const SITE_HEADER: &str = "NCT Number,Study Title,Study URL,Acronym,Study Status,Brief Summary,Study Results,Conditions,Interventions,Primary Outcome Measures,Secondary Outcome Measures,Other Outcome Measures,Sponsor,Collaborators,Sex,Age,Phases,Enrollment,Funder Type,Study Type,Study Design,Other IDs,Start Date,Primary Completion Date,Completion Date,First Posted,Results First Posted,Last Update Posted,Locations,Study Documents";

#[tokio::test]
async fn csv_has_the_site_columns_a_header_on_the_first_page_and_the_record_values() {
    let app = App::new().await;
    let r = app
        .get("/api/v2/studies?format=csv&pageSize=5&countTotal=true")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let rows = parse_csv(&r.body);
    assert_eq!(rows[0].join(","), SITE_HEADER);
    assert_eq!(rows.len(), 6);
    let total = app.state.store().count().await.unwrap();
    assert_eq!(
        r.headers["x-total-count"].to_str().unwrap(),
        total.to_string()
    );
    let token = r.headers["x-next-page-token"].to_str().unwrap().to_string();
    let r2 = app
        .get(&format!(
            "/api/v2/studies?format=csv&pageSize=5&pageToken={token}"
        ))
        .await;
    let rows2 = parse_csv(&r2.body);
    assert_eq!(rows2.len(), 5, "no header after the first page");
    assert!(rows2.iter().all(|r| r[0] != "NCT Number"));
    let firsts: HashSet<&String> = rows[1..].iter().map(|r| &r[0]).collect();
    assert!(rows2.iter().all(|r| !firsts.contains(&r[0])));

    // Named columns, values from the record.
    let r = app
        .get("/api/v2/studies?format=csv&fields=NCT%20Number,Conditions,Study%20URL,Phases&filter.ids=NCT06946485")
        .await;
    let rows = parse_csv(&r.body);
    assert_eq!(rows[0], ["NCT Number", "Conditions", "Study URL", "Phases"]);
    let raw = sample()
        .into_iter()
        .find(|(id, _)| id == "NCT06946485")
        .unwrap()
        .1;
    assert_eq!(
        rows[1],
        [
            "NCT06946485".to_string(),
            strings(&raw, "protocolSection.conditionsModule.conditions").join("|"),
            "https://clinicaltrials.gov/study/NCT06946485".to_string(),
            strings(&raw, "protocolSection.designModule.phases").join("|"),
        ]
    );
    let r = app.get("/api/v2/studies?format=csv&fields=Colour").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("'fields'"), "{}", r.body);
}

#[tokio::test]
async fn a_study_is_served_as_imported_and_reimports_to_the_same_trial() {
    let app = App::new().await;
    for rec in eligo_ctgov::sample_registry() {
        let r = app.get(&format!("/api/v2/studies/{}", rec.trial.id)).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", rec.trial.id, r.body);
        assert!(
            r.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        let served = r.json();
        if rec.raw.pointer("/eligo/derived").is_none() {
            assert_eq!(served, rec.raw, "{}", rec.trial.id);
            let again = eligo_ctgov::study_to_trial(&served).unwrap();
            assert_eq!(again, rec.trial, "{}", rec.trial.id);
        } else {
            // Values eligo derived are set apart: in the note, not the sections.
            for note in served["eligo"]["derived"].as_array().unwrap() {
                assert!(note.get("note").is_some());
            }
        }
    }
    let r = app
        .get("/api/v2/studies/nct6946485?markupFormat=legacy")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let criteria = str_at(
        &r.json(),
        "protocolSection.eligibilityModule.eligibilityCriteria",
    )
    .unwrap();
    assert!(
        criteria.contains("score >6") || criteria.contains(" >6"),
        "{criteria}"
    );
    assert!(!criteria.contains("\\>"));
    let r = app
        .get("/api/v2/studies/NCT06946485?format=csv&fields=NCT%20Number")
        .await;
    assert_eq!(
        parse_csv(&r.body),
        vec![vec!["NCT Number"], vec!["NCT06946485"]]
    );
}

fn plain_400(r: &Resp, names: &str) {
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain"),
        "{:?}",
        r.headers
    );
    assert!(r.body.contains(names), "{names}: {}", r.body);
}

#[tokio::test]
async fn bad_parameters_get_plain_text_400s_naming_them_and_unknown_studies_404() {
    let app = App::new().await;
    for (q, names) in [
        ("filter.phase=PHASE3", "`filter.phase` is unknown parameter"),
        ("pageSize=-5", "pageSize"),
        ("pageSize=many", "pageSize"),
        ("countTotal=maybe", "countTotal"),
        ("format=xml", "format"),
        ("format=fhir.json", "format"),
        ("markupFormat=html", "markupFormat"),
        ("sort=BriefTitle", "sort"),
        (
            "sort=A,B,C",
            "Parameter `sort` must contain no more than 2 items",
        ),
        ("filter.overallStatus=OPEN", "filter.overallStatus"),
        ("filter.ids=NCT123", "filter.ids"),
        ("aggFilters=docs:prot", "aggFilters"),
        ("query.patient=lupus", "query.patient"),
        (
            "geoDecay=func:exp,scale:300mi,offset:0mi,decay:0.5",
            "geoDecay",
        ),
        ("query.cond=%22lupus", "query.cond"),
        ("pageToken=x", "pageToken"),
        ("pageSize=1&pageSize=2", "pageSize"),
    ] {
        plain_400(&app.get(&format!("/api/v2/studies?{q}")).await, names);
    }
    plain_400(&app.get("/api/v2/studies/lupus").await, "nctId");
    plain_400(
        &app.get("/api/v2/studies/NCT06946485?colour=red").await,
        "colour",
    );
    plain_400(
        &app.get("/api/v2/version?x=1").await,
        "`x` is unknown parameter",
    );
    plain_400(&app.get("/api/v2/studies/NCT00000000").await, "nctId");
    let r = app.get("/api/v2/studies/NCT09999999").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("NCT09999999"));
    let r = app.get("/api/v2/stats/listSizes").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app.get("/api/v2/stats/field/values?fields=Bogus").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("Bogus"));
}

#[tokio::test]
async fn version_sizes_metadata_areas_and_value_statistics() {
    let app = App::new().await;
    let v = app.get("/api/v2/version").await.json();
    assert_eq!(v["apiVersion"], "2.0.5");
    // The time the last change was written, to the second.
    let store = app.state.store();
    let ids = store.list_ids().await.unwrap();
    let latest = {
        let mut t = String::new();
        for id in &ids {
            let u = store.row_info(id).await.unwrap().unwrap().updated_at;
            if u > t {
                t = u;
            }
        }
        t
    };
    assert_eq!(v["dataTimestamp"].as_str().unwrap(), &latest[..19]);

    let s = app.get("/api/v2/stats/size").await.json();
    assert_eq!(s["totalStudies"], ids.len());
    let largest = &s["largestStudies"][0];
    let served = app
        .get(&format!(
            "/api/v2/studies/{}",
            largest["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(
        largest["sizeBytes"],
        serde_json::to_string(&served.json()).unwrap().len()
    );

    let m = app.get("/api/v2/studies/metadata").await.json();
    let names: Vec<&str> = m
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"protocolSection") && names.contains(&"hasResults"));
    let ident = &m[0]["children"][0];
    assert_eq!(ident["piece"], "IdentificationModule");
    assert_eq!(ident["children"][0]["piece"], "NCTId");

    let a = app.get("/api/v2/studies/search-areas").await.json();
    let areas = a[0]["areas"].as_array().unwrap();
    let cond = areas
        .iter()
        .find(|x| x["name"] == "ConditionSearch")
        .unwrap();
    assert_eq!(cond["param"], "cond");

    let f = app
        .get("/api/v2/stats/field/values?fields=OverallStatus,HasResults")
        .await
        .json();
    let status = &f[0];
    assert_eq!(status["type"], "ENUM");
    assert_eq!(
        status["field"],
        "protocolSection.statusModule.overallStatus"
    );
    let sample = sample();
    for tv in status["topValues"].as_array().unwrap() {
        let v = tv["value"].as_str().unwrap();
        let n = sample
            .iter()
            .filter(|(_, r)| {
                str_at(r, "protocolSection.statusModule.overallStatus").as_deref() == Some(v)
            })
            .count();
        assert_eq!(tv["studiesCount"], n, "{v}");
    }
    let results = &f[1];
    assert_eq!(results["type"], "BOOLEAN");
    let with = sample
        .iter()
        .filter(|(_, r)| r["hasResults"] == true)
        .count();
    assert_eq!(results["trueCount"], with);
    let r = app
        .get("/api/v2/stats/field/values?fields=BriefTitle")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_openapi_document_describes_api_v2_with_the_geonames_credit() {
    let app = App::new().await;
    let doc = app.get("/api/openapi.json").await.json();
    for path in [
        "/api/v2/studies",
        "/api/v2/studies/{nctId}",
        "/api/v2/version",
        "/api/v2/stats/size",
        "/api/v2/studies/metadata",
        "/api/v2/studies/search-areas",
        "/api/v2/stats/field/values",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path}");
    }
    let params = doc["paths"]["/api/v2/studies"]["get"]["parameters"]
        .as_array()
        .unwrap();
    let geo = params.iter().find(|p| p["name"] == "filter.geo").unwrap();
    assert!(
        geo["description"]
            .as_str()
            .unwrap()
            .contains(eligo_geo::ATTRIBUTION)
    );
    assert!(params.iter().any(|p| p["name"] == "pageToken"));
}
