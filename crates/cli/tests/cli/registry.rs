//! `eligo import | search | show | related | stats` against a temporary
//! SQLite registry per test. Expectations come from the real records
//! themselves (their ids, statuses, phases, ages, conditions), read here with
//! serde_json independently of eligo's importer.

use crate::common::{Reg, json, text};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};

const SEED_TRIAL: &str = "NCT06946485";

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/ctgov")
        .join(rel)
}

impl Reg {
    fn json(&self, args: &[&str]) -> Value {
        json(&self.run(args))
    }

    fn import(&self, paths: &[&Path], extra: &[&str]) -> (Option<i32>, Value, String) {
        let mut args = vec!["import", "--format", "json"];
        args.extend_from_slice(extra);
        let paths: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        args.extend(paths.iter().map(String::as_str));
        let out = self.run(&args);
        let summary = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "import summary is not JSON ({e}): {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (
            out.status.code(),
            summary,
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn show(&self, id: &str) -> Option<Value> {
        let out = self.run(&["show", id, "--format", "json"]);
        match out.status.code() {
            Some(0) => Some(serde_json::from_slice(&out.stdout).expect("show JSON")),
            Some(4) => None,
            c => panic!(
                "show {id}: exit {c:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            ),
        }
    }
}

fn read_json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).expect("read test data"))
        .expect("test data is JSON")
}

fn nct_id(study: &Value) -> String {
    study["protocolSection"]["identificationModule"]["nctId"]
        .as_str()
        .expect("nctId")
        .to_string()
}

fn n(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a count: {v}"))
}

fn study_files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(data("studies"))
        .expect("studies dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    v.sort();
    v
}

/// Every stored record was counted once and can be shown under its NCT id.
fn assert_imported(reg: &Reg, summary: &Value, studies: &[Value]) {
    let read = n(&summary["read"]);
    assert_eq!(read, studies.len() as u64, "{summary}");
    let stored = n(&summary["inserted"]) + n(&summary["updated"]) + n(&summary["unchanged"]);
    assert_eq!(stored + n(&summary["failed"]), read, "{summary}");
    let mut shown = 0;
    for s in studies {
        if let Some(t) = reg.show(&nct_id(s)) {
            assert_eq!(t["id"], nct_id(s));
            shown += 1;
        }
    }
    assert_eq!(shown, stored, "every stored record is in the registry");
}

