use thiserror::Error;

/// What was wrong with a coordinate, a distance, a `distance(...)` filter or
/// a place query. Messages name the input and the part that is wrong, so a
/// front end can show them as they are (an API's 400, a message beside a
/// form field).
#[derive(Debug, Clone, PartialEq, Error)]
pub enum GeoError {
    /// A latitude outside -90..=90 (or not a number).
    #[error("latitude {0} is not between -90 and 90")]
    Latitude(f64),
    /// A longitude outside -180..=180 (or not a number).
    #[error("longitude {0} is not between -180 and 180")]
    Longitude(f64),
    /// Text that does not parse as the thing it should be.
    #[error("{what} {input:?}: {problem}")]
    Parse {
        /// "distance", "coordinates", "geo filter".
        what: &'static str,
        /// The input, shortened if long.
        input: String,
        problem: String,
    },
    /// A place query with nothing in it.
    #[error("no place given: type a town or city, or coordinates such as 32.06,118.78")]
    EmptyQuery,
    /// A place query longer than any place name.
    #[error("the place is {len} characters long; at most {max} are read")]
    QueryTooLong { len: usize, max: usize },
}

impl GeoError {
    pub(crate) fn parse(what: &'static str, input: &str, problem: impl Into<String>) -> Self {
        GeoError::Parse {
            what,
            input: shorten(input),
            problem: problem.into(),
        }
    }
}

/// The input as an error message quotes it: at most 80 characters.
pub(crate) fn shorten(input: &str) -> String {
    const MAX: usize = 80;
    match input.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &input[..at]),
        None => input.to_string(),
    }
}
