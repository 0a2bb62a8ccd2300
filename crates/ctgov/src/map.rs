//! One ClinicalTrials.gov API v2 study → [`Trial`].
//!
//! Strict where the registry defines the values (status, phase, study type,
//! sex, ages, dates, types of fields): an unknown value is an error naming its
//! JSON path, never silently stored. Lenient where records legitimately vary:
//! any module may be absent (search pages and trimmed records hold only a
//! few); a record without a `statusModule` or `eligibilityModule` is stored
//! but marked [`Trial::partial`], so it is never matched as if its
//! eligibility were known.
//!
//! A top-level `eligo` object is eligo's own extension, used only by the
//! sample registry for what a trial page states beyond the v2 format:
//! `relatedTrials` (`[{id, title}]`), `pageDates`, `pageSummary`,
//! `sponsorAbout`, `outcomeMeasures` (not classed as primary or secondary),
//! and `derived` / `labelInferred` notes (`[{field, note}]`) on fields eligo
//! made from other text or whose label it read (see `sample/README.md`).
//! Dose levels read from intervention descriptions are noted as derived for
//! every record.

use crate::dose;
use eligo_model::trial::*;
use serde_json::{Map, Value};

/// A field that could not be read, with its JSON path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct FieldError {
    pub path: String,
    pub reason: String,
}

type R<T> = Result<T, FieldError>;

fn err<T>(path: &str, reason: impl Into<String>) -> R<T> {
    Err(FieldError {
        path: path.to_string(),
        reason: reason.into(),
    })
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A JSON object with the path it sits at, for error messages.
#[derive(Clone, Copy)]
struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: &'a str,
}

impl<'a> Obj<'a> {
    fn at(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn str(&self, key: &str) -> R<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => {
                let s = s.trim();
                Ok((!s.is_empty()).then(|| s.to_string()))
            }
            Some(v) => err(
                &self.at(key),
                format!("expected a string, found {}", kind(v)),
            ),
        }
    }

    fn bool(&self, key: &str) -> R<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(v) => err(
                &self.at(key),
                format!("expected true or false, found {}", kind(v)),
            ),
        }
    }

    fn strings(&self, key: &str) -> R<Vec<String>> {
        let mut out = Vec::new();
        for (i, v) in self.array(key)?.iter().enumerate() {
            match v {
                Value::String(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
                Value::String(_) => {}
                v => {
                    return err(
                        &format!("{}[{i}]", self.at(key)),
                        format!("expected a string, found {}", kind(v)),
                    );
                }
            }
        }
        Ok(out)
    }

    fn array(&self, key: &str) -> R<&'a [Value]> {
        match self.get(key) {
            None => Ok(&[]),
            Some(Value::Array(a)) => Ok(a),
            Some(v) => err(
                &self.at(key),
                format!("expected an array, found {}", kind(v)),
            ),
        }
    }

    /// Visit each object of an array field with its own path.
    fn each(&self, key: &str, mut f: impl FnMut(Obj<'_>) -> R<()>) -> R<()> {
        let base = self.at(key);
        for (i, v) in self.array(key)?.iter().enumerate() {
            let path = format!("{base}[{i}]");
            match v {
                Value::Object(map) => f(Obj { map, path: &path })?,
                v => return err(&path, format!("expected an object, found {}", kind(v))),
            }
        }
        Ok(())
    }

    fn with<T>(&self, key: &str, f: impl FnOnce(Obj<'_>) -> R<T>) -> R<Option<T>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Object(map)) => {
                let path = self.at(key);
                f(Obj { map, path: &path }).map(Some)
            }
            Some(v) => err(
                &self.at(key),
                format!("expected an object, found {}", kind(v)),
            ),
        }
    }

    fn date(&self, key: &str) -> R<Option<PartialDate>> {
        match self.str(key)? {
            None => Ok(None),
            Some(s) => match PartialDate::parse(&s) {
                Some(d) => Ok(Some(d)),
                None => err(
                    &self.at(key),
                    format!("invalid date {s:?}: expected YYYY-MM or YYYY-MM-DD"),
                ),
            },
        }
    }

    fn actuality(&self, key: &str) -> R<Option<Actuality>> {
        match self.str(key)?.as_deref() {
            None => Ok(None),
            Some(s) => match s.to_ascii_uppercase().as_str() {
                "ACTUAL" => Ok(Some(Actuality::Actual)),
                "ESTIMATED" | "ANTICIPATED" => Ok(Some(Actuality::Estimated)),
                _ => err(
                    &self.at(key),
                    format!("unknown value {s:?}: expected ACTUAL or ESTIMATED"),
                ),
            },
        }
    }

    fn milestone(&self, key: &str) -> R<Option<Milestone>> {
        let m = self.with(key, |o| {
            Ok(o.date("date")?.map(|date| (date, o.actuality("type"))))
        })?;
        match m.flatten() {
            None => Ok(None),
            Some((date, kind)) => Ok(Some(Milestone { date, kind: kind? })),
        }
    }

    fn age(&self, key: &str) -> R<Option<AgeLimit>> {
        match self.str(key)? {
            None => Ok(None),
            Some(s) if s.eq_ignore_ascii_case("N/A") => Ok(None),
            Some(s) => match AgeLimit::parse(&s) {
                Some(a) => Ok(Some(a)),
                None => err(
                    &self.at(key),
                    format!("invalid age {s:?}: expected e.g. \"18 Years\" or \"6 Months\""),
                ),
            },
        }
    }

    fn code<T>(&self, key: &str, parse: fn(&str) -> Option<T>, all: &[&str]) -> R<Option<T>> {
        match self.str(key)? {
            None => Ok(None),
            Some(s) => match parse(&s) {
                Some(v) => Ok(Some(v)),
                None => err(
                    &self.at(key),
                    format!("unknown value {s:?}: expected one of {}", all.join(", ")),
                ),
            },
        }
    }
}

