//! The seed trials against their pages (issue 22). For each seed trial the
//! facts its page states, written out in `seeds/pages.rs`, are present and
//! exact in the stored record, the JSON API (`/api/v1/trials/{id}`) and the
//! trial page (`/trials/{id}`); no field of the record is set that the page
//! does not state, except the fields listed as eligo's readings (derived, or
//! a label inferred), each marked as such wherever it is shown; and the
//! trials seed 003 knows by id and title only are counted under no status
//! or sex and rank below registered trials in search.

#[path = "seeds/pages.rs"]
mod pages;

use crate::common::App;
use serde_json::Value;

/// One fact of a page: a field of eligo's trial JSON (a path such as
/// `eligibility.criteria` or `outcomes[2]`), its value as the page states
/// it, and the words the trial page must show for it.
pub struct Fact {
    pub field: String,
    pub value: Value,
    pub shown: Vec<String>,
}

pub fn fact(field: &str, value: Value, shown: &[&str]) -> Fact {
    Fact {
        field: field.into(),
        value,
        shown: shown.iter().map(|s| s.to_string()).collect(),
    }
}

/// A field eligo derived (`derived`, with the value it must hold) or whose
/// label it inferred, and what the trial page must show next to it.
pub struct Reading {
    pub field: String,
    pub value: Option<Value>,
    pub derived: bool,
    pub shown: String,
}

pub fn reading(field: &str, value: Option<Value>, derived: bool, shown: &str) -> Reading {
    Reading {
        field: field.into(),
        value,
        derived,
        shown: shown.into(),
    }
}

pub struct SeedPage {
    pub id: String,
    pub facts: Vec<Fact>,
    pub readings: Vec<Reading>,
    /// Words the trial page must not show (outside its related trials).
    pub absent: Vec<&'static str>,
}

/// The value at a path like `a.b[2].c` (null is no value).
fn at<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = v;
    for part in path.split('.') {
        let (key, idx) = match part.split_once('[') {
            Some((k, rest)) => (k, Some(rest)),
            None => (part, None),
        };
        cur = cur.get(key)?;
        if let Some(rest) = idx {
            for i in rest.split('[') {
                cur = cur.get(i.trim_end_matches(']').parse::<usize>().ok()?)?;
            }
        }
    }
    (!cur.is_null()).then_some(cur)
}

/// Every set leaf of the JSON with its path; empty strings, arrays and
/// objects, null and false are "not set".
fn leaves(v: &Value, path: &str, out: &mut Vec<String>) {
    let join = |k: &str| {
        if path.is_empty() {
            k.to_string()
        } else {
            format!("{path}.{k}")
        }
    };
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                leaves(x, &join(k), out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                leaves(x, &format!("{path}[{i}]"), out);
            }
        }
        Value::Null | Value::Bool(false) => {}
        Value::String(s) if s.is_empty() => {}
        _ => out.push(path.to_string()),
    }
}

/// Whether `leaf` lies in `field` (the field itself or inside it).
fn within(leaf: &str, field: &str) -> bool {
    leaf == field
        || leaf
            .strip_prefix(field)
            .is_some_and(|r| r.starts_with('.') || r.starts_with('['))
}

/// The page as a reader sees it: tags dropped, entities read, whitespace
/// runs made one space.
fn visible_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let mut decoded = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find('&') {
        decoded.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|e| *e < 10);
        let ent = end.map(|e| &rest[1..e]);
        let ch = match ent {
            Some("amp") => Some('&'),
            Some("lt") => Some('<'),
            Some("gt") => Some('>'),
            Some("quot") => Some('"'),
            Some(e) if e.starts_with('#') => e[1..].parse::<u32>().ok().and_then(char::from_u32),
            _ => None,
        };
        match (ch, end) {
            (Some(c), Some(e)) => {
                decoded.push(c);
                rest = &rest[e + 1..];
            }
            _ => {
                decoded.push('&');
                rest = &rest[1..];
            }
        }
    }
    decoded.push_str(rest);
    squash(&decoded)
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The registry markdown escapes the pages keep (`\>`, `\<`, `\^`) read as
/// the characters a reader sees.
fn unescape(s: &str) -> String {
    s.replace("\\>", ">")
        .replace("\\<", "<")
        .replace("\\^", "^")
}

/// The page without its related trials (which show other trials' statuses).
fn without_related(html: &str) -> String {
    match html.find(r#"<section id="related">"#) {
        Some(a) => {
            let b = html[a..].find("</section>").map_or(html.len(), |b| a + b);
            format!("{}{}", &html[..a], &html[b..])
        }
        None => html.to_string(),
    }
}

