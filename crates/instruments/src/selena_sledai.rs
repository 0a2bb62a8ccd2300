//! SELENA-SLEDAI (INSTRUMENTS.md §2): the SLEDAI of the SELENA trial and of
//! the original SRI. Same 24 descriptors and weights as SLEDAI-2K; only the
//! descriptor definitions differ (new or recurrent rash, scleritis, new
//! proteinuria...), which is the clinician's call when ticking an item. It
//! is a separate instrument because a criterion naming one is not met by the
//! other.

use crate::input::{Field, InputError};
use crate::sledai2k::{self, Items};
use serde_json::Value;

pub const ID: &str = "selena_sledai";

pub static FIELDS: &[Field] = &sledai2k::FIELDS;

pub fn from_json(v: &Value) -> Result<Items, InputError> {
    sledai2k::from_json(v)
}

/// Same arithmetic as SLEDAI-2K.
pub fn score(items: &Items) -> sledai2k::Output {
    sledai2k::score(items)
}
