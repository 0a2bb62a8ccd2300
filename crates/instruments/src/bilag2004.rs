//! BILAG-2004 numeric scoring from domain grades (INSTRUMENTS.md §3): A = 12,
//! B = 8, C = 1, D = E = 0 (Yee et al. 2010), the trials' "at least 1 A or
//! 2 B", and new A / new B domains against an earlier assessment (a new B
//! after C, D or E is BILAG's moderate flare).

use crate::input::{Field, InputError, Obj, opt, req};
use serde::Serialize;
use serde_json::Value;

pub const ID: &str = "bilag2004_numeric";

/// The nine domains, spelled as BILAG spells them.
pub const DOMAINS: [&str; 9] = [
    "constitutional",
    "mucocutaneous",
    "neuropsychiatric",
    "musculoskeletal",
    "cardiorespiratory",
    "gastrointestinal",
    "ophthalmic",
    "renal",
    "haematological",
];

pub static FIELDS: &[Field] = &[
    req("grades", "object: the 9 domains -> \"A\"..\"E\""),
    opt(
        "baseline_grades",
        "object: the 9 domains -> \"A\"..\"E\" (an earlier assessment)",
    ),
];

/// A BILAG-2004 domain grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Grade {
    A,
    B,
    C,
    D,
    E,
}

impl Grade {
    /// The recommended numeric value (Yee 2010).
    pub fn points(self) -> u32 {
        match self {
            Grade::A => 12,
            Grade::B => 8,
            Grade::C => 1,
            Grade::D | Grade::E => 0,
        }
    }

    fn from_letter(s: &str) -> Option<Grade> {
        Some(match s {
            "A" => Grade::A,
            "B" => Grade::B,
            "C" => Grade::C,
            "D" => Grade::D,
            "E" => Grade::E,
            _ => return None,
        })
    }
}

/// The grades of one assessment, in [`DOMAINS`] order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grades(pub [Grade; 9]);

impl Grades {
    /// Every domain E, then the listed ones set.
    pub fn with(set: &[(&str, Grade)]) -> Option<Grades> {
        let mut g = Grades([Grade::E; 9]);
        for (d, grade) in set {
            g.0[DOMAINS.iter().position(|x| x == d)?] = *grade;
        }
        Some(g)
    }

    pub fn numeric_total(&self) -> u32 {
        self.0.iter().map(|g| g.points()).sum()
    }

    pub fn count(&self, grade: Grade) -> u32 {
        self.0.iter().filter(|g| **g == grade).count() as u32
    }
}

/// Domains graded A now that were not A before, and B now that were C, D or
/// E before (A → B is improvement, B → B is not new).
pub fn new_a_b(baseline: &Grades, now: &Grades) -> (u32, u32) {
    let mut a = 0;
    let mut b = 0;
    for (before, after) in baseline.0.iter().zip(now.0) {
        if after == Grade::A && *before != Grade::A {
            a += 1;
        }
        if after == Grade::B && matches!(before, Grade::C | Grade::D | Grade::E) {
            b += 1;
        }
    }
    (a, b)
}

pub(crate) fn read_grades(obj: &Obj, key: &str) -> Result<Grades, InputError> {
    let o = obj.obj(key, &DOMAINS)?;
    read_domains(&o)
}

fn read_domains(o: &Obj) -> Result<Grades, InputError> {
    let mut g = [Grade::E; 9];
    for (i, d) in DOMAINS.iter().enumerate() {
        let letter = o.choice(d, &["A", "B", "C", "D", "E"])?;
        g[i] = Grade::from_letter(letter).unwrap_or(Grade::E);
    }
    Ok(Grades(g))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub grades: Grades,
    pub baseline: Option<Grades>,
}

pub fn from_json(v: &Value) -> Result<Input, InputError> {
    let root = Obj::root(v, &["grades", "baseline_grades"])?;
    let grades = read_grades(&root, "grades")?;
    let baseline = match root.opt_obj("baseline_grades", &DOMAINS)? {
        Some(o) => Some(read_domains(&o)?),
        None => None,
    };
    Ok(Input { grades, baseline })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub numeric_total: u32,
    pub count_a: u32,
    pub count_b: u32,
    pub meets_1a_or_2b: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_a: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_b: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DomainScore {
    pub domain: &'static str,
    pub grade: Grade,
    pub points: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_grade: Option<Grade>,
    /// "new A" / "new B" when it is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breakdown {
    pub domains: Vec<DomainScore>,
    /// e.g. `12 + 8 + 1 = 21` (A = 12, B = 8, C = 1, D = E = 0).
    pub sum: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Output {
    pub result: Outcome,
    pub breakdown: Breakdown,
}

pub fn score(input: &Input) -> Output {
    let g = &input.grades;
    let (count_a, count_b) = (g.count(Grade::A), g.count(Grade::B));
    let (new_a, new_b) = match &input.baseline {
        Some(b) => {
            let (a, bb) = new_a_b(b, g);
            (Some(a), Some(bb))
        }
        None => (None, None),
    };
    let domains: Vec<DomainScore> = DOMAINS
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let before = input.baseline.map(|b| b.0[i]);
            let now = g.0[i];
            let new = match before {
                Some(b) if now == Grade::A && b != Grade::A => Some("new A"),
                Some(Grade::C | Grade::D | Grade::E) if now == Grade::B => Some("new B"),
                _ => None,
            };
            DomainScore {
                domain: d,
                grade: now,
                points: now.points(),
                baseline_grade: before,
                new,
            }
        })
        .collect();
    let terms: Vec<String> = domains
        .iter()
        .filter(|d| d.points > 0)
        .map(|d| d.points.to_string())
        .collect();
    let total = g.numeric_total();
    let sum = if terms.is_empty() {
        "0".to_string()
    } else {
        format!("{} = {total}", terms.join(" + "))
    };
    Output {
        result: Outcome {
            numeric_total: total,
            count_a,
            count_b,
            meets_1a_or_2b: count_a >= 1 || count_b >= 2,
            new_a,
            new_b,
        },
        breakdown: Breakdown { domains, sum },
    }
}
