//! The attributes of an atom read from the words around it: thresholds,
//! results, windows, durations, doses, routes, presence.

use super::*;

/// Thresholds, results, windows, durations, doses, routes, presence.
pub(super) fn attributes(ctx: &mut Ctx, atoms: &mut Vec<Atom>, a: usize, b: usize) {
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
