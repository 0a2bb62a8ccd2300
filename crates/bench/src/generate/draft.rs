//! One study, drawn: what it is about, its design, status and dates, its
//! words, people and places. The draws happen in a fixed order; changing
//! the order changes every study (bump `GENERATOR_VERSION`).

use super::fields::{Contact, Dates, ages, population, site_status};
use super::template::Template;
use super::words::{
    KEYWORDS, Words, arm_prefix, capitalise, code_name, dose_text, org_prefix, type_label,
};
use super::{Cond, Generator, StudyMeta, dates, lower_form, places, tables, weighted};
use crate::rng::Rng;
use tables::Family;

pub(super) struct Site {
    pub facility: String,
    pub status: Option<&'static str>,
    pub city: &'static str,
    pub state: Option<&'static str>,
    pub zip: Option<&'static str>,
    pub country: &'static str,
    pub geo: Option<(f64, f64)>,
    pub contacts: Vec<Contact>,
}

pub(super) struct Intervention {
    pub kind: &'static str,
    pub name: String,
    pub description: Option<String>,
    pub other_names: Vec<String>,
    pub arm_labels: Vec<String>,
}

pub(super) struct Arm {
    pub label: String,
    pub kind: Option<&'static str>,
    pub description: Option<String>,
    pub interventions: Vec<String>,
}

