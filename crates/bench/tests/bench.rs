//! The generator against independent checks: eligo's own ClinicalTrials.gov
//! reader accepts every study in every output form, the same seed gives the
//! same bytes, and the condition mix has the registry's long tail (lupus a
//! fraction of a percent, not one study in fifteen). Kept small: the
//! benchmark itself is `eligo-bench run`, not a test.

use eligo_bench::generate::output::{Format, Range, write_corpus};
use eligo_bench::generate::{Generator, StudyMeta, json::Json};
use std::collections::HashMap;
use std::path::PathBuf;

fn read_all(path: PathBuf) -> Vec<eligo_ctgov::Record> {
    let reader = eligo_ctgov::read_sources(&[path]).expect("a readable source");
    reader
        .map(|r| r.unwrap_or_else(|e| panic!("eligo refused a generated study: {e}")))
        .collect()
}

#[test]
fn eligo_reads_every_generated_study_as_ndjson_zip_and_files() {
    let g = Generator::new(7);
    let dir = tempfile::tempdir().unwrap();
    let n = 300;
    let range = Range {
        start: 0,
        count: n,
        revision: 0,
    };
    for format in [Format::Ndjson, Format::Zip, Format::Dir] {
        let path = dir
            .path()
            .join(format!("corpus{}-{format:?}", format.extension()));
        let stats = write_corpus(&g, range, format, &path, 2, |_| {}).unwrap();
        assert_eq!(stats.studies, n);
        let recs = read_all(path);
        assert_eq!(recs.len() as u64, n, "{format:?}");
        let mut ids: Vec<&str> = recs.iter().map(|r| r.trial.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len() as u64, n, "ids are unique");
        assert_eq!(ids[0], "NCT90000000");
        // What eligo read is what the generator meant.
        let meta: Vec<StudyMeta> = (0..n)
            .map(|i| g.write(i, 0, &mut Json::default()))
            .collect();
        for r in &recs {
            let i: u64 = r.trial.id[3..].parse::<u64>().unwrap() - 90_000_000;
            let m = &meta[i as usize];
            assert_eq!(r.trial.conditions, m.conditions);
            assert_eq!(r.trial.status.map(|s| s.code()), Some(m.status));
            assert_eq!(r.trial.locations.len(), m.sites);
            assert_eq!(
                r.trial.locations.iter().filter(|l| l.geo.is_none()).count(),
                m.sites_without_geo
            );
            assert!(r.trial.eligibility.criteria.is_some());
        }
    }
    // The zip is shaped like the bulk export: one NCT file per study at the root.
    let f = std::fs::File::open(dir.path().join("corpus.zip-Zip")).unwrap();
    let z = zip::ZipArchive::new(f).unwrap();
    assert_eq!(z.len() as u64, n);
    assert!(z.file_names().all(|f| {
        f.is_ok_and(|f| f.starts_with("NCT9") && f.ends_with(".json") && !f.contains('/'))
    }));
}

#[test]
fn same_seed_same_bytes_and_revisions_change_the_study_not_its_id() {
    let (a, b, c) = (Generator::new(1), Generator::new(1), Generator::new(2));
    for i in [0, 1, 12_345, 499_999] {
        assert_eq!(a.study(i, 0), b.study(i, 0));
        assert_ne!(a.study(i, 0), c.study(i, 0));
    }
    let v0: serde_json::Value = serde_json::from_str(&a.study(42, 0)).unwrap();
    let v3: serde_json::Value = serde_json::from_str(&a.study(42, 3)).unwrap();
    let id = "/protocolSection/identificationModule/nctId";
    assert_eq!(v0.pointer(id), v3.pointer(id));
    let upd = "/protocolSection/statusModule/lastUpdateSubmitDate";
    assert_ne!(v0.pointer(upd), v3.pointer(upd));
}

#[test]
fn conditions_have_a_long_tail_and_lupus_is_rare() {
    let g = Generator::new(1);
    let n = 5_000u64;
    let mut counts: HashMap<String, u64> = HashMap::new();
    let (mut sle, mut criteria) = (0, std::collections::HashSet::new());
    let mut j = Json::default();
    for i in 0..n {
        j.clear();
        let m = g.write(i, 0, &mut j);
        for c in &m.conditions {
            *counts.entry(c.clone()).or_default() += 1;
        }
        sle += m
            .conditions
            .iter()
            .any(|c| c == "Systemic Lupus Erythematosus") as u64;
        let v: serde_json::Value = serde_json::from_slice(&j.buf).unwrap();
        criteria.insert(v["protocolSection"]["eligibilityModule"]["eligibilityCriteria"].clone());
    }
    // ClinicalTrials.gov: about 1,300 of 560,000 studies list SLE (0.23 %).
    // Expect ~13 of 5,000; a generator with lupus as 1 in 15 gives ~330.
    assert!((3..=35).contains(&sle), "SLE in {sle} of {n}");
    let top = counts.values().max().copied().unwrap_or(0);
    assert!(top * 100 < n * 5, "no condition above 5% ({top} of {n})");
    assert!(
        counts.len() > 1_500,
        "a long tail: {} distinct conditions",
        counts.len()
    );
    // Criteria texts vary: nearly every study's text is its own.
    assert!(
        criteria.len() as u64 > n * 9 / 10,
        "{} distinct criteria texts",
        criteria.len()
    );
}

#[test]
fn sqlite_fts5_is_compiled_in_and_finds_what_a_plain_scan_finds() {
    use eligo_bench::run::fts;
    let g = Generator::new(3);
    let n = 400;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fts.db");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let texts: Vec<_> = (0..n)
        .map(|i| g.text(i, 0))
        .chain(fts::sample_texts())
        .collect();
    // Independent count: studies with every word of the query in some
    // field, as whole words, ignoring case.
    let scan = |words: &[&str]| {
        texts
            .iter()
            .filter(|t| {
                let all = [
                    &t.title,
                    &t.conditions,
                    &t.interventions,
                    &t.keywords,
                    &t.summary,
                    &t.description,
                    &t.criteria,
                ]
                .map(|s| s.to_lowercase())
                .join("\n");
                words.iter().all(|w| {
                    regex::Regex::new(&format!(r"\b{}\b", regex::escape(w)))
                        .unwrap()
                        .is_match(&all)
                })
            })
            .count() as u64
    };
    rt.block_on(async {
        let b = fts::build(&g, n, &path, |_| {}).await.unwrap();
        assert_eq!(b.studies, texts.len() as u64);
        let mut c = fts::open(&path).await.unwrap();
        for (q, words) in [
            ("placebo", &["placebo"][..]),
            ("lupus erythematosus", &["lupus", "erythematosus"][..]),
            ("lupus", &["lupus"][..]),
        ] {
            let (total, _) = fts::search(&mut c, q, None).await.unwrap();
            assert_eq!(total, scan(words), "{q}");
            assert!(total > 0, "{q} finds something");
        }
    });
}
