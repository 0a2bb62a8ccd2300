//! Endpoints of one participant, visit by visit: the schedule with each
//! visit's window and state, the values the chart draws (SLEDAI, PGA,
//! prednisone, C3/C4, anti-dsDNA) and, against the baseline visit, SRI-4
//! with its three components, DORIS 2021 remission, LLDAS, BILAG-2004
//! (no new A, fewer than two new B), PGA (no worsening), SDI change and the
//! worst grades of adverse events so far. Every endpoint is computed by the
//! instruments crate; one that lacks an input is missing, with the reason.

use crate::Date;
use crate::data::{AdverseEvent, ConMed, Participant, Syndrome, VisitData, prednisone_mg_per_day};
use crate::schedule::{
    BASELINE, Plan, PlannedVisit, VisitFacts, VisitState, Window, baseline_window, days_between,
    visit_state,
};
use crate::settings::Settings;
use eligo_instruments::{bilag2004, doris2021, lldas, pga, sdi, sledai2k, sri4};
use eligo_model::Quantity;
use rust_decimal::Decimal;
use serde::Serialize;

/// A visit of a participant as recorded (entered-in-error ones left out).
#[derive(Debug, Clone, PartialEq)]
pub struct VisitRecord {
    /// `BL`, a planned code (`M3`), or `U1`, `U2`... for unscheduled visits.
    pub code: String,
    /// The date it was done; None when only marked missed.
    pub date: Option<Date>,
    /// Marked missed, with the reason.
    pub missed: Option<String>,
    pub data: VisitData,
}

/// One part of a composite endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Component {
    pub name: String,
    pub met: Option<bool>,
    pub detail: String,
}

/// A yes/no endpoint: `value` None is missing (never a "no").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Binary {
    pub value: Option<bool>,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<Component>,
}

impl Binary {
    fn missing(why: impl Into<String>) -> Binary {
        Binary {
            value: None,
            detail: why.into(),
            components: vec![],
        }
    }
}

/// The binary endpoints, in display order: key and label.
pub const BINARY_ENDPOINTS: &[(&str, &str)] = &[
    ("sri4", "SRI-4 response"),
    ("doris2021", "DORIS 2021 remission"),
    ("lldas", "LLDAS"),
    ("bilag", "BILAG-2004: no new A, fewer than 2 new B"),
    ("pga", "PGA: no worsening (rise < 0.3)"),
    ("sdi", "SDI: no new damage"),
];

/// Endpoints at one follow-up visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Endpoints {
    pub sri4: Binary,
    pub doris2021: Binary,
    pub lldas: Binary,
    pub bilag: Binary,
    pub pga: Binary,
    pub sdi: Binary,
    /// SDI total now minus at baseline.
    pub sdi_change: Option<i64>,
}

impl Endpoints {
    pub fn get(&self, key: &str) -> Option<&Binary> {
        Some(match key {
            "sri4" => &self.sri4,
            "doris2021" => &self.doris2021,
            "lldas" => &self.lldas,
            "bilag" => &self.bilag,
            "pga" => &self.pga,
            "sdi" => &self.sdi,
            _ => return None,
        })
    }
}

/// Worst adverse-event grades with onset up to a date.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct WorstGrades {
    /// Over events on the CTCAE scale (computed or entered as CTCAE).
    pub ctcae: Option<u8>,
    pub crs: Option<u8>,
    pub icans: Option<u8>,
    pub agvhd: Option<u8>,
}

/// The values the timeline chart draws.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Values {
    pub sledai2k: Option<u32>,
    pub selena_sledai: Option<u32>,
    pub clinical_sledai: Option<u32>,
    pub pga: Option<Decimal>,
    /// Prednisone-equivalent mg/day from the medication log.
    pub prednisone_mg_day: Option<Decimal>,
    pub prednisone_detail: String,
    pub bilag_numeric: Option<u32>,
    pub sdi_total: Option<u32>,
    /// In g/L.
    pub c3_g_l: Option<Decimal>,
    pub c4_g_l: Option<Decimal>,
    /// In [IU]/mL.
    pub anti_dsdna_iu_ml: Option<Decimal>,
}

