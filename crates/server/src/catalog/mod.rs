//! The registry as matching sees it, at any size.
//!
//! In memory: a compact index of every trial (id, status, whether the
//! record is partial, the generation of its last change and the vocabulary
//! conditions it is about: about 100 bytes a trial) and a bounded cache of
//! rule sets. Trial records and compiled rule sets stay in the store and are
//! read on demand: compiled once at import ([`crate::registry::compile_stale`]
//! compiles what an import left), they are only decoded here.
//!
//! Matching a patient chooses trials from the index (the conditions they
//! are about, or all, or named ones), then loads, evaluates and ranks them
//! chunk by chunk, so memory stays flat however many are chosen.
//!
//! The server keeps one [`Catalog`] per store generation; when the store
//! changes, [`CatalogCache`] builds the next one in the background from the
//! changed rows only (and brings the search index up to date), then swaps it
//! in. Requests never wait for that: they use the catalog they found.

use crate::AppState;
use crate::error::AppError;
use crate::registry::{compile_stale, compiler_id, gate_text, read_gate, read_rules, rules_row};
use eligo_matcher::{Ctx, PatientConcepts, Quick, RuleSet};
use eligo_model::trial::OverallStatus;
use eligo_model::{Date, PatientFacts, Trial, TrialMatch};
use eligo_search::SearchIndex;
use eligo_store::Store;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

/// One trial in the index.
#[derive(Debug, Clone)]
struct Entry {
    status: Option<OverallStatus>,
    partial: bool,
    /// Store generation of the trial's last change (keys the rule cache).
    generation: i64,
    /// Interned target keys ([`Catalog::keys`]).
    targets: Box<[u32]>,
    /// Interned own conditions ([`Catalog::conditions`]): the trial is
    /// ineligible for a patient who has none of them (empty: no such
    /// criterion; see [`eligo_matcher::condition_gate`]).
    gate: Box<[u32]>,
}

/// A trial's own condition as the record names it, with its vocabulary key.
type Condition = (Box<str>, Option<Box<str>>);

/// Every trial of the registry at one store generation, as an index.
pub struct Catalog {
    pub generation: i64,
    /// Trial ids, sorted; `entries[i]` belongs to `ids[i]`.
    ids: Vec<Box<str>>,
    entries: Vec<Entry>,
    /// Interned vocabulary condition keys.
    keys: Vec<Box<str>>,
    key_ids: HashMap<Box<str>, u32>,
    /// Per key: ordinals of the non-partial trials about it, ascending.
    postings: Vec<Vec<u32>>,
    /// Interned own conditions of the trials (few distinct ones: a match
    /// evaluates each once for the patient).
    conditions: Vec<Condition>,
    condition_ids: HashMap<Condition, u32>,
}

/// A changed trial read from the store: id, entry, target keys, own conditions.
type Changed = (Box<str>, Entry, Vec<String>, Vec<(String, Option<String>)>);

/// Index entries read per step when filling in their gates.
const GATE_BATCH: usize = 2_000;

