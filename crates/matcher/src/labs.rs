//! Laboratory and vital-sign rules: numeric thresholds (absolute, or a
//! multiple of the limits of normal), derived values (Cockcroft-Gault
//! creatinine clearance, CKD-EPI 2021 eGFR) and qualitative results.
//!
//! Open world: a value that is missing, outside the window, or in a unit
//! that cannot be converted leaves the rule unknown, never assumed normal.

use crate::ctx::{Ctx, implausible, obs_evidence, quantity, window_words};
use crate::outcome::{result, status_word, unknown};
use eligo_instruments::units;
use eligo_model::evidence::{Evidence, RuleResult, Status};
use eligo_model::fact::{ObservationFact, ObservationValue};
use eligo_model::rule::{Comparator, Period, Qualitative, Rule, RuleKind, Threshold};
use eligo_model::{Quantity, fact::systems::SNOMED};
use rust_decimal::Decimal;

/// A value found for an analyte, with the evidence that produced it.
struct Found<'a> {
    quantity: Quantity,
    /// The value is a bound ("< 20"), not a measurement.
    bound: Option<Comparator>,
    obs: Option<&'a ObservationFact>,
    evidence: Vec<Evidence>,
}

fn label(ctx: &Ctx<'_>, analyte: &str) -> String {
    ctx.vocab
        .analyte(analyte)
        .map(|a| a.label.clone())
        .unwrap_or_else(|| analyte.to_string())
}

/// The substance key the unit converter needs for molar <-> mass.
fn substance(ctx: &Ctx<'_>, analyte: &str) -> Option<String> {
    ctx.vocab
        .analyte(analyte)
        .and_then(|a| a.conversion_analyte.clone())
}

/// An observation's quantity with its unit spelled in UCUM.
fn ucum(q: &Quantity) -> Result<Quantity, String> {
    match units::normalize_unit(&q.unit) {
        Ok(u) => Ok(Quantity::new(q.value, u)),
        Err(e) => Err(e.to_string()),
    }
}

