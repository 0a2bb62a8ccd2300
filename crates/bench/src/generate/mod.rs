//! The deterministic generator of ClinicalTrials.gov API v2 studies.
//!
//! Study `i` (any `i` below 10^7) gets id `NCT9` + `i` in seven digits, a
//! condition drawn from the registry's distribution ([`tables`]), a study
//! type, status and dates that agree with each other, a sponsor and sites
//! in real cities ([`places`]), interventions of the condition's area, and
//! the eligibility text of a real record ([`template`]) varied and
//! rewritten for its condition. Each study draws from its own random
//! stream, so the corpus streams in constant memory and any study can be
//! made alone, as the reload batches of the harness do (`revision`).

pub mod dates;
pub mod json;
pub mod output;
pub mod places;
pub mod tables;
pub mod template;

use crate::rng::{Cumulative, Rng};
use json::Json;
use std::collections::HashMap;
use tables::{Family, TAIL_CONDITIONS};
use template::{Template, Templates};

/// Bumped whenever the same seed and size give different bytes, so that a
/// corpus cached by the harness is regenerated.
pub const GENERATOR_VERSION: u32 = 1;

/// The registry snapshot the studies describe: statuses and dates agree
/// with this day (just before the example patients' as-of date).
pub const SNAPSHOT: (i64, u32, u32) = (2026, 11, 1);

/// Largest index the id scheme holds (`NCT9` + 7 digits).
pub const MAX_STUDIES: u64 = 10_000_000;

/// What one study is, for statistics and the harness.
#[derive(Clone, Debug)]
pub struct StudyMeta {
    pub id: String,
    pub primary_condition: String,
    pub conditions: Vec<String>,
    pub family: Family,
    pub status: &'static str,
    pub study_type: &'static str,
    pub template: String,
    pub criteria_bytes: usize,
    pub sites: usize,
    pub sites_without_geo: usize,
    pub has_results: bool,
}

/// A study's searchable fields (see [`Generator::text`]).
#[derive(Clone, Debug)]
pub struct StudyText {
    pub id: String,
    pub status: &'static str,
    pub title: String,
    pub conditions: String,
    pub interventions: String,
    pub keywords: String,
    pub summary: String,
    pub description: String,
    pub criteria: String,
}

pub struct Generator {
    seed: u64,
    templates: Templates,
    /// The head conditions, then one slot for the whole tail.
    conditions: Cumulative,
    tail: Cumulative,
    by_family: HashMap<Family, (Vec<usize>, Cumulative)>,
    countries: Cumulative,
    snapshot: i64,
}

struct Cond {
    name: String,
    lower: String,
    family: Family,
}

