//! `format=csv`: the columns of ClinicalTrials.gov's CSV download, one row
//! per study, values read from the record (lists joined by `|`, the parts
//! of one item by `, `), quoted as RFC 4180 says.

use serde_json::Value;

/// The columns, in the site's order.
pub const COLUMNS: &[&str] = &[
    "NCT Number",
    "Study Title",
    "Study URL",
    "Acronym",
    "Study Status",
    "Brief Summary",
    "Study Results",
    "Conditions",
    "Interventions",
    "Primary Outcome Measures",
    "Secondary Outcome Measures",
    "Other Outcome Measures",
    "Sponsor",
    "Collaborators",
    "Sex",
    "Age",
    "Phases",
    "Enrollment",
    "Funder Type",
    "Study Type",
    "Study Design",
    "Other IDs",
    "Start Date",
    "Primary Completion Date",
    "Completion Date",
    "First Posted",
    "Results First Posted",
    "Last Update Posted",
    "Locations",
    "Study Documents",
];

/// Every path of a record that [`value`] reads, for any column: a CSV
/// page parses only these ([`super::pick`]).
pub const PATHS: &[&str] = &[
    "hasResults",
    "protocolSection.identificationModule",
    "protocolSection.statusModule",
    "protocolSection.descriptionModule.briefSummary",
    "protocolSection.conditionsModule.conditions",
    "protocolSection.armsInterventionsModule.interventions",
    "protocolSection.outcomesModule",
    "protocolSection.sponsorCollaboratorsModule",
    "protocolSection.eligibilityModule.sex",
    "protocolSection.eligibilityModule.stdAges",
    "protocolSection.designModule",
    "protocolSection.contactsLocationsModule.locations",
    "documentSection.largeDocumentModule.largeDocs",
];

/// The column of this name (case-insensitive).
pub fn column(name: &str) -> Option<&'static str> {
    COLUMNS
        .iter()
        .copied()
        .find(|c| c.eq_ignore_ascii_case(name.trim()))
}

fn at<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = v;
    for k in path.split('.') {
        cur = cur.get(k)?;
    }
    (!cur.is_null()).then_some(cur)
}

fn text(v: &Value, path: &str) -> String {
    match at(v, path) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

fn list<'a>(v: &'a Value, path: &str) -> &'a [Value] {
    at(v, path)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn strings(v: &Value, path: &str) -> Vec<String> {
    list(v, path)
        .iter()
        .filter_map(|s| s.as_str().map(str::to_string))
        .collect()
}

/// The non-empty parts joined by `sep`.
fn join(parts: impl IntoIterator<Item = String>, sep: &str) -> String {
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(sep)
}

const PS: &str = "protocolSection";

fn outcomes(v: &Value, kind: &str) -> String {
    join(
        list(v, &format!("{PS}.outcomesModule.{kind}"))
            .iter()
            .map(|o| {
                join(
                    ["measure", "description", "timeFrame"].map(|k| text(o, k)),
                    ", ",
                )
            }),
        "|",
    )
}

