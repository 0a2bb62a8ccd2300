//! The compiler proper: one criterion's text to rules.
//!
//! Pipeline (pure functions): normalise the criterion (keeping an offset map)
//! → find "except ..." regions → split into clauses (`;`, sentences, verb-led
//! ", or have ...") → recognise atoms in each clause (vocabulary phrases via
//! the lexicon, plus age, participation, allergy, pregnancy patterns) →
//! read each atom's attributes from the words around it (thresholds, units,
//! windows, durations, doses, presence) → combine atoms by the connectors
//! between them ("or" binds tighter than "and", ", or" looser) → rules.
//! What no atom captures is kept as a [`NotComputablePart`] with a reason.

use crate::lexicon::{self, Mention, Target};
use crate::normalize::{Normalized, normalize};
use crate::patterns::{self, Op};
use eligo_model::rule::*;
use eligo_model::{Quantity, Sex};
use eligo_vocab::vocabulary;

/// What an atom states, before attributes turn it into a [`RuleKind`].
#[derive(Debug, Clone, PartialEq)]
enum What {
    Cond(String),
    Proc(String),
    Lab(String),
    Med(String),
    Vacc(VaccineKind),
    Score(Instrument),
    Bilag {
        a: u32,
        b: u32,
    },
    Age {
        min: Option<AgeBound>,
        max: Option<AgeBound>,
    },
    Trial,
    Allergy {
        substance: Option<String>,
        severe: bool,
    },
    Preg(PregnancyState),
    /// "females of childbearing potential": makes the clause conditional.
    Childbearing,
    /// A clause left to confirm, at its place in the logic (a part of
    /// `Ctx::parts`).
    Confirm(NotComputableReason),
}

#[derive(Debug, Clone)]
struct Atom {
    s: usize,
    e: usize,
    what: What,
    depth: usize,
    negated: bool,
    group: Option<(u32, usize)>,
    window: Option<Period>,
    min_duration: Option<Period>,
    threshold: Option<(Comparator, Threshold)>,
    result: Option<Qualitative>,
    dose: Option<DoseThreshold>,
    routes: Vec<String>,
    method: Option<String>,
    presence: Presence,
    min_grade: Option<u8>,
    classification: Option<String>,
    exceptions: Vec<String>,
    /// Exceptions that hold only under a qualification to confirm.
    qualified: Vec<String>,
    lab_exceptions: Vec<LabException>,
    /// "for > 6 months": longer than `min_duration`.
    strict: bool,
    /// Taken now ("long-term continuous anticoagulant therapy").
    current: bool,
    /// Other words (normalised byte ranges) the atom read: its window,
    /// duration, threshold, dose, route, result, classification, method.
    words: Vec<(usize, usize)>,
}

impl Atom {
    fn new(s: usize, e: usize, what: What) -> Self {
        Atom {
            s,
            e,
            what,
            depth: 0,
            negated: false,
            group: None,
            window: None,
            min_duration: None,
            threshold: None,
            result: None,
            dose: None,
            routes: Vec::new(),
            method: None,
            presence: Presence::Active,
            min_grade: None,
            classification: None,
            exceptions: Vec::new(),
            qualified: Vec::new(),
            lab_exceptions: Vec::new(),
            strict: false,
            current: false,
            words: Vec::new(),
        }
    }

    /// Record words the atom read (relative `[s, e)` of text at `base`).
    fn read(&mut self, base: usize, s: usize, e: usize) {
        if e > s {
            self.words.push((base + s, base + e));
        }
    }
}

/// One criterion being compiled.
struct Ctx<'a> {
    t: &'a str,
    norm: &'a Normalized,
    base: usize,
    kind: CriterionKind,
    /// Parts left to confirm, with their normalised range.
    parts: Vec<(NotComputablePart, usize, usize)>,
    src: &'a str,
    /// A window stated by a lead-in clause ("... the following criteria at
    /// screening:") for the clauses after it.
    inherited: Option<Period>,
}

impl Ctx<'_> {
    fn span(&self, a: usize, b: usize) -> Span {
        let (s, e) = self.norm.source_span(a, b);
        Span::new(self.base + s, self.base + e)
    }

    fn part(&mut self, a: usize, b: usize, reason: NotComputableReason) {
        let (a, mut b) = trim_range(self.t, a, b);
        // A part ends on a word of its own, not on the connector to what follows.
        loop {
            let s = &self.t[a..b];
            match [" with", " and", " or", " of"]
                .iter()
                .find(|w| s.ends_with(*w))
            {
                Some(w) => b = trim_range(self.t, a, b - w.len()).1,
                None => break,
            }
        }
        if a >= b {
            return;
        }
        let (a, b) = balance_parens(self.t, a, b);
        if a >= b {
            return;
        }
        let span = self.span(a, b);
        let text = self
            .src
            .get(span.start - self.base..span.end - self.base)
            .unwrap_or("")
            .to_string();
        // One part per stretch of text: a wider part absorbs narrower ones.
        if self
            .parts
            .iter()
            .any(|(p, _, _)| p.span.start <= span.start && p.span.end >= span.end)
        {
            return;
        }
        self.parts
            .retain(|(p, _, _)| !(span.start <= p.span.start && span.end >= p.span.end));
        self.parts.push((
            NotComputablePart {
                span,
                text,
                reason,
                mentions: Vec::new(),
            },
            a,
            b,
        ));
    }
}

/// Drop an unmatched closing parenthesis at the end (or opening at the start).
fn balance_parens(t: &str, a: usize, mut b: usize) -> (usize, usize) {
    let s = &t[a..b];
    let opens = s.matches('(').count();
    let closes = s.matches(')').count();
    if closes > opens && s.ends_with(')') {
        b -= 1;
        return trim_range(t, a, b);
    }
    (a, b)
}

fn trim_range(t: &str, mut a: usize, mut b: usize) -> (usize, usize) {
    let strip = |c: char| c.is_whitespace() || matches!(c, ';' | ',' | ':' | '.');
    while a < b {
        match t[a..b].chars().next() {
            Some(c) if strip(c) => a += c.len_utf8(),
            _ => break,
        }
    }
    while b > a {
        match t[a..b].chars().next_back() {
            Some(c) if strip(c) => b -= c.len_utf8(),
            _ => break,
        }
    }
    (a, b)
}

