//! UCUM units: parse, normalise the spellings found in patient records, and
//! convert quantities, including mass <-> molar conversions for the analytes
//! eligo's criteria name.
//!
//! Units are parsed, never guessed: a string that is not UCUM (after the
//! record normalisation of [`normalize_unit`]) is an error, and so is a
//! conversion between units of different kinds. Two deliberate departures
//! from UCUM keep that promise:
//!
//! - the mole is its own dimension (UCUM defines it as a pure number,
//!   6.022e23), so `mmol/L` never converts into `10*9/L`; and
//! - arbitrary units (`[IU]`, `[HPF]`) and curly-brace annotations
//!   (`{score}`, `{1.73_m2}`) carry meaning: they never convert into each other
//!   or into plain numbers, so an eGFR in `mL/min/{1.73_m2}` is not a CrCl in
//!   `mL/min`.

use eligo_model::Quantity;
use rust_decimal::Decimal;
use std::fmt;
use std::str::FromStr;

/// Base dimensions: length, mass, time, amount of substance, temperature,
/// charge, luminous intensity, plane angle.
const NDIM: usize = 8;
const LEN: usize = 0;
const MASS: usize = 1;
const TIME: usize = 2;
const AMOUNT: usize = 3;
const TEMP: usize = 4;
const CHARGE: usize = 5;
const LUM: usize = 6;
const ANGLE: usize = 7;

/// A parsed UCUM unit (dimension vector + scale), e.g. from "mg/dL", "10*9/L",
/// "mL/min/{1.73_m2}", "mg/(24.h)", "[IU]/mL", "{score}", "%".
///
/// Two units are the same unit when [`Unit::same_as`] holds (`mg/dl` and
/// `mg/dL`, `/mm3` and `/uL`, `10*3/uL` and `10*9/L`), whatever their spelling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    code: String,
    dims: [i8; NDIM],
    /// Scale relative to the base units (m, g, s, mol, K, C, cd, rad) as the
    /// exact ratio `num / den`.
    num: Decimal,
    den: Decimal,
    /// Arbitrary units and annotations with their exponents, sorted.
    labels: Vec<(String, i8)>,
    special: Option<Special>,
}

/// Units whose conversion is not a plain factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Special {
    Celsius,
    Fahrenheit,
}

impl Unit {
    /// The UCUM code as parsed.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// A pure number (`1`, `%`, `10*3`); annotations and arbitrary units are
    /// not pure numbers.
    pub fn is_dimensionless(&self) -> bool {
        self.dims == [0; NDIM] && self.labels.is_empty() && self.special.is_none()
    }

    /// Same kind of quantity (convertible by a factor or, for temperatures,
    /// an offset).
    pub fn commensurable(&self, other: &Unit) -> bool {
        self.dims == other.dims && self.labels == other.labels
    }

    /// The same unit, whatever the spelling: same kind and same scale.
    pub fn same_as(&self, other: &Unit) -> bool {
        self.commensurable(other)
            && self.special == other.special
            && self.num.checked_mul(other.den) == other.num.checked_mul(self.den)
    }

    fn unity() -> Unit {
        Unit {
            code: String::new(),
            dims: [0; NDIM],
            num: Decimal::ONE,
            den: Decimal::ONE,
            labels: Vec::new(),
            special: None,
        }
    }

    fn mul(mut self, other: Unit, divide: bool) -> Option<Unit> {
        for (a, b) in self.dims.iter_mut().zip(other.dims) {
            *a = if divide {
                a.checked_sub(b)?
            } else {
                a.checked_add(b)?
            };
        }
        let (n, d) = if divide {
            (other.den, other.num)
        } else {
            (other.num, other.den)
        };
        self.num = self.num.checked_mul(n)?;
        self.den = self.den.checked_mul(d)?;
        for (label, e) in other.labels {
            let e = if divide { e.checked_neg()? } else { e };
            match self.labels.iter_mut().find(|(l, _)| *l == label) {
                Some((_, x)) => *x = x.checked_add(e)?,
                None => self.labels.push((label, e)),
            }
        }
        self.labels.retain(|(_, e)| *e != 0);
        self.labels.sort();
        if self.num.is_zero() || self.den.is_zero() {
            return None;
        }
        Some(self)
    }

    fn pow(mut self, e: i8) -> Option<Unit> {
        for d in self.dims.iter_mut() {
            *d = d.checked_mul(e)?;
        }
        for (_, x) in self.labels.iter_mut() {
            *x = x.checked_mul(e)?;
        }
        let (n, d) = (
            checked_powi(self.num, e.unsigned_abs())?,
            checked_powi(self.den, e.unsigned_abs())?,
        );
        (self.num, self.den) = if e < 0 { (d, n) } else { (n, d) };
        if self.num.is_zero() || self.den.is_zero() {
            return None;
        }
        Some(self)
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.code.is_empty() {
            "1"
        } else {
            &self.code
        })
    }
}

