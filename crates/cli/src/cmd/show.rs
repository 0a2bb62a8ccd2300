//! `eligo show ID`: one trial, laid out like a trial page (title, sponsor,
//! status, summary, design, arms, eligibility, outcomes, locations,
//! contacts, officials, timeline, related trials, identifiers).

use crate::context::Context;
use crate::exit;
use eligo_model::Trial;
use eligo_model::trial::code_label;
use eligo_model::trial::{Actuality, Milestone, Outcome};
use std::fmt::Write as _;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// NCT id (e.g. NCT06946485) or eligo local id.
    id: String,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

/// The error for an id the registry does not hold (exit 4).
pub fn not_found(id: &str) -> anyhow::Error {
    exit::Coded::not_found(format!(
        "no trial {id:?} in the registry; find ids with `eligo search WORDS` (or import the record with `eligo import`)"
    ))
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let Some(trial) = ctx.trial(&args.id)? else {
        return Err(not_found(&args.id));
    };
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&trial)?),
        Format::Text => {
            // Titles of listed related trials the registry holds.
            let mut titles = Vec::new();
            for r in &trial.related {
                let t = ctx.trial(&r.id)?.map(|t| t.brief_title);
                titles.push(r.title.clone().or(t));
            }
            print!("{}", render(&trial, &titles));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Registry markdown escapes (`\>`, `\<`, `\=`, `\*`) read as the characters.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&n) = chars.peek()
            && matches!(
                n,
                '>' | '<'
                    | '='
                    | '*'
                    | '_'
                    | '['
                    | ']'
                    | '('
                    | ')'
                    | '#'
                    | '+'
                    | '-'
                    | '.'
                    | '!'
                    | '~'
            )
        {
            out.push(n);
            chars.next();
            continue;
        }
        out.push(c);
    }
    out
}

/// `text` wrapped at `width` columns, every line indented by `indent`;
/// existing line breaks are kept.
fn wrap(text: &str, indent: &str, width: usize) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let lead: String = line.chars().take_while(|c| c.is_whitespace()).collect();
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.is_empty() {
            out.push('\n');
            continue;
        }
        let mut cur = format!("{indent}{lead}");
        let start_len = cur.chars().count();
        for w in words {
            let len = cur.chars().count();
            if len > start_len && len + 1 + w.chars().count() > width {
                out.push_str(cur.trim_end());
                out.push('\n');
                cur = format!("{indent}{lead}  ");
            } else if len > start_len {
                cur.push(' ');
            }
            cur.push_str(w);
        }
        out.push_str(cur.trim_end());
        out.push('\n');
    }
    out
}

fn actuality(k: Option<Actuality>) -> &'static str {
    match k {
        Some(Actuality::Actual) => " (actual)",
        Some(Actuality::Estimated) => " (estimated)",
        None => "",
    }
}

fn milestone(m: &Option<Milestone>) -> Option<String> {
    m.as_ref()
        .map(|m| format!("{}{}", m.date, actuality(m.kind)))
}

fn heading(out: &mut String, h: &str) {
    let _ = write!(out, "\n{h}\n{}\n", "-".repeat(h.chars().count()));
}

fn outcomes(out: &mut String, label: &str, list: &[Outcome]) {
    if list.is_empty() {
        return;
    }
    let _ = writeln!(out, "{label}:");
    for (i, o) in list.iter().enumerate() {
        out.push_str(&wrap(
            &format!("{}. {}", i + 1, unescape(&o.measure)),
            "  ",
            100,
        ));
        if let Some(tf) = &o.time_frame {
            out.push_str(&wrap(
                &format!("Time frame: {}", unescape(tf)),
                "     ",
                100,
            ));
        }
        if let Some(d) = &o.description {
            out.push_str(&wrap(&unescape(d), "     ", 100));
        }
    }
}

