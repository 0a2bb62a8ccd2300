//! Normalisation for recognition, with an offset map back to the original
//! bytes: markdown escapes dropped (`\>` → `>`), `≥`/`≤` → `>=`/`<=`, `×` → `x`,
//! superscript digits to digits, `µ` → `u`, dashes, quotes and full-width
//! punctuation to ASCII, no-break spaces to spaces.

/// Normalised text and, for every byte of it, the byte offset in the source.
#[derive(Debug, Clone)]
pub struct Normalized {
    pub text: String,
    /// `map[i]` is the source offset of normalised byte `i`; `map[text.len()]` is the source length.
    map: Vec<usize>,
}

impl Normalized {
    /// Source offset of normalised offset `i` (always a source char boundary).
    pub fn source(&self, i: usize) -> usize {
        self.map[i.min(self.map.len() - 1)]
    }

    /// The source span `[a, b)` of a normalised span.
    pub fn source_span(&self, a: usize, b: usize) -> (usize, usize) {
        let s = self.source(a);
        // End at the end of the source char that produced byte b-1.
        let e = if b == 0 { s } else { self.end_of(b - 1) };
        (s, e.max(s))
    }

    fn end_of(&self, i: usize) -> usize {
        let start = self.map[i];
        let mut j = i + 1;
        while j < self.map.len() - 1 && self.map[j] == start {
            j += 1;
        }
        self.map[j].max(start)
    }
}

fn replacement(c: char) -> Option<&'static str> {
    Some(match c {
        '≥' | '⩾' | '≧' => ">=",
        '≤' | '⩽' | '≦' => "<=",
        '＞' | '﹥' => ">",
        '＜' | '﹤' => "<",
        '＝' => "=",
        '×' | '✕' => "x",
        '⁰' => "0",
        '¹' => "1",
        '²' => "2",
        '³' => "3",
        '⁴' => "4",
        '⁵' => "5",
        '⁶' => "6",
        '⁷' => "7",
        '⁸' => "8",
        '⁹' => "9",
        '⁻' => "-",
        'µ' | 'μ' => "u",
        '–' | '—' | '−' | '‐' | '‑' => "-",
        '’' | '‘' | '`' => "'",
        '“' | '”' => "\"",
        '（' => "(",
        '）' => ")",
        '；' => ";",
        '：' => ":",
        '，' => ",",
        '。' => ".",
        '\u{a0}' | '\u{3000}' | '\t' | '\r' | '\n' => " ",
        'β' => "beta",
        _ => return None,
    })
}

pub fn normalize(src: &str) -> Normalized {
    let mut text = String::with_capacity(src.len() + 8);
    let mut map = Vec::with_capacity(src.len() + 9);
    let mut it = src.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c == '\\'
            && let Some(&(_, n)) = it.peek()
            && n.is_ascii_punctuation()
        {
            continue; // markdown escape: keep what follows
        }
        match replacement(c) {
            Some(r) => {
                text.push_str(r);
                map.extend(std::iter::repeat_n(i, r.len()));
            }
            None => {
                text.push(c);
                map.extend(std::iter::repeat_n(i, c.len_utf8()));
            }
        }
    }
    map.push(src.len());
    Normalized { text, map }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_symbols_map_back() {
        let src = "SLEDAI \\>6; Hb ≥60 g/L; WBC ≥3×10⁹/L";
        let n = normalize(src);
        assert_eq!(n.text, "SLEDAI >6; Hb >=60 g/L; WBC >=3x109/L");
        assert_eq!(normalize("10*9/L").text, "10*9/L");
        let a = n.text.find(">=60").unwrap();
        let (s, e) = n.source_span(a, a + 4);
        assert_eq!(&src[s..e], "≥60");
        let a = n.text.find("109/L").unwrap();
        let (s, e) = n.source_span(a, a + 5);
        assert_eq!(&src[s..e], "10⁹/L");
        let a = n.text.find(">6").unwrap();
        assert_eq!(
            &src[n.source_span(a, a + 2).0..n.source_span(a, a + 2).1],
            ">6"
        );
    }
}