/// Why a unit could not be read or converted. Every message names the unit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnitError {
    #[error("cannot read unit {unit:?}: {reason}")]
    Syntax { unit: String, reason: String },
    #[error("unknown unit {atom:?} in {unit:?}")]
    UnknownAtom { unit: String, atom: String },
    #[error("unit {unit:?} is out of the representable range")]
    OutOfRange { unit: String },
    #[error(
        "{unit:?} is a temperature with an offset: it cannot be prefixed, raised to a power or combined"
    )]
    Special { unit: String },
    #[error("cannot convert {from:?} to {to:?}: different kinds of quantity")]
    Incompatible { from: String, to: String },
    #[error(
        "cannot convert {from:?} to {to:?} without a molar mass: name the analyte (creatinine, total_bilirubin, hemoglobin, glucose, ...)"
    )]
    NeedsAnalyte { from: String, to: String },
    #[error("cannot convert {from:?} to {to:?}: no molar mass known for analyte {analyte:?}")]
    UnknownAnalyte {
        analyte: String,
        from: String,
        to: String,
    },
    #[error("value {value} {unit} is too large to convert")]
    Overflow { value: Decimal, unit: String },
}

fn syntax(unit: &str, reason: impl Into<String>) -> UnitError {
    UnitError::Syntax {
        unit: unit.to_string(),
        reason: reason.into(),
    }
}

// ---------------------------------------------------------------------------
// The atom table: the UCUM units eligo reads (UCUM 2.1, c/s symbols).

struct Atom {
    sym: &'static str,
    /// Takes SI prefixes.
    metric: bool,
    dims: [i8; NDIM],
    /// value = mantissa × 10^-scale × 10^exp10 / den, in base units
    mantissa: i64,
    scale: u32,
    exp10: i32,
    den: i64,
    kind: AtomKind,
}

#[derive(Clone, Copy)]
enum AtomKind {
    Plain,
    /// Arbitrary unit: its own label, never converts into anything else.
    Arbitrary,
    Special(Special),
}

const fn d(l: i8, m: i8, t: i8, n: i8) -> [i8; NDIM] {
    [l, m, t, n, 0, 0, 0, 0]
}

const fn base(i: usize) -> [i8; NDIM] {
    let mut v = [0; NDIM];
    v[i] = 1;
    v
}

macro_rules! atom {
    ($sym:expr, $metric:expr, $dims:expr, $m:expr, $s:expr, $e:expr, $den:expr) => {
        Atom {
            sym: $sym,
            metric: $metric,
            dims: $dims,
            mantissa: $m,
            scale: $s,
            exp10: $e,
            den: $den,
            kind: AtomKind::Plain,
        }
    };
    ($sym:expr, $metric:expr, $kind:expr) => {
        Atom {
            sym: $sym,
            metric: $metric,
            dims: [0; NDIM],
            mantissa: 1,
            scale: 0,
            exp10: 0,
            den: 1,
            kind: $kind,
        }
    };
}

const NONE: [i8; NDIM] = [0; NDIM];

