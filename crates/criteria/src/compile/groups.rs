//! Examples under a head ("such as X"), "at least N of" groups and
//! exceptions ("except ...") applied to the atoms of a clause.

use super::*;

/// "such as X" examples under a head, and "at least N of" groups.
pub(super) fn examples_and_groups(ctx: &mut Ctx, atoms: &mut Vec<Atom>, a: usize, _b: usize) {
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
pub(super) fn apply_exceptions(
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