fn codes<T: Copy>(all: &[T], code: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| code(*v)).collect()
}

/// Map one v2 study (the object holding `protocolSection`) to a trial.
pub fn study_to_trial(study: &Value) -> R<Trial> {
    let Value::Object(root) = study else {
        return err(
            "",
            format!("expected a study object, found {}", kind(study)),
        );
    };
    let root = Obj {
        map: root,
        path: "",
    };
    if root.get("protocolSection").is_none() {
        if root.get("FullStudiesResponse").is_some() || root.get("FullStudy").is_some() {
            return err(
                "FullStudiesResponse",
                "this is the retired classic ClinicalTrials.gov API format, not API v2: \
                 download the study again from the v2 API (/api/v2/studies)",
            );
        }
        if root.get("ProtocolSection").is_some() || root.get("Study").is_some() {
            return err(
                "ProtocolSection",
                "this is the retired classic ClinicalTrials.gov API format (capitalised \
                 field names), not API v2",
            );
        }
        return err(
            "protocolSection",
            "missing: not a ClinicalTrials.gov API v2 study",
        );
    }
    let mut t = Trial::default();
    let mut modules = (false, false); // (status, eligibility)
    root.with("protocolSection", |p| {
        protocol(p, &mut t, &mut modules)?;
        Ok(())
    })?;
    t.has_results =
        root.bool("hasResults")?.unwrap_or(false) || root.get("resultsSection").is_some();
    for (i, iv) in t.interventions.iter().enumerate() {
        if !iv.dose_levels.is_empty() {
            t.provenance.push(FieldNote {
                field: format!("interventions[{i}].dose_levels"),
                basis: Basis::Derived,
                note: "from the intervention's description".into(),
            });
        }
    }
    root.with("eligo", |e| extension(e, &mut t))?;
    t.partial = !(modules.0 && modules.1);

    t.id = match &t.nct_id {
        Some(n) => n.clone(),
        None => {
            let sponsor = t.sponsor.as_ref().map(|s| s.name.as_str()).unwrap_or("");
            if t.brief_title.is_empty() {
                return err(
                    "protocolSection.identificationModule.nctId",
                    "missing, and no brief title to derive a local id from",
                );
            }
            local_trial_id(sponsor, &t.brief_title)
        }
    };
    Ok(t)
}

