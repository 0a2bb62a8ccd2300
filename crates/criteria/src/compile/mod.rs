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

mod attributes;
mod combine;
mod groups;
use attributes::*;
use combine::*;
use groups::*;
