//! A trial as the API gives it: the record's own fields, with what eligo
//! derived set apart so it never passes for a registered value.

use eligo_model::Trial;
use eligo_model::field_path;
use eligo_model::trial::Basis;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// A value eligo derived from other text of the record.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct DerivedValue {
    /// The field it would fill, as a path into the trial JSON
    /// (`conditions`, `interventions[0]`, `eligibility.min_age`).
    pub field: String,
    #[schema(value_type = Object)]
    pub value: Value,
    /// How eligo derived it, e.g. `from the title`.
    pub note: String,
}

/// The trial's JSON without the values eligo derived, and those values
/// apart. `provenance` in the JSON keeps the notes on labels eligo
/// inferred (values the source states without a label).
pub fn split(t: &Trial) -> serde_json::Result<(Value, Vec<DerivedValue>)> {
    let mut json = serde_json::to_value(t)?;
    let mut notes: Vec<_> = t
        .provenance
        .iter()
        .filter(|n| n.basis == Basis::Derived)
        .collect();
    // Take array items from the last to the first, so indexes hold (a path
    // sorts after the paths it contains; indexes compare as numbers).
    notes.sort_by_cached_key(|n| std::cmp::Reverse(sort_key(&n.field)));
    let mut derived = Vec::new();
    for n in notes {
        if let Some(value) = field_path::take(&mut json, &n.field) {
            derived.push(DerivedValue {
                field: n.field.clone(),
                value,
                note: n.note.clone(),
            });
        }
    }
    derived.reverse();
    // A list left empty by what was taken is no statement of the record's:
    // drop it, as the model's JSON drops empty lists.
    for d in &derived {
        let top = d.field.split(['.', '[']).next().unwrap_or_default();
        if json
            .get(top)
            .is_some_and(|v| v.as_array().is_some_and(Vec::is_empty))
        {
            json.as_object_mut().map(|o| o.remove(top));
        }
    }
    if let Some(Value::Array(p)) = json.get_mut("provenance") {
        p.retain(|n| n.get("basis").and_then(Value::as_str) != Some("derived"));
        if p.is_empty() {
            json.as_object_mut().map(|o| o.remove("provenance"));
        }
    }
    Ok((json, derived))
}

/// `a[12].b` → `a[0000000012].b`, so that paths sort by index.
fn sort_key(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 16);
    let mut digits = String::new();
    for c in path.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        if !digits.is_empty() {
            out.push_str(&format!("{digits:0>10}"));
            digits.clear();
        }
        out.push(c);
    }
    out.push_str(&digits);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use eligo_model::Quantity;
    use eligo_model::trial::{DoseLevel, FieldNote, Intervention};

    fn note(field: &str, basis: Basis) -> FieldNote {
        FieldNote {
            field: field.into(),
            basis,
            note: "how".into(),
        }
    }

    #[test]
    fn derived_values_leave_the_record_and_inferred_labels_stay_noted() {
        let iv = |name: &str, doses: usize| Intervention {
            name: name.into(),
            kind: None,
            description: None,
            arm_labels: vec![],
            other_names: vec![],
            dose_levels: (0..doses)
                .map(|i| DoseLevel {
                    text: format!("{i}/kg"),
                    dose: Quantity::new(i.into(), "/kg"),
                })
                .collect(),
        };
        let mut interventions = vec![iv("stated", 2), iv("from the title", 0)];
        interventions.extend((2..11).map(|i| iv(&format!("stated {i}"), 0)));
        interventions.push(iv("also from the title", 0));
        let t = Trial {
            id: "X".into(),
            brief_title: "CD19 CAR-T for SLE".into(),
            conditions: vec!["SLE".into()],
            interventions,
            provenance: vec![
                note("conditions", Basis::Derived),
                note("interventions[0].dose_levels", Basis::Derived),
                note("interventions[1]", Basis::Derived),
                note("interventions[11]", Basis::Derived),
                note("brief_title", Basis::LabelInferred),
            ],
            ..Trial::default()
        };
        let (json, derived) = split(&t).unwrap();
        assert!(
            json.get("conditions").is_none(),
            "no empty list left: {json}"
        );
        let names: Vec<&str> = json["interventions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].as_str().unwrap())
            .collect();
        assert_eq!(names.len(), 10, "{names:?}");
        assert_eq!(names[0], "stated");
        assert!(
            names[1..].iter().all(|n| n.starts_with("stated ")),
            "{names:?}"
        );
        assert!(json["interventions"][0].get("dose_levels").is_none());
        let fields: Vec<&str> = derived.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "conditions",
                "interventions[0].dose_levels",
                "interventions[1]",
                "interventions[11]"
            ]
        );
        assert_eq!(derived[2].value["name"], "from the title");
        assert_eq!(derived[3].value["name"], "also from the title");
        let kept = json["provenance"].as_array().unwrap();
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0]["field"], "brief_title");
    }
}