/// Definitions from the UCUM specification (base, SI, clinical and customary
/// units) restricted to what laboratory and vital-sign data use.
static ATOMS: &[Atom] = &[
    // base units
    atom!("m", true, base(LEN), 1, 0, 0, 1),
    atom!("g", true, base(MASS), 1, 0, 0, 1),
    atom!("s", true, base(TIME), 1, 0, 0, 1),
    atom!("mol", true, base(AMOUNT), 1, 0, 0, 1),
    atom!("K", true, base(TEMP), 1, 0, 0, 1),
    atom!("C", true, base(CHARGE), 1, 0, 0, 1),
    atom!("cd", true, base(LUM), 1, 0, 0, 1),
    atom!("rad", true, base(ANGLE), 1, 0, 0, 1),
    // volume, time
    atom!("L", true, d(3, 0, 0, 0), 1, 0, -3, 1),
    atom!("l", true, d(3, 0, 0, 0), 1, 0, -3, 1),
    atom!("min", false, base(TIME), 60, 0, 0, 1),
    atom!("h", false, base(TIME), 3600, 0, 0, 1),
    atom!("d", false, base(TIME), 86400, 0, 0, 1),
    atom!("wk", false, base(TIME), 604800, 0, 0, 1),
    atom!("mo", false, base(TIME), 2629800, 0, 0, 1),
    atom!("a", false, base(TIME), 31557600, 0, 0, 1),
    // mass, length (customary)
    atom!("t", true, base(MASS), 1, 0, 6, 1),
    atom!("[lb_av]", false, base(MASS), 45359237, 5, 0, 1),
    atom!("[oz_av]", false, base(MASS), 28349523125, 9, 0, 1),
    atom!("[in_i]", false, base(LEN), 254, 4, 0, 1),
    atom!("[ft_i]", false, base(LEN), 3048, 4, 0, 1),
    // amounts and enzyme activity
    atom!("eq", true, base(AMOUNT), 1, 0, 0, 1),
    atom!("osm", true, base(AMOUNT), 1, 0, 0, 1),
    atom!("kat", true, d(0, 0, -1, 1), 1, 0, 0, 1),
    atom!("U", true, d(0, 0, -1, 1), 1, 0, -6, 60),
    // derived SI (mass in grams, so kg = 1000 g)
    atom!("Hz", true, d(0, 0, -1, 0), 1, 0, 0, 1),
    atom!("N", true, d(1, 1, -2, 0), 1, 0, 3, 1),
    atom!("Pa", true, d(-1, 1, -2, 0), 1, 0, 3, 1),
    atom!("J", true, d(2, 1, -2, 0), 1, 0, 3, 1),
    atom!("W", true, d(2, 1, -3, 0), 1, 0, 3, 1),
    atom!("bar", true, d(-1, 1, -2, 0), 1, 0, 8, 1),
    atom!("atm", false, d(-1, 1, -2, 0), 101325, 0, 3, 1),
    atom!("m[Hg]", true, d(-1, 1, -2, 0), 1333220, 1, 3, 1),
    atom!("m[H2O]", true, d(-1, 1, -2, 0), 980665, 2, 3, 1),
    atom!("cal", true, d(2, 1, -2, 0), 4184, 3, 3, 1),
    atom!("[Cal]", false, d(2, 1, -2, 0), 4184, 0, 3, 1),
    // pure numbers
    atom!("10*", false, NONE, 10, 0, 0, 1),
    atom!("10^", false, NONE, 10, 0, 0, 1),
    atom!("%", false, NONE, 1, 2, 0, 1),
    atom!("[ppth]", false, NONE, 1, 3, 0, 1),
    atom!("[ppm]", false, NONE, 1, 6, 0, 1),
    atom!("[ppb]", false, NONE, 1, 9, 0, 1),
    // arbitrary units
    atom!("[IU]", true, AtomKind::Arbitrary),
    atom!("[iU]", true, AtomKind::Arbitrary),
    atom!("[arb'U]", false, AtomKind::Arbitrary),
    atom!("[CFU]", true, AtomKind::Arbitrary),
    atom!("[HPF]", false, AtomKind::Arbitrary),
    atom!("[LPF]", false, AtomKind::Arbitrary),
    atom!("[pH]", false, AtomKind::Arbitrary),
    // temperatures with an offset
    Atom {
        sym: "Cel",
        metric: false,
        dims: base(TEMP),
        mantissa: 1,
        scale: 0,
        exp10: 0,
        den: 1,
        kind: AtomKind::Special(Special::Celsius),
    },
    Atom {
        sym: "[degF]",
        metric: false,
        dims: base(TEMP),
        mantissa: 5,
        scale: 0,
        exp10: 0,
        den: 9,
        kind: AtomKind::Special(Special::Fahrenheit),
    },
];

static PREFIXES: &[(&str, i32)] = &[
    ("da", 1),
    ("Y", 24),
    ("Z", 21),
    ("E", 18),
    ("P", 15),
    ("T", 12),
    ("G", 9),
    ("M", 6),
    ("k", 3),
    ("h", 2),
    ("d", -1),
    ("c", -2),
    ("m", -3),
    ("u", -6),
    ("n", -9),
    ("p", -12),
    ("f", -15),
    ("a", -18),
    ("z", -21),
    ("y", -24),
];

fn pow10(e: i32) -> Option<Decimal> {
    if e >= 0 {
        let e = u32::try_from(e).ok()?;
        Decimal::try_from_i128_with_scale(10i128.checked_pow(e)?, 0).ok()
    } else {
        Decimal::try_from_i128_with_scale(1, e.unsigned_abs()).ok()
    }
}

fn checked_powi(x: Decimal, e: u8) -> Option<Decimal> {
    let mut r = Decimal::ONE;
    for _ in 0..e {
        r = r.checked_mul(x)?;
    }
    Some(r)
}

fn atom_unit(a: &Atom, prefix: i32, sym: &str) -> Option<Unit> {
    let value = Decimal::new(a.mantissa, a.scale)
        .checked_mul(pow10(a.exp10)?)?
        .checked_mul(pow10(prefix)?)?;
    let mut labels = Vec::new();
    if let AtomKind::Arbitrary = a.kind {
        // [iU] is UCUM's alias of [IU]
        let label = if a.sym == "[iU]" { "[IU]" } else { a.sym };
        labels.push((label.to_string(), 1));
    }
    Some(Unit {
        code: sym.to_string(),
        dims: a.dims,
        num: value,
        den: Decimal::from(a.den),
        labels,
        special: match a.kind {
            AtomKind::Special(s) => Some(s),
            _ => None,
        },
    })
}

