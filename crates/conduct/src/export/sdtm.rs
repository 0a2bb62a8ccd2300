//! CDISC SDTM-shaped datasets (DM, EX, VS, LB, QS, AE, SUPPAE, CM) as CSV.
//!
//! Variable names and order follow the SDTM Implementation Guide; values use
//! CDISC controlled terminology where it exists (SEX, AGEU, NY, OUT, FREQ,
//! ROUTE, VSTESTCD and its units, LBTESTCD for the common tests). The
//! disease-activity instruments have no CDISC QS terminology that eligo
//! knows, so their QSTESTCD values are eligo's own (documented in
//! docs/conduct.md). Dates are ISO 8601; study days count from the infusion
//! (RFSTDTC = day 1, the day before is day -1, as SDTM has no day 0).

use crate::Date;
use crate::data::{AdverseEvent, ConMed, Participant, VITALS, grade_letter};
use crate::endpoints::VisitRecord;
use crate::schedule::{BASELINE, Plan, days_between};
use eligo_instruments::{bilag2004, sdi, sledai2k};
use rust_decimal::Decimal;

/// One dataset: its name (`DM`), variables and rows of text values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dataset {
    pub name: &'static str,
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

impl Dataset {
    /// RFC 4180 CSV with a header line (fields with `,` `"` or a line break
    /// quoted, quotes doubled; lines end with CRLF).
    pub fn to_csv(&self) -> String {
        let mut s = String::new();
        let line = |cells: &mut dyn Iterator<Item = &str>, s: &mut String| {
            let mut first = true;
            for c in cells {
                if !first {
                    s.push(',');
                }
                first = false;
                if c.contains([',', '"', '\n', '\r']) {
                    s.push('"');
                    s.push_str(&c.replace('"', "\"\""));
                    s.push('"');
                } else {
                    s.push_str(c);
                }
            }
            s.push_str("\r\n");
        };
        line(&mut self.columns.iter().copied(), &mut s);
        for r in &self.rows {
            line(&mut r.iter().map(String::as_str), &mut s);
        }
        s
    }

    /// The value of `column` in row `i`.
    pub fn get(&self, i: usize, column: &str) -> Option<&str> {
        let c = self.columns.iter().position(|x| *x == column)?;
        self.rows.get(i)?.get(c).map(String::as_str)
    }
}

/// What the export needs to know of the study.
pub struct Study<'a> {
    /// STUDYID: the registry id.
    pub study_id: &'a str,
    /// EXTRT: the investigational product.
    pub treatment: &'a str,
    /// Dose levels as the record writes them, with value and unit.
    pub dose_levels: &'a [eligo_model::trial::DoseLevel],
    pub plan: &'a Plan,
}

/// One participant's data.
pub struct Subject<'a> {
    pub participant: &'a Participant,
    pub visits: &'a [VisitRecord],
    pub aes: &'a [AdverseEvent],
    pub cms: &'a [ConMed],
}

/// LBTESTCD, LBTEST and the SDTM spelling of the standard unit for the
/// analytes eligo records.
pub const LB_TESTS: &[(&str, &str, &str)] = &[
    ("wbc", "WBC", "Leukocytes"),
    ("anc", "NEUT", "Neutrophils"),
    ("lymphocytes", "LYM", "Lymphocytes"),
    ("hemoglobin", "HGB", "Hemoglobin"),
    ("platelets", "PLAT", "Platelets"),
    ("alt", "ALT", "Alanine Aminotransferase"),
    ("ast", "AST", "Aspartate Aminotransferase"),
    ("total_bilirubin", "BILI", "Bilirubin"),
    ("creatinine", "CREAT", "Creatinine"),
    ("inr", "INR", "Prothrombin Intl. Normalized Ratio"),
    ("pt", "PT", "Prothrombin Time"),
    ("aptt", "APTT", "Activated Partial Thromboplastin Time"),
    ("c3", "C3", "Complement C3"),
    ("c4", "C4", "Complement C4"),
    ("anti_dsdna", "DSDNAAB", "Double Stranded DNA Antibody"),
    ("urine_protein_24h", "PROT", "Protein"),
    ("upcr", "PROTCRT", "Protein/Creatinine"),
];

