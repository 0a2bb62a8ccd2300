//! From atoms to rules: the rule each atom states, and the logic that joins
//! them by the connectors between them (MATCHING.md rule 11: the words
//! left to confirm take their place in it).

use super::*;

pub(super) fn period_ok(p: Option<Period>) -> Option<Period> {
    p.filter(|p| p.amount > 0)
}

/// The rule an atom states.
pub(super) fn atom_rule(ctx: &Ctx, x: &Atom) -> Option<Rule> {
    let span = ctx.span(x.s, x.e);
    let kind = match &x.what {
        What::Cond(k) => RuleKind::Diagnosis {
            concept: k.clone(),
            presence: x.presence,
            window: period_ok(x.window),
            min_duration: x.min_duration,
            classification: x.classification.clone().filter(|_| k == "sle"),
            min_grade: x.min_grade,
            exceptions: x.exceptions.clone(),
            exceptions_to_confirm: x.qualified.clone(),
        },
        What::Proc(k) => RuleKind::Procedure {
            concept: k.clone(),
            window: x.window,
        },
        What::Lab(k) => {
            if let Some(r) = x.result {
                if k == "hcg" && r == Qualitative::Negative {
                    RuleKind::Pregnancy {
                        state: PregnancyState::NegativeTest,
                        window: x.window,
                    }
                } else {
                    RuleKind::LabResult {
                        analyte: k.clone(),
                        result: r,
                        window: x.window,
                    }
                }
            } else {
                let (comparator, threshold) = x.threshold.clone()?;
                RuleKind::Lab {
                    analyte: k.clone(),
                    comparator,
                    threshold,
                    window: x.window,
                    method: x.method.clone(),
                    exceptions: x.lab_exceptions.clone(),
                }
            }
        }
        What::Med(k) => RuleKind::Medication {
            agent: k.clone(),
            window: x.window,
            dose: x.dose.clone(),
            min_duration: x.min_duration,
            min_duration_strict: x.strict && x.min_duration.is_some(),
            routes: x.routes.clone(),
            current: x.current,
        },
        What::Vacc(k) => RuleKind::Vaccination {
            vaccine: *k,
            window: x.window,
        },
        What::Score(i) => {
            let (c, th) = x.threshold.clone()?;
            let Threshold::Quantity { quantity } = th else {
                return None;
            };
            RuleKind::Score {
                instrument: *i,
                comparator: c,
                value: quantity.value,
                window: x.window,
            }
        }
        What::Bilag { a, b } => RuleKind::GradePattern {
            instrument: Instrument::Bilag2004,
            min_a: *a,
            min_b: *b,
            window: x.window,
        },
        What::Age { min, max } => RuleKind::Age {
            min: *min,
            max: *max,
        },
        What::Trial => RuleKind::TrialParticipation {
            window: x.window,
            interventional: ctx.t[x.s..x.e].to_lowercase().contains("interventional"),
        },
        What::Allergy { substance, severe } => RuleKind::Allergy {
            substance: substance.clone(),
            severe: *severe,
        },
        What::Preg(s) => RuleKind::Pregnancy {
            state: *s,
            window: x.window,
        },
        What::Childbearing => return None,
        What::Confirm(reason) => RuleKind::ToConfirm { reason: *reason },
    };
    let mut r = Rule::new(span, kind);
    let mut words: Vec<Span> = x
        .words
        .iter()
        .filter(|&&(s, e)| e > s && !(s >= x.s && e <= x.e))
        .map(|&(s, e)| ctx.span(s, e))
        .filter(|w| !w.is_empty())
        .collect();
    words.sort();
    words.dedup();
    r.words = words;
    Some(if x.negated {
        Rule::new(span, RuleKind::Not { rule: Box::new(r) })
    } else {
        r
    })
}

