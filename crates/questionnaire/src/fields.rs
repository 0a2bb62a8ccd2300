//! The form controls of each kind of question.

use crate::choices::{BILAG_DOMAINS, unit_label};
use crate::question::{Choice, Field, Input, Kind, Question, choice};
use crate::{COURSES, DONT_KNOW};
use eligo_model::rule::Instrument;

fn radio(q: &Question, choices: Vec<Choice>) -> Field {
    Field {
        name: format!("{}.answer", q.id),
        label: q.text.clone(),
        input: Input::Radio { choices },
        show_when: None,
    }
}

fn sub(q: &Question, field: &str, label: &str, input: Input, when: &[&str]) -> Field {
    Field {
        name: format!("{}.{field}", q.id),
        label: label.to_string(),
        input,
        show_when: (!when.is_empty()).then(|| {
            (
                format!("{}.answer", q.id),
                when.iter().map(|s| s.to_string()).collect(),
            )
        }),
    }
}

fn dont_know(q: &Question) -> Field {
    Field {
        name: format!("{}.answer", q.id),
        label: "I don't know".into(),
        input: Input::DontKnow,
        show_when: None,
    }
}

fn number(min: &str, max: &str, step: &str) -> Input {
    Input::Number {
        min: min.into(),
        max: max.into(),
        step: step.into(),
    }
}

fn with_dont_know(mut choices: Vec<Choice>) -> Vec<Choice> {
    choices.push(choice(DONT_KNOW, "I don't know"));
    choices
}

