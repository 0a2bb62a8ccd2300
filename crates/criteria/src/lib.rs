//! The criteria compiler: free-text eligibility criteria to typed,
//! computable rules (`eligo_model::rule`), each with the span of text it
//! came from, and an honest account of what is not computable.
//!
//! ```text
//! text ─ segment ─► items ─ normalise (offset map) ─► clauses ─ recognise (vocabulary
//!       phrases, patterns) ─► atoms + attributes ─ connectors ─► rules
//! ```
//! Every function on the way is pure; the vocabulary (`eligo_vocab`) is data.

/// `re!(name, pattern)`: a function `name()` that returns the regex,
/// compiled on first use (the patterns and the entity finder both use it).
macro_rules! re {
    ($name:ident, $pat:expr) => {
        pub(crate) fn $name() -> &'static regex::Regex {
            static R: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
            R.get_or_init(|| regex::Regex::new($pat).expect(stringify!($name)))
        }
    };
}

mod annotation;
pub mod chia;
mod compile;
mod druglex;
pub mod entities;
mod lexicon;
mod normalize;
mod patterns;
pub mod render;
mod segment;
pub mod tagger;
pub mod training;

pub use normalize::{Normalized, normalize};

/// The compiler's version: a hash of what decides its output (this crate's
/// sources and data, the vocabulary, the model's types), made at build time
/// by `build.rs`. Compiled criteria are stored under it and reused only by
/// a compiler of the same version.
pub const COMPILER_VERSION: &str = env!("ELIGO_COMPILER_VERSION");
pub use segment::{Segment, SegmentKind, segment};

use eligo_model::Trial;
use eligo_model::rule::{
    AgeBound, CompiledCriteria, Criterion, CriterionKind, Mention, MentionKind, Rule, RuleKind,
    Span,
};
use eligo_model::trial::{AgeLimit, AgeUnit, Sex};

/// Compile a trial's eligibility text. Never panics; text it cannot read is
/// kept as not-computable criteria.
pub fn compile(trial_id: &str, criteria_text: &str) -> CompiledCriteria {
    let segs = segment(criteria_text);
    let mut criteria = Vec::new();
    let mut i = 0;
    // The heading of a group outside enrolment (rule 13), while in one.
    let mut group: Option<String> = None;
    while i < segs.len() {
        if segs[i].kind == SegmentKind::Heading {
            group = segs[i].future_anchor.then(|| segs[i].text.clone());
            i += 1;
            continue;
        }
        let top = &segs[i];
        let mut j = i + 1;
        while j < segs.len() && segs[j].kind == SegmentKind::Item && segs[j].nesting > 0 {
            j += 1;
        }
        let span = Span::new(top.span.start, segs[j - 1].span.end);
        let kind = top.section.unwrap_or(CriterionKind::Inclusion);
        let mut c = compile::criterion(criteria_text, span, kind, top.future_anchor);
        if top.future_anchor {
            c.group = group.clone();
        }
        criteria.push(c);
        i = j;
    }
    finish(trial_id, criteria)
}

/// Name the concepts in every part left to confirm (`NotComputablePart::mentions`),
/// from the entity extraction ([`entities::find`], rules and tagger). Kept
/// out of [`compile`] because the matcher does not need it and the tagger
/// costs more than the compiler itself; call it where people read criteria.
pub fn annotate(compiled: &mut CompiledCriteria) {
    for c in &mut compiled.criteria {
        for p in &mut c.not_computable {
            p.mentions = mentions(&p.text, p.span.start);
        }
    }
}

/// The concepts named in `text`, with spans shifted by `offset`.
fn mentions(text: &str, offset: usize) -> Vec<Mention> {
    entities::find(text)
        .into_iter()
        .filter_map(|f| {
            let kind = match f.kind {
                chia::EntityType::Condition => MentionKind::Condition,
                chia::EntityType::Drug => MentionKind::Drug,
                chia::EntityType::Procedure => MentionKind::Procedure,
                chia::EntityType::Measurement => MentionKind::Measurement,
                _ => return None,
            };
            Some(Mention {
                kind,
                span: Span::new(offset + f.start, offset + f.end),
                text: text.get(f.start..f.end)?.to_string(),
                concept: f.concept,
            })
        })
        .collect()
}

fn finish(trial_id: &str, criteria: Vec<Criterion>) -> CompiledCriteria {
    let n = criteria.len();
    let c = criteria.iter().filter(|c| c.computable).count();
    CompiledCriteria {
        trial_id: trial_id.to_string(),
        computable_fraction: if n == 0 { 0.0 } else { c as f64 / n as f64 },
        criteria,
    }
}

