//! `/api/v2`: a faithful subset of the ClinicalTrials.gov API v2, so that
//! clients written for the registry work against eligo by changing their
//! base URL. Its documented behaviour is the spec: parameter names and
//! defaults, the JSON and CSV shapes, and errors as plain text with a 400
//! naming the parameter (404 for an unknown study). What eligo serves and
//! how it differs is in docs/server.md ("API v2 compatibility").
//!
//! - [`params`]: query strings → a page request.
//! - [`query`]: search areas, the Essie subset and `aggFilters` → the
//!   search crate's [`eligo_search::query::Expr`].
//! - [`structure`]: the data structure (pieces, paths, types).
//! - [`shape`]: a stored record → the JSON served; [`csv`]: → a CSV row.
//! - [`info`]: version, sizes, metadata, search areas, value statistics.
//!
//! Studies are the records as imported (`Store::get_raw`); the search
//! index finds and orders them.

pub mod csv;
pub mod info;
pub mod params;
mod pick;
pub mod query;
pub mod shape;
pub mod structure;

use crate::{AppError, AppState};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use params::{Fields, Format, Studies};
use serde_json::Value;
use utoipa::OpenApi;

/// An API v2 error: the status and a plain-text message, as the real API
/// answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct V2Error {
    pub status: StatusCode,
    pub message: String,
}

impl V2Error {
    pub fn bad(message: impl Into<String>) -> Self {
        V2Error {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        V2Error {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
        }
    }
}

impl From<AppError> for V2Error {
    fn from(e: AppError) -> Self {
        V2Error {
            status: e.status,
            message: e.message,
        }
    }
}

impl From<eligo_store::StoreError> for V2Error {
    fn from(e: eligo_store::StoreError) -> Self {
        AppError::from(e).into()
    }
}

impl From<eligo_search::SearchError> for V2Error {
    fn from(e: eligo_search::SearchError) -> Self {
        AppError::from(e).into()
    }
}

impl IntoResponse for V2Error {
    fn into_response(self) -> Response {
        text(self.status, "text/plain; charset=utf-8", self.message)
    }
}

fn text(status: StatusCode, content_type: &'static str, body: String) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

fn json(body: String) -> Response {
    text(StatusCode::OK, "application/json", body)
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v2/studies", get(studies))
        .route("/api/v2/studies/metadata", get(info::metadata))
        .route("/api/v2/studies/search-areas", get(info::search_areas))
        .route("/api/v2/studies/{nct_id}", get(study))
        .route("/api/v2/version", get(info::version))
        .route("/api/v2/stats/size", get(info::size))
        .route("/api/v2/stats/field/values", get(info::field_values))
        .route("/api/v2", get(unknown))
        .route("/api/v2/{*rest}", get(unknown))
}

async fn unknown(uri: Uri) -> V2Error {
    V2Error::not_found(format!(
        "{} is not an endpoint of eligo's API v2 (see /api/docs)",
        uri.path()
    ))
}

/// The API v2 part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(
        studies,
        study,
        info::version,
        info::size,
        info::metadata,
        info::search_areas,
        info::field_values
    ),
    modifiers(&GeoCredit),
    tags((name = "ClinicalTrials.gov API v2", description = "A subset of the ClinicalTrials.gov API v2 (https://clinicaltrials.gov/data-api/api): clients of the registry work against eligo by changing their base URL to /api/v2. Differences are listed in docs/server.md, \"API v2 compatibility\"."))
)]
pub struct V2Doc;

/// Bring the search index up to the store's generation when it lags, the
/// way every front end does (through the catalog). /api/v2 needs only the
/// index, so when it is current the catalog (trials with their compiled
/// criteria) is not loaded at all.
pub(crate) async fn fresh_index(state: &AppState) -> Result<(), V2Error> {
    let store = state.store();
    let generation = store.generation().await?;
    let current = state
        .index()
        .state()
        .is_some_and(|s| s.generation == generation && s.store_id == store.store_id());
    if !current {
        state.catalog().await?;
    }
    Ok(())
}

/// The GeoNames credit (CC BY 4.0) on the parameters that place sites.
struct GeoCredit;

