//! Finding trials: distances and the nearest recruiting site, search as
//! people use it (close spellings, sort orders, an impossible age, near and
//! within), and `/find` answered page by page by example patients over
//! HTTP: at most 15 questions before the first results, every question
//! needed by a trial not yet ruled out, and the groups equal to what
//! matching (the path `eligo match` takes) says on the same facts.

use crate::common::{App, Jar, unescape_html};
use eligo_geo::{Point, distance_km};
use eligo_model::trial::{GeoPoint, Location, OverallStatus};
use eligo_model::{Trial, Verdict};
use eligo_questionnaire::{Answers, Questionnaire};
use eligo_server::catalog::Choice;
use eligo_server::find::sites::nearest;
use std::collections::BTreeMap;

fn site(city: &str, country: &str, status: &str, geo: Option<(f64, f64)>) -> Location {
    Location {
        facility: Some(format!("{city} hospital")),
        city: Some(city.into()),
        country: Some(country.into()),
        status: Some(status.into()),
        geo: geo.map(|(lat, lon)| GeoPoint { lat, lon }),
        ..Location::default()
    }
}

#[test]
fn great_circle_distances_of_known_city_pairs_in_km_and_miles() {
    // Ed Williams' Aviation Formulary worked example: LAX (33°57'N,
    // 118°24'W) to JFK (40°38'N, 73°47'W) is 0.623585 radians of arc, so
    // 3972.9 km on a sphere of 6371.0088 km, 2468.6 statute miles.
    let lax = Point::new(33.0 + 57.0 / 60.0, -(118.0 + 24.0 / 60.0)).unwrap();
    let jfk = Point::new(40.0 + 38.0 / 60.0, -(73.0 + 47.0 / 60.0)).unwrap();
    let km = distance_km(lax, jfk);
    assert!((km - 0.623585 * 6371.0088).abs() < 0.5, "{km}");
    assert!((lax.distance_miles(jfk) - 2468.6).abs() < 0.5);
    // A quarter of the equator: π/2 × R.
    let a = Point::new(0.0, 0.0).unwrap();
    let b = Point::new(0.0, 90.0).unwrap();
    assert!((distance_km(a, b) - std::f64::consts::FRAC_PI_2 * 6371.0088).abs() < 1e-6);
}

#[test]
fn the_nearest_recruiting_site_goes_by_site_status_and_places_sites_without_points() {
    let mut t = Trial {
        id: "T1".into(),
        status: Some(OverallStatus::Recruiting),
        ..Trial::default()
    };
    t.locations = vec![
        // In Nanjing, not yet open.
        site(
            "Nanjing",
            "China",
            "NOT_YET_RECRUITING",
            Some((32.0617, 118.7778)),
        ),
        // Recruiting, no geoPoint: placed from its city by the gazetteer.
        site("Wuhan", "China", "RECRUITING", None),
    ];
    let nanjing = Point::new(32.0617, 118.7778).unwrap();
    let n = nearest(&t, nanjing);
    let any = n.any.as_ref().unwrap();
    assert_eq!(any.place, "Nanjing, China");
    assert!(!any.recruiting && any.km < 0.01);
    let r = n.recruiting.as_ref().unwrap();
    assert_eq!(r.place, "Wuhan, China");
    assert!(r.placed_from_city, "Wuhan has no geoPoint");
    // Wuhan (GeoNames 30.5833, 114.2667) from Nanjing: about 460 km.
    let expect = distance_km(nanjing, Point::new(30.58333, 114.26667).unwrap());
    assert!((r.km - expect).abs() < 15.0, "{} vs {expect}", r.km);
    assert!((r.miles - r.km / 1.609344).abs() < 1e-9);
    // Within 200 km only the Nanjing site is in range, and it says so.
    let w = eligo_geo::Distance::km(200.0).unwrap();
    let text = eligo_server::find::card::distance_within(&n, Some(w));
    assert!(text.contains("not yet recruiting"), "{text}");
    assert!(text.contains("Wuhan"), "{text}");
    assert!(eligo_server::find::card::has_site_within(&n, Some(w)));
    // A site with no status of its own takes the trial's.
    t.locations[0].status = None;
    assert!(nearest(&t, nanjing).recruiting.unwrap().km < 0.01);
}