/// The value of `column` for one study record.
pub fn value(v: &Value, column: &str) -> String {
    let id = text(v, &format!("{PS}.identificationModule.nctId"));
    match column {
        "NCT Number" => id,
        "Study Title" => text(v, &format!("{PS}.identificationModule.briefTitle")),
        "Study URL" if id.is_empty() => String::new(),
        "Study URL" => format!("https://clinicaltrials.gov/study/{id}"),
        "Acronym" => text(v, &format!("{PS}.identificationModule.acronym")),
        "Study Status" => text(v, &format!("{PS}.statusModule.overallStatus")),
        "Brief Summary" => text(v, &format!("{PS}.descriptionModule.briefSummary")),
        "Study Results" => match at(v, "hasResults") {
            Some(Value::Bool(true)) => "YES".into(),
            Some(Value::Bool(false)) => "NO".into(),
            _ => String::new(),
        },
        "Conditions" => join(
            strings(v, &format!("{PS}.conditionsModule.conditions")),
            "|",
        ),
        "Interventions" => join(
            list(v, &format!("{PS}.armsInterventionsModule.interventions"))
                .iter()
                .map(|i| match (text(i, "type"), text(i, "name")) {
                    (t, n) if t.is_empty() => n,
                    (t, n) => format!("{t}: {n}"),
                }),
            "|",
        ),
        "Primary Outcome Measures" => outcomes(v, "primaryOutcomes"),
        "Secondary Outcome Measures" => outcomes(v, "secondaryOutcomes"),
        "Other Outcome Measures" => outcomes(v, "otherOutcomes"),
        "Sponsor" => text(
            v,
            &format!("{PS}.sponsorCollaboratorsModule.leadSponsor.name"),
        ),
        "Collaborators" => join(
            list(v, &format!("{PS}.sponsorCollaboratorsModule.collaborators"))
                .iter()
                .map(|c| text(c, "name")),
            "|",
        ),
        "Sex" => text(v, &format!("{PS}.eligibilityModule.sex")),
        "Age" => join(strings(v, &format!("{PS}.eligibilityModule.stdAges")), ", "),
        "Phases" => join(strings(v, &format!("{PS}.designModule.phases")), "|"),
        "Enrollment" => text(v, &format!("{PS}.designModule.enrollmentInfo.count")),
        "Funder Type" => text(
            v,
            &format!("{PS}.sponsorCollaboratorsModule.leadSponsor.class"),
        ),
        "Study Type" => text(v, &format!("{PS}.designModule.studyType")),
        "Study Design" => {
            let d = format!("{PS}.designModule.designInfo");
            let masking = {
                let m = text(v, &format!("{d}.maskingInfo.masking"));
                let who = strings(v, &format!("{d}.maskingInfo.whoMasked"));
                if who.is_empty() || m.is_empty() {
                    m
                } else {
                    format!("{m} ({})", who.join(", "))
                }
            };
            join(
                [
                    ("Allocation", text(v, &format!("{d}.allocation"))),
                    (
                        "Intervention Model",
                        text(v, &format!("{d}.interventionModel")),
                    ),
                    (
                        "Observational Model",
                        text(v, &format!("{d}.observationalModel")),
                    ),
                    ("Time Perspective", text(v, &format!("{d}.timePerspective"))),
                    ("Masking", masking),
                    ("Primary Purpose", text(v, &format!("{d}.primaryPurpose"))),
                ]
                .into_iter()
                .filter(|(_, x)| !x.is_empty())
                .map(|(k, x)| format!("{k}: {x}")),
                "|",
            )
        }
        "Other IDs" => join(
            std::iter::once(text(
                v,
                &format!("{PS}.identificationModule.orgStudyIdInfo.id"),
            ))
            .chain(
                list(v, &format!("{PS}.identificationModule.secondaryIdInfos"))
                    .iter()
                    .map(|s| text(s, "id")),
            ),
            "|",
        ),
        "Start Date" => text(v, &format!("{PS}.statusModule.startDateStruct.date")),
        "Primary Completion Date" => text(
            v,
            &format!("{PS}.statusModule.primaryCompletionDateStruct.date"),
        ),
        "Completion Date" => text(v, &format!("{PS}.statusModule.completionDateStruct.date")),
        "First Posted" => text(
            v,
            &format!("{PS}.statusModule.studyFirstPostDateStruct.date"),
        ),
        "Results First Posted" => text(
            v,
            &format!("{PS}.statusModule.resultsFirstPostDateStruct.date"),
        ),
        "Last Update Posted" => text(
            v,
            &format!("{PS}.statusModule.lastUpdatePostDateStruct.date"),
        ),
        "Locations" => join(
            list(v, &format!("{PS}.contactsLocationsModule.locations"))
                .iter()
                .map(|l| {
                    join(
                        ["facility", "city", "state", "zip", "country"].map(|k| text(l, k)),
                        ", ",
                    )
                }),
            "|",
        ),
        "Study Documents" => join(
            list(v, "documentSection.largeDocumentModule.largeDocs")
                .iter()
                .map(|d| {
                    let file = text(d, "filename");
                    let url = if file.is_empty() || id.len() < 2 {
                        String::new()
                    } else {
                        format!(
                            "https://cdn.clinicaltrials.gov/large-docs/{}/{id}/{file}",
                            &id[id.len() - 2..]
                        )
                    };
                    join([text(d, "label"), url], ", ")
                }),
            "|",
        ),
        _ => String::new(),
    }
}

/// One CSV field, quoted when it must be.
pub fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One CSV line (CRLF-terminated, as RFC 4180 says).
pub fn line<'a>(cells: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = cells.into_iter().map(quote).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn columns_read_the_record_as_the_download_does() {
        let rec = json!({
            "protocolSection": {
                "identificationModule": {"nctId": "NCT06946485", "briefTitle": "A \"quoted\", title",
                    "orgStudyIdInfo": {"id": "CHT101"}},
                "conditionsModule": {"conditions": ["Lupus", "Nephritis"]},
                "armsInterventionsModule": {"interventions": [{"type": "BIOLOGICAL", "name": "CHT101"}]},
                "designModule": {"phases": ["PHASE1", "PHASE2"], "designInfo": {"allocation": "NA",
                    "maskingInfo": {"masking": "DOUBLE", "whoMasked": ["PARTICIPANT", "INVESTIGATOR"]}}},
                "contactsLocationsModule": {"locations": [{"facility": "Drum Tower", "city": "Nanjing", "country": "China"}]}
            },
            "hasResults": false
        });
        assert_eq!(
            value(&rec, "Study URL"),
            "https://clinicaltrials.gov/study/NCT06946485"
        );
        assert_eq!(value(&rec, "Conditions"), "Lupus|Nephritis");
        assert_eq!(value(&rec, "Interventions"), "BIOLOGICAL: CHT101");
        assert_eq!(value(&rec, "Phases"), "PHASE1|PHASE2");
        assert_eq!(value(&rec, "Study Results"), "NO");
        assert_eq!(
            value(&rec, "Study Design"),
            "Allocation: NA|Masking: DOUBLE (PARTICIPANT, INVESTIGATOR)"
        );
        assert_eq!(value(&rec, "Locations"), "Drum Tower, Nanjing, China");
        assert_eq!(value(&rec, "Other IDs"), "CHT101");
        assert_eq!(value(&rec, "Enrollment"), "");
        assert_eq!(
            line([value(&rec, "Study Title").as_str(), "x"]),
            "\"A \"\"quoted\"\", title\",x\r\n"
        );
        assert_eq!(column("study title"), Some("Study Title"));
    }
}
