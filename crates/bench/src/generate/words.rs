//! The words of a study: titles, acronym, the opening sentence of its
//! summary, intervention doses and labels.

use super::draft::Design;
use super::{Cond, lower_form, tables, weighted};
use crate::rng::Rng;
use tables::Family;

/// Titles and the summary's first sentence, written from what was drawn.
pub(super) struct Words {
    pub brief_title: String,
    pub official_title: String,
    pub acronym: Option<String>,
    pub lead: String,
    /// What the study measures (also a keyword candidate).
    pub outcome: &'static str,
}

impl Words {
    #[allow(clippy::too_many_arguments)]
    pub fn draw(
        r: &mut Rng,
        fam: Family,
        study_type: &str,
        c0: &Cond,
        (iv0, iv1): (&str, Option<&str>),
        population: &str,
        phases: &[&str],
        design: &Design,
        placebo: bool,
    ) -> Words {
        let outcome = *r.pick(tables::outcomes(fam));
        let qualifier = if fam == Family::Healthy {
            ""
        } else {
            weighted(
                r,
                &[
                    ("", 60),
                    ("Refractory ", 6),
                    ("Relapsed ", 4),
                    ("Advanced ", 8),
                    ("Early ", 5),
                    ("Moderate to Severe ", 8),
                    ("Newly Diagnosed ", 6),
                    ("Chronic ", 3),
                ],
            )
        };
        let acronym = r.chance(0.18).then(|| acronym(r));
        let phase_words = phase_words(phases);
        let cond_phrase = format!("{qualifier}{}", c0.name);
        let brief_title = if study_type == "OBSERVATIONAL" {
            match r.below(5) {
                0 => format!("{} Registry", c0.name),
                1 => format!("Natural History of {cond_phrase}"),
                2 => format!(
                    "{} in Patients With {cond_phrase}: a Prospective Cohort",
                    capitalise(outcome)
                ),
                3 => format!("Biomarkers of {outcome} in {cond_phrase}"),
                _ => format!("Real-World Outcomes of {iv0} in {cond_phrase}"),
            }
        } else if fam == Family::Healthy {
            match r.below(3) {
                0 => format!("Pharmacokinetics of {iv0} in Healthy Participants"),
                1 => format!("A Study of {iv0} in Healthy Volunteers"),
                _ => format!(
                    "Drug Interaction Study of {iv0} and {}",
                    iv1.unwrap_or("Midazolam")
                ),
            }
        } else {
            match (r.below(8), iv1) {
                (0, _) => format!("{iv0} in {} With {cond_phrase}", title_case(population)),
                (1, _) => format!("A Study of {iv0} in {cond_phrase}"),
                (2, _) => format!("Safety and Efficacy of {iv0} in {cond_phrase}"),
                (3, Some(b)) => format!("{iv0} Versus {b} for {cond_phrase}"),
                (4, _) if !phase_words.is_empty() => {
                    format!("{phase_words} Trial of {iv0} in {cond_phrase}")
                }
                (5, _) => format!("Effect of {iv0} on {} in {}", capitalise(outcome), c0.name),
                (6, _) if acronym.is_some() => {
                    format!(
                        "{}: {iv0} in {cond_phrase}",
                        acronym.as_deref().unwrap_or_default()
                    )
                }
                _ => format!("{iv0} for {cond_phrase}"),
            }
        };
        let design_words = match design {
            Design::Interventional {
                allocation,
                masking,
                ..
            } => {
                let mut w = Vec::new();
                if *allocation == "RANDOMIZED" {
                    w.push("Randomized");
                }
                match *masking {
                    "DOUBLE" | "TRIPLE" | "QUADRUPLE" => w.push("Double-Blind"),
                    "SINGLE" => w.push("Single-Blind"),
                    _ => w.push("Open-Label"),
                }
                if placebo {
                    w.push("Placebo-Controlled");
                }
                w.join(", ")
            }
            Design::Observational { perspective, .. } => {
                capitalise(&perspective.to_lowercase().replace('_', "-"))
            }
            Design::ExpandedAccess => "Expanded Access".into(),
        };
        let goal = *r.pick(&[
            "Evaluate the Safety and Efficacy",
            "Assess the Effectiveness",
            "Compare the Pharmacokinetics",
            "Determine the Maximum Tolerated Dose",
            "Evaluate the Long-Term Safety",
            "Describe the Outcomes",
        ]);
        let official_title = format!(
            "{} {design_words}{}{} Study to {goal} of {iv0} in {} With {cond_phrase}",
            if design_words.starts_with(['A', 'E', 'I', 'O', 'U']) {
                "An"
            } else {
                "A"
            },
            if phase_words.is_empty() { "" } else { " " },
            phase_words,
            title_case(population),
        );
        let lead = match (study_type, r.below(3)) {
            ("OBSERVATIONAL", _) => format!(
                "This observational study follows {population} with {} to describe {outcome} and how it changes over time.",
                c0.lower
            ),
            (_, 0) => format!(
                "The purpose of this study is to {} of {} in {population} with {}.",
                goal.to_lowercase(),
                lower_form(iv0),
                c0.lower
            ),
            (_, 1) => format!(
                "This {} study will evaluate {outcome} with {} compared with {} in {population} with {}.",
                lower_form(&design_words),
                lower_form(iv0),
                lower_form(iv1.unwrap_or("standard care")),
                c0.lower
            ),
            _ => format!(
                "The goal of this clinical trial is to learn whether {} improves {outcome} in {population} with {}.",
                lower_form(iv0),
                c0.lower
            ),
        };
        Words {
            brief_title,
            official_title,
            acronym,
            lead,
            outcome,
        }
    }
}