async fn check(app: &App, page: &SeedPage) {
    let id = &page.id;
    let stored = app
        .state
        .store()
        .get_trial(id)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{id} is not stored"));
    let stored = serde_json::to_value(&stored).unwrap();
    let r = app.get(&format!("/api/v1/trials/{id}")).await;
    assert_eq!(r.status, 200, "{id}: {}", r.body);
    let api = r.json();
    let r = app.get(&format!("/trials/{id}")).await;
    assert_eq!(r.status, 200, "{id}");
    let text = visible_text(&r.body);

    // 1. Every fact, exact, in the record, the API and on the page.
    for f in &page.facts {
        assert_eq!(
            at(&stored, &f.field),
            Some(&f.value),
            "{id}: stored {}",
            f.field
        );
        assert_eq!(
            at(&api["trial"], &f.field),
            Some(&f.value),
            "{id}: API {}",
            f.field
        );
        for s in &f.shown {
            let want = squash(&unescape(s));
            assert!(
                text.contains(&want),
                "{id}: the trial page lacks {}: {want:?}",
                f.field
            );
        }
    }

    // 2. eligo's readings: noted in the record, set apart (derived) or
    // noted (label inferred) in the API, marked on the page.
    let notes = stored["provenance"].as_array().cloned().unwrap_or_default();
    assert_eq!(
        notes.len(),
        page.readings.len(),
        "{id}: the record notes exactly the readings listed here: {notes:?}"
    );
    for rd in &page.readings {
        let basis = if rd.derived {
            "derived"
        } else {
            "label_inferred"
        };
        assert!(
            notes
                .iter()
                .any(|n| n["field"] == rd.field.as_str() && n["basis"] == basis),
            "{id}: {} is not noted {basis}: {notes:?}",
            rd.field
        );
        let value = at(&stored, &rd.field).unwrap_or_else(|| panic!("{id}: {} unset", rd.field));
        if let Some(v) = &rd.value {
            assert_eq!(value, v, "{id}: stored {}", rd.field);
        }
        if rd.derived {
            assert!(
                at(&api["trial"], &rd.field).is_none(),
                "{id}: API gives derived {} as the record's",
                rd.field
            );
            let d = api["derived"]
                .as_array()
                .unwrap()
                .iter()
                .find(|d| d["field"] == rd.field.as_str())
                .unwrap_or_else(|| panic!("{id}: API lacks derived {}", rd.field));
            assert_eq!(&d["value"], value, "{id}: API derived {}", rd.field);
            assert!(d["note"].as_str().is_some_and(|n| !n.is_empty()));
        } else {
            assert!(
                api["trial"]["provenance"].as_array().is_some_and(|p| p
                    .iter()
                    .any(|n| n["field"] == rd.field.as_str() && n["basis"] == "label_inferred")),
                "{id}: API does not note the inferred label of {}",
                rd.field
            );
        }
        let want = squash(&rd.shown);
        assert!(
            text.contains(&want),
            "{id}: the trial page does not mark {}: {want:?}",
            rd.field
        );
        // And in the list of every reading.
        assert!(
            text.contains(&format!(
                "{} {}",
                rd.field,
                if rd.derived {
                    "derived by eligo:"
                } else {
                    "label inferred by eligo:"
                }
            )),
            "{id}: {} missing from \"How eligo read this record\"",
            rd.field
        );
    }
    let derived_in_api = api["derived"].as_array().map_or(0, Vec::len);
    assert_eq!(
        derived_in_api,
        page.readings.iter().filter(|r| r.derived).count(),
        "{id}: {}",
        api["derived"]
    );

    // 3. Nothing else: every set field of the record is a fact of the page
    // or a reading listed here (`partial` is eligo's own flag).
    let mut set = Vec::new();
    leaves(&stored, "", &mut set);
    for leaf in set {
        let covered = leaf == "partial"
            || leaf.starts_with("provenance")
            || page.facts.iter().any(|f| within(&leaf, &f.field))
            || page.readings.iter().any(|r| within(&leaf, &r.field));
        assert!(
            covered,
            "{id}: {leaf} is set but the page does not state it"
        );
    }

    let shown = visible_text(&without_related(&r.body));
    for a in &page.absent {
        assert!(!shown.contains(a), "{id}: the trial page shows {a:?}");
    }
}

#[tokio::test]
async fn nct06946485_holds_what_seeds_000_and_001_state() {
    check(&App::new().await, &pages::nct06946485()).await;
}

#[tokio::test]
async fn union_cd19_bcma_holds_what_seed_002_states() {
    check(&App::new().await, &pages::union_cd19_bcma()).await;
}

