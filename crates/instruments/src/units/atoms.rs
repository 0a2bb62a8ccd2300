//! The atom table: the UCUM units eligo reads (UCUM 2.1, c/s symbols).

use super::*;

// ---------------------------------------------------------------------------
// The atom table: the UCUM units eligo reads (UCUM 2.1, c/s symbols).

pub(crate) struct Atom {
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
pub(crate) enum AtomKind {
    Plain,
    /// Arbitrary unit: its own label, never converts into anything else.
    Arbitrary,
    Special(Special),
}

pub(crate) const fn d(l: i8, m: i8, t: i8, n: i8) -> [i8; NDIM] {
    [l, m, t, n, 0, 0, 0, 0]
}

pub(crate) const fn base(i: usize) -> [i8; NDIM] {
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

pub(crate) const NONE: [i8; NDIM] = [0; NDIM];

/// Definitions from the UCUM specification (base, SI, clinical and customary
/// units) restricted to what laboratory and vital-sign data use.
pub(crate) static ATOMS: &[Atom] = &[
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

pub(crate) static PREFIXES: &[(&str, i32)] = &[
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

pub(crate) fn pow10(e: i32) -> Option<Decimal> {
    if e >= 0 {
        let e = u32::try_from(e).ok()?;
        Decimal::try_from_i128_with_scale(10i128.checked_pow(e)?, 0).ok()
    } else {
        Decimal::try_from_i128_with_scale(1, e.unsigned_abs()).ok()
    }
}

pub(crate) fn checked_powi(x: Decimal, e: u8) -> Option<Decimal> {
    let mut r = Decimal::ONE;
    for _ in 0..e {
        r = r.checked_mul(x)?;
    }
    Some(r)
}

pub(crate) fn atom_unit(a: &Atom, prefix: i32, sym: &str) -> Option<Unit> {
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
pub(crate) fn lookup(sym: &str, whole: &str) -> Result<Unit, UnitError> {
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
