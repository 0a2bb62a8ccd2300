//! Points on the Earth and the great-circle distance between them.

use crate::error::GeoError;
use crate::number::parse_decimal;
use eligo_model::trial::GeoPoint;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The mean Earth radius (IUGG, R1 = (2a + b) / 3 of WGS 84), in km.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;
/// The international mile, exactly.
pub const KM_PER_MILE: f64 = 1.609344;

/// A valid latitude/longitude in decimal degrees (WGS 84, as GeoNames and
/// ClinicalTrials.gov's `geoPoint` give them). Only [`Point::new`] makes
/// one, so every `Point` is on the Earth.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawPoint")]
pub struct Point {
    lat: f64,
    lon: f64,
}

#[derive(Deserialize)]
struct RawPoint {
    lat: f64,
    lon: f64,
}

impl TryFrom<RawPoint> for Point {
    type Error = GeoError;
    fn try_from(raw: RawPoint) -> Result<Self, GeoError> {
        Point::new(raw.lat, raw.lon)
    }
}

impl Point {
    /// Latitude in -90..=90, longitude in -180..=180; anything else
    /// (including NaN) is refused.
    pub fn new(lat: f64, lon: f64) -> Result<Point, GeoError> {
        if !(-90.0..=90.0).contains(&lat) {
            return Err(GeoError::Latitude(lat));
        }
        if !(-180.0..=180.0).contains(&lon) {
            return Err(GeoError::Longitude(lon));
        }
        Ok(Point { lat, lon })
    }

    pub fn lat(self) -> f64 {
        self.lat
    }

    pub fn lon(self) -> f64 {
        self.lon
    }

    /// Great-circle distance in km; see [`distance_km`].
    pub fn distance_km(self, other: Point) -> f64 {
        distance_km(self, other)
    }

    /// Great-circle distance in international miles.
    pub fn distance_miles(self, other: Point) -> f64 {
        distance_km(self, other) / KM_PER_MILE
    }
}

/// Great-circle distance in km by the haversine formula on a sphere of
/// [`EARTH_RADIUS_KM`]. Within 0.5% of the ellipsoidal (geodesic) distance,
/// which is far below what "within 50 miles" asks; well conditioned for
/// short distances, where the spherical law of cosines loses digits.
pub fn distance_km(a: Point, b: Point) -> f64 {
    let (phi1, phi2) = (a.lat.to_radians(), b.lat.to_radians());
    let d_phi = phi2 - phi1;
    let d_lambda = (b.lon - a.lon).to_radians();
    let h = (d_phi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (d_lambda / 2.0).sin().powi(2);
    // Rounding can push h a hair past 1 for antipodal points.
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// The point nearest to `from` among `points`, as (its index, km), or
/// `None` when there are none. The first wins a tie.
pub fn nearest(from: Point, points: impl IntoIterator<Item = Point>) -> Option<(usize, f64)> {
    points
        .into_iter()
        .map(|p| distance_km(from, p))
        .enumerate()
        .fold(None, |best, (i, d)| match best {
            Some((_, best_d)) if best_d <= d => best,
            _ => Some((i, d)),
        })
}

impl fmt::Display for Point {
    /// `32.06167,118.77778`: the form [`Point::from_str`] and the
    /// `distance(...)` filter read.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{}", self.lat, self.lon)
    }
}

impl FromStr for Point {
    type Err = GeoError;

    /// `"32.06,118.78"`, `"32.06, 118.78"` or `"32.06 118.78"`: latitude
    /// first, decimal degrees, south and west negative.
    fn from_str(s: &str) -> Result<Point, GeoError> {
        let err = |problem: &str| GeoError::parse("coordinates", s, problem);
        let parts: Vec<&str> = if s.contains(',') {
            s.split(',').map(str::trim).collect()
        } else {
            s.split_whitespace().collect()
        };
        match parts.as_slice() {
            [lat, lon] => {
                let lat = parse_decimal(lat).ok_or_else(|| {
                    err(&format!(
                        "latitude {lat:?} is not a decimal number such as 32.06"
                    ))
                })?;
                let lon = parse_decimal(lon).ok_or_else(|| {
                    err(&format!(
                        "longitude {lon:?} is not a decimal number such as 118.78"
                    ))
                })?;
                Point::new(lat, lon).map_err(|e| err(&e.to_string()))
            }
            _ => Err(err(&format!(
                "expected latitude,longitude (two numbers, e.g. 32.06,118.78), found {} part{}",
                parts.len(),
                if parts.len() == 1 { "" } else { "s" }
            ))),
        }
    }
}

impl TryFrom<GeoPoint> for Point {
    type Error = GeoError;
    /// A registry `geoPoint`, checked.
    fn try_from(p: GeoPoint) -> Result<Self, GeoError> {
        Point::new(p.lat, p.lon)
    }
}

impl From<Point> for GeoPoint {
    fn from(p: Point) -> Self {
        GeoPoint {
            lat: p.lat,
            lon: p.lon,
        }
    }
}
