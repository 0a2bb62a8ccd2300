//! The API's descriptions of itself and of the registry: version and data
//! timestamp, study sizes, the data structure (`/studies/metadata`), the
//! search areas, and value statistics of the facet fields.

use super::{V2Error, json, params};
use crate::AppState;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use eligo_search::pieces::KeyPiece;
use eligo_search::query::Expr;
use serde_json::{Value, json};
use std::sync::Mutex;

/// The ClinicalTrials.gov API version whose behaviour eligo follows.
pub const API_VERSION: &str = "2.0.5";

/// `yyyy-MM-dd'T'HH:mm:ss` (UTC) of an RFC 3339 timestamp.
fn data_timestamp(rfc3339: &str) -> Option<String> {
    let t: jiff::Timestamp = rfc3339.parse().ok()?;
    Some(t.strftime("%Y-%m-%dT%H:%M:%S").to_string())
}

/// When the registry last changed: the time the last committed change
/// wrote its rows.
async fn last_change(state: &AppState) -> Result<Option<String>, V2Error> {
    let store = state.store();
    let g = store.generation().await?;
    if g == 0 {
        return Ok(None);
    }
    let changed = store.changed_since(g - 1, None, 1).await?;
    let Some((_, t)) = changed.first() else {
        return Ok(None);
    };
    Ok(store
        .row_info(&t.id)
        .await?
        .and_then(|r| data_timestamp(&r.updated_at)))
}

/// Version: the API version and when the data last changed.
#[utoipa::path(
    get,
    path = "/api/v2/version",
    tag = "ClinicalTrials.gov API v2",
    responses(
        (status = 200, description = "{apiVersion, dataTimestamp}: dataTimestamp (UTC, yyyy-MM-ddTHH:mm:ss) is when the registry last changed, absent for an empty one", body = Object, content_type = "application/json"),
        (status = 400, description = "A query parameter was given", body = String, content_type = "text/plain")
    )
)]
pub async fn version(State(state): State<AppState>, uri: Uri) -> Result<Response, V2Error> {
    params::read(&uri, &[])?;
    let mut v = json!({ "apiVersion": API_VERSION });
    if let Some(t) = last_change(&state).await? {
        v["dataTimestamp"] = Value::String(t);
    }
    Ok(json(v.to_string()))
}

/// Sizes cached per store and generation: computing them reads every record.
static SIZES: Mutex<Option<(String, i64, String)>> = Mutex::new(None);

/// Study Sizes: statistics of the studies' JSON sizes.
#[utoipa::path(
    get,
    path = "/api/v2/stats/size",
    tag = "ClinicalTrials.gov API v2",
    responses(
        (status = 200, description = "{averageSizeBytes, largestStudies, percentiles, ranges, totalStudies}: sizes of the records as /studies/{nctId} serves them (compact JSON, not compressed)", body = Object, content_type = "application/json"),
        (status = 400, description = "A query parameter was given", body = String, content_type = "text/plain")
    )
)]
pub async fn size(State(state): State<AppState>, uri: Uri) -> Result<Response, V2Error> {
    params::read(&uri, &[])?;
    let store = state.store();
    let generation = store.generation().await?;
    let key = store.store_id().to_string();
    if let Ok(cache) = SIZES.lock()
        && let Some((id, g, body)) = cache.as_ref()
        && *id == key
        && *g == generation
    {
        return Ok(json(body.clone()));
    }
    let mut sizes: Vec<(u64, String)> = Vec::new();
    for id in store.list_ids().await? {
        if let Some(mut v) = store.get_raw(&id).await? {
            super::shape::set_apart_derived(&mut v);
            let n = serde_json::to_string(&v).map_or(0, |s| s.len()) as u64;
            sizes.push((n, id));
        }
    }
    let body = size_stats(&mut sizes).to_string();
    if let Ok(mut cache) = SIZES.lock() {
        *cache = Some((key, generation, body.clone()));
    }
    Ok(json(body))
}

/// The statistics of `sizes` (bytes, id).
fn size_stats(sizes: &mut [(u64, String)]) -> Value {
    sizes.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let total = sizes.len() as u64;
    let sum: u64 = sizes.iter().map(|(n, _)| n).sum();
    let mut ascending: Vec<u64> = sizes.iter().map(|(n, _)| *n).collect();
    ascending.reverse();
    let mut percentiles = serde_json::Map::new();
    if !ascending.is_empty() {
        for p in [5u64, 10, 25, 50, 75, 90, 95] {
            // Nearest rank.
            let rank = (p * total).div_ceil(100).max(1) as usize;
            percentiles.insert(p.to_string(), json!(ascending[rank - 1]));
        }
    }
    let kb = 1024u64;
    let bounds = [
        0,
        kb,
        2 * kb,
        5 * kb,
        10 * kb,
        20 * kb,
        50 * kb,
        100 * kb,
        200 * kb,
        500 * kb,
        1024 * kb,
    ];
    let label = |b: u64| {
        if b >= 1024 * kb {
            format!("{}MB", b / (1024 * kb))
        } else {
            format!("{}KB", b / kb)
        }
    };
    let mut ranges = Vec::new();
    for (i, lo) in bounds.iter().enumerate() {
        let hi = bounds.get(i + 1).copied();
        let count = ascending
            .iter()
            .filter(|n| **n >= *lo && hi.is_none_or(|h| **n < h))
            .count();
        if count > 0 {
            let range = match hi {
                Some(h) => format!("{}-{}", label(*lo), label(h)),
                None => format!("{}+", label(*lo)),
            };
            ranges.push(json!({ "sizeRange": range, "studiesCount": count }));
        }
    }
    json!({
        "averageSizeBytes": sum.checked_div(total).unwrap_or(0),
        "largestStudies": sizes.iter().take(10).map(|(n, id)| json!({"id": id, "sizeBytes": n})).collect::<Vec<_>>(),
        "percentiles": percentiles,
        "ranges": ranges,
        "totalStudies": total,
    })
}

