//! What a result card says about a trial besides its title: where its
//! sites are, the ages it takes and, when the person gave a place, how far
//! its nearest recruiting site is. Shared by the search page and `/find`.

use super::near::km_text;
use super::sites::{Nearest, nearest};
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

/// The distance line for a trial from `from`.
pub fn distance_text(n: &Nearest) -> String {
    match (&n.recruiting, &n.any) {
        (Some(r), _) => format!(
            "{} to the nearest recruiting site ({})",
            km_text(r.km),
            r.place
        ),
        (None, Some(a)) => format!(
            "No site is recruiting yet; nearest site {} away ({}, {})",
            km_text(a.km),
            a.place,
            a.status
                .as_deref()
                .map(crate::views::status_label)
                .unwrap_or_else(|| "status not stated".into())
                .to_lowercase()
        ),
        (None, None) => "No site with a known place".into(),
    }
}

pub fn card(t: &Trial, from: Option<Point>) -> CardFacts {
    let nearest = from.map(|p| nearest(t, p)).unwrap_or_default();
    CardFacts {
        place: place_text(t),
        ages: ages_text(t),
        distance: if from.is_some() {
            distance_text(&nearest)
        } else {
            String::new()
        },
        nearest,
    }
}