/// Does the rule compute anything (a leaf that is not left to confirm)?
pub(super) fn computes(r: &Rule) -> bool {
    let mut any = false;
    r.visit(&mut |x| {
        if !matches!(
            x.kind,
            RuleKind::All { .. }
                | RuleKind::Any { .. }
                | RuleKind::AtLeast { .. }
                | RuleKind::Not { .. }
                | RuleKind::ToConfirm { .. }
        ) {
            any = true;
        }
    });
    any
}

/// Replace the leaf left to confirm at `span` by `leaf and def`: a term the
/// criterion defines later ("Failure to respond to conventional therapy ...
/// Conventional therapy: glucocorticoids ... combined with ...").
pub(super) fn attach_definition(r: &mut Rule, span: Span, def: &Rule) -> bool {
    if matches!(r.kind, RuleKind::ToConfirm { .. }) && r.span == span {
        let leaf = r.clone();
        *r = all_of(vec![leaf, def.clone()]);
        return true;
    }
    let done = match &mut r.kind {
        RuleKind::All { rules, .. }
        | RuleKind::Any { rules, .. }
        | RuleKind::AtLeast { rules, .. } => {
            rules.iter_mut().any(|c| attach_definition(c, span, def))
        }
        RuleKind::Not { rule } => attach_definition(rule, span, def),
        _ => false,
    };
    if done {
        r.span = r.span.cover(def.span);
    }
    done
}

pub(super) fn any_of(rules: Vec<Rule>) -> Rule {
    composite(rules, false)
}

pub(super) fn all_of(rules: Vec<Rule>) -> Rule {
    composite(rules, true)
}

pub(super) fn composite(mut rules: Vec<Rule>, all: bool) -> Rule {
    if rules.len() == 1 {
        return rules.remove(0);
    }
    let span = rules
        .iter()
        .skip(1)
        .fold(rules[0].span, |s, r| s.cover(r.span));
    // Flatten nested composites of the same kind.
    let mut flat = Vec::new();
    for r in rules {
        match r.kind {
            RuleKind::All {
                label: None,
                rules: inner,
            } if all => flat.extend(with_words(inner, r.words)),
            RuleKind::Any {
                label: None,
                rules: inner,
            } if !all => flat.extend(with_words(inner, r.words)),
            k => flat.push(Rule {
                span: r.span,
                kind: k,
                words: r.words,
            }),
        }
    }
    // The same statement twice ("plasma exchange, plasma separation") is one rule.
    let mut dedup: Vec<Rule> = Vec::new();
    for r in flat {
        if let Some(d) = dedup.iter_mut().find(|d| same_statement(&d.kind, &r.kind)) {
            d.span = d.span.cover(r.span);
            d.words.extend(r.words);
        } else {
            dedup.push(r);
        }
    }
    if dedup.len() == 1 {
        let r = dedup.remove(0);
        return Rule {
            span,
            kind: r.kind,
            words: r.words,
        };
    }
    Rule::new(
        span,
        if all {
            RuleKind::All {
                label: None,
                rules: dedup,
            }
        } else {
            RuleKind::Any {
                label: None,
                rules: dedup,
            }
        },
    )
}

/// A flattened composite's own words go to its first rule.
pub(super) fn with_words(mut rules: Vec<Rule>, words: Vec<Span>) -> Vec<Rule> {
    if let Some(first) = rules.first_mut() {
        first.words.extend(words);
    }
    rules
}

/// The same statement, whatever the spans and the order of a composite's
/// children ("RPR and TPHA positive" and "TPHA positive with RPR positive").
pub(super) fn same_statement(a: &RuleKind, b: &RuleKind) -> bool {
    match (a, b) {
        (
            RuleKind::All {
                label: la,
                rules: ra,
            },
            RuleKind::All {
                label: lb,
                rules: rb,
            },
        )
        | (
            RuleKind::Any {
                label: la,
                rules: ra,
            },
            RuleKind::Any {
                label: lb,
                rules: rb,
            },
        ) => {
            la == lb
                && ra.len() == rb.len()
                && ra
                    .iter()
                    .all(|x| rb.iter().any(|y| same_statement(&x.kind, &y.kind)))
                && rb
                    .iter()
                    .all(|y| ra.iter().any(|x| same_statement(&x.kind, &y.kind)))
        }
        (RuleKind::Not { rule: x }, RuleKind::Not { rule: y }) => same_statement(&x.kind, &y.kind),
        // Two clauses left to confirm are two things to confirm.
        (RuleKind::ToConfirm { .. }, _) | (_, RuleKind::ToConfirm { .. }) => false,
        _ => a == b,
    }
}

