//! `POST /api/v1/match`: one patient against the registry.

use super::*;

#[derive(Serialize, ToSchema)]
pub struct MatchResponse {
    pub as_of: String,
    /// The place `near` was read as.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub near: Option<String>,
    pub patient_id: String,
    /// Parts of the record that were read but not used, with reasons.
    #[schema(value_type = Vec<Object>)]
    pub ignored: Vec<serde_json::Value>,
    /// TrialMatch objects, ranked (see docs/cli.md `match --format json`);
    /// serialised as they are, without a `serde_json::Value` in between
    /// (50 matches with their evidence are megabytes).
    #[schema(value_type = Vec<Object>)]
    pub matches: Vec<MatchOut>,
}

/// A match as the API answers it: the `TrialMatch`, and with `near` its
/// nearest site.
#[derive(Serialize)]
pub struct MatchOut {
    #[serde(flatten)]
    pub m: eligo_model::TrialMatch,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nearest_site: Option<crate::find::sites::Nearest>,
}

/// Match a patient against the registry, as `eligo match` does; by default
/// over the trials about the patient's conditions that accept patients.
#[utoipa::path(
    post,
    path = "/api/v1/match",
    tag = "matching",
    params(
        ("as_of" = Option<String>, Query, description = "Screening date YYYY-MM-DD (default today)", format = Date),
        ("trial" = Option<Vec<String>>, Query, description = "Only these trial ids (repeat)", explode = true),
        ("all" = Option<bool>, Query, description = "Every trial, whatever its status or conditions, and partial records (default: the trials about the patient's conditions that accept patients: recruiting, not yet recruiting, enrolling by invitation, available)"),
        ("limit" = Option<u32>, Query, description = "At most this many matches (default 50)", minimum = 1, maximum = 500),
        ("near" = Option<String>, Query, description = "Where the patient is (town or city in any script, or \"lat,lon\"): each match gains `nearest_site` (the nearest recruiting site by its own status, and the nearest of any status) and matches are ordered eligible first, then by that distance", max_length = 200),
        ("within" = Option<String>, Query, description = "With `near`: only trials with a site this close (200km, 50mi); a trial whose only sites this close are not recruiting is kept and says so", max_length = 40)
    ),
    request_body(content = Object, description = "A FHIR R4 Bundle (or Patient, or eligo's plain patient JSON)", content_type = "application/json"),
    responses(
        (status = 200, description = "Verdicts with reasons, criterion by criterion", body = MatchResponse),
        (status = 400, description = "Malformed parameter or record", body = ErrorBody),
        (status = 413, description = "Body larger than the limit (2 MiB)", body = ErrorBody)
    )
)]
pub async fn match_patient(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    b: Result<Bytes, BytesRejection>,
) -> Result<Json<MatchResponse>, AppError> {
    let p = Params::from_uri(&uri)?;
    p.only(&["as_of", "all", "limit", "near", "within"], &["trial"])?;
    let (how, near_label) = crate::find::page::api_arrangement(&p)?;
    let as_of = p.date("as_of")?.unwrap_or_else(matching::today);
    let all = p.bool("all")?;
    let limit = p.usize_in("limit", 50, 1, 500)?;
    let trial_ids: Vec<String> = p
        .all("trial")
        .iter()
        .map(|s| s.trim().to_string())
        .collect();
    if trial_ids.len() > 200 {
        return Err(AppError::field("trial", "at most 200 trial ids"));
    }
    json_content(&headers)?;
    let b = body(b)?;
    let text = std::str::from_utf8(&b).map_err(|_| AppError::field("body", "not UTF-8"))?;
    if text.trim().is_empty() {
        return Err(AppError::field("body", "empty; send a FHIR R4 Bundle"));
    }
    let facts = matching::read_patient(text).map_err(|e| AppError::field("body", e))?;
    let cat = state.catalog().await?;
    let mut ids: Vec<String> = Vec::with_capacity(trial_ids.len());
    for id in &trial_ids {
        match cat.resolve(id) {
            Some(id) => ids.push(id.to_string()),
            None => {
                return Err(AppError::field(
                    "trial",
                    format!("no trial {id:?} in the registry"),
                ));
            }
        }
    }
    let choice = if !ids.is_empty() {
        crate::catalog::Choice::Named(ids)
    } else if all {
        crate::catalog::Choice::All
    } else {
        crate::catalog::Choice::Open
    };
    let matches = state
        .match_patient(
            facts.clone(),
            as_of,
            choice,
            if how.origin().is_some() {
                10_000
            } else {
                limit
            },
        )
        .await?;
    let mut out = Vec::new();
    match how.origin() {
        None => {
            out.extend(matches.into_iter().take(limit).map(|m| MatchOut {
                m,
                nearest_site: None,
            }));
        }
        Some(from) => {
            let mut rows = Vec::new();
            for m in matches {
                let t = state.trial_record(&m.trial_id).await?;
                let n = crate::find::sites::nearest(&t, from);
                if let Some(c) = how.near {
                    let inside = |s: &Option<crate::find::sites::SiteDistance>| {
                        s.as_ref().is_some_and(|s| c.radius.covers_km(s.km))
                    };
                    if !inside(&n.recruiting) && !inside(&n.any) {
                        continue;
                    }
                }
                rows.push((m, n));
            }
            rows.sort_by(|(a, na), (b, nb)| {
                let km = |n: &crate::find::sites::Nearest| {
                    n.recruiting.as_ref().map_or(f64::INFINITY, |s| s.km)
                };
                eligo_matcher::rank_key(a)
                    .0
                    .cmp(&eligo_matcher::rank_key(b).0)
                    .then(km(na).total_cmp(&km(nb)))
            });
            out.extend(rows.into_iter().take(limit).map(|(m, n)| MatchOut {
                m,
                nearest_site: Some(n),
            }));
        }
    }
    Ok(Json(MatchResponse {
        near: near_label,
        as_of: as_of.to_string(),
        patient_id: facts.id.clone(),
        ignored: facts
            .ignored
            .iter()
            .filter_map(|i| serde_json::to_value(i).ok())
            .collect(),
        matches: out,
    }))
}
