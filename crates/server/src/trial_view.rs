//! A trial laid out for its page. Every value is shown for what it is: a
//! field the source states under its own label is shown plainly; one eligo
//! derived, or whose label it inferred, carries the note saying so next to
//! it (and again in the page's "How eligo read this record" list); what a
//! source page says in its own words (its lay summary, its sponsor
//! paragraph, its dated labels) is shown as that page's, not the
//! registry's. A trial known only by id and title says so instead of a
//! status. The criteria keep the headings of the eligibility text.

use crate::views::{code_label, milestone, partial, status_class, unescape};
use eligo_model::Trial;
use eligo_model::rule::{CompiledCriteria, CriterionKind};
use eligo_model::trial::{Actuality, Contact, OverallStatus, PageText};

/// The words shown where a trial known only by id and title would show
/// its status, on its page and its search cards.
pub const KNOWN_BY_ID_AND_TITLE: &str = "Known here by id and title only";

pub struct ArmView {
    pub label: String,
    pub kind: Option<String>,
    pub description: Option<String>,
    pub interventions: String,
}

pub struct InterventionView {
    pub name: String,
    pub mark: Option<String>,
    pub kind: Option<String>,
    pub description: Option<String>,
    pub other_names: String,
    pub dose_levels: Vec<String>,
    pub dose_mark: Option<String>,
}

pub struct OutcomeView {
    pub measure: String,
    pub time_frame: Option<String>,
    pub description: Option<String>,
}

/// A group of outcome measures: its heading, a note, the measures.
pub struct OutcomeGroup {
    pub label: String,
    pub note: Option<String>,
    pub list: Vec<OutcomeView>,
}

pub struct LocationView {
    pub place: String,
    pub status: Option<String>,
    pub status_mark: Option<String>,
    pub contacts: Vec<String>,
}

/// Text in a source page's own words, under its heading.
pub struct PageTextView {
    pub heading: String,
    pub text: String,
    pub whose: String,
}

/// A timeline row: label, value, and the note when the label is eligo's reading.
pub struct DateRow {
    pub label: String,
    pub value: String,
    pub mark: Option<String>,
}

/// A trial laid out for its page.
pub struct TrialView {
    pub id: String,
    pub id_note: Option<String>,
    pub title: String,
    pub official_title: Option<String>,
    pub acronym: Option<String>,
    pub launched: String,
    /// The page's own dated labels, as it writes them.
    pub page_dates: Vec<String>,
    pub current_as_of: Option<String>,
    /// `None` when the record states no status.
    pub status_label: Option<String>,
    pub status_class: &'static str,
    pub phases: String,
    pub study_type: Option<String>,
    pub enrollment: Option<String>,
    pub partial: bool,
    /// Known only by id and title: no status, no eligibility.
    pub known_by_id_and_title: bool,
    pub page_summary: Option<PageTextView>,
    pub brief_summary: Option<String>,
    pub brief_summary_mark: Option<String>,
    pub detailed_description: Option<String>,
    pub description_mark: Option<String>,
    pub conditions: String,
    pub conditions_mark: Option<String>,
    pub keywords: String,
    pub ages: String,
    pub ages_marks: Vec<String>,
    pub sex: String,
    pub healthy: String,
    pub healthy_mark: Option<String>,
    pub criteria_text: Option<String>,
    pub design: Vec<(String, String)>,
    pub arms: Vec<ArmView>,
    pub interventions: Vec<InterventionView>,
    pub outcomes: Vec<OutcomeGroup>,
    pub locations: Vec<LocationView>,
    pub contacts: Vec<String>,
    pub officials: Vec<String>,
    pub sponsor_about: Option<PageTextView>,
    pub timeline: Vec<DateRow>,
    pub identifiers: Vec<(String, String)>,
    pub references: Vec<String>,
    /// Every field eligo derived or whose label it inferred: (field, note).
    pub notes: Vec<(String, String)>,
}

/// The note on `field`, in the words shown next to its value.
fn mark(t: &Trial, field: &str) -> Option<String> {
    t.note(field).map(|n| n.words())
}

fn page_text(p: &PageText) -> PageTextView {
    PageTextView {
        heading: p.heading.clone(),
        text: unescape(&p.text),
        whose: format!(
            "From the {} page, in its own words (not the registry's).",
            p.source
        ),
    }
}

/// A contact as one line: name, the line the page gives under it, role,
/// phone, email.
pub fn contact(c: &Contact) -> String {
    let mut parts = vec![c.name.clone()];
    parts.extend(c.affiliation.clone());
    parts.extend(c.role.as_deref().map(code_label));
    parts.extend(c.phone.clone());
    parts.extend(c.email.clone());
    parts.join(", ")
}

