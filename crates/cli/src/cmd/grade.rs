//! `eligo grade`: CTCAE v5.0 grades for laboratory values, one JSON object a
//! line in and out (docs/instruments.md). Never touches the registry.

use crate::cmd::score::{display_path, json_error, print, read_input};
use crate::context::Context;
use crate::exit::Coded;
use eligo_instruments::ctcae::{self, GradeError, GradeRequest};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Format {
    /// Terms and their rules for people.
    Text,
    /// `{"terms": [...]}`.
    Json,
}

#[derive(clap::Args)]
pub struct Args {
    /// JSON Lines to grade ("-": standard input), in the format of
    /// grade_vectors.jsonl: term, value, unit, lln, uln, baseline.
    #[arg(
        long,
        value_name = "FILE.jsonl",
        required_unless_present = "list",
        conflicts_with = "list"
    )]
    input: Option<PathBuf>,
    /// Also add "grade_reason": the rule that decided, or why there is no grade.
    #[arg(long, conflicts_with = "list")]
    explain: bool,
    /// List the CTCAE terms and the rules read from their criteria.
    #[arg(long)]
    list: bool,
    /// Format of --list.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

pub fn run(_ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    if args.list {
        let terms = ctcae::terms()?;
        let out = match args.format {
            Format::Json => {
                #[derive(serde::Serialize)]
                struct List<'a> {
                    terms: &'a [ctcae::TermInfo],
                }
                serde_json::to_string_pretty(&List { terms: &terms })? + "\n"
            }
            Format::Text => {
                let mut s = String::new();
                for t in &terms {
                    s.push_str(&format!(
                        "{} ({}{}{})\n",
                        t.term,
                        t.direction.as_str(),
                        t.unit
                            .as_ref()
                            .map(|u| format!(", {u}"))
                            .unwrap_or_default(),
                        if t.uses.is_empty() {
                            String::new()
                        } else {
                            format!(", uses {}", t.uses.join(", "))
                        }
                    ));
                    for (g, rules) in t.grades.iter().rev() {
                        s.push_str(&format!("  {g}: {}\n", rules.join("; ")));
                    }
                }
                s
            }
        };
        return print(&out);
    }
    let Some(path) = &args.input else {
        return Err(Coded::usage("give --input FILE.jsonl, or --list"));
    };
    let text = read_input(path)?;
    let name = display_path(path);
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let bad = |msg: String| Coded::invalid_input(format!("{name}: line {n}: {msg}"));
        let value = eligo_instruments::input::parse_json(line).map_err(|e| bad(json_error(&e)))?;
        let request = GradeRequest::from_json(&value).map_err(|e| bad(e.to_string()))?;
        let graded = request.grade().map_err(|e| match e {
            GradeError::Data(_) => anyhow::Error::new(e),
            e => bad(e.to_string()),
        })?;
        out.push_str(&with_grade(
            line,
            &value,
            graded.grade,
            args.explain.then_some(&graded.reason),
        ));
        out.push('\n');
    }
    print(&out)
}

/// The line as read with `"grade"` (and `"grade_reason"`) added before its
/// closing brace, so every other field keeps its spelling and order.
fn with_grade(
    line: &str,
    value: &serde_json::Value,
    grade: Option<u8>,
    reason: Option<&String>,
) -> String {
    let grade = grade.map_or(serde_json::Value::Null, |g| {
        serde_json::Value::String(g.to_string())
    });
    let trimmed = line.trim();
    let fresh = value.as_object().is_some_and(|m| {
        !m.is_empty() && !m.contains_key("grade") && !m.contains_key("grade_reason")
    });
    if fresh && let Some(body) = trimmed.strip_suffix('}') {
        let mut s = format!("{}, \"grade\": {grade}", body.trim_end());
        if let Some(r) = reason {
            s.push_str(&format!(
                ", \"grade_reason\": {}",
                serde_json::Value::String(r.clone())
            ));
        }
        s.push('}');
        return s;
    }
    let mut m = value.as_object().cloned().unwrap_or_default();
    m.insert("grade".into(), grade);
    if let Some(r) = reason {
        m.insert("grade_reason".into(), serde_json::Value::String(r.clone()));
    }
    serde_json::Value::Object(m).to_string()
}
