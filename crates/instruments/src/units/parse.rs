//! The UCUM parser: terms joined by "." and "/", parentheses, integer
//! exponents and factors.

use super::atoms::lookup;
use super::*;

// ---------------------------------------------------------------------------
// Parser (UCUM grammar: terms joined by '.' and '/', parentheses, integer
// factors, exponents, annotations).

pub(crate) struct Parser<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn err(&self, reason: &str) -> UnitError {
        syntax(self.s, format!("{reason} at position {}", self.i + 1))
    }

    fn range(&self) -> UnitError {
        UnitError::OutOfRange {
            unit: self.s.to_string(),
        }
    }

    fn term(&mut self) -> Result<Unit, UnitError> {
        let mut u = self.component()?;
        while let Some(op @ (b'.' | b'/')) = self.peek() {
            self.i += 1;
            let c = self.component()?;
            u = u.mul(c, op == b'/').ok_or_else(|| self.range())?;
        }
        Ok(u)
    }

    fn component(&mut self) -> Result<Unit, UnitError> {
        match self.peek() {
            None => Err(self.err("a unit is missing")),
            Some(b'(') => {
                self.depth += 1;
                if self.depth > 16 {
                    return Err(self.err("too deeply nested"));
                }
                self.i += 1;
                let u = self.term()?;
                if self.peek() != Some(b')') {
                    return Err(self.err("')' expected"));
                }
                self.i += 1;
                self.depth -= 1;
                Ok(u)
            }
            Some(b'{') => self.annotation().map(|label| Unit {
                labels: vec![(label, 1)],
                ..Unit::unity()
            }),
            Some(c)
                if c.is_ascii_digit()
                    && !self.s[self.i..].starts_with("10*")
                    && !self.s[self.i..].starts_with("10^") =>
            {
                let start = self.i;
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.i += 1;
                }
                if self
                    .peek()
                    .is_some_and(|c| !matches!(c, b'.' | b'/' | b')'))
                {
                    return Err(self.err("a number factor must stand alone"));
                }
                let n = Decimal::from_str(&self.s[start..self.i]).map_err(|_| self.range())?;
                if n.is_zero() {
                    return Err(self.err("a zero factor"));
                }
                Ok(Unit {
                    num: n,
                    ..Unit::unity()
                })
            }
            Some(_) => self.simple(),
        }
    }

    fn annotation(&mut self) -> Result<String, UnitError> {
        let start = self.i;
        self.i += 1;
        while let Some(c) = self.peek() {
            self.i += 1;
            match c {
                b'}' => return Ok(self.s[start..self.i].to_string()),
                b'{' => return Err(self.err("'{' inside an annotation")),
                _ => {}
            }
        }
        Err(syntax(self.s, "unclosed '{'"))
    }

    fn simple(&mut self) -> Result<Unit, UnitError> {
        let start = self.i;
        while let Some(c) = self.peek() {
            match c {
                b'.' | b'/' | b'(' | b')' | b'{' => break,
                b'[' => {
                    while let Some(c) = self.peek() {
                        self.i += 1;
                        if c == b']' {
                            break;
                        }
                    }
                    if self.b[self.i - 1] != b']' {
                        return Err(syntax(self.s, "unclosed '['"));
                    }
                }
                b']' | b'}' => return Err(self.err("unbalanced bracket")),
                c if c.is_ascii_whitespace() => {
                    return Err(self.err("UCUM units contain no spaces"));
                }
                _ => self.i += 1,
            }
        }
        let sym = &self.s[start..self.i];
        // A trailing exponent: optional sign and digits, unless they belong
        // to a bracketed atom.
        let digits = sym.bytes().rev().take_while(u8::is_ascii_digit).count();
        let (mut atom, mut exp) = (sym, 1i8);
        if digits > 0 && digits < sym.len() {
            let mut cut = sym.len() - digits;
            if matches!(sym.as_bytes()[cut - 1], b'+' | b'-') && cut > 1 {
                cut -= 1;
            }
            atom = &sym[..cut];
            exp = sym[cut..]
                .parse::<i8>()
                .map_err(|_| syntax(self.s, format!("exponent {:?} too large", &sym[cut..])))?;
            if exp == 0 {
                return Err(syntax(self.s, "zero exponent"));
            }
        }
        if atom.is_empty() {
            return Err(self.err("a unit symbol is missing"));
        }
        let mut u = lookup(atom, self.s)?;
        if u.special.is_some() && exp != 1 {
            return Err(UnitError::Special {
                unit: self.s.to_string(),
            });
        }
        if exp != 1 {
            u = u.pow(exp).ok_or_else(|| self.range())?;
        }
        if self.peek() == Some(b'{') {
            let label = self.annotation()?;
            u = u
                .mul(
                    Unit {
                        labels: vec![(label, 1)],
                        ..Unit::unity()
                    },
                    false,
                )
                .ok_or_else(|| self.range())?;
        }
        Ok(u)
    }
}

/// Parse a UCUM unit (case-sensitive, ASCII). The empty string and `1` are
/// the unity.
pub fn parse_unit(s: &str) -> Result<Unit, UnitError> {
    if s.is_empty() || s == "1" {
        return Ok(Unit {
            code: s.to_string(),
            ..Unit::unity()
        });
    }
    if !s.is_ascii() {
        return Err(syntax(
            s,
            "UCUM units are ASCII (write u for µ; use normalize_unit for record spellings)",
        ));
    }
    let mut p = Parser {
        s,
        b: s.as_bytes(),
        i: 0,
        depth: 0,
    };
    let mut u = if p.peek() == Some(b'/') {
        p.i += 1;
        let t = p.term()?;
        Unit::unity().mul(t, true).ok_or_else(|| p.range())?
    } else {
        p.term()?
    };
    if p.i != s.len() {
        return Err(p.err("unexpected character"));
    }
    if u.special.is_some() && !is_special_atom(s) {
        return Err(UnitError::Special {
            unit: s.to_string(),
        });
    }
    u.code = s.to_string();
    Ok(u)
}

pub(crate) fn is_special_atom(s: &str) -> bool {
    s == "Cel" || s == "[degF]"
}