/// Compile one criterion at `span` of `text`.
pub fn criterion(text: &str, span: Span, kind: CriterionKind, future_section: bool) -> Criterion {
    let src = &text[span.start..span.end];
    let norm = normalize(src);
    let mut ctx = Ctx {
        t: &norm.text,
        norm: &norm,
        base: span.start,
        kind,
        parts: Vec::new(),
        src,
        inherited: None,
    };
    let t = ctx.t;
    let mut rules: Vec<Rule> = Vec::new();
    if future_section {
        ctx.part(0, t.len(), NotComputableReason::FutureAnchor);
    } else {
        let regions = patterns::except_regions(t);
        let clauses = patterns::clauses(t, &regions);
        let mut per_clause: Vec<Vec<Atom>> = Vec::new();
        for &(a, b) in &clauses {
            per_clause.push(clause_atoms(&mut ctx, a, b, &regions));
        }
        let mut qualifiers: Vec<(usize, usize)> = Vec::new();
        let mut read_regions: Vec<(usize, usize)> = Vec::new();
        for &(ra, rb) in &regions {
            if apply_exceptions(&mut ctx, ra, rb, &mut per_clause, &mut qualifiers) {
                read_regions.push((ra, rb));
            }
        }
        // An atom that states no rule by itself ("a pregnancy test must be
        // performed ..." beside "... must be negative") lends its words to
        // the atom of the same concept that does; else it goes, and its words
        // are left to confirm below.
        for atoms in per_clause.iter_mut() {
            settle(&ctx, atoms);
        }
        // Every clause accounted for (MATCHING.md rule 11): words no rule
        // reads and no part holds become a part of their own.
        for (i, &(a, b)) in clauses.iter().enumerate() {
            account(&mut ctx, &per_clause[i], a, b, &read_regions);
        }
        // The parts left to confirm take their place in the logic, as
        // leaves joined to the rules by the words between them.
        if per_clause
            .iter()
            .flatten()
            .any(|x| !matches!(x.what, What::Childbearing))
        {
            split_alternatives(&mut ctx, &clauses, &per_clause);
            for (i, &(a, b)) in clauses.iter().enumerate() {
                for (p, pa, pe) in &ctx.parts {
                    if *pa >= a
                        && *pa < b
                        && !qualifiers.iter().any(|&(qa, qb)| *pa >= qa && *pa < qb)
                    {
                        let mut x = Atom::new(*pa, *pe, What::Confirm(p.reason));
                        x.depth = depth_at(t, *pa, a);
                        per_clause[i].push(x);
                    }
                }
                per_clause[i].sort_by_key(|x| x.s);
            }
        }
        let mut clause_rules: Vec<Rule> = Vec::new();
        let mut last_clause: Option<usize> = None;
        for (atoms, &(a, b)) in per_clause.into_iter().zip(&clauses) {
            let Some(r) = combine_clause(&ctx, atoms, a, b) else {
                continue;
            };
            // "Conventional therapy: ...": the definition of a term an earlier
            // clause left to confirm joins that clause's leaf.
            if let Some(label) = patterns::definition_label(&t[a..b]) {
                let target = ctx
                    .parts
                    .iter()
                    .find(|(_, pa, pb)| {
                        *pb <= a && eligo_vocab::contains_phrase(&t[*pa..*pb], &label)
                    })
                    .map(|(p, _, _)| p.span);
                if let Some(sp) = target
                    && clause_rules
                        .iter_mut()
                        .any(|c| attach_definition(c, sp, &r))
                {
                    continue;
                }
            }
            // "..., or if ...": an alternative to the clause before; "when X, there is
            // no minimum ...": X is an alternative to the requirement before.
            let lower = t[a..b].trim_start_matches([',', ';', ' ']).to_lowercase();
            let alternative = lower.starts_with("or ") || patterns::permission(&lower);
            match (
                alternative,
                last_clause.and_then(|i| clause_rules.get(i).cloned()),
            ) {
                (true, Some(prev)) => {
                    let i = last_clause.unwrap_or(0);
                    clause_rules[i] = any_of(vec![prev, r]);
                }
                _ => {
                    clause_rules.push(r);
                    last_clause = Some(clause_rules.len() - 1);
                }
            }
        }
        let one_of = patterns::one_of_the_following(t);
        rules = if clause_rules.len() > 1 && (kind == CriterionKind::Exclusion || one_of) {
            vec![any_of(clause_rules)]
        } else {
            // Inclusion: clauses are a conjunction; flatten top-level All.
            let mut out = Vec::new();
            for r in clause_rules {
                match r.kind {
                    RuleKind::All { label: None, rules } if kind == CriterionKind::Inclusion => {
                        out.extend(with_words(rules, r.words))
                    }
                    k => out.push(Rule {
                        span: r.span,
                        kind: k,
                        words: r.words,
                    }),
                }
            }
            out
        };
        // Nothing computed: the parts say it all.
        if !rules.iter().any(computes) {
            rules.clear();
        }
    }
    let computable = !rules.is_empty();
    ctx.parts.sort_by_key(|(p, _, _)| p.span.start);
    let reason = if computable {
        None
    } else if ctx.parts.is_empty() {
        Some(NotComputableReason::Unrecognized.describe().to_string())
    } else {
        let mut rs: Vec<&str> = Vec::new();
        for (p, _, _) in &ctx.parts {
            let d = p.reason.describe();
            if !rs.contains(&d) {
                rs.push(d);
            }
        }
        Some(rs.join("; "))
    };
    let mut parts: Vec<NotComputablePart> = ctx.parts.into_iter().map(|(p, _, _)| p).collect();
    if !computable && parts.is_empty() {
        parts.push(NotComputablePart {
            span,
            text: src.to_string(),
            reason: NotComputableReason::Unrecognized,
            mentions: Vec::new(),
        });
    }
    Criterion {
        kind,
        text: src.to_string(),
        span,
        computable,
        rules,
        reason,
        not_computable: parts,
        field: None,
        group: None,
    }
}

/// Words of clause `[a, b)` that no atom read and no part holds, when they
/// say something (not only connectors, a lead-in label or "both genders
/// eligible"), become a part of their own: nothing is dropped silently.
fn account(ctx: &mut Ctx, atoms: &[Atom], a: usize, b: usize, read: &[(usize, usize)]) {
    let t = ctx.t;
    if patterns::structural(&t[a..b]) {
        return;
    }
    let mut covered: Vec<(usize, usize)> = Vec::new();
    for x in atoms {
        covered.push((x.s, x.e));
        covered.extend(x.words.iter().copied());
    }
    covered.extend(ctx.parts.iter().map(|&(_, pa, pb)| (pa, pb)));
    covered.extend(read.iter().copied());
    for (s, e) in patterns::no_restriction(&t[a..b]) {
        covered.push((a + s, a + e));
    }
    // "X needs to meet the following criteria at screening:" leads in.
    for (i, _) in t[a..b].match_indices(':') {
        if t[a..a + i].to_lowercase().contains("the following") {
            covered.push((a, a + i + 1));
        }
    }
    for (s, e) in patterns::uncovered(t, a, b, &covered) {
        ctx.part(s, e, NotComputableReason::Unrecognized);
    }
}