/// The study's NCT id, taken exactly as written. Absent (or null), the
/// study is imported under a local id derived from sponsor and title;
/// present, it must be an NCT id as the registry writes it: an empty one,
/// or one in lower case or with spaces around it, is refused rather than
/// normalised, so the id stored is always the one the record says.
fn nct_id(m: Obj<'_>) -> R<Option<String>> {
    let path = m.at("nctId");
    match m.get("nctId") {
        None => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => err(
            &path,
            "present but empty: give the study's NCT id, or leave the field out to \
             import the study under a local id",
        ),
        Some(Value::String(s)) if is_nct_id(s) => Ok(Some(s.clone())),
        Some(Value::String(s)) => {
            let fixed = s.trim().to_ascii_uppercase();
            let hint = if is_nct_id(&fixed) {
                format!("; did you mean {fixed:?}?")
            } else {
                String::new()
            };
            err(
                &path,
                format!(
                    "{s:?} is not an NCT id: expected NCT and 8 digits, in upper case with \
                     nothing around them{hint}"
                ),
            )
        }
        Some(v) => err(&path, format!("expected a string, found {}", kind(v))),
    }
}

/// The `eligo` object: what a source page states beyond the v2 format
/// (related trials, the page's dated labels, its own summary and sponsor
/// paragraph, outcome measures it does not class) and the notes on fields
/// eligo derived or whose label it inferred. Each note must name a field
/// the record sets.
fn extension(e: Obj<'_>, t: &mut Trial) -> R<()> {
    e.each("relatedTrials", |r| {
        let id = match r.str("id")? {
            Some(id) => id,
            None => return err(&r.at("id"), "missing"),
        };
        t.related.push(RelatedTrial {
            id,
            title: r.str("title")?,
        });
        Ok(())
    })?;
    e.each("pageDates", |d| {
        let date = match d.date("date")? {
            Some(x) => x,
            None => return err(&d.at("date"), "missing"),
        };
        t.page_dates.push(PageDate {
            label: required(d, "label")?,
            text: required(d, "text")?,
            date,
        });
        Ok(())
    })?;
    t.page_summary = e.with("pageSummary", page_text)?;
    if let Some(about) = e.with("sponsorAbout", page_text)? {
        match &mut t.sponsor {
            Some(s) => s.about = Some(about),
            None => return err(&e.at("sponsorAbout"), "the record names no sponsor"),
        }
    }
    e.each("outcomeMeasures", |o| {
        t.outcomes.push(outcome(o)?);
        Ok(())
    })?;
    let json = serde_json::to_value(&*t).unwrap_or_default();
    for (key, basis) in [
        ("derived", Basis::Derived),
        ("labelInferred", Basis::LabelInferred),
    ] {
        e.each(key, |n| {
            let field = required(n, "field")?;
            if eligo_model::field_path::get(&json, &field).is_none() {
                return err(
                    &n.at("field"),
                    format!("{field:?} names no field this record sets"),
                );
            }
            t.provenance.push(FieldNote {
                field,
                basis,
                note: required(n, "note")?,
            });
            Ok(())
        })?;
    }
    Ok(())
}

fn required(o: Obj<'_>, key: &str) -> R<String> {
    match o.str(key)? {
        Some(s) => Ok(s),
        None => err(&o.at(key), "missing"),
    }
}

fn page_text(o: Obj<'_>) -> R<PageText> {
    Ok(PageText {
        source: required(o, "source")?,
        heading: required(o, "heading")?,
        text: required(o, "text")?,
    })
}

fn outcome(o: Obj<'_>) -> R<Outcome> {
    Ok(Outcome {
        measure: o.str("measure")?.unwrap_or_default(),
        description: o.str("description")?,
        time_frame: o.str("timeFrame")?,
    })
}