/// One row of a participant's schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VisitRow {
    pub code: String,
    pub label: String,
    /// `baseline`, `scheduled` or `unscheduled`.
    pub kind: &'static str,
    pub window: Option<Window>,
    pub date: Option<Date>,
    /// Days after the infusion (day 0).
    pub day: Option<i64>,
    pub state: VisitState,
    pub missed_reason: Option<String>,
    pub values: Values,
    /// Follow-up visits that are done (None elsewhere).
    pub endpoints: Option<Endpoints>,
    /// Worst grades with onset up to the visit (its date, else its target).
    pub worst: WorstGrades,
}

/// A participant's visits, endpoints and events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Timeline {
    pub rows: Vec<VisitRow>,
    /// Worst grades over all events up to the as-of date.
    pub worst: WorstGrades,
}

fn sledai_total(items: &sledai2k::Items) -> (u32, u32) {
    let r = sledai2k::score(items).result;
    (r.total, r.clinical_total)
}

fn g_l(l: Option<&crate::data::Lab>, to: &str) -> Option<Decimal> {
    let l = l?;
    let q = Quantity::new(l.value, l.unit.clone());
    eligo_instruments::units::convert(&q, to, None)
        .ok()
        .map(|c| c.quantity.value.round_dp(4).normalize())
}

fn values(data: &VisitData, cms: &[ConMed], date: Option<Date>) -> Values {
    let mut v = Values {
        sledai2k: data.sledai2k.as_ref().map(|i| sledai_total(i).0),
        selena_sledai: data.selena_sledai.as_ref().map(|i| sledai_total(i).0),
        clinical_sledai: data.sledai2k.as_ref().map(|i| sledai_total(i).1),
        pga: data.pga,
        bilag_numeric: data.bilag.map(|g| g.numeric_total()),
        sdi_total: data.sdi.as_ref().map(|s| sdi::score(s).result.total),
        c3_g_l: g_l(data.lab("c3"), "g/L"),
        c4_g_l: g_l(data.lab("c4"), "g/L"),
        anti_dsdna_iu_ml: g_l(data.lab("anti_dsdna"), "[IU]/mL"),
        ..Values::default()
    };
    if let Some(d) = date {
        match prednisone_mg_per_day(cms, d) {
            Ok((mg, text)) => {
                v.prednisone_mg_day = Some(mg);
                v.prednisone_detail = text;
            }
            Err(e) => v.prednisone_detail = e,
        }
    }
    v
}

/// Worst grades of events with onset on or before `until`.
pub fn worst_grades(aes: &[AdverseEvent], until: Date) -> WorstGrades {
    let mut w = WorstGrades::default();
    for a in aes.iter().filter(|a| a.onset <= until) {
        let Ok(g) = a.graded() else { continue };
        let slot = match a.syndrome() {
            Syndrome::Crs => &mut w.crs,
            Syndrome::Icans => &mut w.icans,
            Syndrome::Agvhd => &mut w.agvhd,
            Syndrome::Other if g.scale.starts_with("CTCAE") => &mut w.ctcae,
            Syndrome::Other => continue,
        };
        *slot = Some(slot.map_or(g.grade, |x| x.max(g.grade)));
    }
    w
}

fn missing_parts(parts: &[(&str, bool)]) -> Option<String> {
    let m: Vec<&str> = parts
        .iter()
        .filter(|(_, ok)| !ok)
        .map(|(n, _)| *n)
        .collect();
    (!m.is_empty()).then(|| format!("missing: {}", m.join(", ")))
}

