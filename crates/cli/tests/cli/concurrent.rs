//! `eligo import` while other eligo processes use the registry (issue 16):
//! the search index has one writer at a time; an import that finds it taken
//! stores its records, says the index catches up, and exits 0; a server
//! started before the import answers searches from the new index without a
//! restart.

use crate::common::{Reg, json};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A real study (from the test data) under an id no registry holds, written
/// to the registry's temporary directory; its path.
fn fresh_study(reg: &Reg, new_id: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ctgov/studies");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("test studies")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    let mut study: Value =
        serde_json::from_slice(&std::fs::read(&files[0]).expect("a study")).expect("JSON");
    study["protocolSection"]["identificationModule"]["nctId"] = new_id.into();
    let path = reg.tmp(&format!("{new_id}.json"));
    std::fs::write(&path, serde_json::to_vec(&study).unwrap()).unwrap();
    path
}

fn search_total(reg: &Reg, q: &str) -> u64 {
    json(&reg.run(&["search", q, "--format", "json"]))["total"]
        .as_u64()
        .expect("total")
}

#[test]
fn an_import_that_finds_the_index_writer_taken_exits_0_and_the_index_catches_up() {
    let reg = Reg::new();
    let id = "NCT09990001";
    assert_eq!(search_total(&reg, id), 0);
    // Another process holds the index writer for the whole import.
    let index = eligo_search::SearchIndex::open(&reg.tmp("eligo.db-index")).expect("index");
    let held = index.updater().expect("the writer is free");
    let path = fresh_study(&reg, id);
    let out = reg.run(&["import", "--format", "json", &path.display().to_string()]);
    let summary = json(&out);
    assert_eq!(summary["inserted"], 1, "{summary}");
    assert_eq!(summary["index_pending"], true, "{summary}");
    let out = reg.run(&["import", &path.display().to_string()]);
    assert!(out.status.success());
    // The writer's holder is no server: the import keeps its priority.
    assert!(!String::from_utf8_lossy(&out.stderr).contains("a server is running"));
    drop(held);
    drop(index);
    // The next command that opens the registry brings the index up.
    assert_eq!(search_total(&reg, id), 1);
}

/// `eligo serve` on a free port of 127.0.0.1, killed when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(reg: &Reg) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_eligo"))
            .args(["serve", "--addr", "127.0.0.1:0", "--insecure-cookies"])
            .env("ELIGO_DB", reg.tmp("eligo.db"))
            .env_remove("DATABASE_URL")
            .env_remove("ELIGO_INDEX_DIR")
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("start eligo serve");
        let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
        let addr = loop {
            let line = lines
                .next()
                .expect("eligo serve said nothing")
                .expect("stderr");
            if let Some(rest) = line.split("on http://").nth(1) {
                break rest.split_whitespace().next().unwrap().to_string();
            }
        };
        // Keep draining stderr so that the server never blocks on it.
        std::thread::spawn(move || for _ in lines {});
        let s = Server { child, addr };
        let until = Instant::now() + Duration::from_secs(60);
        while s.get("/api/v1/search?q=lupus").is_none() {
            assert!(Instant::now() < until, "the server did not answer");
            std::thread::sleep(Duration::from_millis(200));
        }
        s
    }

    /// The body of a 200 answer to GET `path`.
    fn get(&self, path: &str) -> Option<String> {
        let mut c = std::net::TcpStream::connect(&self.addr).ok()?;
        c.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
        write!(
            c,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        )
        .ok()?;
        let mut text = String::new();
        c.read_to_string(&mut text).ok()?;
        let (head, body) = text.split_once("\r\n\r\n")?;
        head.starts_with("HTTP/1.1 200").then(|| body.to_string())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_server_started_before_an_import_answers_searches_from_the_new_index() {
    let reg = Reg::new();
    let id = "NCT09990002";
    let server = Server::start(&reg);
    let api = format!("/api/v1/search?q={id}");
    let page = format!("/search?q={id}");
    assert!(!server.get(&api).expect("search API").contains(id));
    // The import runs while the server serves (and may hold the index writer).
    let path = fresh_study(&reg, id);
    let out = reg.run(&["import", &path.display().to_string()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "import exited {:?}: {stderr}",
        out.status.code(),
    );
    // It saw the server and yielded the CPU to it.
    assert!(
        stderr.contains("a server is running on this registry"),
        "{stderr}"
    );
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        let found_api = server.get(&api).is_some_and(|b| b.contains(id));
        let found_page = server.get(&page).is_some_and(|b| b.contains(id));
        if found_api && found_page {
            break;
        }
        assert!(
            Instant::now() < until,
            "the server's search does not find {id} 30 s after the import"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    // And the trial's own page and match API know it.
    assert!(server.get(&format!("/trials/{id}")).is_some());
}
