//! The pre-screening questionnaire: questions generated from a trial's
//! computable criteria, and the patient facts its answers make.
//!
//! Types first: a [`Questionnaire`] is a list of [`Question`]s, each of a
//! [`Kind`] and shown as [`Field`]s; the patient's [`Answers`] are form
//! name → value pairs, and every question's main answer reads as an
//! [`Answer`]: yes, no, or don't know.
//!
//! [`questionnaire`] walks the rule AST of every computable criterion and
//! asks, once each, for what the rules need: birth date or age, sex,
//! diagnoses, procedures, medicines (which one, dates, daily dose, route),
//! lab values (with a unit choice, and the lab's limit of normal when a
//! rule is a multiple of it), qualitative tests, scores, BILAG-2004 grades,
//! vaccinations, allergies, trial participation and pregnancy. "I don't
//! know" is an answer to every question.
//!
//! [`facts`] turns the answers into [`PatientFacts`] coded the way a health
//! record would code them (SNOMED CT, LOINC, ATC/RxNorm, CVX, eligo's score
//! codes, UCUM units), so the matcher decides a pre-screen exactly as it
//! decides a FHIR record. "I don't know" makes no fact. Each fact cites its
//! question as a `QuestionnaireResponse` source, so the verdict points back
//! at it. [`describe`] puts the answers in words for the study team.
//!
//! Files by job: `question` (the types), `build` (criteria → questions),
//! `choices` (units and choices taken from the vocabulary), `fields` (a
//! question's form controls), `answers` (reading and checking answers),
//! `facts` (answers → facts, with the consistency checks), `plausible`
//! (lab values no person has in the unit given), `describe` (answers in words).

mod answers;
mod build;
mod choices;
mod describe;
mod facts;
mod fields;
mod plausible;
mod question;

pub use answers::{Answer, Answers, Outcome, Problem};
pub use build::{questionnaire, score_code};
pub use choices::{BILAG_DOMAINS, unit_choices, unit_label};
pub use describe::describe;
pub use facts::facts;
pub use plausible::implausible;
pub use question::{Choice, Field, Input, Kind, Question, Questionnaire, Topic};

/// The answer value every choice question offers.
pub const DONT_KNOW: &str = "dont_know";
/// The resource type facts from a pre-screen cite.
pub const SOURCE_TYPE: &str = "QuestionnaireResponse";
/// `PatientFacts::id` of a pre-screen.
pub const PATIENT_ID: &str = "prescreen";
/// Treatment courses a dose question offers (the first and earlier ones).
pub const COURSES: usize = 3;
/// Longest answer value kept (characters).
const MAX_VALUE: usize = 200;

use eligo_model::PatientFacts;

fn vocab() -> &'static eligo_vocab::Vocabulary {
    eligo_vocab::vocabulary()
}