/// SRI-4 against baseline, on the SLEDAI version `version`
/// (`selena_sledai` or `sledai2k`, the same at both visits).
pub fn sri4(baseline: &VisitData, now: &VisitData, version: &str) -> Binary {
    let pick = |d: &VisitData| {
        if version == "sledai2k" {
            d.sledai2k
        } else {
            d.selena_sledai
        }
    };
    let vname = if version == "sledai2k" {
        "SLEDAI-2K"
    } else {
        "SELENA-SLEDAI"
    };
    let (bs, ns) = (pick(baseline), pick(now));
    if let Some(why) = missing_parts(&[
        (&format!("baseline {vname}"), bs.is_some()),
        (vname, ns.is_some()),
        ("baseline PGA", baseline.pga.is_some()),
        ("PGA", now.pga.is_some()),
        ("baseline BILAG-2004", baseline.bilag.is_some()),
        ("BILAG-2004", now.bilag.is_some()),
    ]) {
        return Binary::missing(why);
    }
    let (Some(bs), Some(ns), Some(bp), Some(np), Some(bb), Some(nb)) =
        (bs, ns, baseline.pga, now.pga, baseline.bilag, now.bilag)
    else {
        return Binary::missing("missing input");
    };
    let out = sri4::score(&sri4::Input {
        baseline: sri4::Visit {
            sledai: sledai_total(&bs).0,
            pga: bp,
            bilag: bb,
        },
        followup: sri4::Visit {
            sledai: sledai_total(&ns).0,
            pga: np,
            bilag: nb,
        },
    });
    let r = &out.result;
    Binary {
        value: Some(r.responder),
        detail: format!(
            "{vname} {} → {} (reduction {}); new BILAG A {}, new B {}; PGA change {}",
            sledai_total(&bs).0,
            sledai_total(&ns).0,
            r.sledai_reduction,
            r.new_a,
            r.new_b,
            r.pga_change.normalize()
        ),
        components: out
            .breakdown
            .components
            .iter()
            .map(|c| Component {
                name: c.criterion.to_string(),
                met: Some(c.met),
                detail: c.detail.clone(),
            })
            .collect(),
    }
}

/// DORIS 2021 remission at a visit.
pub fn doris(now: &VisitData, prednisone: Option<Decimal>, pred_note: &str) -> Binary {
    if let Some(why) = missing_parts(&[
        ("SLEDAI-2K", now.sledai2k.is_some()),
        ("PGA", now.pga.is_some()),
        ("prednisone dose", prednisone.is_some()),
        (
            "maintenance therapy attestation",
            now.maintenance_therapy_stable.is_some(),
        ),
    ]) {
        let why = if prednisone.is_none() && !pred_note.is_empty() {
            format!("{why} ({pred_note})")
        } else {
            why
        };
        return Binary::missing(why);
    }
    let (Some(items), Some(p), Some(mg), Some(stable)) = (
        now.sledai2k,
        now.pga,
        prednisone,
        now.maintenance_therapy_stable,
    ) else {
        return Binary::missing("missing input");
    };
    let out = doris2021::score(&doris2021::Input {
        sledai2k_items: items,
        pga: p,
        prednisone_mg_per_day: mg,
        maintenance_therapy_stable: stable,
    });
    Binary {
        value: Some(out.result.remission),
        detail: format!(
            "clinical SLEDAI {}, PGA {}, prednisone {} mg/day",
            out.result.clinical_sledai,
            p.normalize(),
            mg.normalize()
        ),
        components: out
            .breakdown
            .criteria
            .iter()
            .map(|c| Component {
                name: c.criterion.to_string(),
                met: Some(c.met),
                detail: c.value.clone(),
            })
            .collect(),
    }
}

/// LLDAS at a visit.
pub fn lldas(now: &VisitData, prednisone: Option<Decimal>, pred_note: &str) -> Binary {
    if let Some(why) = missing_parts(&[
        ("SLEDAI-2K", now.sledai2k.is_some()),
        ("PGA", now.pga.is_some()),
        ("prednisone dose", prednisone.is_some()),
        ("haemolytic anaemia", now.hemolytic_anemia.is_some()),
        (
            "gastrointestinal activity",
            now.gastrointestinal_activity.is_some(),
        ),
        (
            "new activity since last assessment",
            now.new_activity_since_last_assessment.is_some(),
        ),
        (
            "maintenance therapy attestation",
            now.maintenance_therapy_standard_and_tolerated.is_some(),
        ),
    ]) {
        let why = if prednisone.is_none() && !pred_note.is_empty() {
            format!("{why} ({pred_note})")
        } else {
            why
        };
        return Binary::missing(why);
    }
    let (Some(items), Some(p), Some(mg), Some(ha), Some(gi), Some(new), Some(maint)) = (
        now.sledai2k,
        now.pga,
        prednisone,
        now.hemolytic_anemia,
        now.gastrointestinal_activity,
        now.new_activity_since_last_assessment,
        now.maintenance_therapy_standard_and_tolerated,
    ) else {
        return Binary::missing("missing input");
    };
    let out = lldas::score(&lldas::Input {
        sledai2k_items: items,
        hemolytic_anemia: ha,
        gastrointestinal_activity: gi,
        new_activity_since_last_assessment: new,
        pga: p,
        prednisone_mg_per_day: mg,
        maintenance_therapy_standard_and_tolerated: maint,
    });
    Binary {
        value: Some(out.result.lldas),
        detail: format!(
            "SLEDAI-2K {}, PGA {}, prednisone {} mg/day",
            out.result.sledai2k,
            p.normalize(),
            mg.normalize()
        ),
        components: out
            .breakdown
            .criteria
            .iter()
            .map(|c| Component {
                name: c.criterion.to_string(),
                met: Some(c.met),
                detail: c.value.clone(),
            })
            .collect(),
    }
}

