//! What `/find` needs of the registry, kept between requests: for a set of
//! conditions, the open trials about them with each one's questionnaire
//! and card (title, status, ages, placed sites), and the question bank of
//! them all. None of it depends on the person, only on the registry, so it
//! is built once per catalog generation and condition set, not on every
//! request (at 500,000 trials a condition has thousands of open trials,
//! and building their questionnaires from the stored records took most of
//! a request).
//!
//! When the registry changes, the next request for a condition set brings
//! its pool up to the new catalog from the old one: only the trials whose
//! last-change generation moved are read and built again, as the catalog's
//! own reload reads only the changed rows. Memory is bounded: pools of
//! other condition sets are dropped, least recently used first, once the
//! pools together hold more than `ELIGO_FIND_CACHE` candidates (default
//! [`DEFAULT_CAPACITY`]).

use super::card::CardBase;
use super::questions::bank;
use crate::catalog::{Choice, Matching, Ranked};
use crate::registry::{compiler_id, read_rules};
use crate::{AppError, AppState};
use eligo_model::trial::OverallStatus;
use eligo_model::{Date, PatientFacts, Trial};
use eligo_questionnaire::Questionnaire;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Candidates held by all pools together, by default. One costs about
/// 15–25 kB (its questionnaire: 45–70 questions with their texts for the
/// real CAR-T/SLE records, 15 kB as JSON; its card and placed sites, under
/// 1 kB), so the default holds at most ~250 MB; the pool just used is kept
/// whatever its size.
pub const DEFAULT_CAPACITY: usize = 10_000;

/// Trials read from the store per step of a build.
const LOAD_CHUNK: usize = 512;

/// A candidate trial: open, about one of the conditions, with what a page
/// shows of it.
#[derive(Debug)]
pub struct Candidate {
    pub id: String,
    pub title: String,
    pub status: Option<OverallStatus>,
    /// The trial's first central contact with a phone or e-mail, "name:
    /// phone", for a result whose nearest site names none.
    pub central_contact: Option<String>,
    pub card: CardBase,
    pub questions: Questionnaire,
    /// The store generation of the trial's last change, as the catalog
    /// that chose it says.
    generation: i64,
}

impl Candidate {
    fn of(t: &Trial, questions: Questionnaire, generation: i64) -> Candidate {
        Candidate {
            id: t.id.clone(),
            title: t.brief_title.clone(),
            status: t.status,
            central_contact: t.central_contacts.iter().find_map(|c| {
                c.phone
                    .clone()
                    .or(c.email.clone())
                    .map(|x| format!("{}: {x}", c.name))
            }),
            card: CardBase::of(t),
            questions,
            generation,
        }
    }
}

/// Which candidates, in which order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PoolKey {
    /// The conditions a person named on `/find` (vocabulary keys, sorted),
    /// ranked as matching ranks them on the facts "has each now" (at the
    /// pool's `as_of`): the order the questionnaire meets their questions
    /// in.
    Named(Vec<String>),
    /// The conditions matching relates a record to (sorted), by id.
    Related(Vec<String>),
}

/// The candidates for one [`PoolKey`] at one catalog generation.
pub struct Pool {
    pub generation: i64,
    /// The date [`PoolKey::Named`] candidates were ranked at.
    pub as_of: Option<Date>,
    pub cands: Vec<Arc<Candidate>>,
    /// Ranks on the named facts ([`PoolKey::Named`]), beside `cands`.
    ranks: Vec<Ranked>,
    /// The question bank of every candidate ([`PoolKey::Named`] only).
    pub bank: Questionnaire,
    by_id: HashMap<String, usize>,
}

impl Pool {
    pub fn get(&self, id: &str) -> Option<&Candidate> {
        self.by_id.get(id).map(|&i| &*self.cands[i])
    }
}

/// The pools of the server, shared by all requests.
pub struct PoolCache {
    capacity: usize,
    pools: Mutex<Entries>,
    /// One build at a time: a second request for the same pool waits for
    /// the first and finds it built.
    building: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct Entries {
    map: HashMap<PoolKey, (Arc<Pool>, u64)>,
    clock: u64,
}

impl Default for PoolCache {
    fn default() -> Self {
        let capacity = std::env::var("ELIGO_FIND_CACHE")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(DEFAULT_CAPACITY);
        PoolCache::new(capacity)
    }
}

impl PoolCache {
    pub fn new(capacity: usize) -> PoolCache {
        PoolCache {
            capacity,
            pools: Mutex::new(Entries::default()),
            building: tokio::sync::Mutex::new(()),
        }
    }