/// See the call in [`criterion`].
fn settle(ctx: &Ctx, atoms: &mut Vec<Atom>) {
    let ruleless: Vec<usize> = (0..atoms.len())
        .filter(|&i| {
            !matches!(atoms[i].what, What::Childbearing | What::Confirm(_))
                && atom_rule(ctx, &atoms[i]).is_none()
        })
        .collect();
    for &i in ruleless.iter().rev() {
        let x = atoms.remove(i);
        let same = |y: &Atom| match (&x.what, &y.what) {
            (What::Lab(a), What::Lab(b)) => a == b || (a == "hcg" && b == "hcg"),
            (What::Lab(a), What::Preg(PregnancyState::NegativeTest)) => a == "hcg",
            (a, b) => a == b,
        };
        if let Some(y) = atoms
            .iter_mut()
            .find(|y| same(y) && atom_rule(ctx, y).is_some())
        {
            y.words.push((x.s, x.e));
            y.words.extend(x.words);
        }
    }
}

/// A part that holds a whole clause with alternatives ("Failure to respond
/// to conventional therapy or disease relapse after remission") becomes one
/// part per alternative, so that each takes its place in the logic.
fn split_alternatives(ctx: &mut Ctx, clauses: &[(usize, usize)], atoms: &[Vec<Atom>]) {
    let t = ctx.t;
    for (i, &(a, b)) in clauses.iter().enumerate() {
        if atoms[i]
            .iter()
            .any(|x| !matches!(x.what, What::Childbearing))
        {
            continue;
        }
        let (ta, tb) = trim_range(t, a, b);
        let Some(k) = ctx
            .parts
            .iter()
            .position(|&(_, pa, pb)| pa <= ta + 1 && pb + 1 >= tb)
        else {
            continue;
        };
        let (p, pa, pb) = ctx.parts[k].clone();
        if p.reason != NotComputableReason::NotInRecord {
            continue;
        }
        // Only alternatives that each say something no record codes.
        let pieces = patterns::top_level_or(&t[pa..pb]);
        if pieces.len() < 2
            || pieces
                .iter()
                .any(|&(s, e)| patterns::cues(&t[pa + s..pa + e]).is_empty())
        {
            continue;
        }
        ctx.parts.remove(k);
        for (s, e) in pieces {
            let piece = &t[pa + s..pa + e];
            let reason = patterns::cues(piece).first().map_or(p.reason, |c| c.reason);
            if patterns::uncovered(piece, 0, piece.len(), &[]).is_empty() {
                continue;
            }
            ctx.part(pa + s, pa + e, reason);
        }
    }
}

fn depth_at(t: &str, pos: usize, from: usize) -> usize {
    let mut d: i32 = 0;
    for c in t[from..pos].chars() {
        match c {
            '(' | '[' => d += 1,
            ')' | ']' => d = (d - 1).max(0),
            _ => {}
        }
    }
    d.max(0) as usize
}

fn in_regions(regions: &[(usize, usize)], s: usize) -> bool {
    regions.iter().any(|&(a, b)| s >= a && s < b)
}

