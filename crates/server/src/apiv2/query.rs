//! API v2 queries → the search crate's [`Expr`]: the search areas behind
//! `query.*` (with their pieces and weights), the Essie expression subset
//! (`AREA[Field]value`, `RANGE[a, b]`, `MISSING`, `AND`/`OR`/`NOT`,
//! parentheses, quoted phrases) and `aggFilters`.
//!
//! Pure: text in, an [`Expr`] or an error saying what and where out.

use eligo_search::pieces::{
    KeyPiece, MINUTES_PER_YEAR, NumKind, NumPiece, TextPiece, days_from_civil,
};
use eligo_search::query::Expr;
use std::ops::Bound;

/// A search area: a named group of weighted pieces that one `query.*`
/// parameter searches.
pub struct Area {
    pub name: &'static str,
    /// The `query.*` parameter that searches it (without `query.`).
    pub param: Option<&'static str>,
    pub ui_label: Option<&'static str>,
    pub parts: &'static [(&'static [TextPiece], f32)],
}

use TextPiece as T;

/// The areas eligo serves, with the pieces it holds of each.
pub const AREAS: &[Area] = &[
    Area {
        name: "BasicSearch",
        param: Some("term"),
        ui_label: Some("Other terms"),
        parts: &[
            (&[T::NCTId, T::Acronym, T::OrgStudyId, T::SecondaryId], 1.0),
            (&[T::BriefTitle, T::OfficialTitle], 0.95),
            (&[T::Condition, T::Keyword], 0.9),
            (
                &[
                    T::InterventionName,
                    T::InterventionOtherName,
                    T::ArmGroupLabel,
                ],
                0.85,
            ),
            (&[T::BriefSummary], 0.8),
            (
                &[
                    T::PrimaryOutcomeMeasure,
                    T::SecondaryOutcomeMeasure,
                    T::OtherOutcomeMeasure,
                ],
                0.6,
            ),
            (&[T::LeadSponsorName, T::CollaboratorName], 0.6),
            (
                &[
                    T::DetailedDescription,
                    T::InterventionDescription,
                    T::ArmGroupDescription,
                ],
                0.5,
            ),
            (
                &[
                    T::PrimaryOutcomeDescription,
                    T::SecondaryOutcomeDescription,
                    T::OtherOutcomeDescription,
                ],
                0.4,
            ),
            (&[T::EligibilityCriteria], 0.4),
            (
                &[
                    T::OverallOfficialName,
                    T::OverallOfficialAffiliation,
                    T::ResponsiblePartyInvestigatorFullName,
                ],
                0.3,
            ),
            (
                &[
                    T::LocationFacility,
                    T::LocationCity,
                    T::LocationState,
                    T::LocationCountry,
                ],
                0.3,
            ),
        ],
    },
    Area {
        name: "ConditionSearch",
        param: Some("cond"),
        ui_label: Some("Conditions or disease"),
        parts: &[
            (&[T::Condition], 0.95),
            (&[T::BriefTitle, T::OfficialTitle], 0.6),
            (&[T::ConditionSynonym], 0.6),
            (&[T::Keyword], 0.6),
            (&[T::NCTId], 0.5),
        ],
    },
    Area {
        name: "InterventionSearch",
        param: Some("intr"),
        ui_label: Some("Intervention / treatment"),
        parts: &[
            (&[T::InterventionName], 0.95),
            (&[T::InterventionOtherName], 0.9),
            (&[T::ArmGroupLabel], 0.6),
            (&[T::InterventionDescription, T::ArmGroupDescription], 0.5),
        ],
    },
    Area {
        name: "TitleSearch",
        param: Some("titles"),
        ui_label: Some("Title / acronym"),
        parts: &[
            (&[T::Acronym], 1.0),
            (&[T::BriefTitle], 0.95),
            (&[T::OfficialTitle], 0.8),
        ],
    },
    Area {
        name: "OutcomeSearch",
        param: Some("outc"),
        ui_label: Some("Outcome measure"),
        parts: &[
            (&[T::PrimaryOutcomeMeasure], 0.9),
            (&[T::SecondaryOutcomeMeasure], 0.8),
            (&[T::OtherOutcomeMeasure], 0.7),
            (
                &[
                    T::PrimaryOutcomeDescription,
                    T::SecondaryOutcomeDescription,
                    T::OtherOutcomeDescription,
                ],
                0.5,
            ),
            (
                &[
                    T::PrimaryOutcomeTimeFrame,
                    T::SecondaryOutcomeTimeFrame,
                    T::OtherOutcomeTimeFrame,
                ],
                0.3,
            ),
        ],
    },
    Area {
        name: "SponsorSearch",
        param: Some("spons"),
        ui_label: Some("Sponsor / collaborator"),
        parts: &[(&[T::LeadSponsorName], 1.0), (&[T::CollaboratorName], 0.9)],
    },
    Area {
        name: "IdSearch",
        param: Some("id"),
        ui_label: Some("Study IDs"),
        parts: &[
            (&[T::NCTId], 1.0),
            (&[T::OrgStudyId], 0.9),
            (&[T::SecondaryId], 0.9),
            (&[T::Acronym], 0.85),
        ],
    },
    Area {
        name: "LocationSearch",
        param: Some("locn"),
        ui_label: Some("Location terms"),
        parts: &[
            (&[T::LocationCity], 0.95),
            (&[T::LocationState], 0.95),
            (&[T::LocationCountry], 0.95),
            (&[T::LocationFacility], 0.95),
            (&[T::LocationZip], 0.95),
        ],
    },
];