/// Give every row whose index entry was stored without its gate (by an
/// eligo before the column) one, from its stored rule set, and store it:
/// once per registry, with log lines (about a minute at 100,000 trials).
async fn fill_gates(store: &Store, rows: &mut [eligo_store::IndexRow]) -> anyhow::Result<()> {
    let todo: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].entry.as_ref().is_some_and(|e| e.gate.is_none()))
        .collect();
    if todo.is_empty() {
        return Ok(());
    }
    tracing::info!(
        "the match index of {} trials has no trial conditions yet: reading them from the compiled criteria (once)",
        todo.len()
    );
    for (n, part) in todo.chunks(GATE_BATCH).enumerate() {
        let ids: Vec<&str> = part.iter().map(|&i| rows[i].trial_id.as_str()).collect();
        let mut data = store.rules_data(&ids, compiler_id()).await?;
        let blobs: Vec<(String, Option<Vec<u8>>)> = ids
            .iter()
            .map(|id| (id.to_string(), data.remove(*id)))
            .collect();
        let gates = tokio::task::spawn_blocking(move || {
            eligo_matcher::parallel_map(&blobs, |(id, blob)| {
                let gate = match blob {
                    Some(b) => Some(gate_text(&read_rules(id, b)?)),
                    None => None,
                };
                anyhow::Ok((id.clone(), gate))
            })
        })
        .await?;
        let mut found = Vec::with_capacity(part.len());
        for (&i, g) in part.iter().zip(gates) {
            let (id, gate) = g?;
            if let (Some(gate), Some(e)) = (gate, rows[i].entry.as_mut()) {
                e.gate = Some(gate.clone());
                found.push((id, gate));
            }
        }
        store.put_gates(&found).await?;
        let done = (n * GATE_BATCH + part.len()).min(todo.len());
        if done == todo.len() || (n + 1) % 10 == 0 {
            tracing::info!("trial conditions of {done} of {} trials read", todo.len());
        }
    }
    Ok(())
}

/// A trial's least possible rank key and its ordinal: the order in which
/// [`Matching::run`] ranks trials.
type Floored = ((u8, usize), u32);

/// Which trials to match.
#[derive(Debug, Clone)]
pub enum Choice {
    /// Trials about one of the patient's conditions (not partial records).
    Related,
    /// [`Choice::Related`] trials that accept patients now (recruiting, not
    /// yet recruiting, enrolling by invitation, available): the API's
    /// default set.
    Open,
    /// Every trial.
    All,
    /// These trials (ids as given; unknown ones are skipped).
    Named(Vec<String>),
}

impl Catalog {
    fn empty(generation: i64) -> Catalog {
        Catalog {
            generation,
            ids: Vec::new(),
            entries: Vec::new(),
            keys: Vec::new(),
            key_ids: HashMap::new(),
            postings: Vec::new(),
            conditions: Vec::new(),
            condition_ids: HashMap::new(),
        }
    }

    /// Read the index from the store, compiling first the trials that have
    /// no rules by this compiler (`progress(done, total)`).
    pub async fn load(store: &Store, progress: impl FnMut(u64, u64)) -> anyhow::Result<Catalog> {
        compile_stale(store, progress).await?;
        let generation = store.generation().await?;
        Catalog::empty(-1).refreshed(store, generation).await
    }

    /// This catalog brought to the store's `generation`: only the trials
    /// changed since are read (and compiled, if their import did not).
    pub async fn refreshed(&self, store: &Store, generation: i64) -> anyhow::Result<Catalog> {
        Ok(self.merged(generation, self.changes(store).await?))
    }

    /// The trials changed in the store since this catalog's generation
    /// (compiled first, if their import did not).
    async fn changes(&self, store: &Store) -> anyhow::Result<Vec<Changed>> {
        let compiler = compiler_id();
        let mut rows = store.all_index_rows(compiler, self.generation).await?;
        if rows.iter().any(|r| r.entry.is_none()) {
            // Written by an eligo that does not compile at import.
            compile_stale(store, |_, _| {}).await?;
            rows = store.all_index_rows(compiler, self.generation).await?;
        }
        fill_gates(store, &mut rows).await?;
        changed_of(rows)
    }

    /// The part of the index that matching `facts` against the trials
    /// about their conditions ([`Choice::Related`], [`Choice::Open`])
    /// reads, compiling first what has no rules yet: the same choice as
    /// the whole catalog's for these facts, without reading every trial
    /// (`eligo match`). Any other choice sees only these trials.
    pub async fn load_about(
        store: &Store,
        facts: &PatientFacts,
        progress: impl FnMut(u64, u64),
    ) -> anyhow::Result<Catalog> {
        compile_stale(store, progress).await?;
        let generation = store.generation().await?;
        let concepts = PatientConcepts::of(facts);
        let keys: Vec<&str> = concepts.0.iter().map(String::as_str).collect();
        let mut rows = store.index_rows_about(compiler_id(), &keys).await?;
        fill_gates(store, &mut rows).await?;
        Ok(Catalog::empty(-1).merged(generation, changed_of(rows)?))
    }
}