/// The trial as text. `related_titles[i]` is a title for `t.related[i]`.
pub fn render(t: &Trial, related_titles: &[Option<String>]) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{}  {}", t.id, t.brief_title);
    if let Some(ot) = t.official_title.as_ref().filter(|ot| **ot != t.brief_title) {
        o.push_str(&wrap(ot, "", 100));
    }
    if let Some(a) = &t.acronym {
        let _ = writeln!(o, "Acronym: {a}");
    }
    let stub = t.partial && t.status.is_none() && t.eligibility.criteria.is_none();
    if stub {
        let _ = writeln!(
            o,
            "Note: known here by id and title only (no status, no sex, no eligibility); not used for matching."
        );
    } else if t.partial {
        let _ = writeln!(
            o,
            "Note: partial record (known only in part; not used for matching)."
        );
    }
    o.push('\n');
    // As the trial pages put it: "Launched by SPONSOR · first submitted",
    // unless the page's own words are kept.
    let launched = t
        .dates
        .first_submitted
        .or(t.dates.first_posted.map(|m| m.date));
    let page_launched = t.page_dates.iter().any(|d| d.label == "Launched by");
    match (&t.sponsor, launched) {
        _ if page_launched => {}
        (Some(s), Some(d)) => {
            let _ = writeln!(o, "Launched by {} · {d}", s.name);
        }
        (Some(s), None) => {
            let _ = writeln!(o, "Launched by {}", s.name);
        }
        (None, Some(d)) => {
            let _ = writeln!(o, "Launched {d}");
        }
        (None, None) => {}
    }
    if !t.collaborators.is_empty() {
        let names: Vec<&str> = t.collaborators.iter().map(|c| c.name.as_str()).collect();
        let _ = writeln!(o, "Collaborators: {}", names.join("; "));
    }
    let current = t
        .dates
        .last_update_posted
        .map(|m| m.date)
        .or(t.dates.last_update_submitted);
    if let Some(d) = current {
        let _ = writeln!(o, "Current as of {d}");
    }
    for d in &t.page_dates {
        let _ = writeln!(o, "{}", d.text);
    }
    match t.status {
        Some(s) => {
            let _ = writeln!(o, "Status: {}", s.label());
        }
        None if stub => {}
        None => {
            let _ = writeln!(o, "Status: not stated");
        }
    }
    if let Some(start) = milestone(&t.dates.start) {
        let _ = writeln!(o, "Study start: {start}{}", mark(t, "dates.start"));
    }
    let phases: Vec<&str> = t.phases.iter().map(|p| p.label()).collect();
    if !phases.is_empty() {
        let _ = writeln!(o, "Phase: {}", phases.join(", "));
    }
    if let Some(st) = t.study_type {
        let _ = writeln!(o, "Study type: {}", st.label());
    }
    if let Some(e) = &t.enrollment {
        let _ = writeln!(o, "Enrollment: {}{}", e.count, actuality(e.kind));
    }

    for (title, field, text) in [
        ("Summary", "brief_summary", &t.brief_summary),
        (
            "Detailed description",
            "detailed_description",
            &t.detailed_description,
        ),
    ] {
        if let Some(s) = text {
            heading(&mut o, title);
            if let Some(n) = t.note(field) {
                let _ = writeln!(o, "({})", n.words());
            }
            o.push_str(&wrap(&unescape(s), "", 100));
        }
    }
    if let Some(p) = &t.page_summary {
        page_text(&mut o, p);
    }

    let design = t.design.rows();
    if !design.is_empty() {
        heading(&mut o, "Design");
        for (k, v) in design {
            o.push_str(&wrap(&format!("{k}: {}", unescape(&v)), "", 100));
        }
    }

    if !t.arms.is_empty() || !t.interventions.is_empty() {
        heading(&mut o, "Arms and interventions");
        for a in &t.arms {
            let kind = a
                .kind
                .as_deref()
                .map(|k| format!(" ({})", code_label(k)))
                .unwrap_or_default();
            let _ = writeln!(o, "Arm: {}{kind}", a.label);
            if let Some(desc) = &a.description {
                o.push_str(&wrap(&unescape(desc), "  ", 100));
            }
            if !a.interventions.is_empty() {
                let _ = writeln!(o, "  Interventions: {}", a.interventions.join("; "));
            }
        }
        for (n, i) in t.interventions.iter().enumerate() {
            let kind = i
                .kind
                .as_deref()
                .map(|k| format!(" ({})", code_label(k)))
                .unwrap_or_default();
            let derived = mark(t, &format!("interventions[{n}]"));
            let _ = writeln!(o, "Intervention: {}{kind}{derived}", i.name);
            if !i.other_names.is_empty() {
                let _ = writeln!(o, "  Other names: {}", i.other_names.join("; "));
            }
            if let Some(desc) = &i.description {
                o.push_str(&wrap(&unescape(desc), "  ", 100));
            }
            if !i.dose_levels.is_empty() {
                let derived = mark(t, &format!("interventions[{n}].dose_levels"));
                let _ = writeln!(o, "  Dose levels:{derived}");
                for (n, dl) in i.dose_levels.iter().enumerate() {
                    let _ = writeln!(o, "    {}. {} = {}", n + 1, dl.text, dl.dose);
                }
            }
        }
    }

    heading(&mut o, "Eligibility");
    let e = &t.eligibility;
    let ages = match (e.min_age, e.max_age) {
        (Some(a), Some(b)) => format!("{a} to {b}"),
        (Some(a), None) => format!("{a} and older"),
        (None, Some(b)) => format!("up to {b}"),
        (None, None) => "no limit given".into(),
    };
    let ages = if stub && e.min_age.is_none() && e.max_age.is_none() {
        "not stated".to_string()
    } else {
        ages
    };
    let mut age_marks = mark(t, "eligibility.min_age");
    let max_mark = mark(t, "eligibility.max_age");
    if max_mark != age_marks {
        age_marks.push_str(&max_mark);
    }
    let _ = writeln!(o, "Ages: {ages}{age_marks}");
    let sex = e.sex.map_or("not stated", |s| s.label());
    let _ = writeln!(o, "Sex: {sex}");
    let hv = match e.healthy_volunteers {
        Some(true) => "Yes",
        Some(false) => "No",
        None => "not stated",
    };
    let _ = writeln!(
        o,
        "Healthy volunteers: {hv}{}",
        mark(t, "eligibility.healthy_volunteers")
    );
    match &e.criteria {
        Some(c) => {
            o.push('\n');
            o.push_str(&wrap(&unescape(c), "", 100));
        }
        None => {
            let _ = writeln!(o, "\n(The record gives no eligibility criteria text.)");
        }
    }

    if !(t.primary_outcomes.is_empty()
        && t.secondary_outcomes.is_empty()
        && t.other_outcomes.is_empty()
        && t.outcomes.is_empty())
    {
        heading(&mut o, "Outcome measures");
        outcomes(&mut o, "Primary", &t.primary_outcomes);
        outcomes(&mut o, "Secondary", &t.secondary_outcomes);
        outcomes(&mut o, "Other", &t.other_outcomes);
        outcomes(
            &mut o,
            "Not classed as primary or secondary by the source",
            &t.outcomes,
        );
    }

    if !t.locations.is_empty() {
        heading(&mut o, "Locations");
        for (n, l) in t.locations.iter().enumerate() {
            let place: Vec<&str> = [&l.facility, &l.city, &l.state, &l.zip, &l.country]
                .into_iter()
                .filter_map(|x| x.as_deref())
                .collect();
            let status = l
                .status
                .as_deref()
                .map(|s| {
                    let m = mark(t, &format!("locations[{n}].status"));
                    format!(" [{}]{m}", code_label(s))
                })
                .unwrap_or_default();
            let _ = writeln!(o, "* {}{status}", place.join(", "));
            for c in &l.contacts {
                let _ = writeln!(o, "    Contact: {}", contact(c));
            }
        }
    }

    if !t.central_contacts.is_empty() {
        heading(&mut o, "Contacts");
        for c in &t.central_contacts {
            let _ = writeln!(o, "* {}", contact(c));
        }
    }

    if !t.officials.is_empty() || t.responsible_party.is_some() {
        heading(&mut o, "Officials");
        for of in &t.officials {
            let mut parts = vec![of.name.clone()];
            parts.extend(of.role.as_deref().map(code_label));
            parts.extend(of.affiliation.clone());
            let _ = writeln!(o, "* {}", parts.join(", "));
        }
        if let Some(rp) = &t.responsible_party {
            let mut parts: Vec<String> = rp.kind.as_deref().map(code_label).into_iter().collect();
            parts.extend(rp.investigator_name.clone());
            parts.extend(rp.investigator_title.clone());
            parts.extend(rp.investigator_affiliation.clone());
            let _ = writeln!(o, "Responsible party: {}", parts.join(", "));
        }
    }
    if let Some(about) = t.sponsor.as_ref().and_then(|s| s.about.as_ref()) {
        page_text(&mut o, about);
    }

    heading(&mut o, "Timeline");
    let dt = &t.dates;
    let timeline: Vec<(&str, &str, Option<String>)> = vec![
        (
            "First submitted",
            "dates.first_submitted",
            dt.first_submitted.map(|d| d.to_string()),
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
            dt.last_update_submitted.map(|d| d.to_string()),
        ),
        (
            "Last update posted",
            "dates.last_update_posted",
            milestone(&dt.last_update_posted),
        ),
        (
            "Status verified",
            "dates.status_verified",
            dt.status_verified.map(|d| d.to_string()),
        ),
    ];
    if timeline.iter().all(|(_, _, v)| v.is_none()) && t.page_dates.is_empty() {
        let _ = writeln!(o, "(The record gives no dates.)");
    }
    for (k, field, v) in timeline {
        if let Some(v) = v {
            let _ = writeln!(o, "{k}: {v}{}", mark(t, field));
        }
    }
    for d in &t.page_dates {
        let _ = writeln!(o, "{} (the page's label: {})", d.text, d.label);
    }

    if !t.related.is_empty() {
        heading(&mut o, "Related trials");
        for (i, r) in t.related.iter().enumerate() {
            match related_titles
                .get(i)
                .cloned()
                .flatten()
                .or_else(|| r.title.clone())
            {
                Some(title) => {
                    let _ = writeln!(o, "* {}  {title}", r.id);
                }
                None => {
                    let _ = writeln!(o, "* {}", r.id);
                }
            }
        }
    }
    if !t.conditions.is_empty() {
        heading(&mut o, "Conditions");
        let _ = writeln!(o, "{}{}", t.conditions.join("; "), mark(t, "conditions"));
    }
    if !t.keywords.is_empty() {
        heading(&mut o, "Keywords");
        let _ = writeln!(o, "{}", t.keywords.join("; "));
    }
    // Every record has at least its id; one without an NCT id has eligo's.
    heading(&mut o, "Other identifiers");
    match &t.nct_id {
        Some(n) => {
            let _ = writeln!(o, "NCT number: {n}");
        }
        None => {
            let _ = writeln!(o, "{} is eligo's id: the record gives no NCT id.", t.id);
        }
    }
    if let Some(n) = &t.org_study_id {
        let _ = writeln!(o, "Organization study id: {n}");
    }
    for s in &t.secondary_ids {
        let extra: Vec<&str> = [&s.id_type, &s.domain]
            .into_iter()
            .filter_map(|x| x.as_deref())
            .collect();
        if extra.is_empty() {
            let _ = writeln!(o, "{}", s.id);
        } else {
            let _ = writeln!(o, "{} ({})", s.id, extra.join(", "));
        }
    }
    if !t.provenance.is_empty() {
        heading(&mut o, "How eligo read this record");
        for n in &t.provenance {
            o.push_str(&wrap(&format!("{}: {}", n.field, n.words()), "", 100));
        }
    }
    if !t.references.is_empty() || !t.see_also.is_empty() {
        heading(&mut o, "References");
        for r in &t.references {
            let pmid = r
                .pmid
                .as_deref()
                .map(|p| format!(" PMID {p}"))
                .unwrap_or_default();
            o.push_str(&wrap(&format!("* {}{pmid}", r.citation), "", 100));
        }
        for l in &t.see_also {
            let _ = writeln!(o, "* {}: {}", l.label, l.url);
        }
    }
    o
}

