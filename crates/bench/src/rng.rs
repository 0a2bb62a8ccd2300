//! A tiny deterministic random stream. Study `i` draws from its own stream
//! (seeded by the corpus seed and `i`), so any study can be made alone, in
//! any order, and the same seed always gives the same bytes.

/// SplitMix64 finaliser: spreads consecutive inputs over 64 bits.
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// SplitMix64 as a stream.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// The stream for item `i` of the corpus with `seed`, in one `lane`
    /// (independent draws for one item, e.g. its revisions).
    pub fn for_item(seed: u64, i: u64, lane: u64) -> Rng {
        Rng(mix(
            mix(seed ^ 0x5eed) ^ mix(i.wrapping_mul(0x100).wrapping_add(lane))
        ))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }

    /// Uniform in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        // Multiply-shift: unbiased enough for n far below 2^64.
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        debug_assert!(lo <= hi);
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// An index drawn in proportion to `weights` (cumulative, see [`Cumulative`]).
    pub fn weighted(&mut self, c: &Cumulative) -> usize {
        c.index(self.unit())
    }
}

/// Cumulative weights for weighted draws by binary search.
#[derive(Clone, Debug)]
pub struct Cumulative {
    ends: Vec<f64>,
}

impl Cumulative {
    pub fn new(weights: impl IntoIterator<Item = f64>) -> Cumulative {
        let mut total = 0.0;
        let ends = weights
            .into_iter()
            .map(|w| {
                total += w.max(0.0);
                total
            })
            .collect::<Vec<_>>();
        assert!(total > 0.0, "weights must not all be zero");
        Cumulative {
            ends: ends.into_iter().map(|e| e / total).collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The index whose share of [0, 1) holds `u`.
    pub fn index(&self, u: f64) -> usize {
        self.ends
            .partition_point(|&e| e <= u)
            .min(self.ends.len() - 1)
    }

    /// The probability of index `k`.
    pub fn share(&self, k: usize) -> f64 {
        self.ends[k] - if k == 0 { 0.0 } else { self.ends[k - 1] }
    }
}
