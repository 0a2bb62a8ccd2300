//! "near ... within ...": what a person typed as a place and a radius, read
//! into a point to measure from, or the question to ask back (which
//! Springfield? a town rather than a whole country?). Shared by the search
//! page, `/find`, `/api/v1/search`, `/api/v1/match` and the CLI, so each
//! answers the same way.

use eligo_geo::{Distance, Gazetteer, Point, Resolution};

/// Where to measure from, as read.
#[derive(Debug, Clone, PartialEq)]
pub struct Near {
    /// What the place was read as ("Nanjing, Jiangsu, China"), for pages.
    pub label: String,
    pub point: Point,
    /// Only sites within this distance, when given.
    pub within: Option<Distance>,
}

/// Why a place could not be used, in words for the field it came from.
#[derive(Debug, Clone, PartialEq)]
pub enum NearError {
    /// Several places have that name: the labels to choose from.
    Ambiguous { candidates: Vec<String> },
    /// Anything else: a message for the person.
    Message(String),
}

impl NearError {
    /// One line for an API error or a terminal.
    pub fn message(&self) -> String {
        match self {
            NearError::Ambiguous { candidates } => format!(
                "several places have that name; add the state or country, e.g. {}",
                candidates
                    .iter()
                    .take(4)
                    .map(|c| format!("{c:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            NearError::Message(m) => m.clone(),
        }
    }
}

/// The radius: "200km", "200 km", "50mi", "50 miles"; a bare number is
/// kilometres.
pub fn read_within(s: &str) -> Result<Distance, String> {
    let t = s.trim();
    if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return t
            .parse::<f64>()
            .ok()
            .and_then(|v| Distance::km(v).ok())
            .ok_or_else(|| format!("{s:?} is not a distance; for example 200km or 50mi"));
    }
    t.parse::<Distance>()
        .map_err(|e| format!("{s:?} is not a distance ({e}); for example 200km or 50mi"))
}

/// Reads `near` (a place name in any script, "Paris, Texas", or
/// "lat,lon") and the optional `within`.
pub fn read_near(near: &str, within: Option<&str>) -> Result<Near, NearError> {
    let within = match within.map(str::trim).filter(|w| !w.is_empty()) {
        Some(w) => Some(read_within(w).map_err(NearError::Message)?),
        None => None,
    };
    let r = Gazetteer::get()
        .resolve(near)
        .map_err(|e| NearError::Message(e.to_string()))?;
    let label = match &r {
        Resolution::Point { point } => format!("{:.4}, {:.4}", point.lat(), point.lon()),
        Resolution::Place { place } => place.label(),
        Resolution::Ambiguous { candidates } => {
            return Err(NearError::Ambiguous {
                candidates: candidates.iter().map(|p| p.label()).collect(),
            });
        }
        Resolution::Region { regions } => {
            let r = regions.first().map(|r| r.name).unwrap_or("that");
            return Err(NearError::Message(format!(
                "{r} is too large to measure distances from: give a town or city in it"
            )));
        }
        Resolution::PostalCode { code, .. } => {
            return Err(NearError::Message(format!(
                "postal codes such as {code} cannot be placed offline: give the town or city"
            )));
        }
        Resolution::NotFound => {
            return Err(NearError::Message(format!(
                "no place called {:?} is known: check the spelling or give a larger town nearby",
                near.trim()
            )));
        }
    };
    let point = r.point().expect("a point or a place has a point");
    Ok(Near {
        label,
        point,
        within,
    })
}

/// Kilometres for people: "12 km", "1.5 km", "230 km".
pub fn km_text(km: f64) -> String {
    if km < 10.0 {
        format!("{km:.1} km")
    } else {
        format!("{km:.0} km")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_places_and_radii() {
        let n = read_near("南京", Some("200km")).unwrap();
        assert!(n.label.starts_with("Nanjing"), "{}", n.label);
        assert_eq!(n.within.unwrap().to_km(), 200.0);
        assert!((read_within("50mi").unwrap().to_km() - 80.4672).abs() < 1e-3);
        assert_eq!(read_within("75").unwrap().to_km(), 75.0);
        assert!(read_within("far").is_err());
        assert!(matches!(
            read_near("Springfield", None),
            Err(NearError::Ambiguous { candidates }) if candidates.len() > 1
        ));
        assert!(matches!(
            read_near("Texas", None),
            Err(NearError::Message(_))
        ));
        assert!(matches!(
            read_near("Xqzzyville", None),
            Err(NearError::Message(_))
        ));
    }
}
