//! Print the segments of an eligibility text: `cargo run -p eligo-criteria --example segments FILE`.
fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: segments FILE");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(1);
    });
    for s in eligo_criteria::segment(&text) {
        println!(
            "{:?} {:?} n={} #{:?} fut={} | {}",
            s.kind,
            s.section,
            s.nesting,
            s.number,
            s.future_anchor,
            s.text.chars().take(70).collect::<String>()
        );
    }
}