/// Resolve one symbol (no exponent): an atom, or a prefix and a metric atom.
fn lookup(sym: &str, whole: &str) -> Result<Unit, UnitError> {
    let out_of_range = || UnitError::OutOfRange {
        unit: whole.to_string(),
    };
    if let Some(a) = ATOMS.iter().find(|a| a.sym == sym) {
        return atom_unit(a, 0, sym).ok_or_else(out_of_range);
    }
    for (p, e) in PREFIXES {
        if let Some(rest) = sym.strip_prefix(p)
            && let Some(a) = ATOMS.iter().find(|a| a.sym == rest)
        {
            if matches!(a.kind, AtomKind::Special(_)) {
                return Err(UnitError::Special {
                    unit: whole.to_string(),
                });
            }
            if a.metric {
                return atom_unit(a, *e, sym).ok_or_else(out_of_range);
            }
        }
    }
    Err(UnitError::UnknownAtom {
        unit: whole.to_string(),
        atom: sym.to_string(),
    })
}

// ---------------------------------------------------------------------------
// Parser (UCUM grammar: terms joined by '.' and '/', parentheses, integer
// factors, exponents, annotations).

struct Parser<'a> {
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

fn is_special_atom(s: &str) -> bool {
    s == "Cel" || s == "[degF]"
}

// ---------------------------------------------------------------------------
// Record spellings.

/// A unit spelling read as UCUM, with what was changed to get there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    pub ucum: String,
    /// e.g. `"µ read as u"`; empty when the input was already UCUM.
    pub notes: Vec<String>,
}

/// Record spellings (compared after folding case, dropping spaces and
/// rewriting powers of ten) and their UCUM codes.
static SPELLINGS: &[(&str, &str)] = &[
    ("mg/dl", "mg/dL"),
    ("gm/dl", "g/dL"),
    ("g/dl", "g/dL"),
    ("ug/dl", "ug/dL"),
    ("mg/l", "mg/L"),
    ("g/l", "g/L"),
    ("ug/l", "ug/L"),
    ("ng/l", "ng/L"),
    ("ng/ml", "ng/mL"),
    ("pg/ml", "pg/mL"),
    ("ug/ml", "ug/mL"),
    ("mg/ml", "mg/mL"),
    ("mol/l", "mol/L"),
    ("mmol/l", "mmol/L"),
    ("umol/l", "umol/L"),
    ("nmol/l", "nmol/L"),
    ("pmol/l", "pmol/L"),
    ("meq/l", "meq/L"),
    ("mosm/kg", "mosm/kg"),
    ("u/l", "U/L"),
    ("iu/l", "[IU]/L"),
    ("[iu]/l", "[IU]/L"),
    ("iu/ml", "[IU]/mL"),
    ("[iu]/ml", "[IU]/mL"),
    ("miu/ml", "m[IU]/mL"),
    ("m[iu]/ml", "m[IU]/mL"),
    ("miu/l", "m[IU]/L"),
    ("uiu/ml", "u[IU]/mL"),
    ("u[iu]/ml", "u[IU]/mL"),
    ("10*9/l", "10*9/L"),
    ("10*12/l", "10*12/L"),
    ("10*6/l", "10*6/L"),
    ("10*3/ul", "10*3/uL"),
    ("10*6/ul", "10*6/uL"),
    ("10*3/mm3", "10*3/mm3"),
    ("k/ul", "10*3/uL"),
    ("thou/ul", "10*3/uL"),
    ("m/ul", "10*6/uL"),
    ("/ul", "/uL"),
    ("cells/ul", "/uL"),
    ("/mm3", "/mm3"),
    ("cells/mm3", "/mm3"),
    ("/cumm", "/mm3"),
    ("/l", "/L"),
    ("%", "%"),
    ("percent", "%"),
    ("pct", "%"),
    ("ml/min", "mL/min"),
    ("ml/min/1.73m2", "mL/min/{1.73_m2}"),
    ("ml/min/1.73m^2", "mL/min/{1.73_m2}"),
    ("ml/min/{1.73_m2}", "mL/min/{1.73_m2}"),
    ("ml/min/1.73_m2", "mL/min/{1.73_m2}"),
    ("mg/24h", "mg/(24.h)"),
    ("mg/24hr", "mg/(24.h)"),
    ("mg/24hrs", "mg/(24.h)"),
    ("mg/(24.h)", "mg/(24.h)"),
    ("g/24h", "g/(24.h)"),
    ("g/24hr", "g/(24.h)"),
    ("g/(24.h)", "g/(24.h)"),
    ("mg/day", "mg/d"),
    ("g/day", "g/d"),
    ("mg/d", "mg/d"),
    ("g/d", "g/d"),
    ("mg/g", "mg/g"),
    ("mg/mmol", "mg/mmol"),
    ("g/g", "g/g"),
    ("mg/mg", "mg/mg"),
    ("s", "s"),
    ("sec", "s"),
    ("secs", "s"),
    ("seconds", "s"),
    ("min", "min"),
    ("h", "h"),
    ("hr", "h"),
    ("hrs", "h"),
    ("kg", "kg"),
    ("g", "g"),
    ("lb", "[lb_av]"),
    ("lbs", "[lb_av]"),
    ("[lb_av]", "[lb_av]"),
    ("cm", "cm"),
    ("m", "m"),
    ("in", "[in_i]"),
    ("[in_i]", "[in_i]"),
    ("cel", "Cel"),
    ("degc", "Cel"),
    ("[degf]", "[degF]"),
    // Synthea and others write pH's unit without UCUM's brackets.
    ("ph", "[pH]"),
    ("[ph]", "[pH]"),
    ("degf", "[degF]"),
    ("mmhg", "mm[Hg]"),
    ("mm[hg]", "mm[Hg]"),
    ("cmh2o", "cm[H2O]"),
    ("inr", "{INR}"),
    ("{inr}", "{INR}"),
    ("score", "{score}"),
    ("{score}", "{score}"),
    ("points", "{score}"),
    ("titer", "{titer}"),
    ("{titer}", "{titer}"),
    ("fl", "fL"),
    ("pg", "pg"),
    ("ml", "mL"),
    ("l", "L"),
    ("ratio", "{ratio}"),
];

