//! Print a compiled criteria file: `cargo run -p eligo-criteria --example show FILE`.
fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: show FILE");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let c = eligo_criteria::compile("file", &text);
    for (i, cr) in c.criteria.iter().enumerate() {
        println!(
            "#{i} {:?} {:?} [{}..{}] {}",
            cr.kind,
            cr.computable,
            cr.span.start,
            cr.span.end,
            cr.text.chars().take(90).collect::<String>()
        );
        for r in &cr.rules {
            println!("    R {}", eligo_criteria::render::rule(r));
        }
        for p in &cr.not_computable {
            println!(
                "    - {:?}: {}",
                p.reason,
                p.text.chars().take(100).collect::<String>()
            );
        }
    }
    println!("computable fraction {:.2}", c.computable_fraction);
}