/// Atoms of clause `[a, b)`.
fn clause_atoms(ctx: &mut Ctx, a: usize, b: usize, regions: &[(usize, usize)]) -> Vec<Atom> {
    let t = ctx.t;
    let cl = &t[a..b];
    let lower = cl.to_lowercase();

    // "X must meet the following requirements:" introduces what follows,
    // and a window it states ("... at screening:") is theirs.
    let trimmed = cl.trim_end();
    // "... the following criteria at screening: A > 6; B ≥ 1": the lead-in's
    // window is the clauses' after it too.
    if let Some(colon) = cl.find(':')
        && cl[..colon].to_lowercase().contains("the following")
        && let Some(w) = patterns::windows(&cl[..colon])
            .into_iter()
            .chain(patterns::screening_windows(&cl[..colon]))
            .find(|w| !w.half_lives)
    {
        ctx.inherited = Some(w.period);
    }
    if trimmed.ends_with(':') && lower.contains("the following") {
        if let Some(w) = patterns::windows(cl)
            .into_iter()
            .chain(patterns::screening_windows(cl))
            .find(|w| !w.half_lives)
        {
            ctx.inherited = Some(w.period);
        }
        return Vec::new();
    }
    // A window counted from a future event: nothing here can be decided now.
    if let Some(m) = patterns::strong_future_anchor(cl) {
        let _ = m;
        ctx.part(a, b, NotComputableReason::FutureAnchor);
        return Vec::new();
    }

    let subs = patterns::subclauses(cl);
    let sub_of = |pos: usize| subs.iter().position(|&(s, e)| pos >= s && pos < e);

    // Cues that make (part of) the clause not computable.
    let mut cues = patterns::cues(cl);
    let mut dropped_subs: Vec<usize> = Vec::new();
    for c in &cues {
        if c.reason == NotComputableReason::FutureIntent
            && let Some(i) = sub_of(c.start)
        {
            dropped_subs.push(i);
        }
    }

    let mut ms: Vec<Mention> = lexicon::mentions(cl);
    patterns::distribute(cl, &mut ms);
    ms.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
    ms.retain(|m| !in_regions(regions, a + m.start));
    // Drop overlaps (distribution can add a phrase inside another).
    let mut kept: Vec<Mention> = Vec::new();
    for m in ms {
        if kept.last().is_some_and(|k| m.start < k.end) {
            continue;
        }
        kept.push(m);
    }
    let ms = patterns::merge_abbreviations(cl, kept);

    let mut atoms: Vec<Atom> = Vec::new();
    // Concepts named as modifiers ("non-SLE-related") qualify the next atom.
    let mut modifiers: Vec<(usize, usize)> = Vec::new();
    for m in &ms {
        if patterns::is_modifier(cl, m) {
            let (ms_, me_) = patterns::modifier_extent(cl, m.start, m.end);
            modifiers.push((a + ms_, a + me_));
            continue;
        }
        let what = match &m.target {
            Target::Condition(k) if k == "pregnancy" => What::Preg(PregnancyState::Pregnant),
            Target::Condition(k) if k == "lactation" => What::Preg(PregnancyState::Lactating),
            Target::Condition(k) => What::Cond(k.clone()),
            Target::Procedure(k) => What::Proc(k.clone()),
            Target::Analyte(k) => What::Lab(k.clone()),
            Target::Medication(k) => What::Med(k.clone()),
            Target::Vaccine(k) => What::Vacc(*k),
            Target::Instrument(Instrument::Bilag2004) => {
                let found = patterns::bilag_pattern(&cl[m.start..])
                    .map(|(x, y, end)| (x, y, m.start, m.start + end))
                    .or_else(|| patterns::bilag_anywhere(cl));
                if let Some((x, y, s, e)) = found {
                    atoms.push(Atom::new(
                        a + s.min(m.start),
                        a + e.max(m.end),
                        What::Bilag { a: x, b: y },
                    ));
                }
                continue;
            }
            Target::Instrument(i) => What::Score(*i),
        };
        atoms.push(Atom::new(a + m.start, a + m.end, what));
    }
    for (s, e, min, max) in patterns::ages(cl) {
        atoms.push(Atom::new(a + s, a + e, What::Age { min, max }));
    }
    let mut mentions_tp = patterns::trial_participation(cl).into_iter();
    if let Some((s, e)) = mentions_tp.next() {
        let mut x = Atom::new(a + s, a + e, What::Trial);
        // "... and/or currently participated in other clinical trials": the
        // same statement again.
        for (s2, e2) in mentions_tp {
            x.words.push((a + s2, a + e2));
        }
        atoms.push(x);
    }
    for (s, e) in patterns::childbearing(cl) {
        atoms.push(Atom::new(a + s, a + e, What::Childbearing));
    }
    atoms.sort_by_key(|x| x.s);
    // "(an infection) that requires systemic treatment": the treatment is a
    // systemic anti-infective, which defines the infection.
    if let Some((ts, te)) = patterns::systemic_treatment(cl)
        && atoms.iter().any(|x| {
            x.s < a + ts
                && matches!(&x.what, What::Cond(k)
                    if vocabulary().condition_closure("active_infection").iter().any(|c| &c.key == k))
        })
    {
        let at = cl[ts..te]
            .to_lowercase()
            .find("systemic")
            .map_or(ts, |i| ts + i);
        atoms.push(Atom::new(a + at, a + te, What::Med("anti_infective".into())));
        atoms.sort_by_key(|x| x.s);
        cues.retain(|c| !(c.start >= ts && c.start < te));
    }
    for (ms_, me_) in modifiers {
        if let Some(x) = atoms.iter_mut().find(|x| x.s >= me_) {
            x.words.push((ms_, me_));
        } else if let Some(x) = atoms.last_mut() {
            x.words.push((ms_, me_));
        }
    }

    // Future plans: atoms in that sub-clause are intentions, not history.
    atoms.retain(|x| sub_of(x.s - a).is_none_or(|i| !dropped_subs.contains(&i)));
    // A pregnancy test is an analyte; "pregnancy" inside it is not a state.
    for x in &mut atoms {
        x.depth = depth_at(t, x.s, a);
    }

    // Allergy clauses: medications named are substances, not exposures.
    if patterns::allergy_cue(&lower) && !patterns::intolerance_of_treatment(&lower) {
        let severe_all = patterns::severe_allergy(&lower);
        let mut out: Vec<Atom> = Vec::new();
        let mut any_med = false;
        for x in atoms.drain(..) {
            match &x.what {
                What::Vacc(_) => {
                    any_med = true;
                    out.push(Atom::new(
                        x.s,
                        x.e,
                        What::Allergy {
                            substance: Some("vaccine".into()),
                            severe: severe_all,
                        },
                    ));
                }
                What::Med(k) => {
                    any_med = true;
                    let sub = sub_of(x.s - a)
                        .map(|i| &cl[subs[i].0..x.s - a])
                        .unwrap_or("");
                    let severe = patterns::severe_allergy(&sub.to_lowercase());
                    out.push(Atom::new(
                        x.s,
                        x.e,
                        What::Allergy {
                            substance: Some(k.clone()),
                            severe,
                        },
                    ));
                }
                _ => out.push(x),
            }
        }
        for (s, e, drug) in patterns::allergy_phrases(cl) {
            // "allergy to gold": a substance the vocabulary does not know.
            if !drug && let Some(obj) = patterns::allergy_object(&cl[e..]) {
                let known = out.iter().any(|x| {
                    matches!(
                        x.what,
                        What::Allergy {
                            substance: Some(_),
                            ..
                        }
                    ) && x.s >= a + e
                        && x.s <= a + e + 40
                });
                if !known
                    && !matches!(
                        obj.as_str(),
                        "drugs" | "drug" | "medications" | "medication"
                    )
                {
                    continue;
                }
            }
            let sub_lower = sub_of(s)
                .map(|i| cl[subs[i].0..subs[i].1].to_lowercase())
                .unwrap_or_default();
            let severe = patterns::severe_allergy(&sub_lower) || (!any_med && severe_all);
            let covered = out
                .iter()
                .any(|x| matches!(x.what, What::Allergy { .. }) && sub_of(x.s - a) == sub_of(s));
            if drug || !covered {
                let substance = drug.then(|| "drug".to_string());
                if !(any_med && !drug && !severe) {
                    out.push(Atom::new(a + s, a + e, What::Allergy { substance, severe }));
                }
            }
        }
        out.sort_by_key(|x| x.s);
        // Allergy words the atoms did not take ("or hypersensitivity",
        // "severe") belong to the nearest allergy atom.
        let extra: Vec<(usize, usize, bool)> = patterns::allergy_phrases(cl)
            .into_iter()
            .map(|(s, e, _)| (s, e, false))
            .chain(
                patterns::severe_words(cl)
                    .into_iter()
                    .map(|(s, e)| (s, e, true)),
            )
            .collect();
        for (s, e, sev) in extra {
            if out.iter().any(|x| x.s <= a + s && x.e >= a + e) {
                continue;
            }
            if let Some(x) = out
                .iter_mut()
                .filter(|x| matches!(x.what, What::Allergy { severe, .. } if severe || !sev))
                .min_by_key(|x| x.s.abs_diff(a + s))
            {
                x.words.push((a + s, a + e));
            }
        }
        atoms = out;
    }

    // "(unknown condition) requiring steroid therapy": the treatment alone says nothing.
    let subjects: Vec<usize> = atoms
        .iter()
        .filter(|x| matches!(x.what, What::Cond(_) | What::Proc(_)))
        .map(|x| x.s)
        .collect();
    let mut orphan: Vec<(usize, usize)> = Vec::new();
    atoms.retain(|x| {
        let required = matches!(x.what, What::Med(_)) && patterns::required_treatment(&t[a..x.s]);
        let subject_before = subjects.iter().any(|&s| s < x.s);
        if required && !subject_before {
            orphan.push((x.s, x.e));
            return false;
        }
        true
    });
    for (s, e) in orphan {
        ctx.part(s, e, NotComputableReason::Unrecognized);
    }
    // Vague severity: a condition qualified by "severe", "uncontrolled", ...
    // is not decidable, unless the clause defines it ("requiring ...").
    // "... requiring hemodialysis", "infections ..., requiring antibiotic therapy":
    // a named treatment defines the condition.
    let defines_all = patterns::requirement_follows(&lower);
    let requirement = patterns::requirement_at(&lower).filter(|&r| {
        atoms
            .iter()
            .any(|x| x.s >= a + r && matches!(x.what, What::Med(_) | What::Proc(_)))
    });
    // A requirement defines the conditions of its own alternative only
    // ("Uncontrollable infection or active infection that requires ...").
    let defined = |x: &Atom| {
        defines_all
            || requirement.is_some_and(|r| {
                a + r > x.e && !patterns::top_level_or(&cl[x.e - a..r]).len().gt(&1)
            })
    };
    let defines = defines_all || requirement.is_some();
    let mut vague_atoms: Vec<(usize, usize)> = Vec::new();
    atoms.retain_mut(|x| {
        if let What::Cond(_) = x.what
            && let Some(q) = patterns::severity_before(cl, x.s - a)
        {
            if !defined(x) {
                vague_atoms.push((a + q, x.e));
                return false;
            }
            // "severe lupus nephritis ... requiring hemodialysis": the
            // requirement defines the severity.
            x.words.push((a + q, x.s));
        }
        true
    });
    for (s, e) in vague_atoms {
        // Examples of a vague condition ("severe arrhythmias (including ...)") go with it.
        let rest = &t[e..b];
        let mut end = e;
        if rest.trim_start().starts_with('(') {
            let open = e + rest.find('(').unwrap_or(0);
            end = patterns::matching_paren(t, open).map_or(b, |c| c + 1);
            atoms.retain(|x| !(x.s >= open && x.s < end));
        }
        ctx.part(s, end, NotComputableReason::VagueSeverity);
    }
    // Atoms inside a statement a record cannot answer belong to it
    // ("meet the standards of leukapheresis", "no contraindication for leukapheresis").
    for c in &cues {
        if matches!(
            c.reason,
            NotComputableReason::NotInRecord
                | NotComputableReason::ConsentOrCompliance
                | NotComputableReason::ContraceptionAgreement
        ) {
            let (cs, ce) = patterns::phrase_extent(cl, c);
            let (cs0, _) = patterns::subclause_of(cl, c.start);
            atoms.retain(|x| {
                !(x.s >= a + cs0.min(cs)
                    && x.e <= a + ce
                    && patterns::governed_by_cue(cl, cs0, x.s - a, c))
            });
        }
    }

    attributes(ctx, &mut atoms, a, b);
    atoms.retain(|x| x.s != usize::MAX);
    // One condition named twice in a clause ("diagnosed with SLE according to ... SLE criteria").
    let mut i = 0;
    while i < atoms.len() {
        let dup = (0..i).find(|&j| {
            matches!((&atoms[j].what, &atoms[i].what), (What::Cond(p), What::Cond(q)) if p == q)
                && atoms[j].negated == atoms[i].negated
        });
        if let Some(j) = dup {
            let x = atoms.remove(i);
            let y = &mut atoms[j];
            y.words.push((x.s, x.e));
            y.words.extend(x.words.iter().copied());
            y.window = y.window.or(x.window);
            y.min_duration = y.min_duration.or(x.min_duration);
            y.classification = y.classification.clone().or(x.classification);
            y.min_grade = y.min_grade.or(x.min_grade);
            // "concurrent malignancy or a history of malignancy": history covers both.
            if x.presence == Presence::Ever {
                y.presence = Presence::Ever;
            }
            continue;
        }
        i += 1;
    }
    examples_and_groups(ctx, &mut atoms, a, b);

    // "non-lactating"
    for x in atoms.iter_mut() {
        let before = t[..x.s].to_lowercase();
        if before.ends_with("non-") || before.ends_with("non ") {
            x.negated = true;
            x.words.push((x.s - 4, x.s));
        }
    }
    // Leading "No ..." in an exclusion restates the exclusion; elsewhere it negates.
    patterns::negations(cl, ctx.kind == CriterionKind::Exclusion, &subs, |s, e| {
        for x in atoms.iter_mut() {
            if x.s >= a + s && x.s < a + e {
                x.negated = true;
            }
        }
    });

    // Cues -> parts.
    let has_atoms = !atoms.is_empty();
    for c in &cues {
        let (ss, se) = patterns::subclause_of(cl, c.start);
        if matches!(
            c.reason,
            NotComputableReason::VagueSeverity | NotComputableReason::NotInRecord
        ) && cl[ss..se].to_lowercase().contains("the following")
        {
            continue;
        }
        if c.reason == NotComputableReason::VagueSeverity
            && atoms
                .iter()
                .any(|x| a + c.start >= x.s && a + c.start < x.e)
        {
            continue;
        }
        match c.reason {
            NotComputableReason::FutureIntent => {
                if let Some(i) = sub_of(c.start) {
                    ctx.part(a + subs[i].0, a + subs[i].1, c.reason);
                }
            }
            NotComputableReason::VagueSeverity if has_atoms && defines => {}
            r => {
                let (s, mut e) = if has_atoms {
                    patterns::phrase_extent(cl, c)
                } else {
                    (0, cl.len())
                };
                // The statement ends where a computable one begins.
                if let Some(x) = atoms.iter().find(|x| x.s >= a + c.end && x.s < a + e) {
                    e = x.s - a;
                }
                ctx.part(a + s, a + e, r);
            }
        }
    }
    let in_exception = regions.iter().any(|&(ra, rb)| {
        let (ta, tb) = trim_range(t, a, b);
        ta >= ra.saturating_sub(12) && tb <= rb + 2
    });
    if !has_atoms && cues.is_empty() && !patterns::structural(cl) && !in_exception {
        ctx.part(a, b, NotComputableReason::Unrecognized);
    }
    atoms
}

