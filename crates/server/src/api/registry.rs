//! Registry endpoints: search, one trial, its compiled criteria.

use super::*;

#[derive(Serialize, ToSchema)]
pub struct SnippetDto {
    /// summary, criteria, description, conditions or title.
    pub field: String,
    pub text: String,
    /// Byte ranges `[start, end)` of `text` that matched.
    pub highlights: Vec<Vec<u64>>,
}

#[derive(Serialize, ToSchema)]
pub struct HitDto {
    pub id: String,
    pub title: String,
    /// Overall status code, e.g. RECRUITING; absent when the record states
    /// none (a trial known here by id and title only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The record is known only in part (e.g. by id and title); such hits
    /// rank below the others.
    pub partial: bool,
    pub phases: Vec<String>,
    pub score: f32,
    pub snippet: Option<SnippetDto>,
    /// The trial's page.
    pub url: String,
    /// Kilometres from `near` to the trial's nearest located site (any
    /// site status), when `near` is given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_km: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct FacetDto {
    pub value: String,
    pub count: u64,
}

#[derive(Serialize, ToSchema)]
pub struct SearchResponse {
    /// Trials matching (not only this page).
    pub total: u64,
    pub limit: u64,
    pub offset: u64,
    pub hits: Vec<HitDto>,
    /// Per dimension (status, phase, study_type, condition, antigen, sex, country).
    pub facets: BTreeMap<String, Vec<FacetDto>>,
    /// A close spelling of the query's words when some appear in no
    /// trial ("lupis" → "lupus"); search again with it to use it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub did_you_mean: Option<String>,
    /// The place `near` was read as.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub near: Option<String>,
}

/// Search parameters taking one value; `status` and `phase` repeat.
pub(crate) const SEARCH_PARAMS: &[&str] = &[
    "q",
    "type",
    "condition",
    "antigen",
    "age",
    "sex",
    "country",
    "limit",
    "offset",
    "near",
    "within",
    "sort",
];

