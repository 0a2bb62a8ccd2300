//! Criteria → questions: one question per thing the rules need, asked once.

use crate::choices::{medication_choices, unit_choices, vaccine_choices};
use crate::question::{Choice, Kind, Question, Questionnaire, Topic};
use crate::vocab;
use eligo_model::rule::{
    CompiledCriteria, Instrument, Period, PregnancyState, Qualitative, Rule, RuleKind, Threshold,
    VaccineKind,
};
use rust_decimal::Decimal;

/// The questionnaire for a trial's compiled criteria. The trial's own
/// condition comes first (MATCHING.md rule 12), then the questions by
/// topic, and within a topic those that decide more criteria first. A
/// trial only for children (its age limit under 18) is asked of a parent.
pub fn questionnaire(compiled: &CompiledCriteria) -> Questionnaire {
    let mut b = Builder {
        texts: compiled.criteria.iter().map(|c| c.text.clone()).collect(),
        ..Builder::default()
    };
    // The trial's own condition first, worded as the trial words it.
    for (i, c) in compiled.criteria.iter().enumerate() {
        if c.field.as_deref() == Some("conditions") && c.computable {
            for r in &c.rules {
                b.own_condition(r, i + 1);
            }
        }
    }
    for (i, c) in compiled.criteria.iter().enumerate() {
        if !c.computable {
            continue;
        }
        for r in &c.rules {
            b.rule(r, i + 1);
        }
    }
    let child = for_children(compiled);
    let mut questions = b.questions;
    for q in &mut questions {
        q.topic = topic(&q.kind);
        if q.own_condition {
            q.topic = Topic::Condition;
        }
    }
    questions.sort_by_key(|q| {
        (
            !q.own_condition,
            q.topic,
            order(&q.kind),
            std::cmp::Reverse(q.criteria.len()),
        )
    });
    if child {
        for q in &mut questions {
            q.text = to_parent(&q.text);
            q.hint = q.hint.as_deref().map(to_parent);
        }
    }
    Questionnaire {
        trial_id: compiled.trial_id.clone(),
        for_child: child,
        questions,
    }
}

/// Whether the trial takes only children: an age limit below 18 years.
fn for_children(compiled: &CompiledCriteria) -> bool {
    fn max_age(r: &Rule) -> Option<u32> {
        match &r.kind {
            RuleKind::Age { max: Some(m), .. } => Some(m.years),
            RuleKind::All { rules, .. } => rules.iter().filter_map(max_age).min(),
            _ => None,
        }
    }
    compiled
        .criteria
        .iter()
        .flat_map(|c| c.rules.iter())
        .filter_map(max_age)
        .min()
        .is_some_and(|m| m < 18)
}

/// A question to the patient, reworded to the parent of a child.
pub(crate) fn to_parent(s: &str) -> String {
    const FORMS: &[(&str, &str)] = &[
        (
            "What is your date of birth?",
            "What is your child's date of birth?",
        ),
        ("What is your sex?", "What is your child's sex?"),
        ("Have you ever", "Has your child ever"),
        ("Have you been", "Has your child been"),
        ("Have you taken", "Has your child taken"),
        ("Have you had", "Has your child had"),
        ("Have you", "Has your child"),
        ("Are you allergic", "Is your child allergic"),
        ("Are you pregnant", "Is your child pregnant"),
        ("Are you breastfeeding", "Is your child breastfeeding"),
        ("Are you", "Is your child"),
        ("Could you", "Could your child"),
        ("Your latest", "Your child's latest"),
        ("What was your latest", "What was your child's latest"),
        ("record for you?", "record for your child?"),
        ("If you have", "If your child has"),
        ("Your doctor", "Your child's doctor"),
        ("your doctor", "your child's doctor"),
        ("means you cannot", "means your child cannot"),
    ];
    let mut out = s.to_string();
    for (a, b) in FORMS {
        if out.contains(a) {
            out = out.replacen(a, b, 1);
        }
    }
    out
}