/// Thresholds, results, windows, durations, doses, routes, presence.
fn attributes(ctx: &mut Ctx, atoms: &mut Vec<Atom>, a: usize, b: usize) {
    let t = ctx.t;
    let cl = &t[a..b];
    let windows = patterns::windows(cl);
    for w in &windows {
        if w.half_lives {
            ctx.part(a + w.s, a + w.e, NotComputableReason::NotInRecord);
        }
    }
    let screening = patterns::screening_windows(cl);
    let durations = patterns::durations(cl);
    let n = atoms.len();
    for i in 0..n {
        let next_s = if i + 1 < n { atoms[i + 1].s } else { b };
        let prev_e = if i > 0 { atoms[i - 1].e } else { a };
        let after_s = atoms[i].e;
        let after = &t[atoms[i].e..next_s.max(atoms[i].e)];
        let before_s = prev_e.min(atoms[i].s);
        let before = &t[before_s..atoms[i].s];
        let clause_before = &t[a..atoms[i].s];
        let x = &mut atoms[i];
        match &x.what {
            What::Lab(k) => {
                let qualitative = vocabulary().analyte(k).is_some_and(|an| an.qualitative)
                    || matches!(k.as_str(), "hbv_dna" | "hcv_rna");
                let found = patterns::result_word_at(after)
                    .map(|(r, s, e)| (r, after_s + s, after_s + e))
                    .or_else(|| {
                        patterns::result_word_before_at(before)
                            .map(|(r, s, e)| (r, before_s + s, before_s + e))
                    });
                if let Some((r, s, e)) = found
                    && (qualitative || r == Qualitative::Detectable)
                {
                    x.result = Some(r);
                    x.read(0, s, e);
                    // "... of the research institution's test range"
                    let tail = patterns::result_tail(&t[e..b]);
                    x.read(e, 0, tail);
                }
                if x.result.is_none()
                    && let Some((c, th, end)) = patterns::threshold_at(after)
                {
                    x.threshold = Some((c, th));
                    x.e += end;
                }
                x.method = patterns::method(after).or_else(|| patterns::method(&t[x.s..b]));
                if x.method.is_some() {
                    for (s, e) in patterns::method_ranges(&t[x.s..b]) {
                        x.read(x.s, s, e);
                    }
                }
            }
            What::Score(_) => {
                if let Some((c, v, end)) = patterns::score_value_at(after) {
                    x.threshold = Some((
                        c,
                        Threshold::Quantity {
                            quantity: Quantity::new(v, "{score}"),
                        },
                    ));
                    x.e += end;
                } else if let Some(v) = patterns::nyha_class(&t[a..b]) {
                    x.threshold = Some((
                        Comparator::Ge,
                        Threshold::Quantity {
                            quantity: Quantity::new(v, "{score}"),
                        },
                    ));
                    if let Some((s, e)) = patterns::nyha_range(&t[a..b]) {
                        x.read(a, s, e);
                    }
                }
            }
            What::Med(_) => {
                match patterns::dose_at(after) {
                    Some((d, s, e)) => {
                        x.dose = Some(d);
                        x.read(after_s, s, e);
                    }
                    None => {
                        if let Some((d, s)) = patterns::dose_before_at(before) {
                            x.dose = Some(d);
                            x.read(before_s, s, before.len());
                        }
                    }
                }
                let (routes, at) = patterns::routes_before_at(before);
                x.routes = routes;
                if let Some(s) = at {
                    x.read(before_s, s, before.len());
                }
                // "need for long-term continuous anticoagulant therapy": taken now.
                if let Some(s) = patterns::current_before(clause_before) {
                    x.current = true;
                    x.read(a, s, clause_before.len());
                }
            }
            // "donated blood for ≥ 400 mL": a procedure's amount no record codes.
            What::Proc(_) => {
                if let Some((qs, qe)) = patterns::amount_after(after) {
                    let base = x.e;
                    ctx.part(base + qs, base + qe, NotComputableReason::NotInRecord);
                }
            }
            // "serum pregnancy must be negative": a negative test, not a pregnancy.
            What::Preg(PregnancyState::Pregnant)
                if patterns::result_word(after) == Some(Qualitative::Negative) =>
            {
                x.what = What::Preg(PregnancyState::NegativeTest);
                if let Some((_, s, e)) = patterns::result_word_at(after) {
                    x.read(after_s, s, e);
                }
            }
            What::Cond(_) => {
                let lower = clause_before.to_lowercase();
                x.presence =
                    patterns::presence(&lower, &cl.to_lowercase(), &t[x.e..b].to_lowercase());
                x.min_grade = patterns::min_grade(before);
                if x.min_grade.is_some()
                    && let Some(s) = patterns::min_grade_at(before)
                {
                    x.read(before_s, s, before.trim_end().len());
                }
                x.classification = patterns::classification(cl);
                if x.classification.is_some()
                    && let Some((s, e)) = patterns::classification_range(cl)
                {
                    x.read(a, s, e);
                }
            }
            _ => {}
        }
    }
    // Shared thresholds / results ("AST and ALT > 3.0 ULN", "HBsAg or HBcAb positive").
    for i in 0..n {
        if let What::Lab(_) = atoms[i].what
            && atoms[i].threshold.is_none()
            && atoms[i].result.is_none()
        {
            let donor = (i + 1..n)
                .take_while(|&j| matches!(atoms[j].what, What::Lab(_)))
                .find(|&j| atoms[j].threshold.is_some() || atoms[j].result.is_some())
                .or_else(|| {
                    (0..i)
                        .rev()
                        .take_while(|&j| matches!(atoms[j].what, What::Lab(_)))
                        .find(|&j| {
                            atoms[j].result.is_some()
                                && patterns::connected(&t[atoms[j].e..atoms[i].s])
                        })
                });
            let viral = matches!(&atoms[i].what, What::Lab(k) if k == "hbv_dna" || k == "hcv_rna");
            let donor = donor
                .filter(|&j| atoms[j].result != Some(Qualitative::Detectable) || viral)
                .or_else(|| {
                    (0..i)
                        .rev()
                        .take_while(|&j| matches!(atoms[j].what, What::Lab(_)))
                        .find(|&j| {
                            atoms[j]
                                .result
                                .is_some_and(|r| r != Qualitative::Detectable || viral)
                                && patterns::connected(&t[atoms[j].e..atoms[i].s])
                        })
                });
            if let Some(j) = donor {
                let (th, r) = (atoms[j].threshold.clone(), atoms[j].result);
                let k = match &atoms[i].what {
                    What::Lab(k) => k.clone(),
                    _ => String::new(),
                };
                let qualitative = vocabulary().analyte(&k).is_some_and(|an| an.qualitative)
                    || matches!(k.as_str(), "hbv_dna" | "hcv_rna");
                if qualitative {
                    atoms[i].result = r.or(Some(Qualitative::Positive)).filter(|_| r.is_some());
                } else {
                    atoms[i].threshold = th;
                }
            }
        }
    }
    // Viral loads: "positive" means detectable.
    for x in atoms.iter_mut() {
        if let What::Lab(k) = &x.what
            && matches!(k.as_str(), "hbv_dna" | "hcv_rna")
            && x.result == Some(Qualitative::Positive)
        {
            x.result = Some(Qualitative::Detectable);
        }
    }
    // Windows: the nearest following window phrase at the same depth, else
    // the nearest preceding one (not for labs); lifelong conditions take none.
    // "During screening" and a lead-in's window ("... at screening:") come
    // after a stated window.
    for x in atoms.iter_mut() {
        let takes = match &x.what {
            What::Cond(k) => !vocabulary().condition(k).is_some_and(|c| c.lifelong),
            What::Age { .. }
            | What::Allergy { .. }
            | What::Childbearing
            | What::Confirm(_)
            | What::Bilag { .. } => false,
            What::Med(_) if x.current => false,
            What::Preg(s) => *s == PregnancyState::NegativeTest,
            _ => true,
        };
        if !takes {
            // A grade pattern is an assessment: it takes the screening window.
            if matches!(x.what, What::Bilag { .. }) {
                if let Some(w) = screening.first() {
                    x.window = Some(w.period);
                    x.read(a, w.s, w.e);
                } else if let Some(p) = ctx.inherited {
                    x.window = Some(p);
                }
            }
            continue;
        }
        let depth = x.depth;
        let rel = x.e - a;
        let dep = |w: &patterns::Window| depth_at(t, a + w.s, a);
        let following = windows
            .iter()
            .filter(|w| !w.half_lives && w.s >= rel && dep(w) == depth)
            .min_by_key(|w| w.s);
        if windows
            .iter()
            .filter(|w| w.s >= rel && dep(w) == depth)
            .min_by_key(|w| w.s)
            .is_some_and(|w| w.half_lives)
        {
            // "within 5 half-lives": drug-specific, not decidable here.
            x.s = usize::MAX;
            continue;
        }
        let lab = matches!(x.what, What::Lab(_));
        let chosen = following.or_else(|| {
            if lab {
                None
            } else {
                windows
                    .iter()
                    .filter(|w| !w.half_lives && w.e <= x.s - a && dep(w) <= depth)
                    .max_by_key(|w| w.e)
            }
        });
        if let Some(w) = chosen {
            x.window = Some(w.period);
            x.read(a, w.s, w.e);
        } else if let Some(w) = screening
            .iter()
            .filter(|w| dep(w) <= depth)
            .min_by_key(|w| w.s.abs_diff(rel))
        {
            // "Positive for ANA ... during screening": the screening window
            // (a diagnosis "at screening" is one active now instead).
            if !matches!(x.what, What::Cond(_)) {
                x.window = Some(w.period);
            }
            x.read(a, w.s, w.e);
        } else if let Some(p) = ctx.inherited
            && matches!(x.what, What::Lab(_) | What::Score(_))
        {
            x.window = Some(p);
        }
    }
    // Atoms whose window is in drug half-lives were marked; they go now.
    atoms.retain(|x| x.s != usize::MAX);
    let n = atoms.len();
    // Durations: "for >= 14 days" after medications; "of >= 6 months" history.
    for d in &durations {
        let ds = a + d.s;
        if d.applies_forward {
            if let Some(x) = atoms
                .iter_mut()
                .find(|x| x.s >= ds && matches!(x.what, What::Med(_)))
            {
                if x.min_duration.is_none() {
                    x.min_duration = Some(d.period);
                    x.strict = d.strict;
                }
                x.read(a, d.s, d.e);
            }
            continue;
        }
        let mut any = false;
        for x in atoms.iter_mut().rev() {
            if x.e > ds {
                continue;
            }
            match x.what {
                What::Med(_) => {
                    if x.min_duration.is_none() {
                        x.min_duration = Some(d.period);
                        x.strict = d.strict;
                        any = true;
                    }
                    x.read(a, d.s, d.e);
                    // "≥1 of the following immunosuppressants for > 6 months": the group only.
                    if patterns::quantifier_before(&t[a..x.s]).is_some() {
                        break;
                    }
                }
                What::Cond(_) if d.history => {
                    x.min_duration.get_or_insert(d.period);
                    x.presence = Presence::Ever;
                    x.read(a, d.s, d.e);
                    any = true;
                    break;
                }
                _ => {}
            }
        }
        let _ = any;
    }
    // A diagnosis with a window counts when it was there at some time in it
    // ("presence of CNS disease within 8 weeks": one that ended 5 weeks ago
    // counts), so the window, not "active" or "presence", says when.
    for x in atoms.iter_mut() {
        if let What::Cond(_) = x.what
            && x.window.is_some()
        {
            x.presence = Presence::Ever;
        }
    }
    // Glucocorticoids named with "or equivalent": one prednisone-equivalent rule.
    let lower = cl.to_lowercase();
    let gc: Vec<usize> = (0..n)
        .filter(|&i| match &atoms[i].what {
            What::Med(k) => {
                k == "glucocorticoid"
                    || vocabulary()
                        .medication(k)
                        .is_some_and(|m| m.prednisone_equivalent_mg.is_some())
            }
            _ => false,
        })
        .collect();
    if gc.len() > 1 && lower.contains("equivalent") {
        let first = gc[0];
        let dose = gc.iter().find_map(|&i| atoms[i].dose.clone());
        let dur = gc.iter().find_map(|&i| atoms[i].min_duration);
        let win = gc.iter().find_map(|&i| atoms[i].window);
        let routes: Vec<String> = gc.iter().flat_map(|&i| atoms[i].routes.clone()).collect();
        let end = gc
            .iter()
            .map(|&i| atoms[i].e)
            .max()
            .unwrap_or(atoms[first].e);
        let merged: Vec<(usize, usize)> = gc
            .iter()
            .skip(1)
            .flat_map(|&i| {
                let mut w = atoms[i].words.clone();
                w.push((atoms[i].s, atoms[i].e));
                w
            })
            .collect();
        let x = &mut atoms[first];
        x.what = What::Med("glucocorticoid".into());
        x.e = end;
        x.words.extend(merged);
        x.dose = dose;
        x.min_duration = x.min_duration.or(dur);
        x.window = x.window.or(win);
        x.routes = routes;
        for &i in gc.iter().skip(1) {
            atoms[i].what = What::Childbearing; // placeholder, removed below
            atoms[i].s = usize::MAX;
        }
    }
    let equivalents = patterns::equivalent_ranges(cl);
    for &i in &gc {
        if atoms[i].s == usize::MAX {
            continue;
        }
        // "(or equivalent medication)" after a glucocorticoid is read with it.
        for &(s, e) in &equivalents {
            if a + s >= atoms[i].e && a + s <= atoms[i].e + 80 {
                atoms[i].words.push((a + s, a + e));
            }
        }
        let x = &mut atoms[i];
        if let (What::Med(k), Some(d)) = (&x.what, x.dose.as_mut())
            && (k == "glucocorticoid" || lower.contains("equivalent"))
        {
            d.prednisone_equivalent = true;
            x.what = What::Med("glucocorticoid".into());
        }
    }
}

