//! The compiler's version: a hash of everything that decides what
//! `compile_trial` produces (this crate's sources and data, the vocabulary's
//! sources and data, and the model's types), so that compiled criteria
//! stored by one build are reused by every build that compiles the same way
//! and by no other. A rebuild that changes none of these keeps the version.

use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    let here = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let crates = here.parent().expect("crates/").to_path_buf();
    let dirs = [
        here.join("src"),
        here.join("data"),
        crates.join("vocab/src"),
        crates.join("vocab/data"),
        crates.join("model/src"),
    ];
    let mut all = Vec::new();
    for d in &dirs {
        println!("cargo:rerun-if-changed={}", d.display());
        files(d, &mut all);
    }
    // Sorted by path relative to crates/, so the hash is the same in any checkout.
    let mut rel: Vec<(String, PathBuf)> = all
        .into_iter()
        .map(|p| {
            let r = p
                .strip_prefix(&crates)
                .unwrap_or(&p)
                .to_string_lossy()
                .replace('\\', "/");
            (r, p)
        })
        .collect();
    rel.sort();
    // FNV-1a, 128 bit (the store's content hash).
    let mut h: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    let mut feed = |bytes: &[u8]| {
        for &b in bytes {
            h ^= u128::from(b);
            h = h.wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013b);
        }
    };
    feed(env!("CARGO_PKG_VERSION").as_bytes());
    for (name, path) in &rel {
        feed(name.as_bytes());
        feed(&[0]);
        feed(&std::fs::read(path).unwrap_or_default());
        feed(&[0xff]);
    }
    println!(
        "cargo:rustc-env=ELIGO_COMPILER_VERSION=criteria-{}-{:016x}",
        env!("CARGO_PKG_VERSION"),
        (h >> 64) as u64 ^ h as u64
    );
}