/// The latest numeric value of `analyte` in the window: an observation's
/// own, else a component of a multi-part one (blood pressure).
fn measured<'a>(ctx: &Ctx<'a>, analyte: &str, window: Option<Period>) -> Option<Found<'a>> {
    for o in ctx.observations(analyte, window) {
        if let Some(q) = quantity(o) {
            return Some(Found {
                quantity: q.clone(),
                bound: o.comparator,
                obs: Some(o),
                evidence: vec![obs_evidence(o, &label(ctx, analyte))],
            });
        }
    }
    for (o, c) in ctx.components(analyte, window) {
        if let Some(ObservationValue::Quantity { quantity: q }) = &c.value
            && implausible(analyte, q).is_none()
        {
            let mut e = obs_evidence(o, &label(ctx, analyte));
            e.value = Some(q.clone());
            e.text = None;
            e.computation = Some(format!(
                "a component of the observation ({})",
                c.codes
                    .iter()
                    .map(|k| k.display.clone().unwrap_or_else(|| k.code.clone()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            return Some(Found {
                quantity: q.clone(),
                bound: None,
                obs: None,
                evidence: vec![e],
            });
        }
    }
    None
}

/// What a bound ("< 20") says about `value <op> limit`: always true, never
/// true, or it depends on where under (or over) the bound the value lies.
fn bound_decides(bound: Comparator, b: Decimal, op: Comparator, limit: Decimal) -> Option<bool> {
    use Comparator::*;
    // The bound's interval is below b (open for <) or above b (open for >).
    let below = matches!(bound, Lt | Le);
    let open = matches!(bound, Lt | Gt);
    match (below, op) {
        // Values under b: all below the limit? none above it?
        (true, Lt) if b < limit || (b == limit && open) => Some(true),
        (true, Le) if b <= limit => Some(true),
        (true, Gt) if b <= limit => Some(false),
        (true, Ge) if b < limit || (b == limit && open) => Some(false),
        // Values over b: all above the limit? none below it?
        (false, Gt) if b > limit || (b == limit && open) => Some(true),
        (false, Ge) if b >= limit => Some(true),
        (false, Lt) if b >= limit => Some(false),
        (false, Le) if b > limit || (b == limit && open) => Some(false),
        _ => None,
    }
}

/// Serum creatinine in mg/dL (converted from any unit), latest in the window.
fn creatinine_mg_dl<'a>(
    ctx: &Ctx<'a>,
    window: Option<Period>,
) -> Result<(Decimal, Evidence), String> {
    let Some(f) = measured(ctx, "creatinine", window) else {
        return Err("serum creatinine".into());
    };
    if f.bound.is_some() {
        return Err("serum creatinine as a value (the record gives only a bound)".into());
    }
    let q = ucum(&f.quantity).map_err(|e| format!("serum creatinine in a known unit ({e})"))?;
    let c = units::convert(&q, "mg/dL", Some("creatinine"))
        .map_err(|e| format!("serum creatinine in a convertible unit ({e})"))?;
    let mut ev = f.evidence.into_iter().next().expect("one evidence");
    if !c.explanation.is_empty() {
        ev.computation = Some(c.explanation);
    }
    Ok((c.quantity.value, ev))
}

/// What the renal formulas need: serum creatinine (mg/dL, positive) with its
/// evidence, body weight when asked for, age and sex; or every missing fact.
struct RenalInputs {
    creatinine: Decimal,
    creatinine_ev: Evidence,
    weight: Option<(Decimal, Evidence)>,
    age: u32,
    female: bool,
}

fn renal_inputs(
    ctx: &Ctx<'_>,
    window: Option<Period>,
    need_weight: bool,
) -> Result<RenalInputs, Vec<String>> {
    let mut missing = Vec::new();
    let creat = creatinine_mg_dl(ctx, window)
        .map_err(|m| missing.push(m))
        .ok();
    let weight = if need_weight { ctx.weight_kg() } else { None };
    if need_weight && weight.is_none() {
        missing.push("body weight".into());
    }
    let age = ctx.age();
    if age.is_none() {
        missing.push("birth date".into());
    }
    let female = ctx.female();
    if female.is_none() {
        missing.push("sex".into());
    }
    let (Some((creatinine, creatinine_ev)), Some(age), Some(female)) = (creat, age, female) else {
        return Err(missing);
    };
    if !missing.is_empty() {
        return Err(missing);
    }
    if creatinine <= Decimal::ZERO {
        return Err(vec!["a positive serum creatinine".into()]);
    }
    Ok(RenalInputs {
        creatinine,
        creatinine_ev,
        weight,
        age,
        female,
    })
}

/// A value computed by a formula, with the evidence it stands on.
fn derived<'a>(
    ctx: &Ctx<'_>,
    label: &str,
    short: &str,
    unit: &str,
    (value, computation): (Decimal, String),
    mut evidence: Vec<Evidence>,
) -> Found<'a> {
    evidence.push(Evidence {
        source: None,
        label: label.into(),
        value: Some(Quantity::new(value.round_dp(1), unit)),
        text: None,
        date: Some(ctx.as_of),
        computation: Some(format!("{short} {computation}")),
    });
    Found {
        quantity: Quantity::new(value, unit),
        bound: None,
        obs: None,
        evidence,
    }
}

/// Creatinine clearance: as recorded, else Cockcroft-Gault (MATCHING.md rule 7).
fn crcl<'a>(ctx: &Ctx<'a>, window: Option<Period>) -> Result<Found<'a>, Vec<String>> {
    if let Some(f) = measured(ctx, "crcl", window) {
        return Ok(f);
    }
    let i = renal_inputs(ctx, window, true)?;
    let (kg, kg_ev) = i.weight.expect("renal_inputs asked for the weight");
    let cg = eligo_instruments::renal::cockcroft_gault(i.age, kg, i.creatinine, i.female);
    Ok(derived(
        ctx,
        "Creatinine clearance (Cockcroft-Gault)",
        "CrCl",
        "mL/min",
        cg,
        vec![i.creatinine_ev, kg_ev],
    ))
}

