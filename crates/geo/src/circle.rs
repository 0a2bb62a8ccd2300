//! "Within this distance of this point": ClinicalTrials.gov API v2's
//! `filter.geo=distance(lat,lon,50mi)` and the finder's "near ... within".

use crate::distance::Distance;
use crate::error::GeoError;
use crate::number::parse_decimal;
use crate::point::{Point, distance_km};
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// A centre and a radius on the Earth's surface.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Circle {
    pub center: Point,
    pub radius: Distance,
}

const FORM: &str = "distance(latitude,longitude,radius), e.g. distance(32.06,118.78,50mi)";

impl Circle {
    pub fn new(center: Point, radius: Distance) -> Circle {
        Circle { center, radius }
    }

    /// Whether `p` is within the radius (great-circle, boundary included).
    pub fn contains(&self, p: Point) -> bool {
        self.radius.covers_km(distance_km(self.center, p))
    }

    /// Distance from the centre to `p` in km, if within the radius.
    pub fn distance_within(&self, p: Point) -> Option<f64> {
        let d = distance_km(self.center, p);
        self.radius.covers_km(d).then_some(d)
    }
}

impl fmt::Display for Circle {
    /// The API v2 form: `distance(32.06,118.78,50mi)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "distance({},{},{}{})",
            self.center.lat(),
            self.center.lon(),
            self.radius.value(),
            self.radius.unit().symbol()
        )
    }
}

impl FromStr for Circle {
    type Err = GeoError;

    /// `distance(lat,lon,radius)` as ClinicalTrials.gov API v2 writes
    /// `filter.geo`: decimal degrees, then a [`Distance`] with its unit.
    /// Spaces around the parts are allowed; the function name's case is
    /// not significant.
    fn from_str(s: &str) -> Result<Circle, GeoError> {
        let err = |problem: String| GeoError::parse("geo filter", s, problem);
        let t = s.trim();
        let open = t.find('(');
        let name = open.map_or(t, |i| t[..i].trim_end());
        if !name.eq_ignore_ascii_case("distance") {
            return Err(err(format!("expected {FORM}")));
        }
        let rest = &t[open.map_or(t.len(), |i| i + 1)..];
        let Some(args) = rest.strip_suffix(')') else {
            return Err(err(if rest.contains(')') {
                format!("text after the closing parenthesis; expected {FORM}")
            } else {
                format!("no closing parenthesis; expected {FORM}")
            }));
        };
        let args: Vec<&str> = args.split(',').map(str::trim).collect();
        let [lat, lon, radius] = args.as_slice() else {
            return Err(err(format!(
                "{} argument{} given; expected 3: {FORM}",
                args.len(),
                if args.len() == 1 { "" } else { "s" }
            )));
        };
        let lat = parse_decimal(lat).ok_or_else(|| {
            err(format!(
                "latitude {lat:?} is not a decimal number such as 32.06"
            ))
        })?;
        let lon = parse_decimal(lon).ok_or_else(|| {
            err(format!(
                "longitude {lon:?} is not a decimal number such as 118.78"
            ))
        })?;
        let center = Point::new(lat, lon).map_err(|e| err(e.to_string()))?;
        let radius: Distance = radius.parse().map_err(|e| match e {
            GeoError::Parse { problem, .. } => err(format!("radius {radius:?}: {problem}")),
            other => err(other.to_string()),
        })?;
        Ok(Circle { center, radius })
    }
}