/// VSTESTCD, VSTEST and VSSTRESU per vital-sign field.
pub const VS_TESTS: &[(&str, &str, &str, &str)] = &[
    ("temperature_c", "TEMP", "Temperature", "C"),
    ("heart_rate", "HR", "Heart Rate", "beats/min"),
    ("systolic_bp", "SYSBP", "Systolic Blood Pressure", "mmHg"),
    ("diastolic_bp", "DIABP", "Diastolic Blood Pressure", "mmHg"),
    (
        "respiratory_rate",
        "RESP",
        "Respiratory Rate",
        "breaths/min",
    ),
    ("spo2", "OXYSAT", "Oxygen Saturation", "%"),
    ("weight_kg", "WEIGHT", "Weight", "kg"),
    ("height_cm", "HEIGHT", "Height", "cm"),
];

/// UCUM → the spelling SDTM unit terminology uses.
pub fn sdtm_unit(ucum: &str) -> String {
    match ucum {
        "10*9/L" => "10^9/L".into(),
        "10*3/uL" => "10^3/uL".into(),
        "10*12/L" => "10^12/L".into(),
        "[IU]/mL" => "IU/mL".into(),
        "{INR}" | "{ratio}" | "1" => String::new(),
        "mm[Hg]" => "mmHg".into(),
        "Cel" => "C".into(),
        "g/(24.h)" | "g/d" => "g/day".into(),
        "mg/(24.h)" => "mg/day".into(),
        u => u.into(),
    }
}

fn dec(d: Decimal) -> String {
    d.normalize().to_string()
}

/// SDTM study day of `date` relative to `rf` (day 1 = the reference date).
pub fn study_day(rf: Date, date: Date) -> i64 {
    let d = days_between(rf, date);
    if d >= 0 { d + 1 } else { d }
}

/// VISITNUM and VISIT of a visit code: baseline 1, planned visits 2, 3...
/// in schedule order, unscheduled visits after the last planned visit
/// before them (x.01, x.02...).
pub fn visit_num(
    plan: &Plan,
    code: &str,
    p: &Participant,
    visits: &[VisitRecord],
) -> (String, String) {
    if code == BASELINE {
        return ("1".into(), "BASELINE".into());
    }
    if let Some(i) = plan.visits.iter().position(|v| v.code == code) {
        return ((i + 2).to_string(), plan.visits[i].label.to_uppercase());
    }
    // Unscheduled: after the planned visit whose target precedes its date.
    let date = visits.iter().find(|v| v.code == code).and_then(|v| v.date);
    let before = plan
        .visits
        .iter()
        .filter(|v| date.is_some_and(|d| v.offset.target(p.infusion_date) <= d))
        .count();
    let mut unsched: Vec<&VisitRecord> = visits
        .iter()
        .filter(|v| v.code != BASELINE && plan.visit(&v.code).is_none())
        .collect();
    unsched.sort_by_key(|v| (v.date, v.code.clone()));
    let k = unsched.iter().position(|v| v.code == code).unwrap_or(0) + 1;
    (
        format!("{}.{:02}", before + 1, k.min(99)),
        format!("UNSCHEDULED {}", code.trim_start_matches('U')),
    )
}

fn usubjid(study: &Study, p: &Participant) -> String {
    format!("{}-{}", study.study_id, p.study_id)
}

fn arm(study: &Study, p: &Participant) -> (String, String) {
    match p
        .dose_level
        .and_then(|l| study.dose_levels.get(l as usize - 1).map(|d| (l, d)))
    {
        Some((l, d)) => (format!("DL{l}"), format!("Dose level {l}: {}", d.text)),
        None => ("CART".into(), study.treatment.to_string()),
    }
}

fn relatedness(r: &str) -> &'static str {
    match r {
        "not_related" => "NOT RELATED",
        "unlikely" => "UNLIKELY RELATED",
        "possible" => "POSSIBLY RELATED",
        "probable" => "PROBABLY RELATED",
        _ => "RELATED",
    }
}

