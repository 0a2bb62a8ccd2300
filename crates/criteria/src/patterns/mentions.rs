//! Mentions across lists: shared words distributed over "A/B" and
//! "A and B", abbreviations, modifiers and result tails.

use super::*;

// ---------------------------------------------------------------- mentions

re!(
    dist_left_re,
    r"(?i)([A-Za-z-]+)(?:\s+([A-Za-z-]+))?\s*(?:/\s*(?:or\s+)?|,\s*(?:or\s+)?|\s+or\s+|\s+and\s+)$"
);

/// "Active or latent tuberculosis", "basal cell or squamous cell skin cancer",
/// "in situ cervical/bladder/breast/thyroid carcinoma": the left-hand
/// alternatives share the head of the phrase found on the right.
pub fn distribute(cl: &str, ms: &mut Vec<Mention>) {
    distribute_slash(cl, ms);
    let mut added = Vec::new();
    for m in ms.iter() {
        let phrase = &cl[m.start..m.end];
        let words: Vec<&str> = phrase.split_whitespace().collect();
        if words.len() < 2 {
            continue;
        }
        let mut cur = m.start;
        for _ in 0..6 {
            let left = &cl[..cur];
            let Some(c) = dist_left_re().captures(left) else {
                break;
            };
            let (Some(w1), w2) = (c.get(1), c.get(2)) else {
                break;
            };
            let (alt, alt_s) = match w2 {
                Some(w2) => (
                    vec![
                        (w2.as_str().to_string(), w2.start()),
                        (format!("{} {}", w1.as_str(), w2.as_str()), w1.start()),
                    ],
                    w1.start(),
                ),
                None => (vec![(w1.as_str().to_string(), w1.start())], w1.start()),
            };
            let mut hit = None;
            'outer: for (a, s) in &alt {
                for k in 1..words.len() {
                    let cand = format!("{} {}", a, words[k..].join(" "));
                    if let Some(t) = lexicon::lookup(&cand) {
                        hit = Some((t, *s, s + a.len()));
                        break 'outer;
                    }
                    // with the words before the list ("in situ")
                    let pre: Vec<&str> = cl[..alt_s].split_whitespace().rev().take(2).collect();
                    if pre.len() == 2 {
                        let cand = format!("{} {} {}", pre[1], pre[0], cand);
                        if let Some(t) = lexicon::lookup(&cand) {
                            hit = Some((t, *s, s + a.len()));
                            break 'outer;
                        }
                    }
                }
            }
            let Some((target, s, e)) = hit else { break };
            if e > s && e <= cur {
                added.push(Mention {
                    start: s,
                    end: e,
                    target,
                });
            }
            cur = s;
        }
    }
    ms.extend(added);
}

re!(
    paren_cond_re,
    r"(?i)^\(\s*(?:without|with|and|in the absence|while|not)\b"
);

/// A parenthesis that adds a condition ("(without colony-stimulating factor ...)").
pub fn paren_adds_condition(open_to_atom: &str) -> bool {
    paren_cond_re().is_match(open_to_atom)
}

re!(
    slash_list_re,
    r"((?:[A-Za-z]+\s+){0,2})([A-Za-z-]+(?:\s*/\s*(?:or\s+)?[A-Za-z-]+)+)\s+([A-Za-z-]+(?:\s+[A-Za-z-]+){0,2})"
);

/// "in situ cervical/bladder/breast/thyroid carcinoma": each alternative with the shared words.
pub fn distribute_slash(cl: &str, ms: &mut Vec<Mention>) {
    for c in slash_list_re().captures_iter(cl) {
        let (Some(pre), Some(list), Some(tail)) = (c.get(1), c.get(2), c.get(3)) else {
            continue;
        };
        let tail_words: Vec<&str> = tail.as_str().split_whitespace().collect();
        let mut off = list.start();
        for alt in list.as_str().split('/') {
            let s = off + (alt.len() - alt.trim_start().len());
            off += alt.len() + 1;
            let alt = alt.trim().trim_start_matches("or ").trim();
            if alt.is_empty() {
                continue;
            }
            let s = s + cl[s..].find(alt).unwrap_or(0);
            let e = s + alt.len();
            let mut found = None;
            for k in (1..=tail_words.len()).rev() {
                let tail_k = tail_words[..k].join(" ");
                for cand in [
                    format!("{} {alt} {tail_k}", pre.as_str().trim()),
                    format!("{alt} {tail_k}"),
                ] {
                    if let Some(t) = lexicon::lookup(cand.trim()) {
                        found = Some(t);
                        break;
                    }
                }
                if found.is_some() {
                    break;
                }
            }
            if let Some(target) = found
                && !ms.iter().any(|m| m.start <= s && m.end >= e)
            {
                ms.push(Mention {
                    start: s,
                    end: e,
                    target,
                });
            }
        }
    }
}