/// Normalise a unit as spelled in a patient record to UCUM: "mg/dl"→"mg/dL",
/// "µmol/L"/"μmol/L"→"umol/L", "x10^9/L"/"10^9/L"/"×10⁹/L"→"10*9/L",
/// "/mm³"→"/mm3", "mmHg"→"mm[Hg]", "cells/uL"→"/uL" etc. Err for units it
/// cannot read.
pub fn normalize_unit(s: &str) -> Result<String, UnitError> {
    normalize(s).map(|n| n.ucum)
}

/// [`normalize_unit`] with notes on what was rewritten (the µ → u alias is
/// accepted only here, and reported).
pub fn normalize(s: &str) -> Result<Normalized, UnitError> {
    let mut notes = Vec::new();
    let trimmed = s.trim();
    if trimmed.is_empty() {
        return Ok(Normalized {
            ucum: "1".into(),
            notes: vec!["no unit read as a pure number (1)".into()],
        });
    }
    let mut t = String::with_capacity(trimmed.len());
    let mut in_superscript = false;
    for c in trimmed.chars() {
        let sup = superscript(c);
        // "10⁹" is 10^9; "m²" is UCUM's m2
        if sup.is_some() && !in_superscript && t.ends_with(|p: char| p.is_ascii_digit()) {
            t.push('^');
        }
        in_superscript = sup.is_some();
        if let Some(d) = sup {
            t.push(d);
            continue;
        }
        match c {
            'µ' | 'μ' => {
                if !notes.iter().any(|n: &String| n.starts_with('µ')) {
                    notes.push("µ read as u".to_string());
                }
                t.push('u');
            }
            '×' => t.push('x'),
            '·' => t.push('.'),
            '°' => t.push_str("deg"),
            c if c.is_whitespace() => {}
            c => t.push(c),
        }
    }
    let t = powers_of_ten(&t);
    let folded = t.to_lowercase();
    if let Some((_, ucum)) = SPELLINGS.iter().find(|(k, _)| *k == folded) {
        if *ucum != trimmed {
            notes.push(format!("{trimmed:?} read as UCUM {ucum:?}"));
        }
        return Ok(Normalized {
            ucum: (*ucum).to_string(),
            notes,
        });
    }
    match parse_unit(&t) {
        Ok(_) => {
            if t != trimmed {
                notes.push(format!("{trimmed:?} read as UCUM {t:?}"));
            }
            Ok(Normalized { ucum: t, notes })
        }
        Err(e) => Err(match e {
            UnitError::Syntax { reason, .. } => UnitError::Syntax {
                unit: s.to_string(),
                reason,
            },
            UnitError::UnknownAtom { atom, .. } => UnitError::UnknownAtom {
                unit: s.to_string(),
                atom,
            },
            other => other,
        }),
    }
}