/// "such as X" examples under a head, and "at least N of" groups.
fn examples_and_groups(ctx: &mut Ctx, atoms: &mut Vec<Atom>, a: usize, _b: usize) {
    let t = ctx.t;
    atoms.retain(|x| x.s != usize::MAX);
    // Groups first: "≥1 of the following immunosuppressants ...: list", "at least 2 DMARDs(list)".
    let mut group_id = 0;
    let mut i = 0;
    while i < atoms.len() {
        let min = match &atoms[i].what {
            What::Med(_) => patterns::quantifier_before(&t[a..atoms[i].s]),
            _ => None,
        };
        if let Some(min) = min {
            group_id += 1;
            let head_e = atoms[i].e;
            let rest = &t[head_e..];
            let (from, to) = if rest.trim_start().starts_with('(') {
                let open = head_e + rest.find('(').unwrap_or(0);
                (open, patterns::matching_paren(t, open).unwrap_or(t.len()))
            } else {
                (head_e, t.len())
            };
            let depth = atoms[i].depth;
            let paren = rest.trim_start().starts_with('(');
            let head_dur = atoms[i].min_duration;
            let head_strict = atoms[i].strict;
            let mut head_words = atoms[i].words.clone();
            head_words.push((atoms[i].s, atoms[i].e));
            // "≥1 of the following immunosuppressants": the quantifier too.
            if let Some(q) = patterns::quantifier_at(&t[a..atoms[i].s]) {
                head_words.push((a + q, atoms[i].s));
            }
            let mut members = 0;
            for x in atoms.iter_mut().skip(i + 1) {
                if x.s >= from
                    && x.s < to
                    && matches!(x.what, What::Med(_))
                    && (x.depth == depth + usize::from(paren))
                {
                    x.group = Some((min, group_id));
                    if x.min_duration.is_none() {
                        x.min_duration = head_dur;
                        x.strict = head_strict;
                    }
                    if members == 0 {
                        x.words.extend(head_words.iter().copied());
                    }
                    members += 1;
                }
            }
            if members > 0 {
                atoms.remove(i);
                continue;
            }
        }
        i += 1;
    }
    // Examples: after "such as", "e.g.", "including", an atom covered by the head is dropped.
    let v = vocabulary();
    let mut head: Option<(usize, usize)> = None; // (index, depth)
    let mut vague_head: Option<usize> = None;
    let mut keep = vec![true; atoms.len()];
    for j in 0..atoms.len() {
        let prev_e = if j > 0 { atoms[j - 1].e } else { a };
        let gap = &t[prev_e.min(atoms[j].s)..atoms[j].s];
        if patterns::introduces_examples(gap) && atoms[j].group.is_none() && vague_head.is_none() {
            // head: the nearest earlier kept atom at lower-or-equal depth
            let h = (0..j).rev().find(|&k| keep[k]);
            head = h.map(|k| (k, atoms[k].depth));
            // "poorly controlled medical condition ... such as infection": examples of a vague head.
            // (In an exclusion only: there, dropping them avoids excluding on an example.)
            if h.is_none()
                && ctx.kind == CriterionKind::Exclusion
                && patterns::cues(&t[a..atoms[j].s])
                    .iter()
                    .any(|c| c.reason == NotComputableReason::VagueSeverity)
            {
                vague_head = Some(atoms[j].depth);
            }
        } else if let Some((_, d)) = head
            && (atoms[j].depth < d || (atoms[j].depth == d && gap.contains(')')))
        {
            head = None;
        }
        if vague_head.is_some_and(|d| atoms[j].depth >= d) {
            keep[j] = false;
            continue;
        }
        if let Some((h, _)) = head {
            let covered = match (&atoms[h].what, &atoms[j].what) {
                (What::Cond(hk), What::Cond(k)) => {
                    v.condition_closure(hk).iter().any(|c| &c.key == k)
                }
                (What::Proc(hk), What::Proc(k)) => {
                    v.procedure_closure(hk).iter().any(|c| &c.key == k)
                }
                (What::Med(hk), What::Med(k)) => {
                    hk == k || v.medication(k).is_some_and(|m| v.in_class(m, hk, 0))
                }
                (What::Allergy { .. }, What::Allergy { .. }) => true,
                _ => false,
            };
            if covered {
                keep[j] = false;
                atoms[h].e = atoms[h].e.max(atoms[j].e);
            }
        }
    }
    let mut k = keep.into_iter();
    atoms.retain(|_| k.next().unwrap_or(true));
}

