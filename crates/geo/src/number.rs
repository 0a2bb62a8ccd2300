/// A plain decimal number: optional sign, digits, optional fraction
/// (`-33.9`, `+118`, `.5`, `50.`). Unlike `f64::from_str` it refuses
/// `inf`, `NaN` and exponents, which no person means by a coordinate or a
/// radius; `None` also for numbers too large to be finite.
pub(crate) fn parse_decimal(s: &str) -> Option<f64> {
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() && frac.is_empty() || !digits(int) || !digits(frac) {
        return None;
    }
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::parse_decimal;

    #[test]
    fn plain_decimals_only() {
        assert_eq!(parse_decimal("-33.9"), Some(-33.9));
        assert_eq!(parse_decimal("+118"), Some(118.0));
        assert_eq!(parse_decimal(".5"), Some(0.5));
        assert_eq!(parse_decimal("50."), Some(50.0));
        for bad in [
            "", ".", "-", "inf", "NaN", "1e3", "1.2.3", "1 2", "--1", "0x10", "١٢",
        ] {
            assert_eq!(parse_decimal(bad), None, "{bad:?}");
        }
        assert_eq!(parse_decimal(&"9".repeat(400)), None);
    }
}
