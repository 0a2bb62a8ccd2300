//! Latency summaries: nearest-rank percentiles over all samples (no
//! sampling, no smoothing), in milliseconds.

use serde::Serialize;

#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Latency {
    pub n: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
}

/// The sample at rank ceil(q·n) of the sorted samples (q in (0, 1]).
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Summary of `seconds` (durations in seconds).
pub fn summarize(seconds: &[f64]) -> Latency {
    let mut v: Vec<f64> = seconds.iter().map(|s| s * 1e3).collect();
    v.sort_by(f64::total_cmp);
    let round = |x: f64| (x * 1000.0).round() / 1000.0;
    Latency {
        n: v.len(),
        p50_ms: round(percentile(&v, 0.50)),
        p95_ms: round(percentile(&v, 0.95)),
        p99_ms: round(percentile(&v, 0.99)),
        max_ms: round(v.last().copied().unwrap_or(0.0)),
        mean_ms: round(if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        // 1..=100 ms: p50 is the 50th sample, p95 the 95th, p99 the 99th.
        let s: Vec<f64> = (1..=100).map(|k| k as f64 / 1e3).collect();
        let l = summarize(&s);
        assert_eq!(
            (l.p50_ms, l.p95_ms, l.p99_ms, l.max_ms),
            (50.0, 95.0, 99.0, 100.0)
        );
        assert_eq!(l.mean_ms, 50.5);
        // Few samples: p99 of 3 is the largest.
        assert_eq!(percentile(&[1.0, 2.0, 3.0], 0.99), 3.0);
        assert_eq!(percentile(&[1.0, 2.0, 3.0], 0.5), 2.0);
        assert_eq!(summarize(&[]).n, 0);
    }
}