/// The note on `field` as it follows the value, e.g. ` (derived by eligo:
/// from the title)`, or nothing.
fn mark(t: &Trial, field: &str) -> String {
    t.note(field)
        .map(|n| format!(" ({})", n.words()))
        .unwrap_or_default()
}

/// Text in a source page's own words, under its heading, marked as the page's.
fn page_text(o: &mut String, p: &eligo_model::trial::PageText) {
    heading(o, &p.heading);
    let _ = writeln!(
        o,
        "(From the {} page, in its own words; not the registry's.)",
        p.source
    );
    o.push_str(&wrap(&unescape(&p.text), "", 100));
}

fn contact(c: &eligo_model::trial::Contact) -> String {
    let mut parts = vec![c.name.clone()];
    parts.extend(c.affiliation.clone());
    parts.extend(c.role.as_deref().map(code_label));
    parts.extend(c.phone.clone());
    parts.extend(c.email.clone());
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_wrapping() {
        assert_eq!(
            unescape(r"ALT \> 3 × ULN, age \<= 65"),
            "ALT > 3 × ULN, age <= 65"
        );
        assert_eq!(unescape(r"a\\b"), r"a\\b");
        let w = wrap("one two three four five", "  ", 12);
        assert!(w.lines().all(|l| l.chars().count() <= 12), "{w}");
        assert_eq!(
            w.split_whitespace().collect::<Vec<_>>(),
            ["one", "two", "three", "four", "five"]
        );
    }
}
