//! Train the entity tagger of `eligo_criteria::tagger` on a Chia directory:
//!
//! ```text
//! cargo run --release -p eligo-criteria --example train -- TRAIN [--exclude HELDOUT] [--test DIR] [--out FILE]
//! ```
//! `--folds K` cross-validates instead (as `eligo eval chia DIR --folds K`).
//! `--exclude` leaves out the trials of another directory (the held-out
//! test set); `--test` scores the model trained on TRAIN on another
//! directory, next to the rules alone; `--out` writes the model. The
//! embedded model is `TRAIN = Chia train`, `--exclude tests/data/chia`.
//! Cross-validation is `eligo eval chia DIR --folds K`.
use eligo_criteria::chia::{self, Document, EntityType};
use eligo_criteria::entities::extract_with;
use eligo_criteria::{tagger, training};
use std::collections::HashSet;
use std::path::Path;

fn load(dir: &str) -> Vec<Document> {
    chia::load_dir(Path::new(dir), None).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1)
    })
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opt = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let Some(train) = args.first() else {
        eprintln!("usage: train TRAIN [--exclude HELDOUT] [--test DIR] [--out FILE] [--folds K]");
        std::process::exit(2);
    };
    let mut docs = load(train);
    if let Some(ex) = opt("--exclude") {
        let held: HashSet<String> = load(&ex).iter().map(|d| d.trial().to_string()).collect();
        docs.retain(|d| !held.contains(d.trial()));
    }
    // The model on all of TRAIN, only when something uses it (cross-validation trains its own).
    if opt("--test").is_some() || opt("--out").is_some() {
        let t0 = std::time::Instant::now();
        let mut model = training::train(&docs, tagger::EPOCHS);
        model.prune(tagger::PRUNE);
        eprintln!(
            "trained on {} texts ({} trials) in {:.1} s: {} features",
            docs.len(),
            model.trained_on().len(),
            t0.elapsed().as_secs_f64(),
            model.len()
        );
        if let Some(test) = opt("--test") {
            let test = load(&test);
            let with = chia::evaluate_with(&test, |t| extract_with(t, Some(&model)));
            let without = chia::evaluate_with(&test, |t| extract_with(t, None));
            for t in EntityType::ALL {
                let (s, r) = (with.score(t), without.score(t));
                println!(
                    "{:<12} rules F1 {:.3}   rules + tagger P {:.3} R {:.3} F1 {:.3}",
                    t.name(),
                    r.f1_overlap,
                    s.precision,
                    s.recall,
                    s.f1_overlap
                );
            }
        }
        if let Some(out) = opt("--out") {
            std::fs::write(&out, model.to_bytes()).unwrap_or_else(|e| {
                eprintln!("{out}: {e}");
                std::process::exit(1)
            });
            eprintln!("written to {out}");
        }
    }
    if let Some(k) = opt("--folds").and_then(|k| k.parse::<usize>().ok()) {
        let r = training::cross_validate(&docs, k);
        let rules = chia::evaluate_with(&docs, |t| extract_with(t, None));
        println!("{k}-fold cross-validation over {} texts", docs.len());
        for t in EntityType::ALL {
            let (s, q) = (r.score(t), rules.score(t));
            println!(
                "| {} | {} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} |",
                t.name(),
                s.support,
                q.f1_overlap,
                s.precision_exact,
                s.recall_exact,
                s.f1_exact,
                s.precision,
                s.recall,
            );
            println!("  F1 overlap {:.3}", s.f1_overlap);
        }
    }
}