/// Compile a trial: its eligibility text plus the registry's structured
/// fields (minimum / maximum age, sex) as criteria of their own, marked with
/// `field`. An age bound the text already states is not repeated.
pub fn compile_trial(trial: &Trial) -> CompiledCriteria {
    let text = trial.eligibility.criteria.as_deref().unwrap_or("");
    let mut compiled = compile(&trial.id, text);
    let (mut text_min, mut text_max) = (false, false);
    for c in &compiled.criteria {
        for r in &c.rules {
            visit(r, &mut |k| {
                if let RuleKind::Age { min, max } = k {
                    text_min |= min.is_some();
                    text_max |= max.is_some();
                }
            });
        }
    }
    let e = &trial.eligibility;
    let mut fields = Vec::new();
    if let Some(c) = trial_condition(trial) {
        fields.push(c);
    }
    if let Some(min) = e.min_age.filter(|_| !text_min) {
        fields.push(field_age("eligibility.min_age", min, true));
    }
    if let Some(max) = e.max_age.filter(|_| !text_max) {
        fields.push(field_age("eligibility.max_age", max, false));
    }
    if let Some(sex) = e.sex.filter(|s| *s != Sex::All) {
        let text = sex.code().to_string();
        let span = Span::new(0, text.len());
        fields.push(Criterion {
            kind: CriterionKind::Inclusion,
            text,
            span,
            computable: true,
            rules: vec![Rule::new(span, RuleKind::Sex { sex })],
            reason: None,
            not_computable: Vec::new(),
            field: Some("eligibility.sex".into()),
            group: None,
        });
    }
    let mut all = fields;
    all.append(&mut compiled.criteria);
    finish(&trial.id, all)
}

/// The vocabulary concept a condition name names, remembered: the lookup
/// compares the name with every synonym of every condition, and a registry
/// repeats the same few thousand names (it was a sixth of the compiler's
/// time at import).
fn condition_key(name: &str) -> Option<String> {
    type Keys = std::sync::Mutex<std::collections::HashMap<String, Option<String>>>;
    static KEYS: std::sync::OnceLock<Keys> = std::sync::OnceLock::new();
    let keys = KEYS.get_or_init(Default::default);
    if let Some(k) = keys.lock().ok().and_then(|m| m.get(name).cloned()) {
        return k;
    }
    let k = eligo_vocab::vocabulary()
        .condition_named(name)
        .map(|c| c.key.clone());
    if let Ok(mut m) = keys.lock() {
        // A bound, for a process that compiles an endless stream of names.
        if m.len() >= 100_000 {
            m.clear();
        }
        m.insert(name.to_string(), k.clone());
    }
    k
}

/// The trial's own condition as an implicit inclusion criterion (MATCHING.md
/// rule 12), for a trial that does not accept healthy volunteers (or does
/// not say it does): the patient must have one of its conditions. Its text
/// is the registry's conditions field, one rule per condition, each naming
/// the vocabulary concept when eligo recognises the condition.
pub fn trial_condition(trial: &Trial) -> Option<Criterion> {
    if trial.partial || trial.eligibility.healthy_volunteers == Some(true) {
        return None;
    }
    let mut text = String::new();
    let mut rules = Vec::new();
    for c in &trial.conditions {
        let name = c.trim();
        if name.is_empty() {
            continue;
        }
        if !text.is_empty() {
            text.push_str("; ");
        }
        let span = Span::new(text.len(), text.len() + name.len());
        text.push_str(name);
        rules.push(Rule::new(
            span,
            RuleKind::TrialCondition {
                condition: name.to_string(),
                concept: condition_key(name),
            },
        ));
    }
    if rules.is_empty() {
        return None;
    }
    let span = Span::new(0, text.len());
    let rule = if rules.len() == 1 {
        rules.remove(0)
    } else {
        Rule::new(span, RuleKind::Any { label: None, rules })
    };
    Some(Criterion {
        kind: CriterionKind::Inclusion,
        text,
        span,
        computable: true,
        rules: vec![rule],
        reason: None,
        not_computable: Vec::new(),
        field: Some("conditions".into()),
        group: None,
    })
}

fn field_age(field: &str, limit: AgeLimit, is_min: bool) -> Criterion {
    let text = limit.to_string();
    let span = Span::new(0, text.len());
    let years = match limit.unit {
        AgeUnit::Years => Some(limit.value),
        AgeUnit::Months if limit.value.is_multiple_of(12) => Some(limit.value / 12),
        _ => None,
    };
    let (rules, reason) = match years {
        Some(y) => {
            let b = Some(AgeBound {
                years: y,
                inclusive: true,
            });
            let kind = if is_min {
                RuleKind::Age { min: b, max: None }
            } else {
                RuleKind::Age { min: None, max: b }
            };
            (vec![Rule::new(span, kind)], None)
        }
        None => (
            Vec::new(),
            Some("age limit below one year is not expressed in completed years".to_string()),
        ),
    };
    Criterion {
        kind: CriterionKind::Inclusion,
        text,
        span,
        computable: !rules.is_empty(),
        rules,
        reason,
        not_computable: Vec::new(),
        field: Some(field.to_string()),
        group: None,
    }
}

/// Visit a rule and all its descendants.
pub fn visit(r: &Rule, f: &mut impl FnMut(&RuleKind)) {
    r.visit(&mut |x| f(&x.kind));
}