/// Index rows as catalog entries, sorted by id (the last of an id wins).
fn changed_of(rows: Vec<eligo_store::IndexRow>) -> anyhow::Result<Vec<Changed>> {
    {
        let mut changed: Vec<Changed> = Vec::with_capacity(rows.len());
        for r in rows {
            let Some(e) = r.entry else {
                anyhow::bail!("trial {}: no compiled criteria after compiling", r.trial_id);
            };
            let status = OverallStatus::from_code(&r.status);
            let targets: Vec<String> = e.targets.split_whitespace().map(str::to_string).collect();
            let gate = e.gate.as_deref().and_then(read_gate).unwrap_or_default();
            let entry = Entry {
                status,
                partial: e.partial,
                generation: r.generation,
                targets: Box::new([]),
                gate: Box::new([]),
            };
            changed.push((r.trial_id.into_boxed_str(), entry, targets, gate));
        }
        changed.sort_by(|a, b| a.0.cmp(&b.0));
        changed.dedup_by(|a, b| a.0 == b.0);
        Ok(changed)
    }
}

impl Catalog {
    /// A new catalog: this one's trials with `changed` (sorted by id)
    /// replaced or added.
    fn merged(&self, generation: i64, changed: Vec<Changed>) -> Catalog {
        let mut keys = self.keys.clone();
        let mut key_ids = self.key_ids.clone();
        let mut intern = |k: &str| -> u32 {
            if let Some(&i) = key_ids.get(k) {
                return i;
            }
            let i = keys.len() as u32;
            keys.push(k.into());
            key_ids.insert(k.into(), i);
            i
        };
        let mut conditions = self.conditions.clone();
        let mut condition_ids = self.condition_ids.clone();
        let mut intern_condition = |(name, key): (String, Option<String>)| -> u32 {
            let c: Condition = (name.into(), key.map(String::into_boxed_str));
            if let Some(&i) = condition_ids.get(&c) {
                return i;
            }
            let i = conditions.len() as u32;
            conditions.push(c.clone());
            condition_ids.insert(c, i);
            i
        };
        let n = self.ids.len() + changed.len();
        let mut ids: Vec<Box<str>> = Vec::with_capacity(n);
        let mut entries: Vec<Entry> = Vec::with_capacity(n);
        let mut old = 0;
        for (id, mut entry, targets, gate) in changed {
            while old < self.ids.len() && self.ids[old] < id {
                ids.push(self.ids[old].clone());
                entries.push(self.entries[old].clone());
                old += 1;
            }
            if old < self.ids.len() && self.ids[old] == id {
                old += 1;
            }
            entry.targets = targets.iter().map(|t| intern(t)).collect();
            entry.gate = gate.into_iter().map(&mut intern_condition).collect();
            ids.push(id);
            entries.push(entry);
        }
        ids.extend_from_slice(&self.ids[old..]);
        entries.extend_from_slice(&self.entries[old..]);
        let mut postings: Vec<Vec<u32>> = vec![Vec::new(); keys.len()];
        for (i, e) in entries.iter().enumerate().filter(|(_, e)| !e.partial) {
            for &k in e.targets.iter() {
                postings[k as usize].push(i as u32);
            }
        }
        ids.shrink_to_fit();
        entries.shrink_to_fit();
        Catalog {
            generation,
            ids,
            entries,
            keys,
            key_ids,
            postings,
            conditions,
            condition_ids,
        }
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Trials whose status lets a patient join.
    pub fn open_count(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| e.status.is_some_and(OverallStatus::is_open))
            .count()
    }

    fn ordinal(&self, id: &str) -> Option<usize> {
        let id = id.trim();
        let find = |k: &str| self.ids.binary_search_by(|x| (**x).cmp(k)).ok();
        find(id).or_else(|| find(&id.to_ascii_uppercase()))
    }