/// Full-text search with filters and facet counts.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "registry",
    params(
        ("q" = Option<String>, Query, description = "Words to search for; empty lists every trial passing the filters", max_length = 500),
        ("status" = Option<Vec<String>>, Query, description = "Overall status code (repeat for any of several), e.g. RECRUITING", explode = true),
        ("phase" = Option<Vec<String>>, Query, description = "Phase code (repeat), e.g. PHASE1", explode = true),
        ("type" = Option<String>, Query, description = "Study type: INTERVENTIONAL, OBSERVATIONAL or EXPANDED_ACCESS"),
        ("condition" = Option<String>, Query, description = "Words of a condition, as a phrase", max_length = 200),
        ("antigen" = Option<String>, Query, description = "Target antigen, e.g. CD19", max_length = 200),
        ("age" = Option<f64>, Query, description = "A patient's age in years: trials whose range includes it", minimum = 0, maximum = 150),
        ("sex" = Option<String>, Query, description = "female or male: trials open to it"),
        ("country" = Option<String>, Query, description = "A country with a site", max_length = 200),
        ("limit" = Option<u32>, Query, description = "Hits per page (default 20)", minimum = 1, maximum = 100),
        ("offset" = Option<u32>, Query, description = "Hits to skip (default 0)", minimum = 0, maximum = 10000),
        ("near" = Option<String>, Query, description = "A place (town or city in any script, \"Paris, Texas\", or \"lat,lon\") to measure distances from", max_length = 200),
        ("within" = Option<String>, Query, description = "Only trials with a located site this close to `near`, e.g. 200km or 50mi", max_length = 40),
        ("sort" = Option<String>, Query, description = "relevance (default), recruiting (recruiting first), nearest (needs `near`) or updated (last updated first)")
    ),
    responses(
        (status = 200, description = "Hits, total and facets", body = SearchResponse),
        (status = 400, description = "A malformed parameter (named in `field`)", body = ErrorBody)
    )
)]
pub async fn search(
    State(state): State<AppState>,
    uri: Uri,
) -> Result<Json<SearchResponse>, AppError> {
    let p = Params::from_uri(&uri)?;
    p.only(SEARCH_PARAMS, &["status", "phase"])?;
    let q = p.text("q")?.unwrap_or_default();
    if q.chars().count() > 500 {
        return Err(AppError::field("q", "longer than 500 characters"));
    }
    let filters = p.filters()?;
    let limit = p.usize_in("limit", 20, 1, 100)?;
    let offset = p.usize_in("offset", 0, 0, 10_000)?;
    let (how, near) = crate::find::page::api_arrangement(&p)?;
    state.catalog().await?;
    let did_you_mean = state.index().suggest(&q)?;
    let res = state.index().search_arranged(
        &SearchRequest {
            query: q,
            filters,
            limit,
            offset,
            facet_limit: 20,
        },
        &how,
    )?;
    Ok(Json(SearchResponse {
        did_you_mean,
        near,
        total: res.total as u64,
        limit: limit as u64,
        offset: offset as u64,
        hits: res
            .hits
            .into_iter()
            .map(|h| HitDto {
                url: crate::web::trial_href(&h.id),
                id: h.id,
                title: h.title,
                status: h.status,
                partial: h.partial,
                phases: h.phases,
                score: if h.score.is_finite() { h.score } else { 0.0 },
                distance_km: h.distance_km,
                snippet: h.snippet.map(|s| SnippetDto {
                    field: s.field,
                    text: s.text,
                    highlights: s
                        .highlights
                        .iter()
                        .map(|[a, b]| vec![*a as u64, *b as u64])
                        .collect(),
                }),
            })
            .collect(),
        facets: res
            .facets
            .into_iter()
            .map(|(k, v)| {
                (
                    k,
                    v.into_iter()
                        .map(|f| FacetDto {
                            value: f.value,
                            count: f.count,
                        })
                        .collect(),
                )
            })
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct PlainSummary {
    pub text: String,
    /// Flesch-Kincaid grade of `text` (at most 9).
    pub grade: f64,
}

#[derive(Serialize, ToSchema)]
pub struct RelatedDto {
    pub id: String,
    pub title: Option<String>,
    pub status: Option<String>,
    /// `listed` by the record, or `similar`.
    pub source: String,
    pub in_registry: bool,
}

#[derive(Serialize, ToSchema)]
pub struct TrialResponse {
    /// The trial record (eligo's Trial model, see docs/cli.md `show --format
    /// json`) holding only what the source states: the values eligo derived
    /// are in `derived`; `trial.provenance` notes labels eligo inferred.
    #[schema(value_type = Object)]
    pub trial: serde_json::Value,
    /// Values eligo derived from other text of the record (a condition from
    /// the title, dose levels from a description), with how.
    pub derived: Vec<crate::record::DerivedValue>,
    pub plain_summary: PlainSummary,
    /// Patients who applied through eligo.
    pub applications: u64,
    pub related: Vec<RelatedDto>,
    pub url: String,
}

/// One trial as its page shows it.
#[utoipa::path(
    get,
    path = "/api/v1/trials/{id}",
    tag = "registry",
    params(("id" = String, Path, description = "NCT id or eligo local id", max_length = 64)),
    responses(
        (status = 200, description = "The trial", body = TrialResponse),
        (status = 404, description = "No such trial", body = ErrorBody)
    )
)]
pub async fn trial(
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Json<TrialResponse>, AppError> {
    Params::none(&uri)?;
    let t = &state.trial_record(&id).await?;
    let s = summary::summarize(t);
    let related = state
        .index()
        .related(t, 8)?
        .into_iter()
        .map(|r| RelatedDto {
            id: r.id,
            title: r.title,
            status: r.status,
            source: match r.source {
                eligo_search::RelatedSource::Listed => "listed".into(),
                eligo_search::RelatedSource::Similar => "similar".into(),
            },
            in_registry: r.in_registry,
        })
        .collect();
    let (trial, derived) = crate::record::split(t).map_err(AppError::internal)?;
    Ok(Json(TrialResponse {
        trial,
        derived,
        plain_summary: PlainSummary {
            text: s.text,
            grade: (s.grade * 10.0).round() / 10.0,
        },
        applications: state.store().application_count(&t.id).await?,
        related,
        url: crate::web::trial_href(&t.id),
    }))
}

/// The trial's eligibility compiled into rules (docs/criteria.md).
#[utoipa::path(
    get,
    path = "/api/v1/trials/{id}/criteria",
    tag = "registry",
    params(("id" = String, Path, description = "NCT id or eligo local id", max_length = 64)),
    responses(
        (status = 200, description = "CompiledCriteria: every criterion with its rules, span, and what is not computable", body = Object),
        (status = 404, description = "No such trial", body = ErrorBody)
    )
)]
pub async fn criteria(
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: Uri,
) -> Result<Response, AppError> {
    Params::none(&uri)?;
    let mut compiled = state.trial(&id).await?.rules.compiled.clone();
    eligo_criteria::annotate(&mut compiled);
    Ok(Json(compiled).into_response())
}