fn node_json(n: &'static super::structure::Node) -> Value {
    let mut v = json!({
        "name": n.name(),
        "piece": n.piece,
        "sourceType": n.source_type(),
        "type": n.ty,
    });
    if n.enum_values().is_some() {
        v["isEnum"] = json!(true);
    }
    let children: Vec<Value> = super::structure::children(n.path).map(node_json).collect();
    if !children.is_empty() {
        v["children"] = Value::Array(children);
    }
    v
}

/// Data Model Fields: the data structure eligo serves.
#[utoipa::path(
    get,
    path = "/api/v2/studies/metadata",
    tag = "ClinicalTrials.gov API v2",
    params(
        ("includeIndexedOnly" = Option<bool>, Query, description = "Accepted; eligo has no indexed-only fields"),
        ("includeHistoricOnly" = Option<bool>, Query, description = "Accepted; eligo has no historic-only fields")
    ),
    responses(
        (status = 200, description = "The field tree: [{name, piece, sourceType, type, isEnum?, children?}]", body = Object, content_type = "application/json"),
        (status = 400, description = "A bad parameter, named in the text", body = String, content_type = "text/plain")
    )
)]
pub async fn metadata(uri: Uri) -> Result<Response, V2Error> {
    let p = params::read(&uri, &["includeIndexedOnly", "includeHistoricOnly"])?;
    params::boolean(&p, "includeIndexedOnly")?;
    params::boolean(&p, "includeHistoricOnly")?;
    let tree: Vec<Value> = super::structure::children("").map(node_json).collect();
    Ok(json(Value::Array(tree).to_string()))
}

/// Search Areas: the areas `query.*` search, with their pieces and weights.
#[utoipa::path(
    get,
    path = "/api/v2/studies/search-areas",
    tag = "ClinicalTrials.gov API v2",
    responses(
        (status = 200, description = "[{name: \"Study\", areas: [{name, param, uiLabel, parts: [{pieces, type, isEnum, isSynonyms, weight}]}]}]", body = Object, content_type = "application/json"),
        (status = 400, description = "A query parameter was given", body = String, content_type = "text/plain")
    )
)]
pub async fn search_areas(uri: Uri) -> Result<Response, V2Error> {
    params::read(&uri, &[])?;
    let areas: Vec<Value> = super::query::AREAS
        .iter()
        .map(|a| {
            let parts: Vec<Value> = a
                .parts
                .iter()
                .map(|(pieces, weight)| {
                    let ty = pieces
                        .first()
                        .and_then(|p| super::structure::by_piece(p.name()))
                        .map_or("text", |n| n.base_type());
                    json!({
                        "pieces": pieces.iter().map(|p| p.name()).collect::<Vec<_>>(),
                        "type": ty,
                        "isEnum": false,
                        "isSynonyms": false,
                        "weight": weight,
                    })
                })
                .collect();
            let mut v = json!({ "name": a.name, "parts": parts });
            if let Some(p) = a.param {
                v["param"] = json!(p);
            }
            if let Some(l) = a.ui_label {
                v["uiLabel"] = json!(l);
            }
            v
        })
        .collect();
    Ok(json(
        json!([{ "name": "Study", "areas": areas }]).to_string(),
    ))
}

/// The fields `/stats/field/values` describes: the facets of `aggFilters`.
const FACET_FIELDS: &[KeyPiece] = &[
    KeyPiece::OverallStatus,
    KeyPiece::Phase,
    KeyPiece::StudyType,
    KeyPiece::Sex,
    KeyPiece::HealthyVolunteers,
    KeyPiece::HasResults,
];

