//! `eligo search QUERY`: full-text search with filters and facet counts.

use crate::context::Context;
use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use eligo_model::trial::{OverallStatus, Phase, Sex, StudyType};
use eligo_search::arrange::{Arrange, Sort};
use eligo_search::query::{Filters, SearchRequest};
use eligo_search::{FacetCount, SearchResults};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Words to search for (titles, summaries, conditions, interventions,
    /// keywords, eligibility). Empty lists every trial passing the filters.
    #[arg(default_value = "")]
    query: String,
    /// Overall status, e.g. RECRUITING (repeat for any of several).
    #[arg(long, value_parser = parse_status)]
    status: Vec<OverallStatus>,
    /// Phase, e.g. PHASE1, 2, EARLY_PHASE1, NA (repeat for any of several).
    #[arg(long, value_parser = parse_phase)]
    phase: Vec<Phase>,
    /// Study type: INTERVENTIONAL, OBSERVATIONAL or EXPANDED_ACCESS.
    #[arg(long = "type", value_parser = parse_type)]
    study_type: Option<StudyType>,
    /// Words of a condition, as a phrase (e.g. "lupus nephritis").
    #[arg(long)]
    condition: Option<String>,
    /// Target antigen, e.g. CD19, BCMA.
    #[arg(long)]
    antigen: Option<String>,
    /// A patient's age in years: trials whose age range includes it.
    #[arg(long, value_parser = parse_age)]
    age: Option<f64>,
    /// A patient's sex (female, male): trials open to it.
    #[arg(long, value_parser = parse_sex)]
    sex: Option<Sex>,
    /// Country with at least one site.
    #[arg(long)]
    country: Option<String>,
    /// A place to measure distances from: a town or city in any script
    /// ("Nanjing, China", "南京") or "lat,lon". Adds a distance column.
    #[arg(long, value_name = "PLACE")]
    near: Option<String>,
    /// Only trials with a located site this close to --near: 200km, 50mi.
    #[arg(long, value_name = "DISTANCE", requires = "near")]
    within: Option<String>,
    /// Order: relevance, recruiting (recruiting first), nearest (needs
    /// --near), updated (last updated first).
    #[arg(long, default_value = "relevance", value_parser = parse_sort)]
    sort: Sort,
    #[arg(long, default_value_t = 20)]
    limit: usize,
    #[arg(long, default_value_t = 0)]
    offset: usize,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Table,
    Json,
}

fn codes<T: Copy>(all: &[T], code: fn(T) -> &'static str) -> String {
    all.iter().map(|v| code(*v)).collect::<Vec<_>>().join(", ")
}

fn parse_status(s: &str) -> Result<OverallStatus, String> {
    OverallStatus::from_code(s).ok_or_else(|| {
        format!(
            "unknown status {s:?}; one of {}",
            codes(OverallStatus::ALL, OverallStatus::code)
        )
    })
}

fn parse_phase(s: &str) -> Result<Phase, String> {
    let t = s.trim();
    let code = if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        format!("PHASE{t}")
    } else {
        t.to_string()
    };
    Phase::from_code(&code)
        .or_else(|| Phase::from_code(&code.replace("PHASE_", "PHASE").replace("phase_", "PHASE")))
        .ok_or_else(|| {
            format!(
                "unknown phase {s:?}; one of {}",
                codes(Phase::ALL, Phase::code)
            )
        })
}

fn parse_type(s: &str) -> Result<StudyType, String> {
    StudyType::from_code(s).ok_or_else(|| {
        format!(
            "unknown study type {s:?}; one of {}",
            codes(StudyType::ALL, StudyType::code)
        )
    })
}

fn parse_sort(s: &str) -> Result<Sort, String> {
    Sort::from_code(s).ok_or_else(|| {
        format!("unknown sort {s:?}; one of relevance, recruiting, nearest, updated")
    })
}

fn parse_sex(s: &str) -> Result<Sex, String> {
    Sex::from_code(s).ok_or_else(|| format!("unknown sex {s:?}; one of female, male, all"))
}