fn protocol(p: Obj<'_>, t: &mut Trial, modules: &mut (bool, bool)) -> R<()> {
    let ident = p.with("identificationModule", |m| {
        t.nct_id = nct_id(m)?;
        t.org_study_id = m.with("orgStudyIdInfo", |o| o.str("id"))?.flatten();
        m.each("secondaryIdInfos", |s| {
            if let Some(id) = s.str("id")? {
                t.secondary_ids.push(SecondaryId {
                    id,
                    id_type: s.str("type")?,
                    domain: s.str("domain")?,
                });
            }
            Ok(())
        })?;
        t.brief_title = m.str("briefTitle")?.unwrap_or_default();
        t.official_title = m.str("officialTitle")?;
        t.acronym = m.str("acronym")?;
        if t.sponsor.is_none() {
            t.sponsor = m.with("organization", org_full_name)?.flatten();
        }
        Ok(())
    })?;
    if ident.is_none() {
        return err(
            &p.at("identificationModule"),
            "missing: a study needs its identification",
        );
    }
    if t.brief_title.is_empty() {
        t.brief_title = t.official_title.clone().unwrap_or_default();
    }

    modules.0 = p
        .with("statusModule", |m| {
            t.status = m.code(
                "overallStatus",
                OverallStatus::from_code,
                &codes(OverallStatus::ALL, OverallStatus::code),
            )?;
            let d = &mut t.dates;
            d.status_verified = m.date("statusVerifiedDate")?;
            d.first_submitted = m.date("studyFirstSubmitDate")?;
            d.first_posted = m.milestone("studyFirstPostDateStruct")?;
            d.start = m.milestone("startDateStruct")?;
            d.primary_completion = m.milestone("primaryCompletionDateStruct")?;
            d.completion = m.milestone("completionDateStruct")?;
            d.last_update_submitted = m.date("lastUpdateSubmitDate")?;
            d.last_update_posted = m.milestone("lastUpdatePostDateStruct")?;
            Ok(())
        })?
        .is_some();

    p.with("sponsorCollaboratorsModule", |m| {
        if let Some(s) = m.with("leadSponsor", org_name)?.flatten() {
            t.sponsor = Some(s);
        }
        m.each("collaborators", |c| {
            if let Some(o) = org_name(c)? {
                t.collaborators.push(o);
            }
            Ok(())
        })?;
        t.responsible_party = m.with("responsibleParty", |r| {
            Ok(ResponsibleParty {
                kind: r.str("type")?,
                investigator_name: r.str("investigatorFullName")?,
                investigator_title: r.str("investigatorTitle")?,
                investigator_affiliation: r.str("investigatorAffiliation")?,
            })
        })?;
        Ok(())
    })?;

    p.with("descriptionModule", |m| {
        t.brief_summary = m.str("briefSummary")?;
        t.detailed_description = m.str("detailedDescription")?;
        Ok(())
    })?;

    p.with("conditionsModule", |m| {
        t.conditions = m.strings("conditions")?;
        t.keywords = m.strings("keywords")?;
        Ok(())
    })?;

    p.with("designModule", |m| {
        t.study_type = m.code(
            "studyType",
            StudyType::from_code,
            &codes(StudyType::ALL, StudyType::code),
        )?;
        let all_phases = codes(Phase::ALL, Phase::code);
        for (i, v) in m.array("phases")?.iter().enumerate() {
            let path = format!("{}[{i}]", m.at("phases"));
            match v {
                Value::String(s) => match Phase::from_code(s) {
                    Some(ph) => {
                        if !t.phases.contains(&ph) {
                            t.phases.push(ph)
                        }
                    }
                    None => {
                        return err(
                            &path,
                            format!(
                                "unknown phase {s:?}: expected one of {}",
                                all_phases.join(", ")
                            ),
                        );
                    }
                },
                v => return err(&path, format!("expected a string, found {}", kind(v))),
            }
        }
        m.with("designInfo", |d| {
            let g = &mut t.design;
            g.allocation = d.str("allocation")?;
            g.intervention_model = d.str("interventionModel")?;
            g.intervention_model_description = d.str("interventionModelDescription")?;
            g.primary_purpose = d.str("primaryPurpose")?;
            g.observational_model = d.str("observationalModel")?;
            g.time_perspective = d.str("timePerspective")?;
            d.with("maskingInfo", |k| {
                g.masking = k.str("masking")?;
                g.who_masked = k.strings("whoMasked")?;
                Ok(())
            })?;
            Ok(())
        })?;
        t.enrollment = m
            .with("enrollmentInfo", |e| {
                let count = match e.get("count") {
                    None => return Ok(None),
                    Some(Value::Number(n)) => {
                        match n.as_u64().and_then(|c| u32::try_from(c).ok()) {
                            Some(c) => c,
                            None => {
                                return err(
                                    &e.at("count"),
                                    format!("{n} is not a participant count (a whole number ≥ 0)"),
                                );
                            }
                        }
                    }
                    Some(v) => {
                        return err(
                            &e.at("count"),
                            format!("expected a number, found {}", kind(v)),
                        );
                    }
                };
                Ok(Some(Enrollment {
                    count,
                    kind: e.actuality("type")?,
                }))
            })?
            .flatten();
        Ok(())
    })?;

    p.with("armsInterventionsModule", |m| {
        m.each("armGroups", |a| {
            t.arms.push(Arm {
                label: a.str("label")?.unwrap_or_default(),
                kind: a.str("type")?,
                description: a.str("description")?,
                interventions: a.strings("interventionNames")?,
            });
            Ok(())
        })?;
        m.each("interventions", |i| {
            let description = i.str("description")?;
            t.interventions.push(Intervention {
                name: i.str("name")?.unwrap_or_default(),
                kind: i.str("type")?,
                dose_levels: description
                    .as_deref()
                    .map(dose::dose_levels)
                    .unwrap_or_default(),
                description,
                arm_labels: i.strings("armGroupLabels")?,
                other_names: i.strings("otherNames")?,
            });
            Ok(())
        })?;
        Ok(())
    })?;

    p.with("outcomesModule", |m| {
        for (key, list) in [
            ("primaryOutcomes", &mut t.primary_outcomes),
            ("secondaryOutcomes", &mut t.secondary_outcomes),
            ("otherOutcomes", &mut t.other_outcomes),
        ] {
            m.each(key, |o| {
                list.push(outcome(o)?);
                Ok(())
            })?;
        }
        Ok(())
    })?;

    modules.1 = p
        .with("eligibilityModule", |m| {
            let e = &mut t.eligibility;
            // Keep the criteria text byte for byte: rule spans point into it.
            e.criteria = match m.get("eligibilityCriteria") {
                None => None,
                Some(Value::String(s)) if s.trim().is_empty() => None,
                Some(Value::String(s)) => Some(s.clone()),
                Some(v) => {
                    return err(
                        &m.at("eligibilityCriteria"),
                        format!("expected a string, found {}", kind(v)),
                    );
                }
            };
            e.healthy_volunteers = m.bool("healthyVolunteers")?;
            e.sex = m.code("sex", Sex::from_code, &codes(Sex::ALL, Sex::code))?;
            e.min_age = m.age("minimumAge")?;
            e.max_age = m.age("maximumAge")?;
            if let (Some(lo), Some(hi)) = (e.min_age, e.max_age)
                && lo.years() > hi.years()
            {
                return err(
                    &m.at("minimumAge"),
                    format!("minimum age {lo} is above the maximum age {hi}"),
                );
            }
            e.std_ages = m.strings("stdAges")?;
            Ok(())
        })?
        .is_some();

    p.with("contactsLocationsModule", |m| {
        m.each("centralContacts", |c| {
            if let Some(ct) = contact(c)? {
                t.central_contacts.push(ct);
            }
            Ok(())
        })?;
        m.each("overallOfficials", |o| {
            if let Some(name) = o.str("name")? {
                t.officials.push(Official {
                    name,
                    affiliation: o.str("affiliation")?,
                    role: o.str("role")?,
                });
            }
            Ok(())
        })?;
        m.each("locations", |l| {
            let mut loc = Location {
                facility: l.str("facility")?,
                city: l.str("city")?,
                state: l.str("state")?,
                zip: l.str("zip")?,
                country: l.str("country")?,
                status: l.str("status")?,
                ..Location::default()
            };
            l.each("contacts", |c| {
                if let Some(ct) = contact(c)? {
                    loc.contacts.push(ct);
                }
                Ok(())
            })?;
            loc.geo = l
                .with("geoPoint", |g| {
                    let num = |k: &str| -> R<Option<f64>> {
                        match g.get(k) {
                            None => Ok(None),
                            Some(Value::Number(n)) => Ok(n.as_f64()),
                            Some(v) => {
                                err(&g.at(k), format!("expected a number, found {}", kind(v)))
                            }
                        }
                    };
                    Ok(match (num("lat")?, num("lon")?) {
                        (Some(lat), Some(lon))
                            if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) =>
                        {
                            Some(GeoPoint { lat, lon })
                        }
                        (None, None) => None,
                        _ => return err(g.path, "latitude/longitude out of range or incomplete"),
                    })
                })?
                .flatten();
            t.locations.push(loc);
            Ok(())
        })?;
        Ok(())
    })?;

    p.with("referencesModule", |m| {
        m.each("references", |r| {
            if let Some(citation) = r.str("citation")? {
                t.references.push(Reference {
                    pmid: r.str("pmid")?,
                    kind: r.str("type")?,
                    citation,
                });
            }
            Ok(())
        })?;
        m.each("seeAlsoLinks", |l| {
            if let Some(url) = l.str("url")? {
                t.see_also.push(Link {
                    label: l.str("label")?.unwrap_or_else(|| url.clone()),
                    url,
                });
            }
            Ok(())
        })?;
        Ok(())
    })?;
    Ok(())
}