#[test]
fn import_each_real_study_form() {
    let singles: Vec<Value> = study_files().iter().map(|p| read_json(p)).collect();

    // One study per file.
    let reg = Reg::new();
    let (code, s, err) = reg.import(&[&study_files()[0]], &[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(n(&s["failed"]), 0);
    assert_imported(&reg, &s, &singles[..1]);

    // A directory of studies.
    let reg = Reg::new();
    let (code, s, err) = reg.import(&[&data("studies")], &[]);
    assert_eq!(code, Some(0), "{err}");
    assert_imported(&reg, &s, &singles);

    // A search-response page: its `studies` array.
    let page_path = data("search_pages/search_melanoma_recruiting_limit3_20260811.json");
    let page = read_json(&page_path);
    let page_studies = page["studies"].as_array().expect("studies").clone();
    let reg = Reg::new();
    let (code, s, err) = reg.import(&[&page_path], &[]);
    let expected_code = if n(&s["failed"]) > 0 { 3 } else { 0 };
    assert_eq!(code, Some(expected_code), "{err}");
    assert_imported(&reg, &s, &page_studies);

    // NDJSON: one compact study per line.
    let reg = Reg::new();
    let nd = reg.tmp("studies.ndjson");
    let lines: Vec<String> = singles
        .iter()
        .map(|v| serde_json::to_string(v).unwrap())
        .collect();
    std::fs::write(&nd, lines.join("\n") + "\n").unwrap();
    let (code, s, err) = reg.import(&[&nd], &[]);
    assert_eq!(code, Some(0), "{err}");
    assert_imported(&reg, &s, &singles);

    // A zip archive of study files (the bulk download form).
    let reg = Reg::new();
    let zip_path = reg.tmp("studies.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    for p in study_files() {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(&std::fs::read(&p).unwrap()).unwrap();
    }
    zip.finish().unwrap();
    let (code, s, err) = reg.import(&[&zip_path], &[]);
    assert_eq!(code, Some(0), "{err}");
    assert_imported(&reg, &s, &singles);
}

#[test]
fn reimport_leaves_the_same_state() {
    let reg = Reg::new();
    let (code, first, err) = reg.import(&[&data("studies")], &[]);
    assert_eq!(code, Some(0), "{err}");
    let ids: Vec<String> = study_files()
        .iter()
        .map(|p| nct_id(&read_json(p)))
        .collect();
    let before_stats = reg.json(&["stats", "--format", "json"]);
    let before: Vec<Option<Value>> = ids.iter().map(|id| reg.show(id)).collect();

    let (code, again, err) = reg.import(&[&data("studies")], &[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(n(&again["inserted"]), 0, "{again}");
    assert_eq!(n(&again["updated"]), 0, "{again}");
    let stored = n(&first["inserted"]) + n(&first["updated"]) + n(&first["unchanged"]);
    assert_eq!(n(&again["unchanged"]), stored, "{again}");

    let after_stats = reg.json(&["stats", "--format", "json"]);
    for k in ["trials", "by_status", "by_phase", "generation"] {
        assert_eq!(after_stats[k], before_stats[k], "{k}");
    }
    let after: Vec<Option<Value>> = ids.iter().map(|id| reg.show(id)).collect();
    assert_eq!(after, before);
}

/// A real study under an id that no registry (the sample included) holds.
fn fresh_copy(path: &Path, new_id: &str) -> Value {
    let mut study = read_json(path);
    study["protocolSection"]["identificationModule"]["nctId"] = new_id.into();
    study
}

/// The first test study with one field changed to a value the registry
/// does not define.
fn corrupted_copy(field_path: &[&str], bad: Value) -> (String, Value) {
    let mut study = read_json(&study_files()[0]);
    let id = nct_id(&study);
    let mut at = &mut study;
    for k in &field_path[..field_path.len() - 1] {
        at = &mut at[*k];
    }
    at[field_path[field_path.len() - 1]] = bad;
    (id, study)
}

#[test]
fn a_failed_record_leaves_the_store_unchanged() {
    let reg = Reg::new();
    let (code, _, err) = reg.import(&[&study_files()[0]], &[]);
    assert_eq!(code, Some(0), "{err}");
    let (id, bad) = corrupted_copy(
        &["protocolSection", "statusModule", "overallStatus"],
        "RECRUTING".into(),
    );
    let stored_before = reg.show(&id).expect("stored");

    // Line 1: the bad copy of a stored study; line 2: a good new study.
    let good = fresh_copy(&study_files()[1], "NCT99000001");
    let good_id = nct_id(&good);
    assert!(reg.show(&good_id).is_none() || good_id == id);
    let nd = reg.tmp("mixed.ndjson");
    std::fs::write(
        &nd,
        format!(
            "{}\n{}\n",
            serde_json::to_string(&bad).unwrap(),
            serde_json::to_string(&good).unwrap()
        ),
    )
    .unwrap();

    let (code, s, err) = reg.import(&[&nd], &[]);
    assert_eq!(code, Some(3), "a failed record exits 3: {err}");
    assert_eq!(n(&s["failed"]), 1, "{s}");
    assert_eq!(n(&s["read"]), 2, "{s}");
    assert!(
        err.contains("mixed.ndjson"),
        "the error names the file: {err}"
    );
    assert!(
        err.contains("overallStatus"),
        "the error names the field: {err}"
    );
    assert!(
        err.contains("RECRUTING"),
        "the error names the bad value: {err}"
    );
    let e = &s["errors"][0];
    assert!(e["file"].as_str().unwrap().ends_with("mixed.ndjson"), "{e}");
    assert!(
        e["location"].as_str().is_some_and(|l| l.contains('1')),
        "the error gives the line: {e}"
    );

    assert_eq!(
        reg.show(&id),
        Some(stored_before),
        "the failed record changed nothing"
    );
    assert!(
        reg.show(&good_id).is_some(),
        "the good record of the same run is stored"
    );
}

#[test]
fn strict_import_rolls_the_whole_run_back() {
    let reg = Reg::new();
    let before = reg.json(&["stats", "--format", "json"]);
    let (_, bad) = corrupted_copy(
        &["protocolSection", "designModule", "phases"],
        serde_json::json!(["PHASE9"]),
    );
    let good = fresh_copy(&study_files()[1], "NCT99000001");
    let good_id = nct_id(&good);
    let nd = reg.tmp("strict.ndjson");
    std::fs::write(
        &nd,
        format!(
            "{}\n{}\n",
            serde_json::to_string(&good).unwrap(),
            serde_json::to_string(&bad).unwrap()
        ),
    )
    .unwrap();

    let (code, s, err) = reg.import(&[&nd], &["--strict"]);
    assert_eq!(code, Some(3), "{err}");
    assert_eq!(s["rolled_back"], true, "{s}");
    assert!(err.contains("PHASE9"), "{err}");
    let after = reg.json(&["stats", "--format", "json"]);
    assert_eq!(after["trials"], before["trials"]);
    assert_eq!(after["generation"], before["generation"]);
    assert!(
        reg.show(&good_id).is_none(),
        "the good record before the error was rolled back too"
    );
}

/// Every kind of bad input: exit 3, the place named, the registry untouched.
#[test]
fn bad_input_changes_nothing() {
    let reg = Reg::new();
    let before = reg.json(&["stats", "--format", "json"]);
    let good = serde_json::to_string(&read_json(&study_files()[0])).unwrap();
    let mut wrong_type = read_json(&study_files()[0]);
    wrong_type["protocolSection"]["designModule"]["enrollmentInfo"]["count"] = "many".into();
    let mut other_title = read_json(&study_files()[0]);
    other_title["protocolSection"]["identificationModule"]["briefTitle"] = "Another".into();

    let mut zip_bytes = Vec::new();
    {
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(&mut zip_bytes));
        z.start_file("notes.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(b"not a study").unwrap();
        z.finish().unwrap();
    }
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "invalid.json",
            b"{\"protocolSection\": [}".to_vec(),
            "line 1",
        ),
        (
            "types.json",
            serde_json::to_vec(&wrong_type).unwrap(),
            "enrollmentInfo.count",
        ),
        (
            "nops.json",
            br#"{"derivedSection": {}}"#.to_vec(),
            "protocolSection",
        ),
        (
            "latin1.json",
            b"{\"protocolSection\": {\"x\": \"caf\xe9\"}}".to_vec(),
            "UTF-8",
        ),
        ("empty.json", Vec::new(), "empty"),
        ("notes.zip", zip_bytes.clone(), "notes.txt"),
        ("cut.zip", zip_bytes[..zip_bytes.len() / 2].to_vec(), "zip"),
        (
            "dups.ndjson",
            format!(
                "{}\n{}\n",
                serde_json::to_string(&other_title).unwrap(),
                good
            )
            .into_bytes(),
            "duplicate id",
        ),
    ];
    for (name, bytes, expect) in cases {
        let path = reg.tmp(name);
        std::fs::write(&path, &bytes).unwrap();
        let (code, s, err) = reg.import(&[&path], &["--strict"]);
        assert_eq!(code, Some(3), "{name}: {err}");
        assert!(
            err.contains(name),
            "{name}: the error names the file: {err}"
        );
        assert!(
            err.contains(expect),
            "{name}: expected {expect:?} in: {err}"
        );
        assert!(n(&s["failed"]) >= 1, "{name}: {s}");
        let after = reg.json(&["stats", "--format", "json"]);
        assert_eq!(after["trials"], before["trials"], "{name}");
        assert_eq!(after["generation"], before["generation"], "{name}");
    }
}

#[test]
fn stats_count_the_registry() {
    let reg = Reg::new();
    let sample = reg.json(&["stats", "--format", "json"]);
    let sample_trials = n(&sample["trials"]);
    assert!(
        sample_trials >= 4,
        "the sample holds at least the four seed trials: {sample}"
    );
    let sum: u64 = sample["by_status"]
        .as_object()
        .unwrap()
        .values()
        .map(n)
        .sum();
    // Every trial counts under its status, or under none when its record
    // states none (the five trials seed 003 knows by id and title, and
    // trimmed search-page records).
    let not_stated = n(&sample["status_not_stated"]);
    assert_eq!(sum + not_stated, sample_trials);
    assert!(not_stated >= 5, "{sample}");

    let (code, s, err) = reg.import(&[&data("studies")], &[]);
    assert_eq!(code, Some(0), "{err}");
    let after = reg.json(&["stats", "--format", "json"]);
    assert_eq!(n(&after["trials"]), sample_trials + n(&s["inserted"]));
    // Each imported study's status is counted.
    for p in study_files() {
        let st = read_json(&p)["protocolSection"]["statusModule"]["overallStatus"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(n(&after["by_status"][&st]) >= 1, "{st}");
    }
    // Phases: every imported study's phases appear among the counts.
    for p in study_files() {
        for ph in read_json(&p)["protocolSection"]["designModule"]["phases"]
            .as_array()
            .into_iter()
            .flatten()
        {
            assert!(n(&after["by_phase"][ph.as_str().unwrap()]) >= 1, "{ph}");
        }
    }
    let out = reg.run(&["stats"]);
    assert!(text(&out).contains(&format!("{} trials", n(&after["trials"]))));
}

#[test]
fn search_with_filters() {
    let reg = Reg::new();
    let (code, _, err) = reg.import(&[&data("studies")], &[]);
    assert_eq!(code, Some(0), "{err}");
    // NCT03418623: COMPLETED, PHASE2, 21-40 years, alcohol use disorder.
    let rec = read_json(&data("studies/NCT03418623.json"));
    let p = &rec["protocolSection"];
    assert_eq!(p["statusModule"]["overallStatus"], "COMPLETED");
    assert_eq!(p["eligibilityModule"]["minimumAge"], "21 Years");
    assert_eq!(p["eligibilityModule"]["maximumAge"], "40 Years");
    let id = "NCT03418623";

    let hits = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["search", "--format", "json", "--limit", "100"];
        a.extend_from_slice(args);
        let v = reg.json(&a);
        assert!(
            v["total"].as_u64().is_some() && v["facets"].is_object(),
            "{v}"
        );
        v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(hits(&["alcohol"]).contains(&id.to_string()));
    assert!(hits(&["alcohol", "--status", "completed"]).contains(&id.to_string()));
    assert!(!hits(&["alcohol", "--status", "RECRUITING"]).contains(&id.to_string()));
    assert!(hits(&["alcohol", "--phase", "2"]).contains(&id.to_string()));
    assert!(!hits(&["alcohol", "--phase", "PHASE3"]).contains(&id.to_string()));
    assert!(hits(&["alcohol", "--age", "30"]).contains(&id.to_string()));
    assert!(
        hits(&["alcohol", "--age", "21"]).contains(&id.to_string()),
        "the minimum age is inclusive"
    );
    assert!(!hits(&["alcohol", "--age", "41"]).contains(&id.to_string()));
    assert!(!hits(&["alcohol", "--age", "20"]).contains(&id.to_string()));
    assert!(hits(&["", "--condition", "alcohol use disorder"]).contains(&id.to_string()));

    // The JSON hit carries the documented fields, the snippet its highlights.
    let v = reg.json(&["search", "--format", "json", "alcohol"]);
    let h = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == id)
        .expect("hit");
    for k in ["id", "title", "status", "phases", "score", "snippet"] {
        assert!(h.get(k).is_some(), "hit has {k}: {h}");
    }
    assert_eq!(h["status"], "COMPLETED");
    assert_eq!(h["phases"], serde_json::json!(["PHASE2"]));
    let snip = &h["snippet"];
    let text = snip["text"].as_str().unwrap();
    let [a, b] = [
        snip["highlights"][0][0].as_u64().unwrap() as usize,
        snip["highlights"][0][1].as_u64().unwrap() as usize,
    ];
    assert!(text[a..b].to_lowercase().starts_with("alcohol"), "{snip}");
    let status_facet = v["facets"]["status"].as_array().unwrap();
    assert!(
        status_facet
            .iter()
            .any(|f| f["value"] == "COMPLETED" && n(&f["count"]) >= 1)
    );

    // Bad filter values are usage errors (exit 2) that say what is allowed.
    let out = reg.run(&["search", "x", "--status", "RECRUTING"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("RECRUITING"));

    // The table form shows the hit and the facet counts.
    let out = reg.run(&["search", "alcohol"]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains(id) && table.contains("status: "), "{table}");
}

#[test]
fn show_text_has_the_seed_trial_sections() {
    let reg = Reg::new();
    let t = reg
        .show(SEED_TRIAL)
        .expect("the seed trial is in the sample registry");
    let out = reg.run(&["show", SEED_TRIAL]);
    let text = text(&out);
    for heading in [
        "Summary",
        "Eligibility",
        "Timeline",
        "Officials",
        "Conditions",
    ] {
        assert!(
            text.lines().any(|l| l == heading),
            "section {heading} missing:\n{text}"
        );
    }
    // What the record holds appears on the page.
    assert!(text.contains(t["brief_title"].as_str().unwrap()));
    assert!(
        text.contains(t["sponsor"]["name"].as_str().unwrap()),
        "sponsor"
    );
    assert!(text.contains("Status: "));
    if let Some(min) = t["eligibility"]["min_age"].as_str() {
        assert!(text.contains(&format!("Ages: {min}")), "ages");
    }
    for o in t["officials"].as_array().into_iter().flatten() {
        assert!(text.contains(o["name"].as_str().unwrap()));
    }
    for o in t["primary_outcomes"].as_array().into_iter().flatten() {
        let m: String = o["measure"]
            .as_str()
            .unwrap()
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(text.contains(&m), "outcome {m}");
    }
    if let Some(start) = t["dates"]["start"]["date"].as_str() {
        assert!(
            text.contains(&format!("Study start: {start}")),
            "start date"
        );
    }
    let crit = t["eligibility"]["criteria"]
        .as_str()
        .expect("the seed page lists criteria");
    let first_words: String = crit
        .replace('\\', "")
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains(&first_words), "criteria text: {first_words}");
}

#[test]
fn related_lists_the_records_own_related_trials_first() {
    let reg = Reg::new();
    let trials = reg.json(&["search", "--format", "json", "--limit", "100", ""]);
    // A sample trial whose record names related trials (seed 003 does).
    let with_related = trials["hits"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| reg.show(h["id"].as_str().unwrap()))
        .find(|t| t["related"].as_array().is_some_and(|r| !r.is_empty()))
        .expect("a sample trial lists related trials");
    let id = with_related["id"].as_str().unwrap();
    let listed: Vec<&str> = with_related["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let v = reg.json(&["related", id, "--format", "json", "--limit", "50"]);
    let got: Vec<&str> = v["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(got.len() >= listed.len());
    assert_eq!(&got[..listed.len()], &listed[..]);
    assert!(!got.contains(&id), "a trial is not related to itself");
}

#[test]
fn unknown_id_exits_4_and_suggests_search() {
    let reg = Reg::new();
    for cmd in ["show", "related"] {
        let out = reg.run(&[cmd, "NCT00000000"]);
        assert_eq!(out.status.code(), Some(4), "{cmd}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("NCT00000000") && err.contains("eligo search"),
            "{err}"
        );
    }
}

/// Under --format json a run always prints its report, also when a path
/// cannot be read at all or a directory holds a symlink loop.
#[test]
fn json_report_for_unreadable_paths_and_symlink_loops() {
    let reg = Reg::new();
    let missing = reg.tmp("no-such-dir");
    let (code, s, _) = reg.import(&[&missing], &[]);
    assert_eq!(code, Some(3));
    assert_eq!(n(&s["failed"]), 1);
    assert!(
        s["errors"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("no such file"),
        "{s}"
    );
    #[cfg(unix)]
    {
        let dir = reg.tmp("studies");
        std::fs::create_dir(&dir).unwrap();
        std::fs::copy(&study_files()[0], dir.join("a.json")).unwrap();
        std::os::unix::fs::symlink(&dir, dir.join("again")).unwrap();
        let (code, s, err) = reg.import(&[&dir], &[]);
        assert_eq!(code, Some(3), "{err}");
        assert_eq!(
            n(&s["inserted"]) + n(&s["unchanged"]) + n(&s["updated"]),
            1,
            "{s}"
        );
        assert!(
            s["errors"][0]["reason"].as_str().unwrap().contains("loop"),
            "{s}"
        );
    }
}

/// One record over --max-record-size is reported and skipped; the others
/// are stored.
#[test]
fn max_record_size_skips_only_the_large_record() {
    let reg = Reg::new();
    let files = study_files();
    let small = read_json(&files[0]);
    let mut big = read_json(&files[1]);
    big["protocolSection"]["descriptionModule"]["detailedDescription"] = "y".repeat(3 << 20).into();
    let nd = reg.tmp("two.ndjson");
    std::fs::write(&nd, format!("{}\n{}\n", big, small)).unwrap();
    let (code, s, err) = reg.import(&[&nd], &["--max-record-size", "2MiB"]);
    assert_eq!(code, Some(3), "{err}");
    assert_eq!(n(&s["failed"]), 1);
    assert_eq!(s["errors"][0]["location"], "line 1");
    assert!(err.contains("larger than the limit"), "{err}");
    assert!(reg.show(&nct_id(&small)).is_some());
    let out = reg.run(&[
        "import",
        "--max-record-size",
        "lots",
        &nd.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(2));
}
