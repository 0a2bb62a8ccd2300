//! `eligo participant`, `visit record`, `endpoints`, `escalation`, `export`.

use crate::common::{Reg, json, ok, text};

const AS: &str = "c@example.org";

fn setup() -> Reg {
    let r = Reg::new();
    ok(&r.run(&[
        "user",
        "add",
        "--email",
        AS,
        "--trial",
        "NCT06946485",
        "--trial",
        "NCT07331467",
    ]));
    r
}

fn code(out: &std::process::Output) -> Option<i32> {
    out.status.code()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn participants_visits_and_endpoints_from_the_command_line() {
    let r = setup();
    let add = |id: &str| {
        r.run(&[
            "participant",
            "add",
            "NCT06946485",
            "--study-id",
            id,
            "--infusion-date",
            "2026-01-15",
            "--sex",
            "F",
            "--as",
            AS,
        ])
    };
    assert!(text(&add("CHT-900")).contains("participant CHT-900 added"));
    let again = add("CHT-900");
    assert_eq!(code(&again), Some(3), "{}", stderr(&again));
    // Not a coordinator of the trial: refused.
    let other = r.run(&[
        "participant",
        "add",
        "NCT06946485",
        "--study-id",
        "X-1",
        "--infusion-date",
        "2026-01-15",
        "--as",
        "nobody@example.org",
    ]);
    assert_eq!(code(&other), Some(3));
    assert!(stderr(&other).contains("no account"));
    let bl = r.tmp("bl.json");
    std::fs::write(
        &bl,
        r#"{"date": "2026-01-10", "pga": 1.5, "labs": [{"analyte": "c3", "value": 0.7, "unit": "g/L", "low": 0.9}]}"#,
    )
    .unwrap();
    let rec = |file: &std::path::Path, reason: Option<&str>| {
        let mut a = vec![
            "visit",
            "record",
            "--participant",
            "NCT06946485:CHT-900",
            "--visit",
            "BL",
            "--input",
            file.to_str().unwrap(),
            "--as",
            AS,
        ];
        if let Some(x) = reason {
            a.extend(["--reason", x]);
        }
        r.run(&a)
    };
    assert_eq!(json(&rec(&bl, None))["action"], "created");
    std::fs::write(&bl, r#"{"date": "2026-01-10", "pga": 1.2}"#).unwrap();
    let no_reason = rec(&bl, None);
    assert_eq!(code(&no_reason), Some(3));
    assert!(
        stderr(&no_reason).contains("reason: required"),
        "{}",
        stderr(&no_reason)
    );
    assert_eq!(json(&rec(&bl, Some("PGA corrected")))["action"], "changed");
    std::fs::write(&bl, r#"{"date": "2026-01-10", "pga": "high"}"#).unwrap();
    let bad = rec(&bl, Some("x"));
    assert_eq!(code(&bad), Some(3));
    assert!(
        stderr(&bad).contains("bl.json: pga: expected a number"),
        "{}",
        stderr(&bad)
    );
    // The worked example, then the endpoints on the date it is read.
    assert!(text(&r.run(&["participant", "load-example", "--as", AS])).contains("loaded 6"));
    let list = json(&r.run(&[
        "participant",
        "list",
        "NCT06946485",
        "--format",
        "json",
        "--as-of",
        "2027-05-01",
    ]));
    assert_eq!(list["participants"].as_array().unwrap().len(), 7);
    let csv = text(&r.run(&[
        "endpoints",
        "NCT06946485",
        "--format",
        "csv",
        "--as-of",
        "2027-05-01",
    ]));
    assert_eq!(csv.lines().count(), 1 + 7 * 6);
    let s01_m2 = csv
        .lines()
        .find(|l| l.starts_with("CHT-S01,,M2,"))
        .expect("S01 month 2");
    // sri4, doris2021, lldas: yes, yes, yes (hand-worked in the conduct tests).
    assert!(s01_m2.contains(",yes,yes,yes,"), "{s01_m2}");
    let summary = json(&r.run(&[
        "endpoints",
        "NCT06946485",
        "--summary",
        "--as-of",
        "2027-05-01",
    ]));
    let m1 = summary["groups"][0]["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["endpoint"] == "sri4" && e["visit"] == "M1")
        .unwrap()
        .clone();
    // CHT-900 reached month 1 without a visit: in N, missing, not a responder.
    assert_eq!(
        (
            m1["responders"]["n"].as_u64(),
            m1["responders"]["total"].as_u64(),
            m1["responders"]["missing"].as_u64()
        ),
        (Some(4), Some(7), Some(1))
    );
    let out = r.tmp("export");
    let ex = text(&r.run(&["export", "NCT06946485", "--out", out.to_str().unwrap()]));
    assert!(ex.contains("DM.csv\t7 rows"), "{ex}");
    assert!(
        std::fs::read_to_string(out.join("AE.csv"))
            .unwrap()
            .contains("Cytokine release syndrome")
    );
    assert!(out.join("fhir.json").exists());
}

#[test]
fn escalation_advice_from_the_command_line() {
    let r = setup();
    let none = r.run(&["escalation", "NCT06946485"]);
    assert_eq!(code(&none), Some(3), "no dose levels in that record");
    for (i, d) in ["2026-01-05", "2026-01-12", "2026-01-19"]
        .iter()
        .enumerate()
    {
        ok(&r.run(&[
            "participant",
            "add",
            "NCT07331467",
            "--study-id",
            &format!("UF-{i}"),
            "--infusion-date",
            d,
            "--dose-level",
            "1",
            "--as",
            AS,
        ]));
    }
    let t = text(&r.run(&["escalation", "NCT07331467", "--as-of", "2026-02-10"]));
    // UF-2's 28-day window is still open on 2026-02-10.
    assert!(t.contains("3+3: wait"), "{t}");
    let t = text(&r.run(&["escalation", "NCT07331467", "--as-of", "2026-03-01"]));
    assert!(t.contains("3+3: escalate to level 2 (5×10^5/kg)"), "{t}");
    assert!(t.contains("BOIN: escalate to level 2"), "{t}");
}