/// A condition name as it reads inside a sentence: words lower-cased
/// unless they are acronyms or codes ("COVID-19", "HIV").
pub fn lower_form(name: &str) -> String {
    name.split(' ')
        .map(|w| {
            let upper = w.chars().filter(|c| c.is_uppercase()).count();
            if upper >= 2 || w.chars().any(|c| c.is_ascii_digit()) {
                w.to_string()
            } else {
                w.to_lowercase()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn weighted<T: Copy>(r: &mut Rng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut x = r.below(total as u64) as u32;
    for (v, w) in items {
        if x < *w {
            return *v;
        }
        x -= w;
    }
    items[items.len() - 1].0
}

impl Generator {
    pub fn new(seed: u64) -> Generator {
        let head: u32 = tables::CONDITIONS.iter().map(|c| c.2).sum();
        assert!(
            head < tables::REGISTRY_STUDIES,
            "head weights exceed the registry"
        );
        let conditions = Cumulative::new(
            tables::CONDITIONS
                .iter()
                .map(|c| c.2 as f64)
                .chain([(tables::REGISTRY_STUDIES - head) as f64]),
        );
        // Zipf-like over the tail: a few tail conditions have hundreds of
        // studies, most have a handful.
        let tail = Cumulative::new((0..TAIL_CONDITIONS).map(|k| 1.0 / (k as f64 + 100.0)));
        let mut by_family: HashMap<Family, Vec<usize>> = HashMap::new();
        for (k, c) in tables::CONDITIONS.iter().enumerate() {
            by_family.entry(c.1).or_default().push(k);
        }
        let by_family = by_family
            .into_iter()
            .map(|(f, ks)| {
                let c = Cumulative::new(ks.iter().map(|&k| tables::CONDITIONS[k].2 as f64));
                (f, (ks, c))
            })
            .collect();
        let countries = Cumulative::new(places::COUNTRIES.iter().map(|c| c.1 as f64));
        let (y, m, d) = SNAPSHOT;
        Generator {
            seed,
            templates: Templates::load(),
            conditions,
            tail,
            by_family,
            countries,
            snapshot: dates::days(y, m, d),
        }
    }

    pub fn templates(&self) -> &Templates {
        &self.templates
    }

    /// The id of study `i`.
    pub fn id(i: u64) -> String {
        format!("NCT9{:07}", i % MAX_STUDIES)
    }

    fn head(&self, k: usize) -> Cond {
        let (name, family, _) = tables::CONDITIONS[k];
        Cond {
            name: name.to_string(),
            lower: lower_form(name),
            family,
        }
    }

    /// A condition from the whole distribution; `true` when from the tail.
    fn draw_condition(&self, r: &mut Rng) -> (Cond, bool) {
        let k = r.weighted(&self.conditions);
        if k < tables::CONDITIONS.len() {
            return (self.head(k), false);
        }
        (self.tail_condition(r), true)
    }

    fn tail_condition(&self, r: &mut Rng) -> Cond {
        let (name, family) = tables::tail_condition(r.weighted(&self.tail) as u64);
        Cond {
            lower: lower_form(&name),
            name,
            family,
        }
    }

    /// Another condition for a study that lists several: a named one of
    /// the same area, or for a tail condition another of the tail (a rare
    /// disease's study does not add a common one of its area).
    fn related_condition(&self, r: &mut Rng, f: Family, tail: bool) -> Cond {
        if tail {
            return self.tail_condition(r);
        }
        match self.by_family.get(&f) {
            Some((ks, c)) if r.chance(0.7) => self.head(ks[r.weighted(c)]),
            _ => self.draw_condition(r).0,
        }
    }

    /// Study `i` as one line of JSON (no newline) into `out`; `revision` 0
    /// is the study as first generated, higher ones are later versions of
    /// it (status moved on, dates updated, sometimes new criteria).
    pub fn write(&self, i: u64, revision: u32, out: &mut Json) -> StudyMeta {
        let d = self.draft(i, revision);
        d.write(out);
        d.meta()
    }

    /// Study `i` as a JSON string.
    pub fn study(&self, i: u64, revision: u32) -> String {
        let mut j = Json::with_capacity(16 * 1024);
        self.write(i, revision, &mut j);
        String::from_utf8(j.buf).expect("the writer writes UTF-8")
    }

    /// The searchable text of study `i`, field by field as eligo indexes
    /// it: what the SQLite FTS5 comparison is built from.
    pub fn text(&self, i: u64, revision: u32) -> StudyText {
        let d = self.draft(i, revision);
        let mut interventions = Vec::new();
        for iv in &d.interventions {
            interventions.push(iv.name.clone());
            interventions.extend(iv.other_names.iter().cloned());
            interventions.extend(iv.description.iter().cloned());
        }
        interventions.extend(d.arms.iter().map(|a| a.label.clone()));
        StudyText {
            title: [
                Some(d.brief_title.clone()),
                Some(d.official_title.clone()),
                d.acronym.clone(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("\n"),
            conditions: d.conditions.join("\n"),
            interventions: interventions.join("\n"),
            keywords: d.keywords.join("\n"),
            summary: d.summary,
            description: d.description.unwrap_or_default(),
            criteria: d.criteria,
            status: d.status,
            id: d.id,
        }
    }

    fn draft(&self, i: u64, revision: u32) -> Draft<'_> {
        let mut r = Rng::for_item(self.seed, i, 0);
        let s = self.snapshot;

        // What the study is about.
        let (primary, tail) = self.draw_condition(&mut r);
        let fam = primary.family;
        let mut conds = vec![primary];
        if r.chance(0.3) {
            let f = if fam == Family::Lupus && r.chance(0.5) {
                Family::Autoimmune
            } else {
                fam
            };
            let c = self.related_condition(&mut r, f, tail);
            if conds.iter().all(|x| x.name != c.name) {
                conds.push(c);
            }
            if r.chance(0.3) {
                let c = self.related_condition(&mut r, fam, tail);
                if conds.iter().all(|x| x.name != c.name) {
                    conds.push(c);
                }
            }
        }

        let study_type = if fam == Family::Healthy {
            "INTERVENTIONAL"
        } else {
            match r.below(1000) {
                0..765 => "INTERVENTIONAL",
                765..990 => "OBSERVATIONAL",
                _ => "EXPANDED_ACCESS",
            }
        };
        let seed_based = fam == Family::Lupus && study_type == "INTERVENTIONAL" && r.chance(0.5);
        let t = &self.templates;
        let tpl: &Template = if seed_based {
            r.pick(&t.seeds)
        } else if study_type == "OBSERVATIONAL" {
            &t.observational[r.weighted(&t.observational_weights)]
        } else {
            &t.interventional[r.weighted(&t.interventional_weights)]
        };

        // Status and dates that agree with it.
        let status = if study_type == "EXPANDED_ACCESS" {
            weighted(
                &mut r,
                &[
                    ("AVAILABLE", 30),
                    ("NO_LONGER_AVAILABLE", 35),
                    ("APPROVED_FOR_MARKETING", 25),
                    ("TEMPORARILY_NOT_AVAILABLE", 10),
                ],
            )
        } else if seed_based {
            weighted(
                &mut r,
                &[
                    ("RECRUITING", 50),
                    ("NOT_YET_RECRUITING", 30),
                    ("ACTIVE_NOT_RECRUITING", 10),
                    ("COMPLETED", 5),
                    ("UNKNOWN", 5),
                ],
            )
        } else {
            weighted(
                &mut r,
                &[
                    ("COMPLETED", 535),
                    ("UNKNOWN", 140),
                    ("RECRUITING", 115),
                    ("TERMINATED", 55),
                    ("ACTIVE_NOT_RECRUITING", 45),
                    ("NOT_YET_RECRUITING", 35),
                    ("WITHDRAWN", 27),
                    ("ENROLLING_BY_INVITATION", 11),
                    ("SUSPENDED", 2),
                ],
            )
        };
        let dates = Dates::draw(&mut r, status, s);

        // Ages and sex.
        let (min_age, max_age) = ages(&mut r, fam);
        let sex = if matches!(fam, Family::Women) || primary_is(&conds, "Breast Cancer") {
            if r.chance(0.85) { "FEMALE" } else { "ALL" }
        } else if primary_is(&conds, "Prostate Cancer")
            || primary_is(&conds, "Benign Prostatic Hyperplasia")
        {
            "MALE"
        } else {
            weighted(&mut r, &[("ALL", 880), ("FEMALE", 80), ("MALE", 40)])
        };
        let healthy = if fam == Family::Healthy {
            Some(true)
        } else if r.chance(0.05) {
            None
        } else {
            Some(r.chance(0.08))
        };

        // Design.
        let phases: Vec<&'static str> = if study_type != "INTERVENTIONAL" {
            vec![]
        } else if seed_based {
            weighted(
                &mut r,
                &[
                    (&["EARLY_PHASE1"][..], 30),
                    (&["PHASE1"][..], 50),
                    (&["PHASE1", "PHASE2"][..], 20),
                ],
            )
            .to_vec()
        } else if fam == Family::Healthy {
            weighted(
                &mut r,
                &[
                    (&["PHASE1"][..], 70),
                    (&["NA"][..], 20),
                    (&["PHASE2"][..], 10),
                ],
            )
            .to_vec()
        } else {
            weighted(
                &mut r,
                &[
                    (&["NA"][..], 360),
                    (&["PHASE1"][..], 120),
                    (&["PHASE1", "PHASE2"][..], 40),
                    (&["PHASE2"][..], 200),
                    (&["PHASE2", "PHASE3"][..], 25),
                    (&["PHASE3"][..], 120),
                    (&["PHASE4"][..], 115),
                    (&["EARLY_PHASE1"][..], 20),
                ],
            )
            .to_vec()
        };

        // Sponsor and where the sites are.
        let (sponsor, sponsor_class, sponsor_country) = *r.pick(tables::SPONSORS);
        let collaborator = r
            .chance(0.2)
            .then(|| r.pick(tables::SPONSORS).0)
            .filter(|c| *c != sponsor);

        // Interventions and arms.
        let mut interventions = Vec::new();
        let n_int = weighted(&mut r, &[(1usize, 55), (2, 33), (3, 12)]);
        let list = tables::interventions(fam);
        for _ in 0..n_int {
            let (kind, name) = if r.chance(0.2) {
                let kind = if r.chance(0.7) { "DRUG" } else { "BIOLOGICAL" };
                (kind, code_name(&mut r))
            } else if seed_based && interventions.is_empty() {
                let car_t = [
                    "CD19 CAR-T Cells",
                    "BCMA-CD19 Compound CAR-T Cells",
                    "Allogeneic CD19 CAR-T Cells",
                    "Universal Anti-CD70 CAR-T Cells",
                    "CD19/BCMA CAR-T Cells",
                ];
                ("BIOLOGICAL", r.pick(&car_t).to_string())
            } else {
                let (k, n) = *r.pick(list);
                (k, n.to_string())
            };
            if interventions.iter().any(|x: &Intervention| x.name == name) {
                continue;
            }
            let description = dose_text(&mut r, kind, &name);
            let other_names = if r.chance(0.15) {
                vec![code_name(&mut r)]
            } else {
                vec![]
            };
            interventions.push(Intervention {
                kind,
                name,
                description,
                other_names,
                arm_labels: vec![],
            });
        }
        let randomized =
            study_type == "INTERVENTIONAL" && (interventions.len() > 1 || r.chance(0.3));
        if randomized && fam != Family::Healthy && r.chance(0.4) {
            interventions.push(Intervention {
                kind: "DRUG",
                name: "Placebo".into(),
                description: Some("Matching placebo, same schedule and route".into()),
                other_names: vec![],
                arm_labels: vec![],
            });
        }
        let mut arms = Vec::new();
        for (k, iv) in interventions.iter_mut().enumerate() {
            let (label, kind) = if study_type == "OBSERVATIONAL" {
                (format!("{} cohort", conds[0].name), None)
            } else if iv.name == "Placebo" {
                ("Placebo".to_string(), Some("PLACEBO_COMPARATOR"))
            } else if k == 0 || !randomized {
                (
                    format!("{}: {}", arm_prefix(k), iv.name),
                    Some("EXPERIMENTAL"),
                )
            } else {
                (
                    format!("{}: {}", arm_prefix(k), iv.name),
                    Some("ACTIVE_COMPARATOR"),
                )
            };
            if arms.iter().any(|a: &Arm| a.label == label) {
                if let Some(a) = arms.iter_mut().find(|a: &&mut Arm| a.label == label) {
                    a.interventions
                        .push(format!("{}: {}", type_label(iv.kind), iv.name));
                }
            } else {
                arms.push(Arm {
                    description: Some(format!(
                        "Participants {} {}.",
                        if study_type == "OBSERVATIONAL" {
                            "followed while receiving"
                        } else {
                            "receive"
                        },
                        lower_form(&iv.name)
                    )),
                    interventions: vec![format!("{}: {}", type_label(iv.kind), iv.name)],
                    label: label.clone(),
                    kind,
                });
            }
            iv.arm_labels.push(label);
        }

        let design = if study_type == "INTERVENTIONAL" {
            let masking = if !randomized {
                "NONE"
            } else {
                weighted(
                    &mut r,
                    &[
                        ("NONE", 450),
                        ("SINGLE", 150),
                        ("DOUBLE", 120),
                        ("TRIPLE", 110),
                        ("QUADRUPLE", 170),
                    ],
                )
            };
            Design::Interventional {
                allocation: if randomized {
                    "RANDOMIZED"
                } else if r.chance(0.2) {
                    "NON_RANDOMIZED"
                } else {
                    "NA"
                },
                model: if arms.len() <= 1 {
                    "SINGLE_GROUP"
                } else {
                    weighted(
                        &mut r,
                        &[("PARALLEL", 85), ("CROSSOVER", 10), ("FACTORIAL", 5)],
                    )
                },
                purpose: if fam == Family::Healthy {
                    weighted(
                        &mut r,
                        &[("BASIC_SCIENCE", 40), ("OTHER", 30), ("PREVENTION", 30)],
                    )
                } else {
                    weighted(
                        &mut r,
                        &[
                            ("TREATMENT", 700),
                            ("PREVENTION", 100),
                            ("SUPPORTIVE_CARE", 60),
                            ("DIAGNOSTIC", 40),
                            ("BASIC_SCIENCE", 40),
                            ("OTHER", 30),
                            ("HEALTH_SERVICES_RESEARCH", 20),
                            ("SCREENING", 10),
                        ],
                    )
                },
                masking,
            }
        } else if study_type == "OBSERVATIONAL" {
            Design::Observational {
                model: weighted(
                    &mut r,
                    &[
                        ("COHORT", 70),
                        ("CASE_CONTROL", 12),
                        ("CASE_ONLY", 10),
                        ("OTHER", 8),
                    ],
                ),
                perspective: weighted(
                    &mut r,
                    &[
                        ("PROSPECTIVE", 65),
                        ("RETROSPECTIVE", 25),
                        ("CROSS_SECTIONAL", 10),
                    ],
                ),
                registry: r.chance(0.1),
            }
        } else {
            Design::ExpandedAccess
        };
        let enrollment = if status == "WITHDRAWN" {
            Some((0, "ACTUAL"))
        } else if study_type == "EXPANDED_ACCESS" {
            None
        } else {
            let u = r.unit();
            let mut n = 10f64.powf(0.9 + 2.4 * u.powf(1.3)).round() as u64;
            if r.chance(0.02) {
                n *= 10;
            }
            let estimated = matches!(
                status,
                "RECRUITING" | "NOT_YET_RECRUITING" | "ENROLLING_BY_INVITATION"
            );
            Some((n, if estimated { "ESTIMATED" } else { "ACTUAL" }))
        };

        // Words.
        let c0 = &conds[0];
        let (iv0, iv1) = (
            interventions
                .first()
                .map_or("Standard Care", |x| x.name.as_str()),
            interventions.get(1).map(|x| x.name.as_str()),
        );
        let outcome = *r.pick(tables::outcomes(fam));
        let qualifier = if fam == Family::Healthy {
            ""
        } else {
            weighted(
                &mut r,
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
        let population = population(min_age, max_age, sex);
        let acronym = r.chance(0.18).then(|| acronym(&mut r));
        let phase_words = phase_words(&phases);
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
                (0, _) => format!("{iv0} in {} With {cond_phrase}", title_case(&population)),
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
        let design_words = match &design {
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
                if interventions.iter().any(|x| x.name == "Placebo") {
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
            title_case(&population),
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
        let subst = |s: &str| {
            if tpl.seed {
                s.to_string()
            } else {
                t.replace_conditions(s, &c0.name, &c0.lower)
            }
        };
        let summary = match &tpl.summary {
            Some(ts) => format!("{lead} {}", subst(ts)),
            None => lead,
        };
        let description = tpl.description.as_deref().map(subst);

        let mut criteria = String::with_capacity(4096);
        let pool = if tpl.seed { &t.seed_pool } else { &t.real_pool };
        tpl.criteria.render(&mut r, pool, &mut criteria);
        let criteria = subst(&criteria);

        let mut keywords = Vec::new();
        if r.chance(0.65) {
            for _ in 0..r.range(1, 5) {
                let k = match r.below(4) {
                    0 => iv0.to_string(),
                    1 => capitalise(outcome),
                    2 => conds.last().map_or_else(String::new, |c| c.name.clone()),
                    _ => r.pick(KEYWORDS).to_string(),
                };
                if !k.is_empty() && !keywords.contains(&k) {
                    keywords.push(k);
                }
            }
        }

        // People and places.
        let open = matches!(
            status,
            "RECRUITING" | "NOT_YET_RECRUITING" | "ENROLLING_BY_INVITATION" | "AVAILABLE"
        );
        let central_contacts = if open {
            (0..r.range(1, 2))
                .map(|_| Contact::draw(&mut r, "CONTACT"))
                .collect()
        } else {
            vec![]
        };
        let official = r.chance(0.7).then(|| {
            let (f, l) = (r.pick(tables::FIRST_NAMES), r.pick(tables::LAST_NAMES));
            (
                format!("{f} {l}, MD"),
                weighted(
                    &mut r,
                    &[
                        ("PRINCIPAL_INVESTIGATOR", 70),
                        ("STUDY_DIRECTOR", 20),
                        ("STUDY_CHAIR", 10),
                    ],
                ),
            )
        });
        let n_sites = if study_type == "EXPANDED_ACCESS" {
            r.range(0, 1) as usize
        } else {
            match r.below(1000) {
                0..80 => 0,
                80..630 => 1,
                630..800 => r.range(2, 5) as usize,
                800..920 => r.range(6, 20) as usize,
                920..993 => r.range(21, 100) as usize,
                _ => r.range(101, 400) as usize,
            }
        };
        let home = if sponsor_class == "INDUSTRY" {
            r.weighted(&self.countries)
        } else {
            places::country_index(sponsor_country).unwrap_or(0)
        };
        let mut locations = Vec::with_capacity(n_sites);
        for k in 0..n_sites {
            let country = if n_sites <= 5 || r.chance(0.5) {
                home
            } else {
                r.weighted(&self.countries)
            };
            let (cname, _, cities) = places::COUNTRIES[country];
            let city = *r.pick(cities);
            let facility = r.pick(places::FACILITIES).replace("{}", city.0);
            let site_status = site_status(&mut r, status);
            let contacts = if site_status == Some("RECRUITING") && r.chance(0.6) {
                let mut c = vec![Contact::draw(&mut r, "CONTACT")];
                if r.chance(0.4) {
                    c.push(Contact::draw(&mut r, "PRINCIPAL_INVESTIGATOR"));
                }
                c
            } else {
                vec![]
            };
            locations.push(Site {
                facility: if facility == "Research Site" && n_sites > 1 {
                    format!("Research Site {}", k + 1)
                } else {
                    facility
                },
                status: site_status,
                city: city.0,
                state: (!city.1.is_empty()).then_some(city.1),
                zip: (!city.4.is_empty()).then_some(city.4),
                country: cname,
                geo: r.chance(0.97).then_some((city.2, city.3)),
                contacts,
            });
        }

        let results = (study_type == "INTERVENTIONAL"
            && matches!(status, "COMPLETED" | "TERMINATED")
            && !t.results.is_empty()
            && r.chance(0.2))
        .then(|| t.results[r.below(t.results.len() as u64) as usize].as_str());

        let mut d = Draft {
            tpl,
            id: Self::id(i),
            org_id: format!("{}-{:05}", org_prefix(sponsor), i % 100_000),
            brief_title,
            official_title,
            acronym,
            status,
            dates,
            sponsor,
            sponsor_class,
            collaborator,
            summary,
            description,
            conditions: conds.iter().map(|c| c.name.clone()).collect(),
            family: fam,
            keywords,
            study_type,
            phases,
            design,
            enrollment,
            arms,
            interventions,
            criteria,
            healthy,
            sex,
            min_age,
            max_age,
            central_contacts,
            official,
            locations,
            results,
            version_date: dates::ymd(s),
        };
        if revision > 0 {
            d.revise(Rng::for_item(self.seed, i, revision as u64), revision, self);
        }
        d
    }
}

fn primary_is(conds: &[Cond], name: &str) -> bool {
    conds.first().is_some_and(|c| c.name == name)
}

const KEYWORDS: &[&str] = &[
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

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn title_case(s: &str) -> String {
    s.split(' ').map(capitalise).collect::<Vec<_>>().join(" ")
}

fn arm_prefix(k: usize) -> &'static str {
    ["Arm A", "Arm B", "Arm C", "Arm D"][k.min(3)]
}

/// The label the registry puts before an intervention name in arms.
fn type_label(kind: &str) -> &'static str {
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

fn org_prefix(sponsor: &str) -> String {
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
fn code_name(r: &mut Rng) -> String {
    let l = |r: &mut Rng| (b'A' + r.below(26) as u8) as char;
    let letters: String = (0..r.range(2, 3)).map(|_| l(r)).collect();
    format!("{letters}-{}", r.range(100, 9999))
}

fn acronym(r: &mut Rng) -> String {
    const SYL: &[&str] = &[
        "AS", "CE", "ND", "PRO", "TEC", "VA", "LU", "MI", "RA", "NO", "SE", "TO", "DA", "KI",
    ];
    let mut s: String = (0..r.range(2, 3)).map(|_| *r.pick(SYL)).collect();
    if r.chance(0.4) {
        s.push_str(&format!("-{}", r.range(1, 9)));
    }
    s
}

fn phase_words(phases: &[&str]) -> String {
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

fn dose_text(r: &mut Rng, kind: &str, name: &str) -> Option<String> {
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

/// (min, max) ages as the registry writes them ("18 Years", "6 Months").
fn ages(r: &mut Rng, fam: Family) -> (Option<&'static str>, Option<&'static str>) {
    let band = if fam == Family::Healthy {
        0
    } else {
        weighted(
            r,
            &[(0, 620), (1, 120), (2, 60), (3, 100), (4, 50), (5, 50)],
        )
    };
    match band {
        0 => (
            Some("18 Years"),
            weighted(
                r,
                &[
                    (None, 450),
                    (Some("65 Years"), 150),
                    (Some("75 Years"), 120),
                    (Some("80 Years"), 100),
                    (Some("70 Years"), 80),
                    (Some("60 Years"), 50),
                    (Some("85 Years"), 30),
                    (Some("99 Years"), 20),
                ],
            ),
        ),
        1 => {
            let (min, max) = weighted(
                r,
                &[
                    (("16 Years", None), 3),
                    (("20 Years", Some("80 Years")), 2),
                    (("21 Years", None), 2),
                    (("30 Years", Some("70 Years")), 1),
                    (("40 Years", None), 2),
                    (("45 Years", Some("75 Years")), 1),
                    (("50 Years", None), 2),
                    (("55 Years", Some("85 Years")), 1),
                ],
            );
            (Some(min), max)
        }
        2 => (None, None),
        3 => weighted(
            r,
            &[
                ((None, Some("17 Years")), 3),
                ((Some("28 Days"), Some("17 Years")), 1),
                ((Some("1 Month"), Some("12 Years")), 1),
                ((Some("6 Months"), Some("18 Years")), 1),
                ((Some("1 Year"), Some("5 Years")), 1),
                ((Some("2 Years"), Some("17 Years")), 2),
                ((Some("6 Years"), Some("17 Years")), 1),
                ((Some("12 Years"), Some("21 Years")), 1),
            ],
        ),
        4 => (
            Some(if r.chance(0.5) {
                "60 Years"
            } else {
                "65 Years"
            }),
            None,
        ),
        _ => (None, Some(*r.pick(&["65 Years", "75 Years", "80 Years"]))),
    }
}

fn years(age: &str) -> f64 {
    let mut it = age.split(' ');
    let n: f64 = it.next().and_then(|n| n.parse().ok()).unwrap_or(0.0);
    match it.next() {
        Some(u) if u.starts_with("Month") => n / 12.0,
        Some(u) if u.starts_with("Week") => n / 52.0,
        Some(u) if u.starts_with("Day") => n / 365.0,
        _ => n,
    }
}

fn std_ages(min: Option<&str>, max: Option<&str>) -> Vec<&'static str> {
    let lo = min.map_or(0.0, years);
    let hi = max.map_or(200.0, years);
    let mut v = Vec::new();
    if lo < 18.0 {
        v.push("CHILD");
    }
    if lo <= 64.0 && hi >= 18.0 {
        v.push("ADULT");
    }
    if hi >= 65.0 {
        v.push("OLDER_ADULT");
    }
    v
}

fn population(min: Option<&str>, max: Option<&str>, sex: &str) -> String {
    let hi = max.map_or(200.0, years);
    let lo = min.map_or(0.0, years);
    match (sex, hi < 18.0 || (hi <= 21.0 && lo < 12.0), lo >= 60.0) {
        (_, true, _) => "children".into(),
        ("FEMALE", _, _) => "women".into(),
        ("MALE", _, _) => "men".into(),
        (_, _, true) => "older adults".into(),
        _ => "adults".into(),
    }
}

fn site_status(r: &mut Rng, overall: &str) -> Option<&'static str> {
    Some(match overall {
        "RECRUITING" => weighted(
            r,
            &[
                ("RECRUITING", 75),
                ("NOT_YET_RECRUITING", 12),
                ("ACTIVE_NOT_RECRUITING", 5),
                ("COMPLETED", 3),
                ("WITHDRAWN", 5),
            ],
        ),
        "NOT_YET_RECRUITING" => "NOT_YET_RECRUITING",
        "ENROLLING_BY_INVITATION" => {
            weighted(r, &[("ENROLLING_BY_INVITATION", 80), ("RECRUITING", 20)])
        }
        "ACTIVE_NOT_RECRUITING" => weighted(r, &[("ACTIVE_NOT_RECRUITING", 90), ("COMPLETED", 10)]),
        "SUSPENDED" => "SUSPENDED",
        "AVAILABLE" => "AVAILABLE",
        _ => return None,
    })
}

/// The dates of a study, as the registry writes them.
struct Dates {
    verified: String,
    first_submit: String,
    first_post: String,
    start: Option<(String, &'static str)>,
    primary_completion: Option<(String, &'static str)>,
    completion: Option<(String, &'static str)>,
    last_update: String,
    last_known: Option<&'static str>,
    why_stopped: Option<&'static str>,
}

impl Dates {
    fn draw(r: &mut Rng, status: &str, s: i64) -> Dates {
        const Y: i64 = 365;
        // Recent years hold more studies: skew the distance back.
        let back = |r: &mut Rng, max_years: f64| (r.unit().powf(1.6) * max_years * Y as f64) as i64;
        let (start, end, start_kind, end_kind) = match status {
            "COMPLETED" | "TERMINATED" => {
                let end = s - 30 - back(r, 24.0);
                let dur = r.range(90, 6 * Y);
                (end - dur, end, "ACTUAL", "ACTUAL")
            }
            "UNKNOWN" => {
                let end = s - 2 * Y - back(r, 16.0);
                (end - r.range(180, 5 * Y), end, "ACTUAL", "ESTIMATED")
            }
            "WITHDRAWN" => {
                let st = s - 30 - back(r, 15.0);
                (st, st + r.range(180, 4 * Y), "ESTIMATED", "ESTIMATED")
            }
            "NOT_YET_RECRUITING" => {
                let st = s + r.range(7, 400);
                (st, st + r.range(365, 5 * Y), "ESTIMATED", "ESTIMATED")
            }
            "ACTIVE_NOT_RECRUITING" => {
                let st = s - r.range(Y, 8 * Y);
                (st, s + r.range(30, 5 * Y), "ACTUAL", "ESTIMATED")
            }
            "AVAILABLE"
            | "NO_LONGER_AVAILABLE"
            | "APPROVED_FOR_MARKETING"
            | "TEMPORARILY_NOT_AVAILABLE" => {
                let st = s - back(r, 15.0);
                (st, st, "", "")
            }
            // RECRUITING, ENROLLING_BY_INVITATION, SUSPENDED
            _ => {
                let st = s - r.range(7, 5 * Y);
                (st, s + r.range(60, 6 * Y), "ACTUAL", "ESTIMATED")
            }
        };
        let first_submit = if r.chance(0.3) {
            (start + r.range(0, 300)).min(s - 1)
        } else {
            start - r.range(0, 120)
        }
        .min(s - 1);
        let closed = matches!(status, "COMPLETED" | "TERMINATED" | "WITHDRAWN" | "UNKNOWN");
        let last_update = if closed {
            (end + r.range(0, 700)).min(s - 1)
        } else {
            s - r.range(1, 200)
        }
        .max(first_submit);
        let last_update = if status == "UNKNOWN" {
            last_update.min(s - 2 * Y)
        } else {
            last_update
        }
        .max(first_submit);
        let fmt = |r: &mut Rng, z: i64| {
            if r.chance(0.7) {
                dates::ymd(z)
            } else {
                dates::ym(z)
            }
        };
        let has_dates = !start_kind.is_empty();
        Dates {
            verified: dates::ym(last_update),
            first_submit: dates::ymd(first_submit),
            first_post: dates::ymd(first_submit + r.range(1, 30)),
            start: has_dates.then(|| (fmt(r, start), start_kind)),
            primary_completion: has_dates.then(|| {
                let z = end - r.range(0, 180);
                (fmt(r, z), end_kind)
            }),
            completion: has_dates.then(|| (fmt(r, end), end_kind)),
            last_update: dates::ymd(last_update),
            last_known: (status == "UNKNOWN").then(|| {
                *r.pick(&[
                    "RECRUITING",
                    "ACTIVE_NOT_RECRUITING",
                    "NOT_YET_RECRUITING",
                    "ENROLLING_BY_INVITATION",
                ])
            }),
            why_stopped: matches!(status, "TERMINATED" | "WITHDRAWN" | "SUSPENDED")
                .then(|| *r.pick(tables::WHY_STOPPED)),
        }
    }
}

struct Contact {
    name: String,
    role: &'static str,
    phone: Option<String>,
    email: Option<String>,
}

impl Contact {
    fn draw(r: &mut Rng, role: &'static str) -> Contact {
        let (f, l) = (*r.pick(tables::FIRST_NAMES), *r.pick(tables::LAST_NAMES));
        let with = role == "CONTACT";
        Contact {
            name: format!("{f} {l}"),
            role,
            phone: with.then(|| format!("{:03}-555-{:04}", r.range(200, 989), r.range(0, 9999))),
            email: with.then(|| format!("{}.{}@example.org", f.to_lowercase(), l.to_lowercase())),
        }
    }
}

struct Site {
    facility: String,
    status: Option<&'static str>,
    city: &'static str,
    state: Option<&'static str>,
    zip: Option<&'static str>,
    country: &'static str,
    geo: Option<(f64, f64)>,
    contacts: Vec<Contact>,
}

struct Intervention {
    kind: &'static str,
    name: String,
    description: Option<String>,
    other_names: Vec<String>,
    arm_labels: Vec<String>,
}

struct Arm {
    label: String,
    kind: Option<&'static str>,
    description: Option<String>,
    interventions: Vec<String>,
}

enum Design {
    Interventional {
        allocation: &'static str,
        model: &'static str,
        purpose: &'static str,
        masking: &'static str,
    },
    Observational {
        model: &'static str,
        perspective: &'static str,
        registry: bool,
    },
    ExpandedAccess,
}

/// One study before it is written.
struct Draft<'g> {
    tpl: &'g Template,
    id: String,
    org_id: String,
    brief_title: String,
    official_title: String,
    acronym: Option<String>,
    status: &'static str,
    dates: Dates,
    sponsor: &'static str,
    sponsor_class: &'static str,
    collaborator: Option<&'static str>,
    summary: String,
    description: Option<String>,
    conditions: Vec<String>,
    family: Family,
    keywords: Vec<String>,
    study_type: &'static str,
    phases: Vec<&'static str>,
    design: Design,
    enrollment: Option<(u64, &'static str)>,
    arms: Vec<Arm>,
    interventions: Vec<Intervention>,
    criteria: String,
    healthy: Option<bool>,
    sex: &'static str,
    min_age: Option<&'static str>,
    max_age: Option<&'static str>,
    central_contacts: Vec<Contact>,
    official: Option<(String, &'static str)>,
    locations: Vec<Site>,
    results: Option<&'g str>,
    version_date: String,
}

impl Draft<'_> {
    /// A later version of the study: status moved on, last update later,
    /// enrollment revised, a site's status changed, and in half of the
    /// revisions new eligibility criteria (an amendment).
    fn revise(&mut self, mut r: Rng, revision: u32, g: &Generator) {
        self.status = match self.status {
            "NOT_YET_RECRUITING" => "RECRUITING",
            "RECRUITING" if r.chance(0.5) => "ACTIVE_NOT_RECRUITING",
            "ACTIVE_NOT_RECRUITING" => "COMPLETED",
            "ENROLLING_BY_INVITATION" => "ACTIVE_NOT_RECRUITING",
            s => s,
        };
        let day = g.snapshot + 7 * revision as i64;
        self.dates.last_update = dates::ymd(day);
        self.dates.verified = dates::ym(day);
        if let Some((n, _)) = &mut self.enrollment {
            *n += r.below(20);
        }
        if let Some(site) = self.locations.first_mut() {
            site.status = site_status(&mut r, self.status);
        }
        self.summary.push_str(&format!(
            " Protocol amendment {revision}: {}.",
            r.pick(&[
                "sites added",
                "eligibility clarified",
                "sample size re-estimated",
                "visit schedule simplified",
            ])
        ));
        if r.chance(0.5) {
            let t = &g.templates;
            let pool = if self.tpl.seed {
                &t.seed_pool
            } else {
                &t.real_pool
            };
            let mut c = String::with_capacity(self.criteria.len() + 256);
            self.tpl.criteria.render(&mut r, pool, &mut c);
            self.criteria = if self.tpl.seed {
                c
            } else {
                let lower = lower_form(&self.conditions[0]);
                t.replace_conditions(&c, &self.conditions[0], &lower)
            };
        }
    }

    fn meta(&self) -> StudyMeta {
        StudyMeta {
            id: self.id.clone(),
            primary_condition: self.conditions[0].clone(),
            conditions: self.conditions.clone(),
            family: self.family,
            status: self.status,
            study_type: self.study_type,
            template: self.tpl.source.clone(),
            criteria_bytes: self.criteria.len(),
            sites: self.locations.len(),
            sites_without_geo: self.locations.iter().filter(|l| l.geo.is_none()).count(),
            has_results: self.results.is_some(),
        }
    }

    fn write(&self, j: &mut Json) {
        j.begin_obj().key("protocolSection").begin_obj();

        j.key("identificationModule").begin_obj();
        j.field_str("nctId", &self.id);
        j.key("orgStudyIdInfo")
            .begin_obj()
            .field_str("id", &self.org_id)
            .end_obj();
        j.key("organization")
            .begin_obj()
            .field_str("fullName", self.sponsor)
            .field_str("class", self.sponsor_class)
            .end_obj();
        j.field_str("briefTitle", &self.brief_title);
        j.field_str("officialTitle", &self.official_title);
        j.field_opt_str("acronym", self.acronym.as_deref());
        j.end_obj();

        let d = &self.dates;
        j.key("statusModule").begin_obj();
        j.field_str("statusVerifiedDate", &d.verified);
        j.field_str("overallStatus", self.status);
        j.field_opt_str("lastKnownStatus", d.last_known);
        j.field_opt_str("whyStopped", d.why_stopped);
        j.key("expandedAccessInfo")
            .begin_obj()
            .key("hasExpandedAccess")
            .bool(self.study_type == "EXPANDED_ACCESS")
            .end_obj();
        for (k, v) in [
            ("startDateStruct", &d.start),
            ("primaryCompletionDateStruct", &d.primary_completion),
            ("completionDateStruct", &d.completion),
        ] {
            if let Some((date, kind)) = v {
                j.key(k)
                    .begin_obj()
                    .field_str("date", date)
                    .field_str("type", kind)
                    .end_obj();
            }
        }
        j.field_str("studyFirstSubmitDate", &d.first_submit);
        j.field_str("studyFirstSubmitQcDate", &d.first_submit);
        j.key("studyFirstPostDateStruct")
            .begin_obj()
            .field_str("date", &d.first_post)
            .field_str("type", "ACTUAL")
            .end_obj();
        j.field_str("lastUpdateSubmitDate", &d.last_update);
        j.key("lastUpdatePostDateStruct")
            .begin_obj()
            .field_str("date", &d.last_update)
            .field_str("type", "ACTUAL")
            .end_obj();
        j.end_obj();

        j.key("sponsorCollaboratorsModule").begin_obj();
        j.key("responsibleParty").begin_obj();
        match &self.official {
            Some((name, _)) if self.sponsor_class != "INDUSTRY" => {
                j.field_str("type", "PRINCIPAL_INVESTIGATOR")
                    .field_str("investigatorFullName", name)
                    .field_str("investigatorTitle", "Professor")
                    .field_str("investigatorAffiliation", self.sponsor);
            }
            _ => {
                j.field_str("type", "SPONSOR");
            }
        }
        j.end_obj();
        j.key("leadSponsor")
            .begin_obj()
            .field_str("name", self.sponsor)
            .field_str("class", self.sponsor_class)
            .end_obj();
        if let Some(c) = self.collaborator {
            j.key("collaborators")
                .begin_arr()
                .begin_obj()
                .field_str("name", c)
                .field_str("class", "OTHER")
                .end_obj()
                .end_arr();
        }
        j.end_obj();

        j.field_raw("oversightModule", self.tpl.oversight.as_deref());

        j.key("descriptionModule").begin_obj();
        j.field_str("briefSummary", &self.summary);
        j.field_opt_str("detailedDescription", self.description.as_deref());
        j.end_obj();

        j.key("conditionsModule").begin_obj();
        j.field_strs("conditions", &self.conditions);
        if !self.keywords.is_empty() {
            j.field_strs("keywords", &self.keywords);
        }
        j.end_obj();

        j.key("designModule").begin_obj();
        j.field_str("studyType", self.study_type);
        match &self.design {
            Design::Interventional {
                allocation,
                model,
                purpose,
                masking,
            } => {
                j.field_strs("phases", &self.phases);
                j.key("designInfo").begin_obj();
                j.field_str("allocation", allocation)
                    .field_str("interventionModel", model)
                    .field_str("primaryPurpose", purpose);
                j.key("maskingInfo")
                    .begin_obj()
                    .field_str("masking", masking);
                let who: &[&str] = match *masking {
                    "SINGLE" => &["PARTICIPANT"],
                    "DOUBLE" => &["PARTICIPANT", "INVESTIGATOR"],
                    "TRIPLE" => &["PARTICIPANT", "INVESTIGATOR", "OUTCOMES_ASSESSOR"],
                    "QUADRUPLE" => &[
                        "PARTICIPANT",
                        "CARE_PROVIDER",
                        "INVESTIGATOR",
                        "OUTCOMES_ASSESSOR",
                    ],
                    _ => &[],
                };
                if !who.is_empty() {
                    j.field_strs("whoMasked", who);
                }
                j.end_obj().end_obj();
            }
            Design::Observational {
                model,
                perspective,
                registry,
            } => {
                j.key("patientRegistry").bool(*registry);
                j.key("designInfo")
                    .begin_obj()
                    .field_str("observationalModel", model)
                    .field_str("timePerspective", perspective)
                    .end_obj();
            }
            Design::ExpandedAccess => {
                j.key("expandedAccessTypes")
                    .begin_obj()
                    .key("individual")
                    .bool(true)
                    .end_obj();
            }
        }
        if let Some((n, kind)) = self.enrollment {
            j.key("enrollmentInfo")
                .begin_obj()
                .key("count")
                .u64(n)
                .field_str("type", kind)
                .end_obj();
        }
        j.end_obj();

        j.key("armsInterventionsModule").begin_obj();
        if !self.arms.is_empty() {
            j.key("armGroups").begin_arr();
            for a in &self.arms {
                j.begin_obj().field_str("label", &a.label);
                j.field_opt_str("type", a.kind);
                j.field_opt_str("description", a.description.as_deref());
                j.field_strs("interventionNames", &a.interventions);
                j.end_obj();
            }
            j.end_arr();
        }
        j.key("interventions").begin_arr();
        for iv in &self.interventions {
            j.begin_obj()
                .field_str("type", iv.kind)
                .field_str("name", &iv.name);
            j.field_opt_str("description", iv.description.as_deref());
            j.field_strs("armGroupLabels", &iv.arm_labels);
            if !iv.other_names.is_empty() {
                j.field_strs("otherNames", &iv.other_names);
            }
            j.end_obj();
        }
        j.end_arr().end_obj();

        j.field_raw("outcomesModule", self.tpl.outcomes.as_deref());

        j.key("eligibilityModule").begin_obj();
        j.field_str("eligibilityCriteria", &self.criteria);
        if let Some(h) = self.healthy {
            j.key("healthyVolunteers").bool(h);
        }
        j.field_str("sex", self.sex);
        j.field_opt_str("minimumAge", self.min_age);
        j.field_opt_str("maximumAge", self.max_age);
        j.field_strs("stdAges", &std_ages(self.min_age, self.max_age));
        if self.study_type == "OBSERVATIONAL" {
            let pop = self.tpl.study_population.clone().unwrap_or_else(|| {
                format!(
                    "People with {} seen at the participating centres.",
                    lower_form(&self.conditions[0])
                )
            });
            j.field_str("studyPopulation", &pop);
            j.field_str(
                "samplingMethod",
                self.tpl
                    .sampling_method
                    .as_deref()
                    .unwrap_or("NON_PROBABILITY_SAMPLE"),
            );
        }
        j.end_obj();

        j.key("contactsLocationsModule").begin_obj();
        if !self.central_contacts.is_empty() {
            j.key("centralContacts").begin_arr();
            for c in &self.central_contacts {
                write_contact(j, c);
            }
            j.end_arr();
        }
        if let Some((name, role)) = &self.official {
            j.key("overallOfficials")
                .begin_arr()
                .begin_obj()
                .field_str("name", name)
                .field_str("affiliation", self.sponsor)
                .field_str("role", role)
                .end_obj()
                .end_arr();
        }
        if !self.locations.is_empty() {
            j.key("locations").begin_arr();
            for l in &self.locations {
                j.begin_obj().field_str("facility", &l.facility);
                j.field_opt_str("status", l.status);
                j.field_str("city", l.city);
                j.field_opt_str("state", l.state);
                j.field_opt_str("zip", l.zip);
                j.field_str("country", l.country);
                if !l.contacts.is_empty() {
                    j.key("contacts").begin_arr();
                    for c in &l.contacts {
                        write_contact(j, c);
                    }
                    j.end_arr();
                }
                if let Some((lat, lon)) = l.geo {
                    j.key("geoPoint")
                        .begin_obj()
                        .key("lat")
                        .f64(lat)
                        .key("lon")
                        .f64(lon)
                        .end_obj();
                }
                j.end_obj();
            }
            j.end_arr();
        }
        j.end_obj();

        j.field_raw("referencesModule", self.tpl.references.as_deref());
        j.field_raw("ipdSharingStatementModule", self.tpl.ipd_sharing.as_deref());
        j.end_obj(); // protocolSection

        if let Some(res) = self.results {
            j.key("resultsSection").raw(res);
            j.field_raw("documentSection", self.tpl.document_section.as_deref());
        }
        j.key("derivedSection")
            .begin_obj()
            .key("miscInfoModule")
            .begin_obj()
            .field_str("versionHolder", &self.version_date)
            .end_obj()
            .end_obj();
        j.key("hasResults").bool(self.results.is_some());
        j.end_obj();
    }
}

fn write_contact(j: &mut Json, c: &Contact) {
    j.begin_obj()
        .field_str("name", &c.name)
        .field_str("role", c.role);
    j.field_opt_str("phone", c.phone.as_deref());
    j.field_opt_str("email", c.email.as_deref());
    j.end_obj();
}
