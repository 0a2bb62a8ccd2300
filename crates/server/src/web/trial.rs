//! The trial page.

use super::*;

// ---------------------------------------------------------------------------
// Trial page

pub struct RelatedView {
    id: String,
    title: String,
    href: Option<String>,
    status_label: Option<String>,
    status_class: &'static str,
    why: &'static str,
}

#[derive(Template)]
#[template(path = "trial.html")]
pub(crate) struct TrialTpl {
    nav: Nav,
    t: TrialView,
    summary: String,
    grade: String,
    criteria: Vec<CriterionView>,
    trailing_headings: Vec<String>,
    computable: usize,
    /// Criteria of enrolment (those outside any group).
    enrolment: usize,
    related: Vec<RelatedView>,
    applied: u64,
    /// Whether the trial can enrol: the pre-screen is offered only then.
    can_prescreen: bool,
    status: crate::status_check::StatusCheck,
    registry_link: Option<String>,
}

pub(crate) async fn trial(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> PageResult {
    let (nav, _) = who(&state, &headers).await?;
    let loaded = state.trial(&id).await?;
    let t = &loaded.trial;
    let s = summary::summarize(t);
    let mut compiled = loaded.rules.compiled.clone();
    eligo_criteria::annotate(&mut compiled);
    let (criteria, trailing_headings) = criteria_view(t, &compiled);
    let computable = criteria
        .iter()
        .filter(|c| c.coverage.0 == "computable" && c.group.is_none())
        .count();
    let enrolment = criteria.iter().filter(|c| c.group.is_none()).count();
    let related = state
        .index()
        .related(t, 8)?
        .into_iter()
        .map(|r| {
            let title = r.title.clone().unwrap_or_else(|| r.id.clone());
            RelatedView {
                href: r.in_registry.then(|| format!("/trials/{}", encode(&r.id))),
                title: unescape(&title),
                status_label: r.status.as_deref().map(status_label),
                status_class: r.status.as_deref().map_or("badge unknown", status_class),
                why: match r.source {
                    RelatedSource::Listed => "listed by the record",
                    RelatedSource::Similar => "similar",
                },
                id: r.id,
            }
        })
        .collect();
    let applied = state.store().application_count(&t.id).await?;
    // A status the record's own dates contradict is not told as current.
    let status = crate::status_check::check(t, crate::matching::today());
    let mut summary_text = s.text;
    if let Some(st) = t.status
        && !status.warnings.is_empty()
    {
        summary_text = summary_text.replace(
            summary::status_sentence(st),
            &format!(
                "Its record says: \u{201c}{}\u{201d}, but that may be out of date (see the warning above).",
                st.label()
            ),
        );
    }
    page(&TrialTpl {
        nav,
        t: trial_view(t),
        summary: summary_text,
        grade: format!("{:.1}", s.grade),
        criteria,
        trailing_headings,
        computable,
        enrolment,
        related,
        applied,
        can_prescreen: !t.partial && crate::trial_view::may_apply(t),
        status,
        registry_link: crate::prescreen_result::registry_link(&t.id),
    })
}