/// The status in words, or what stands in for it when the record states none.
pub fn status_words(s: Option<OverallStatus>) -> String {
    match s {
        Some(s) => s.label().to_string(),
        None => "status not stated".into(),
    }
}

/// Whether the apply button may be offered: open, or a status that leaves
/// it to the team (unknown or not stated).
pub fn may_apply(t: &Trial) -> bool {
    t.status
        .is_none_or(|s| s.is_open() || s == OverallStatus::Unknown)
}

/// Whether `t` is known only by id and title (a trial another page lists).
pub fn known_by_id_and_title(t: &Trial) -> bool {
    t.partial && t.status.is_none() && t.eligibility.criteria.is_none()
}

pub fn trial_view(t: &Trial) -> TrialView {
    let launched_on = t
        .dates
        .first_submitted
        .or(t.dates.first_posted.map(|m| m.date));
    // A page's own "Launched by … · date" stands for this line.
    let page_launched = t.page_dates.iter().any(|d| d.label == "Launched by");
    let launched = match (&t.sponsor, launched_on) {
        _ if page_launched => String::new(),
        (Some(s), Some(d)) => format!("Launched by {} · {d}", s.name),
        (Some(s), None) => format!("Launched by {}", s.name),
        (None, Some(d)) => format!("Launched {d}"),
        (None, None) => String::new(),
    };
    let launched = if t.collaborators.is_empty() {
        launched
    } else {
        let names: Vec<&str> = t.collaborators.iter().map(|c| c.name.as_str()).collect();
        format!("{launched} · with {}", names.join("; "))
    };
    let e = &t.eligibility;
    let stub = known_by_id_and_title(t);
    let ages = match (e.min_age, e.max_age) {
        (Some(a), Some(b)) => format!("{a} to {b}"),
        (Some(a), None) => format!("{a} and older"),
        (None, Some(b)) => format!("up to {b}"),
        (None, None) if stub => "not stated".into(),
        (None, None) => "no limit given".into(),
    };
    let mut ages_marks: Vec<String> = Vec::new();
    for f in ["eligibility.min_age", "eligibility.max_age"] {
        if let Some(m) = mark(t, f).filter(|m| !ages_marks.contains(m)) {
            ages_marks.push(m);
        }
    }
    let design: Vec<(String, String)> = t
        .design
        .rows()
        .into_iter()
        .map(|(k, v)| (k.to_string(), unescape(&v)))
        .collect();
    let outcomes_of = |list: &[eligo_model::trial::Outcome]| -> Vec<OutcomeView> {
        list.iter()
            .map(|o| OutcomeView {
                measure: unescape(&o.measure),
                time_frame: o.time_frame.as_deref().map(unescape),
                description: o.description.as_deref().map(unescape),
            })
            .collect()
    };
    let mut outcomes = Vec::new();
    for (label, list) in [
        ("Primary", &t.primary_outcomes),
        ("Secondary", &t.secondary_outcomes),
        ("Other", &t.other_outcomes),
    ] {
        if !list.is_empty() {
            outcomes.push(OutcomeGroup {
                label: label.to_string(),
                note: None,
                list: outcomes_of(list),
            });
        }
    }
    if !t.outcomes.is_empty() {
        outcomes.push(OutcomeGroup {
            label: "Outcome measures".into(),
            note: Some("The source does not say which are primary or secondary.".into()),
            list: outcomes_of(&t.outcomes),
        });
    }
    let mut officials: Vec<String> = t
        .officials
        .iter()
        .map(|o| {
            let mut parts = vec![o.name.clone()];
            parts.extend(o.role.as_deref().map(code_label));
            parts.extend(o.affiliation.clone());
            parts.join(", ")
        })
        .collect();
    if let Some(s) = &t.sponsor {
        let class = s
            .class
            .as_deref()
            .map(|c| format!(" ({})", code_label(c)))
            .unwrap_or_default();
        officials.insert(0, format!("Sponsor: {}{class}", s.name));
    }
    for c in &t.collaborators {
        officials.push(format!("Collaborator: {}", c.name));
    }
    if let Some(rp) = &t.responsible_party {
        let mut parts: Vec<String> = rp.kind.as_deref().map(code_label).into_iter().collect();
        parts.extend(rp.investigator_name.clone());
        parts.extend(rp.investigator_title.clone());
        parts.extend(rp.investigator_affiliation.clone());
        if !parts.is_empty() {
            officials.push(format!("Responsible party: {}", parts.join(", ")));
        }
    }
    let dt = &t.dates;
    let mut timeline = Vec::new();
    for (k, field, v) in [
        (
            "First submitted",
            "dates.first_submitted",
            partial(&dt.first_submitted),
        ),
        (
            "First posted",
            "dates.first_posted",
            milestone(&dt.first_posted),
        ),
        ("Study start", "dates.start", milestone(&dt.start)),
        (
            "Primary completion",
            "dates.primary_completion",
            milestone(&dt.primary_completion),
        ),
        (
            "Study completion",
            "dates.completion",
            milestone(&dt.completion),
        ),
        (
            "Last update submitted",
            "dates.last_update_submitted",
            partial(&dt.last_update_submitted),
        ),
        (
            "Last update posted",
            "dates.last_update_posted",
            milestone(&dt.last_update_posted),
        ),
        (
            "Status verified",
            "dates.status_verified",
            partial(&dt.status_verified),
        ),
    ] {
        if let Some(v) = v {
            timeline.push(DateRow {
                label: k.to_string(),
                value: v,
                mark: mark(t, field),
            });
        }
    }
    for d in &t.page_dates {
        timeline.push(DateRow {
            label: format!("{} (the page's label)", d.label),
            value: d.text.clone(),
            mark: None,
        });
    }
    let mut identifiers = Vec::new();
    if let Some(n) = &t.nct_id {
        identifiers.push(("NCT id".to_string(), n.clone()));
    } else {
        identifiers.push((
            "eligo's id".to_string(),
            format!("{} (the record gives no NCT id)", t.id),
        ));
    }
    if let Some(o) = &t.org_study_id {
        identifiers.push(("Sponsor's id".to_string(), o.clone()));
    }
    for s in &t.secondary_ids {
        identifiers.push((
            s.id_type
                .as_deref()
                .map(code_label)
                .unwrap_or_else(|| "Other id".into()),
            s.id.clone(),
        ));
    }
    TrialView {
        id: t.id.clone(),
        id_note: t
            .nct_id
            .is_none()
            .then(|| "eligo's id: the record gives no NCT id".to_string()),
        title: unescape(&t.brief_title),
        official_title: t
            .official_title
            .as_ref()
            .filter(|o| **o != t.brief_title)
            .map(|o| unescape(o)),
        acronym: t.acronym.clone(),
        launched,
        page_dates: t.page_dates.iter().map(|d| d.text.clone()).collect(),
        current_as_of: dt
            .last_update_posted
            .map(|m| m.date.to_string())
            .or(dt.last_update_submitted.map(|d| d.to_string())),
        status_label: match t.status {
            Some(s) => Some(s.label().to_string()),
            None if stub => None,
            None => Some("Status not stated".into()),
        },
        status_class: t.status.map_or("badge unknown", |s| status_class(s.code())),
        phases: t
            .phases
            .iter()
            .map(|p| p.label())
            .collect::<Vec<_>>()
            .join(", "),
        study_type: t.study_type.map(|s| s.label().to_string()),
        enrollment: t.enrollment.as_ref().map(|e| {
            let k = match e.kind {
                Some(Actuality::Actual) => " (actual)",
                Some(Actuality::Estimated) => " (estimated)",
                None => "",
            };
            format!("{} participants{k}", e.count)
        }),
        partial: t.partial,
        known_by_id_and_title: stub,
        page_summary: t.page_summary.as_ref().map(page_text),
        brief_summary: t.brief_summary.as_deref().map(unescape),
        brief_summary_mark: mark(t, "brief_summary"),
        detailed_description: t.detailed_description.as_deref().map(unescape),
        description_mark: mark(t, "detailed_description"),
        conditions: t.conditions.join("; "),
        conditions_mark: mark(t, "conditions"),
        keywords: t.keywords.join("; "),
        ages,
        ages_marks,
        sex: e
            .sex
            .map_or_else(|| "not stated".to_string(), |s| s.label().to_string()),
        healthy: match e.healthy_volunteers {
            Some(true) => "Yes".into(),
            Some(false) => "No".into(),
            None => "Not stated".into(),
        },
        healthy_mark: mark(t, "eligibility.healthy_volunteers"),
        criteria_text: e.criteria.as_deref().map(unescape),
        design,
        arms: t
            .arms
            .iter()
            .map(|a| ArmView {
                label: a.label.clone(),
                kind: a.kind.as_deref().map(code_label),
                description: a.description.as_deref().map(unescape),
                interventions: a.interventions.join("; "),
            })
            .collect(),
        interventions: t
            .interventions
            .iter()
            .enumerate()
            .map(|(n, i)| InterventionView {
                name: i.name.clone(),
                mark: mark(t, &format!("interventions[{n}]")),
                kind: i.kind.as_deref().map(code_label),
                description: i.description.as_deref().map(unescape),
                other_names: i.other_names.join("; "),
                // The dose as written, then its value in the unit written.
                dose_levels: i
                    .dose_levels
                    .iter()
                    .map(|d| format!("{} ({})", unescape(&d.text), d.dose))
                    .collect(),
                dose_mark: mark(t, &format!("interventions[{n}].dose_levels")),
            })
            .collect(),
        outcomes,
        locations: t
            .locations
            .iter()
            .enumerate()
            .map(|(n, l)| LocationView {
                place: [&l.facility, &l.city, &l.state, &l.zip, &l.country]
                    .into_iter()
                    .filter_map(|x| x.as_deref())
                    .collect::<Vec<_>>()
                    .join(", "),
                status: l.status.as_deref().map(code_label),
                status_mark: mark(t, &format!("locations[{n}].status")),
                contacts: l.contacts.iter().map(contact).collect(),
            })
            .collect(),
        contacts: t.central_contacts.iter().map(contact).collect(),
        officials,
        sponsor_about: t
            .sponsor
            .as_ref()
            .and_then(|s| s.about.as_ref())
            .map(page_text),
        timeline,
        identifiers,
        references: t
            .references
            .iter()
            .map(|r| match &r.pmid {
                Some(p) => format!("{} (PMID {p})", r.citation),
                None => r.citation.clone(),
            })
            .collect(),
        notes: t
            .provenance
            .iter()
            .map(|n| (n.field.clone(), n.words()))
            .collect(),
    }
}

