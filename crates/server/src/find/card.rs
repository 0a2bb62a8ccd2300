//! What a result card says about a trial besides its title: where its
//! sites are, the ages it takes and, when the person gave a place, how far
//! its nearest recruiting site is. Shared by the search page and `/find`.

use super::near::km_text;
use super::sites::{Nearest, PlacedSite, SiteDistance, nearest, nearest_of, placed_sites};
use eligo_geo::Distance;
use eligo_geo::Point;
use eligo_model::Trial;

/// The card lines for one trial.
#[derive(Debug, Clone, Default)]
pub struct CardFacts {
    /// "Nanjing, China and 3 other sites", or "" when no site is listed.
    pub place: String,
    /// "18 Years to 70 Years", "18 Years and older".
    pub ages: String,
    /// "12 km to the nearest recruiting site (Nanjing, China)", or what
    /// is known instead; "" without a place to measure from.
    pub distance: String,
    pub nearest: Nearest,
}

/// Ages in the registry's words.
pub fn ages_text(t: &Trial) -> String {
    let e = &t.eligibility;
    match (e.min_age, e.max_age) {
        (Some(a), Some(b)) => format!("Ages {a} to {b}"),
        (Some(a), None) => format!("Ages {a} and older"),
        (None, Some(b)) => format!("Ages up to {b}"),
        (None, None) => String::new(),
    }
}

/// Where the trial's sites are, in a few words.
pub fn place_text(t: &Trial) -> String {
    let mut places: Vec<String> = Vec::new();
    for l in &t.locations {
        let p = super::sites::place_text(l);
        if !p.is_empty() && !places.contains(&p) {
            places.push(p);
        }
    }
    match places.len() {
        0 => String::new(),
        1 => places.remove(0),
        n => format!(
            "{} and {} other place{}",
            places[0],
            n - 1,
            if n == 2 { "" } else { "s" }
        ),
    }
}

/// The distance line for a trial: its nearest recruiting site or, when
/// the only sites inside `within` are not recruiting, that, plainly.
pub fn distance_text(n: &Nearest) -> String {
    distance_within(n, None)
}

/// [`distance_text`] for a search with a radius.
pub fn distance_within(n: &Nearest, within: Option<Distance>) -> String {
    let status = |s: &SiteDistance| {
        s.status
            .as_deref()
            .map(crate::views::status_label)
            .unwrap_or_else(|| "status not stated".into())
            .to_lowercase()
    };
    let inside = |s: &SiteDistance| within.is_none_or(|w| w.covers_km(s.km));
    match (&n.recruiting, &n.any) {
        (Some(r), _) if inside(r) => {
            format!(
                "{} to the nearest recruiting site ({})",
                km_text(r.km),
                r.place
            )
        }
        (r, Some(a)) if !a.recruiting && inside(a) => {
            let nearby = format!(
                "The nearest site, {} away ({}), is {}",
                km_text(a.km),
                a.place,
                status(a)
            );
            match r {
                Some(r) => format!(
                    "{nearby}; the nearest recruiting site is {} away ({})",
                    km_text(r.km),
                    r.place
                ),
                None => format!("{nearby}; no site is recruiting yet"),
            }
        }
        (Some(r), _) => format!(
            "{} to the nearest recruiting site ({})",
            km_text(r.km),
            r.place
        ),
        (None, Some(a)) => format!(
            "No site is recruiting; the nearest site is {} away ({}, {})",
            km_text(a.km),
            a.place,
            status(a)
        ),
        (None, None) => "No site with a known place".into(),
    }
}

/// Whether a trial has a site inside `within` (any status: one not yet
/// recruiting is shown as such).
pub fn has_site_within(n: &Nearest, within: Option<Distance>) -> bool {
    within.is_none_or(|w| n.any.as_ref().is_some_and(|a| w.covers_km(a.km)))
}

pub fn card(t: &Trial, from: Option<Point>, within: Option<Distance>) -> CardFacts {
    let nearest = from.map(|p| nearest(t, p)).unwrap_or_default();
    CardFacts {
        place: place_text(t),
        ages: ages_text(t),
        distance: if from.is_some() {
            distance_within(&nearest, within)
        } else {
            String::new()
        },
        nearest,
    }
}

/// What a card needs of a trial's record whoever looks: kept by `/find`
/// with its candidates, so a request measures distances without reading
/// the record or placing its sites again.
#[derive(Debug, Clone)]
pub struct CardBase {
    pub place: String,
    pub ages: String,
    pub sites: Vec<PlacedSite>,
}

impl CardBase {
    pub fn of(t: &Trial) -> CardBase {
        CardBase {
            place: place_text(t),
            ages: ages_text(t),
            sites: placed_sites(t),
        }
    }

    /// [`card`] from `from`.
    pub fn card(&self, from: Option<Point>, within: Option<Distance>) -> CardFacts {
        let nearest = from.map(|p| nearest_of(&self.sites, p)).unwrap_or_default();
        CardFacts {
            place: self.place.clone(),
            ages: self.ages.clone(),
            distance: if from.is_some() {
                distance_within(&nearest, within)
            } else {
                String::new()
            },
            nearest,
        }
    }
}