/// Field Values: value statistics of the facet fields.
#[utoipa::path(
    get,
    path = "/api/v2/stats/field/values",
    tag = "ClinicalTrials.gov API v2",
    params(
        ("fields" = Option<String>, Query, description = "Comma- or pipe-separated piece names or paths of OverallStatus, Phase, StudyType, Sex, HealthyVolunteers, HasResults; all of them when absent"),
        ("types" = Option<String>, Query, description = "Comma- or pipe-separated types to keep: ENUM, BOOLEAN (also STRING, DATE, INTEGER, NUMBER, which select none)")
    ),
    responses(
        (status = 200, description = "[{type: ENUM, piece, field, missingStudiesCount, uniqueValuesCount, topValues: [{value, studiesCount}]} or {type: BOOLEAN, piece, field, missingStudiesCount, trueCount, falseCount}]", body = Object, content_type = "application/json"),
        (status = 400, description = "A bad parameter, named in the text", body = String, content_type = "text/plain"),
        (status = 404, description = "A field the data structure does not have", body = String, content_type = "text/plain")
    )
)]
pub async fn field_values(State(state): State<AppState>, uri: Uri) -> Result<Response, V2Error> {
    let p = params::read(&uri, &["fields", "types"])?;
    let mut wanted: Vec<KeyPiece> = Vec::new();
    match p.get("fields") {
        None => wanted.extend(FACET_FIELDS),
        Some(v) => {
            for name in params::list(v) {
                let node = super::structure::by_piece(name)
                    .or_else(|| super::structure::by_path(name))
                    .ok_or_else(|| {
                        V2Error::not_found(format!("Unknown piece name of field path: {name}"))
                    })?;
                let piece = FACET_FIELDS
                    .iter()
                    .copied()
                    .find(|k| k.name() == node.piece)
                    .ok_or_else(|| {
                        V2Error::bad(format!(
                            "Parameter `fields`: eligo gives value statistics of {} only, not {}",
                            FACET_FIELDS
                                .iter()
                                .map(|k| k.name())
                                .collect::<Vec<_>>()
                                .join(", "),
                            node.piece
                        ))
                    })?;
                if !wanted.contains(&piece) {
                    wanted.push(piece);
                }
            }
        }
    }
    let types: Option<Vec<String>> = match p.get("types") {
        None => None,
        Some(v) => {
            let mut out = Vec::new();
            for t in params::list(v) {
                let t = t.to_ascii_uppercase();
                if !["ENUM", "STRING", "DATE", "INTEGER", "NUMBER", "BOOLEAN"].contains(&t.as_str())
                {
                    return Err(V2Error::bad(format!(
                        "Invalid value in parameter `types`: `{t}`; one of ENUM, STRING, DATE, INTEGER, NUMBER, BOOLEAN"
                    )));
                }
                out.push(t);
            }
            Some(out)
        }
    };
    super::fresh_index(&state).await?;
    let index = state.index();
    let total = index.count(&Expr::All)?;
    let mut out = Vec::new();
    for piece in wanted {
        let Some(node) = super::structure::by_piece(piece.name()) else {
            continue;
        };
        let boolean = node.base_type() == "boolean";
        let ty = if boolean { "BOOLEAN" } else { "ENUM" };
        if types.as_ref().is_some_and(|t| !t.iter().any(|x| x == ty)) {
            continue;
        }
        let key = |value: &str| Expr::Key {
            piece,
            value: value.to_string(),
        };
        if boolean {
            let yes = index.count(&key("true"))?;
            let no = index.count(&key("false"))?;
            out.push(json!({
                "type": ty, "piece": node.piece, "field": node.path,
                "missingStudiesCount": total.saturating_sub(index.count(&Expr::Or(vec![key("true"), key("false")]))?),
                "trueCount": yes, "falseCount": no,
            }));
            continue;
        }
        let values = node.enum_values().unwrap_or(&[]);
        let mut counts = Vec::new();
        for v in values {
            let n = index.count(&key(v))?;
            if n > 0 {
                counts.push((n, *v));
            }
        }
        counts.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        let with_value = index.count(&Expr::Or(values.iter().map(|v| key(v)).collect()))?;
        out.push(json!({
            "type": ty, "piece": node.piece, "field": node.path,
            "missingStudiesCount": total.saturating_sub(with_value),
            "uniqueValuesCount": counts.len(),
            "topValues": counts.iter().map(|(n, v)| json!({"value": v, "studiesCount": n})).collect::<Vec<_>>(),
        }));
    }
    Ok(json(Value::Array(out).to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_written_as_the_api_writes_them() {
        assert_eq!(
            data_timestamp("2026-12-07T10:52:25.123456Z").as_deref(),
            Some("2026-12-07T10:52:25")
        );
        assert_eq!(data_timestamp("yesterday"), None);
    }

    #[test]
    fn size_statistics_count_every_study_once() {
        let mut sizes: Vec<(u64, String)> = (1..=100u64)
            .map(|i| (i * 1000, format!("NCT{i:08}")))
            .collect();
        let v = size_stats(&mut sizes);
        assert_eq!(v["totalStudies"], 100);
        assert_eq!(v["averageSizeBytes"], 50_500);
        assert_eq!(v["percentiles"]["50"], 50_000);
        assert_eq!(v["largestStudies"][0]["id"], "NCT00000100");
        let counted: u64 = v["ranges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["studiesCount"].as_u64().unwrap())
            .sum();
        assert_eq!(counted, 100);
    }
}
