//! The query strings of `/api/v2`, read as the real API reads them (names,
//! defaults, comma- or pipe-separated lists, `pageSize` 0 meaning the
//! default and more than 1,000 meaning 1,000) and refused as it refuses
//! them: a 400 whose text names the parameter. Parameters the real API has
//! but eligo does not serve are refused with that said, never ignored.

use super::V2Error;
use super::query::{self, QUERY_PARAMS};
use crate::params::Params;
use eligo_search::page::{Cursor, Direction, Near, PageRequest, SortBy, SortKey};
use eligo_search::pieces::{NumKind, NumPiece};
use eligo_search::query::Expr;

/// Parameters of the real API that eligo does not serve, with why.
const NOT_SERVED: &[(&str, &str)] = &[
    ("query.patient", "the PatientSearch area is not served"),
    ("filter.synonyms", "eligo keeps no synonym ids"),
    ("postFilter.synonyms", "eligo keeps no synonym ids"),
    (
        "geoDecay",
        "ranking by distance is not served; filter.geo selects by distance",
    ),
];

/// The decoded query string, refusing unknown and repeated parameters.
pub fn read(uri: &axum::http::Uri, allowed: &[&str]) -> Result<Params, V2Error> {
    let p = Params::from_uri(uri).map_err(|e| V2Error::bad(e.message))?;
    for (i, (k, _)) in p.0.iter().enumerate() {
        if !allowed.contains(&k.as_str()) {
            if let Some((_, why)) = NOT_SERVED.iter().find(|(n, _)| n == k) {
                return Err(V2Error::bad(format!(
                    "Parameter `{k}` is not supported by eligo: {why}"
                )));
            }
            return Err(V2Error::bad(format!("`{k}` is unknown parameter")));
        }
        if p.0[..i].iter().any(|(earlier, _)| earlier == k) {
            return Err(V2Error::bad(format!(
                "Parameter `{k}` is given more than once; give it once (lists are comma- or pipe-separated)"
            )));
        }
    }
    Ok(p)
}

