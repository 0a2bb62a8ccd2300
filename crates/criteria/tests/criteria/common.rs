//! Shared helpers for the criteria tests.

use eligo_model::rule::{CompiledCriteria, Rule, RuleKind};

pub fn data(name: &str) -> String {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every rule of the compiled criteria, depth first.
pub fn all_rules(c: &CompiledCriteria) -> Vec<&Rule> {
    fn walk<'a>(r: &'a Rule, out: &mut Vec<&'a Rule>) {
        out.push(r);
        match &r.kind {
            RuleKind::All { rules, .. }
            | RuleKind::Any { rules, .. }
            | RuleKind::AtLeast { rules, .. } => rules.iter().for_each(|c| walk(c, out)),
            RuleKind::Not { rule } => walk(rule, out),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for cr in &c.criteria {
        for r in &cr.rules {
            walk(r, &mut out);
        }
    }
    out
}

/// The structural invariants every compilation must keep.
pub fn check_invariants(text: &str, c: &CompiledCriteria) {
    for cr in &c.criteria {
        assert!(
            cr.span.start <= cr.span.end && cr.span.end <= text.len(),
            "span out of text: {:?}",
            cr.span
        );
        if cr.field.is_none() {
            assert_eq!(
                cr.span.slice(text),
                Some(cr.text.as_str()),
                "criterion text is not the original slice"
            );
        }
        assert_eq!(cr.computable, !cr.rules.is_empty());
        if !cr.computable {
            assert!(
                cr.reason.is_some(),
                "not computable without a reason: {}",
                cr.text
            );
        }
        for p in &cr.not_computable {
            assert_eq!(
                p.span.slice(text),
                Some(p.text.as_str()),
                "part text is not the original slice"
            );
        }
    }
    for r in all_rules(c) {
        assert!(r.span.start <= r.span.end && r.span.end <= text.len());
        assert!(text.is_char_boundary(r.span.start) && text.is_char_boundary(r.span.end));
        for w in &r.words {
            assert!(w.start < w.end && w.end <= text.len(), "{w:?}");
        }
    }
    // A clause left to confirm in the logic is one of the criterion's parts.
    for cr in &c.criteria {
        let mut leaves = Vec::new();
        for r in &cr.rules {
            r.visit(&mut |x| {
                if let RuleKind::ToConfirm { reason } = x.kind {
                    leaves.push((x.span, reason));
                }
            });
        }
        for (span, reason) in leaves {
            assert!(
                cr.not_computable
                    .iter()
                    .any(|p| p.span == span && p.reason == reason),
                "to_confirm leaf {span:?} is no part of {:?}",
                cr.text
            );
        }
    }
}