    /// The stored id of a trial; `nct06946485` finds `NCT06946485`.
    pub fn resolve(&self, id: &str) -> Option<&str> {
        self.ordinal(id).map(|i| &*self.ids[i])
    }

    /// [`Catalog::resolve`], or the 404 every page and API operation on one
    /// trial answers.
    pub fn find(&self, id: &str) -> Result<&str, AppError> {
        self.resolve(id)
            .ok_or_else(|| AppError::not_found(format!("no trial {id:?} in the registry")))
    }

    /// How many trials [`Matching::run`] evaluates for `facts` and `choice`.
    pub fn count(&self, facts: &PatientFacts, choice: &Choice) -> usize {
        self.choose(facts, choice).len()
    }

    /// `chosen` split into the trials ruled out by their own conditions
    /// (MATCHING.md rule 12: the patient has none of them, so the trial
    /// is ineligible), by id, and the others with the least rank key each
    /// can have ([`eligo_matcher::key_floor`]), by floor then id. Each
    /// distinct condition is evaluated once, as a full match evaluates it.
    fn floors(
        &self,
        facts: &PatientFacts,
        as_of: Date,
        chosen: &[u32],
    ) -> (Vec<u32>, Vec<Floored>) {
        use eligo_model::evidence::Status;
        let ctx = Ctx::new(facts, as_of);
        // Per interned condition: its status once evaluated.
        let mut memo: Vec<Option<Status>> = vec![None; self.conditions.len()];
        let mut gate: Vec<Status> = Vec::new();
        let mut out = Vec::with_capacity(chosen.len());
        let mut ruled_out = Vec::new();
        for &o in chosen {
            let e = &self.entries[o as usize];
            gate.clear();
            for &c in e.gate.iter() {
                let s = *memo[c as usize].get_or_insert_with(|| {
                    let (name, key) = &self.conditions[c as usize];
                    eligo_matcher::trial_condition_status(&ctx, name, key.as_deref())
                });
                gate.push(s);
            }
            match eligo_matcher::key_floor(&gate, e.partial) {
                Some(floor) => out.push((floor, o)),
                None => ruled_out.push(o),
            }
        }
        // By floor, keeping the id order within each (few distinct floors:
        // a stable sort of long sorted runs).
        let (mut out, mut rest): (Vec<_>, Vec<_>) = out.into_iter().partition(|x| x.0 == (0, 0));
        rest.sort_by_key(|&(floor, _)| floor);
        out.extend(rest);
        (ruled_out, out)
    }

    /// The trials [`Matching::run`] evaluates for `facts` and `choice`, by
    /// id, each with the store generation of its last change (what anything
    /// kept of a trial between requests is keyed by).
    pub fn chosen(&self, facts: &PatientFacts, choice: &Choice) -> Vec<(&str, i64)> {
        self.choose(facts, choice)
            .into_iter()
            .map(|o| (&*self.ids[o as usize], self.entries[o as usize].generation))
            .collect()
    }