fn superscript(c: char) -> Option<char> {
    Some(match c {
        '⁰' => '0',
        '¹' => '1',
        '²' => '2',
        '³' => '3',
        '⁴' => '4',
        '⁵' => '5',
        '⁶' => '6',
        '⁷' => '7',
        '⁸' => '8',
        '⁹' => '9',
        '⁻' => '-',
        _ => return None,
    })
}

/// Rewrite "x10^9", "10^9", "10e9", "10E9", "10**9" and "x10*9" as UCUM "10*9".
fn powers_of_ten(t: &str) -> String {
    let b = t.as_bytes();
    let mut out = String::with_capacity(t.len());
    let mut i = 0;
    while i < b.len() {
        let rest = &t[i..];
        if let Some(after) = rest.strip_prefix("10") {
            let marker = ["**", "^", "*", "e", "E"]
                .iter()
                .find(|m| after.starts_with(**m))
                .map(|m| m.len());
            if let Some(mlen) = marker {
                let exp = &after[mlen..];
                let sign = usize::from(exp.starts_with('-'));
                let ndig = exp[sign..].bytes().take_while(u8::is_ascii_digit).count();
                let prev_ok = i == 0 || matches!(b[i - 1], b'x' | b'X' | b'*' | b'/' | b'(' | b'.');
                if ndig > 0 && prev_ok {
                    if out.ends_with(['x', 'X']) || (out.ends_with('*') && mlen != 1) {
                        out.pop();
                    }
                    out.push_str("10*");
                    out.push_str(&exp[..sign + ndig]);
                    i += 2 + mlen + sign + ndig;
                    continue;
                }
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// Read a unit that should be UCUM: strictly first, then as a record
/// spelling.
fn resolve(s: &str) -> Result<(String, Unit), UnitError> {
    if let Ok(u) = parse_unit(s)
        && !SPELLINGS
            .iter()
            .any(|(k, v)| *k == s.to_lowercase() && *v != s)
    {
        return Ok((s.to_string(), u));
    }
    let n = normalize(s)?;
    let u = parse_unit(&n.ucum)?;
    Ok((n.ucum, u))
}

/// Read a unit case-insensitively, the way laboratory systems often store
/// them ("MG/DL", "Mmol/L", "10^9/l"): the record spelling table first, then
/// UCUM as written.
pub fn parse_lenient(s: &str) -> Result<Unit, UnitError> {
    resolve(s).map(|(_, u)| u)
}

// ---------------------------------------------------------------------------
// Molar masses.

/// An analyte whose mass and molar concentrations convert into each other,
/// defined by its conventional factor `1 <unit_a> = <factor> <unit_b>`, one
/// side a mass and the other a molar concentration (INSTRUMENTS.md §17;
/// calcium, magnesium, lipids and urate from their molar masses).
struct Analyte {
    keys: &'static [&'static str],
    unit_a: &'static str,
    factor: &'static str,
    unit_b: &'static str,
}

static ANALYTES: &[Analyte] = &[
    // M = 113.12 g/mol. Also the creatinine of a urine protein/creatinine
    // ratio (mg/mmol ↔ mg/g, × 8.84 = 1000 / 113.12).
    Analyte {
        keys: &["creatinine", "upcr", "uacr"],
        unit_a: "mg/dL",
        factor: "88.4",
        unit_b: "umol/L",
    },
    // M = 584.66 g/mol.
    Analyte {
        keys: &["total_bilirubin", "bilirubin", "direct_bilirubin"],
        unit_a: "mg/dL",
        factor: "17.1",
        unit_b: "umol/L",
    },
    // Haem monomer convention, M ≈ 16 114.5 g/mol.
    Analyte {
        keys: &["hemoglobin", "haemoglobin"],
        unit_a: "g/dL",
        factor: "0.6206",
        unit_b: "mmol/L",
    },
    // M = 180.16 g/mol.
    Analyte {
        keys: &["glucose"],
        unit_a: "mmol/L",
        factor: "18.016",
        unit_b: "mg/dL",
    },
    // M = 40.08 g/mol.
    Analyte {
        keys: &["calcium", "ionized_calcium"],
        unit_a: "mmol/L",
        factor: "4.008",
        unit_b: "mg/dL",
    },
    // M = 24.305 g/mol.
    Analyte {
        keys: &["magnesium"],
        unit_a: "mmol/L",
        factor: "2.4305",
        unit_b: "mg/dL",
    },
    // M = 386.65 g/mol.
    Analyte {
        keys: &["cholesterol"],
        unit_a: "mmol/L",
        factor: "38.665",
        unit_b: "mg/dL",
    },
    // Triolein convention, M = 885.7 g/mol.
    Analyte {
        keys: &["triglycerides"],
        unit_a: "mmol/L",
        factor: "88.57",
        unit_b: "mg/dL",
    },
    // M = 168.11 g/mol.
    Analyte {
        keys: &["uric_acid", "urate"],
        unit_a: "mmol/L",
        factor: "16.811",
        unit_b: "mg/dL",
    },
];

/// The analyte's molar mass in g/mol as an exact ratio `num / den`.
fn molar_mass(analyte: &str) -> Option<(Decimal, Decimal, &'static Analyte)> {
    let key = analyte.to_ascii_lowercase();
    let a = ANALYTES.iter().find(|a| a.keys.contains(&key.as_str()))?;
    let ua = parse_unit(a.unit_a).ok()?;
    let ub = parse_unit(a.unit_b).ok()?;
    let f = Decimal::from_str(a.factor).ok()?;
    // 1 unit_a = f unit_b, in base units (g/m3, mol/m3):
    //   a mass:  a.scale = f × b.scale × M  =>  M = a.scale / (f × b.scale)
    //   a molar: a.scale × M = f × b.scale  =>  M = f × b.scale / a.scale
    let (num, den) = if ua.dims[AMOUNT] == 0 {
        (
            ua.num.checked_mul(ub.den)?,
            ua.den.checked_mul(ub.num)?.checked_mul(f)?,
        )
    } else {
        (
            f.checked_mul(ub.num)?.checked_mul(ua.den)?,
            ub.den.checked_mul(ua.num)?,
        )
    };
    Some((num, den, a))
}

/// Whether eligo knows a molar mass for this analyte key.
pub fn has_molar_mass(analyte: &str) -> bool {
    molar_mass(analyte).is_some()
}

// ---------------------------------------------------------------------------
// Conversion.

/// A converted quantity and how it was computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversion {
    pub quantity: Quantity,
    /// e.g. "80 umol/L ÷ 88.4 = 0.905 mg/dL"; empty when no conversion was
    /// needed
    pub explanation: String,
}

/// Convert a quantity to the unit `to`. `analyte` is eligo's vocabulary key,
/// needed for mass<->molar conversions: "creatinine", "total_bilirubin" (also
/// accept "bilirubin"), "hemoglobin", "glucose"; None when no molar conversion
/// is needed. Incompatible units → Err (never guess).
pub fn convert(q: &Quantity, to: &str, analyte: Option<&str>) -> Result<Conversion, UnitError> {
    let (from_code, from) = resolve(&q.unit)?;
    let (to_code, to_u) = resolve(to)?;
    let done = |value: Decimal, explanation: String| Conversion {
        quantity: Quantity::new(value, to_code.clone()),
        explanation,
    };
    if from.same_as(&to_u) {
        return Ok(done(q.value, String::new()));
    }
    let overflow = || UnitError::Overflow {
        value: q.value,
        unit: from_code.clone(),
    };
    if from.special.is_some() || to_u.special.is_some() {
        let value = convert_value(q.value, &from, &to_u, analyte)?;
        let how = match (from.special, to_u.special) {
            (Some(Special::Celsius), Some(Special::Fahrenheit)) => "× 9/5 + 32",
            (Some(Special::Fahrenheit), Some(Special::Celsius)) => "− 32 × 5/9",
            _ => "(temperature scale)",
        };
        let expl = format!(
            "{} {from_code} {how} = {} {to_code}",
            show(q.value),
            show(value)
        );
        return Ok(done(value, expl));
    }
    let f = factor(&from, &to_u, analyte)?;
    let value = f.apply(q.value).ok_or_else(overflow)?;
    let factor = factor_text(f.n, f.d);
    let mut expl = format!(
        "{} {from_code} {factor} = {} {to_code}",
        show(q.value),
        show(value)
    );
    if let Some(a) = f.via {
        let declared = Decimal::from_str(a.factor).map(|f| f.normalize().to_string());
        let states_it =
            declared.is_ok_and(|f| factor == format!("× {f}") || factor == format!("÷ {f}"));
        if !states_it {
            expl.push_str(&format!(
                " ({}: 1 {} = {} {})",
                analyte.unwrap_or(""),
                a.unit_a,
                a.factor,
                a.unit_b
            ));
        }
    }
    Ok(done(value, expl))
}

/// An exact conversion factor `n / d`, and the analyte whose molar mass it
/// used.
pub(crate) struct Factor {
    n: Decimal,
    d: Decimal,
    via: Option<&'static Analyte>,
}

impl Factor {
    pub(crate) fn apply(&self, v: Decimal) -> Option<Decimal> {
        v.checked_mul(self.n)?.checked_div(self.d)
    }
}

/// The factor from one unit to another: a scale ratio between commensurable
/// units, or through the analyte's molar mass between mass and molar forms.
/// Not for temperatures with an offset.
pub(crate) fn factor(from: &Unit, to: &Unit, analyte: Option<&str>) -> Result<Factor, UnitError> {
    let incompatible = || UnitError::Incompatible {
        from: from.to_string(),
        to: to.to_string(),
    };
    if from.special.is_some() || to.special.is_some() {
        return Err(UnitError::Special {
            unit: if from.special.is_some() { from } else { to }.to_string(),
        });
    }
    let overflow = || UnitError::OutOfRange {
        unit: format!("{from} -> {to}"),
    };
    let mut n = from.num.checked_mul(to.den).ok_or_else(overflow)?;
    let mut d = from.den.checked_mul(to.num).ok_or_else(overflow)?;
    if from.commensurable(to) {
        return Ok(Factor { n, d, via: None });
    }
    let (mut f, mut t) = (from.dims, to.dims);
    let (nf, nt) = (f[AMOUNT], t[AMOUNT]);
    if nf == nt || from.labels != to.labels {
        return Err(incompatible());
    }
    f[AMOUNT] = 0;
    t[AMOUNT] = 0;
    let (Some(fm), Some(tm)) = (f[MASS].checked_add(nf), t[MASS].checked_add(nt)) else {
        return Err(incompatible());
    };
    (f[MASS], t[MASS]) = (fm, tm);
    if f != t {
        return Err(incompatible());
    }
    let Some(key) = analyte else {
        return Err(UnitError::NeedsAnalyte {
            from: from.to_string(),
            to: to.to_string(),
        });
    };
    let Some((mn, md, a)) = molar_mass(key) else {
        return Err(UnitError::UnknownAnalyte {
            analyte: key.to_string(),
            from: from.to_string(),
            to: to.to_string(),
        });
    };
    // value in mass form = value × M^(amount exponent)
    let k = i16::from(nf) - i16::from(nt);
    let (pn, pd) = if k > 0 { (mn, md) } else { (md, mn) };
    for _ in 0..k.unsigned_abs() {
        n = n.checked_mul(pn).ok_or_else(overflow)?;
        d = d.checked_mul(pd).ok_or_else(overflow)?;
    }
    Ok(Factor { n, d, via: Some(a) })
}

/// Convert a bare value between parsed units (temperatures included).
pub(crate) fn convert_value(
    v: Decimal,
    from: &Unit,
    to: &Unit,
    analyte: Option<&str>,
) -> Result<Decimal, UnitError> {
    let overflow = || UnitError::Overflow {
        value: v,
        unit: from.to_string(),
    };
    if from.special.is_some() || to.special.is_some() {
        if !from.commensurable(to) {
            return Err(UnitError::Incompatible {
                from: from.to_string(),
                to: to.to_string(),
            });
        }
        return temperature(v, from, to).ok_or_else(overflow);
    }
    factor(from, to, analyte)?.apply(v).ok_or_else(overflow)
}

/// "× 88.4", "÷ 88.4" or "× 1000 ÷ 88.4": whichever states the factor exactly
/// and shortest.
fn factor_text(n: Decimal, d: Decimal) -> String {
    let short = |x: Decimal| x.normalize().to_string().len() <= 12;
    let exact_div = |a: Decimal, b: Decimal| {
        a.checked_div(b)
            .filter(|q| q.checked_mul(b) == Some(a) && short(*q))
            .map(|q| q.normalize())
    };
    if let Some(q) = exact_div(n, d) {
        return format!("× {q}");
    }
    if let Some(q) = exact_div(d, n) {
        return format!("÷ {q}");
    }
    format!("× {} ÷ {}", n.normalize(), d.normalize())
}

fn temperature(v: Decimal, from: &Unit, to: &Unit) -> Option<Decimal> {
    let kelvin = match from.special {
        Some(Special::Celsius) => v.checked_add(Decimal::new(27315, 2))?,
        Some(Special::Fahrenheit) => v
            .checked_add(Decimal::new(45967, 2))?
            .checked_mul(Decimal::from(5))?
            .checked_div(Decimal::from(9))?,
        None => v.checked_mul(from.num)?.checked_div(from.den)?,
    };
    match to.special {
        Some(Special::Celsius) => kelvin.checked_sub(Decimal::new(27315, 2)),
        Some(Special::Fahrenheit) => kelvin
            .checked_mul(Decimal::from(9))?
            .checked_div(Decimal::from(5))?
            .checked_sub(Decimal::new(45967, 2)),
        None => kelvin.checked_mul(to.den)?.checked_div(to.num),
    }
}

/// A number for explanations: four significant digits, no trailing zeros.
pub(crate) fn show(d: Decimal) -> String {
    let r = if d.abs() >= Decimal::from(10_000) {
        d.round_dp(0)
    } else {
        d.round_sf(4).unwrap_or(d)
    };
    r.normalize().to_string()
}
