//! The nearest site that is recruiting, by site-level status.
//!
//! A trial may be recruiting as a whole while one of its sites has not
//! opened yet, or closed: what matters to a patient is the site they would
//! go to. A site counts as recruiting when its own status says so; a site
//! with no status of its own takes the trial's. Sites are placed from their
//! `geoPoint` or, lacking one, from city, state and country by
//! `eligo_geo::Gazetteer::locate`; distances are `eligo_geo`'s (one
//! great-circle function for the whole product).

use eligo_geo::{Gazetteer, Point, Source};
use eligo_model::Trial;
use eligo_model::trial::{Location, OverallStatus};
use serde::Serialize;

/// One located site and how far it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteDistance {
    /// Index into the trial's `locations`.
    pub index: usize,
    pub km: f64,
    pub miles: f64,
    /// The site's status code, or the trial's when the site states none.
    pub status: Option<String>,
    pub recruiting: bool,
    pub facility: Option<String>,
    /// "Nanjing, China".
    pub place: String,
    /// The point came from the site's city (no `geoPoint` in the record).
    pub placed_from_city: bool,
    /// A phone number or e-mail address for the site, or else the trial's
    /// central contact.
    pub contact: Option<String>,
}

/// The nearest recruiting site, and the nearest of any status (which may
/// be the same).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Nearest {
    pub recruiting: Option<SiteDistance>,
    pub any: Option<SiteDistance>,
}

/// The status a site goes by: its own, else the trial's.
pub fn site_status(trial: &Trial, site: &Location) -> Option<String> {
    site.status
        .clone()
        .or_else(|| trial.status.map(|s| s.code().to_string()))
}

fn is_recruiting(code: Option<&str>) -> bool {
    matches!(
        code.and_then(OverallStatus::from_code),
        Some(
            OverallStatus::Recruiting
                | OverallStatus::EnrollingByInvitation
                | OverallStatus::Available
        )
    )
}

fn contact_line(c: &eligo_model::trial::Contact) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(p) = c.phone.as_deref().filter(|p| !p.trim().is_empty()) {
        parts.push(p.trim().to_string());
    }
    if let Some(e) = c.email.as_deref().filter(|e| !e.trim().is_empty()) {
        parts.push(e.trim().to_string());
    }
    if parts.is_empty() {
        return None;
    }
    let name = c.name.trim();
    Some(if name.is_empty() {
        parts.join(", ")
    } else {
        format!("{name}: {}", parts.join(", "))
    })
}

/// Where a site is, in words.
pub fn place_text(site: &Location) -> String {
    [site.city.as_deref(), site.country.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A located site with what a page says of it: everything of
/// [`SiteDistance`] but the distance, which depends on where the person is.
/// Depends only on the record, so `/find` keeps them with its candidates
/// (placing a site from its city is a gazetteer search).
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedSite {
    pub index: usize,
    pub point: Point,
    pub status: Option<String>,
    pub recruiting: bool,
    pub facility: Option<String>,
    pub place: String,
    pub placed_from_city: bool,
    pub contact: Option<String>,
}

/// Every site of `trial` that can be placed.
pub fn placed_sites(trial: &Trial) -> Vec<PlacedSite> {
    let gaz = Gazetteer::get();
    let central = trial.central_contacts.iter().find_map(contact_line);
    trial
        .locations
        .iter()
        .enumerate()
        .filter_map(|(index, site)| {
            let located = gaz.locate(site)?;
            let status = site_status(trial, site);
            Some(PlacedSite {
                index,
                point: located.point,
                recruiting: is_recruiting(status.as_deref()),
                status,
                facility: site.facility.clone(),
                place: place_text(site),
                placed_from_city: matches!(located.source, Source::Gazetteer { .. }),
                contact: site
                    .contacts
                    .iter()
                    .find_map(contact_line)
                    .or(central.clone()),
            })
        })
        .collect()
}

/// Every located site of `trial` with its distance from `from`.
pub fn site_distances(trial: &Trial, from: Point) -> Vec<SiteDistance> {
    placed_sites(trial)
        .into_iter()
        .map(|s| distance_to(s, from))
        .collect()
}

fn distance_to(s: PlacedSite, from: Point) -> SiteDistance {
    let km = eligo_geo::distance_km(from, s.point);
    SiteDistance {
        index: s.index,
        km,
        miles: km / eligo_geo::KM_PER_MILE,
        status: s.status,
        recruiting: s.recruiting,
        facility: s.facility,
        place: s.place,
        placed_from_city: s.placed_from_city,
        contact: s.contact,
    }
}

/// The nearest recruiting site and the nearest site of any status.
pub fn nearest(trial: &Trial, from: Point) -> Nearest {
    nearest_of(&placed_sites(trial), from)
}

/// [`nearest`] of sites placed beforehand.
pub fn nearest_of(sites: &[PlacedSite], from: Point) -> Nearest {
    let km = |s: &PlacedSite| eligo_geo::distance_km(from, s.point);
    let pick = |recruiting_only: bool| {
        sites
            .iter()
            .filter(|s| !recruiting_only || s.recruiting)
            .map(|s| (km(s), s))
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, s)| distance_to(s.clone(), from))
    };
    Nearest {
        recruiting: pick(true),
        any: pick(false),
    }
}