pub struct CriterionView {
    pub n: usize,
    pub kind: &'static str,
    pub kind_class: &'static str,
    pub text: String,
    /// "computable", "partly computable" or "to confirm", and its badge class.
    pub coverage: (&'static str, &'static str),
    /// The heading of a group that is not an enrolment criterion.
    pub group: Option<String>,
    /// Whether a group starts at this criterion (the page says once that
    /// what follows is not a criterion of enrolment).
    pub group_first: bool,
    pub rules: Vec<String>,
    pub to_confirm: Vec<String>,
    /// Headings of the eligibility text that stand before this criterion
    /// ("Exclusion Criteria:", "5.5 Pre cleaning standard …").
    pub headings: Vec<String>,
}

pub fn kind_words(k: CriterionKind) -> (&'static str, &'static str) {
    match k {
        CriterionKind::Inclusion => ("Inclusion", "inclusion"),
        CriterionKind::Exclusion => ("Exclusion", "exclusion"),
    }
}

/// The compiled criteria as the page lists them, each with the headings of
/// the eligibility text that precede it; headings after the last criterion
/// come back apart.
pub fn criteria_view(t: &Trial, compiled: &CompiledCriteria) -> (Vec<CriterionView>, Vec<String>) {
    let mut headings: Vec<(usize, String)> = t
        .eligibility
        .criteria
        .as_deref()
        .map(|text| {
            eligo_criteria::segment(text)
                .into_iter()
                .filter(|s| s.kind == eligo_criteria::SegmentKind::Heading)
                .map(|s| (s.span.start, unescape(s.text.trim())))
                .collect()
        })
        .unwrap_or_default();
    headings.reverse();
    let mut out = Vec::with_capacity(compiled.criteria.len());
    for (i, c) in compiled.criteria.iter().enumerate() {
        let (kind, kind_class) = kind_words(c.kind);
        let mut to_confirm: Vec<String> = c
            .not_computable
            .iter()
            .map(|p| {
                let mut line = format!(
                    "{} — \u{201c}{}\u{201d}",
                    p.reason.describe(),
                    unescape(&p.text)
                );
                if let Some(m) = eligo_criteria::render::mentions(&p.mentions, unescape) {
                    line.push_str(&format!(" (names {m})"));
                }
                line
            })
            .collect();
        if to_confirm.is_empty()
            && !c.computable
            && let Some(r) = &c.reason
        {
            to_confirm.push(r.clone());
        }
        // Headings go before the first criterion of the text that follows
        // them; criteria from registry fields have no place in the text.
        let mut before = Vec::new();
        if c.field.is_none() {
            while headings.last().is_some_and(|(at, _)| *at <= c.span.start) {
                before.extend(headings.pop().map(|(_, h)| h));
            }
        }
        out.push(CriterionView {
            n: i + 1,
            kind,
            kind_class,
            text: match &c.field {
                Some(f) => match mark(t, f) {
                    Some(m) => format!("{} (field {f}; {m})", unescape(&c.text)),
                    None => format!("{} (registry field {f})", unescape(&c.text)),
                },
                None => unescape(&c.text),
            },
            coverage: crate::views::coverage_badge(c),
            group: c.group.as_deref().map(unescape),
            group_first: c.group.is_some() && (i == 0 || compiled.criteria[i - 1].group != c.group),
            rules: c.rules.iter().map(eligo_criteria::render::rule).collect(),
            to_confirm,
            headings: before,
        });
    }
    let rest = headings.into_iter().rev().map(|(_, h)| h).collect();
    (out, rest)
}
