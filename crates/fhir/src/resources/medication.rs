//! Medication resources (MedicationStatement, MedicationRequest,
//! MedicationAdministration): the concept, the dose per day and when.

use super::*;

pub(crate) fn medication(ctx: &Ctx, r: &mut Res) -> Result<MedicationFact, Problem> {
    let n = r.node.clone();
    let kind = r.entry.resource_type;
    let status = match kind {
        "MedicationStatement" => status(
            &n,
            &[
                ENTERED_IN_ERROR,
                ("not-taken", "the patient did not take it"),
            ],
        )?,
        "MedicationAdministration" => {
            status(&n, &[ENTERED_IN_ERROR, ("not-done", "it was not given")])?
        }
        _ => status(&n, &[ENTERED_IN_ERROR])?,
    };
    let med = medication_concept(ctx, r, &n)?;
    let dosage = match kind {
        "MedicationAdministration" => n.object("dosage").map(|d| d.map(|d| (d, 1))),
        "MedicationRequest" => first(&n, "dosageInstruction"),
        _ => first(&n, "dosage"),
    };
    let dosage = r.soft(dosage);
    if let Some((d, count)) = &dosage
        && *count > 1
    {
        r.note(
            d.path.clone(),
            format!("{count} dosages given; only the first is read"),
        );
    }
    let dosage = dosage.map(|(d, _)| d);
    let (mut dose, mut per_day, mut route) = (None, None, None);
    if let Some(d) = &dosage {
        let read = dose_of(r, d, kind == "MedicationAdministration");
        dose = r.soft(read);
        if kind != "MedicationAdministration" {
            let read = d
                .object("timing")
                .and_then(|t| t.map(|t| per_day_of(&t)).transpose().map(Option::flatten));
            per_day = r.soft(read);
        }
        let read = concept_at(d, "route").map(|c| c.and_then(|c| c.label()));
        route = r.soft(read);
    }
    let when = match kind {
        "MedicationRequest" => (|| -> Result<Option<Dates>, Problem> {
            let (mut start, end) = match n.object("dispenseRequest")? {
                Some(dr) => match dr.field("validityPeriod") {
                    Some(p) => r.period(&p)?,
                    None => (None, None),
                },
                None => (None, None),
            };
            if start.is_none() {
                start = r.date(&n, "authoredOn")?;
            }
            Ok(Some((start, end)))
        })(),
        _ => (|| -> Result<Option<Dates>, Problem> {
            Ok(match n.choice("effective")? {
                Some(("DateTime" | "Instant", v)) => {
                    let d = r.date_of(&v)?;
                    // One administration is over the day it is given; a
                    // statement's date says only that it was being taken.
                    Some((Some(d), (kind == "MedicationAdministration").then_some(d)))
                }
                Some(("Period", v)) => Some(r.period(&v)?),
                Some((other, v)) => {
                    return Err(Problem::new(
                        v.path,
                        format!("effective{other} is not read as a date"),
                    ));
                }
                None => None,
            })
        })(),
    };
    let (start, end) = r.soft(when).unwrap_or_default();
    Ok(MedicationFact {
        source: r.entry.source(),
        codes: med.codes,
        text: med.text,
        status: status.map(str::to_owned),
        dose,
        per_day,
        route,
        start,
        end,
    })
}

/// The first object of an array, with the array's length.
pub(crate) fn first<'a>(n: &Node<'a>, key: &str) -> Result<Option<(Node<'a>, usize)>, Problem> {
    let all = n.objects(key)?;
    let count = all.len();
    Ok(all.into_iter().next().map(|d| (d, count)))
}

/// Dose per administration: `dose` (Administration) or
/// `doseAndRate[0].doseQuantity`.
pub(crate) fn dose_of(
    r: &mut Res,
    d: &Node,
    administration: bool,
) -> Result<Option<Quantity>, Problem> {
    let q = if administration {
        d.object("dose")?
    } else {
        let Some(dr) = d.objects("doseAndRate")?.into_iter().next() else {
            return Ok(None);
        };
        if let Some(range) = dr.field("doseRange") {
            r.note(range.path, "doseRange is not read; the dose is unknown");
        }
        dr.object("doseQuantity")?
    };
    let Some(q) = q else {
        return Ok(None);
    };
    let q = quantity(&q, None)?;
    if let Some(p) = q.unit_problem {
        r.note(d.at("dose"), p);
    }
    if q.quantity.value.is_sign_negative() && !q.quantity.value.is_zero() {
        return Err(Problem::new(
            d.path.clone(),
            format!("a negative dose ({}) is impossible", q.quantity),
        ));
    }
    Ok(Some(q.quantity))
}