fn topic(k: &Kind) -> Topic {
    match k {
        Kind::Age | Kind::Sex => Topic::AboutYou,
        Kind::Condition { .. } => Topic::Conditions,
        Kind::Score { .. } | Kind::Bilag => Topic::Disease,
        Kind::Lab { .. } | Kind::Qualitative { .. } => Topic::Tests,
        Kind::Medication { .. } | Kind::Procedure { .. } | Kind::Vaccination { .. } => {
            Topic::Treatments
        }
        Kind::Allergy { .. } | Kind::TrialParticipation => Topic::Other,
        Kind::Pregnant | Kind::Lactating | Kind::ChildbearingPotential | Kind::PregnancyTest => {
            Topic::Pregnancy
        }
    }
}

fn order(k: &Kind) -> u8 {
    match k {
        Kind::Age => 0,
        Kind::Sex => 1,
        Kind::Condition { .. } => 2,
        Kind::Score { .. } => 3,
        Kind::Bilag => 4,
        Kind::Lab { .. } => 5,
        Kind::Qualitative { .. } => 6,
        Kind::Medication { .. } => 7,
        Kind::Procedure { .. } => 8,
        Kind::Vaccination { .. } => 9,
        Kind::Allergy { .. } => 10,
        Kind::TrialParticipation => 11,
        Kind::Pregnant | Kind::Lactating | Kind::ChildbearingPotential | Kind::PregnancyTest => 12,
    }
}

#[derive(Default)]
struct Builder {
    questions: Vec<Question>,
    /// The criteria's texts, for wording questions and choices as the
    /// trial does.
    texts: Vec<String>,
}

/// The longest of `names` the text mentions, as the text writes it.
fn as_written(text: &str, names: &[String]) -> Option<String> {
    let lower = text.to_lowercase();
    let mut best: Option<String> = None;
    for n in names {
        let n = n.trim();
        if n.len() < 3 || !eligo_vocab::contains_phrase(text, n) {
            continue;
        }
        let Some(at) = lower.find(&n.to_lowercase()) else {
            continue;
        };
        let Some(found) = text.get(at..at + n.len()) else {
            continue;
        };
        if best.as_ref().is_none_or(|b| found.len() > b.len()) {
            best = Some(found.to_string());
        }
    }
    best
}

fn within(w: Option<Period>) -> String {
    w.map(|p| format!(" in the last {p}")).unwrap_or_default()
}

impl Builder {
    /// Add (or extend) the question `id`; `merge` updates an existing one.
    fn ask(
        &mut self,
        id: String,
        criterion: usize,
        make: impl FnOnce() -> Question,
        merge: impl FnOnce(&mut Question),
    ) {
        if let Some(q) = self.questions.iter_mut().find(|q| q.id == id) {
            if !q.criteria.contains(&criterion) {
                q.criteria.push(criterion);
            }
            merge(q);
            return;
        }
        let mut q = make();
        q.id = id;
        q.criteria = vec![criterion];
        self.questions.push(q);
    }

    fn simple(
        &mut self,
        id: &str,
        criterion: usize,
        text: String,
        hint: Option<String>,
        kind: Kind,
    ) {
        self.ask(
            id.to_string(),
            criterion,
            || Question {
                id: String::new(),
                text,
                hint,
                criteria: vec![],
                topic: Topic::Other,
                own_condition: false,
                kind,
            },
            |_| {},
        );
    }

    fn age(&mut self, c: usize) {
        self.simple(
            "age",
            c,
            "What is your date of birth?".into(),
            Some("Or give your age in years.".into()),
            Kind::Age,
        );
    }

    fn sex(&mut self, c: usize) {
        self.simple("sex", c, "What is your sex?".into(), None, Kind::Sex);
    }

