//! A stored record as API v2 gives it: the record as imported, with any
//! value eligo derived (listed in the record's own `eligo.derived`) moved
//! out of the registry's sections into that list, so that it never passes
//! for a registered value; then only the `fields` asked for; then markup
//! in the `markupFormat` asked for.

use super::structure::{self, NODES};
use serde_json::{Map, Value};

/// The paths (`a.b.c`, no array indexes) a `fields` list selects, or the
/// name that is not a field.
pub fn resolve_fields(items: &[&str]) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |p: &str| {
        if !out.iter().any(|o| o == p) {
            out.push(p.to_string());
        }
    };
    for item in items {
        let item = item.trim();
        if let Some(n) = structure::by_piece(item) {
            add(n.path);
        } else if let Some(n) = structure::by_path(item) {
            add(n.path);
        } else if let Some(a) = super::query::area(item) {
            for (pieces, _) in a.parts {
                for p in *pieces {
                    if let Some(n) = structure::by_piece(p.name()) {
                        add(n.path);
                    }
                }
            }
        } else if beyond_served_module(item) {
            add(item);
        } else {
            return Err(item.to_string());
        }
    }
    Ok(out)
}

/// A path inside a module eligo serves whole without listing its fields
/// (results, annotations, derived data): `resultsSection.adverseEventsModule.seriousEvents`.
fn beyond_served_module(path: &str) -> bool {
    let mut prefix = path;
    while let Some((parent, _)) = prefix.rsplit_once('.') {
        if let Some(n) = structure::by_path(parent) {
            return n.is_struct() && structure::children(n.path).next().is_none();
        }
        prefix = parent;
    }
    false
}

/// The parts of `v` at `paths` (each kept whole), in `v`'s shape; `None`
/// when it has none of them.
pub fn select(v: &Value, paths: &[String]) -> Option<Value> {
    let split: Vec<Vec<&str>> = paths.iter().map(|p| p.split('.').collect()).collect();
    let refs: Vec<&[&str]> = split.iter().map(|p| p.as_slice()).collect();
    select_at(v, &refs)
}

fn select_at(v: &Value, paths: &[&[&str]]) -> Option<Value> {
    if paths.iter().any(|p| p.is_empty()) {
        return Some(v.clone());
    }
    match v {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, child) in m {
                let sub: Vec<&[&str]> = paths
                    .iter()
                    .filter(|p| p[0] == k)
                    .map(|p| &p[1..])
                    .collect();
                if sub.is_empty() {
                    continue;
                }
                if let Some(x) = select_at(child, &sub) {
                    out.insert(k.clone(), x);
                }
            }
            (!out.is_empty()).then_some(Value::Object(out))
        }
        Value::Array(items) => {
            let kept: Vec<Value> = items.iter().filter_map(|i| select_at(i, paths)).collect();
            (!kept.is_empty()).then_some(Value::Array(kept))
        }
        _ => None,
    }
}

/// Where a field eligo's model names (as the record's `eligo.derived`
/// notes name it) sits in the v2 record.
fn v2_path(model_path: &str) -> Option<String> {
    let (head, index) = match model_path.split_once('[') {
        Some((h, rest)) => {
            let (i, after) = rest.split_once(']')?;
            if !after.is_empty() {
                // A part of a list item (`interventions[0].dose_levels`)
                // that the v2 record does not have.
                return None;
            }
            (h, Some(i.parse::<usize>().ok()?))
        }
        None => (model_path, None),
    };
    const PS: &str = "protocolSection";
    let base = match head {
        "conditions" => "conditionsModule.conditions",
        "keywords" => "conditionsModule.keywords",
        "brief_summary" => "descriptionModule.briefSummary",
        "detailed_description" => "descriptionModule.detailedDescription",
        "status" => "statusModule.overallStatus",
        "phases" => "designModule.phases",
        "study_type" => "designModule.studyType",
        "enrollment" => "designModule.enrollmentInfo",
        "eligibility.criteria" => "eligibilityModule.eligibilityCriteria",
        "eligibility.min_age" => "eligibilityModule.minimumAge",
        "eligibility.max_age" => "eligibilityModule.maximumAge",
        "eligibility.sex" => "eligibilityModule.sex",
        "eligibility.healthy_volunteers" => "eligibilityModule.healthyVolunteers",
        "interventions" => "armsInterventionsModule.interventions",
        "arms" => "armsInterventionsModule.armGroups",
        "locations" => "contactsLocationsModule.locations",
        "sponsor" => "sponsorCollaboratorsModule.leadSponsor",
        "dates.start" => "statusModule.startDateStruct",
        "dates.primary_completion" => "statusModule.primaryCompletionDateStruct",
        "dates.completion" => "statusModule.completionDateStruct",
        "dates.first_submitted" => "statusModule.studyFirstSubmitDate",
        "dates.first_posted" => "statusModule.studyFirstPostDateStruct",
        "dates.last_update_submitted" => "statusModule.lastUpdateSubmitDate",
        "dates.last_update_posted" => "statusModule.lastUpdatePostDateStruct",
        "dates.status_verified" => "statusModule.statusVerifiedDate",
        _ => return None,
    };
    Some(match index {
        Some(i) => format!("{PS}.{base}[{i}]"),
        None => format!("{PS}.{base}"),
    })
}