/// Administrations per day from `Timing.repeat` (frequency per period) or
/// the common `Timing.code`s. Month and year periods have no fixed length in
/// days, so they give none.
pub(crate) fn per_day_of(t: &Node) -> Result<Option<Decimal>, Problem> {
    if let Some(rep) = t.object("repeat")? {
        let frequency = match rep.field("frequency") {
            Some(f) => match f.v.as_u64() {
                Some(n) if n > 0 => Decimal::from(n),
                _ => {
                    return Err(Problem::new(
                        f.path,
                        format!("frequency must be a positive integer, found {}", f.v),
                    ));
                }
            },
            None => Decimal::ONE,
        };
        if let Some(p) = rep.field("period") {
            let period = decimal(&p)?;
            let unit = rep.str("periodUnit")?.unwrap_or("");
            let days = match unit {
                "s" => period / Decimal::from(86_400),
                "min" => period / Decimal::from(1_440),
                "h" => period / Decimal::from(24),
                "d" => period,
                "wk" => period * Decimal::from(7),
                "mo" | "a" => {
                    return Err(Problem::new(
                        rep.at("periodUnit"),
                        format!(
                            "per-day frequency not computed: a period in {unit:?} has no fixed length in days"
                        ),
                    ));
                }
                other => {
                    return Err(Problem::new(
                        rep.at("periodUnit"),
                        format!("periodUnit {other:?} is not s, min, h, d, wk, mo or a"),
                    ));
                }
            };
            if days <= Decimal::ZERO {
                return Err(Problem::new(p.path, "the period must be positive"));
            }
            // Six places survive eligo's JSON float form exactly.
            return Ok(frequency
                .checked_div(days)
                .map(|d| d.round_dp(6).normalize()));
        }
        let times = rep.array("timeOfDay")?.len();
        if times > 0 {
            return Ok(Some(Decimal::from(times)));
        }
    }
    let Some(code) = concept_at(t, "code")? else {
        return Ok(None);
    };
    Ok(code.codes.iter().find_map(|c| match c.code.as_str() {
        "QD" | "AM" | "PM" => Some(Decimal::ONE),
        "BID" => Some(Decimal::from(2)),
        "TID" => Some(Decimal::from(3)),
        "QID" => Some(Decimal::from(4)),
        "QOD" => Some(Decimal::new(5, 1)),
        _ => None,
    }))
}

/// `medicationCodeableConcept`, or `medicationReference` resolved to a
/// contained or bundled Medication (R5's `medication.concept/.reference` too).
pub(crate) fn medication_concept(ctx: &Ctx, r: &mut Res, n: &Node) -> Result<Concept, Problem> {
    let (cc, reference) = match n.choice("medication")? {
        Some(("CodeableConcept", c)) => (Some(c), None),
        Some(("Reference", rf)) => (None, Some(rf)),
        Some((other, v)) => {
            return Err(Problem::new(
                v.path,
                format!("medication{other} is not a FHIR medication[x] type"),
            ));
        }
        None => match n.object("medication")? {
            Some(m) => (m.field("concept"), m.object("reference")?),
            None => (None, None),
        },
    };
    if let Some(c) = cc {
        let concept = concept(&c)?;
        if concept.is_empty() {
            return Err(Problem::new(
                c.path,
                "the medication has no code or text: which medication is unknown",
            ));
        }
        return Ok(concept);
    }
    let Some(rf) = reference else {
        return Err(Problem::new(
            n.at("medication[x]"),
            "no medication given: which medication is unknown",
        ));
    };
    rf.expect_object()?;
    let target = rf.str("reference")?;
    let display = rf.str("display")?;
    let found = match target {
        Some(t) if t.starts_with('#') => n.objects("contained")?.into_iter().find(|c| {
            c.str("id").ok().flatten() == Some(&t[1..])
                && c.str("resourceType").ok().flatten() == Some("Medication")
        }),
        Some(t) => match ctx.index.resolve(t) {
            Some(j) => {
                let e = &ctx.index.entries[j];
                if e.resource_type != "Medication" {
                    return Err(Problem::new(
                        rf.at("reference"),
                        format!("{t:?} is {}, not a Medication", e.label()),
                    ));
                }
                Some(e.node())
            }
            None => None,
        },
        None => None,
    };
    match found {
        Some(m) => {
            let mut c = concept_at(&m, "code")?.unwrap_or_default();
            for ing in m.objects("ingredient")? {
                let item = match ing.field("itemCodeableConcept") {
                    Some(i) => Some(concept(&i)?),
                    None => match ing.object("item")? {
                        Some(item) => concept_at(&item, "concept")?,
                        None => None,
                    },
                };
                for code in item.into_iter().flat_map(|i| i.codes) {
                    if !c.codes.contains(&code) {
                        c.codes.push(code);
                    }
                }
            }
            if c.text.is_none() {
                c.text = display.map(str::to_owned);
            }
            if c.is_empty() {
                return Err(Problem::new(
                    m.path.clone(),
                    "the Medication has no code, ingredient or text: which medication is unknown",
                ));
            }
            Ok(c)
        }
        None => {
            match (target, display) {
                (Some(t), Some(d)) => {
                    r.note(rf.at("reference"), format!("{t:?} is not in the bundle; the medication is read by its display {d:?}"));
                    Ok(Concept {
                        codes: Vec::new(),
                        text: Some(d.to_owned()),
                    })
                }
                (None, Some(d)) => Ok(Concept {
                    codes: Vec::new(),
                    text: Some(d.to_owned()),
                }),
                (Some(t), None) => Err(Problem::new(
                    rf.at("reference"),
                    format!(
                        "{t:?} is not in the bundle and has no display: which medication is unknown"
                    ),
                )),
                (None, None) => Err(Problem::new(
                    rf.path.clone(),
                    "the reference is empty: which medication is unknown",
                )),
            }
        }
    }
}
