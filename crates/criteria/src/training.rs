//! Training and cross-validating the entity tagger on an annotated corpus:
//! the rules' opinions of each line come from [`crate::entities`], the gold
//! labels from the corpus ([`crate::chia`]), the model is
//! [`crate::tagger::Tagger`].

use crate::annotation::Entity;
use crate::chia::{self, Document, Report};
use crate::tagger::{EPOCHS, PRUNE, Tagger, gold_labels};

/// Train a model from annotated documents (rule opinions computed here).
pub fn train(docs: &[Document], epochs: usize) -> Tagger {
    let mut lines = Vec::new();
    for d in docs {
        for (line, _) in crate::entities::lines(&d.text) {
            let end = line.base + line.text.len();
            let gold: Vec<Entity> = d
                .gold
                .iter()
                .filter(|g| {
                    let (a, b) = g.fragments[0];
                    a >= line.base && b <= end
                })
                .map(|g| {
                    let (a, b) = g.fragments[0];
                    Entity::new(g.kind, a - line.base, b - line.base)
                })
                .collect();
            let labels = gold_labels(&line.words, &gold);
            lines.push((line, labels));
        }
    }
    let mut t = Tagger::train(&lines, epochs);
    let mut ids: Vec<String> = docs.iter().map(|d| d.trial().to_string()).collect();
    ids.sort();
    ids.dedup();
    t.trained_on = ids;
    t
}

/// Score the method by `k`-fold cross-validation over `docs`: for each fold
/// (by trial, [`chia::folds`]), train on the others and score that
/// fold with the rules and the fresh tagger.
pub fn cross_validate(docs: &[Document], k: usize) -> Report {
    let fold = chia::folds(docs, k);
    let mut report = Report {
        documents: 0,
        counts: Default::default(),
    };
    for f in 0..k.max(1) {
        let train_docs: Vec<Document> = docs
            .iter()
            .zip(&fold)
            .filter(|(_, g)| **g != f)
            .map(|(d, _)| d.clone())
            .collect();
        let mut model = train(&train_docs, EPOCHS);
        model.prune(PRUNE);
        let test = docs
            .iter()
            .zip(&fold)
            .filter(|(_, g)| **g == f)
            .map(|(d, _)| d);
        report.add(chia::evaluate_with(test, |t| {
            crate::entities::extract_with(t, Some(&model))
        }));
    }
    report
}
