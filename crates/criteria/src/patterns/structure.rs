//! A clause's structure: exception regions, parentheses, clauses and
//! sub-clauses, "one of the following" lead-ins, structural words.

// ---------------------------------------------------------------- structure

re!(
    except_re,
    r"(?i)(\()?\s*\b(except(?:\s+for)?|excluding|other than|with the exception of)\b"
);

/// Regions `[start, end)` of "except ..." text: to the closing parenthesis
/// when the exception opens one, else to the next `;` or the end.
pub fn except_regions(t: &str) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for c in except_re().captures_iter(t) {
        let Some(word) = c.get(2) else { continue };
        let s = word.start();
        if out.iter().any(|&(a, b)| s >= a && s < b) {
            continue;
        }
        // Inside a parenthesis opened before the word?
        let open = t[..s]
            .rfind('(')
            .filter(|&o| matching_paren(t, o).is_none_or(|cl| cl > s));
        let e = match open {
            Some(o) => matching_paren(t, o).unwrap_or(t.len()),
            None => t[s..].find(';').map_or(t.len(), |i| s + i),
        };
        out.push((s, e));
    }
    out
}

/// Index of the `)` closing the `(` at `open`.
pub fn matching_paren(t: &str, open: usize) -> Option<usize> {
    let mut d = 0i32;
    for (i, c) in t[open..].char_indices() {
        match c {
            '(' => d += 1,
            ')' => {
                d -= 1;
                if d == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

re!(
    clause_break_re,
    r"(?:;|\.\s+(?:[A-Z(]|\d+\.\s)|:\s*\(\d\)|\s\(\d\)|,?\s+or\s+(?:have|has|plan|plans|planning|require|requires|intend|intends|those|if|male|any|currently|still)\b|,\s*(?:Females?|Women|Males?|Men|Subjects|Patients|Participants)\b)"
);

re!(item_marker_re, r"(?:^|\s)[•·▪◦*]\s*(?:\(?\d{1,2}[.)]\s+)?");

/// Clauses of a criterion: split at `;`, sentence ends, "(1)" enumerations
/// and verb-led alternatives (", or have ..."), never inside parentheses.
pub fn clauses(t: &str, regions: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut cuts = vec![0];
    // Bullets of merged sub-items separate clauses; the marker is a clause of its own (structural).
    let mut markers: Vec<(usize, usize)> = Vec::new();
    for m in item_marker_re().find_iter(t) {
        if depth(t, m.start()) == 0 && m.start() > 0 {
            markers.push((m.start(), m.end()));
        }
    }
    for &(s, e) in &markers {
        cuts.push(s);
        cuts.push(e);
    }
    for m in clause_break_re().find_iter(t) {
        let at = m.start();
        if depth(t, at) > 0 || regions.iter().any(|&(a, b)| at > a && at < b) {
            continue;
        }
        if markers.iter().any(|&(s, e)| at >= s && at < e) {
            continue;
        }
        // "2. Bone marrow": an enumeration label, not a sentence end.
        if t[at..].starts_with('.') {
            let before = t[..at].trim_end_matches(|c: char| c.is_ascii_digit());
            if before.len() < at
                && (before.is_empty()
                    || before.ends_with(char::is_whitespace)
                    || before.ends_with(['•', '(', ':']))
            {
                continue;
            }
        }
        let cut = if t[at..].starts_with('.') || t[at..].starts_with(';') {
            at + 1
        } else {
            at
        };
        // keep "(1)" with its clause: cut before the parenthesis
        let cut = match t[cut..m.end()].find('(') {
            Some(p) if t[at..].starts_with(':') || t[at..].starts_with(' ') => cut + p,
            _ => cut,
        };
        cuts.push(cut);
    }
    cuts.push(t.len());
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = Vec::new();
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        if t[a..b].trim().is_empty() {
            continue;
        }
        out.push((a, b));
    }
    out
}

pub(crate) fn depth(t: &str, pos: usize) -> i32 {
    let mut d = 0i32;
    for c in t[..pos].chars() {
        match c {
            '(' => d += 1,
            ')' => d = (d - 1).max(0),
            _ => {}
        }
    }
    d
}

re!(
    subclause_re,
    r"(?:[,;]|\s(?:or|and)\s+(?:those|who|if|plan|plans|planning|intend|intends|are|is|have|has|had|need|male|female|any|must|should)\b)"
);

/// Sub-clauses (relative ranges), for the scope of plans and negations.
pub fn subclauses(cl: &str) -> Vec<(usize, usize)> {
    let mut cuts = vec![0];
    for m in subclause_re().find_iter(cl) {
        if depth(cl, m.start()) == 0 {
            cuts.push(m.start());
        }
    }
    cuts.push(cl.len());
    cuts.dedup();
    cuts.windows(2).map(|w| (w[0], w[1])).collect()
}

re!(
    one_of_re,
    r"(?i)\b(?:one|any|either)\s+of\s+the\s+following\b"
);

pub fn one_of_the_following(t: &str) -> bool {
    one_of_re().is_match(t)
}

re!(
    structural_re,
    r"(?i)^\s*(?:[a-z ]{0,40}:\s*$|both genders?\b.*|regardless of gender.*|(?:with\s+)?no gender restrictions?.*|male or female\.?|males? and females?\.?|all genders\.?)\s*$"
);

/// A clause that needs no rule and says nothing to confirm: a lead-in
/// ("Adequate organ function:") or "both genders eligible".
pub fn structural(cl: &str) -> bool {
    let c = cl.trim().trim_end_matches([';', '.', ',']);
    c.is_empty()
        || !c.chars().any(char::is_alphabetic)
        || structural_re().is_match(c)
        || (c.ends_with(':') || cl.trim_end().ends_with(':')) && one_of_re().is_match(c)
        || one_of_re().is_match(c) && c.len() < 120
}