#[tokio::test]
async fn close_spellings_of_condition_names_lead_to_the_lupus_trials() {
    let app = App::new().await;
    for q in ["lupis", "lupus+nefritis"] {
        let r = app.get(&format!("/search?q={q}")).await;
        assert_eq!(r.status, 200);
        assert!(
            r.body.contains("id=\"did-you-mean\""),
            "{q}: no did-you-mean"
        );
        assert!(r.body.contains("Showing trials for"), "{q}");
        // A lupus trial of the sample is listed.
        assert!(
            r.body.contains("NCT07331467") || r.body.contains("ELIGO-7DC38438B394"),
            "{q}: no lupus trial"
        );
    }
    let j = app.get("/api/v1/search?q=lupis").await.json();
    assert_eq!(j["did_you_mean"], "lupus");
    let j = app.get("/api/v1/search?q=lupus").await.json();
    assert!(j.get("did_you_mean").is_none(), "lupus is spelled right");
}

/// The hits of an API search, with what is needed to check their order.
async fn hits(app: &App, q: &str) -> Vec<serde_json::Value> {
    let r = app.get(q).await;
    assert_eq!(r.status, 200, "{q}: {}", r.body);
    r.json()["hits"].as_array().unwrap().clone()
}

#[tokio::test]
async fn each_sort_order_orders_the_hits_and_stubs_stay_last() {
    let app = App::new().await;
    let store = app.state.store();
    let rank = |s: Option<&str>| match s {
        Some("RECRUITING") => 0,
        Some("ENROLLING_BY_INVITATION") => 1,
        Some("NOT_YET_RECRUITING") => 2,
        Some("AVAILABLE") => 3,
        _ => 4,
    };
    for sort in ["relevance", "recruiting", "updated", "nearest"] {
        let hs = hits(
            &app,
            &format!("/api/v1/search?q=CAR-T&limit=100&sort={sort}&near=Nanjing"),
        )
        .await;
        assert!(hs.len() > 3, "{sort}");
        // Registry stubs (no status) after every record known in full.
        let first_stub = hs.iter().position(|h| h["partial"] == true);
        if let Some(i) = first_stub {
            assert!(
                hs[i..].iter().all(|h| h["partial"] == true),
                "{sort}: stub above a full record"
            );
        }
        let full: Vec<&serde_json::Value> = hs.iter().filter(|h| h["partial"] == false).collect();
        for w in full.windows(2) {
            let (a, b) = (w[0], w[1]);
            match sort {
                "recruiting" => assert!(
                    rank(a["status"].as_str()) <= rank(b["status"].as_str()),
                    "{} before {}",
                    a["id"],
                    b["id"]
                ),
                "nearest" => {
                    let d =
                        |h: &serde_json::Value| h["distance_km"].as_f64().unwrap_or(f64::INFINITY);
                    assert!(d(a) <= d(b), "{} before {}", a["id"], b["id"]);
                }
                "updated" => {
                    let (da, db) = (
                        updated(store, &a["id"]).await,
                        updated(store, &b["id"]).await,
                    );
                    // Months compared: the record may give only a month.
                    let m = |d: &Option<String>| d.as_ref().map(|d| d[..7].to_string());
                    assert!(
                        db.is_none() || m(&da) >= m(&db),
                        "{} ({da:?}) before {} ({db:?})",
                        a["id"],
                        b["id"]
                    );
                }
                _ => assert!(a["score"].as_f64() >= b["score"].as_f64()),
            }
        }
    }
    // Within a radius only trials with a site in it; nearest needs a place.
    let hs = hits(&app, "/api/v1/search?q=lupus&near=Nanjing&within=50km").await;
    assert!(!hs.is_empty());
    assert!(
        hs.iter()
            .all(|h| h["distance_km"].as_f64().unwrap() <= 50.0)
    );
    let r = app.get("/api/v1/search?q=lupus&sort=nearest").await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["field"], "sort");
    let r = app.get("/api/v1/search?q=lupus&near=Springfield").await;
    assert_eq!(r.status, 400);
    assert!(
        r.body.contains("Springfield, "),
        "candidates named: {}",
        r.body
    );
}

/// A trial's last update as the record states it.
async fn updated(store: &eligo_store::Store, id: &serde_json::Value) -> Option<String> {
    let t = store.get_trial(id.as_str().unwrap()).await.unwrap()?;
    t.dates.last_update_posted.map(|d| d.date.to_string())
}

