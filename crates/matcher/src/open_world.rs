//! A questionnaire's open world (MATCHING.md rule 10). A health record's
//! history is a closed world: what it does not hold is absent (rule 3). In
//! a questionnaire only an explicit "No" says so: a history rule that found
//! nothing is unknown unless the patient denied the item, and a denial of
//! a broader item (SLE) covers a narrower one (lupus nephritis).

use crate::ctx::{Ctx, note_evidence};
use crate::outcome::status_word;
use eligo_model::evidence::{Evidence, RuleResult, Status};
use eligo_model::fact::{Denial, HistoryKind};
use eligo_model::rule::{PregnancyState, RuleKind, VaccineKind};

/// The history item a rule asks about, as a questionnaire keys it.
fn item(kind: &RuleKind) -> Option<(HistoryKind, String)> {
    Some(match kind {
        RuleKind::Diagnosis { concept, .. } => (HistoryKind::Condition, concept.clone()),
        RuleKind::TrialCondition {
            concept: Some(k), ..
        } => (HistoryKind::Condition, k.clone()),
        // A condition the vocabulary does not know is asked by its name.
        RuleKind::TrialCondition {
            condition,
            concept: None,
        } => (HistoryKind::Condition, condition.trim().to_string()),
        RuleKind::Medication { agent, .. } => (HistoryKind::Medication, agent.clone()),
        RuleKind::Procedure { concept, .. } => (HistoryKind::Procedure, concept.clone()),
        RuleKind::Vaccination { vaccine, .. } => (
            HistoryKind::Vaccination,
            match vaccine {
                VaccineKind::Live => "live",
                VaccineKind::Inactivated => "inactivated",
                VaccineKind::Mrna => "mrna",
                VaccineKind::Any => "any",
            }
            .to_string(),
        ),
        RuleKind::Allergy { substance, .. } => (
            HistoryKind::Allergy,
            substance.clone().unwrap_or_else(|| "any".into()),
        ),
        RuleKind::TrialParticipation { .. } => (HistoryKind::TrialParticipation, "any".into()),
        RuleKind::Pregnancy {
            state: PregnancyState::Lactating,
            ..
        } => (HistoryKind::Condition, "lactation".into()),
        _ => return None,
    })
}

/// The answer that denies `key`, directly or through a broader item.
pub fn denial<'a>(ctx: &Ctx<'a>, kind: HistoryKind, key: &str) -> Option<&'a Denial> {
    ctx.facts.denied.iter().find(|d| {
        d.kind == kind
            && (d.key == key
                || match kind {
                    HistoryKind::Condition => ctx
                        .vocab
                        .condition_closure(&d.key)
                        .iter()
                        .any(|c| c.key == key),
                    HistoryKind::Procedure => ctx
                        .vocab
                        .procedure_closure(&d.key)
                        .iter()
                        .any(|c| c.key == key),
                    HistoryKind::Medication => ctx
                        .vocab
                        .medication_members(&d.key)
                        .iter()
                        .any(|m| m.key == key),
                    HistoryKind::Allergy => d.key == "any",
                    HistoryKind::Vaccination => d.key == "any",
                    HistoryKind::TrialParticipation => true,
                })
    })
}

/// A history rule's result read in the facts' world. In a closed world it
/// stands. In an open world a "not met" that rests on nothing recorded
/// becomes "unknown", unless the patient said "No", which the evidence
/// then cites.
pub fn read(ctx: &Ctx<'_>, mut res: RuleResult) -> RuleResult {
    if ctx.facts.world.is_closed() {
        return res;
    }
    let Some((kind, key)) = item(&res.rule.kind) else {
        return res;
    };
    // A trial condition eligo does not recognise is unknown when not
    // found by name; "No" to it decides.
    if res.status == Status::Unknown
        && matches!(
            res.rule.kind,
            RuleKind::TrialCondition { concept: None, .. }
        )
        && res.evidence.iter().all(|e| e.source.is_none())
        && let Some(d) = denial(ctx, kind, &key)
    {
        res.status = Status::NotMet;
        res.missing.clear();
        res.evidence = vec![Evidence {
            source: Some(d.source.clone()),
            label: key.clone(),
            value: None,
            text: Some("answered No".into()),
            date: None,
            computation: None,
        }];
        res.explanation = format!("{key}: answered No (not met)");
        return res;
    }
    if res.status != Status::NotMet {
        return res;
    }
    if res.evidence.iter().any(|e| e.source.is_some()) {
        // Something was answered and judged (outside the window, inactive...).
        return res;
    }
    let label = res
        .evidence
        .first()
        .map(|e| e.label.clone())
        .unwrap_or_else(|| key.replace('_', " "));
    match denial(ctx, kind, &key) {
        Some(d) => {
            res.evidence = vec![Evidence {
                source: Some(d.source.clone()),
                label: label.clone(),
                value: None,
                text: Some("answered No".into()),
                date: None,
                computation: None,
            }];
            res.explanation = format!("{label}: answered No ({})", status_word(res.status));
        }
        None => {
            res.status = Status::Unknown;
            res.explanation = format!(
                "{label}: not answered, or \u{201c}I don't know\u{201d} ({})",
                status_word(Status::Unknown)
            );
            res.evidence = vec![note_evidence(
                &label,
                "not answered (a questionnaire: only \u{201c}No\u{201d} means no)",
            )];
            res.missing = vec![format!("whether the patient has {}", label.to_lowercase())];
        }
    }
    res
}