/// The searchable `query.*` parameters: (parameter, area name or piece).
pub const QUERY_PARAMS: &[(&str, &str)] = &[
    ("query.cond", "ConditionSearch"),
    ("query.term", "BasicSearch"),
    ("query.locn", "LocationSearch"),
    ("query.titles", "TitleSearch"),
    ("query.intr", "InterventionSearch"),
    ("query.outc", "OutcomeSearch"),
    ("query.spons", "SponsorSearch"),
    ("query.lead", "LeadSponsorName"),
    ("query.id", "IdSearch"),
];

pub fn area(name: &str) -> Option<&'static Area> {
    AREAS
        .iter()
        .find(|a| a.name.eq_ignore_ascii_case(name.trim()))
}

impl Area {
    fn weighted(&self) -> Vec<(TextPiece, f32)> {
        self.parts
            .iter()
            .flat_map(|(ps, w)| ps.iter().map(move |p| (*p, *w)))
            .collect()
    }
}

/// What a word means where it stands.
#[derive(Debug, Clone)]
enum Context {
    /// Text in these pieces.
    Text(Vec<(TextPiece, f32)>),
    /// A coded piece, its value.
    Key(KeyPiece),
    /// Trial ids.
    Id,
    /// A date, count or age piece.
    Num(NumPiece),
}

/// A query that cannot be read: what is wrong, for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError(pub String);

type R<T> = Result<T, QueryError>;

fn fail<T>(msg: impl Into<String>) -> R<T> {
    Err(QueryError(msg.into()))
}

/// Longest expression read, and deepest nesting of parentheses and NOTs.
pub const MAX_LEN: usize = 4000;
const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open,
    Close,
    And,
    Or,
    Not,
    Missing,
    Area(String),
    Range(String, String),
    Phrase(String),
    Word(String),
}

