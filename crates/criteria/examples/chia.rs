//! Score entity extraction on a Chia directory:
//! `cargo run --release -p eligo-criteria --example chia DIR [LIMIT]`
//! (the CLI's `eligo eval chia DIR` prints the same figures). With `DUMP=1`
//! it prints every prediction (TP if it overlaps a gold entity of its type,
//! else FP) and every unmatched gold entity (FN), one a line, for error analysis.
use eligo_criteria::chia::{self, EntityType};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: chia DIR [LIMIT]");
        std::process::exit(2);
    };
    let limit = args.next().and_then(|n| n.parse().ok());
    let docs = match chia::load_dir(std::path::Path::new(&dir), limit) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    if std::env::var_os("DUMP").is_some() {
        for d in &docs {
            let pred = eligo_criteria::entities::extract(&d.text);
            for t in EntityType::ALL {
                let g: Vec<_> = d.gold.iter().filter(|e| e.kind == t).collect();
                let p: Vec<_> = pred.iter().filter(|e| e.kind == t).collect();
                let show = |e: &chia::Entity| {
                    e.fragments
                        .iter()
                        .map(|&(a, b)| d.text[a..b].to_string())
                        .collect::<Vec<_>>()
                        .join(" … ")
                };
                let line_of = |e: &chia::Entity| {
                    let a = e.fragments[0].0;
                    let s = d.text[..a].rfind('\n').map_or(0, |i| i + 1);
                    let en = d.text[a..].find('\n').map_or(d.text.len(), |i| a + i);
                    d.text[s..en].to_string()
                };
                for e in &p {
                    let tag = if g.iter().any(|x| x.overlap(e) > 0) {
                        "TP"
                    } else {
                        "FP"
                    };
                    println!("{tag}\t{}\t{}\t{}\t{}", t.name(), show(e), d.id, line_of(e));
                }
                for e in &g {
                    if !p.iter().any(|x| x.overlap(e) > 0) {
                        println!("FN\t{}\t{}\t{}\t{}", t.name(), show(e), d.id, line_of(e));
                    }
                }
            }
        }
        return;
    }
    let r = chia::evaluate(&docs);
    println!("{} texts", r.documents);
    println!(
        "{:<12} {:>7} {:>7} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6}",
        "type", "support", "pred", "Pe", "Re", "F1e", "Po", "Ro", "F1o"
    );
    for t in EntityType::ALL {
        let s = r.score(t);
        println!(
            "{:<12} {:>7} {:>7} {:>6.3} {:>6.3} {:>6.3} {:>6.3} {:>6.3} {:>6.3}",
            t.name(),
            s.support,
            s.predicted,
            s.precision_exact,
            s.recall_exact,
            s.f1_exact,
            s.precision,
            s.recall,
            s.f1_overlap
        );
    }
}