/// Remove the value at `path` (`a.b[2]`), dropping objects left empty.
fn take(v: &mut Value, path: &str) -> Option<Value> {
    let (first, rest) = match path.split_once('.') {
        Some((f, r)) => (f, Some(r)),
        None => (path, None),
    };
    let (key, index) = match first.split_once('[') {
        Some((k, i)) => (k, Some(i.trim_end_matches(']').parse::<usize>().ok()?)),
        None => (first, None),
    };
    let map = v.as_object_mut()?;
    let child = map.get_mut(key)?;
    let taken = match (index, rest) {
        (None, None) => return map.remove(key),
        (None, Some(r)) => take(child, r),
        (Some(i), r) => {
            let items = child.as_array_mut()?;
            if i >= items.len() {
                return None;
            }
            match r {
                None => Some(items.remove(i)),
                Some(r) => take(&mut items[i], r),
            }
        }
    };
    let empty = match map.get(key) {
        Some(Value::Object(o)) => o.is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        _ => false,
    };
    if empty {
        map.remove(key);
    }
    taken
}

/// Whether [`set_apart_derived`] may change the record whose JSON text is
/// `text`: false when no `"derived"` key (or string) is in it at all.
pub fn may_have_derived(text: &str) -> bool {
    text.contains("\"derived\"")
}

/// Move what `eligo.derived` lists out of the registry sections, into the
/// note as its `value`. Records without such notes are left as they are.
pub fn set_apart_derived(record: &mut Value) {
    let notes: Vec<(usize, String)> = record
        .pointer("/eligo/derived")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .enumerate()
                .filter_map(|(i, n)| Some((i, n.get("field")?.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default();
    // Later list items first, so the indexes of earlier ones hold.
    let mut moves: Vec<(usize, String)> = notes
        .into_iter()
        .filter_map(|(i, f)| Some((i, v2_path(&f)?)))
        .collect();
    moves.sort_by_key(|m| std::cmp::Reverse(natural(&m.1)));
    for (i, path) in moves {
        if let Some(value) = take(record, &path)
            && let Some(note) = record
                .pointer_mut(&format!("/eligo/derived/{i}"))
                .and_then(Value::as_object_mut)
        {
            note.insert("value".into(), value);
        }
    }
}

/// `a[12]` sorts after `a[2]`.
fn natural(path: &str) -> String {
    let mut out = String::new();
    let mut digits = String::new();
    for c in path.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            if !digits.is_empty() {
                out.push_str(&format!("{digits:0>10}"));
                digits.clear();
            }
            out.push(c);
        }
    }
    out + &digits
}

/// Markup as `markupFormat=legacy` gives it: the markdown escapes (`\>`,
/// `\<`, `\*`, ...) taken out.
pub fn legacy_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&n) = chars.peek()
            && n.is_ascii_punctuation()
        {
            out.push(n);
            chars.next();
            continue;
        }
        out.push(c);
    }
    out
}

