#![allow(dead_code)] // each bench uses part of the generator
//! Deterministic synthetic registries for benchmarks: trial `i` is one of
//! the template trials (the embedded sample: seed trials and real studies)
//! with a new id, shifted dates, swapped words, ages, sites, status and
//! phases, so that 100k trials have realistic text and a spread of facets.
//! Trials are made on demand; nothing holds the whole registry.

use eligo_model::Trial;
use eligo_model::trial::{
    AgeLimit, AgeUnit, Location, Milestone, OverallStatus, PartialDate, Phase,
};

/// SplitMix64: tiny, deterministic, good enough to spread values.
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

const CONDITIONS: &[&str] = &[
    "Systemic Lupus Erythematosus",
    "Lupus Nephritis",
    "Multiple Myeloma",
    "Diffuse Large B-Cell Lymphoma",
    "Acute Lymphoblastic Leukemia",
    "Rheumatoid Arthritis",
    "Systemic Sclerosis",
    "Myasthenia Gravis",
    "Type 2 Diabetes",
    "Breast Cancer",
    "Heart Failure",
    "Chronic Kidney Disease",
    "Asthma",
    "Melanoma",
    "Sjogren's Syndrome",
];

const THERAPIES: &[&str] = &[
    "CD19 CAR-T",
    "BCMA CAR-T",
    "CD19/BCMA CAR-T",
    "anti-CD20 antibody",
    "CD70 CAR-T",
    "belimumab",
    "anifrolumab",
    "pembrolizumab",
    "metformin",
    "rituximab",
    "CD7 CAR-T",
    "GPRC5D CAR-T",
];

const COUNTRIES: &[&str] = &[
    "China",
    "United States",
    "Germany",
    "France",
    "Japan",
    "Spain",
    "Italy",
    "United Kingdom",
    "Canada",
    "Brazil",
    "Australia",
    "India",
];

const CITIES: &[&str] = &[
    "Nanjing", "Wuhan", "Boston", "Erlangen", "Paris", "Tokyo", "Madrid", "Rome",
];

/// A synthetic registry over `templates` (must not be empty).
pub struct Synth {
    templates: Vec<Trial>,
}

impl Synth {
    pub fn new(templates: Vec<Trial>) -> Self {
        assert!(
            !templates.is_empty(),
            "synthetic registry needs at least one template trial"
        );
        Synth { templates }
    }

    /// Trial number `i` (ids `NCT9xxxxxxx`, unique for i < 10^7).
    pub fn trial(&self, i: u64) -> Trial {
        let r = |k: u64| mix(i.wrapping_mul(16).wrapping_add(k));
        let mut t = self.templates[(i % self.templates.len() as u64) as usize].clone();
        t.id = format!("NCT9{i:07}");
        t.nct_id = Some(t.id.clone());
        t.partial = false;
        t.related.clear();

        let cond = CONDITIONS[(r(1) % CONDITIONS.len() as u64) as usize];
        let therapy = THERAPIES[(r(2) % THERAPIES.len() as u64) as usize];
        t.brief_title = format!("{therapy} in {cond}: {}", t.brief_title);
        t.conditions = vec![cond.to_string()];
        if r(3) % 3 == 0 {
            t.conditions
                .push(CONDITIONS[(r(4) % CONDITIONS.len() as u64) as usize].to_string());
        }
        t.keywords.push(therapy.to_string());

        t.status = Some(OverallStatus::ALL[(r(5) % 9) as usize]);
        // Templates known only by id and title state no sex; a synthetic
        // trial is a full record, open to all unless its template says.
        t.eligibility.sex = t.eligibility.sex.or(Some(eligo_model::trial::Sex::All));
        t.phases = match r(6) % 6 {
            0 => vec![Phase::Phase1],
            1 => vec![Phase::Phase1, Phase::Phase2],
            2 => vec![Phase::Phase2],
            3 => vec![Phase::Phase3],
            4 => vec![Phase::EarlyPhase1],
            _ => vec![],
        };

        let min = [0, 2, 12, 18, 18, 18, 40][(r(7) % 7) as usize];
        t.eligibility.min_age = (min > 0).then_some(AgeLimit {
            value: min,
            unit: AgeUnit::Years,
        });
        let max = [0, 17, 65, 70, 75, 80][(r(8) % 6) as usize];
        t.eligibility.max_age = (max > min).then_some(AgeLimit {
            value: max,
            unit: AgeUnit::Years,
        });

        let year = 2010 + (r(9) % 17) as i16;
        let month = 1 + (r(10) % 12) as u8;
        let start = PartialDate {
            year,
            month: Some(month),
            day: None,
        };
        t.dates.start = Some(Milestone {
            date: start,
            kind: None,
        });
        t.dates.first_submitted = Some(PartialDate {
            year,
            month: Some(month),
            day: Some(1),
        });
        t.dates.completion = Some(Milestone {
            date: PartialDate {
                year: year + 3,
                ..start
            },
            kind: None,
        });

        let sites = 1 + (r(11) % 4) as usize;
        t.locations = (0..sites)
            .map(|k| Location {
                facility: Some(format!("Site {} Hospital", r(12 + k as u64) % 500)),
                city: Some(CITIES[(r(20 + k as u64) % CITIES.len() as u64) as usize].to_string()),
                country: Some(
                    COUNTRIES[(r(30 + k as u64) % COUNTRIES.len() as u64) as usize].to_string(),
                ),
                status: Some("RECRUITING".into()),
                ..Location::default()
            })
            .collect();
        t
    }

    /// A small source record for trial `t`, the shape of a v2 study.
    pub fn raw(&self, t: &Trial) -> serde_json::Value {
        serde_json::json!({
            "protocolSection": {
                "identificationModule": {"nctId": t.id, "briefTitle": t.brief_title},
                "statusModule": {"overallStatus": t.status.map(|s| s.code())},
                "conditionsModule": {"conditions": t.conditions},
                "eligibilityModule": {"eligibilityCriteria": t.eligibility.criteria},
                "descriptionModule": {"briefSummary": t.brief_summary},
            }
        })
    }
}

/// Queries a user of a CAR-T / SLE registry would type, with filters.
pub fn query_set() -> Vec<eligo_search::query::SearchRequest> {
    use eligo_model::trial::Sex;
    use eligo_search::query::{Filters, SearchRequest};
    let q = |text: &str, filters: Filters| SearchRequest {
        filters,
        ..SearchRequest::new(text)
    };
    vec![
        q("lupus", Filters::default()),
        q("CAR-T lupus", Filters::default()),
        q(
            "CD19 CAR-T refractory systemic lupus erythematosus",
            Filters::default(),
        ),
        q(
            "lupus nephritis",
            Filters {
                statuses: vec![OverallStatus::Recruiting],
                ..Filters::default()
            },
        ),
        q(
            "myeloma",
            Filters {
                phases: vec![Phase::Phase1, Phase::Phase2],
                ..Filters::default()
            },
        ),
        q(
            "",
            Filters {
                antigen: Some("CD19".into()),
                age_years: Some(34.0),
                ..Filters::default()
            },
        ),
        q(
            "cyclophosphamide",
            Filters {
                country: Some("China".into()),
                sex: Some(Sex::Female),
                ..Filters::default()
            },
        ),
        q(
            "heart failure",
            Filters {
                age_years: Some(70.0),
                ..Filters::default()
            },
        ),
        q("\"lupus nephritis\" -pediatric", Filters::default()),
        q(
            "pembrolizumab melanoma",
            Filters {
                statuses: vec![OverallStatus::Completed],
                ..Filters::default()
            },
        ),
    ]
}
