//! The worked example loaded into plain data, and the seed trials.

use eligo_conduct::data::{AdverseEvent, ConMed, Participant};
use eligo_conduct::endpoints::VisitRecord;
use eligo_conduct::sample;
use eligo_model::Trial;

pub fn trial(id: &str) -> Trial {
    eligo_ctgov::sample::sample_registry()
        .into_iter()
        .map(|r| r.trial)
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("{id} is not in the sample registry"))
}

pub fn date(s: &str) -> eligo_conduct::Date {
    s.parse().unwrap()
}

pub struct Person {
    pub p: Participant,
    pub visits: Vec<VisitRecord>,
    pub aes: Vec<AdverseEvent>,
    pub cms: Vec<ConMed>,
}

pub fn example() -> (sample::Example, Vec<Person>) {
    let ex = sample::parse(sample::NCT06946485).expect("the example parses");
    let people = ex
        .participants
        .iter()
        .map(|e| {
            let mut visits: Vec<VisitRecord> = e
                .visits
                .iter()
                .map(|(code, v)| VisitRecord {
                    code: code.clone(),
                    date: Some(v.date),
                    missed: None,
                    data: v.data.clone(),
                })
                .collect();
            visits.extend(e.missed.iter().map(|(code, why)| VisitRecord {
                code: code.clone(),
                date: None,
                missed: Some(why.clone()),
                data: Default::default(),
            }));
            Person {
                p: e.participant.clone(),
                aes: e
                    .visits
                    .iter()
                    .flat_map(|(_, v)| v.adverse_events.clone())
                    .collect(),
                cms: e
                    .visits
                    .iter()
                    .flat_map(|(_, v)| v.concomitant_medications.clone())
                    .collect(),
                visits,
            }
        })
        .collect();
    (ex, people)
}