/// eGFR: as recorded, else CKD-EPI 2021 (race-free) from serum creatinine.
fn egfr<'a>(ctx: &Ctx<'a>, window: Option<Period>) -> Result<Found<'a>, Vec<String>> {
    if let Some(f) = measured(ctx, "egfr", window) {
        return Ok(f);
    }
    let i = renal_inputs(ctx, window, false)?;
    let e = eligo_instruments::renal::ckd_epi_2021(i.age, i.creatinine, i.female);
    Ok(derived(
        ctx,
        "eGFR (CKD-EPI 2021)",
        "eGFR",
        "mL/min/{1.73_m2}",
        e,
        vec![i.creatinine_ev],
    ))
}

pub fn lab(ctx: &Ctx<'_>, r: &Rule) -> RuleResult {
    let RuleKind::Lab {
        analyte,
        comparator,
        threshold,
        window,
        method: _,
        exceptions,
    } = &r.kind
    else {
        unreachable!("lab() is called for lab rules")
    };
    let name = label(ctx, analyte);
    let found = match analyte.as_str() {
        "crcl" => crcl(ctx, *window),
        "egfr" => egfr(ctx, *window),
        _ => measured(ctx, analyte, *window)
            .ok_or_else(|| vec![format!("{name} {}", window_words(*window))]),
    };
    let found = match found {
        Ok(f) => f,
        Err(missing) => {
            let mut res = result(
                r,
                Status::Unknown,
                format!("{name}: no value {}", window_words(*window)),
            );
            res.missing = missing;
            return res;
        }
    };

    // An exception condition (e.g. Gilbert's syndrome) swaps the threshold.
    let mut comparator = *comparator;
    let mut threshold = threshold.clone();
    let mut extra = Vec::new();
    for ex in exceptions {
        let has = ctx
            .conditions_of(&ex.condition)
            .into_iter()
            .find(|c| c.verification_status.is_none_or(|v| v.counts()));
        if let Some(c) = has {
            comparator = ex.comparator;
            threshold = ex.threshold.clone();
            extra.push(Evidence {
                source: Some(c.source.clone()),
                label: format!("Exception: {}", ex.condition.replace('_', " ")),
                value: None,
                text: Some("recorded: the exception threshold applies".into()),
                date: c.onset,
                computation: None,
            });
        }
    }

    let value = match ucum(&found.quantity) {
        Ok(q) => q,
        Err(e) => {
            return unknown(
                r,
                format!(
                    "{name}: unit {:?} is not a unit eligo can read ({e})",
                    found.quantity.unit
                ),
                format!("{name} in a known unit"),
            );
        }
    };
    let sub = substance(ctx, analyte);
    let (limit, limit_words, limit_ev) = match &threshold {
        Threshold::Quantity { quantity } => (quantity.clone(), quantity.to_string(), None),
        Threshold::UlnMultiple { factor } | Threshold::LlnMultiple { factor } => {
            let upper = matches!(threshold, Threshold::UlnMultiple { .. });
            match normal_limit(ctx, analyte, found.obs, upper, &value.unit, sub.as_deref()) {
                Ok((lim, how)) => {
                    let scaled = Quantity::new((lim.value * factor).normalize(), lim.unit.clone());
                    let words = format!(
                        "{} × {} ({scaled})",
                        factor.normalize(),
                        if upper { "ULN" } else { "LLN" }
                    );
                    let ev = Evidence {
                        source: found.obs.map(|o| o.source.clone()),
                        label: format!("{name} {}", if upper { "ULN" } else { "LLN" }),
                        value: Some(lim.clone()),
                        text: None,
                        date: found.obs.and_then(|o| o.effective),
                        computation: Some(how),
                    };
                    (scaled, words, Some(ev))
                }
                Err(missing) => {
                    return unknown(
                        r,
                        format!(
                            "{name}: no {} known",
                            if upper {
                                "upper limit of normal"
                            } else {
                                "lower limit of normal"
                            }
                        ),
                        missing,
                    );
                }
            }
        }
    };
    let converted = match units::convert(&value, &limit.unit, sub.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            let mut res = unknown(
                r,
                format!("{name}: {value} cannot be compared with {limit} ({e})"),
                format!("{name} in a unit convertible to {}", limit.unit),
            );
            res.evidence = found.evidence;
            return res;
        }
    };
    let v = converted.quantity.value;
    let holds = match found.bound {
        // A result below (or above) the assay's limit decides only when the
        // whole range it allows falls on one side of the threshold.
        Some(b) => bound_decides(b, v, comparator, limit.value),
        None => Some(comparator.holds(v, limit.value)),
    };
    let s = match holds {
        Some(true) => Status::Met,
        Some(false) => Status::NotMet,
        None => Status::Unknown,
    };
    let shown = Quantity::new(v.round_dp(3).normalize(), limit.unit.clone());
    let shown = match found.bound {
        Some(b) => format!("{} {shown}", b.symbol()),
        None => shown.to_string(),
    };
    let mut res = result(
        r,
        s,
        format!(
            "{name} {shown} {} {limit_words} ({})",
            comparator.symbol(),
            status_word(s)
        ),
    );
    if s == Status::Unknown {
        res.missing.push(format!(
            "{name} as a value (the record gives only a bound, {shown})"
        ));
    }
    res.evidence = found.evidence;
    if !converted.explanation.is_empty()
        && let Some(first) = res
            .evidence
            .iter_mut()
            .find(|e| e.source.is_some() && e.computation.is_none())
    {
        first.computation = Some(converted.explanation.clone());
    }
    res.evidence.extend(limit_ev);
    res.evidence.extend(extra);
    res
}