/// BILAG-2004 against baseline: no new A and fewer than two new B (the
/// record's "improvement", SRI-4's BILAG component).
pub fn bilag(baseline: &VisitData, now: &VisitData) -> Binary {
    let (Some(b), Some(n)) = (baseline.bilag, now.bilag) else {
        return Binary::missing(
            missing_parts(&[
                ("baseline BILAG-2004", baseline.bilag.is_some()),
                ("BILAG-2004", now.bilag.is_some()),
            ])
            .unwrap_or_default(),
        );
    };
    let (a, bb) = bilag2004::new_a_b(&b, &n);
    Binary {
        value: Some(a == 0 && bb < 2),
        detail: format!(
            "numeric {} → {}; new A {a}, new B {bb}",
            b.numeric_total(),
            n.numeric_total()
        ),
        components: vec![],
    }
}

/// PGA against baseline: no worsening (a rise below 0.3).
pub fn pga_no_worsening(baseline: &VisitData, now: &VisitData) -> Binary {
    let (Some(b), Some(n)) = (baseline.pga, now.pga) else {
        return Binary::missing(
            missing_parts(&[
                ("baseline PGA", baseline.pga.is_some()),
                ("PGA", now.pga.is_some()),
            ])
            .unwrap_or_default(),
        );
    };
    let (change, worsened) = pga::change(b, n);
    Binary {
        value: Some(!worsened),
        detail: format!(
            "PGA {} → {} (change {})",
            b.normalize(),
            n.normalize(),
            change.normalize()
        ),
        components: vec![],
    }
}

/// SDI against baseline: the change, and "no new damage" (change 0).
pub fn sdi_change(baseline: &VisitData, now: &VisitData) -> (Binary, Option<i64>) {
    let (Some(b), Some(n)) = (&baseline.sdi, &now.sdi) else {
        return (
            Binary::missing(
                missing_parts(&[
                    ("baseline SDI", baseline.sdi.is_some()),
                    ("SDI", now.sdi.is_some()),
                ])
                .unwrap_or_default(),
            ),
            None,
        );
    };
    let (tb, tn) = (sdi::score(b).result.total, sdi::score(n).result.total);
    let change = i64::from(tn) - i64::from(tb);
    let note = if change < 0 {
        " (damage cannot heal: check the entries)"
    } else {
        ""
    };
    (
        Binary {
            value: Some(change <= 0),
            detail: format!("SDI {tb} → {tn} (change {change:+}){note}"),
            components: vec![],
        },
        Some(change),
    )
}

fn endpoints_at(
    baseline: Option<&VisitData>,
    now: &VisitData,
    v: &Values,
    sri_version: &str,
) -> Endpoints {
    let empty = VisitData::default();
    let no_bl = baseline.is_none();
    let b = baseline.unwrap_or(&empty);
    let need_bl = |x: Binary| {
        if no_bl {
            Binary::missing("no baseline visit recorded")
        } else {
            x
        }
    };
    let (sdi_b, sdi_c) = sdi_change(b, now);
    Endpoints {
        sri4: need_bl(sri4(b, now, sri_version)),
        doris2021: doris(now, v.prednisone_mg_day, &v.prednisone_detail),
        lldas: lldas(now, v.prednisone_mg_day, &v.prednisone_detail),
        bilag: need_bl(bilag(b, now)),
        pga: need_bl(pga_no_worsening(b, now)),
        sdi: need_bl(sdi_b),
        sdi_change: if no_bl { None } else { sdi_c },
    }
}