fn parse_age(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(a) if a.is_finite() && (0.0..=150.0).contains(&a) => Ok(a),
        _ => Err(format!(
            "age {s:?}: expected a number of years between 0 and 150"
        )),
    }
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let reg = ctx.registry()?;
    let req = SearchRequest {
        query: args.query.clone(),
        filters: Filters {
            statuses: args.status,
            phases: args.phase,
            study_type: args.study_type,
            condition: args.condition,
            antigen: args.antigen,
            age_years: args.age,
            sex: args.sex,
            country: args.country,
        },
        limit: args.limit,
        offset: args.offset,
        facet_limit: 10,
    };
    let mut how = Arrange {
        sort: args.sort,
        ..Arrange::default()
    };
    if let Some(n) = &args.near {
        let near = eligo_server::find::near::read_near(n, args.within.as_deref())
            .map_err(|e| crate::exit::Coded::usage(format!("--near {n:?}: {}", e.message())))?;
        eprintln!("distances from {}", near.label);
        how.from = Some(near.point);
        how.near = near.within.map(|radius| eligo_search::page::Near {
            center: near.point,
            radius,
        });
    } else if args.sort == Sort::Nearest {
        return Err(crate::exit::Coded::usage(
            "--sort nearest needs --near: a place to measure from",
        ));
    }
    let mut req = req;
    let mut results = reg.index.search_arranged(&req, &how)?;
    let suggestion = reg.index.suggest(&req.query)?;
    if let Some(s) = &suggestion
        && results.total == 0
    {
        // Nothing for the words as typed: the close spelling's trials.
        let alt = SearchRequest {
            query: s.clone(),
            ..req.clone()
        };
        let r = reg.index.search_arranged(&alt, &how)?;
        if r.total > 0 {
            eprintln!("no trials match {:?}; showing trials for {s:?}", req.query);
            results = r;
            req = alt;
        }
    }
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&results)?),
        Format::Table => {
            print_table(&results, &req);
            if let Some(s) = suggestion {
                println!("did you mean: {s}?");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One line of at most `max` characters.
pub fn clip(s: &str, max: usize) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let mut out: String = flat.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

pub fn new_table() -> Table {
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    if table.width().is_none() {
        table.set_width(140);
    }
    table
}

fn print_table(r: &SearchResults, req: &SearchRequest) {
    if r.hits.is_empty() {
        if r.total == 0 {
            println!("No trials match. Try fewer words or filters.");
        } else {
            println!(
                "No trials on this page ({} match; --offset {} is past the end).",
                r.total, req.offset
            );
        }
    } else {
        let mut table = new_table();
        let near = r.hits.iter().any(|h| h.distance_km.is_some());
        let mut header = vec!["id", "status", "phase", "title", "snippet"];
        if near {
            header.insert(2, "km");
        }
        table.set_header(header);
        for h in &r.hits {
            let snippet = h
                .snippet
                .as_ref()
                .map(|s| clip(&s.marked("*", "*"), 160))
                .unwrap_or_default();
            let mut row = vec![
                h.id.clone(),
                match (&h.status, h.partial) {
                    (Some(st), _) => st.clone(),
                    // Known by id and title only: no status to show.
                    (None, true) => "(id and title only)".into(),
                    (None, false) => "(not stated)".into(),
                },
                h.phases.join(", "),
                clip(&h.title, 80),
                snippet,
            ];
            if near {
                row.insert(
                    2,
                    h.distance_km.map(|d| format!("{d:.0}")).unwrap_or_default(),
                );
            }
            table.add_row(row);
        }
        println!("{table}");
        let first = req.offset + 1;
        let last = req.offset + r.hits.len();
        println!("{first}-{last} of {} trials", r.total);
    }
    if r.total > 0 {
        println!();
        for dim in eligo_search::schema::DIMENSIONS {
            let Some(values) = r.facets.get(*dim).filter(|v| !v.is_empty()) else {
                continue;
            };
            let list: Vec<String> = values
                .iter()
                .map(|FacetCount { value, count }| format!("{value} ({count})"))
                .collect();
            println!("{dim}: {}", list.join(", "));
        }
    }
}