#[tokio::test]
async fn an_impossible_age_is_said_beside_its_field_and_the_results_stay() {
    let app = App::new().await;
    let r = app.get("/search?q=lupus&age=-5").await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("id=\"age-error\""));
    assert!(r.body.contains("aria-describedby=\"age-error\""));
    assert!(
        !r.body.contains("No trials match."),
        "the other filters still apply"
    );
    assert!(!r.body.contains("expected years from 0 to 150"));
    // Cards say where and for which ages; no snippet from the criteria.
    assert!(r.body.contains("class=\"where\""));
    assert!(!r.body.contains("Severe <mark>lupus</mark> lung damage"));
    // An ambiguous place asks which one.
    let r = app.get("/search?q=lupus&near=Springfield").await;
    assert!(r.body.contains("id=\"near-choices\""));
}

// ---------------------------------------------------------------------------
// /find, answered page by page

/// An example patient: answers by question id (form field → value); any
/// other question is answered "I don't know". `condition` words match a
/// question's text (for diagnoses the patient has or has not).
pub struct Patient {
    pub name: &'static str,
    pub answers: &'static [(&'static str, &'static [(&'static str, &'static str)])],
    pub has: &'static [&'static str],
    pub has_not: &'static [&'static str],
}

pub const PATIENTS: &[Patient] = &[
    Patient {
        name: "a woman of 34 who knows little",
        answers: &[("age", &[("age", "34")]), ("sex", &[("answer", "female")])],
        has: &[],
        has_not: &[],
    },
    Patient {
        name: "a man of 72",
        answers: &[("age", &[("age", "72")]), ("sex", &[("answer", "male")])],
        has: &[],
        has_not: &["infection", "neoplasm", "cancer"],
    },
    Patient {
        name: "a woman of 45 with a cancer now",
        answers: &[("age", &[("age", "45")]), ("sex", &[("answer", "female")])],
        has: &["neoplasm", "cancer", "malignan"],
        has_not: &["infection"],
    },
];

impl Patient {
    /// The fields this patient fills for question `id` whose text is `text`.
    pub fn fill(&self, id: &str, text: &str) -> Vec<(String, String)> {
        if let Some((_, fs)) = self.answers.iter().find(|(q, _)| *q == id) {
            return fs
                .iter()
                .map(|(f, v)| (format!("{id}.{f}"), v.to_string()))
                .collect();
        }
        let t = text.to_lowercase();
        let value = if id.starts_with("dx-") && self.has.iter().any(|w| t.contains(w)) {
            "current"
        } else if id.starts_with("dx-") && self.has_not.iter().any(|w| t.contains(w)) {
            "no"
        } else {
            "dont_know"
        };
        vec![(format!("{id}.answer"), value.to_string())]
    }
}

/// The questions of a page: (id, legend text).
pub fn questions(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = html;
    let marker = "<fieldset class=\"question\" id=\"q-";
    while let Some(at) = rest.find(marker) {
        rest = &rest[at + marker.len()..];
        let id = rest[..rest.find('"').unwrap()].to_string();
        let l = rest.find("<legend>").unwrap() + 8;
        let text = unescape_html(&rest[l..l + rest[l..].find("</legend>").unwrap()]);
        out.push((id, text));
    }
    out
}

fn hidden_inputs(html: &str) -> Vec<(String, String)> {
    let form = &html[html.find("id=\"find-questions\"").expect("a question page")..];
    let form = &form[..form.find("</form>").unwrap()];
    let mut out = Vec::new();
    let mut rest = form;
    let marker = "<input type=\"hidden\" name=\"";
    while let Some(at) = rest.find(marker) {
        rest = &rest[at + marker.len()..];
        let name = rest[..rest.find('"').unwrap()].to_string();
        let v = rest.find("value=\"").unwrap() + 7;
        let value = unescape_html(&rest[v..v + rest[v..].find('"').unwrap()]);
        out.push((name, value));
    }
    out
}