    fn lab(&mut self, analyte: &str, c: usize, uln: bool, lln: bool, window: Option<Period>) {
        let v = vocab();
        let Some(a) = v.analyte(analyte) else {
            return;
        };
        let label = a.label.clone();
        let hint = window.map(|w| format!("The trial looks at a result from the last {w}."));
        self.ask(
            format!("lab-{analyte}"),
            c,
            || Question {
                id: String::new(),
                text: format!("What was your latest {} result?", lower_first(&label)),
                hint,
                criteria: vec![],
                topic: Topic::Other,
                own_condition: false,
                kind: Kind::Lab {
                    analyte: analyte.to_string(),
                    label: label.clone(),
                    units: unit_choices(analyte),
                    ask_uln: uln,
                    ask_lln: lln,
                },
            },
            |q| {
                if let Kind::Lab {
                    ask_uln, ask_lln, ..
                } = &mut q.kind
                {
                    *ask_uln |= uln;
                    *ask_lln |= lln;
                }
            },
        );
    }

    fn rule(&mut self, r: &Rule, c: usize) {
        match &r.kind {
            RuleKind::All { rules, .. }
            | RuleKind::Any { rules, .. }
            | RuleKind::AtLeast { rules, .. } => {
                for x in rules {
                    self.rule(x, c);
                }
            }
            RuleKind::Not { rule } => self.rule(rule, c),
            RuleKind::Age { .. } => self.age(c),
            RuleKind::Sex { .. } => self.sex(c),
            RuleKind::Lab {
                analyte,
                threshold,
                window,
                exceptions,
                ..
            } => {
                let mut uln = matches!(threshold, Threshold::UlnMultiple { .. });
                let mut lln = matches!(threshold, Threshold::LlnMultiple { .. });
                for e in exceptions {
                    uln |= matches!(e.threshold, Threshold::UlnMultiple { .. });
                    lln |= matches!(e.threshold, Threshold::LlnMultiple { .. });
                    self.condition(&e.condition, c, false);
                }
                self.lab(analyte, c, uln, lln, *window);
                // Derived values: the matcher computes them from these.
                match analyte.as_str() {
                    "crcl" => {
                        self.lab("creatinine", c, false, false, *window);
                        self.lab("body_weight", c, false, false, None);
                        self.age(c);
                        self.sex(c);
                    }
                    "egfr" => {
                        self.lab("creatinine", c, false, false, *window);
                        self.age(c);
                        self.sex(c);
                    }
                    _ => {}
                }
            }
            RuleKind::LabResult {
                analyte,
                result,
                window,
            } => {
                let Some(a) = vocab().analyte(analyte) else {
                    return;
                };
                let label = a.label.clone();
                let detectable =
                    matches!(result, Qualitative::Detectable | Qualitative::Undetectable);
                self.simple(
                    &format!("res-{analyte}"),
                    c,
                    format!("What was your latest {} result?", lower_first(&label)),
                    window.map(|w| format!("The trial looks at a result from the last {w}.")),
                    Kind::Qualitative {
                        analyte: analyte.clone(),
                        label,
                        detectable,
                    },
                );
            }
            RuleKind::Score {
                instrument, window, ..
            } => {
                let (min, max) = score_range(*instrument);
                self.simple(
                    &format!("score-{}", score_code(*instrument)),
                    c,
                    score_question(*instrument),
                    Some(format!(
                        "From {} to {}, as your doctor recorded it{}.",
                        min,
                        max,
                        window
                            .map(|w| format!(" in the last {w}"))
                            .unwrap_or_default()
                    )),
                    Kind::Score {
                        instrument: *instrument,
                        min,
                        max,
                    },
                );
            }
            RuleKind::GradePattern { window, .. } => self.simple(
                "bilag",
                c,
                "Your latest BILAG-2004 grades".into(),
                Some(format!(
                    "One grade (A to E) for each of the nine organ areas, from one assessment{}.",
                    within(*window)
                )),
                Kind::Bilag,
            ),
            RuleKind::Diagnosis {
                concept,
                min_grade,
                exceptions,
                ..
            } => {
                self.condition(concept, c, min_grade.is_some());
                for e in exceptions {
                    self.condition(e, c, false);
                }
            }
            RuleKind::Medication {
                agent,
                dose,
                routes,
                ..
            } => {
                let v = vocab();
                let label = plain_medicine(agent)
                    .map(str::to_string)
                    .unwrap_or_else(|| {
                        v.medication(agent)
                            .map(|m| m.label.clone())
                            .unwrap_or_else(|| agent.replace('_', " "))
                    });
                let ask_dose = dose.is_some();
                if dose
                    .as_ref()
                    .is_some_and(|d| d.quantity.unit.contains("/kg"))
                {
                    self.lab("body_weight", c, false, false, None);
                }
                let routes = routes.clone();
                // A dose counted as prednisone equivalent needs the agent,
                // so every glucocorticoid is offered; otherwise only the
                // agents the trial names.
                let all = medication_choices(agent);
                let named = if dose.as_ref().is_some_and(|d| d.prednisone_equivalent) {
                    all
                } else {
                    self.named_in_trial(all)
                };
                self.ask(
                    format!("med-{agent}"),
                    c,
                    || Question {
                        id: String::new(),
                        text: format!("Have you taken {}?", lower_first(&label)),
                        hint: None,
                        criteria: vec![],
                        topic: Topic::Other,
                        own_condition: false,
                        kind: Kind::Medication {
                            agent: agent.clone(),
                            label: label.clone(),
                            choices: named.clone(),
                            ask_dose,
                            routes: routes.clone(),
                        },
                    },
                    |q| {
                        if let Kind::Medication {
                            ask_dose: d,
                            routes: rs,
                            ..
                        } = &mut q.kind
                        {
                            *d |= ask_dose;
                            for r in &routes {
                                if !rs.contains(r) {
                                    rs.push(r.clone());
                                }
                            }
                        }
                    },
                );
            }
            RuleKind::Procedure { concept, .. } => {
                let label = vocab()
                    .procedure(concept)
                    .map(|p| p.label.clone())
                    .unwrap_or_else(|| concept.replace('_', " "));
                self.simple(
                    &format!("proc-{concept}"),
                    c,
                    format!("Have you had {}?", lower_first(&label)),
                    None,
                    Kind::Procedure {
                        concept: concept.clone(),
                        label,
                    },
                );
            }
            RuleKind::Vaccination { vaccine, window } => {
                let what = match vaccine {
                    VaccineKind::Live => "a live vaccine",
                    VaccineKind::Inactivated => "an inactivated vaccine",
                    VaccineKind::Mrna => "an mRNA vaccine",
                    VaccineKind::Any => "any vaccine",
                };
                self.simple(
                    &format!("vax-{}", vaccine_code(*vaccine)),
                    c,
                    format!("Have you had {what}{}?", within(*window)),
                    None,
                    Kind::Vaccination {
                        kind: *vaccine,
                        choices: vaccine_choices(*vaccine),
                    },
                );
            }
            RuleKind::Allergy { substance, .. } => {
                let label = match substance.as_deref() {
                    None => "anything".to_string(),
                    Some("drug") => "a medicine".to_string(),
                    Some(k) => vocab()
                        .medication(k)
                        .map(|m| lower_first(&m.label))
                        .unwrap_or_else(|| k.replace('_', " ")),
                };
                self.simple(
                    &format!("allergy-{}", substance.as_deref().unwrap_or("any")),
                    c,
                    format!("Are you allergic to {label}?"),
                    None,
                    Kind::Allergy {
                        substance: substance.clone(),
                        label,
                    },
                );
            }
            RuleKind::TrialCondition {
                concept: Some(k), ..
            } => self.condition(k, c, false),
            RuleKind::TrialCondition { concept: None, .. } | RuleKind::ToConfirm { .. } => {}
            RuleKind::TrialParticipation { window, .. } => self.simple(
                "trial",
                c,
                format!(
                    "Have you taken part in another clinical trial{}?",
                    within(*window)
                ),
                None,
                Kind::TrialParticipation,
            ),
            RuleKind::Pregnancy { state, window } => {
                self.sex(c);
                match state {
                    PregnancyState::Pregnant => self.simple(
                        "preg-pregnant",
                        c,
                        "Are you pregnant?".into(),
                        None,
                        Kind::Pregnant,
                    ),
                    PregnancyState::Lactating => self.simple(
                        "preg-lactating",
                        c,
                        "Are you breastfeeding?".into(),
                        None,
                        Kind::Lactating,
                    ),
                    PregnancyState::ChildbearingPotential => {
                        self.age(c);
                        self.simple(
                            "preg-childbearing",
                            c,
                            "Could you become pregnant?".into(),
                            Some("Menopause or surgery (removal of the womb or both ovaries) means you cannot.".into()),
                            Kind::ChildbearingPotential,
                        );
                    }
                    PregnancyState::NegativeTest => self.simple(
                        "preg-test",
                        c,
                        "What was your latest pregnancy test result?".into(),
                        Some(format!(
                            "The trial looks at a test from the last {}.",
                            window.unwrap_or(Period::new(30, eligo_model::rule::TimeUnit::Days))
                        )),
                        Kind::PregnancyTest,
                    ),
                }
            }
        }
    }

