//! Exact binomial intervals (Clopper-Pearson) and the binomial tail sums
//! BOIN's elimination rule needs, computed from the binomial distribution
//! itself (sums in log space, bounds found by bisection), not from a
//! normal approximation.

/// P(X ≤ k) for X ~ Binomial(n, p).
pub fn binom_cdf(k: i64, n: u32, p: f64) -> f64 {
    if k < 0 {
        return 0.0;
    }
    if k >= i64::from(n) {
        return 1.0;
    }
    if p <= 0.0 {
        return 1.0;
    }
    if p >= 1.0 {
        return 0.0;
    }
    let (lp, lq) = (p.ln(), (1.0 - p).ln());
    let mut ln_c = 0.0f64; // ln C(n, 0)
    let mut sum = 0.0f64;
    for i in 0..=k as u32 {
        if i > 0 {
            ln_c += f64::from(n - i + 1).ln() - f64::from(i).ln();
        }
        sum += (ln_c + f64::from(i) * lp + f64::from(n - i) * lq).exp();
    }
    sum.min(1.0)
}

/// The exact (Clopper-Pearson) two-sided interval for `x` successes in `n`
/// trials at confidence `1 - alpha`: the lower bound solves
/// P(X ≥ x | p) = α/2, the upper P(X ≤ x | p) = α/2.
pub fn clopper_pearson(x: u32, n: u32, alpha: f64) -> Option<(f64, f64)> {
    if n == 0 || x > n {
        return None;
    }
    let half = alpha / 2.0;
    let lower = if x == 0 {
        0.0
    } else {
        // P(X ≥ x | p) = 1 - cdf(x-1) rises with p.
        bisect(|p| 1.0 - binom_cdf(i64::from(x) - 1, n, p) - half, true)
    };
    let upper = if x == n {
        1.0
    } else {
        // cdf(x | p) falls with p.
        bisect(|p| binom_cdf(i64::from(x), n, p) - half, false)
    };
    Some((lower, upper))
}

/// The root of a monotone function on (0, 1).
fn bisect(f: impl Fn(f64) -> f64, increasing: bool) -> f64 {
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    for _ in 0..200 {
        let mid = (lo + hi) / 2.0;
        let v = f(mid);
        if (v < 0.0) == increasing {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (lo + hi) / 2.0
}

/// Median of whole numbers (the mean of the middle two for an even count).
pub fn median(v: &[i64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let mut s = v.to_vec();
    s.sort_unstable();
    let m = s.len() / 2;
    Some(if s.len() % 2 == 1 {
        s[m] as f64
    } else {
        (s[m - 1] + s[m]) as f64 / 2.0
    })
}