/// The trial ids listed in a results group (`group-eligible`, ...).
pub fn group(html: &str, id: &str) -> Vec<String> {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no {id} in {html}"));
    let sec = &html[at..];
    let sec = &sec[..sec.find("</section>").unwrap()];
    sec.split("data-trial=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_string())
        .collect()
}

/// The verdicts matching gives (the path `eligo match` takes) on the
/// facts these answers make, for these trials.
pub async fn verdicts(
    state: &eligo_server::AppState,
    ids: &[String],
    answers: &BTreeMap<String, String>,
) -> BTreeMap<String, (Verdict, Questionnaire)> {
    let today = eligo_server::matching::today();
    let mut qs = Vec::new();
    for id in ids {
        let l = state.trial(id).await.unwrap();
        qs.push(eligo_questionnaire::questionnaire(&l.rules.compiled));
    }
    let bank = eligo_server::find::questions::bank(qs.iter());
    let answers = Answers::from_pairs(&bank, answers.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .expect("answers fit the bank");
    let facts = eligo_questionnaire::facts(&bank, &answers, today)
        .expect("answers read")
        .facts;
    let ms = state
        .match_patient(facts, today, Choice::Named(ids.to_vec()), ids.len())
        .await
        .unwrap();
    ids.iter()
        .zip(qs)
        .map(|(id, q)| {
            let m = ms.iter().find(|m| &m.trial_id == id).expect("matched");
            (id.clone(), (m.verdict, q))
        })
        .collect()
}

#[tokio::test]
async fn example_patients_answer_find_page_by_page_and_the_groups_equal_matching() {
    let app = App::new().await;
    // The open trials for SLE in the sample, as /find lists them.
    let first = app
        .get("/find?condition=systemic+lupus+erythematosus&results=1")
        .await;
    let all: Vec<String> = ["group-eligible", "group-needs", "group-not"]
        .iter()
        .flat_map(|g| group(&first.body, g))
        .collect();
    assert!(all.len() >= 3, "open SLE trials in the sample: {all:?}");
    for p in PATIENTS {
        let mut jar = Jar::default();
        let mut r = app
            .get_with("/find?condition=systemic+lupus+erythematosus", &mut jar)
            .await;
        // The condition named is the first answer.
        let mut typed: BTreeMap<String, String> =
            [("dx-sle.answer".to_string(), "current".to_string())].into();
        let mut asked: Vec<String> = Vec::new();
        while !r.body.contains("id=\"group-eligible\"") {
            assert_eq!(r.status, 200, "{}: {}", p.name, r.body);
            let qs = questions(&r.body);
            assert!(
                !qs.is_empty(),
                "{}: a question page without questions",
                p.name
            );
            // Each question is needed by a trial the answers so far have
            // not ruled out.
            let v = verdicts(&app.state, &all, &typed).await;
            for (id, _) in &qs {
                assert!(
                    v.values()
                        .any(|(verdict, q)| *verdict != Verdict::Ineligible
                            && q.questions.iter().any(|x| &x.id == id)),
                    "{}: {id} is needed by no remaining trial",
                    p.name
                );
                assert!(!asked.contains(id), "{}: {id} asked twice", p.name);
            }
            let mut pairs = hidden_inputs(&r.body);
            for (id, text) in &qs {
                asked.push(id.clone());
                for (k, val) in p.fill(id, text) {
                    typed.insert(k.clone(), val.clone());
                    pairs.push((k, val));
                }
            }
            let pairs: Vec<(&str, &str)> = pairs
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            r = app.post_form("/find", &pairs, &mut jar).await;
        }
        assert!(
            asked.len() <= 15,
            "{}: {} questions before results",
            p.name,
            asked.len()
        );
        assert!(!asked.is_empty());
        // The groups are what matching says on the same facts.
        let v = verdicts(&app.state, &all, &typed).await;
        for (gid, want) in [
            ("group-eligible", Verdict::Eligible),
            ("group-needs", Verdict::Unknown),
            ("group-not", Verdict::Ineligible),
        ] {
            let mut got = group(&r.body, gid);
            got.sort();
            let mut expect: Vec<String> = v
                .iter()
                .filter(|(_, (verdict, _))| *verdict == want)
                .map(|(id, _)| id.clone())
                .collect();
            expect.sort();
            assert_eq!(got, expect, "{}: {gid}", p.name);
        }
        println!("{}: {} questions, then results", p.name, asked.len());
        // "Check this trial and apply, with my answers": the trial's own
        // pre-screen result, from the answers given here.
        let at = r
            .body
            .find("<form action=\"/trials/")
            .expect("an apply form");
        let form = &r.body[at..];
        let form = &form[..form.find("</form>").unwrap()];
        let action = form["<form action=\"".len()..]
            .split('"')
            .next()
            .unwrap()
            .to_string();
        let mut pairs: Vec<(String, String)> = Vec::new();
        let marker = "<input type=\"hidden\" name=\"";
        let mut rest = form;
        while let Some(i) = rest.find(marker) {
            rest = &rest[i + marker.len()..];
            let name = rest[..rest.find('"').unwrap()].to_string();
            let v = rest.find("value=\"").unwrap() + 7;
            pairs.push((
                name,
                unescape_html(&rest[v..v + rest[v..].find('"').unwrap()]),
            ));
        }
        assert!(pairs.iter().any(|(k, _)| k == "csrf"));
        assert!(
            pairs.iter().any(|(k, _)| k.contains('.')),
            "answers carried"
        );
        let pairs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let pre = app.post_form(&action, &pairs, &mut jar).await;
        assert_eq!(pre.status, 200, "{}: {action}: {}", p.name, pre.body);
        assert!(
            pre.body.contains("id=\"verdict\""),
            "{}: the pre-screen result",
            p.name
        );
    }
}

#[tokio::test]
async fn find_orders_by_distance_and_reads_an_uploaded_record() {
    let app = App::new().await;
    let r = app
        .get("/find?condition=systemic+lupus+erythematosus&near=Nanjing&results=1")
        .await;
    assert!(r.body.contains("distances from Nanjing"));
    // Within each group, nearer recruiting sites first.
    for g in ["group-eligible", "group-needs", "group-not"] {
        let at = r.body.find(&format!("id=\"{g}\"")).unwrap();
        let sec = &r.body[at..];
        let sec = &sec[..sec.find("</section>").unwrap()];
        let kms: Vec<f64> = sec
            .split("<p class=\"distance\">")
            .skip(1)
            .filter_map(|s| {
                let s = &s[..s.find("</p>").unwrap()];
                s.contains("to the nearest recruiting site")
                    .then(|| s.split(' ').next().unwrap().parse::<f64>().ok())
                    .flatten()
            })
            .collect();
        assert!(kms.windows(2).all(|w| w[0] <= w[1]), "{g}: {kms:?}");
    }
    // An upload: the example patient's FHIR R4 Bundle, as a file.
    let bundle = include_str!("../../../../examples/patients/01-base.json");
    let boundary = "XyZboundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"near\"\r\n\r\nNanjing\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"record\"; filename=\"me.json\"\r\n\
         Content-Type: application/json\r\n\r\n{bundle}\r\n--{boundary}--\r\n"
    );
    let mut jar = Jar::default();
    let r = app
        .request(
            axum::http::Method::POST,
            "/find/record",
            &mut jar,
            &[(
                "content-type",
                &format!("multipart/form-data; boundary={boundary}"),
            )],
            axum::body::Body::from(body.clone()),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let eligible = group(&r.body, "group-eligible");
    // The same record through the match API (as eligo match).
    let m = app
        .post_json("/api/v1/match?near=Nanjing", bundle, &mut Jar::default())
        .await
        .json();
    let api_eligible: Vec<String> = m["matches"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["verdict"] == "eligible")
        .filter(|x| {
            eligible.contains(&x["trial_id"].as_str().unwrap().to_string())
                || !r.body.contains(x["trial_id"].as_str().unwrap())
        })
        .map(|x| x["trial_id"].as_str().unwrap().to_string())
        .collect();
    assert!(!eligible.is_empty());
    for id in &eligible {
        assert!(
            api_eligible.contains(id),
            "{id} eligible on /find, not by the API"
        );
    }
    // An STU3 record is refused with a clear error; an empty upload too.
    let stu3 = r#"{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","id":"p","gender":"female","birthDate":"1990-01-01"}},{"resource":{"resourceType":"ProcedureRequest","id":"r","status":"active","intent":"order","subject":{"reference":"Patient/p"}}}]}"#;
    let bad = body.replace(bundle, stu3);
    let r = app
        .request(
            axum::http::Method::POST,
            "/find/record",
            &mut Jar::default(),
            &[(
                "content-type",
                &format!("multipart/form-data; boundary={boundary}"),
            )],
            axum::body::Body::from(bad),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(
        r.body.contains("The record could not be read"),
        "{}",
        r.body
    );
    let none = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"near\"\r\n\r\n\r\n--{boundary}--\r\n"
    );
    let r = app
        .request(
            axum::http::Method::POST,
            "/find/record",
            &mut Jar::default(),
            &[(
                "content-type",
                &format!("multipart/form-data; boundary={boundary}"),
            )],
            axum::body::Body::from(none),
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Choose a file"));
}

/// A page without its CSRF token (a fresh one per form).
fn without_csrf(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    let marker = "name=\"csrf\" value=\"";
    while let Some(at) = rest.find(marker) {
        out.push_str(&rest[..at + marker.len()]);
        rest = &rest[at + marker.len()..];
        rest = &rest[rest.find('"').unwrap()..];
    }
    out.push_str(rest);
    out
}

#[tokio::test]
async fn find_keeps_what_depends_on_the_registry_and_follows_an_import() {
    let app = App::new().await;
    let s = &app.state;
    let results =
        "/find?condition=systemic+lupus+erythematosus&near=Nanjing&within=20000km&results=1";
    let asking = "/find?condition=systemic+lupus+erythematosus";
    let answered: &[(&str, &str)] = &[
        ("condition", "systemic lupus erythematosus"),
        ("near", "Nanjing"),
        ("asked", "dx-sle"),
        ("shown", "age,sex"),
        ("dx-sle.answer", "current"),
        ("age.age", "34"),
        ("sex.answer", "female"),
    ];
    let mut jar = Jar::default();
    let before = app.get_with(results, &mut jar).await;
    assert_eq!(before.status, 200);
    let ids: Vec<String> = ["group-eligible", "group-needs", "group-not"]
        .iter()
        .flat_map(|g| group(&before.body, g))
        .collect();
    assert!(ids.len() >= 2, "{ids:?}");
    assert!(s.find_pools().held() > 0, "the candidates are kept");
    // Kept: a second request answers the same page.
    let again = app.get_with(results, &mut jar).await;
    assert_eq!(without_csrf(&again.body), without_csrf(&before.body));

    // An import between two requests: one candidate renamed and given a
    // recruiting site in Nanjing, another closed.
    let (renamed, closed) = (&ids[0], &ids[1]);
    let mut a = s.store().get_trial(renamed).await.unwrap().unwrap();
    let raw_a = s.store().get_raw(renamed).await.unwrap().unwrap();
    a.brief_title = "Quetzalcoatl study of lupus in Nanjing".into();
    a.locations
        .insert(0, site("Nanjing", "China", "RECRUITING", None));
    let mut b = s.store().get_trial(closed).await.unwrap().unwrap();
    let raw_b = s.store().get_raw(closed).await.unwrap().unwrap();
    b.status = Some(OverallStatus::Completed);
    s.store()
        .upsert_batch(&[(a, raw_a), (b, raw_b)])
        .await
        .unwrap();
    let generation = s.store().generation().await.unwrap();
    let until = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while s.catalog().await.unwrap().generation != generation {
        assert!(
            std::time::Instant::now() < until,
            "the catalog did not follow"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let after = app.get_with(results, &mut jar).await;
    let after_asking = app.get_with(asking, &mut jar).await;
    let after_answered = app.post_form("/find", answered, &mut jar).await;
    // The same pages built from nothing.
    s.find_pools().clear();
    let fresh = app.get_with(results, &mut jar).await;
    let fresh_asking = app.get_with(asking, &mut jar).await;
    let fresh_answered = app.post_form("/find", answered, &mut jar).await;
    assert_eq!(without_csrf(&after.body), without_csrf(&fresh.body));
    assert_eq!(after_asking.body, fresh_asking.body);
    assert_eq!(after_answered.status, 200);
    assert_eq!(
        without_csrf(&after_answered.body),
        without_csrf(&fresh_answered.body)
    );
    // And they show the import.
    let listed: Vec<String> = ["group-eligible", "group-needs", "group-not"]
        .iter()
        .flat_map(|g| group(&after.body, g))
        .collect();
    assert!(listed.contains(renamed) && !listed.contains(closed));
    assert!(
        after
            .body
            .contains("Quetzalcoatl study of lupus in Nanjing")
    );
    let card = &after.body[after
        .body
        .find(&format!("data-trial=\"{renamed}\""))
        .unwrap()..];
    let card = &card[..card.find("</li>").unwrap_or(card.len())];
    assert!(
        card.contains("to the nearest recruiting site (Nanjing, China)"),
        "{card}"
    );
}