    /// Drop every pool (the next request builds from nothing).
    pub fn clear(&self) {
        if let Ok(mut e) = self.pools.lock() {
            e.map.clear();
        }
    }

    /// Candidates held by all pools.
    pub fn held(&self) -> usize {
        self.pools
            .lock()
            .map(|e| e.map.values().map(|(p, _)| p.cands.len()).sum())
            .unwrap_or(0)
    }

    fn lookup(
        &self,
        key: &PoolKey,
        generation: i64,
        as_of: Option<Date>,
    ) -> (Option<Arc<Pool>>, Option<Arc<Pool>>) {
        let Ok(mut e) = self.pools.lock() else {
            return (None, None);
        };
        e.clock += 1;
        let now = e.clock;
        match e.map.get_mut(key) {
            Some((p, used)) if p.generation == generation && p.as_of == as_of => {
                *used = now;
                (Some(p.clone()), None)
            }
            Some((p, _)) => (None, Some(p.clone())),
            None => (None, None),
        }
    }

    fn keep(&self, key: PoolKey, pool: Arc<Pool>) {
        let Ok(mut e) = self.pools.lock() else {
            return;
        };
        e.clock += 1;
        let now = e.clock;
        e.map.insert(key.clone(), (pool, now));
        loop {
            let held: usize = e.map.values().map(|(p, _)| p.cands.len()).sum();
            if held <= self.capacity || e.map.len() <= 1 {
                break;
            }
            let oldest = e
                .map
                .iter()
                .filter(|(k, _)| **k != key)
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => {
                    e.map.remove(&k);
                }
                None => break,
            }
        }
    }

    /// The pool for `key` at the current catalog, where `facts` are what
    /// chooses the trials (and, for [`PoolKey::Named`], ranks them at
    /// `as_of`).
    pub async fn pool(
        &self,
        state: &AppState,
        key: PoolKey,
        facts: &PatientFacts,
        as_of: Date,
    ) -> Result<Arc<Pool>, AppError> {
        let cat = state.catalog().await?;
        let as_of = matches!(key, PoolKey::Named(_)).then_some(as_of);
        if let (Some(p), _) = self.lookup(&key, cat.generation, as_of) {
            return Ok(p);
        }
        let _one = self.building.lock().await;
        let (now, old) = self.lookup(&key, cat.generation, as_of);
        if let Some(p) = now {
            return Ok(p);
        }
        let pool = build(state, &cat, as_of, facts, old.as_deref())
            .await
            .map_err(|e| AppError::internal(format!("choosing trials: {e:#}")))?;
        let pool = Arc::new(pool);
        self.keep(key, pool.clone());
        Ok(pool)
    }
}