/// A unit of the connector grammar: a rule and where it sits.
pub(super) struct Unit {
    s: usize,
    e: usize,
    rule: Rule,
}

pub(super) fn combine_clause(ctx: &Ctx, atoms: Vec<Atom>, a: usize, b: usize) -> Option<Rule> {
    let t = ctx.t;
    let childbearing = atoms
        .iter()
        .find(|x| x.what == What::Childbearing)
        .map(|x| (x.s, x.e));
    let atoms: Vec<Atom> = atoms
        .into_iter()
        .filter(|x| x.what != What::Childbearing)
        .collect();
    // Units: groups collapse into AtLeast; parenthesised atoms attach to the unit before.
    let mut units: Vec<Unit> = Vec::new();
    let mut i = 0;
    let base_depth = atoms.iter().map(|x| x.depth).min().unwrap_or(0);
    while i < atoms.len() {
        let x = &atoms[i];
        if let Some((min, gid)) = x.group {
            let mut members = Vec::new();
            let (s, mut e) = (x.s, x.e);
            while i < atoms.len() && atoms[i].group.map(|g| g.1) == Some(gid) {
                if let Some(r) = atom_rule(ctx, &atoms[i]) {
                    members.push(r);
                }
                e = atoms[i].e;
                i += 1;
            }
            if !members.is_empty() {
                let span = members
                    .iter()
                    .skip(1)
                    .fold(members[0].span, |sp, r| sp.cover(r.span));
                units.push(Unit {
                    s,
                    e,
                    rule: Rule::new(
                        span,
                        RuleKind::AtLeast {
                            min,
                            rules: members,
                        },
                    ),
                });
            }
            continue;
        }
        if x.depth > base_depth && !units.is_empty() {
            // Parenthesised: collect the whole parenthesised run and combine it on its own.
            let d = x.depth;
            let mut run = Vec::new();
            while i < atoms.len() && atoms[i].depth >= d && atoms[i].group.is_none() {
                run.push(atoms[i].clone());
                i += 1;
            }
            let (rs, re) = (run[0].s, run[run.len() - 1].e);
            if let Some(r) = combine_units(
                ctx,
                run.iter()
                    .filter_map(|x| {
                        atom_rule(ctx, x).map(|r| Unit {
                            s: x.s,
                            e: x.e,
                            rule: r,
                        })
                    })
                    .collect(),
                t,
            ) {
                let last = units.len() - 1;
                let prev = std::mem::replace(
                    &mut units[last].rule,
                    Rule::new(
                        Span::default(),
                        RuleKind::All {
                            label: None,
                            rules: vec![],
                        },
                    ),
                );
                // "(without ...)" adds a condition; "(HBsAg positive and ...)" defines an alternative.
                let open = t[..rs].rfind('(').unwrap_or(rs);
                units[last].rule = if patterns::paren_adds_condition(&t[open..rs]) {
                    all_of(vec![prev, r])
                } else {
                    any_of(vec![prev, r])
                };
                units[last].e = re.max(units[last].e);
                let _ = rs;
            }
            continue;
        }
        if let Some(r) = atom_rule(ctx, x) {
            units.push(Unit {
                s: x.s,
                e: x.e,
                rule: r,
            });
        }
        i += 1;
    }
    let mut rule = combine_units(ctx, units, t);
    if let Some((cs, ce)) = childbearing {
        // "Females of childbearing potential must ...": male, or not of childbearing
        // potential, or what the clause requires.
        let sp = ctx.span(cs, ce);
        let male = Rule::new(sp, RuleKind::Sex { sex: Sex::Male });
        let not_cbp = Rule::new(
            sp,
            RuleKind::Not {
                rule: Box::new(Rule::new(
                    sp,
                    RuleKind::Pregnancy {
                        state: PregnancyState::ChildbearingPotential,
                        window: None,
                    },
                )),
            },
        );
        rule = rule.map(|r| any_of(vec![male, not_cbp, r]));
    }
    let _ = (a, b);
    rule
}