/// Exceptions ("except Gilbert's syndrome, TBIL ≤ 3 × ULN"; "except non-melanoma skin cancer").
/// Returns whether the region was read into the atom before it; a
/// qualification no record codes ("local", "with disease-free survival > 5
/// years") makes the exceptions ones to confirm, and its part is noted in
/// `qualifiers` (it stays out of the rule logic: the exception carries it).
fn apply_exceptions(
    ctx: &mut Ctx,
    ra: usize,
    rb: usize,
    per_clause: &mut [Vec<Atom>],
    qualifiers: &mut Vec<(usize, usize)>,
) -> bool {
    let t = ctx.t;
    let region = &t[ra..rb];
    let mut ms = lexicon::mentions(region);
    patterns::distribute(region, &mut ms);
    ms.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
    let mut conds: Vec<String> = Vec::new();
    let mut lab: Option<(String, usize)> = None;
    for m in &ms {
        match &m.target {
            Target::Condition(k) if !conds.contains(k) => {
                conds.push(k.clone());
            }
            Target::Analyte(k) => lab = Some((k.clone(), m.end)),
            _ => {}
        }
    }
    // Find the last atom before the region.
    let mut target: Option<&mut Atom> = None;
    for atoms in per_clause.iter_mut() {
        for x in atoms.iter_mut() {
            if x.e <= ra && !matches!(x.what, What::Confirm(_)) {
                target = Some(x);
            }
        }
    }
    let qualified = patterns::not_in_record_in_exception(region);
    if qualified {
        let (s, e) = patterns::not_in_record_extent(region);
        ctx.part(ra + s, ra + e, NotComputableReason::NotInRecord);
    }
    let Some(x) = target else {
        ctx.part(ra, rb, NotComputableReason::NotInRecord);
        return false;
    };
    match &x.what {
        What::Lab(_) => {
            if let (Some(cond), Some((_, end))) = (conds.first(), lab)
                && let Some((c, th)) = patterns::threshold(&region[end..])
            {
                x.lab_exceptions.push(LabException {
                    condition: cond.clone(),
                    comparator: c,
                    threshold: th,
                });
                x.words.push((ra, rb));
                return true;
            }
            ctx.part(ra, rb, NotComputableReason::Unrecognized);
            false
        }
        What::Cond(_) => {
            if conds.is_empty() {
                ctx.part(ra, rb, NotComputableReason::Unrecognized);
                return false;
            }
            if qualified {
                x.qualified.extend(conds);
                qualifiers.push((ra, rb));
            } else {
                x.exceptions.extend(conds);
            }
            x.words.push((ra, rb));
            true
        }
        _ => {
            ctx.part(ra, rb, NotComputableReason::NotInRecord);
            false
        }
    }
}