fn tokenize(s: &str) -> R<Vec<Tok>> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        match c {
            '(' => {
                out.push(Tok::Open);
                i += 1;
            }
            ')' => {
                out.push(Tok::Close);
                i += 1;
            }
            '"' => {
                let start = i + 1;
                let Some(len) = chars[start..].iter().position(|&c| c == '"') else {
                    return fail("a quoted phrase is not closed (missing \")");
                };
                out.push(Tok::Phrase(chars[start..start + len].iter().collect()));
                i = start + len + 1;
            }
            ']' | '[' => return fail(format!("unexpected `{c}`")),
            _ => {
                let start = i;
                while i < chars.len()
                    && !chars[i].is_whitespace()
                    && !matches!(chars[i], '(' | ')' | '"' | '[' | ']')
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                if i < chars.len() && chars[i] == '[' {
                    // An operator: NAME[ ... ]
                    let open = i + 1;
                    let Some(len) = chars[open..].iter().position(|&c| c == ']') else {
                        return fail(format!("`{word}[` is not closed (missing ])"));
                    };
                    let inner: String = chars[open..open + len].iter().collect();
                    i = open + len + 1;
                    match word.as_str() {
                        "AREA" => out.push(Tok::Area(inner.trim().to_string())),
                        "RANGE" => {
                            let Some((a, b)) = inner.split_once(',') else {
                                return fail(format!(
                                    "RANGE[{inner}] needs two bounds separated by a comma, e.g. RANGE[2020-01-01, MAX]"
                                ));
                            };
                            out.push(Tok::Range(a.trim().to_string(), b.trim().to_string()));
                        }
                        other => {
                            return fail(format!(
                                "the `{other}[...]` operator is not supported; eligo reads AREA[...], RANGE[...], MISSING, AND, OR, NOT, parentheses and quoted phrases"
                            ));
                        }
                    }
                    continue;
                }
                out.push(match word.as_str() {
                    "AND" => Tok::And,
                    "OR" => Tok::Or,
                    "NOT" => Tok::Not,
                    "MISSING" => Tok::Missing,
                    _ => Tok::Word(word),
                });
            }
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    at: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn deeper(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return fail(format!("nested more than {MAX_DEPTH} levels deep"));
        }
        Ok(())
    }

    fn or(&mut self, cx: &Context) -> R<Expr> {
        let mut parts = vec![self.and(cx)?];
        while self.peek() == Some(&Tok::Or) {
            self.next();
            parts.push(self.and(cx)?);
        }
        Ok(if parts.len() == 1 {
            parts.pop().unwrap_or(Expr::All)
        } else {
            Expr::Or(parts)
        })
    }

    fn and(&mut self, cx: &Context) -> R<Expr> {
        let mut parts = vec![self.unary(cx)?];
        loop {
            match self.peek() {
                Some(Tok::And) => {
                    self.next();
                    parts.push(self.unary(cx)?);
                }
                Some(Tok::Or | Tok::Close) | None => break,
                // Terms side by side: all of them.
                Some(_) => parts.push(self.unary(cx)?),
            }
        }
        Ok(Expr::and(parts))
    }

    fn unary(&mut self, cx: &Context) -> R<Expr> {
        if self.peek() == Some(&Tok::Not) {
            self.next();
            self.deeper()?;
            let e = self.unary(cx)?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(e)));
        }
        self.primary(cx)
    }

    fn primary(&mut self, cx: &Context) -> R<Expr> {
        match self.next() {
            None => fail("the expression ends where a term was expected"),
            Some(Tok::Open) => {
                self.deeper()?;
                let e = self.or(cx)?;
                self.depth -= 1;
                match self.next() {
                    Some(Tok::Close) => Ok(e),
                    _ => fail("a parenthesis is not closed (missing ))"),
                }
            }
            Some(Tok::Close) => fail("unexpected `)`"),
            Some(Tok::And | Tok::Or) => fail("AND or OR where a term was expected"),
            Some(Tok::Not) => fail("NOT where a term was expected"),
            Some(Tok::Area(name)) => {
                let inner = area_context(&name)?;
                self.deeper()?;
                let e = self.unary(&inner)?;
                self.depth -= 1;
                Ok(e)
            }
            Some(Tok::Range(a, b)) => range(cx, &a, &b),
            Some(Tok::Missing) => match cx {
                Context::Num(p) => Ok(Expr::Missing(*p)),
                _ => fail(
                    "MISSING is supported after AREA[...] of a date, count or age field only (e.g. AREA[StartDate]MISSING)",
                ),
            },
            Some(Tok::Phrase(p)) => value(cx, &p, true),
            Some(Tok::Word(w)) => value(cx, &w, false),
        }
    }
}