    /// The trials to evaluate for `facts`, by id order.
    fn choose(&self, facts: &PatientFacts, choice: &Choice) -> Vec<u32> {
        let mut out: Vec<u32> = match choice {
            Choice::All => (0..self.ids.len() as u32).collect(),
            Choice::Named(ids) => ids
                .iter()
                .filter_map(|id| self.ordinal(id).map(|i| i as u32))
                .collect(),
            Choice::Related | Choice::Open => {
                let open = matches!(choice, Choice::Open);
                let concepts = PatientConcepts::of(facts);
                concepts
                    .0
                    .iter()
                    .filter_map(|k| self.key_ids.get(k.as_str()))
                    .flat_map(|&k| self.postings[k as usize].iter().copied())
                    .filter(|&o| {
                        !open
                            || self.entries[o as usize]
                                .status
                                .is_some_and(OverallStatus::is_open)
                    })
                    .collect()
            }
        };
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The server's catalog: the current one, the next one being built, and
/// the rule cache they share.
pub struct CatalogCache {
    current: RwLock<Option<Arc<Catalog>>>,
    reload: tokio::sync::Mutex<()>,
    refreshing: AtomicBool,
    /// Until when the search index is left to the process that holds its
    /// writer (an import writing it beside the store): without the pause,
    /// every request during such an import started a refresh that only
    /// found the writer taken.
    index_busy_until: std::sync::Mutex<Option<std::time::Instant>>,
    pub rules: RuleCache,
}

/// How long a refresh that found the index writer taken leaves it alone.
const INDEX_BUSY_PAUSE: std::time::Duration = std::time::Duration::from_millis(500);

impl Default for CatalogCache {
    fn default() -> Self {
        let capacity = std::env::var("ELIGO_RULE_CACHE")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(DEFAULT_RULE_CACHE);
        CatalogCache {
            current: RwLock::new(None),
            reload: tokio::sync::Mutex::new(()),
            refreshing: AtomicBool::new(false),
            index_busy_until: std::sync::Mutex::new(None),
            rules: RuleCache::new(capacity),
        }
    }
}

impl CatalogCache {
    fn current(&self) -> Option<Arc<Catalog>> {
        self.current.read().ok()?.clone()
    }

    /// The catalog to answer with now. The first call builds it; later ones
    /// return the current one at once and, when the store or the search
    /// index is behind, start bringing them up to date in the background.
    pub async fn get(&self, state: &AppState) -> Result<Arc<Catalog>, AppError> {
        if let Some(c) = self.current() {
            if self.stale(state, &c).await? && !self.refreshing.swap(true, Ordering::AcqRel) {
                let s = state.clone();
                tokio::spawn(async move {
                    if let Err(e) = s.0.catalog.refresh(&s).await {
                        tracing::warn!(
                            "registry refresh failed (retried on the next request): {e:#}"
                        );
                    }
                    s.0.catalog.refreshing.store(false, Ordering::Release);
                });
            }
            return Ok(c);
        }
        self.refresh(state)
            .await
            .map_err(|e| AppError::internal(format!("loading the registry: {e:#}")))?;
        self.current()
            .ok_or_else(|| AppError::internal("the registry did not load"))
    }

    /// Is `c` or the search index behind the store?
    async fn stale(&self, state: &AppState, c: &Catalog) -> Result<bool, AppError> {
        let g = state.store().generation().await?;
        Ok(g != c.generation || (index_behind(state.index(), g) && !self.index_busy()))
    }

    /// Did a refresh find the index writer taken less than
    /// [`INDEX_BUSY_PAUSE`] ago?
    fn index_busy(&self) -> bool {
        self.index_busy_until
            .lock()
            .is_ok_and(|u| u.is_some_and(|t| std::time::Instant::now() < t))
    }

    fn set_index_busy(&self, busy: bool) {
        if let Ok(mut u) = self.index_busy_until.lock() {
            *u = busy.then(|| std::time::Instant::now() + INDEX_BUSY_PAUSE);
        }
    }

    /// Bring the catalog and the search index up to the store's generation.
    pub async fn refresh(&self, state: &AppState) -> anyhow::Result<()> {
        let _guard = self.reload.lock().await;
        let store = state.store();
        let generation = store.generation().await?;
        let started = std::time::Instant::now();
        let ms = |t: std::time::Instant| t.elapsed().as_secs_f64() * 1e3;
        if index_behind(state.index(), generation) && !self.index_busy() {
            let s = state.clone();
            let rt = tokio::runtime::Handle::current();
            // Indexing is CPU work: off the request threads, behind them.
            let r = crate::background::run("eligo-index-sync", move || {
                rt.block_on(eligo_search::sync(s.index(), s.store(), |_| {}))
            })
            .await?;
            self.set_index_busy(matches!(r, Err(eligo_search::SearchError::Busy { .. })));
            match r {
                Ok(_) => {}
                // Another process (an import) holds the writer and is
                // bringing the index up; a refresh after the pause checks
                // again.
                Err(eligo_search::SearchError::Busy { .. }) => {
                    tracing::info!("search index: another process is updating it")
                }
                Err(e) => tracing::warn!("search index not updated: {e}"),
            }
            tracing::info!(generation, ms = ms(started), "refresh: search index synced");
        }
        let next = match self.current() {
            Some(c) if c.generation == generation => return Ok(()),
            Some(c) => {
                // The next catalog is built beside the current one (a
                // copy of its index with the changed trials merged in,
                // CPU work growing with the registry), which requests
                // keep using until the swap below.
                let read = std::time::Instant::now();
                let changed = c.changes(store).await?;
                let (n, read_ms, merge) = (changed.len(), ms(read), std::time::Instant::now());
                let next =
                    crate::background::run("eligo-catalog", move || c.merged(generation, changed))
                        .await?;
                tracing::info!(
                    generation,
                    changed = n,
                    read_ms,
                    merge_ms = ms(merge),
                    "refresh: next catalog built"
                );
                next
            }
            None => {
                Catalog::load(store, |done, total| {
                    if done == total || done % 20_000 == 0 {
                        tracing::info!("compiled the criteria of {done} of {total} trials");
                    }
                })
                .await?
            }
        };
        let next = Arc::new(next);
        let old = match self.current.write() {
            Ok(mut w) => w.replace(next),
            Err(_) => None,
        };
        if let Some(old) = old {
            crate::background::drop_later(old);
        }
        tracing::info!(generation, ms = ms(started), "refresh: catalog swapped");
        Ok(())
    }
}

/// Does the index reflect an older generation than `generation`?
fn index_behind(index: &SearchIndex, generation: i64) -> bool {
    index.state().is_none_or(|s| s.generation < generation)
}

/// A trial's record and rule set, loaded for one request.
pub struct Loaded {
    pub trial: Trial,
    pub rules: Arc<RuleSet>,
}

impl AppState {
    /// A trial's record, or 404.
    pub async fn trial_record(&self, id: &str) -> Result<Trial, AppError> {
        let cat = self.catalog().await?;
        let id = cat.find(id)?;
        self.store()
            .get_trial(id)
            .await?
            .ok_or_else(|| AppError::not_found(format!("no trial {id:?} in the registry")))
    }

    /// A trial's record and compiled rules, or 404.
    pub async fn trial(&self, id: &str) -> Result<Loaded, AppError> {
        let cat = self.catalog().await?;
        let ord = cat
            .ordinal(id)
            .ok_or_else(|| AppError::not_found(format!("no trial {id:?} in the registry")))?;
        let trial = self
            .store()
            .get_trial(&cat.ids[ord])
            .await?
            .ok_or_else(|| AppError::not_found(format!("no trial {id:?} in the registry")))?;
        let rules = load_rules(self.store(), &self.0.catalog.rules, &cat, &[ord as u32])
            .await
            .map_err(|e| AppError::internal(format!("loading compiled criteria: {e:#}")))?
            .pop()
            .ok_or_else(|| AppError::internal("no compiled criteria"))?;
        Ok(Loaded { trial, rules })
    }

    /// Match a patient against the registry as `eligo match` does; the
    /// best `limit` matches, ranked.
    pub async fn match_patient(
        &self,
        facts: PatientFacts,
        as_of: Date,
        choice: Choice,
        limit: usize,
    ) -> Result<Vec<TrialMatch>, AppError> {
        let cat = self.catalog().await?;
        let matching = Matching {
            store: self.store(),
            cache: &self.0.catalog.rules,
            catalog: &cat,
        };
        let (kept, _) = matching
            .run(Arc::new(facts), as_of, &choice, Some(limit), |m| m)
            .await
            .map_err(|e| AppError::internal(format!("matching: {e:#}")))?;
        Ok(kept.into_iter().map(|(_, m)| m).collect())
    }
}

mod rules;
mod run;
pub use rules::*;
pub use run::*;
