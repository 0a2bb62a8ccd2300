//! The importer against real ClinicalTrials.gov API v2 records (the sample's
//! `sample/ctgov/` copies), the seed-written sample, and bad input. Expected
//! values are read from the raw JSON here with serde_json, independently of
//! eligo's mapping.

use eligo_ctgov::{ImportError, Reader, Record, read_sources, sample_registry, study_to_trial};
use eligo_model::trial::{OverallStatus, Phase};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};

fn dir(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn real_files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir("sample/ctgov"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

fn read_all(paths: &[PathBuf]) -> (Vec<Record>, Vec<ImportError>) {
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for item in read_sources(paths).expect("sources") {
        match item {
            Ok(r) => ok.push(r),
            Err(e) => bad.push(e),
        }
    }
    (ok, bad)
}

fn from_memory(name: &str, bytes: &[u8]) -> Vec<Result<Record, ImportError>> {
    Reader::from_memory().documents(name, bytes)
}

/// Every real study maps, and what it maps to agrees with the raw record.
#[test]
fn real_studies_map_faithfully() {
    let mut studies = 0;
    for p in real_files() {
        let raw = read_json(&p);
        let list: Vec<Value> = match raw.get("studies") {
            Some(Value::Array(a)) => a.clone(),
            _ => vec![raw.clone()],
        };
        for s in list {
            studies += 1;
            let t = study_to_trial(&s).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            let ps = &s["protocolSection"];
            assert_eq!(
                t.id,
                ps["identificationModule"]["nctId"].as_str().unwrap(),
                "{}",
                p.display()
            );
            assert_eq!(
                t.brief_title,
                ps["identificationModule"]["briefTitle"].as_str().unwrap()
            );
            match ps["statusModule"]["overallStatus"].as_str() {
                Some(st) => {
                    assert_eq!(t.status.map(|s| s.code()), Some(st));
                    assert!(t.partial == ps.get("eligibilityModule").is_none());
                }
                None => assert!(t.partial, "a record without status is partial"),
            }
            let phases: Vec<&str> = ps["designModule"]["phases"]
                .as_array()
                .map(|a| a.iter().map(|v| v.as_str().unwrap()).collect())
                .unwrap_or_default();
            assert_eq!(
                t.phases.iter().map(|p| p.code()).collect::<Vec<_>>(),
                phases
            );
            let conditions: Vec<&str> = ps["conditionsModule"]["conditions"]
                .as_array()
                .map(|a| a.iter().map(|v| v.as_str().unwrap()).collect())
                .unwrap_or_default();
            assert_eq!(t.conditions, conditions);
            assert_eq!(
                t.eligibility.criteria.as_deref(),
                ps["eligibilityModule"]["eligibilityCriteria"].as_str()
            );
            assert_eq!(
                t.eligibility.min_age.map(|a| a.to_string()),
                ps["eligibilityModule"]["minimumAge"]
                    .as_str()
                    .map(|s| s.to_string())
            );
            assert_eq!(
                t.enrollment.as_ref().map(|e| u64::from(e.count)),
                ps["designModule"]["enrollmentInfo"]["count"].as_u64()
            );
            let n = |v: &Value| v.as_array().map_or(0, |a| a.len());
            assert_eq!(
                t.locations.len(),
                n(&ps["contactsLocationsModule"]["locations"])
            );
            assert_eq!(
                t.primary_outcomes.len(),
                n(&ps["outcomesModule"]["primaryOutcomes"])
            );
            assert_eq!(
                t.secondary_outcomes.len(),
                n(&ps["outcomesModule"]["secondaryOutcomes"])
            );
            assert_eq!(
                t.interventions.len(),
                n(&ps["armsInterventionsModule"]["interventions"])
            );
            assert_eq!(
                t.officials.len(),
                n(&ps["contactsLocationsModule"]["overallOfficials"])
            );
            assert_eq!(
                t.sponsor.as_ref().map(|s| s.name.as_str()),
                ps["sponsorCollaboratorsModule"]["leadSponsor"]["name"]
                    .as_str()
                    .or(ps["identificationModule"]["organization"]["fullName"].as_str())
            );
        }
    }
    assert!(studies >= 30, "{studies} studies read");
}

#[test]
fn one_record_in_detail() {
    // NCT02552212 (certolizumab in axial spondyloarthritis), as its JSON says.
    let t = study_to_trial(&read_json(&dir("sample/ctgov/NCT02552212.json"))).unwrap();
    assert_eq!(t.status, Some(OverallStatus::Completed));
    assert_eq!(t.phases, [Phase::Phase3]);
    assert_eq!(t.enrollment.as_ref().unwrap().count, 317);
    assert_eq!(t.design.allocation.as_deref(), Some("RANDOMIZED"));
    assert_eq!(t.design.who_masked.len(), 4);
    assert_eq!(t.eligibility.min_age.unwrap().to_string(), "18 Years");
    assert_eq!(t.eligibility.max_age, None);
    assert_eq!(t.eligibility.healthy_volunteers, Some(false));
    assert_eq!(t.locations.len(), 105);
}

#[test]
fn every_form_on_disk_reads_the_same_studies() {
    let files: Vec<PathBuf> = real_files()
        .into_iter()
        .filter(|p| p.file_name().unwrap().to_str().unwrap().starts_with("NCT"))
        .collect();
    let ids = |recs: &[Record]| recs.iter().map(|r| r.trial.id.clone()).collect::<Vec<_>>();

    let (single, bad) = read_all(&files);
    assert!(bad.is_empty(), "{bad:?}");
    assert_eq!(single.len(), files.len());

    // A directory, recursively, sorted.
    let tmp = tempfile::tempdir().unwrap();
    let sub = tmp.path().join("nested");
    std::fs::create_dir(&sub).unwrap();
    for f in &files {
        std::fs::copy(f, sub.join(f.file_name().unwrap())).unwrap();
    }
    std::fs::write(tmp.path().join("README.md"), "not data").unwrap();
    let (from_dir, bad) = read_all(&[tmp.path().to_path_buf()]);
    assert!(bad.is_empty(), "{bad:?}");
    assert_eq!(ids(&from_dir), ids(&single));

    // NDJSON, with a blank line.
    let nd = tmp.path().join("all.ndjson");
    let mut text = String::new();
    for f in &files {
        text.push_str(&serde_json::to_string(&read_json(f)).unwrap());
        text.push_str("\n\n");
    }
    std::fs::write(&nd, &text).unwrap();
    let (from_nd, bad) = read_all(std::slice::from_ref(&nd));
    assert!(bad.is_empty(), "{bad:?}");
    assert_eq!(ids(&from_nd), ids(&single));
    assert_eq!(from_nd[1].origin.location.as_deref(), Some("line 3"));

    // The same lines in a file with a .json name are still read as NDJSON.
    let js = tmp.path().join("lines.json");
    std::fs::write(&js, &text).unwrap();
    assert_eq!(ids(&read_all(&[js]).0), ids(&single));

    // A zip, like the bulk download (a folder inside the archive).
    let zp = tmp.path().join("bulk.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&zp).unwrap());
    z.add_directory("ctg-studies/", zip::write::SimpleFileOptions::default())
        .unwrap();
    for f in &files {
        z.start_file(
            format!("ctg-studies/{}", f.file_name().unwrap().to_str().unwrap()),
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        z.write_all(&std::fs::read(f).unwrap()).unwrap();
    }
    z.finish().unwrap();
    let (from_zip, bad) = read_all(std::slice::from_ref(&zp));
    assert!(bad.is_empty(), "{bad:?}");
    assert_eq!(ids(&from_zip), ids(&single));
    let mut reader = read_sources(&[zp]).unwrap();
    assert!(reader.total_bytes() > 0);
    while reader.next().is_some() {}
    assert_eq!(reader.bytes_done(), reader.total_bytes());

    // Raw JSON is kept verbatim.
    assert_eq!(single[0].raw, read_json(&files[0]));
}

#[test]
fn search_pages_yield_their_studies() {
    let p = dir("sample/ctgov/search_phelan_limit5_20260811.json");
    let page = read_json(&p);
    assert!(page.get("nextPageToken").is_some());
    let (recs, bad) = read_all(std::slice::from_ref(&p));
    assert!(bad.is_empty());
    let expected: Vec<&str> = page["studies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            s["protocolSection"]["identificationModule"]["nctId"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(
        recs.iter().map(|r| r.trial.id.as_str()).collect::<Vec<_>>(),
        expected
    );
    assert_eq!(recs[2].origin.location.as_deref(), Some("studies[2]"));
}

#[test]
fn classic_api_files_are_recognised_and_refused() {
    for f in ["NCT00023673.json", "NCT04780763.json"] {
        let (ok, bad) = read_all(&[dir("tests/data").join(f)]);
        assert!(ok.is_empty());
        assert_eq!(bad.len(), 1);
        assert!(bad[0].reason.contains("classic"), "{}", bad[0]);
    }
}

fn err_of(items: Vec<Result<Record, ImportError>>) -> ImportError {
    assert_eq!(items.len(), 1, "one item");
    items.into_iter().next().unwrap().expect_err("an error")
}

fn good_study() -> Value {
    read_json(&dir("sample/ctgov/NCT02552212.json"))
}

#[test]
fn bad_input_is_reported_with_its_place() {
    // Invalid JSON: line and column.
    let e = err_of(from_memory("x.json", b"{\n  \"protocolSection\": {,\n}"));
    assert!(e.reason.contains("line 2 column"), "{e}");
    assert_eq!(e.origin.file, "x.json");

    // Truncated JSON.
    let text = serde_json::to_string_pretty(&good_study()).unwrap();
    let e = err_of(from_memory("cut.json", &text.as_bytes()[..text.len() / 2]));
    assert!(e.reason.contains("truncated"), "{e}");

    // An empty file.
    let e = err_of(from_memory("empty.json", b"  \n"));
    assert!(e.reason.contains("empty"), "{e}");

    // Non-UTF-8 bytes inside a string.
    let mut bytes = serde_json::to_vec(&good_study()).unwrap();
    let at = bytes.windows(5).position(|w| w == b"Multi").unwrap();
    bytes[at] = 0xFF;
    let e = err_of(from_memory("latin1.json", &bytes));
    assert!(e.reason.contains("UTF-8"), "{e}");

    // Missing protocolSection.
    let e = err_of(from_memory("a.json", br#"{"hasResults": false}"#));
    assert_eq!(e.field.as_deref(), Some("protocolSection"), "{e}");

    // Wrong types, unknown status and phase: the path and the value.
    let cases = [
        (
            &["protocolSection", "designModule", "enrollmentInfo", "count"][..],
            json!("317"),
        ),
        (
            &["protocolSection", "conditionsModule", "conditions"][..],
            json!("Axial SpA"),
        ),
        (
            &["protocolSection", "statusModule", "overallStatus"][..],
            json!("RECRUTING"),
        ),
        (
            &["protocolSection", "designModule", "phases"][..],
            json!(["PHASE9"]),
        ),
        (
            &["protocolSection", "eligibilityModule", "minimumAge"][..],
            json!("eighteen"),
        ),
        (
            &["protocolSection", "statusModule", "startDateStruct", "date"][..],
            json!("2015-13-01"),
        ),
        (
            &["protocolSection", "eligibilityModule", "sex"][..],
            json!("BOTH"),
        ),
    ];
    for (path, bad) in cases {
        let mut s = good_study();
        let mut at = &mut s;
        for k in &path[..path.len() - 1] {
            at = &mut at[*k];
        }
        at[path[path.len() - 1]] = bad.clone();
        let e = err_of(from_memory("bad.json", &serde_json::to_vec(&s).unwrap()));
        let field = e.field.clone().unwrap_or_default();
        assert!(field.starts_with(&path.join(".")), "{path:?}: {e}");
        if let Some(b) = bad.as_str() {
            assert!(e.reason.contains(b) || e.reason.contains("string"), "{e}");
        }
        assert!(e.to_string().contains("bad.json"), "{e}");
    }
}

#[test]
fn conflicting_duplicate_ids_in_one_run_are_refused() {
    let a = good_study();
    let mut b = a.clone();
    b["protocolSection"]["identificationModule"]["briefTitle"] = json!("Changed title");
    let text = format!(
        "{}\n{}\n{}\n",
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
    let items = from_memory("dups.ndjson", text.as_bytes());
    assert_eq!(items.len(), 3);
    assert!(items[0].is_ok());
    assert!(items[1].is_ok(), "an identical repeat is harmless");
    let e = items[2].as_ref().unwrap_err();
    assert!(e.reason.contains("duplicate id NCT02552212"), "{e}");
    assert!(e.reason.contains("line 1"), "names the first place: {e}");
    assert_eq!(e.origin.location.as_deref(), Some("line 3"));
}

#[test]
fn broken_archives_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let zp = tmp.path().join("bulk.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&zp).unwrap());
    z.start_file("NCT02552212.json", zip::write::SimpleFileOptions::default())
        .unwrap();
    z.write_all(&serde_json::to_vec(&good_study()).unwrap())
        .unwrap();
    z.start_file("notes.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    z.write_all(b"these are not studies").unwrap();
    z.finish().unwrap();

    let (ok, bad) = read_all(std::slice::from_ref(&zp));
    assert_eq!(ok.len(), 1);
    assert_eq!(bad.len(), 1);
    assert_eq!(
        bad[0].origin.location.as_deref(),
        Some("entry notes.txt"),
        "{}",
        bad[0]
    );
    assert!(bad[0].reason.contains("invalid JSON"));

    // Truncated: the central directory is gone.
    let bytes = std::fs::read(&zp).unwrap();
    let cut = tmp.path().join("cut.zip");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let (ok, bad) = read_all(&[cut]);
    assert!(ok.is_empty());
    assert_eq!(bad.len(), 1);
    assert!(bad[0].reason.contains("zip"), "{}", bad[0]);
}

#[test]
fn missing_paths_fail_before_reading() {
    let e = read_sources(&[PathBuf::from("no/such/file.json")])
        .err()
        .unwrap();
    assert!(e.to_string().contains("no/such/file.json"), "{e}");
    let tmp = tempfile::tempdir().unwrap();
    assert!(
        read_sources(&[tmp.path().to_path_buf()]).is_err(),
        "empty dir"
    );
}

#[test]
fn sample_registry_holds_the_seeds_as_stated() {
    let sample = sample_registry();
    let get = |id: &str| sample.iter().find(|r| r.trial.id == id).map(|r| &r.trial);
    // Ids are unique.
    let mut ids: Vec<&str> = sample.iter().map(|r| r.trial.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), sample.len());

    // Seed 000/001: anti-CD70, NOT_YET_RECRUITING, 15 enrolled, six outcome
    // measures with time frames, which seed 001 does not class as primary.
    let t = get("NCT06946485").expect("seed 000");
    assert_eq!(t.status, Some(OverallStatus::NotYetRecruiting));
    assert_eq!(t.enrollment.as_ref().unwrap().count, 15);
    assert_eq!(t.outcomes.len(), 6);
    assert!(t.primary_outcomes.is_empty() && t.secondary_outcomes.is_empty());
    assert!(t.outcomes.iter().all(|o| o.time_frame.is_some()));
    assert_eq!(t.outcomes[0].measure, "SRI-4 Response");
    assert_eq!(t.officials[0].name, "Lingyun Sun");
    assert_eq!(t.officials[0].role.as_deref(), Some("STUDY_CHAIR"));
    assert_eq!(t.target_antigens(), ["CD70"]);
    assert!(!t.partial);

    // Seed 003: three dose levels, five related trials known by id and title.
    let t = get("NCT07331467").expect("seed 003");
    let doses: Vec<String> = t.interventions[0]
        .dose_levels
        .iter()
        .map(|d| d.dose.to_string())
        .collect();
    assert_eq!(
        doses,
        ["150000 /kg", "500000 /kg", "1000000 /kg"],
        "the unit as seed 003 writes it"
    );
    assert!(t.is_derived("interventions[0].dose_levels"));
    assert_eq!(t.phases, [Phase::Phase1]);
    assert_eq!(t.org_study_id.as_deref(), Some("PBC092"));
    assert_eq!(t.related.len(), 5);
    for r in &t.related {
        let rel = get(&r.id).expect("related trial stored");
        assert!(rel.partial, "{} is partial", r.id);
        assert_eq!(Some(&rel.brief_title), r.title.as_ref());
        assert!(rel.eligibility.criteria.is_none());
        // Known by id and title only: no status, no sex.
        assert_eq!((rel.status, rel.eligibility.sex), (None, None), "{}", r.id);
    }

    // Seed 002: no NCT id, so a stable local id; CD19 and BCMA.
    let t = sample
        .iter()
        .map(|r| &r.trial)
        .find(|t| t.brief_title.starts_with("CD19/BCMA"))
        .expect("seed 002");
    assert!(t.nct_id.is_none());
    assert!(t.id.starts_with("ELIGO-"));
    assert_eq!(
        t.id,
        eligo_model::trial::local_trial_id(&t.sponsor.as_ref().unwrap().name, &t.brief_title)
    );
    assert_eq!(t.target_antigens(), ["CD19", "BCMA"]);

    // Seed 004: ages 18-60 as its criterion 2 states.
    let t = get("NCT07031713").expect("seed 004");
    assert_eq!(t.eligibility.max_age.unwrap().to_string(), "60 Years");

    // The eligibility texts are the seed texts the criteria compiler is tested on.
    for (id, file) in [
        ("NCT06946485", "seed_NCT06946485.txt"),
        ("NCT07331467", "seed_NCT07331467.txt"),
        ("NCT07031713", "seed_NCT07031713.txt"),
    ] {
        let text = std::fs::read_to_string(dir("../criteria/tests/data").join(file)).unwrap();
        assert_eq!(
            get(id).unwrap().eligibility.criteria.as_deref(),
            Some(text.trim_end())
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn reading_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = from_memory("fuzz.json", &bytes);
    }

    #[test]
    fn reading_never_panics_on_mutated_studies(cut in 0usize..4000, byte in any::<u8>(), pos in 0usize..4000) {
        let mut b = serde_json::to_vec(&good_study()).unwrap();
        let p = pos % b.len();
        b[p] = byte;
        b.truncate(cut.max(1).min(b.len()));
        let _ = from_memory("fuzz.json", &b);
    }

    #[test]
    fn any_value_in_any_field_is_an_error_or_a_trial(
        module in prop::sample::select(vec!["statusModule", "designModule", "eligibilityModule", "contactsLocationsModule", "identificationModule"]),
        field in "[a-zA-Z]{1,12}",
        v in prop_oneof![Just(json!(null)), Just(json!(1)), Just(json!("x")), Just(json!([1])), Just(json!({"a": 1})), Just(json!(-3.5))],
    ) {
        let mut s = good_study();
        s["protocolSection"][module][field] = v;
        let _ = study_to_trial(&s);
    }
}

fn all_with(paths: &[PathBuf], limits: eligo_ctgov::Limits) -> (Vec<Record>, Vec<ImportError>) {
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for item in eligo_ctgov::read_sources_with(paths, limits).expect("sources") {
        match item {
            Ok(r) => ok.push(r),
            Err(e) => bad.push(e),
        }
    }
    (ok, bad)
}

fn zip_of(path: &Path, entries: &[(&str, &[u8])]) {
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in entries {
        z.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap();
}

/// An archive entry that expands far beyond its compressed size is refused
/// as it is read (never held whole), naming the entry; the next entry is
/// still read.
#[test]
fn zip_bombs_are_refused_naming_the_entry() {
    let tmp = tempfile::tempdir().unwrap();
    let zp = tmp.path().join("bomb.zip");
    // 8 MiB of spaces deflate to a few KiB: a ratio of about 1000.
    let mut bomb = vec![b' '; 8 * 1024 * 1024];
    bomb.extend_from_slice(&serde_json::to_vec(&good_study()).unwrap());
    let good = serde_json::to_vec(&good_study()).unwrap();
    zip_of(&zp, &[("bomb.json", &bomb), ("NCT02552212.json", &good)]);
    let limits = eligo_ctgov::Limits {
        max_record_bytes: 1024 * 1024,
        max_expansion_ratio: 100,
    };
    let (ok, bad) = all_with(std::slice::from_ref(&zp), limits);
    assert_eq!(ok.len(), 1, "{bad:?}");
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert_eq!(bad[0].origin.location.as_deref(), Some("entry bomb.json"));
    assert!(bad[0].reason.contains("zip bomb"), "{}", bad[0]);
    // The same archive within a generous limit imports both.
    let (ok, bad) = all_with(
        &[zp],
        eligo_ctgov::Limits {
            max_record_bytes: 1024 * 1024,
            max_expansion_ratio: 100_000,
        },
    );
    assert!(bad.is_empty(), "{bad:?}");
    assert_eq!(ok.len(), 2);
}

/// One record over the limit is reported with its place and skipped
/// without being kept; the records around it are read, in every form.
#[test]
fn oversized_records_are_skipped_and_the_rest_read() {
    let tmp = tempfile::tempdir().unwrap();
    let mut big = good_study();
    big["protocolSection"]["identificationModule"]["nctId"] = json!("NCT09999999");
    big["protocolSection"]["descriptionModule"]["detailedDescription"] =
        json!("x".repeat(400 * 1024));
    let good = good_study();
    let limits = eligo_ctgov::Limits {
        max_record_bytes: 256 * 1024,
        max_expansion_ratio: 100,
    };
    let page = tmp.path().join("page.json");
    std::fs::write(
        &page,
        serde_json::to_vec(&json!({"studies": [big, good], "nextPageToken": "x"})).unwrap(),
    )
    .unwrap();
    let nd = tmp.path().join("all.ndjson");
    std::fs::write(
        &nd,
        format!(
            "{}\n{}\n",
            serde_json::to_string(&big).unwrap(),
            serde_json::to_string(&good).unwrap()
        ),
    )
    .unwrap();
    let arr = tmp.path().join("arr.zip");
    let arr_bytes = serde_json::to_vec(&json!([big, good])).unwrap();
    zip_of(&arr, &[("studies.json", &arr_bytes)]);
    for (path, place) in [
        (&page, "studies[0]"),
        (&nd, "line 1"),
        (&arr, "entry studies.json, [0]"),
    ] {
        let (ok, bad) = all_with(std::slice::from_ref(path), limits);
        assert_eq!(ok.len(), 1, "{}: {bad:?}", path.display());
        assert_eq!(ok[0].trial.id, "NCT02552212");
        assert_eq!(bad.len(), 1, "{}", path.display());
        assert_eq!(bad[0].origin.location.as_deref(), Some(place));
        assert!(
            bad[0].reason.contains("larger than the limit"),
            "{}",
            bad[0]
        );
    }
}

/// Bytes that are no JSON are refused at once: `/dev/zero` was read for
/// 2.4 GB before failing.
#[cfg(unix)]
#[test]
fn an_endless_stream_of_non_json_fails_at_its_first_byte() {
    let started = std::time::Instant::now();
    let (ok, bad) = read_all(&[PathBuf::from("/dev/zero")]);
    assert!(ok.is_empty());
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert!(bad[0].reason.contains("0x00"), "{}", bad[0]);
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
}

/// Several studies streamed from one file keep their JSON error places in
/// file coordinates, and a truncated array keeps the studies before the cut.
#[test]
fn streamed_records_keep_file_positions() {
    let good = serde_json::to_string(&good_study()).unwrap();
    let text = format!("[\n{good},\n{{\"protocolSection\": [}}\n]");
    let items = from_memory("two.json", text.as_bytes());
    assert!(items[0].is_ok());
    let e = items[1].as_ref().unwrap_err();
    assert!(e.reason.contains("line 3 column"), "{e}");
    let cut = format!("[{good}, {good}");
    let items = from_memory("cut.json", &cut.as_bytes()[..cut.len() - 10]);
    assert!(items[0].is_ok());
    assert!(items[1].as_ref().unwrap_err().reason.contains("truncated"));
}

/// An id is stored exactly as the record writes it: an empty or malformed
/// nctId is refused with its path instead of being replaced or normalised;
/// a record with no nctId at all gets a local id (docs/cli.md).
#[test]
fn nct_ids_are_refused_when_empty_or_malformed() {
    let path = "protocolSection.identificationModule.nctId";
    for (bad, expect) in [
        (json!(""), "empty"),
        (json!("  "), "empty"),
        (json!("nct02552212"), "did you mean \"NCT02552212\""),
        (json!("NCT02552212\n"), "did you mean \"NCT02552212\""),
        (json!("NCT0255221"), "not an NCT id"),
        (json!(2552212), "expected a string"),
    ] {
        let mut s = good_study();
        s["protocolSection"]["identificationModule"]["nctId"] = bad.clone();
        let e = study_to_trial(&s).unwrap_err();
        assert_eq!(e.path, path, "{bad}");
        assert!(e.reason.contains(expect), "{bad}: {e}");
    }
    let mut s = good_study();
    s["protocolSection"]["identificationModule"]
        .as_object_mut()
        .unwrap()
        .remove("nctId");
    assert!(study_to_trial(&s).unwrap().id.starts_with("ELIGO-"));
}

/// A symbolic link back to an ancestor is read once and reported, not
/// followed until the path is too long (which aborted the whole import).
#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_and_the_rest_read() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    std::fs::create_dir(&dir).unwrap();
    std::fs::copy(dir_of_sample("NCT02552212.json"), dir.join("a.json")).unwrap();
    std::os::unix::fs::symlink(&dir, dir.join("loop")).unwrap();
    std::os::unix::fs::symlink(dir.join("self.json"), dir.join("self.json")).unwrap();
    let (ok, bad) = read_all(&[dir]);
    assert_eq!(ok.len(), 1, "{bad:?}");
    assert_eq!(bad.len(), 2, "{bad:?}");
    assert!(
        bad.iter()
            .any(|e| e.origin.file.ends_with("loop") && e.reason.contains("loop"))
    );
    assert!(bad.iter().any(|e| e.origin.file.ends_with("self.json")));
}

fn dir_of_sample(name: &str) -> PathBuf {
    dir("sample/ctgov").join(name)
}

#[test]
fn page_facts_and_field_notes_are_read_and_checked() {
    let mut s = good_study();
    s["eligo"] = json!({
        "pageDates": [{"label": "Current as of", "text": "Current as of July 23, 2025", "date": "2025-07-23"}],
        "pageSummary": {"source": "A site", "heading": "Site Summary", "text": "In the site's words."},
        "outcomeMeasures": [{"measure": "Unclassed", "timeFrame": "1 month"}],
        "derived": [{"field": "conditions", "note": "from the title"}],
        "labelInferred": [{"field": "dates.start", "note": "a bare date"}]
    });
    let t = study_to_trial(&s).unwrap();
    assert_eq!(t.page_dates[0].date.to_string(), "2025-07-23");
    assert_eq!(t.page_dates[0].label, "Current as of");
    assert_eq!(t.page_summary.as_ref().unwrap().heading, "Site Summary");
    assert_eq!(t.outcomes[0].measure, "Unclassed");
    assert!(t.is_derived("conditions"));
    assert_eq!(
        t.note("dates.start").unwrap().basis,
        eligo_model::trial::Basis::LabelInferred
    );

    // A note on a field the record does not set, a date without its date,
    // a sponsor paragraph without a sponsor: each an error at its path.
    let bad = [
        (
            json!({"derived": [{"field": "collaborators", "note": "x"}]}),
            "eligo.derived[0].field",
        ),
        (
            json!({"labelInferred": [{"field": "no such[", "note": "x"}]}),
            "eligo.labelInferred[0].field",
        ),
        (
            json!({"pageDates": [{"label": "Updated", "text": "Updated soon"}]}),
            "eligo.pageDates[0].date",
        ),
        (
            json!({"pageDates": [{"label": "Updated", "text": "x", "date": "July 2025"}]}),
            "eligo.pageDates[0].date",
        ),
    ];
    for (ext, path) in bad {
        let mut s = good_study();
        s["eligo"] = ext;
        let e = study_to_trial(&s).unwrap_err();
        assert_eq!(e.path, path, "{e}");
    }
    let mut s = good_study();
    s["protocolSection"]
        .as_object_mut()
        .unwrap()
        .remove("sponsorCollaboratorsModule");
    s["protocolSection"]["identificationModule"]
        .as_object_mut()
        .unwrap()
        .remove("organization");
    s["eligo"] = json!({"sponsorAbout": {"source": "S", "heading": "About", "text": "t"}});
    assert_eq!(study_to_trial(&s).unwrap_err().path, "eligo.sponsorAbout");
}