/// The pool at `cat` (ranked at `as_of`, if given), reusing what `old`
/// (the same key at an earlier generation or date) holds of the trials
/// that did not change.
async fn build(
    state: &AppState,
    cat: &crate::catalog::Catalog,
    as_of: Option<Date>,
    facts: &PatientFacts,
    old: Option<&Pool>,
) -> anyhow::Result<Pool> {
    let chosen: Vec<(String, i64)> = cat
        .chosen(facts, &Choice::Open)
        .into_iter()
        .map(|(id, g)| (id.to_string(), g))
        .collect();
    let mut cands: Vec<Option<Arc<Candidate>>> = Vec::with_capacity(chosen.len());
    let mut ranks: Vec<Option<Ranked>> = vec![None; chosen.len()];
    let mut fresh: Vec<usize> = Vec::new();
    for (i, (id, g)) in chosen.iter().enumerate() {
        let kept = old
            .and_then(|p| p.by_id.get(id).map(|&j| (p, j)))
            .filter(|(p, j)| p.cands[*j].generation == *g);
        match kept {
            Some((p, j)) => {
                cands.push(Some(p.cands[j].clone()));
                if p.as_of == as_of {
                    ranks[i] = p.ranks.get(j).cloned();
                }
            }
            None => {
                cands.push(None);
                fresh.push(i);
            }
        }
    }
    for part in fresh.chunks(LOAD_CHUNK) {
        let ids: Vec<&str> = part.iter().map(|&i| chosen[i].0.as_str()).collect();
        let gens: HashMap<&str, i64> = part
            .iter()
            .map(|&i| (chosen[i].0.as_str(), chosen[i].1))
            .collect();
        let mut built = load(state, &ids, &gens).await?;
        for &i in part {
            cands[i] = built.remove(chosen[i].0.as_str()).map(Arc::new);
        }
    }
    // A record that is partial or not open after all (the catalog and the
    // record disagree only while an import runs) is left out, as before.
    let keep: Vec<usize> = (0..chosen.len())
        .filter(|&i| {
            cands[i]
                .as_ref()
                .is_some_and(|c| c.status.is_some_and(|s| s.is_open()))
        })
        .collect();
    let mut rows: Vec<(Option<Ranked>, Arc<Candidate>)> = keep
        .iter()
        .map(|&i| (ranks[i].take(), cands[i].take().expect("kept")))
        .collect();
    if let Some(as_of) = as_of {
        let unranked: Vec<String> = rows
            .iter()
            .filter(|(r, _)| r.is_none())
            .map(|(_, c)| c.id.clone())
            .collect();
        if !unranked.is_empty() {
            let m = Matching {
                store: state.store(),
                cache: &state.0.catalog.rules,
                catalog: cat,
            };
            let (ranked, _) = m
                .run(
                    Arc::new(facts.clone()),
                    as_of,
                    &Choice::Named(unranked),
                    None,
                    |_| (),
                )
                .await?;
            let by: HashMap<String, Ranked> = ranked
                .into_iter()
                .map(|(r, _)| (r.trial_id.clone(), r))
                .collect();
            for (r, c) in rows.iter_mut().filter(|(r, _)| r.is_none()) {
                *r = by.get(&c.id).cloned();
            }
        }
        rows.retain(|(r, _)| r.is_some());
        rows.sort_by(|a, b| a.0.cmp(&b.0));
    }
    let named = as_of.is_some();
    let ranks: Vec<Ranked> = rows.iter().filter_map(|(r, _)| r.clone()).collect();
    let cands: Vec<Arc<Candidate>> = rows.into_iter().map(|(_, c)| c).collect();
    let bank = if named {
        bank(cands.iter().map(|c| &c.questions))
    } else {
        bank([])
    };
    let by_id = cands
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.clone(), i))
        .collect();
    Ok(Pool {
        generation: cat.generation,
        as_of,
        cands,
        ranks,
        bank,
        by_id,
    })
}

/// These trials' candidates (with their generations `gens`), records and
/// rules read in one query each, built on every core.
async fn load(
    state: &AppState,
    ids: &[&str],
    gens: &HashMap<&str, i64>,
) -> anyhow::Result<HashMap<String, Candidate>> {
    let store = state.store();
    let trials = store.trials_with_hash(ids).await?;
    let mut data = store.rules_data(ids, compiler_id()).await?;
    let mut items: Vec<(Trial, Option<Vec<u8>>, i64)> = Vec::with_capacity(trials.len());
    for (t, _) in trials {
        let blob = data.remove(&t.id);
        let g = gens.get(t.id.as_str()).copied().unwrap_or(-1);
        items.push((t, blob, g));
    }
    let built = tokio::task::spawn_blocking(move || {
        eligo_matcher::parallel_map(&items, |(t, blob, g)| {
            let Some(b) = blob else {
                return Ok(Err((t.id.clone(), *g)));
            };
            let r = read_rules(&t.id, b)?;
            let q = eligo_questionnaire::questionnaire(&r.compiled);
            anyhow::Ok(Ok(Candidate::of(t, q, *g)))
        })
    })
    .await?;
    let mut out = HashMap::with_capacity(built.len());
    for r in built {
        let c = match r? {
            Ok(c) => c,
            // Changed by an eligo that does not compile at import: the
            // catalog compiles it.
            Err((id, g)) => {
                let l = state.trial(&id).await?;
                let q = eligo_questionnaire::questionnaire(&l.rules.compiled);
                Candidate::of(&l.trial, q, g)
            }
        };
        out.insert(c.id.clone(), c);
    }
    Ok(out)
}