fn period_ok(p: Option<Period>) -> Option<Period> {
    p.filter(|p| p.amount > 0)
}

/// The rule an atom states.
fn atom_rule(ctx: &Ctx, x: &Atom) -> Option<Rule> {
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
fn computes(r: &Rule) -> bool {
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
fn attach_definition(r: &mut Rule, span: Span, def: &Rule) -> bool {
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

fn any_of(rules: Vec<Rule>) -> Rule {
    composite(rules, false)
}

fn all_of(rules: Vec<Rule>) -> Rule {
    composite(rules, true)
}

fn composite(mut rules: Vec<Rule>, all: bool) -> Rule {
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
fn with_words(mut rules: Vec<Rule>, words: Vec<Span>) -> Vec<Rule> {
    if let Some(first) = rules.first_mut() {
        first.words.extend(words);
    }
    rules
}

/// The same statement, whatever the spans and the order of a composite's
/// children ("RPR and TPHA positive" and "TPHA positive with RPR positive").
fn same_statement(a: &RuleKind, b: &RuleKind) -> bool {
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
struct Unit {
    s: usize,
    e: usize,
    rule: Rule,
}

fn combine_clause(ctx: &Ctx, atoms: Vec<Atom>, a: usize, b: usize) -> Option<Rule> {
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

fn combine_units(ctx: &Ctx, units: Vec<Unit>, t: &str) -> Option<Rule> {
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