#[tokio::test]
async fn nct07331467_holds_what_seed_003_states() {
    check(&App::new().await, &pages::nct07331467()).await;
}

#[tokio::test]
async fn nct07031713_holds_what_seed_004_states() {
    let app = App::new().await;
    check(&app, &pages::nct07031713()).await;
    // The heading seed 004 puts over the items checked before clearing
    // (lymphodepletion) stands in the criteria list, before its first item.
    let html = app.get("/trials/NCT07031713").await.body;
    let list = &html[html.find(r#"<ol class="criteria">"#).unwrap()..];
    let heading = list
        .find(
            "<li class=\"criteria-heading\"><h3>5.5 Pre cleaning standard Before clearing, \
             the following assessment needs to be completed.",
        )
        .expect("the 5.5 heading in the criteria list");
    let first_item = list
        .find("Not using immunosuppressants in the week before Qinglin treatment;")
        .unwrap();
    assert!(heading < first_item);
}

#[tokio::test]
async fn the_trials_seed_003_lists_are_known_by_id_and_title_only() {
    let app = App::new().await;
    for page in pages::related_of_nct07331467() {
        check(&app, &page).await;
        let id = &page.id;
        let api = app.get(&format!("/api/v1/trials/{id}")).await.json();
        assert!(api["trial"].get("status").is_none(), "{id}: {api}");
        assert!(api["trial"]["eligibility"].get("sex").is_none(), "{id}");
        let text = visible_text(&app.get(&format!("/trials/{id}")).await.body);
        assert!(text.contains("Known here by id and title only"), "{id}");
    }
}

/// Must hold 3: in search, the five stubs count under no status or sex
/// value and come after every registered trial for the same query, in the
/// API and on the search page, whose cards say what they are.
#[tokio::test]
async fn stubs_in_search_are_not_counted_and_rank_below_registered_trials() {
    let app = App::new().await;
    let stubs: Vec<String> = pages::related_of_nct07331467()
        .into_iter()
        .map(|p| p.id)
        .collect();
    for q in ["CAR-T", "refractory SLE", "CD19 CAR-T lupus", ""] {
        let r = app
            .get(&format!(
                "/api/v1/search?q={}&limit=100",
                crate::common::enc(q)
            ))
            .await
            .json();
        let hits = r["hits"].as_array().unwrap();
        let is_stub = |h: &Value| stubs.iter().any(|s| h["id"] == s.as_str());
        let n_stubs = hits.iter().filter(|h| is_stub(h)).count();
        assert!(n_stubs > 0, "{q:?}: the stubs match");
        assert_eq!(r["total"].as_u64().unwrap() as usize, hits.len(), "{q:?}");
        // Registered trials first, then the records known in part (the
        // stubs and trimmed search-page records), whatever their scores.
        let first_partial = hits.iter().position(|h| h["partial"] == true).unwrap();
        assert!(
            hits[first_partial..].iter().all(|h| h["partial"] == true),
            "{q:?}: {hits:?}"
        );
        assert!(hits.iter().position(is_stub).unwrap() >= first_partial);
        for h in hits.iter().filter(|h| is_stub(h)) {
            assert!(
                h.get("status").is_none() && h["partial"] == true,
                "{q:?}: {h}"
            );
        }
        // The facets count the registered hits only.
        let stated = |dim: &str| -> u64 {
            r["facets"][dim]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["count"].as_u64().unwrap())
                .sum()
        };
        let registered = hits.iter().filter(|h| h.get("status").is_some()).count() as u64;
        assert_eq!(
            stated("status"),
            registered,
            "{q:?}: {}",
            r["facets"]["status"]
        );
        assert!(stated("sex") <= registered, "{q:?}: {}", r["facets"]["sex"]);
        // "Unknown status" counts the trials whose record says so, not the stubs.
        let unknown = r["facets"]["status"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["value"] == "UNKNOWN")
            .map_or(0, |f| f["count"].as_u64().unwrap());
        let said_unknown = hits.iter().filter(|h| h["status"] == "UNKNOWN").count() as u64;
        assert_eq!(unknown, said_unknown, "{q:?}");
    }
    // The search page: the stubs' cards say they are known by id and title
    // only, after the registered trials' cards.
    let b = app.get("/search?q=CAR-T+lupus").await.body;
    let text = visible_text(&b);
    let last_registered = text.rfind("NCT07031713").unwrap();
    let first_stub = stubs
        .iter()
        .filter_map(|s| text.find(s.as_str()))
        .min()
        .unwrap();
    assert!(last_registered < first_stub, "{text}");
    assert!(text.contains("Known here by id and title only NCT07233642"));
    assert!(!text.contains("Unknown status"));
}
