//! The home page and the search page (results, facets, sorts, near/within).

use super::*;

// ---------------------------------------------------------------------------
// Home and search

#[derive(Template)]
#[template(path = "home.html")]
pub(crate) struct HomeTpl {
    nav: Nav,
    total: usize,
    open: usize,
    examples: Vec<(String, String)>,
}

pub(crate) async fn home(State(state): State<AppState>, headers: HeaderMap) -> PageResult {
    let (nav, _) = who(&state, &headers).await?;
    let cat = state.catalog().await?;
    let open = cat.open_count();
    let examples = ["CAR-T lupus", "CD19", "lupus nephritis", "melanoma"]
        .iter()
        .map(|e| (e.to_string(), format!("/search?q={}", encode(e))))
        .collect();
    page(&HomeTpl {
        nav,
        total: cat.len(),
        open,
        examples,
    })
}

pub(crate) struct HitView {
    href: String,
    id: String,
    title: String,
    status_label: String,
    status_class: &'static str,
    phases: String,
    snippet: String,
    /// Where the sites are, the ages taken, the nearest recruiting site.
    place: String,
    ages: String,
    distance: String,
}

pub(crate) struct FacetLink {
    label: String,
    count: u64,
    href: String,
    selected: bool,
}

pub(crate) struct FacetGroup {
    key: &'static str,
    title: &'static str,
    values: Vec<FacetLink>,
}

pub(crate) struct PageLink {
    label: String,
    href: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "search.html")]
pub(crate) struct SearchTpl {
    nav: Nav,
    q: String,
    hidden: Vec<(String, String)>,
    hidden_no_age: Vec<(String, String)>,
    error: Option<String>,
    active: Vec<(String, String)>,
    facets: Vec<FacetGroup>,
    showing: String,
    first: usize,
    hits: Vec<HitView>,
    pages: Vec<PageLink>,
    age: String,
    /// Said beside the age field (the other filters still apply).
    age_error: Option<String>,
    near: String,
    within: String,
    /// Said beside the place field: why it could not be used.
    near_error: Option<String>,
    /// "Which one?": links to search near each candidate place.
    near_choices: Vec<(String, String)>,
    near_label: String,
    sorts: Vec<(&'static str, &'static str, bool)>,
    hidden_refine: Vec<(String, String)>,
    /// A close spelling of the query's words and its link.
    did_you_mean: Option<(String, String)>,
    /// The query's own words found nothing; these are the results for
    /// the close spelling instead.
    showing_for: Option<String>,
}

pub const PAGE_SIZE: usize = 10;
/// Filter parameters a search page carries from link to link.
pub(crate) const FILTER_KEYS: &[&str] = &[
    "status",
    "phase",
    "type",
    "condition",
    "antigen",
    "age",
    "sex",
    "country",
    "near",
    "within",
    "sort",
];

/// The search URL for `pairs` (empty values dropped).
pub(crate) fn search_href(pairs: &[(String, String)]) -> String {
    crate::params::href("/search", pairs)
}

/// The current query and filters, without page and without `drop`.
pub(crate) fn carried(p: &Params, drop: Option<(&str, Option<&str>)>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(q) = p.get("q") {
        out.push(("q".to_string(), q.to_string()));
    }
    for k in FILTER_KEYS {
        for v in p.all(k) {
            let dropped = match drop {
                Some((dk, None)) => dk == *k,
                Some((dk, Some(dv))) => dk == *k && dv.eq_ignore_ascii_case(v),
                None => false,
            };
            if !dropped {
                out.push((k.to_string(), v.to_string()));
            }
        }
    }
    out
}

pub(crate) fn toggle(p: &Params, key: &str, value: &str, multi: bool) -> (String, bool) {
    let selected = p.all(key).iter().any(|v| v.eq_ignore_ascii_case(value));
    let mut pairs = if selected || !multi {
        carried(p, Some((key, if multi { Some(value) } else { None })))
    } else {
        carried(p, None)
    };
    if !selected {
        pairs.push((key.to_string(), value.to_string()));
    }
    (search_href(&pairs), selected)
}

pub(crate) fn facet_label(dim: &str, value: &str) -> String {
    match dim {
        "status" => status_label(value),
        "phase" => phase_label(value),
        "study_type" => code_label(value),
        _ => value.to_string(),
    }
}