/// The ULN (or LLN) for an observation, in `unit`: from its own
/// referenceRange, else from eligo's default table (MATCHING.md rule 5).
fn normal_limit(
    ctx: &Ctx<'_>,
    analyte: &str,
    obs: Option<&ObservationFact>,
    upper: bool,
    unit: &str,
    sub: Option<&str>,
) -> Result<(Quantity, String), String> {
    let which = if upper { "ULN" } else { "LLN" };
    if let Some(rr) = obs.and_then(|o| o.reference_range.as_ref()) {
        let lim = if upper {
            rr.high.as_ref()
        } else {
            rr.low.as_ref()
        };
        if let Some(l) = lim {
            let l = ucum(l).map_err(|e| format!("{which} of {analyte} in a known unit ({e})"))?;
            let c = units::convert(&l, unit, sub)
                .map_err(|e| format!("{which} of {analyte} convertible ({e})"))?;
            return Ok((
                c.quantity,
                format!("{which} {l} from the Observation's referenceRange"),
            ));
        }
    }
    let a = ctx.vocab.analyte(analyte);
    let d = a.and_then(|a| a.default_range.as_ref());
    let lim = d.and_then(|d| if upper { d.high } else { d.low });
    match (d, lim) {
        (Some(d), Some(v)) => {
            let q = Quantity::new(v, d.unit.clone());
            let c = units::convert(&q, unit, sub)
                .map_err(|e| format!("{which} of {analyte} convertible ({e})"))?;
            Ok((
                c.quantity,
                format!(
                    "{which} {q} from eligo's default reference table ({}): the Observation has no referenceRange",
                    d.source
                ),
            ))
        }
        _ => Err(format!(
            "{which} (referenceRange) of {}",
            a.map_or(analyte, |a| a.label.as_str())
        )),
    }
}

/// SNOMED CT qualifier values for test results.
const POSITIVE: &[&str] = &["10828004", "260373001", "11214006", "52101004"];
const NEGATIVE: &[&str] = &["260385009", "260415000", "131194007", "2667000"];