fn org_name(o: Obj<'_>) -> R<Option<Organization>> {
    Ok(o.str("name")?.map(|name| Organization {
        name,
        class: o.str("class").ok().flatten(),
        about: None,
    }))
}

fn org_full_name(o: Obj<'_>) -> R<Option<Organization>> {
    Ok(o.str("fullName")?.map(|name| Organization {
        name,
        class: o.str("class").ok().flatten(),
        about: None,
    }))
}

fn contact(c: Obj<'_>) -> R<Option<Contact>> {
    Ok(c.str("name")?.map(|name| Contact {
        name,
        // Not in the v2 format; eligo's sample records carry the line a
        // trial page gives under a contact's name.
        affiliation: c.str("affiliation").ok().flatten(),
        role: c.str("role").ok().flatten(),
        phone: c.str("phone").ok().flatten(),
        email: c.str("email").ok().flatten(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn minimal() -> Value {
        json!({"protocolSection": {
            "identificationModule": {"nctId": "NCT00000001", "briefTitle": "A study"},
            "statusModule": {"overallStatus": "RECRUITING"},
            "eligibilityModule": {"sex": "ALL", "minimumAge": "18 Years"}
        }})
    }

    #[test]
    fn minimal_study_maps() {
        let t = study_to_trial(&minimal()).unwrap();
        assert_eq!(t.id, "NCT00000001");
        assert_eq!(t.status, Some(OverallStatus::Recruiting));
        assert!(!t.partial);
    }

    #[test]
    fn errors_name_the_path() {
        let mut v = minimal();
        v["protocolSection"]["statusModule"]["overallStatus"] = json!("RECRUTING");
        let e = study_to_trial(&v).unwrap_err();
        assert_eq!(e.path, "protocolSection.statusModule.overallStatus");
        assert!(e.reason.contains("RECRUTING"), "{e}");

        let mut v = minimal();
        v["protocolSection"]["designModule"] = json!({"enrollmentInfo": {"count": "many"}});
        let e = study_to_trial(&v).unwrap_err();
        assert_eq!(e.path, "protocolSection.designModule.enrollmentInfo.count");

        let mut v = minimal();
        v["protocolSection"]["designModule"] = json!({"phases": ["PHASE1", "PHASE9"]});
        let e = study_to_trial(&v).unwrap_err();
        assert_eq!(e.path, "protocolSection.designModule.phases[1]");
    }

    #[test]
    fn missing_protocol_section_and_classic_api_are_rejected() {
        assert_eq!(
            study_to_trial(&json!({})).unwrap_err().path,
            "protocolSection"
        );
        let e = study_to_trial(&json!({"FullStudiesResponse": {}})).unwrap_err();
        assert!(e.reason.contains("classic"), "{e}");
    }

    #[test]
    fn trimmed_records_are_partial() {
        let v = json!({"protocolSection": {"identificationModule": {"nctId": "NCT00000002", "briefTitle": "x"}}});
        assert!(study_to_trial(&v).unwrap().partial);
    }
}