impl Question {
    /// The form controls, in order.
    pub fn fields(&self) -> Vec<Field> {
        let q = self;
        match &self.kind {
            Kind::Age => vec![
                sub(q, "birth_date", "Date of birth", Input::Date, &[]),
                sub(q, "age", "or age in years", number("0", "130", "1"), &[]),
                dont_know(q),
            ],
            Kind::Sex => vec![radio(
                q,
                with_dont_know(vec![
                    choice("female", "Female"),
                    choice("male", "Male"),
                    choice("other", "Other"),
                ]),
            )],
            Kind::Condition {
                ask_grade, concept, ..
            } => {
                let mut f = vec![radio(
                    q,
                    with_dont_know(if concept == "pregnancy" || q.own_condition {
                        vec![choice("current", "Yes"), choice("no", "No")]
                    } else {
                        vec![
                            choice("current", "Yes, I have it now"),
                            choice("past", "Yes, in the past (it has gone away)"),
                            choice("no", "No"),
                        ]
                    }),
                )];
                f.push(sub(
                    q,
                    "onset",
                    "When did it start? (if you know)",
                    Input::Date,
                    &["current", "past"],
                ));
                f.push(sub(
                    q,
                    "end",
                    "When did it end? (if you know)",
                    Input::Date,
                    &["past"],
                ));
                if *ask_grade {
                    f.push(sub(
                        q,
                        "grade",
                        "Grade (if your doctor gave one)",
                        number("1", "5", "1"),
                        &["current", "past"],
                    ));
                }
                f
            }
            Kind::Procedure { .. } => vec![
                radio(
                    q,
                    with_dont_know(vec![choice("yes", "Yes"), choice("no", "No")]),
                ),
                sub(
                    q,
                    "date",
                    "When? (the last time, if more than once)",
                    Input::Date,
                    &["yes"],
                ),
            ],
            Kind::Medication {
                choices,
                ask_dose,
                routes,
                ..
            } => {
                let mut f = vec![radio(
                    q,
                    with_dont_know(vec![
                        choice("now", "Yes, I take it now"),
                        choice("past", "Yes, in the past"),
                        choice("no", "No"),
                    ]),
                )];
                if !choices.is_empty() {
                    let mut c = choices.clone();
                    c.push(choice(DONT_KNOW, "Another one, or I don't know which"));
                    f.push(sub(
                        q,
                        "which",
                        "Which one?",
                        Input::Select { choices: c },
                        &["now", "past"],
                    ));
                }
                f.push(sub(q, "start", "Started on", Input::Date, &["now", "past"]));
                f.push(sub(q, "end", "Stopped on", Input::Date, &["past"]));
                if *ask_dose {
                    f.push(sub(
                        q,
                        "dose",
                        "Dose per day, in mg",
                        number("0", "100000", "any"),
                        &["now", "past"],
                    ));
                }
                if *ask_dose {
                    // Earlier courses, each with its own dose and dates: a
                    // past high-dose course is what such criteria ask about.
                    for n in 2..=COURSES {
                        let when: &[&str] = &["now", "past"];
                        if !choices.is_empty() {
                            let mut c = choices.clone();
                            c.push(choice(DONT_KNOW, "Another one, or I don't know which"));
                            f.push(sub(
                                q,
                                &format!("which{n}"),
                                &format!("Another course (course {n}): which one?"),
                                Input::Select { choices: c },
                                when,
                            ));
                        }
                        f.push(sub(
                            q,
                            &format!("dose{n}"),
                            &format!("Course {n}: dose per day, in mg"),
                            number("0", "100000", "any"),
                            when,
                        ));
                        f.push(sub(
                            q,
                            &format!("start{n}"),
                            &format!("Course {n}: from"),
                            Input::Date,
                            when,
                        ));
                        f.push(sub(
                            q,
                            &format!("end{n}"),
                            &format!("Course {n}: to"),
                            Input::Date,
                            when,
                        ));
                    }
                }
                if !routes.is_empty() {
                    let mut c: Vec<Choice> = routes
                        .iter()
                        .map(|r| choice(r, &r.replace('_', " ")))
                        .collect();
                    if !routes.iter().any(|r| r == "oral") {
                        c.push(choice("oral", "oral"));
                    }
                    c.push(choice(DONT_KNOW, "I don't know"));
                    f.push(sub(
                        q,
                        "route",
                        "How was it given?",
                        Input::Select { choices: c },
                        &["now", "past"],
                    ));
                }
                f
            }
            Kind::Lab {
                units,
                ask_uln,
                ask_lln,
                ..
            } => {
                let mut f = vec![
                    sub(q, "value", "Value", number("0", "1000000", "any"), &[]),
                    sub(
                        q,
                        "unit",
                        "Unit",
                        Input::Select {
                            choices: units.iter().map(|u| choice(u, &unit_label(u))).collect(),
                        },
                        &[],
                    ),
                    sub(q, "date", "Date of the test", Input::Date, &[]),
                ];
                if *ask_uln {
                    f.push(sub(
                        q,
                        "uln",
                        "Upper limit of normal on your lab report (same unit; leave empty if not shown)",
                        number("0", "1000000", "any"),
                        &[],
                    ));
                }
                if *ask_lln {
                    f.push(sub(
                        q,
                        "lln",
                        "Lower limit of normal on your lab report (same unit; leave empty if not shown)",
                        number("0", "1000000", "any"),
                        &[],
                    ));
                }
                f.push(dont_know(q));
                f
            }
            Kind::Qualitative { detectable, .. } => {
                let c = if *detectable {
                    vec![
                        choice("positive", "Detectable"),
                        choice("negative", "Not detectable"),
                    ]
                } else {
                    vec![
                        choice("positive", "Positive"),
                        choice("negative", "Negative"),
                    ]
                };
                vec![
                    radio(q, with_dont_know(c)),
                    sub(
                        q,
                        "date",
                        "Date of the test",
                        Input::Date,
                        &["positive", "negative"],
                    ),
                ]
            }
            Kind::Score {
                min,
                max,
                instrument,
            } => {
                let step = if *instrument == Instrument::Pga {
                    "0.1"
                } else {
                    "1"
                };
                vec![
                    sub(
                        q,
                        "value",
                        "Score",
                        number(&min.to_string(), &max.to_string(), step),
                        &[],
                    ),
                    sub(q, "date", "Date of the assessment", Input::Date, &[]),
                    dont_know(q),
                ]
            }
            Kind::Bilag => {
                let mut f: Vec<Field> = BILAG_DOMAINS
                    .iter()
                    .map(|(d, label)| {
                        sub(
                            q,
                            d,
                            label,
                            Input::Select {
                                choices: with_dont_know(
                                    ["A", "B", "C", "D", "E"]
                                        .iter()
                                        .map(|g| choice(g, g))
                                        .collect(),
                                ),
                            },
                            &[],
                        )
                    })
                    .collect();
                f.push(sub(q, "date", "Date of the assessment", Input::Date, &[]));
                f
            }
            Kind::Vaccination { choices, .. } => {
                let mut f = vec![radio(
                    q,
                    with_dont_know(vec![choice("yes", "Yes"), choice("no", "No")]),
                )];
                if !choices.is_empty() {
                    let mut c = choices.clone();
                    c.push(choice(DONT_KNOW, "Another one, or I don't know which"));
                    f.push(sub(
                        q,
                        "which",
                        "Which vaccine?",
                        Input::Select { choices: c },
                        &["yes"],
                    ));
                }
                f.push(sub(
                    q,
                    "date",
                    "When? (the last one)",
                    Input::Date,
                    &["yes"],
                ));
                f
            }
            Kind::Allergy { .. } => vec![radio(
                q,
                with_dont_know(vec![
                    choice(
                        "severe",
                        "Yes, a severe reaction (for example trouble breathing)",
                    ),
                    choice("mild", "Yes, a mild reaction"),
                    choice("no", "No"),
                ]),
            )],
            Kind::TrialParticipation => vec![
                radio(
                    q,
                    with_dont_know(vec![
                        choice("now", "Yes, I am in one now"),
                        choice("past", "Yes, in the past"),
                        choice("no", "No"),
                    ]),
                ),
                sub(q, "date", "When did it end?", Input::Date, &["past"]),
            ],
            Kind::Pregnant | Kind::Lactating => {
                vec![radio(
                    q,
                    with_dont_know(vec![choice("yes", "Yes"), choice("no", "No")]),
                )]
            }
            Kind::ChildbearingPotential => vec![radio(
                q,
                with_dont_know(vec![
                    choice("yes", "Yes, I could"),
                    choice("menopause", "No, I have gone through menopause"),
                    choice(
                        "surgery",
                        "No, I had surgery (womb or both ovaries removed)",
                    ),
                ]),
            )],
            Kind::PregnancyTest => vec![
                radio(
                    q,
                    with_dont_know(vec![
                        choice("negative", "Negative"),
                        choice("positive", "Positive"),
                    ]),
                ),
                sub(
                    q,
                    "date",
                    "Date of the test",
                    Input::Date,
                    &["negative", "positive"],
                ),
            ],
        }
    }
}