impl utoipa::Modify for GeoCredit {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let Some(op) = doc
            .paths
            .paths
            .get_mut("/api/v2/studies")
            .and_then(|p| p.get.as_mut())
        else {
            return;
        };
        for p in op.parameters.iter_mut().flatten() {
            let utoipa::openapi::RefOr::T(p) = p else {
                continue;
            };
            if p.name.ends_with(".geo") {
                let d = p.description.take().unwrap_or_default();
                p.description = Some(format!("{d} {}", eligo_geo::ATTRIBUTION));
            }
        }
    }
}

/// The stored texts of the records of `ids`, in order (a record the store
/// no longer has is left out), read in one query.
async fn record_texts(state: &AppState, ids: &[String]) -> Result<Vec<(String, String)>, V2Error> {
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    Ok(state.store().get_raw_texts(&ids).await?)
}

/// A stored record as served, parsed.
fn parsed(text: &str) -> Result<Value, V2Error> {
    let mut v: Value = serde_json::from_str(text).map_err(AppError::internal)?;
    shape::set_apart_derived(&mut v);
    Ok(v)
}

/// A stored record as served, as JSON text. The store keeps the text
/// `serde_json` wrote, so a record with nothing to set apart is served as
/// it is, without parsing and writing it again (most of a page's time).
fn served_text(text: String) -> Result<String, V2Error> {
    if shape::may_have_derived(&text) {
        serde_json::to_string(&parsed(&text)?).map_err(|e| AppError::internal(e).into())
    } else {
        Ok(text)
    }
}

/// A stored record as served, parsed only as far as `paths` reach: the
/// same as [`parsed`] on those paths. A record with values eligo derived
/// is parsed whole (they are set apart anywhere in it).
fn parsed_for(text: &str, paths: &[&str]) -> Result<Value, V2Error> {
    if shape::may_have_derived(text) {
        parsed(text)
    } else {
        pick::parse(text, paths).map_err(|e| AppError::internal(e).into())
    }
}

/// The paths a field selection reads: those selected, and the NCT number
/// ([`shaped`] looks for it).
fn selection_paths(paths: &[String]) -> Vec<&str> {
    paths.iter().map(String::as_str).chain([NCT_PATH]).collect()
}

const NCT_PATH: &str = "protocolSection.identificationModule.nctId";

/// The records of `ids` as served, in order.
async fn records(state: &AppState, ids: &[String]) -> Result<Vec<Value>, V2Error> {
    record_texts(state, ids)
        .await?
        .iter()
        .map(|(_, t)| parsed(t))
        .collect()
}

/// The record of study `id` as asked: its markup, the fields chosen. A
/// selection from a record without an NCT number (one written from a
/// registry page) carries the study's eligo id as `eligo.id`, so that a
/// client asking for `NCTId` can still tell the studies apart.
fn shaped(id: &str, mut v: Value, fields: &Fields, legacy: bool) -> Value {
    if legacy {
        shape::to_legacy(&mut v);
    }
    match fields {
        Fields::Paths(paths) => {
            let mut out =
                shape::select(&v, paths).unwrap_or_else(|| Value::Object(Default::default()));
            let has_nct = v
                .pointer("/protocolSection/identificationModule/nctId")
                .is_some_and(Value::is_string);
            if !has_nct && let Value::Object(o) = &mut out {
                let eligo = o
                    .entry("eligo")
                    .or_insert_with(|| Value::Object(Default::default()));
                if let Value::Object(e) = eligo {
                    e.insert("id".into(), Value::String(id.to_string()));
                }
            }
            out
        }
        _ => v,
    }
}