    /// The trial's own condition: one question for each condition the
    /// record lists, in the record's words, answered yes or no.
    fn own_condition(&mut self, r: &Rule, c: usize) {
        match &r.kind {
            RuleKind::Any { rules, .. } => {
                for x in rules {
                    self.own_condition(x, c);
                }
            }
            RuleKind::TrialCondition { condition, concept } => {
                let key = concept.clone().unwrap_or_else(|| condition_key(condition));
                // Verbatim: records capitalise names ("Phelan-McDermid Syndrome").
                let text = format!("Have you been diagnosed with {}?", condition.trim());
                let hint = Some(format!("This study is for people with {condition}."));
                let label = condition.clone();
                self.ask(
                    format!("dx-{}", slug(&key)),
                    c,
                    || Question {
                        id: String::new(),
                        text,
                        hint,
                        criteria: vec![],
                        topic: Topic::Condition,
                        own_condition: true,
                        kind: Kind::Condition {
                            concept: key.clone(),
                            label,
                            ask_grade: false,
                        },
                    },
                    |_| {},
                );
            }
            _ => {}
        }
    }

    /// The choices the trial's criteria name (a class's members that the
    /// text mentions), so a patient picks among the trial's own words.
    fn named_in_trial(&self, choices: Vec<Choice>) -> Vec<Choice> {
        let v = vocab();
        choices
            .into_iter()
            .filter(|ch| {
                let names: Vec<String> = v
                    .medication(&ch.value)
                    .map(|m| m.synonyms.iter().chain([&m.label]).cloned().collect())
                    .unwrap_or_default();
                self.texts.iter().any(|t| as_written(t, &names).is_some())
            })
            .collect()
    }

