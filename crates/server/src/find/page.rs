//! Reading the parameters that the search page, `/find` and the API share:
//! the sort order and "near ... within ...".

use super::near::{NearError, read_near};
use crate::params::Params;
use eligo_search::arrange::{Arrange, Sort};
use eligo_search::page::Near as Circle;

/// What a page makes of `sort`, `near` and `within`.
#[derive(Debug, Default)]
pub struct Arrangement {
    pub how: Arrange,
    /// Said beside the place field.
    pub near_error: Option<String>,
    /// Candidate places when the name is ambiguous.
    pub near_choices: Vec<String>,
    /// The place as read ("Nanjing, Jiangsu, China").
    pub near_label: String,
}

/// Why an age typed into a filter cannot be used, in plain words; `None`
/// when it can.
pub fn age_problem(raw: &str) -> Option<String> {
    match raw.trim().parse::<f64>() {
        Ok(a) if a.is_finite() && (0.0..=150.0).contains(&a) => None,
        Ok(a) if a.is_finite() && a < 0.0 => {
            Some("An age cannot be below 0: enter the age in whole years.".into())
        }
        Ok(_) => Some("Enter an age in years, from 0 to 150.".into()),
        Err(_) => Some("Enter the age as a number of years, for example 42.".into()),
    }
}

/// The order and place of a page's results. A page never fails on these:
/// what cannot be used is said beside its field and left out.
pub fn arrangement(p: &Params) -> Arrangement {
    let mut out = Arrangement::default();
    let near = p.get("near").map(str::trim).filter(|s| !s.is_empty());
    let within = p.get("within").map(str::trim).filter(|s| !s.is_empty());
    match near {
        Some(n) => match read_near(n, within) {
            Ok(n) => {
                out.near_label = n.label.clone();
                out.how.from = Some(n.point);
                out.how.near = n.within.map(|radius| Circle {
                    center: n.point,
                    radius,
                });
            }
            Err(NearError::Ambiguous { candidates }) => {
                out.near_error = Some("Several places have that name. Which one?".into());
                out.near_choices = candidates;
            }
            Err(NearError::Message(m)) => out.near_error = Some(m),
        },
        None if within.is_some() => {
            out.near_error = Some("Give a town or city to measure the distance from.".into())
        }
        None => {}
    }
    out.how.sort = match p.get("sort").map(str::trim).filter(|s| !s.is_empty()) {
        None => Sort::Relevance,
        Some(s) => Sort::from_code(s).unwrap_or(Sort::Relevance),
    };
    if out.how.sort == Sort::Nearest && out.how.origin().is_none() && out.near_error.is_none() {
        out.near_error = Some("To sort by distance, give a town or city.".into());
    }
    out
}

/// The API's reading of the same parameters: errors name the field.
pub fn api_arrangement(p: &Params) -> Result<(Arrange, Option<String>), crate::AppError> {
    use crate::AppError;
    let mut how = Arrange::default();
    if let Some(s) = p.get("sort") {
        how.sort = Sort::from_code(s).ok_or_else(|| {
            AppError::field(
                "sort",
                format!("unknown sort {s:?}; one of relevance, recruiting, nearest, updated"),
            )
        })?;
    }
    let within = p.get("within").map(str::trim).filter(|s| !s.is_empty());
    let mut label = None;
    match p.get("near").map(str::trim).filter(|s| !s.is_empty()) {
        Some(n) => {
            let n = read_near(n, within).map_err(|e| {
                let field = if matches!(&e, NearError::Message(m) if m.contains("distance")) {
                    "within"
                } else {
                    "near"
                };
                AppError::field(field, e.message())
            })?;
            how.from = Some(n.point);
            how.near = n.within.map(|radius| Circle {
                center: n.point,
                radius,
            });
            label = Some(n.label);
        }
        None if within.is_some() => {
            return Err(AppError::field(
                "within",
                "needs `near`: a place to measure from",
            ));
        }
        None => {}
    }
    if how.sort == Sort::Nearest && how.origin().is_none() {
        return Err(AppError::field(
            "sort",
            "`nearest` needs `near`: a place to measure from",
        ));
    }
    Ok((how, label))
}