/// Read an observation as positive / negative, if it says.
pub fn qualitative(o: &ObservationFact) -> Option<Qualitative> {
    fn words(t: &str) -> Option<Qualitative> {
        let t = t.trim().to_lowercase();
        // "<20 IU/mL" written as text: below the assay's limit.
        if t.starts_with('<') {
            return Some(Qualitative::Negative);
        }
        let neg = [
            "negative",
            "non-reactive",
            "nonreactive",
            "not detected",
            "undetectable",
            "undetected",
            "absent",
            "neg",
        ];
        if neg.iter().any(|w| t.contains(w)) {
            return Some(Qualitative::Negative);
        }
        let pos = [
            "positive",
            "reactive",
            "detected",
            "detectable",
            "present",
            "pos",
        ];
        if pos.iter().any(|w| t.contains(w)) {
            return Some(Qualitative::Positive);
        }
        None
    }
    let from_value = match &o.value {
        Some(ObservationValue::Code { coding, text }) => {
            if coding
                .iter()
                .any(|c| c.system == SNOMED && POSITIVE.contains(&c.code.as_str()))
            {
                Some(Qualitative::Positive)
            } else if coding
                .iter()
                .any(|c| c.system == SNOMED && NEGATIVE.contains(&c.code.as_str()))
            {
                Some(Qualitative::Negative)
            } else {
                text.as_deref().and_then(words).or_else(|| {
                    coding
                        .iter()
                        .filter_map(|c| c.display.as_deref())
                        .find_map(words)
                })
            }
        }
        Some(ObservationValue::Boolean { value }) => Some(if *value {
            Qualitative::Positive
        } else {
            Qualitative::Negative
        }),
        Some(ObservationValue::Text { value }) => words(value),
        Some(ObservationValue::Quantity { quantity }) if o.comparator.is_some() => {
            // "< 20 IU/mL": below the assay's limit, so not detected, unless
            // the bound lies above the cut-off (then it does not say).
            let high = o
                .reference_range
                .as_ref()
                .and_then(|r| r.high.as_ref())
                .filter(|h| h.unit == quantity.unit || h.unit.is_empty());
            match (o.comparator, high) {
                (Some(Comparator::Lt | Comparator::Le), None) => Some(Qualitative::Undetectable),
                (Some(Comparator::Lt | Comparator::Le), Some(h)) if quantity.value <= h.value => {
                    Some(Qualitative::Undetectable)
                }
                (Some(Comparator::Gt | Comparator::Ge), None) => Some(Qualitative::Detectable),
                (Some(Comparator::Gt | Comparator::Ge), Some(h)) if quantity.value >= h.value => {
                    Some(Qualitative::Detectable)
                }
                _ => None,
            }
        }
        Some(ObservationValue::Quantity { quantity }) => {
            let high = o.reference_range.as_ref().and_then(|r| r.high.as_ref());
            match high {
                Some(h) if h.unit == quantity.unit || h.unit.is_empty() => {
                    Some(if quantity.value > h.value {
                        Qualitative::Detectable
                    } else {
                        Qualitative::Undetectable
                    })
                }
                _ if quantity.value.is_zero() => Some(Qualitative::Undetectable),
                _ => None,
            }
        }
        None => None,
    };
    from_value.or_else(|| {
        o.interpretation
            .iter()
            .find_map(|i| match i.to_ascii_uppercase().as_str() {
                "POS" | "DET" | "A" | "AA" | "H" | "HH" | "R" => Some(Qualitative::Positive),
                "NEG" | "ND" | "N" | "NR" => Some(Qualitative::Negative),
                _ => None,
            })
    })
}

pub fn lab_result(
    ctx: &Ctx<'_>,
    r: &Rule,
    analyte: &str,
    want: Qualitative,
    window: Option<Period>,
) -> RuleResult {
    let name = label(ctx, analyte);
    let want_pos = matches!(want, Qualitative::Positive | Qualitative::Detectable);
    let word = |pos: bool| match (want, pos) {
        (Qualitative::Detectable | Qualitative::Undetectable, true) => "detectable",
        (Qualitative::Detectable | Qualitative::Undetectable, false) => "not detectable",
        (_, true) => "positive",
        (_, false) => "negative",
    };
    for o in ctx.observations(analyte, window) {
        if let Some(q) = qualitative(o) {
            let pos = matches!(q, Qualitative::Positive | Qualitative::Detectable);
            let s = if pos == want_pos {
                Status::Met
            } else {
                Status::NotMet
            };
            let mut res = result(
                r,
                s,
                format!(
                    "{name} {}, required {} ({})",
                    word(pos),
                    word(want_pos),
                    status_word(s)
                ),
            );
            res.evidence.push(obs_evidence(o, &name));
            return res;
        }
    }
    // A pregnancy test cannot be positive for a man: not applicable, not missing.
    if analyte == "hcg" && ctx.female() == Some(false) {
        let mut res = result(
            r,
            if want_pos {
                Status::NotMet
            } else {
                Status::Met
            },
            format!("{name}: not applicable to a male patient"),
        );
        res.evidence.push(crate::ctx::note_evidence("Sex", "male"));
        return res;
    }
    unknown(
        r,
        format!("{name}: no readable result {}", window_words(window)),
        format!("{name} result {}", window_words(window)),
    )
}
