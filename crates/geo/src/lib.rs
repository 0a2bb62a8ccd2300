//! Places and distances, offline.
//!
//! - [`Point`], [`distance_km`] (haversine on the mean Earth radius) and
//!   [`nearest`]: how far a patient is from a trial site.
//! - [`Distance`] (`"50mi"`, `"200 km"`) and [`Circle`], the
//!   `distance(32.06,118.78,50mi)` form of ClinicalTrials.gov API v2's
//!   `filter.geo`.
//! - [`Gazetteer`]: GeoNames places of 5,000 or more people, with their
//!   names in other scripts ("南京"), countries and first-level divisions,
//!   shipped in the binary (data/README.md: provenance, CC BY 4.0
//!   attribution). [`Gazetteer::resolve`] reads what a person types as a
//!   place; [`Gazetteer::place`] and [`Gazetteer::locate`] place a
//!   registry site that has no `geoPoint` from its city, state and country.
//!
//! Pure: no I/O, no network; the table is read from the binary on first
//! use.
//!
//! ```
//! use eligo_geo::{Circle, Gazetteer, Resolution};
//!
//! let nanjing = Gazetteer::get().resolve("南京").unwrap().point().unwrap();
//! let near: Circle = "distance(32.0569,118.7794,50mi)".parse().unwrap();
//! assert!(near.contains(nanjing));
//! assert!(matches!(
//!     Gazetteer::get().resolve("Springfield").unwrap(),
//!     Resolution::Ambiguous { .. }
//! ));
//! ```

mod circle;
mod distance;
mod error;
mod gazetteer;
mod normalize;
mod number;
mod place;
mod point;
mod resolve;
mod tables;

pub use circle::Circle;
pub use distance::{Distance, Unit};
pub use error::GeoError;
pub use gazetteer::Gazetteer;
pub use normalize::normalize;
pub use place::{Country, Located, Place, Region, RegionKind, Source};
pub use point::{EARTH_RADIUS_KM, KM_PER_MILE, Point, distance_km, nearest};
pub use resolve::{DOMINANCE, MAX_CANDIDATES, MAX_QUERY_CHARS, REGION_UNLESS_TOWN_OF, Resolution};

/// The credit GeoNames' licence (CC BY 4.0) asks for, for pages and API
/// documents that show places from the gazetteer.
pub const ATTRIBUTION: &str = "Place names and coordinates: GeoNames (https://www.geonames.org/), CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)";

/// Hooks for the benchmark: the two steps of the first
/// [`Gazetteer::get`], each on its own.
#[doc(hidden)]
pub mod bench {
    /// Decompresses the places table; returns its length in bytes.
    pub fn decompress() -> usize {
        crate::tables::places_text().len()
    }

    /// Reads and indexes the (already decompressed) tables; returns the
    /// number of names indexed.
    pub fn build(text: &'static str) -> usize {
        crate::tables::Tables::build(text).map_or(0, |t| t.place_keys.len())
    }

    /// The decompressed places table, leaked: for `build` only.
    pub fn text() -> &'static str {
        Box::leak(crate::tables::places_text().into_boxed_str())
    }
}
