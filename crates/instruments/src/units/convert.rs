//! Conversion between units of the same dimension.

use super::*;

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
pub(crate) fn factor_text(n: Decimal, d: Decimal) -> String {
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

pub(crate) fn temperature(v: Decimal, from: &Unit, to: &Unit) -> Option<Decimal> {
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