pub(crate) fn facet_groups(
    p: &Params,
    res: &SearchResults,
    age_counts: &[(u32, u64)],
) -> Vec<FacetGroup> {
    let mut out = Vec::new();
    for (dim, key, title, multi) in [
        ("status", "status", "Status", true),
        ("phase", "phase", "Phase", true),
        ("condition", "condition", "Condition", false),
        ("antigen", "antigen", "Target antigen", false),
        ("country", "country", "Country", false),
        ("study_type", "type", "Study type", false),
    ] {
        let values: Vec<FacetLink> = res
            .facets
            .get(dim)
            .map(|vs| {
                vs.iter()
                    .map(|v| {
                        let (href, selected) = toggle(p, key, &v.value, multi);
                        FacetLink {
                            label: facet_label(dim, &v.value),
                            count: v.count,
                            href,
                            selected,
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        if !values.is_empty() {
            out.push(FacetGroup { key, title, values });
        }
    }
    // Sex: a trial for all is open to both.
    let n = |v: &str| {
        res.facets
            .get("sex")
            .and_then(|vs| vs.iter().find(|x| x.value == v))
            .map_or(0, |x| x.count)
    };
    let sexes: Vec<FacetLink> = [("FEMALE", "Open to women"), ("MALE", "Open to men")]
        .iter()
        .map(|(code, label)| {
            let (href, selected) = toggle(p, "sex", code, false);
            FacetLink {
                label: label.to_string(),
                count: n(code) + n("ALL"),
                href,
                selected,
            }
        })
        .collect();
    out.insert(
        2.min(out.len()),
        FacetGroup {
            key: "sex",
            title: "Sex",
            values: sexes,
        },
    );
    let ages: Vec<FacetLink> = age_counts
        .iter()
        .map(|(age, count)| {
            let (href, selected) = toggle(p, "age", &age.to_string(), false);
            FacetLink {
                label: format!("Open to age {age}"),
                count: *count,
                href,
                selected,
            }
        })
        .collect();
    out.insert(
        3.min(out.len()),
        FacetGroup {
            key: "age",
            title: "Age",
            values: ages,
        },
    );
    out
}

/// Representative ages for the age facet: a child, an adult, an older adult.
pub(crate) const AGE_BUCKETS: [u32; 3] = [12, 40, 70];

pub(crate) async fn search(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
) -> PageResult {
    let (mut nav, _) = who(&state, &headers).await?;
    let mut p = Params::from_uri(&uri)?;
    let q = p.get("q").unwrap_or("").trim().to_string();
    nav.q = q.clone();
    // An age that cannot be a person's is said beside its field; the rest
    // of the search goes on without it.
    let age_raw = p.get("age").unwrap_or("").to_string();
    let age_error = (!age_raw.trim().is_empty())
        .then(|| crate::find::page::age_problem(&age_raw))
        .flatten();
    if age_error.is_some() {
        p.0.retain(|(k, _)| k != "age");
    }
    let hidden: Vec<(String, String)> = carried(&p, None)
        .into_iter()
        .filter(|(k, _)| k != "q")
        .collect();
    let hidden_no_age: Vec<(String, String)> = carried(&p, Some(("age", None)));
    let hidden_refine: Vec<(String, String)> = carried(&p, None)
        .into_iter()
        .filter(|(k, _)| !matches!(k.as_str(), "near" | "within" | "sort"))
        .collect();
    let mut tpl = SearchTpl {
        nav,
        q: q.clone(),
        hidden,
        hidden_no_age,
        error: None,
        active: vec![],
        facets: vec![],
        showing: String::new(),
        first: 1,
        hits: vec![],
        pages: vec![],
        age: age_raw,
        age_error,
        near: p.get("near").unwrap_or("").to_string(),
        within: p.get("within").unwrap_or("").to_string(),
        near_error: None,
        near_choices: vec![],
        near_label: String::new(),
        sorts: vec![],
        hidden_refine,
        did_you_mean: None,
        showing_for: None,
    };
    let filters = match p.filters() {
        Ok(f) => f,
        Err(e) => {
            tpl.error = Some(e.message);
            return page_with(StatusCode::BAD_REQUEST, &tpl, None);
        }
    };
    let page_no = match p.usize_in("page", 1, 1, 1000) {
        Ok(n) => n,
        Err(e) => {
            tpl.error = Some(e.message);
            return page_with(StatusCode::BAD_REQUEST, &tpl, None);
        }
    };
    let arranged = crate::find::page::arrangement(&p);
    let how = arranged.how;
    tpl.near_error = arranged.near_error;
    tpl.near_choices = arranged
        .near_choices
        .iter()
        .map(|c| {
            let mut pairs = carried(&p, Some(("near", None)));
            pairs.push(("near".into(), c.clone()));
            (c.clone(), search_href(&pairs))
        })
        .collect();
    tpl.near_label = arranged.near_label;
    tpl.sorts = eligo_search::arrange::Sort::ALL
        .iter()
        .map(|s| (s.code(), s.label(), *s == how.sort))
        .collect();
    // Search reads the catalog's index; make sure it is current.
    state.catalog().await?;
    let mut req = SearchRequest {
        query: q.clone(),
        filters: filters.clone(),
        limit: PAGE_SIZE,
        offset: (page_no - 1) * PAGE_SIZE,
        facet_limit: 12,
    };
    let mut res = state.index().search_arranged(&req, &how)?;
    if let Some(better) = state.index().suggest(&q)? {
        let mut pairs = carried(&p, Some(("q", None)));
        pairs.retain(|(k, _)| k != "q");
        pairs.insert(0, ("q".into(), better.clone()));
        if res.total == 0 {
            let alt = SearchRequest {
                query: better.clone(),
                ..req.clone()
            };
            let r = state.index().search_arranged(&alt, &how)?;
            if r.total > 0 {
                res = r;
                req = alt;
                tpl.showing_for = Some(better.clone());
            }
        }
        tpl.did_you_mean = Some((better, search_href(&pairs)));
    }
    let mut age_counts = Vec::new();
    for age in AGE_BUCKETS {
        let mut f = filters.clone();
        f.age_years = Some(f64::from(age));
        let r = state.index().search_arranged(
            &SearchRequest {
                query: req.query.clone(),
                filters: f,
                limit: 1,
                offset: 0,
                facet_limit: 1,
            },
            &how,
        )?;
        age_counts.push((age, r.total as u64));
    }
    tpl.facets = facet_groups(&p, &res, &age_counts);
    for k in FILTER_KEYS.iter().filter(|k| **k != "sort") {
        for v in p.all(k) {
            let label = match *k {
                "near" => format!("Near {v}"),
                "within" => format!("Within {v}"),
                "status" => format!("Status: {}", status_label(v)),
                "phase" => format!("Phase: {}", phase_label(v)),
                "age" => format!("Open to age {v}"),
                "sex" => format!(
                    "Open to {}",
                    if v.eq_ignore_ascii_case("female") {
                        "women"
                    } else {
                        "men"
                    }
                ),
                "type" => format!("Type: {}", code_label(v)),
                other => format!("{}: {v}", code_label(other)),
            };
            tpl.active
                .push((label, search_href(&carried(&p, Some((k, Some(v)))))));
        }
    }
    tpl.first = req.offset + 1;
    tpl.showing = match res.total {
        0 => "No trials match.".to_string(),
        1 => "1 trial matches.".to_string(),
        n => format!(
            "{n} trials match; showing {} to {}.",
            req.offset + 1,
            (req.offset + res.hits.len()).max(req.offset + 1)
        ),
    };
    let mut cards = Vec::with_capacity(res.hits.len());
    for h in &res.hits {
        cards.push(match state.store().get_trial(&h.id).await? {
            Some(t) => crate::find::card::card(&t, how.origin(), how.near.map(|n| n.radius)),
            None => Default::default(),
        });
    }
    tpl.hits = res
        .hits
        .iter()
        .zip(cards)
        .map(|(h, c)| HitView {
            href: format!("/trials/{}", encode(&h.id)),
            id: h.id.clone(),
            title: unescape(&h.title),
            status_label: match (&h.status, h.partial) {
                (Some(st), _) => status_label(st),
                (None, true) => KNOWN_BY_ID_AND_TITLE.to_string(),
                (None, false) => "Status not stated".to_string(),
            },
            status_class: h.status.as_deref().map_or("badge unknown", status_class),
            phases: h
                .phases
                .iter()
                .map(|p| phase_label(p))
                .collect::<Vec<_>>()
                .join(", "),
            snippet: h.snippet.as_ref().map(snippet_html).unwrap_or_default(),
            place: c.place,
            ages: c.ages,
            distance: c.distance,
        })
        .collect();
    let pages = res.total.div_ceil(PAGE_SIZE).min(1000);
    let base = carried(&p, None);
    let link = |n: usize| {
        let mut pairs = base.clone();
        if n > 1 {
            pairs.push(("page".into(), n.to_string()));
        }
        search_href(&pairs)
    };
    if page_no > 1 {
        tpl.pages.push(PageLink {
            label: "← Previous".into(),
            href: link(page_no - 1),
            current: false,
        });
    }
    for n in 1..=pages {
        if pages > 12 && n != 1 && n != pages && n.abs_diff(page_no) > 3 {
            continue;
        }
        tpl.pages.push(PageLink {
            label: n.to_string(),
            href: link(n),
            current: n == page_no,
        });
    }
    if page_no < pages {
        tpl.pages.push(PageLink {
            label: "Next →".into(),
            href: link(page_no + 1),
            current: false,
        });
    }
    page(&tpl)
}
