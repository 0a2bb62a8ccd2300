//! What the gazetteer answers with: plain, copyable, serialisable values
//! whose strings live in the embedded table.

use crate::point::Point;
use serde::Serialize;
use std::fmt;

/// A populated place from GeoNames.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Place {
    /// GeoNames id (`https://www.geonames.org/<id>`): stable across
    /// releases, so a front end can hand a chosen candidate back.
    pub geonames_id: u32,
    /// The GeoNames name ("Nanjing", "Kraków").
    pub name: &'static str,
    /// First-level division (state, province, region) when GeoNames names
    /// it ("Jiangsu", "Illinois").
    pub admin1: Option<&'static str>,
    /// ISO 3166-1 alpha-2 ("CN").
    pub country_code: &'static str,
    /// GeoNames' English short name ("China", "United States").
    pub country: &'static str,
    pub point: Point,
    pub population: u32,
}

impl Place {
    /// "Springfield, Illinois, United States": enough to tell candidates
    /// apart when asking "which one?".
    pub fn label(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)?;
        if let Some(admin1) = self.admin1.filter(|a| *a != self.name) {
            write!(f, ", {admin1}")?;
        }
        write!(f, ", {}", self.country)
    }
}

/// A country as the gazetteer knows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Country {
    /// ISO 3166-1 alpha-2 ("KR").
    pub code: &'static str,
    /// ISO 3166-1 alpha-3 ("KOR").
    pub iso3: &'static str,
    /// GeoNames' English short name ("South Korea").
    pub name: &'static str,
}

/// A country or first-level division named where a town was expected:
/// too large to measure a distance from.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Region {
    pub name: &'static str,
    pub kind: RegionKind,
    pub country_code: &'static str,
    pub country: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionKind {
    Country,
    /// State, province, region: GeoNames' first-level division.
    Admin1,
}

/// Where a registry site is, and how eligo knows.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Located {
    pub point: Point,
    pub source: Source,
}

/// The origin of a site's point, so a page can say "placed from its city".
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum Source {
    /// The registry record's own `geoPoint`.
    Registry,
    /// The gazetteer place for the site's city, state and country.
    Gazetteer { place: Place },
}