pub(super) fn combine_units(ctx: &Ctx, units: Vec<Unit>, t: &str) -> Option<Rule> {
    if units.is_empty() {
        return None;
    }
    // "X or Y that requires Z": the relative clause binds to Y first.
    let mut units = units;
    let mut i = 0;
    while i + 1 < units.len() {
        let gap = &t[units[i].e.min(units[i + 1].s)..units[i + 1].s];
        if patterns::relative_requirement(gap) {
            let next = units.remove(i + 1);
            let cur = std::mem::replace(
                &mut units[i].rule,
                Rule::new(
                    Span::default(),
                    RuleKind::All {
                        label: None,
                        rules: vec![],
                    },
                ),
            );
            units[i].rule = all_of(vec![cur, next.rule]);
            units[i].e = next.e;
            continue;
        }
        i += 1;
    }
    let mut ops: Vec<Op> = Vec::new();
    let confirm = |u: &Unit| matches!(u.rule.kind, RuleKind::ToConfirm { .. });
    for w in units.windows(2) {
        let gap = patterns::strip_parens(&t[w[0].e.min(w[1].s)..w[1].s]);
        let op = patterns::connector(&gap);
        // Words left to confirm that hold their own "or" ("pregnant,
        // nursing, or anticipate a pregnancy") are alternatives beside the
        // statements next to them, not a qualifier of them.
        let has_or = |u: &Unit| {
            t[u.s..u.e]
                .split(|c: char| !c.is_alphanumeric())
                .any(|x| x.eq_ignore_ascii_case("or"))
        };
        if (confirm(&w[0]) && has_or(&w[0])) || (confirm(&w[1]) && has_or(&w[1])) {
            // The list's own "or": the loosest join, as a bare list of an
            // exclusion, so that "X defined by Y" beside it stays together.
            ops.push(Op::Or2);
            continue;
        }
        // A clause left to confirm right next to a statement, with no comma
        // between ("moderate to severe disease activity despite ≥3M of high
        // dose glucocorticoids"), qualifies it.
        if op == Op::List && (confirm(&w[0]) || confirm(&w[1])) && !gap.contains([',', ';']) {
            ops.push(Op::And);
        } else {
            ops.push(op);
        }
    }
    // Resolve bare lists by the next explicit connector, else the previous, else by kind.
    let default = if ctx.kind == CriterionKind::Exclusion {
        Op::Or2
    } else {
        Op::And
    };
    let resolved: Vec<Op> = (0..ops.len())
        .map(|i| {
            if ops[i] != Op::List {
                return ops[i];
            }
            // "requiring A, B or C": the list is one alternative.
            ops[i + 1..]
                .iter()
                .find(|o| **o != Op::List)
                .copied()
                .unwrap_or(default)
        })
        .collect();
    // Precedence: Or2 < And < Or.
    let mut or2_terms: Vec<Rule> = Vec::new();
    let mut and_terms: Vec<Rule> = Vec::new();
    let mut or_terms: Vec<Rule> = Vec::new();
    for (i, u) in units.into_iter().enumerate() {
        or_terms.push(u.rule);
        let op = resolved.get(i).copied();
        match op {
            Some(Op::Or) | Some(Op::List) => {}
            Some(Op::And) => {
                and_terms.push(any_of(std::mem::take(&mut or_terms)));
            }
            Some(Op::Or2) | None => {
                and_terms.push(any_of(std::mem::take(&mut or_terms)));
                or2_terms.push(all_of(std::mem::take(&mut and_terms)));
            }
        }
    }
    Some(any_of(or2_terms))
}