/// A participant's schedule, visit states and endpoints on `as_of`.
pub fn timeline(
    plan: &Plan,
    settings: &Settings,
    p: &Participant,
    visits: &[VisitRecord],
    aes: &[AdverseEvent],
    cms: &[ConMed],
    as_of: Date,
) -> Timeline {
    let day0 = p.infusion_date;
    let withdrawn = p.withdrawn_on.filter(|w| *w <= as_of);
    // What is known on `as_of`: nothing dated later.
    let known: Vec<VisitRecord> = visits
        .iter()
        .filter(|v| v.date.is_none_or(|d| d <= as_of))
        .cloned()
        .collect();
    let visits = known.as_slice();
    let aes: Vec<AdverseEvent> = aes.iter().filter(|a| a.onset <= as_of).cloned().collect();
    let aes = aes.as_slice();
    let find = |code: &str| visits.iter().find(|v| v.code == code);
    let done_on = |v: Option<&VisitRecord>| v.and_then(|v| v.date);
    let baseline = find(BASELINE);
    let baseline_data = baseline.filter(|b| b.date.is_some()).map(|b| &b.data);
    let mut rows = Vec::new();

    // Baseline: before (or on) day 0; it has no later visit rule.
    let bw = baseline_window(day0, settings.baseline_window_days);
    let bstate = visit_state(
        &bw,
        VisitFacts {
            done_on: done_on(baseline),
            marked_missed: baseline.is_some_and(|b| b.missed.is_some()),
        },
        as_of,
        None,
        false,
        withdrawn,
    );
    let bdate = done_on(baseline);
    rows.push(VisitRow {
        code: BASELINE.into(),
        label: "Baseline (screening)".into(),
        kind: "baseline",
        window: Some(bw),
        date: bdate,
        day: bdate.map(|d| days_between(day0, d)),
        state: bstate,
        missed_reason: baseline.and_then(|b| b.missed.clone()),
        values: baseline.map_or_else(Values::default, |b| values(&b.data, cms, b.date)),
        endpoints: None,
        worst: worst_grades(aes, bdate.unwrap_or(day0)),
    });

    let planned: Vec<&PlannedVisit> = plan.visits.iter().collect();
    for (i, pv) in planned.iter().enumerate() {
        let w = Window::around(pv.offset.target(day0), pv.window_days);
        let next_start = planned
            .get(i + 1)
            .map(|n| Window::around(n.offset.target(day0), n.window_days).start);
        let later_done = planned[i + 1..]
            .iter()
            .any(|n| done_on(find(&n.code)).is_some());
        let rec = find(&pv.code);
        let state = visit_state(
            &w,
            VisitFacts {
                done_on: done_on(rec),
                marked_missed: rec.is_some_and(|r| r.missed.is_some()),
            },
            as_of,
            next_start,
            later_done,
            withdrawn,
        );
        let date = done_on(rec);
        let vals = rec.map_or_else(Values::default, |r| values(&r.data, cms, r.date));
        let endpoints = match (rec, date) {
            (Some(r), Some(_)) => Some(endpoints_at(
                baseline_data,
                &r.data,
                &vals,
                &plan.sri4_sledai,
            )),
            _ => None,
        };
        rows.push(VisitRow {
            code: pv.code.clone(),
            label: pv.label.clone(),
            kind: "scheduled",
            window: Some(w),
            date,
            day: date.map(|d| days_between(day0, d)),
            state,
            missed_reason: rec.and_then(|r| r.missed.clone()),
            values: vals,
            endpoints,
            worst: if state.reached() || state.is_done() {
                worst_grades(aes, date.unwrap_or(w.target).min(as_of))
            } else {
                WorstGrades::default()
            },
        });
    }

    // Unscheduled visits, in date order.
    let mut unscheduled: Vec<&VisitRecord> = visits
        .iter()
        .filter(|v| v.code != BASELINE && plan.visit(&v.code).is_none())
        .collect();
    unscheduled.sort_by_key(|v| (v.date, v.code.clone()));
    for u in unscheduled {
        rows.push(VisitRow {
            code: u.code.clone(),
            label: format!("Unscheduled {}", u.code),
            kind: "unscheduled",
            window: None,
            date: u.date,
            day: u.date.map(|d| days_between(day0, d)),
            state: if u.date.is_some() {
                VisitState::Done
            } else {
                VisitState::Missed
            },
            missed_reason: u.missed.clone(),
            values: values(&u.data, cms, u.date),
            endpoints: None,
            worst: worst_grades(aes, u.date.unwrap_or(as_of)),
        });
    }
    Timeline {
        rows,
        worst: worst_grades(aes, as_of),
    }
}