re!(infection_word_re, r"(?i)^\s*infections?\b");

/// "alanine aminotransferase (ALT)": one mention, not two; "Tuberculosis (TB)
/// infection", "syphilis infection": the word "infection" belongs to the disease.
pub fn merge_abbreviations(cl: &str, ms: Vec<Mention>) -> Vec<Mention> {
    let mut out: Vec<Mention> = Vec::new();
    for m in ms {
        if let Some(last) = out.last() {
            let absorbed = matches!(m.target, Target::Condition(ref k) if k == "active_infection")
                && matches!(last.target, Target::Condition(ref k) if k != "active_infection")
                && infection_word_re().is_match(&cl[last.end..]);
            if absorbed {
                if let Some(last) = out.last_mut() {
                    last.end = m.end;
                }
                continue;
            }
        }
        if let Some(last) = out.last_mut() {
            let gap = &cl[last.end..m.start];
            if last.target == m.target && gap.trim() == "(" {
                let close = cl[m.end..].starts_with(')');
                last.end = m.end + usize::from(close);
                continue;
            }
        }
        out.push(m);
    }
    out
}

re!(
    mod_after_re,
    r"(?i)^(?:\s*-?\s*related\b|\s+or\s+non-?\s*[A-Za-z]+\s*-?\s*related\b|\s+needs?\s+to\s+meet\b)"
);
re!(
    mod_before_re,
    r"(?i)(?:\brisk of\s+(?:acquiring\s+|developing\s+)?|\bnon-?\s*|\b(?:un)?related to\s+|\bcaused by\s+|\b(?:treatment|therapy|therapies|drugs?|medications?)\s+(?:for|of)\s+|\bfor\s+(?:active\s+)?)$"
);

re!(modifier_after_re, r"(?i)^\s*-?\s*related\b");

/// A modifier's words: "non-" before it and "-related" after it too.
pub fn modifier_extent(cl: &str, s: usize, e: usize) -> (usize, usize) {
    let before = cl[..s].to_lowercase();
    let s = if before.ends_with("non-") || before.ends_with("non ") {
        s - 4
    } else {
        s
    };
    let e = e + modifier_after_re().find(&cl[e..]).map_or(0, |m| m.end());
    (s, e)
}

re!(
    result_tail_re,
    r"(?i)^\s*(?:of\s+)?(?:the\s+)?(?:(?:research\s+)?institution'?s\s+|laboratory'?s\s+|local\s+|assay'?s?\s+)?(?:normal\s+)?(?:test|assay|reference|detection)?\s*(?:value\s+)?(?:range|limit)\b"
);

/// The words that finish a result phrase ("of research institution's test
/// range"), as a length from the start of `s`.
pub fn result_tail(s: &str) -> usize {
    result_tail_re().find(s).map_or(0, |m| m.end())
}

/// A concept named only as a modifier ("non-SLE-related", "unrelated to SLE").
pub fn is_modifier(cl: &str, m: &Mention) -> bool {
    // "non-lactating" negates a state; "non-SLE-related" names a modifier.
    let cond = matches!(&m.target, Target::Condition(k) if k != "lactation" && k != "pregnancy");
    if !cond {
        return false;
    }
    let before = &cl[..m.start];
    let after = &cl[m.end..];
    if mod_after_re().is_match(after) {
        return true;
    }
    if mod_before_re().is_match(before) {
        // "criteria for SLE" is a diagnosis, "treatment for SLE" is not.
        let lower = before.to_lowercase();
        return !lower.trim_end().ends_with("criteria for");
    }
    false
}