/// Items of a comma- or pipe-separated list, trimmed, empty ones dropped.
pub fn list(v: &str) -> Vec<&str> {
    v.split([',', '|'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
}

pub fn format(p: &Params) -> Result<Format, V2Error> {
    match p.get("format").map(str::trim) {
        None | Some("json") => Ok(Format::Json),
        Some("csv") => Ok(Format::Csv),
        Some(f @ ("json.zip" | "fhir.json" | "ris")) => Err(V2Error::bad(format!(
            "Parameter `format`: `{f}` is not supported by eligo; use json or csv"
        ))),
        Some(f) => Err(V2Error::bad(format!(
            "Invalid value in parameter `format`: `{f}`; one of json, csv"
        ))),
    }
}

/// `markupFormat`: true for `legacy`.
pub fn legacy(p: &Params) -> Result<bool, V2Error> {
    match p.get("markupFormat").map(str::trim) {
        None | Some("markdown") => Ok(false),
        Some("legacy") => Ok(true),
        Some(f) => Err(V2Error::bad(format!(
            "Invalid value in parameter `markupFormat`: `{f}`; one of markdown, legacy"
        ))),
    }
}

pub fn boolean(p: &Params, key: &str) -> Result<bool, V2Error> {
    match p.get(key).map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(false),
        Some(v) if v == "true" => Ok(true),
        Some(v) if v == "false" => Ok(false),
        Some(v) => Err(V2Error::bad(format!(
            "Invalid value in parameter `{key}`: `{v}`; true or false"
        ))),
    }
}

/// What the `fields` parameter asks for: JSON paths, or CSV columns.
#[derive(Debug, Clone, PartialEq)]
pub enum Fields {
    All,
    Paths(Vec<String>),
    Columns(Vec<&'static str>),
}

pub fn fields(p: &Params, format: Format) -> Result<Fields, V2Error> {
    let Some(v) = p.get("fields") else {
        return Ok(match format {
            Format::Json => Fields::All,
            Format::Csv => Fields::Columns(super::csv::COLUMNS.to_vec()),
        });
    };
    let items = list(v);
    if items.is_empty() {
        return Err(V2Error::bad("Parameter `fields` must not be empty"));
    }
    if items.contains(&"@query") {
        return Err(V2Error::bad(
            "Parameter `fields`: `@query` is not supported by eligo; name the fields",
        ));
    }
    let invalid = |name: &str| {
        V2Error::bad(format!(
            "Parameter 'fields' contains invalid field name: '{name}'"
        ))
    };
    match format {
        Format::Json => super::shape::resolve_fields(&items)
            .map(Fields::Paths)
            .map_err(|bad| invalid(&bad)),
        Format::Csv => {
            let mut cols: Vec<&'static str> = Vec::new();
            for i in items {
                let c = super::csv::column(i).ok_or_else(|| invalid(i))?;
                if !cols.contains(&c) {
                    cols.push(c);
                }
            }
            Ok(Fields::Columns(cols))
        }
    }
}

/// `pageSize`: 0 or absent is 10, over 1,000 is 1,000, negative refused.
pub fn page_size(p: &Params) -> Result<usize, V2Error> {
    let Some(v) = p.get("pageSize") else {
        return Ok(10);
    };
    match v.trim().parse::<i64>() {
        Ok(n) if n < 0 => Err(V2Error::bad(format!(
            "Parameter `pageSize` must be 0 or more, got {n}"
        ))),
        Ok(0) => Ok(10),
        Ok(n) => Ok(n.min(1000) as usize),
        Err(_) => Err(V2Error::bad(format!(
            "Parameter `pageSize` must be a whole number, got `{v}`"
        ))),
    }
}

/// `sort`: at most two `field[:asc|desc]`, fields being `@relevance` or a
/// date or number piece.
pub fn sort(p: &Params) -> Result<Vec<SortKey>, V2Error> {
    let Some(v) = p.get("sort") else {
        return Ok(Vec::new());
    };
    let items = list(v);
    if items.len() > 2 {
        return Err(V2Error::bad(
            "Parameter `sort` must contain no more than 2 items",
        ));
    }
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let (name, dir) = match item.split_once(':') {
            Some((n, d)) => (n.trim(), Some(d.trim())),
            None => (*item, None),
        };
        let valid_name = name == "@relevance"
            || (!name.is_empty()
                && name.starts_with(|c: char| c.is_ascii_alphabetic())
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | ' ')));
        let direction = match dir {
            None => None,
            Some("asc") => Some(Direction::Asc),
            Some("desc") => Some(Direction::Desc),
            Some(_) => None,
        };
        if !valid_name || (dir.is_some() && direction.is_none()) {
            return Err(V2Error::bad(format!(
                "Item {} in parameter `sort` has incorrect format",
                i + 1
            )));
        }
        let by = if name == "@relevance" {
            SortBy::Relevance
        } else {
            let piece = super::structure::by_piece(name)
                .or_else(|| super::structure::by_path(name))
                .and_then(|n| NumPiece::from_name(n.piece));
            match piece {
                Some(p) => SortBy::Piece(p),
                None => {
                    return Err(V2Error::bad(format!(
                        "Unknown sort field `{name}` in parameter `sort`; eligo sorts by @relevance and {}",
                        NumPiece::ALL
                            .iter()
                            .map(|p| p.name())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                }
            }
        };
        let default = match by {
            SortBy::Relevance => Direction::Desc,
            SortBy::Piece(p) if p.kind() == NumKind::Date => Direction::Desc,
            SortBy::Piece(_) => Direction::Asc,
        };
        out.push(SortKey {
            by,
            direction: direction.unwrap_or(default),
        });
    }
    Ok(out)
}

/// The parameters of `/api/v2/studies`.
pub const STUDIES_PARAMS: &[&str] = &[
    "format",
    "markupFormat",
    "query.cond",
    "query.term",
    "query.locn",
    "query.titles",
    "query.intr",
    "query.outc",
    "query.spons",
    "query.lead",
    "query.id",
    "filter.overallStatus",
    "filter.geo",
    "filter.ids",
    "filter.advanced",
    "postFilter.overallStatus",
    "postFilter.geo",
    "postFilter.ids",
    "postFilter.advanced",
    "aggFilters",
    "fields",
    "sort",
    "countTotal",
    "pageSize",
    "pageToken",
];

/// A `/studies` request, read.
#[derive(Debug, Clone)]
pub struct Studies {
    pub page: PageRequest,
    pub format: Format,
    pub legacy: bool,
    pub fields: Fields,
    pub count_total: bool,
    /// Identifies the result set (query, filters, sort), so that a page
    /// token is only used with the request that made it.
    pub fingerprint: u64,
}

fn fnv(parts: &[(String, String)]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (k, v) in parts {
        for b in k.bytes().chain([0]).chain(v.bytes()).chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// The token of the page after `cursor`.
pub fn token(fingerprint: u64, cursor: &Cursor) -> String {
    format!("{fingerprint:016x}.{}", cursor.encode())
}

fn statuses(name: &str, v: &str) -> Result<Expr, V2Error> {
    let allowed = super::structure::enum_values("Status").unwrap_or(&[]);
    let mut alternatives = Vec::new();
    for s in list(v) {
        let Some(code) = allowed.iter().find(|a| a.eq_ignore_ascii_case(s)) else {
            return Err(V2Error::bad(format!(
                "Invalid value in parameter `{name}`: `{s}`; one of {}",
                allowed.join(", ")
            )));
        };
        alternatives.push(Expr::Key {
            piece: eligo_search::pieces::KeyPiece::OverallStatus,
            value: (*code).to_string(),
        });
    }
    Ok(if alternatives.is_empty() {
        Expr::All
    } else {
        Expr::Or(alternatives)
    })
}

fn ids(name: &str, v: &str) -> Result<Expr, V2Error> {
    let mut out = Vec::new();
    for id in list(v) {
        let upper = id.to_ascii_uppercase();
        let local = upper
            .strip_prefix("ELIGO-")
            .is_some_and(|h| h.len() == 12 && h.bytes().all(|b| b.is_ascii_hexdigit()));
        if !eligo_model::trial::is_nct_id(&upper) && !local {
            return Err(V2Error::bad(format!(
                "Invalid value in parameter `{name}`: `{id}` is not an NCT number (NCT and 8 digits)"
            )));
        }
        out.push(upper);
    }
    Ok(Expr::Ids(out))
}

fn geo(name: &str, v: &str) -> Result<Near, V2Error> {
    let c: eligo_geo::Circle = v.parse().map_err(|e: eligo_geo::GeoError| {
        V2Error::bad(format!("Invalid value in parameter `{name}`: {e}"))
    })?;
    Ok(Near {
        center: c.center,
        radius: c.radius,
    })
}

/// Read a `/studies` query string.
pub fn studies(p: &Params) -> Result<Studies, V2Error> {
    let format = format(p)?;
    let legacy = legacy(p)?;
    let fields = fields(p, format)?;
    let count_total = boolean(p, "countTotal")?;
    let limit = page_size(p)?;
    let sort = sort(p)?;

    let mut query_parts = Vec::new();
    let mut ids_only = false;
    for (param, area) in QUERY_PARAMS {
        let Some(v) = p.get(param) else { continue };
        if let Some(list) = query::only_ids(v) {
            ids_only = true;
            query_parts.push(Expr::Ids(list));
            continue;
        }
        let e = query::parse(v, area)
            .map_err(|e| V2Error::bad(format!("Error parsing query in {param}: {}", e.0)))?;
        query_parts.push(e);
    }

    let mut filters = Vec::new();
    let mut near = None;
    for prefix in ["filter", "postFilter"] {
        let name = |f: &str| format!("{prefix}.{f}");
        if let Some(v) = p.get(&name("overallStatus")) {
            filters.push(statuses(&name("overallStatus"), v)?);
        }
        if let Some(v) = p.get(&name("ids")) {
            filters.push(ids(&name("ids"), v)?);
        }
        if let Some(v) = p.get(&name("advanced")) {
            let e = query::parse(v, "BasicSearch").map_err(|e| {
                V2Error::bad(format!(
                    "Error parsing query in {}: {}",
                    name("advanced"),
                    e.0
                ))
            })?;
            filters.push(e);
        }
        if let Some(v) = p.get(&name("geo")) {
            if near.is_some() {
                return Err(V2Error::bad(
                    "Parameters `filter.geo` and `postFilter.geo` are given both; give one",
                ));
            }
            near = Some(geo(&name("geo"), v)?);
        }
    }
    if let Some(v) = p.get("aggFilters") {
        filters.push(
            query::agg_filters(v)
                .map_err(|e| V2Error::bad(format!("Parameter `aggFilters`: {}", e.0)))?,
        );
    }
    if ids_only {
        // As the API says: a query of NCT ids alone ignores the filters.
        filters.clear();
        near = None;
    }

    let mut defining: Vec<(String, String)> =
        p.0.iter()
            .filter(|(k, _)| {
                k.starts_with("query.")
                    || k.starts_with("filter.")
                    || k.starts_with("postFilter.")
                    || k == "aggFilters"
                    || k == "sort"
            })
            .cloned()
            .collect();
    defining.sort();
    let fingerprint = fnv(&defining);

    let after = match p.get("pageToken") {
        None => None,
        Some(t) => {
            let bad = || {
                V2Error::bad(
                    "Parameter `pageToken` is not a token this query gave (a nextPageToken works only with the same query, filters and sort)",
                )
            };
            let (fp, rest) = t.trim().split_once('.').ok_or_else(bad)?;
            if u64::from_str_radix(fp, 16).ok() != Some(fingerprint) || fp.len() != 16 {
                return Err(bad());
            }
            let keys = eligo_search::page::effective_sort(&PageRequest {
                query: Expr::and(query_parts.clone()),
                filter: Expr::All,
                near: None,
                sort: sort.clone(),
                after: None,
                limit: 1,
            })
            .len();
            Some(Cursor::decode(rest, keys).ok_or_else(bad)?)
        }
    };

    Ok(Studies {
        page: PageRequest {
            query: Expr::and(query_parts),
            filter: Expr::and(filters),
            near,
            sort,
            after,
            limit,
        },
        format,
        legacy,
        fields,
        count_total,
        fingerprint,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn studies_of(q: &str) -> Result<Studies, V2Error> {
        let uri: axum::http::Uri = format!("/api/v2/studies?{q}").parse().unwrap();
        studies(&read(&uri, STUDIES_PARAMS)?)
    }

    fn message(q: &str) -> String {
        studies_of(q).unwrap_err().message
    }

    #[test]
    fn defaults_and_coercions_follow_the_api() {
        let s = studies_of("").unwrap();
        assert_eq!(s.page.limit, 10);
        assert_eq!(s.format, Format::Json);
        assert!(!s.count_total);
        assert_eq!(studies_of("pageSize=0").unwrap().page.limit, 10);
        assert_eq!(studies_of("pageSize=5000").unwrap().page.limit, 1000);
        let s = studies_of("sort=LastUpdatePostDate,EnrollmentCount").unwrap();
        assert_eq!(
            s.page.sort,
            vec![
                SortKey {
                    by: SortBy::Piece(NumPiece::LastUpdatePostDate),
                    direction: Direction::Desc
                },
                SortKey {
                    by: SortBy::Piece(NumPiece::EnrollmentCount),
                    direction: Direction::Asc
                },
            ]
        );
        // Only NCT ids in a query: the filters are ignored.
        let s = studies_of("query.term=NCT06946485&filter.overallStatus=COMPLETED").unwrap();
        assert_eq!(s.page.filter, Expr::All);
        assert_eq!(s.page.query, Expr::Ids(vec!["NCT06946485".into()]));
    }

    #[test]
    fn bad_parameters_are_named_as_the_api_names_them() {
        assert_eq!(
            message("filter.phase=PHASE3"),
            "`filter.phase` is unknown parameter"
        );
        assert!(
            message("geoDecay=func:exp,scale:300mi,offset:0mi,decay:0.5").contains("not supported")
        );
        assert!(message("pageSize=-1").contains("`pageSize`"));
        assert!(message("pageSize=ten").contains("`pageSize`"));
        assert_eq!(
            message("sort=A:desc,B:desc,C:desc"),
            "Parameter `sort` must contain no more than 2 items"
        );
        assert_eq!(
            message("sort=EnrollmentCount:descending"),
            "Item 1 in parameter `sort` has incorrect format"
        );
        assert!(message("sort=BriefTitle").contains("Unknown sort field `BriefTitle`"));
        assert_eq!(
            message("fields=StudyDesign"),
            "Parameter 'fields' contains invalid field name: 'StudyDesign'"
        );
        assert!(message("filter.overallStatus=OPEN").contains("`filter.overallStatus`"));
        assert!(message("filter.ids=12345").contains("`filter.ids`"));
        assert!(message("filter.geo=distance(95,0,5mi)").contains("`filter.geo`"));
        assert!(
            message("filter.advanced=AREA[Bogus]x")
                .starts_with("Error parsing query in filter.advanced")
        );
        assert!(message("query.cond=(lupus").starts_with("Error parsing query in query.cond"));
        assert!(message("aggFilters=status:xyz").contains("`aggFilters`"));
        assert!(message("countTotal=yes").contains("`countTotal`"));
        assert!(message("format=xml").contains("`format`"));
        assert!(message("pageSize=1&pageSize=2").contains("more than once"));
        assert!(message("pageToken=abc").contains("`pageToken`"));
    }

    #[test]
    fn a_page_token_works_only_with_the_query_that_gave_it() {
        let s = studies_of("query.cond=lupus&sort=EnrollmentCount").unwrap();
        let cursor = eligo_search::page::cursor_for(&s.page.sort, &[Some(15)], "NCT06946485");
        let t = token(s.fingerprint, &cursor);
        let again = studies_of(&format!(
            "query.cond=lupus&sort=EnrollmentCount&pageSize=50&countTotal=true&pageToken={t}"
        ))
        .unwrap();
        assert_eq!(again.page.after, Some(cursor));
        assert!(
            message(&format!(
                "query.cond=asthma&sort=EnrollmentCount&pageToken={t}"
            ))
            .contains("pageToken")
        );
        assert!(message(&format!("query.cond=lupus&pageToken={t}")).contains("pageToken"));
    }
}