/// Apply [`legacy_markup`] to every markup field of a record.
pub fn to_legacy(record: &mut Value) {
    for n in NODES.iter().filter(|n| n.is_markup()) {
        let parts: Vec<&str> = n.path.split('.').collect();
        rewrite(record, &parts);
    }
}

fn rewrite(v: &mut Value, path: &[&str]) {
    match v {
        Value::Array(items) => items.iter_mut().for_each(|i| rewrite(i, path)),
        Value::String(s) if path.is_empty() => *s = legacy_markup(s),
        Value::Object(m) if !path.is_empty() => {
            if let Some(child) = m.get_mut(path[0]) {
                rewrite(child, &path[1..]);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_select_pieces_paths_and_areas_in_the_record_shape() {
        let rec = json!({
            "protocolSection": {
                "identificationModule": {"nctId": "NCT00000001", "briefTitle": "T"},
                "contactsLocationsModule": {"locations": [
                    {"city": "Nanjing", "country": "China"},
                    {"country": "France"}
                ]},
                "eligibilityModule": {"sex": "ALL", "minimumAge": "18 Years"}
            },
            "hasResults": false
        });
        let paths = resolve_fields(&["NCTId", "LocationCity", "protocolSection.eligibilityModule"])
            .unwrap();
        assert_eq!(
            select(&rec, &paths).unwrap(),
            json!({"protocolSection": {
                "identificationModule": {"nctId": "NCT00000001"},
                "contactsLocationsModule": {"locations": [{"city": "Nanjing"}]},
                "eligibilityModule": {"sex": "ALL", "minimumAge": "18 Years"}
            }})
        );
        assert_eq!(
            select(&rec, &resolve_fields(&["hasresults"]).unwrap()).unwrap(),
            json!({"hasResults": false})
        );
        assert_eq!(resolve_fields(&["StudyDesign"]), Err("StudyDesign".into()));
        assert!(resolve_fields(&["resultsSection.adverseEventsModule.seriousEvents"]).is_ok());
        assert!(resolve_fields(&["protocolSection.eligibilityModule.bogus"]).is_err());
        let title = resolve_fields(&["TitleSearch"]).unwrap();
        assert!(title.contains(&"protocolSection.identificationModule.acronym".to_string()));
    }

    #[test]
    fn derived_values_leave_the_registry_sections_for_their_note() {
        let mut rec = json!({
            "protocolSection": {
                "conditionsModule": {"conditions": ["Systemic Lupus Erythematosus"]},
                "eligibilityModule": {"minimumAge": "18 Years", "sex": "ALL"},
                "armsInterventionsModule": {"interventions": [{"name": "A"}, {"name": "B"}]}
            },
            "eligo": {"derived": [
                {"field": "conditions", "note": "from the title"},
                {"field": "eligibility.min_age", "note": "from the criteria"},
                {"field": "interventions[1]", "note": "from the title"},
                {"field": "interventions[0].dose_levels", "note": "from the description"}
            ]}
        });
        set_apart_derived(&mut rec);
        assert_eq!(
            rec,
            json!({
                "protocolSection": {
                    "eligibilityModule": {"sex": "ALL"},
                    "armsInterventionsModule": {"interventions": [{"name": "A"}]}
                },
                "eligo": {"derived": [
                    {"field": "conditions", "note": "from the title", "value": ["Systemic Lupus Erythematosus"]},
                    {"field": "eligibility.min_age", "note": "from the criteria", "value": "18 Years"},
                    {"field": "interventions[1]", "note": "from the title", "value": {"name": "B"}},
                    {"field": "interventions[0].dose_levels", "note": "from the description"}
                ]}
            })
        );
    }

    #[test]
    fn legacy_markup_drops_markdown_escapes() {
        assert_eq!(
            legacy_markup(r"SLEDAI \>6 and \<2 \\ x\=y"),
            r"SLEDAI >6 and <2 \ x=y"
        );
        let mut rec =
            json!({"protocolSection": {"eligibilityModule": {"eligibilityCriteria": "a \\> b"}}});
        to_legacy(&mut rec);
        assert_eq!(
            rec.pointer("/protocolSection/eligibilityModule/eligibilityCriteria"),
            Some(&json!("a > b"))
        );
    }
}