/// The datasets, in the order DM, EX, VS, LB, QS, AE, SUPPAE, CM.
pub fn datasets(study: &Study, subjects: &[Subject]) -> Vec<Dataset> {
    let mut dm = Dataset {
        name: "DM",
        columns: vec![
            "STUDYID", "DOMAIN", "USUBJID", "SUBJID", "RFSTDTC", "RFXSTDTC", "AGE", "AGEU", "SEX",
            "ARMCD", "ARM", "ACTARMCD", "ACTARM",
        ],
        rows: vec![],
    };
    let mut ex = Dataset {
        name: "EX",
        columns: vec![
            "STUDYID", "DOMAIN", "USUBJID", "EXSEQ", "EXTRT", "EXDOSE", "EXDOSU", "EXDOSTXT",
            "EXROUTE", "EXSTDTC", "EXENDTC", "EXSTDY", "EXENDY",
        ],
        rows: vec![],
    };
    let mut vs = Dataset {
        name: "VS",
        columns: vec![
            "STUDYID", "DOMAIN", "USUBJID", "VSSEQ", "VSTESTCD", "VSTEST", "VSORRES", "VSORRESU",
            "VSSTRESC", "VSSTRESN", "VSSTRESU", "VISITNUM", "VISIT", "VSDTC", "VSDY",
        ],
        rows: vec![],
    };
    let mut lb = Dataset {
        name: "LB",
        columns: vec![
            "STUDYID", "DOMAIN", "USUBJID", "LBSEQ", "LBTESTCD", "LBTEST", "LBLOINC", "LBORRES",
            "LBORRESU", "LBORNRLO", "LBORNRHI", "LBSTRESC", "LBSTRESN", "LBSTRESU", "LBNRIND",
            "VISITNUM", "VISIT", "LBDTC", "LBDY",
        ],
        rows: vec![],
    };
    let mut qs = Dataset {
        name: "QS",
        columns: vec![
            "STUDYID", "DOMAIN", "USUBJID", "QSSEQ", "QSTESTCD", "QSTEST", "QSCAT", "QSORRES",
            "QSSTRESC", "QSSTRESN", "VISITNUM", "VISIT", "QSDTC", "QSDY",
        ],
        rows: vec![],
    };
    let mut ae = Dataset {
        name: "AE",
        columns: vec![
            "STUDYID", "DOMAIN", "USUBJID", "AESEQ", "AETERM", "AEDECOD", "AESER", "AEREL",
            "AETOXGR", "AEOUT", "AESTDTC", "AEENDTC", "AESTDY", "AEENDY",
        ],
        rows: vec![],
    };
    let mut suppae = Dataset {
        name: "SUPPAE",
        columns: vec![
            "STUDYID", "RDOMAIN", "USUBJID", "IDVAR", "IDVARVAL", "QNAM", "QLABEL", "QVAL", "QORIG",
        ],
        rows: vec![],
    };
    let mut cm = Dataset {
        name: "CM",
        columns: vec![
            "STUDYID", "DOMAIN", "USUBJID", "CMSEQ", "CMTRT", "CMCAT", "CMDOSE", "CMDOSU",
            "CMDOSFRQ", "CMROUTE", "CMINDC", "CMSTDTC", "CMENDTC", "CMSTDY", "CMENDY",
        ],
        rows: vec![],
    };
    let vocab = eligo_vocab::vocabulary();
    let sid = study.study_id.to_string();
    for s in subjects {
        let p = s.participant;
        let u = usubjid(study, p);
        let rf = p.infusion_date;
        let (armcd, armname) = arm(study, p);
        dm.rows.push(vec![
            sid.clone(),
            "DM".into(),
            u.clone(),
            p.study_id.clone(),
            rf.to_string(),
            rf.to_string(),
            p.age_years.map(|a| a.to_string()).unwrap_or_default(),
            if p.age_years.is_some() {
                "YEARS".into()
            } else {
                String::new()
            },
            p.sex.clone().unwrap_or_else(|| "U".into()),
            armcd.clone(),
            armname.clone(),
            armcd,
            armname,
        ]);
        let dose = p
            .dose_level
            .and_then(|l| study.dose_levels.get(l as usize - 1));
        ex.rows.push(vec![
            sid.clone(),
            "EX".into(),
            u.clone(),
            "1".into(),
            study.treatment.to_string(),
            dose.map(|d| dec(d.dose.value)).unwrap_or_default(),
            dose.map(|d| d.dose.unit.replace(['{', '}'], ""))
                .unwrap_or_default(),
            dose.map(|d| d.text.clone()).unwrap_or_default(),
            "INTRAVENOUS".into(),
            rf.to_string(),
            rf.to_string(),
            "1".into(),
            "1".into(),
        ]);
        let mut visits: Vec<&VisitRecord> = s.visits.iter().filter(|v| v.date.is_some()).collect();
        visits.sort_by_key(|v| v.date);
        let (mut vseq, mut lseq, mut qseq) = (0, 0, 0);
        for v in visits {
            let Some(date) = v.date else { continue };
            let (vnum, vname) = visit_num(study.plan, &v.code, p, s.visits);
            let dy = study_day(rf, date).to_string();
            for (field, code, test, unit) in VS_TESTS {
                let Some(x) = v.data.vitals.get(field) else {
                    continue;
                };
                vseq += 1;
                vs.rows.push(vec![
                    sid.clone(),
                    "VS".into(),
                    u.clone(),
                    vseq.to_string(),
                    code.to_string(),
                    test.to_string(),
                    dec(x),
                    unit.to_string(),
                    dec(x),
                    dec(x),
                    unit.to_string(),
                    vnum.clone(),
                    vname.clone(),
                    date.to_string(),
                    dy.clone(),
                ]);
            }
            debug_assert_eq!(VS_TESTS.len(), VITALS.len());
            for l in &v.data.labs {
                lseq += 1;
                let a = vocab.analyte(&l.analyte);
                let (code, test) = LB_TESTS
                    .iter()
                    .find(|t| t.0 == l.analyte)
                    .map(|t| (t.1.to_string(), t.2.to_string()))
                    .unwrap_or_else(|| {
                        (
                            l.analyte
                                .to_uppercase()
                                .replace('_', "")
                                .chars()
                                .take(8)
                                .collect(),
                            a.map(|a| a.label.clone()).unwrap_or_default(),
                        )
                    });
                // Standard units: the vocabulary's canonical unit.
                let canon = a.map(|a| a.unit.clone()).unwrap_or_default();
                let conv = |x: Decimal| {
                    eligo_instruments::units::convert(
                        &eligo_model::Quantity::new(x, l.unit.clone()),
                        &canon,
                        a.and_then(|a| a.conversion_analyte.as_deref()),
                    )
                    .ok()
                    .map(|c| c.quantity.value.round_dp(6).normalize())
                };
                let std = conv(l.value);
                let nrind = match (l.low, l.high) {
                    (Some(lo), _) if l.value < lo => "LOW",
                    (_, Some(hi)) if l.value > hi => "HIGH",
                    (None, None) => "",
                    _ => "NORMAL",
                };
                lb.rows.push(vec![
                    sid.clone(),
                    "LB".into(),
                    u.clone(),
                    lseq.to_string(),
                    code,
                    test,
                    a.and_then(|a| a.loinc.first().cloned()).unwrap_or_default(),
                    dec(l.value),
                    sdtm_unit(&l.unit),
                    l.low.map(dec).unwrap_or_default(),
                    l.high.map(dec).unwrap_or_default(),
                    std.map(dec).unwrap_or_default(),
                    std.map(dec).unwrap_or_default(),
                    if std.is_some() {
                        sdtm_unit(&canon)
                    } else {
                        String::new()
                    },
                    nrind.into(),
                    vnum.clone(),
                    vname.clone(),
                    date.to_string(),
                    dy.clone(),
                ]);
            }
            let mut q =
                |code: String, test: String, cat: &str, orres: String, num: Option<String>| {
                    qseq += 1;
                    qs.rows.push(vec![
                        sid.clone(),
                        "QS".into(),
                        u.clone(),
                        qseq.to_string(),
                        code,
                        test,
                        cat.into(),
                        orres.clone(),
                        orres,
                        num.unwrap_or_default(),
                        vnum.clone(),
                        vname.clone(),
                        date.to_string(),
                        dy.clone(),
                    ]);
                };
            for (items, prefix, cat) in [
                (&v.data.sledai2k, "SLE2K", "SLEDAI-2K"),
                (&v.data.selena_sledai, "SELSL", "SELENA-SLEDAI"),
            ] {
                let Some(items) = items else { continue };
                for (i, (it, present)) in sledai2k::ITEMS.iter().zip(items.0).enumerate() {
                    q(
                        format!("{prefix}{:02}", i + 1),
                        it.name.replace('_', " "),
                        cat,
                        if present { "Y" } else { "N" }.into(),
                        Some(if present { it.weight } else { 0 }.to_string()),
                    );
                }
                let total = sledai2k::score(items).result.total;
                q(
                    format!("{prefix}TOT"),
                    format!("{cat} total score"),
                    cat,
                    total.to_string(),
                    Some(total.to_string()),
                );
            }
            if let Some(g) = &v.data.bilag {
                for (i, (d, grade)) in bilag2004::DOMAINS.iter().zip(g.0).enumerate() {
                    q(
                        format!("BILAG{:02}", i + 1),
                        d.to_string(),
                        "BILAG-2004",
                        grade_letter(grade).into(),
                        Some(grade.points().to_string()),
                    );
                }
                let t = g.numeric_total();
                q(
                    "BILAGTOT".into(),
                    "BILAG-2004 numeric total".into(),
                    "BILAG-2004",
                    t.to_string(),
                    Some(t.to_string()),
                );
            }
            if let Some(x) = v.data.pga {
                q(
                    "PGA".into(),
                    "Physician global assessment (0-3)".into(),
                    "PGA",
                    dec(x),
                    Some(dec(x)),
                );
            }
            if let Some(x) = &v.data.sdi {
                for (i, (it, n)) in sdi::ITEMS.iter().zip(x.0).enumerate() {
                    let orres = match it.kind {
                        sdi::Kind::Count => n.to_string(),
                        _ => if n > 0 { "Y" } else { "N" }.into(),
                    };
                    q(
                        format!("SDI{:02}", i + 1),
                        it.name.replace('_', " "),
                        "SLICC/ACR DAMAGE INDEX",
                        orres,
                        Some(n.to_string()),
                    );
                }
                let t = sdi::score(x).result.total;
                q(
                    "SDITOT".into(),
                    "SDI total score".into(),
                    "SLICC/ACR DAMAGE INDEX",
                    t.to_string(),
                    Some(t.to_string()),
                );
            }
        }
        let mut aes: Vec<&AdverseEvent> = s.aes.iter().collect();
        aes.sort_by_key(|a| (a.onset, a.term.clone()));
        for (i, a) in aes.iter().enumerate() {
            let seq = (i + 1).to_string();
            let g = a.graded().ok();
            ae.rows.push(vec![
                sid.clone(),
                "AE".into(),
                u.clone(),
                seq.clone(),
                a.term.clone(),
                String::new(),
                if a.serious { "Y" } else { "N" }.into(),
                relatedness(&a.relatedness).into(),
                g.as_ref().map(|g| g.grade.to_string()).unwrap_or_default(),
                if a.resolution.is_some() {
                    "RECOVERED/RESOLVED"
                } else {
                    "NOT RECOVERED/NOT RESOLVED"
                }
                .into(),
                a.onset.to_string(),
                a.resolution.map(|d| d.to_string()).unwrap_or_default(),
                study_day(rf, a.onset).to_string(),
                a.resolution
                    .map(|d| study_day(rf, d).to_string())
                    .unwrap_or_default(),
            ]);
            let mut supp = |qnam: &str, qlabel: &str, qval: String, qorig: &str| {
                suppae.rows.push(vec![
                    sid.clone(),
                    "AE".into(),
                    u.clone(),
                    "AESEQ".into(),
                    seq.clone(),
                    qnam.into(),
                    qlabel.into(),
                    qval,
                    qorig.into(),
                ]);
            };
            if let Some(g) = &g {
                supp(
                    "AEGRSCL",
                    "Toxicity Grading Scale",
                    g.scale.clone(),
                    if g.computed { "DERIVED" } else { "CRF" },
                );
            }
            supp(
                "AEDLT",
                "Dose-Limiting Toxicity",
                if a.dlt { "Y" } else { "N" }.into(),
                "CRF",
            );
        }
        let mut cms: Vec<&ConMed> = s.cms.iter().collect();
        cms.sort_by_key(|c| (c.start, c.name.clone()));
        for (i, c) in cms.iter().enumerate() {
            cm.rows.push(vec![
                sid.clone(),
                "CM".into(),
                u.clone(),
                (i + 1).to_string(),
                c.name.clone(),
                if c.prednisone_factor().is_some() {
                    "GLUCOCORTICOID".into()
                } else {
                    String::new()
                },
                c.dose_mg.map(dec).unwrap_or_default(),
                if c.dose_mg.is_some() {
                    "mg".into()
                } else {
                    String::new()
                },
                c.frequency.clone().unwrap_or_default(),
                c.route.clone().unwrap_or_default(),
                c.indication.clone().unwrap_or_default(),
                c.start.to_string(),
                c.end.map(|d| d.to_string()).unwrap_or_default(),
                study_day(rf, c.start).to_string(),
                c.end
                    .map(|d| study_day(rf, d).to_string())
                    .unwrap_or_default(),
            ]);
        }
    }
    vec![dm, ex, vs, lb, qs, ae, suppae, cm]
}