/// What `AREA[name]` makes of the term after it.
fn area_context(name: &str) -> R<Context> {
    if let Some(a) = area(name) {
        return Ok(Context::Text(a.weighted()));
    }
    if name.eq_ignore_ascii_case("NCTId") {
        return Ok(Context::Id);
    }
    if let Some(p) = NumPiece::from_name(name) {
        return Ok(Context::Num(p));
    }
    if let Some(p) = KeyPiece::from_name(name) {
        return Ok(Context::Key(p));
    }
    if let Some(p) = TextPiece::from_name(name) {
        return Ok(Context::Text(vec![(p, 1.0)]));
    }
    if let Some(node) = super::structure::by_piece(name) {
        return fail(format!(
            "AREA[{}]: eligo does not search this field (see /api/v2/studies/search-areas and docs/server.md)",
            node.piece
        ));
    }
    fail(format!("Unknown area name: `{name}`"))
}

/// A word or phrase where it stands.
fn value(cx: &Context, v: &str, phrase: bool) -> R<Expr> {
    match cx {
        Context::Text(pieces) => Ok(Expr::Text {
            pieces: pieces.clone(),
            text: v.to_string(),
            phrase,
        }),
        Context::Id => Ok(Expr::Ids(vec![v.trim().to_ascii_uppercase()])),
        Context::Key(p) => key_value(*p, v),
        Context::Num(p) => {
            let (lo, hi) = bound_values(*p, v)?;
            Ok(Expr::Range {
                piece: *p,
                lo: Bound::Included(lo),
                hi: Bound::Included(hi),
            })
        }
    }
}