    fn condition(&mut self, concept: &str, c: usize, ask_grade: bool) {
        let v = vocab().condition(concept);
        let vocab_label = v
            .map(|x| x.label.clone())
            .unwrap_or_else(|| concept.replace('_', " "));
        // The criterion's own words for it ("cancer", "lupus nephritis").
        let names: Vec<String> = v
            .map(|x| x.synonyms.iter().chain([&x.label]).cloned().collect())
            .unwrap_or_default();
        let label = self
            .texts
            .get(c.wrapping_sub(1))
            .and_then(|t| as_written(t, &names))
            .unwrap_or(vocab_label);
        let text = match concept {
            "pregnancy" => "Are you pregnant?".to_string(),
            _ => format!("Have you ever been diagnosed with {}?", lower_first(&label)),
        };
        self.ask(
            format!("dx-{concept}"),
            c,
            || Question {
                id: String::new(),
                text,
                hint: None,
                criteria: vec![],
                topic: Topic::Conditions,
                own_condition: false,
                kind: Kind::Condition {
                    concept: concept.to_string(),
                    label: label.clone(),
                    ask_grade,
                },
            },
            |q| {
                if let Kind::Condition { ask_grade: g, .. } = &mut q.kind {
                    *g |= ask_grade;
                }
            },
        );
    }
}