pub(super) enum Design {
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

/// One study before it is written (see `write.rs`).
pub(super) struct Draft<'g> {
    pub tpl: &'g Template,
    pub id: String,
    pub org_id: String,
    pub brief_title: String,
    pub official_title: String,
    pub acronym: Option<String>,
    pub status: &'static str,
    pub dates: Dates,
    pub sponsor: &'static str,
    pub sponsor_class: &'static str,
    pub collaborator: Option<&'static str>,
    pub summary: String,
    pub description: Option<String>,
    pub conditions: Vec<String>,
    pub family: Family,
    pub keywords: Vec<String>,
    pub study_type: &'static str,
    pub phases: Vec<&'static str>,
    pub design: Design,
    pub enrollment: Option<(u64, &'static str)>,
    pub arms: Vec<Arm>,
    pub interventions: Vec<Intervention>,
    pub criteria: String,
    pub healthy: Option<bool>,
    pub sex: &'static str,
    pub min_age: Option<&'static str>,
    pub max_age: Option<&'static str>,
    pub central_contacts: Vec<Contact>,
    pub official: Option<(String, &'static str)>,
    pub locations: Vec<Site>,
    pub results: Option<&'g str>,
    pub version_date: String,
}

impl Generator {
    pub(super) fn draft(&self, i: u64, revision: u32) -> Draft<'_> {
        let mut r = Rng::for_item(self.seed, i, 0);
        let conds = self.conditions_of(&mut r);
        let fam = conds[0].family;
        let study_type = study_type(&mut r, fam);
        let seed_based = fam == Family::Lupus && study_type == "INTERVENTIONAL" && r.chance(0.5);
        let tpl = self.template(&mut r, study_type, seed_based);
        let status = status(&mut r, study_type, seed_based);
        let dates = Dates::draw(&mut r, status, self.snapshot);
        let (min_age, max_age) = ages(&mut r, fam);
        let sex = sex(&mut r, fam, &conds);
        let healthy = healthy(&mut r, fam);
        let phases = phases(&mut r, study_type, seed_based, fam);

        let (sponsor, sponsor_class, sponsor_country) = *r.pick(tables::SPONSORS);
        let collaborator = r
            .chance(0.2)
            .then(|| r.pick(tables::SPONSORS).0)
            .filter(|c| *c != sponsor);

        let (interventions, randomized) = interventions(&mut r, fam, study_type, seed_based);
        let (interventions, arms) = arms(interventions, study_type, randomized, &conds[0].name);
        let design = design(&mut r, fam, study_type, randomized, arms.len());
        let enrollment = enrollment(&mut r, status, study_type);

        let c0 = &conds[0];
        let iv0 = interventions
            .first()
            .map_or("Standard Care", |x| x.name.as_str());
        let iv1 = interventions.get(1).map(|x| x.name.as_str());
        let placebo = interventions.iter().any(|x| x.name == "Placebo");
        let population = population(min_age, max_age, sex);
        let words = Words::draw(
            &mut r,
            fam,
            study_type,
            c0,
            (iv0, iv1),
            &population,
            &phases,
            &design,
            placebo,
        );

        let t = &self.templates;
        let subst = |s: &str| {
            if tpl.seed {
                s.to_string()
            } else {
                t.replace_conditions(s, &c0.name, &c0.lower)
            }
        };
        let summary = match &tpl.summary {
            Some(ts) => format!("{} {}", words.lead, subst(ts)),
            None => words.lead.clone(),
        };
        let description = tpl.description.as_deref().map(subst);
        let mut criteria = String::with_capacity(4096);
        let pool = if tpl.seed { &t.seed_pool } else { &t.real_pool };
        tpl.criteria.render(&mut r, pool, &mut criteria);
        let criteria = subst(&criteria);

        let keywords = keywords(&mut r, iv0, words.outcome, &conds);

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
        let locations = self.sites(&mut r, study_type, status, sponsor_class, sponsor_country);

        let results = (study_type == "INTERVENTIONAL"
            && matches!(status, "COMPLETED" | "TERMINATED")
            && !t.results.is_empty()
            && r.chance(0.2))
        .then(|| t.results[r.below(t.results.len() as u64) as usize].as_str());

        let mut d = Draft {
            tpl,
            id: Self::id(i),
            org_id: format!("{}-{:05}", org_prefix(sponsor), i % 100_000),
            brief_title: words.brief_title,
            official_title: words.official_title,
            acronym: words.acronym,
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
            version_date: dates::ymd(self.snapshot),
        };
        if revision > 0 {
            d.revise(Rng::for_item(self.seed, i, revision as u64), revision, self);
        }
        d
    }

    /// One to three conditions: the first from the whole distribution,
    /// the others of the same area (for lupus, half the time another
    /// autoimmune disease, as basket trials list).
    fn conditions_of(&self, r: &mut Rng) -> Vec<Cond> {
        let (primary, tail) = self.draw_condition(r);
        let fam = primary.family;
        let mut conds = vec![primary];
        if r.chance(0.3) {
            let f = if fam == Family::Lupus && r.chance(0.5) {
                Family::Autoimmune
            } else {
                fam
            };
            let c = self.related_condition(r, f, tail);
            if conds.iter().all(|x| x.name != c.name) {
                conds.push(c);
            }
            if r.chance(0.3) {
                let c = self.related_condition(r, fam, tail);
                if conds.iter().all(|x| x.name != c.name) {
                    conds.push(c);
                }
            }
        }
        conds
    }

    /// The real record the study starts from: a seed trial for half the
    /// interventional lupus studies, else a real study of the same type.
    fn template(&self, r: &mut Rng, study_type: &str, seed_based: bool) -> &Template {
        let t = &self.templates;
        if seed_based {
            r.pick(&t.seeds)
        } else if study_type == "OBSERVATIONAL" {
            &t.observational[r.weighted(&t.observational_weights)]
        } else {
            &t.interventional[r.weighted(&t.interventional_weights)]
        }
    }

    /// Sites: none to hundreds, in the sponsor's country (academic) or
    /// wherever an industry sponsor runs it, large studies in several.
    fn sites(
        &self,
        r: &mut Rng,
        study_type: &str,
        status: &str,
        sponsor_class: &str,
        sponsor_country: &str,
    ) -> Vec<Site> {
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
            let site_status = site_status(r, status);
            let contacts = if site_status == Some("RECRUITING") && r.chance(0.6) {
                let mut c = vec![Contact::draw(r, "CONTACT")];
                if r.chance(0.4) {
                    c.push(Contact::draw(r, "PRINCIPAL_INVESTIGATOR"));
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
        locations
    }
}

fn study_type(r: &mut Rng, fam: Family) -> &'static str {
    if fam == Family::Healthy {
        return "INTERVENTIONAL";
    }
    match r.below(1000) {
        0..765 => "INTERVENTIONAL",
        765..990 => "OBSERVATIONAL",
        _ => "EXPANDED_ACCESS",
    }
}

/// Overall status in the registry's proportions (CAR-T lupus trials are
/// recent: mostly recruiting or about to).
fn status(r: &mut Rng, study_type: &str, seed_based: bool) -> &'static str {
    if study_type == "EXPANDED_ACCESS" {
        weighted(
            r,
            &[
                ("AVAILABLE", 30),
                ("NO_LONGER_AVAILABLE", 35),
                ("APPROVED_FOR_MARKETING", 25),
                ("TEMPORARILY_NOT_AVAILABLE", 10),
            ],
        )
    } else if seed_based {
        weighted(
            r,
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
            r,
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
    }
}

fn sex(r: &mut Rng, fam: Family, conds: &[Cond]) -> &'static str {
    let primary = conds[0].name.as_str();
    if fam == Family::Women || primary == "Breast Cancer" {
        if r.chance(0.85) { "FEMALE" } else { "ALL" }
    } else if matches!(primary, "Prostate Cancer" | "Benign Prostatic Hyperplasia") {
        "MALE"
    } else {
        weighted(r, &[("ALL", 880), ("FEMALE", 80), ("MALE", 40)])
    }
}

fn healthy(r: &mut Rng, fam: Family) -> Option<bool> {
    if fam == Family::Healthy {
        Some(true)
    } else if r.chance(0.05) {
        None
    } else {
        Some(r.chance(0.08))
    }
}

fn phases(r: &mut Rng, study_type: &str, seed_based: bool, fam: Family) -> Vec<&'static str> {
    let choices: &[(&[&'static str], u32)] = if study_type != "INTERVENTIONAL" {
        return vec![];
    } else if seed_based {
        &[
            (&["EARLY_PHASE1"], 30),
            (&["PHASE1"], 50),
            (&["PHASE1", "PHASE2"], 20),
        ]
    } else if fam == Family::Healthy {
        &[(&["PHASE1"], 70), (&["NA"], 20), (&["PHASE2"], 10)]
    } else {
        &[
            (&["NA"], 360),
            (&["PHASE1"], 120),
            (&["PHASE1", "PHASE2"], 40),
            (&["PHASE2"], 200),
            (&["PHASE2", "PHASE3"], 25),
            (&["PHASE3"], 120),
            (&["PHASE4"], 115),
            (&["EARLY_PHASE1"], 20),
        ]
    };
    weighted(r, choices).to_vec()
}

/// One to three interventions of the area (a fifth of them investigational
/// codes), a placebo in some randomized studies. Also: randomized?
fn interventions(
    r: &mut Rng,
    fam: Family,
    study_type: &str,
    seed_based: bool,
) -> (Vec<Intervention>, bool) {
    let mut out: Vec<Intervention> = Vec::new();
    let n = weighted(r, &[(1usize, 55), (2, 33), (3, 12)]);
    let list = tables::interventions(fam);
    for _ in 0..n {
        let (kind, name) = if r.chance(0.2) {
            let kind = if r.chance(0.7) { "DRUG" } else { "BIOLOGICAL" };
            (kind, code_name(r))
        } else if seed_based && out.is_empty() {
            const CAR_T: &[&str] = &[
                "CD19 CAR-T Cells",
                "BCMA-CD19 Compound CAR-T Cells",
                "Allogeneic CD19 CAR-T Cells",
                "Universal Anti-CD70 CAR-T Cells",
                "CD19/BCMA CAR-T Cells",
            ];
            ("BIOLOGICAL", r.pick(CAR_T).to_string())
        } else {
            let (k, n) = *r.pick(list);
            (k, n.to_string())
        };
        if out.iter().any(|x| x.name == name) {
            continue;
        }
        let description = dose_text(r, kind, &name);
        let other_names = if r.chance(0.15) {
            vec![code_name(r)]
        } else {
            vec![]
        };
        out.push(Intervention {
            kind,
            name,
            description,
            other_names,
            arm_labels: vec![],
        });
    }
    let randomized = study_type == "INTERVENTIONAL" && (out.len() > 1 || r.chance(0.3));
    if randomized && fam != Family::Healthy && r.chance(0.4) {
        out.push(Intervention {
            kind: "DRUG",
            name: "Placebo".into(),
            description: Some("Matching placebo, same schedule and route".into()),
            other_names: vec![],
            arm_labels: vec![],
        });
    }
    (out, randomized)
}

/// An arm per intervention (a cohort for observational studies).
fn arms(
    mut interventions: Vec<Intervention>,
    study_type: &str,
    randomized: bool,
    condition: &str,
) -> (Vec<Intervention>, Vec<Arm>) {
    let mut arms: Vec<Arm> = Vec::new();
    for (k, iv) in interventions.iter_mut().enumerate() {
        let (label, kind) = if study_type == "OBSERVATIONAL" {
            (format!("{condition} cohort"), None)
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
        let name = format!("{}: {}", type_label(iv.kind), iv.name);
        match arms.iter_mut().find(|a| a.label == label) {
            Some(a) => a.interventions.push(name),
            None => arms.push(Arm {
                description: Some(format!(
                    "Participants {} {}.",
                    if study_type == "OBSERVATIONAL" {
                        "followed while receiving"
                    } else {
                        "receive"
                    },
                    lower_form(&iv.name)
                )),
                interventions: vec![name],
                label: label.clone(),
                kind,
            }),
        }
        iv.arm_labels.push(label);
    }
    (interventions, arms)
}

fn design(r: &mut Rng, fam: Family, study_type: &str, randomized: bool, arms: usize) -> Design {
    if study_type == "INTERVENTIONAL" {
        let masking = if !randomized {
            "NONE"
        } else {
            weighted(
                r,
                &[
                    ("NONE", 450),
                    ("SINGLE", 150),
                    ("DOUBLE", 120),
                    ("TRIPLE", 110),
                    ("QUADRUPLE", 170),
                ],
            )
        };
        let allocation = if randomized {
            "RANDOMIZED"
        } else if r.chance(0.2) {
            "NON_RANDOMIZED"
        } else {
            "NA"
        };
        let model = if arms <= 1 {
            "SINGLE_GROUP"
        } else {
            weighted(r, &[("PARALLEL", 85), ("CROSSOVER", 10), ("FACTORIAL", 5)])
        };
        let purpose = if fam == Family::Healthy {
            weighted(
                r,
                &[("BASIC_SCIENCE", 40), ("OTHER", 30), ("PREVENTION", 30)],
            )
        } else {
            weighted(
                r,
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
        };
        Design::Interventional {
            allocation,
            model,
            purpose,
            masking,
        }
    } else if study_type == "OBSERVATIONAL" {
        let model = weighted(
            r,
            &[
                ("COHORT", 70),
                ("CASE_CONTROL", 12),
                ("CASE_ONLY", 10),
                ("OTHER", 8),
            ],
        );
        let perspective = weighted(
            r,
            &[
                ("PROSPECTIVE", 65),
                ("RETROSPECTIVE", 25),
                ("CROSS_SECTIONAL", 10),
            ],
        );
        Design::Observational {
            model,
            perspective,
            registry: r.chance(0.1),
        }
    } else {
        Design::ExpandedAccess
    }
}

/// Participants: median about 75, a long tail to thousands; estimated
/// while recruiting, actual after.
fn enrollment(r: &mut Rng, status: &str, study_type: &str) -> Option<(u64, &'static str)> {
    if status == "WITHDRAWN" {
        return Some((0, "ACTUAL"));
    }
    if study_type == "EXPANDED_ACCESS" {
        return None;
    }
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
}

fn keywords(r: &mut Rng, iv0: &str, outcome: &str, conds: &[Cond]) -> Vec<String> {
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
    keywords
}

impl Draft<'_> {
    /// A later version of the study: status moved on, last update later,
    /// enrollment revised, a site's status changed, and in half of the
    /// revisions new eligibility criteria (an amendment).
    pub(super) fn revise(&mut self, mut r: Rng, revision: u32, g: &Generator) {
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

    pub(super) fn meta(&self) -> StudyMeta {
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
}