pub(super) const KEYWORDS: &[&str] = &[
    "randomized controlled trial",
    "quality of life",
    "biomarkers",
    "real-world evidence",
    "pharmacokinetics",
    "immunotherapy",
    "telemedicine",
    "precision medicine",
    "adherence",
    "inflammation",
    "children",
    "elderly",
    "prevention",
    "rehabilitation",
];

pub(super) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

pub(super) fn title_case(s: &str) -> String {
    s.split(' ').map(capitalise).collect::<Vec<_>>().join(" ")
}

pub(super) fn arm_prefix(k: usize) -> &'static str {
    ["Arm A", "Arm B", "Arm C", "Arm D"][k.min(3)]
}

/// The label the registry puts before an intervention name in arms.
pub(super) fn type_label(kind: &str) -> &'static str {
    match kind {
        "DRUG" => "Drug",
        "BIOLOGICAL" => "Biological",
        "DEVICE" => "Device",
        "PROCEDURE" => "Procedure",
        "BEHAVIORAL" => "Behavioral",
        "RADIATION" => "Radiation",
        "DIETARY_SUPPLEMENT" => "Dietary Supplement",
        "GENETIC" => "Genetic",
        "DIAGNOSTIC_TEST" => "Diagnostic Test",
        _ => "Other",
    }
}

pub(super) fn org_prefix(sponsor: &str) -> String {
    sponsor
        .split(|c: char| !c.is_alphanumeric())
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_ascii_uppercase())
        .take(4)
        .collect::<String>()
        .chars()
        .chain("STUDY".chars())
        .take(4)
        .collect()
}

/// An investigational product code such as `XK-4821`.
pub(super) fn code_name(r: &mut Rng) -> String {
    let l = |r: &mut Rng| (b'A' + r.below(26) as u8) as char;
    let letters: String = (0..r.range(2, 3)).map(|_| l(r)).collect();
    format!("{letters}-{}", r.range(100, 9999))
}

pub(super) fn acronym(r: &mut Rng) -> String {
    const SYL: &[&str] = &[
        "AS", "CE", "ND", "PRO", "TEC", "VA", "LU", "MI", "RA", "NO", "SE", "TO", "DA", "KI",
    ];
    let mut s: String = (0..r.range(2, 3)).map(|_| *r.pick(SYL)).collect();
    if r.chance(0.4) {
        s.push_str(&format!("-{}", r.range(1, 9)));
    }
    s
}

pub(super) fn phase_words(phases: &[&str]) -> String {
    match phases {
        ["EARLY_PHASE1"] => "Early Phase 1".into(),
        ["PHASE1"] => "Phase 1".into(),
        ["PHASE1", "PHASE2"] => "Phase 1/2".into(),
        ["PHASE2"] => "Phase 2".into(),
        ["PHASE2", "PHASE3"] => "Phase 2/3".into(),
        ["PHASE3"] => "Phase 3".into(),
        ["PHASE4"] => "Phase 4".into(),
        _ => String::new(),
    }
}

pub(super) fn dose_text(r: &mut Rng, kind: &str, name: &str) -> Option<String> {
    if r.chance(0.1) {
        return None;
    }
    Some(match kind {
        _ if name.contains("CAR-T") => format!(
            "A single intravenous infusion of {}×10^6 CAR-T cells/kg after lymphodepletion with fludarabine and cyclophosphamide.",
            r.pick(&["0.5", "1", "2", "3"])
        ),
        "DRUG" => format!(
            "{} mg {} {} for {} weeks.",
            r.pick(&[5, 10, 20, 40, 50, 100, 200, 300, 400, 600]),
            r.pick(&["orally", "intravenously", "subcutaneously"]),
            r.pick(&["once daily", "twice daily", "once weekly", "every 3 weeks"]),
            r.pick(&[4, 8, 12, 24, 52])
        ),
        "BIOLOGICAL" => format!(
            "{} mg by {} every {} weeks.",
            r.pick(&[75, 150, 200, 300, 400, 600]),
            r.pick(&["subcutaneous injection", "intravenous infusion"]),
            r.pick(&[2, 4, 8])
        ),
        "BEHAVIORAL" => format!(
            "{} weekly sessions of {} minutes, delivered {}.",
            r.range(4, 16),
            r.pick(&[30, 45, 60, 90]),
            r.pick(&["in person", "by video", "through a smartphone app"])
        ),
        "DEVICE" => format!(
            "Used {} for {} weeks according to the manufacturer's instructions.",
            r.pick(&["daily", "twice daily", "during sleep"]),
            r.pick(&[2, 4, 12, 26])
        ),
        "RADIATION" => format!(
            "{} Gy in {} fractions.",
            r.pick(&[30, 45, 50, 60]),
            r.pick(&[5, 15, 25, 30])
        ),
        "PROCEDURE" => "Performed under the centre's standard protocol by trained staff.".into(),
        _ => "As described in the protocol.".into(),
    })
}
