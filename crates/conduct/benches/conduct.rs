//! Endpoints and the trial summary for a large trial: the synthetic
//! example's six participants repeated to 600 (100 copies, each a
//! participant of its own), every visit's endpoints computed and summarised,
//! as the summary page and `eligo endpoints` do on each request.

use criterion::{Criterion, criterion_group, criterion_main};
use eligo_conduct::endpoints::{Timeline, VisitRecord};
use eligo_conduct::summary::{self, Subject};
use eligo_conduct::{AdverseEvent, ConMed, Participant, Settings, plan, sample, timeline};

fn trial() -> eligo_model::Trial {
    eligo_ctgov::sample::sample_registry()
        .into_iter()
        .map(|r| r.trial)
        .find(|t| t.id == "NCT06946485")
        .expect("seed trial")
}

type Person = (
    Participant,
    Vec<VisitRecord>,
    Vec<AdverseEvent>,
    Vec<ConMed>,
);

fn people(copies: usize) -> (Vec<Person>, eligo_conduct::Date) {
    let ex = sample::parse(sample::NCT06946485).expect("example");
    let mut out = Vec::new();
    for k in 0..copies {
        for e in &ex.participants {
            let mut p = e.participant.clone();
            p.study_id = format!("{}-{k}", p.study_id);
            let visits = e
                .visits
                .iter()
                .map(|(code, v)| VisitRecord {
                    code: code.clone(),
                    date: Some(v.date),
                    missed: None,
                    data: v.data.clone(),
                })
                .collect();
            let aes = e
                .visits
                .iter()
                .flat_map(|(_, v)| v.adverse_events.clone())
                .collect();
            let cms = e
                .visits
                .iter()
                .flat_map(|(_, v)| v.concomitant_medications.clone())
                .collect();
            out.push((p, visits, aes, cms));
        }
    }
    (out, ex.as_of)
}

fn bench(c: &mut Criterion) {
    let t = trial();
    let plan = plan(&t);
    let settings = Settings::default();
    let (ps, as_of) = people(100);
    c.bench_function("timelines_600_participants", |b| {
        b.iter(|| {
            ps.iter()
                .map(|(p, v, a, m)| timeline(&plan, &settings, p, v, a, m, as_of))
                .collect::<Vec<Timeline>>()
        })
    });
    let tl: Vec<Timeline> = ps
        .iter()
        .map(|(p, v, a, m)| timeline(&plan, &settings, p, v, a, m, as_of))
        .collect();
    c.bench_function("summary_600_participants", |b| {
        b.iter(|| {
            let subjects: Vec<Subject> = ps
                .iter()
                .zip(&tl)
                .map(|((p, _, a, _), t)| Subject {
                    participant: p,
                    timeline: t,
                    aes: a,
                })
                .collect();
            summary::summarize(&plan, &[], &subjects, as_of)
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