/// A vocabulary label inside a sentence: lower-cased at the start only
/// when its first word is a plain word ("Systemic lupus ..." → "systemic
/// lupus ..."), never for names or abbreviations ("Gilbert's syndrome",
/// "HIV antibody").
fn lower_first(s: &str) -> String {
    let first = s.split_whitespace().next().unwrap_or("");
    let plain =
        !first.contains('\'') && first.chars().skip(1).all(|c| c.is_lowercase() || c == '-');
    if !plain {
        return s.to_string();
    }
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// eligo's score code of an instrument (SCORE_CODES.md).
pub fn score_code(i: Instrument) -> &'static str {
    match i {
        Instrument::Sledai2k => "sledai-2k",
        Instrument::SelenaSledai => "selena-sledai",
        Instrument::Pga => "pga",
        Instrument::Bilag2004 => "bilag-2004",
        Instrument::Sdi => "sdi",
        Instrument::Nyha => "nyha",
        Instrument::Ecog => "ecog",
        Instrument::Karnofsky => "karnofsky",
        Instrument::Crs => "astct-crs",
        Instrument::Icans => "astct-icans",
        Instrument::Agvhd => "magic-agvhd",
    }
}

fn score_range(i: Instrument) -> (Decimal, Decimal) {
    let (a, b) = match i {
        Instrument::Sledai2k | Instrument::SelenaSledai => (0, 105),
        Instrument::Pga => (0, 3),
        Instrument::Bilag2004 => (0, 72),
        Instrument::Sdi => (0, 47),
        Instrument::Nyha => (1, 4),
        Instrument::Ecog => (0, 5),
        Instrument::Karnofsky => (0, 100),
        Instrument::Crs | Instrument::Icans | Instrument::Agvhd => (0, 4),
    };
    (Decimal::from(a), Decimal::from(b))
}

pub(crate) fn vaccine_code(k: VaccineKind) -> &'static str {
    match k {
        VaccineKind::Live => "live",
        VaccineKind::Inactivated => "inactivated",
        VaccineKind::Mrna => "mrna",
        VaccineKind::Any => "any",
    }
}

/// The key of a trial condition the vocabulary does not know: its name.
fn condition_key(name: &str) -> String {
    name.trim().to_string()
}

/// A form-name-safe form of a key: letters, digits and `_`, others `-`.
pub(crate) fn slug(key: &str) -> String {
    let s: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    s.trim_matches('-').to_string()
}

/// Plain words for medicine classes whose names are a classification's
/// ("Anti-infectives for systemic use").
fn plain_medicine(agent: &str) -> Option<&'static str> {
    Some(match agent {
        "anti_infective" => "medicine for an infection (antibiotics, antivirals or antifungals)",
        "g_csf" => "a medicine to raise white blood cells (such as filgrastim)",
        _ => return None,
    })
}

/// A score question as a patient is asked it.
fn score_question(i: Instrument) -> String {
    match i {
        Instrument::Nyha => {
            "If you have heart failure: which NYHA class (1 to 4) did your doctor last give it?"
                .into()
        }
        Instrument::Ecog => {
            "Which ECOG performance status (0 to 5) did your doctor last record for you?".into()
        }
        Instrument::Karnofsky => {
            "Which Karnofsky score (0 to 100) did your doctor last record for you?".into()
        }
        other => format!("What was your latest {} score?", other.label()),
    }
}
