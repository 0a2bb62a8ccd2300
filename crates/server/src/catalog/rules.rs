//! Decoded rule sets kept between requests, and reading the ones a match needs
//! (from the cache, else decoded from the store, else compiled).

use super::*;

/// Decoded rule sets, at most `capacity`, shared by all requests. When full,
/// a pseudo-random entry makes room: unlike least-recently-used, a scan
/// larger than the cache still finds part of it.
pub struct RuleCache {
    capacity: usize,
    inner: Mutex<CacheInner>,
}

#[derive(Default)]
pub(crate) struct CacheInner {
    /// id → (generation of the trial's content, rule set, slot)
    map: HashMap<Box<str>, (i64, Arc<RuleSet>, usize)>,
    slots: Vec<Box<str>>,
    seed: u64,
}

/// Rule sets kept decoded by default. A rule set of a long real criteria
/// text takes tens of kB decoded (20,000 of them held 1.5 GB at 100,000
/// synthetic trials), so the cache stays small.
pub const DEFAULT_RULE_CACHE: usize = 2_000;

impl RuleCache {
    pub fn new(capacity: usize) -> RuleCache {
        RuleCache {
            capacity,
            inner: Mutex::new(CacheInner::default()),
        }
    }

    fn get(&self, id: &str, generation: i64) -> Option<Arc<RuleSet>> {
        let inner = self.inner.lock().ok()?;
        match inner.map.get(id) {
            Some((g, r, _)) if *g == generation => Some(r.clone()),
            _ => None,
        }
    }

    fn put(&self, id: &str, generation: i64, rules: Arc<RuleSet>) {
        if self.capacity == 0 {
            return;
        }
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        if let Some(slot) = inner.map.get_mut(id) {
            slot.0 = generation;
            slot.1 = rules;
            return;
        }
        let slot = if inner.slots.len() < self.capacity {
            inner.slots.push(id.into());
            inner.slots.len() - 1
        } else {
            inner.seed = mix(inner.seed);
            let slot = (inner.seed % inner.slots.len() as u64) as usize;
            let old = std::mem::replace(&mut inner.slots[slot], id.into());
            inner.map.remove(&old);
            slot
        };
        inner.map.insert(id.into(), (generation, rules, slot));
    }

    /// Rule sets held.
    pub fn len(&self) -> usize {
        self.inner.lock().map(|i| i.map.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// SplitMix64: a cheap, well-spread step for choosing a slot.
pub(crate) fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The rule sets of the trials at `ordinals` of `cat`, in that order: from
/// the cache, else decoded from the store (on every core), else compiled
/// (a trial changed by an eligo that does not compile at import).
pub(crate) async fn load_rules(
    store: &Store,
    cache: &RuleCache,
    cat: &Catalog,
    ordinals: &[u32],
) -> anyhow::Result<Vec<Arc<RuleSet>>> {
    let mut out: Vec<Option<Arc<RuleSet>>> = ordinals
        .iter()
        .map(|&o| cache.get(&cat.ids[o as usize], cat.entries[o as usize].generation))
        .collect();
    let missing: Vec<usize> = (0..out.len()).filter(|&i| out[i].is_none()).collect();
    if missing.is_empty() {
        return Ok(out.into_iter().flatten().collect());
    }
    let ids: Vec<&str> = missing
        .iter()
        .map(|&i| &*cat.ids[ordinals[i] as usize])
        .collect();
    let mut data = store.rules_data(&ids, compiler_id()).await?;
    let blobs: Vec<(String, Option<Vec<u8>>)> = ids
        .iter()
        .map(|id| (id.to_string(), data.remove(*id)))
        .collect();
    let decoded = tokio::task::spawn_blocking(move || {
        eligo_matcher::parallel_map(&blobs, |(id, blob)| {
            blob.as_deref().map(|b| read_rules(id, b)).transpose()
        })
    })
    .await?;
    let mut uncompiled: Vec<usize> = Vec::new();
    for (&i, r) in missing.iter().zip(decoded) {
        match r? {
            Some(r) => out[i] = Some(Arc::new(r)),
            None => uncompiled.push(i),
        }
    }
    if !uncompiled.is_empty() {
        let ids: Vec<&str> = uncompiled
            .iter()
            .map(|&i| &*cat.ids[ordinals[i] as usize])
            .collect();
        let trials = store.trials_with_hash(&ids).await?;
        let compiled = tokio::task::spawn_blocking(move || {
            eligo_matcher::parallel_map(&trials, |(t, hash)| {
                let r = RuleSet::compile(t);
                let row = rules_row(&r, hash);
                (r, row)
            })
        })
        .await?;
        let mut rows = Vec::with_capacity(compiled.len());
        let mut by_id: HashMap<String, RuleSet> = HashMap::new();
        for (r, row) in compiled {
            rows.push(row?);
            by_id.insert(r.id.clone(), r);
        }
        if let Err(e) = store.put_rules(&rows).await {
            tracing::warn!("compiled criteria not stored: {e}");
        }
        for i in uncompiled {
            let id = &cat.ids[ordinals[i] as usize];
            let r = by_id
                .remove(&**id)
                .ok_or_else(|| anyhow::anyhow!("trial {id} is no longer in the registry"))?;
            out[i] = Some(Arc::new(r));
        }
    }
    for (&o, r) in ordinals.iter().zip(&out) {
        if let Some(r) = r {
            let o = o as usize;
            cache.put(&cat.ids[o], cat.entries[o].generation, r.clone());
        }
    }
    Ok(out.into_iter().flatten().collect())
}