fn csv_rows(records: &[Value], columns: &[&'static str], header: bool) -> String {
    let mut out = String::new();
    if header {
        out.push_str(&csv::line(columns.iter().copied()));
    }
    for r in records {
        out.push_str(&csv_row(r, columns));
    }
    out
}

/// One record's line of a CSV table.
fn csv_row(record: &Value, columns: &[&'static str]) -> String {
    let cells: Vec<String> = columns.iter().map(|c| csv::value(record, c)).collect();
    csv::line(cells.iter().map(String::as_str))
}

/// A CSV page of stored records: each record parsed as far as the columns
/// read and written as a row, on every core (a page of 100 rows is
/// milliseconds of CPU, kept off the runtime's workers by the caller).
fn csv_page(
    texts: &[(String, String)],
    columns: &[&'static str],
    header: bool,
) -> Result<String, V2Error> {
    let rows = eligo_matcher::parallel_map(texts, |(_, t)| {
        parsed_for(t, csv::PATHS).map(|r| csv_row(&r, columns))
    });
    let mut out = csv_rows(&[], columns, header);
    for row in rows {
        out.push_str(&row?);
    }
    Ok(out)
}

/// Studies: one page of the studies matching the query and filters.
#[utoipa::path(
    get,
    path = "/api/v2/studies",
    tag = "ClinicalTrials.gov API v2",
    params(
        ("format" = Option<String>, Query, description = "json (default) or csv: one page as a CSV table with the site's column names, a header row on the first page only"),
        ("markupFormat" = Option<String>, Query, description = "markdown (default) or legacy: markup fields without markdown escapes"),
        ("query.cond" = Option<String>, Query, description = "Conditions or disease, in the Essie expression subset (ConditionSearch area)"),
        ("query.term" = Option<String>, Query, description = "Other terms (BasicSearch area), e.g. AREA[LastUpdatePostDate]RANGE[2023-01-15,MAX]"),
        ("query.locn" = Option<String>, Query, description = "Location terms (LocationSearch area)"),
        ("query.titles" = Option<String>, Query, description = "Title / acronym (TitleSearch area)"),
        ("query.intr" = Option<String>, Query, description = "Intervention / treatment (InterventionSearch area)"),
        ("query.outc" = Option<String>, Query, description = "Outcome measure (OutcomeSearch area)"),
        ("query.spons" = Option<String>, Query, description = "Sponsor / collaborator (SponsorSearch area)"),
        ("query.lead" = Option<String>, Query, description = "Lead sponsor name (LeadSponsorName field)"),
        ("query.id" = Option<String>, Query, description = "Study ids (IdSearch area). A query of NCT ids alone makes the filters ignored."),
        ("filter.overallStatus" = Option<String>, Query, description = "Comma- or pipe-separated statuses, e.g. NOT_YET_RECRUITING|RECRUITING"),
        ("filter.geo" = Option<String>, Query, description = "distance(latitude,longitude,distance), e.g. distance(32.06,118.78,50mi): studies with a site within the distance (great-circle). Sites without a geoPoint are placed from their city, state and country with eligo's gazetteer."),
        ("filter.ids" = Option<String>, Query, description = "Comma- or pipe-separated NCT numbers"),
        ("filter.advanced" = Option<String>, Query, description = "An Essie expression: AREA[Field]value, RANGE[a, b], MISSING, AND, OR, NOT, parentheses, quoted phrases; e.g. AREA[Phase]PHASE2 AND AREA[StartDate]RANGE[2022, MAX]"),
        ("postFilter.overallStatus" = Option<String>, Query, description = "As filter.overallStatus"),
        ("postFilter.geo" = Option<String>, Query, description = "As filter.geo"),
        ("postFilter.ids" = Option<String>, Query, description = "As filter.ids"),
        ("postFilter.advanced" = Option<String>, Query, description = "As filter.advanced"),
        ("aggFilters" = Option<String>, Query, description = "filter_id:options pairs, comma-separated, options space-separated: status (rec, not, act, enr, com, sus, ter, wit, unk, ava, nla, tna, afm, whe), phase (0 1 2 3 4 na), studyType (int obs exp), sex (f m all), healthy (y), results (with without); e.g. status:not rec,phase:2 3"),
        ("fields" = Option<String>, Query, description = "Comma- or pipe-separated piece names, field paths or area names (CSV: column names); all fields when absent"),
        ("sort" = Option<String>, Query, description = "Up to 2 of @relevance or a date or number field, each with :asc or :desc (dates and @relevance default to desc, numbers to asc); studies missing the field come last. Without sort: relevance when a query has text, else NCT number order."),
        ("countTotal" = Option<bool>, Query, description = "Return totalCount with the first page (CSV: x-total-count header)"),
        ("pageSize" = Option<i32>, Query, description = "Studies per page: 0 or absent is 10, more than 1000 is 1000", minimum = 0),
        ("pageToken" = Option<String>, Query, description = "The nextPageToken of the previous page (CSV: x-next-page-token header), with the same query, filters and sort")
    ),
    responses(
        (status = 200, description = "{totalCount?, studies, nextPageToken?}; nextPageToken is absent on the last page", body = Object, content_type = "application/json"),
        (status = 400, description = "A bad parameter, named in the text", body = String, content_type = "text/plain")
    )
)]
pub async fn studies(State(state): State<AppState>, uri: Uri) -> Result<Response, V2Error> {
    let p = params::read(&uri, params::STUDIES_PARAMS)?;
    let req: Studies = params::studies(&p)?;
    let first_page = req.page.after.is_none();
    fresh_index(&state).await?;
    let page = state.index().page(&req.page)?;
    let texts = record_texts(&state, &page.ids).await?;
    let next = page
        .next
        .as_ref()
        .map(|c| params::token(req.fingerprint, c));
    let total = (req.count_total && first_page).then_some(page.total);
    match (req.format, &req.fields) {
        (Format::Csv, Fields::Columns(cols)) => {
            let cols = cols.clone();
            let body = tokio::task::spawn_blocking(move || csv_page(&texts, &cols, first_page))
                .await
                .map_err(AppError::internal)??;
            let mut r = text(StatusCode::OK, "text/csv; charset=utf-8", body);
            if let Some(t) = next.as_deref().and_then(|t| HeaderValue::from_str(t).ok()) {
                r.headers_mut().insert("x-next-page-token", t);
            }
            if let Some(n) = total {
                r.headers_mut()
                    .insert("x-total-count", HeaderValue::from(n));
            }
            Ok(r)
        }
        _ => {
            let mut body = String::from("{");
            if let Some(n) = total {
                body.push_str(&format!("\"totalCount\":{n},"));
            }
            body.push_str("\"studies\":[");
            let as_stored = matches!(req.fields, Fields::All) && !req.legacy;
            let picked = match &req.fields {
                Fields::Paths(p) => Some(selection_paths(p)),
                _ => None,
            };
            for (i, (id, t)) in texts.into_iter().enumerate() {
                if i > 0 {
                    body.push(',');
                }
                if as_stored {
                    body.push_str(&served_text(t)?);
                } else {
                    let v = match &picked {
                        Some(paths) => parsed_for(&t, paths)?,
                        None => parsed(&t)?,
                    };
                    let v = shaped(&id, v, &req.fields, req.legacy);
                    body.push_str(&serde_json::to_string(&v).map_err(AppError::internal)?);
                }
            }
            body.push(']');
            if let Some(t) = next {
                body.push_str(&format!(",\"nextPageToken\":{}", Value::String(t)));
            }
            body.push('}');
            Ok(json(body))
        }
    }
}

/// The id in a `/studies/{nctId}` path: an NCT number as the API reads it
/// (`nct`, leading zeros optional), or an eligo local id.
pub fn study_id(s: &str) -> Option<String> {
    let s = s.trim();
    let upper = s.to_ascii_uppercase();
    if let Some(digits) = upper.strip_prefix("NCT") {
        let n: u64 = (!digits.is_empty()
            && digits.len() <= 8 + 8
            && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()?;
        return (1..100_000_000).contains(&n).then(|| format!("NCT{n:08}"));
    }
    let hex = upper.strip_prefix("ELIGO-")?;
    (hex.len() == 12 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then_some(upper)
}

/// Single Study: the stored record as imported.
#[utoipa::path(
    get,
    path = "/api/v2/studies/{nctId}",
    tag = "ClinicalTrials.gov API v2",
    params(
        ("nctId" = String, Path, description = "NCT number (e.g. NCT06946485), or an eligo local id (ELIGO-...) for a record without one", max_length = 32),
        ("format" = Option<String>, Query, description = "json (default) or csv"),
        ("markupFormat" = Option<String>, Query, description = "markdown (default) or legacy"),
        ("fields" = Option<String>, Query, description = "Comma- or pipe-separated piece names, field paths or area names (CSV: column names)")
    ),
    responses(
        (status = 200, description = "The study record as imported (values eligo derived are set apart in its eligo.derived list)", body = Object, content_type = "application/json"),
        (status = 400, description = "A bad parameter or id, named in the text", body = String, content_type = "text/plain"),
        (status = 404, description = "No such study", body = String, content_type = "text/plain")
    )
)]
pub async fn study(
    State(state): State<AppState>,
    Path(nct_id): Path<String>,
    uri: Uri,
) -> Result<Response, V2Error> {
    let p = params::read(&uri, &["format", "markupFormat", "fields"])?;
    let format = params::format(&p)?;
    let legacy = params::legacy(&p)?;
    let fields = params::fields(&p, format)?;
    let id = study_id(&nct_id).ok_or_else(|| {
        V2Error::bad(format!(
            "Parameter `nctId` has incorrect format: `{}` is not an NCT number (NCT and up to 8 digits, e.g. NCT04000165)",
            nct_id.chars().take(40).collect::<String>()
        ))
    })?;
    let found = records(&state, std::slice::from_ref(&id)).await?;
    let Some(record) = found.into_iter().next() else {
        return Err(V2Error::not_found(format!("Study {id} not found")));
    };
    Ok(match (format, &fields) {
        (Format::Csv, Fields::Columns(cols)) => text(
            StatusCode::OK,
            "text/csv; charset=utf-8",
            csv_rows(&[record], cols, true),
        ),
        _ => json(
            serde_json::to_string(&shaped(&id, record, &fields, legacy))
                .map_err(AppError::internal)?,
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record of the sample (real ClinicalTrials.gov v2 records and
    /// the seed pages' records) as the store keeps it: `serde_json`'s text.
    fn sample_texts() -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ctgov/sample");
        let mut out = Vec::new();
        for dir in ["ctgov", "seeds"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
                continue;
            };
            for e in entries.flatten() {
                let path = e.path();
                if path.extension().is_some_and(|x| x == "json") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    let v: Value = serde_json::from_str(&text).unwrap();
                    out.push(serde_json::to_string(&v).unwrap());
                }
            }
        }
        assert!(out.len() >= 19, "{} sample records", out.len());
        out
    }

    /// A CSV page and a field selection read from the paths they need give
    /// the bytes the whole record gives, for every sample record.
    #[test]
    fn partial_parses_serve_what_whole_records_serve() {
        let mut selections: Vec<Vec<String>> = structure::NODES
            .iter()
            .map(|n| vec![n.path.to_string()])
            .collect();
        selections.push(vec![
            "protocolSection.identificationModule.briefTitle".into(),
            "protocolSection.eligibilityModule".into(),
            "derivedSection".into(),
        ]);
        for text in sample_texts() {
            let whole = parsed(&text).unwrap();
            let id = whole
                .pointer("/protocolSection/identificationModule/nctId")
                .and_then(Value::as_str)
                .unwrap_or("ELIGO-000000000000")
                .to_string();
            let part = parsed_for(&text, csv::PATHS).unwrap();
            assert_eq!(
                csv_rows(std::slice::from_ref(&part), csv::COLUMNS, true),
                csv_rows(std::slice::from_ref(&whole), csv::COLUMNS, true),
                "{id}"
            );
            for paths in &selections {
                for legacy in [false, true] {
                    let fields = Fields::Paths(paths.clone());
                    let part = parsed_for(&text, &selection_paths(paths)).unwrap();
                    assert_eq!(
                        shaped(&id, part, &fields, legacy),
                        shaped(&id, whole.clone(), &fields, legacy),
                        "{id} {paths:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn study_ids_are_read_as_the_api_reads_them() {
        assert_eq!(study_id("NCT06946485").as_deref(), Some("NCT06946485"));
        assert_eq!(study_id("nct6946485").as_deref(), Some("NCT06946485"));
        assert_eq!(study_id("NCT000000001").as_deref(), Some("NCT00000001"));
        assert_eq!(
            study_id("ELIGO-0a1b2c3d4e5f").as_deref(),
            Some("ELIGO-0A1B2C3D4E5F")
        );
        assert_eq!(study_id("NCT0"), None);
        assert_eq!(study_id("NCT123456789"), None);
        assert_eq!(study_id("lupus"), None);
        assert_eq!(study_id("NCT"), None);
    }
}
