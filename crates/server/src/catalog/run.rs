//! Matching a patient against a catalog: the steps that rank trials by their
//! key floors and evaluate in full only the ones returned.

use super::*;

/// Trials evaluated per step of [`Matching::run`]: bounds the memory a
/// match holds (rule sets and full results) whatever the registry's size.
pub(crate) const MATCH_CHUNK: usize = 2048;

/// What matching a patient reads: the store, the rule cache and a catalog.
pub struct Matching<'a> {
    pub store: &'a Store,
    pub cache: &'a RuleCache,
    pub catalog: &'a Catalog,
}

impl Matching<'_> {
    /// Match a patient: choose, then load, evaluate (on every core) and
    /// rank chunk by chunk. `each` turns every result into what the caller
    /// keeps (the whole match, or a row of a table); with `keep`, only that
    /// many of the best-ranked are kept. Returns them ranked, with the
    /// number of trials evaluated.
    ///
    /// With `keep`, only the kept trials are evaluated in full: the others
    /// are ranked without their evidence ([`eligo_matcher::rank_many`]),
    /// a trial with a failed criterion only as far as that failure, a
    /// trial for a condition the patient does not have not at all (its
    /// gate in the index), and none whose least possible key (its floor,
    /// from the index) ranks after `keep` trials already ranked; the failed
    /// criteria of ineligible trials are counted only when too few others
    /// fill `keep`. The result is the full evaluation's, exactly (tests
    /// compare the two).
    pub async fn run<R: Send + 'static>(
        &self,
        facts: Arc<PatientFacts>,
        as_of: Date,
        choice: &Choice,
        keep: Option<usize>,
        each: impl Fn(TrialMatch) -> R + Send + Sync + Clone + 'static,
    ) -> anyhow::Result<(Vec<(Ranked, R)>, usize)> {
        let chosen = self.catalog.choose(&facts, choice);
        let Some(keep) = keep else {
            return Ok((
                self.evaluate(&facts, as_of, &chosen, None, each).await?,
                chosen.len(),
            ));
        };
        let (gated, queue) = self.catalog.floors(&facts, as_of, &chosen);
        // Ranked without evidence, by floor then id, in growing steps,
        // until the best `keep` rank before every floor left; ineligible
        // ones set aside.
        let mut best: Vec<((u8, usize), u32)> = Vec::new();
        let mut ineligible: Vec<u32> = gated;
        let mut at = 0;
        let mut step = FIRST_STEP.max(2 * keep);
        while at < queue.len() {
            if best.len() >= keep {
                best.sort_unstable();
                best.truncate(keep);
                if best[keep - 1] < queue[at] {
                    break;
                }
            }
            let end = (at + step).min(queue.len());
            let part: Vec<u32> = queue[at..end].iter().map(|&(_, o)| o).collect();
            for (&o, q) in part
                .iter()
                .zip(self.rank(&facts, as_of, &part, true).await?)
            {
                match q {
                    Quick::Key(k) => best.push((k, o)),
                    Quick::Ineligible => ineligible.push(o),
                }
            }
            at = end;
            // The next step: enough for `keep` trials ranking before the
            // next floor at the rate seen so far; growing fast while none
            // do (each step costs a store read and a parallel pass).
            let Some(next) = queue.get(at) else { break };
            let good = best.iter().filter(|b| *b < next).count();
            step = if good == 0 {
                step * 4
            } else {
                let need = keep.saturating_sub(good).max(1);
                need * at / good + need * at / good / 4
            }
            .clamp(FIRST_STEP, MATCH_CHUNK);
        }
        best.sort_unstable();
        best.truncate(keep);
        if best.len() < keep {
            // The best ineligible ones fill the rest: by their number of
            // failed criteria, then id. By id order, one that cannot rank
            // before the last kept (it has at least one failure and a
            // greater id) ends the search.
            let need = keep - best.len();
            ineligible.sort_unstable();
            let mut worst: Vec<((u8, usize), u32)> = Vec::new();
            for part in ineligible.chunks(RANK_STEP) {
                if worst.len() == need && worst.last().is_some_and(|w| w.0 <= (2, 1)) {
                    break;
                }
                for (&o, q) in part
                    .iter()
                    .zip(self.rank(&facts, as_of, part, false).await?)
                {
                    if let Quick::Key(k) = q {
                        worst.push((k, o));
                    }
                }
                worst.sort_unstable();
                worst.truncate(need);
            }
            best.extend(worst);
        }
        let mut kept: Vec<u32> = best.iter().map(|&(_, o)| o).collect();
        kept.sort_unstable();
        let out = self
            .evaluate(&facts, as_of, &kept, Some(keep), each)
            .await?;
        debug_assert!(
            out.iter()
                .map(|(r, _)| (r.key, r.trial_id.as_str()))
                .eq(best
                    .iter()
                    .map(|&(k, o)| (k, &*self.catalog.ids[o as usize]))),
            "the ranking pass and the full evaluation disagree"
        );
        Ok((out, chosen.len()))
    }

    /// The full evaluation of the trials at `ordinals`, chunk by chunk,
    /// ranked (the best `keep` of them).
    async fn evaluate<R: Send + 'static>(
        &self,
        facts: &Arc<PatientFacts>,
        as_of: Date,
        ordinals: &[u32],
        keep: Option<usize>,
        each: impl Fn(TrialMatch) -> R + Send + Sync + Clone + 'static,
    ) -> anyhow::Result<Vec<(Ranked, R)>> {
        let mut kept: Vec<(Ranked, R)> = Vec::new();
        for part in ordinals.chunks(MATCH_CHUNK) {
            let sets = load_rules(self.store, self.cache, self.catalog, part).await?;
            let f = facts.clone();
            let each = each.clone();
            let results = tokio::task::spawn_blocking(move || {
                eligo_matcher::evaluate_many(&sets, &f, as_of, |m| (Ranked::of(&m), each(m)))
            })
            .await?;
            kept.extend(results);
            if let Some(k) = keep
                && kept.len() > k
            {
                kept.sort_by(|a, b| a.0.cmp(&b.0));
                kept.truncate(k);
            }
        }
        kept.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(kept)
    }

    /// The ranking pass over the trials at `ordinals`, in their order.
    async fn rank(
        &self,
        facts: &Arc<PatientFacts>,
        as_of: Date,
        ordinals: &[u32],
        stop: bool,
    ) -> anyhow::Result<Vec<Quick>> {
        let sets = load_rules(self.store, self.cache, self.catalog, ordinals).await?;
        let f = facts.clone();
        Ok(
            tokio::task::spawn_blocking(move || eligo_matcher::rank_many(&sets, &f, as_of, stop))
                .await?,
        )
    }
}

/// Ineligible trials ranked per step when their failed criteria must be
/// counted (small: the search usually ends within a step or two).
pub(crate) const RANK_STEP: usize = 256;

/// The least number of trials ranked in a step of [`Matching::run`] (the
/// first step ranks twice `keep`, the next ones as many as the rate seen
/// so far says are needed, up to [`MATCH_CHUNK`]). Small, as `limit`
/// trials often rank before every floor left after a few hundred (every
/// trial at 500,000 with `all=true` would otherwise be decoded); the steps
/// grow fast enough that a match which must rank everything takes few.
pub(crate) const FIRST_STEP: usize = 16;

/// Where a match ranks ([`eligo_matcher::rank`]'s order), without the match.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ranked {
    pub key: (u8, usize),
    pub trial_id: String,
}

impl Ranked {
    pub fn of(m: &TrialMatch) -> Ranked {
        Ranked {
            key: eligo_matcher::rank_key(m),
            trial_id: m.trial_id.clone(),
        }
    }
}