fn key_value(p: KeyPiece, v: &str) -> R<Expr> {
    let v = v.trim();
    let node = super::structure::by_piece(p.name());
    if let Some(allowed) = node.and_then(|n| n.enum_values())
        && !allowed.iter().any(|a| a.eq_ignore_ascii_case(v))
    {
        let path = node.map_or("", |n| n.path);
        return fail(format!(
            "Allowed values for enum field `{path}` are {}",
            allowed
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if node.is_some_and(|n| n.base_type() == "boolean") {
        let b = match v.to_ascii_lowercase().as_str() {
            "true" | "yes" => "true",
            "false" | "no" => "false",
            _ => return fail(format!("{}: expected true or false, got `{v}`", p.name())),
        };
        return Ok(Expr::Key {
            piece: p,
            value: b.into(),
        });
    }
    Ok(Expr::Key {
        piece: p,
        value: v.to_string(),
    })
}

fn range(cx: &Context, a: &str, b: &str) -> R<Expr> {
    let Context::Num(p) = cx else {
        return fail(
            "RANGE[...] is supported after AREA[...] of a date, count or age field only (e.g. AREA[StartDate]RANGE[2020-01-01, MAX])",
        );
    };
    let lo = if a.eq_ignore_ascii_case("MIN") {
        Bound::Unbounded
    } else {
        Bound::Included(bound_values(*p, a)?.0)
    };
    let hi = if b.eq_ignore_ascii_case("MAX") {
        Bound::Unbounded
    } else {
        Bound::Included(bound_values(*p, b)?.1)
    };
    Ok(Expr::Range { piece: *p, lo, hi })
}

/// The first and last index value a value of `p` can mean: a year or a
/// month spans its days.
fn bound_values(p: NumPiece, v: &str) -> R<(i64, i64)> {
    let v = v.trim();
    match p.kind() {
        NumKind::Date => date_span(v).ok_or_else(|| {
            QueryError(format!(
                "{}: expected a date such as 2023-01-15, 2023-01 or 2023, got `{v}`",
                p.name()
            ))
        }),
        NumKind::Integer => v
            .parse::<i64>()
            .map(|n| (n, n))
            .map_err(|_| QueryError(format!("{}: expected a whole number, got `{v}`", p.name()))),
        NumKind::Age => age_minutes(v).map(|m| (m, m)).ok_or_else(|| {
            QueryError(format!(
                "{}: expected an age such as 16 years or 6 months, got `{v}`",
                p.name()
            ))
        }),
    }
}

/// `2023`, `2023-01` or `2023-01-15` as (first day, last day).
pub fn date_span(v: &str) -> Option<(i64, i64)> {
    let parts: Vec<&str> = v.split('-').collect();
    let num = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let y = i64::from(num(parts.first()?, 4)?);
    match parts.len() {
        1 => Some((days_from_civil(y, 1, 1), days_from_civil(y + 1, 1, 1) - 1)),
        2 => {
            let m = num(parts[1], 2).filter(|m| (1..=12).contains(m))?;
            let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
            Some((days_from_civil(y, m, 1), days_from_civil(ny, nm, 1) - 1))
        }
        3 => {
            let m = num(parts[1], 2).filter(|m| (1..=12).contains(m))?;
            let d = num(parts[2], 2).filter(|d| *d >= 1)?;
            let next_month = if m == 12 {
                days_from_civil(y + 1, 1, 1)
            } else {
                days_from_civil(y, m + 1, 1)
            };
            let day = days_from_civil(y, m, d);
            (day < next_month).then_some((day, day))
        }
        _ => None,
    }
}

/// `16 years`, `6 Months`, `18` (years) in minutes.
fn age_minutes(v: &str) -> Option<i64> {
    let mut it = v.split_whitespace();
    let n: f64 = it
        .next()?
        .parse()
        .ok()
        .filter(|n: &f64| n.is_finite() && *n >= 0.0)?;
    let per = match it.next().map(|u| u.to_ascii_lowercase()) {
        None => MINUTES_PER_YEAR,
        Some(u) => match u.trim_end_matches('s') {
            "year" => MINUTES_PER_YEAR,
            "month" => MINUTES_PER_YEAR / 12.0,
            "week" => 7.0 * 24.0 * 60.0,
            "day" => 24.0 * 60.0,
            "hour" => 60.0,
            "minute" => 1.0,
            _ => return None,
        },
    };
    if it.next().is_some() || n > 1000.0 * MINUTES_PER_YEAR / per {
        return None;
    }
    Some((n * per).round() as i64)
}

/// Read an Essie expression whose bare words search `default_area` (an
/// area name or a piece).
pub fn parse(text: &str, default_area: &str) -> R<Expr> {
    if text.chars().count() > MAX_LEN {
        return fail(format!("longer than {MAX_LEN} characters"));
    }
    let toks = tokenize(text)?;
    if toks.is_empty() {
        return Ok(Expr::All);
    }
    let cx = area_context(default_area)?;
    let mut p = Parser {
        toks,
        at: 0,
        depth: 0,
    };
    let e = p.or(&cx)?;
    if p.at < p.toks.len() {
        return fail(match &p.toks[p.at] {
            Tok::Close => "unexpected `)`".to_string(),
            t => format!("unexpected {t:?}"),
        });
    }
    Ok(e)
}

/// The NCT ids of a query that holds nothing else (comma- and/or
/// space-separated), for which the API ignores filters.
pub fn only_ids(text: &str) -> Option<Vec<String>> {
    let ids: Vec<String> = text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| s.to_ascii_uppercase())
        .collect();
    (!ids.is_empty() && ids.iter().all(|s| eligo_model::trial::is_nct_id(s))).then_some(ids)
}

/// `aggFilters`: `filter_id:option option,filter_id:option`.
pub fn agg_filters(text: &str) -> R<Expr> {
    let mut parts = Vec::new();
    for item in text
        .split([',', '|'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let Some((id, options)) = item.split_once(':') else {
            return fail(format!(
                "`{item}` is not filter_id:options (e.g. status:rec, phase:2 3)"
            ));
        };
        let id = id.trim();
        let mut alternatives = Vec::new();
        for opt in options.split_whitespace() {
            alternatives.push(agg_option(id, opt)?);
        }
        if alternatives.is_empty() {
            return fail(format!("`{id}` has no option"));
        }
        parts.push(if alternatives.len() == 1 {
            alternatives.pop().unwrap_or(Expr::All)
        } else {
            Expr::Or(alternatives)
        });
    }
    Ok(Expr::and(parts))
}

/// The filters of `aggFilters` eligo serves, with their options:
/// (filter id, [(option key, meaning)]).
pub const AGG_FILTERS: &[(&str, &[(&str, &str)])] = &[
    (
        "status",
        &[
            ("rec", "RECRUITING"),
            ("not", "NOT_YET_RECRUITING"),
            ("act", "ACTIVE_NOT_RECRUITING"),
            ("enr", "ENROLLING_BY_INVITATION"),
            ("com", "COMPLETED"),
            ("sus", "SUSPENDED"),
            ("ter", "TERMINATED"),
            ("wit", "WITHDRAWN"),
            ("unk", "UNKNOWN"),
            ("ava", "AVAILABLE"),
            ("nla", "NO_LONGER_AVAILABLE"),
            ("tna", "TEMPORARILY_NOT_AVAILABLE"),
            ("afm", "APPROVED_FOR_MARKETING"),
            ("whe", "WITHHELD"),
        ],
    ),
    (
        "phase",
        &[
            ("0", "EARLY_PHASE1"),
            ("1", "PHASE1"),
            ("2", "PHASE2"),
            ("3", "PHASE3"),
            ("4", "PHASE4"),
            ("na", "NA"),
        ],
    ),
    (
        "studyType",
        &[
            ("int", "INTERVENTIONAL"),
            ("obs", "OBSERVATIONAL"),
            ("exp", "EXPANDED_ACCESS"),
        ],
    ),
    (
        "sex",
        &[("f", "FEMALE or ALL"), ("m", "MALE or ALL"), ("all", "ALL")],
    ),
    ("healthy", &[("y", "accepts healthy volunteers")]),
    (
        "results",
        &[("with", "has results"), ("without", "has no results")],
    ),
];

fn agg_option(id: &str, opt: &str) -> R<Expr> {
    let Some((_, options)) = AGG_FILTERS.iter().find(|(f, _)| *f == id) else {
        return fail(format!(
            "unknown filter `{id}`; eligo serves {}",
            AGG_FILTERS
                .iter()
                .map(|(f, _)| *f)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    };
    let Some((_, meaning)) = options.iter().find(|(o, _)| o.eq_ignore_ascii_case(opt)) else {
        return fail(format!(
            "unknown option `{opt}` of `{id}`; one of {}",
            options
                .iter()
                .map(|(o, _)| *o)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    };
    let key = |piece, value: &str| Expr::Key {
        piece,
        value: value.into(),
    };
    Ok(match id {
        "status" => key(KeyPiece::OverallStatus, meaning),
        "phase" => key(KeyPiece::Phase, meaning),
        "studyType" => key(KeyPiece::StudyType, meaning),
        "sex" => match opt.to_ascii_lowercase().as_str() {
            "f" => Expr::Or(vec![
                key(KeyPiece::Sex, "FEMALE"),
                key(KeyPiece::Sex, "ALL"),
            ]),
            "m" => Expr::Or(vec![key(KeyPiece::Sex, "MALE"), key(KeyPiece::Sex, "ALL")]),
            _ => key(KeyPiece::Sex, "ALL"),
        },
        "healthy" => key(KeyPiece::HealthyVolunteers, "true"),
        _ => key(
            KeyPiece::HasResults,
            if opt.eq_ignore_ascii_case("with") {
                "true"
            } else {
                "false"
            },
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(pieces: &[TextPiece], t: &str, phrase: bool) -> Expr {
        Expr::Text {
            pieces: pieces.iter().map(|p| (*p, 1.0)).collect(),
            text: t.into(),
            phrase,
        }
    }

    #[test]
    fn reads_areas_ranges_booleans_phrases_and_precedence() {
        let e = parse(
            "AREA[Condition]\"lupus nephritis\" AND NOT AREA[Phase]phase1 OR AREA[StartDate]RANGE[2022-03, MAX]",
            "BasicSearch",
        )
        .unwrap();
        let (lo, _) = date_span("2022-03").unwrap();
        assert_eq!(
            e,
            Expr::Or(vec![
                Expr::And(vec![
                    text(&[TextPiece::Condition], "lupus nephritis", true),
                    Expr::Not(Box::new(Expr::Key {
                        piece: KeyPiece::Phase,
                        value: "phase1".into()
                    })),
                ]),
                Expr::Range {
                    piece: NumPiece::StartDate,
                    lo: Bound::Included(lo),
                    hi: Bound::Unbounded
                },
            ])
        );
        // Words side by side are all required; AREA applies to a group.
        let e = parse("AREA[Phase](PHASE2 OR PHASE3) lupus", "Condition").unwrap();
        assert_eq!(
            e,
            Expr::And(vec![
                Expr::Or(vec![
                    Expr::Key {
                        piece: KeyPiece::Phase,
                        value: "PHASE2".into()
                    },
                    Expr::Key {
                        piece: KeyPiece::Phase,
                        value: "PHASE3".into()
                    },
                ]),
                text(&[TextPiece::Condition], "lupus", false),
            ])
        );
        let e = parse("AREA[MinimumAge]RANGE[MIN, 16 years]", "BasicSearch").unwrap();
        assert_eq!(
            e,
            Expr::Range {
                piece: NumPiece::MinimumAge,
                lo: Bound::Unbounded,
                hi: Bound::Included((16.0 * MINUTES_PER_YEAR).round() as i64)
            }
        );
        // A year means all its days.
        let (lo, hi) = date_span("2022").unwrap();
        assert_eq!(hi - lo, 364);
        assert_eq!(date_span("2024-02").map(|(a, b)| b - a), Some(28));
        assert_eq!(date_span("2023-02-29"), None);
        assert_eq!(parse("", "BasicSearch").unwrap(), Expr::All);
    }

    #[test]
    fn says_what_is_wrong_and_what_is_not_supported() {
        let err = |q: &str| parse(q, "BasicSearch").unwrap_err().0;
        assert!(err("AREA[Bogus]x").contains("Unknown area name: `Bogus`"));
        assert!(err("AREA[Phase]PHASE9").contains("Allowed values for enum field"));
        assert!(err("AREA[WhyStopped]x").contains("does not search this field"));
        assert!(err("EXPANSION[Concept]lupus").contains("not supported"));
        assert!(err("(lupus").contains("not closed"));
        assert!(err("lupus)").contains("unexpected"));
        assert!(err("\"lupus").contains("quoted phrase"));
        assert!(err("RANGE[1,2]").contains("RANGE"));
        assert!(err("AREA[StartDate]RANGE[yesterday, MAX]").contains("expected a date"));
        assert!(err("AREA[EnrollmentCount]many").contains("whole number"));
        assert!(err("lupus AND").contains("ends"));
        assert!(err(&"(".repeat(100)).contains("nested"));
        assert!(err("AREA[Condition]MISSING").contains("MISSING"));
        assert_eq!(
            parse("AREA[CompletionDate]MISSING", "BasicSearch").unwrap(),
            Expr::Missing(NumPiece::CompletionDate)
        );
    }

    #[test]
    fn agg_filters_and_id_lists() {
        assert_eq!(
            agg_filters("status:not rec,sex:f").unwrap(),
            Expr::And(vec![
                Expr::Or(vec![
                    Expr::Key {
                        piece: KeyPiece::OverallStatus,
                        value: "NOT_YET_RECRUITING".into()
                    },
                    Expr::Key {
                        piece: KeyPiece::OverallStatus,
                        value: "RECRUITING".into()
                    },
                ]),
                Expr::Or(vec![
                    Expr::Key {
                        piece: KeyPiece::Sex,
                        value: "FEMALE".into()
                    },
                    Expr::Key {
                        piece: KeyPiece::Sex,
                        value: "ALL".into()
                    },
                ]),
            ])
        );
        assert!(
            agg_filters("docs:sap")
                .unwrap_err()
                .0
                .contains("unknown filter")
        );
        assert!(
            agg_filters("phase:9")
                .unwrap_err()
                .0
                .contains("unknown option")
        );
        assert_eq!(
            only_ids("NCT06946485, nct07331467"),
            Some(vec!["NCT06946485".into(), "NCT07331467".into()])
        );
        assert_eq!(only_ids("NCT06946485 lupus"), None);
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_read_or_refused_without_panicking(s in "\\PC{0,200}") {
            let _ = parse(&s, "BasicSearch");
            let _ = agg_filters(&s);
        }

        #[test]
        fn operator_soup_is_read_or_refused(s in "(AREA\\[(Phase|StartDate|Condition|X)\\]|RANGE\\[[0-9A-Z, -]{0,12}\\]|AND|OR|NOT|MISSING|\\(|\\)|\"|[a-z]{1,4}| ){0,30}") {
            let _ = parse(&s, "ConditionSearch");
        }
    }
}
