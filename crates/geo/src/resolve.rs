//! What a person typed as "near ..." to a point, or to the question a page
//! must ask back.

use crate::error::GeoError;
use crate::gazetteer::{Gazetteer, city_variants};
use crate::normalize::normalize;
use crate::place::{Country, Place, Region, RegionKind};
use crate::point::Point;
use crate::tables::reduce;
use regex::Regex;
use serde::Serialize;
use std::sync::OnceLock;

/// The answer to a place query.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Resolution {
    /// The query was coordinates ("32.06,118.78").
    Point { point: Point },
    /// One place fits, or one is far larger than every other that fits
    /// ("Paris" is Paris, France; "Paris, Texas" is not).
    Place { place: Place },
    /// Several places fit and none dominates ("Springfield"): the
    /// candidates, most populous first, with state and country so that a
    /// page can ask "which one?" (and hand back the GeoNames id).
    Ambiguous { candidates: Vec<Place> },
    /// The query names a country or a state/province ("Texas", "Jiangsu"),
    /// too large to measure distance from: ask for a town.
    Region { regions: Vec<Region> },
    /// The query looks like a postal code of these countries. The
    /// gazetteer has no postal codes (GeoNames' cities data does not carry
    /// them), so the page should ask for the town instead.
    PostalCode {
        code: String,
        countries: Vec<Country>,
    },
    /// Nothing fits.
    NotFound,
}

impl Resolution {
    /// The point to measure from, when the query settled on one.
    pub fn point(&self) -> Option<Point> {
        match self {
            Resolution::Point { point } => Some(*point),
            Resolution::Place { place } => Some(place.point),
            _ => None,
        }
    }
}

/// Longest query read; no place name comes near it.
pub const MAX_QUERY_CHARS: usize = 200;
/// Most candidates an ambiguous answer lists.
pub const MAX_CANDIDATES: usize = 10;
/// A place is taken as meant when it has at least this many times the
/// population of the next place that fits: "Paris" (2.1 million) over
/// Paris, Texas (25,000), but not Springfield, Missouri (170,000) over
/// Springfield, Massachusetts (154,000).
pub const DOMINANCE: u32 = 10;
/// A query that names a country or state is read as that region unless a
/// town of this size has the same name ("New York", "Singapore").
pub const REGION_UNLESS_TOWN_OF: u32 = 100_000;

/// Countries and first-level divisions a qualifier ("Texas", "China",
/// "TX") allows.
#[derive(Default)]
struct Qualifier {
    countries: Vec<u16>,
    admin1: Vec<u32>,
}

impl Gazetteer {
    /// Reads what a person typed as a place: coordinates ("32.06,118.78"),
    /// a name in any script GeoNames records ("Nanjing", "南京", "Nanking"),
    /// optionally narrowed by state and/or country after commas ("Paris,
    /// Texas", "Springfield, IL", "Nanjing, China") or after a space when
    /// the whole does not name a place ("Paris France"). Case, accents and
    /// punctuation are ignored.
    ///
    /// Errors only for input that cannot be a place: empty, over
    /// [`MAX_QUERY_CHARS`], or numbers that are not valid coordinates. A
    /// name that fits nothing is `Ok(Resolution::NotFound)`.
    pub fn resolve(&self, query: &str) -> Result<Resolution, GeoError> {
        let q = query.trim();
        if q.is_empty() {
            return Err(GeoError::EmptyQuery);
        }
        let len = q.chars().count();
        if len > MAX_QUERY_CHARS {
            return Err(GeoError::QueryTooLong {
                len,
                max: MAX_QUERY_CHARS,
            });
        }
        if q.chars().any(|c| c.is_ascii_digit())
            && q.chars().all(|c| {
                c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+') || c.is_whitespace()
            })
        {
            return self.numeric(q);
        }

        let parts: Vec<&str> = q
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        let Some((&name, qualifier_texts)) = parts.split_first() else {
            return Err(GeoError::EmptyQuery);
        };
        // "Korea, Republic of": a region whose name has a comma.
        if q.contains(',') {
            let regions = self.regions(&normalize(q), &[]);
            if !regions.is_empty() {
                return Ok(Resolution::Region { regions });
            }
        }
        let mut qualifiers = Vec::new();
        for text in qualifier_texts {
            match self.qualifier(&normalize(text)) {
                Some(q) => qualifiers.push(q),
                None => return Ok(Resolution::NotFound),
            }
        }
        if name.chars().any(|c| c.is_ascii_digit()) {
            let allowed: Option<Vec<u16>> = qualifiers.first().map(|q| {
                let in_admin1 = q.admin1.iter().map(|&a| self.t.admin1[a as usize].country);
                q.countries.iter().copied().chain(in_admin1).collect()
            });
            if let Some(postal) = self.postal_code(name, allowed.as_deref()) {
                return Ok(postal);
            }
        }
        // The name as typed, then without what people add ("Praha 2",
        // "Taichung City", "St. Louis" for "Saint Louis").
        for key in city_variants(name) {
            let found = self.rank(&key, &qualifiers);
            if found != Resolution::NotFound {
                return Ok(found);
            }
        }
        if !qualifiers.is_empty() {
            return Ok(Resolution::NotFound);
        }
        // "Paris Texas", "Springfield New Jersey", "Nanjing China": the
        // last words as a qualifier.
        let key = normalize(name);
        let words: Vec<&str> = key.split(' ').collect();
        for k in 1..words.len().min(4) {
            let (head, tail) = words.split_at(words.len() - k);
            if let Some(q) = self.qualifier(&tail.join(" ")) {
                let found = self.rank(&head.join(" "), &[q]);
                if found != Resolution::NotFound {
                    return Ok(found);
                }
            }
        }
        Ok(Resolution::NotFound)
    }

    /// Digits, dots, commas and signs only: coordinates, or one number
    /// (a postal code).
    fn numeric(&self, q: &str) -> Result<Resolution, GeoError> {
        let tokens: Vec<&str> = q
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|t| !t.is_empty())
            .collect();
        if let [one] = tokens.as_slice()
            && one.bytes().all(|b| b.is_ascii_digit())
        {
            return Ok(self.postal_code(one, None).unwrap_or(Resolution::NotFound));
        }
        q.parse::<Point>().map(|point| Resolution::Point { point })
    }

    fn qualifier(&self, key: &str) -> Option<Qualifier> {
        if key.is_empty() {
            return None;
        }
        let mut q = Qualifier::default();
        if let Some(&c) = self.t.country_keys.get(key) {
            q.countries.push(c);
        }
        for k in [key.to_string(), reduce(key)] {
            if let Some(ids) = self.t.admin1_keys.get(&k) {
                for &a in ids {
                    if !q.admin1.contains(&a) {
                        q.admin1.push(a);
                    }
                }
            }
        }
        (!q.countries.is_empty() || !q.admin1.is_empty()).then_some(q)
    }

    fn allows(&self, qualifiers: &[Qualifier], place: u32) -> bool {
        let r = &self.t.places[place as usize];
        qualifiers.iter().all(|q| {
            q.countries.contains(&r.country) || r.admin1.is_some_and(|a| q.admin1.contains(&a))
        })
    }

    /// The places named `key` that every qualifier allows, as a
    /// resolution.
    fn rank(&self, key: &str, qualifiers: &[Qualifier]) -> Resolution {
        if key.is_empty() {
            return Resolution::NotFound;
        }
        let population = |i: u32| self.t.places[i as usize].population;
        // Places of that very name, then those that have it as another
        // name (an old name, another language's): each most populous first.
        let (mut named, mut also): (Vec<u32>, Vec<u32>) = (Vec::new(), Vec::new());
        for (i, primary) in self.t.place_keys.get(key) {
            if self.allows(qualifiers, i) {
                if primary { named.push(i) } else { also.push(i) }
            }
        }
        for tier in [&mut named, &mut also] {
            tier.sort_by_key(|&i| {
                (
                    std::cmp::Reverse(population(i)),
                    self.t.places[i as usize].id,
                )
            });
        }
        let biggest = named
            .iter()
            .chain(&also)
            .map(|&i| population(i))
            .max()
            .unwrap_or(0);
        if biggest < REGION_UNLESS_TOWN_OF {
            let regions = self.regions(key, qualifiers);
            if !regions.is_empty() {
                return Resolution::Region { regions };
            }
        }
        // A place of that very name wins over one that only has it as
        // another name ("New Delhi" is New Delhi, not Delhi, which GeoNames
        // also calls New Delhi).
        let tier = if named.is_empty() { &also } else { &named };
        let dominant = match tier.as_slice() {
            [] => None,
            [only] => Some(*only),
            [first, second, ..] => (population(*first)
                >= population(*second).saturating_mul(DOMINANCE))
            .then_some(*first),
        };
        if let Some(i) = dominant {
            return Resolution::Place {
                place: self.place_at(i),
            };
        }
        if tier.is_empty() {
            return Resolution::NotFound;
        }
        Resolution::Ambiguous {
            candidates: named
                .iter()
                .chain(&also)
                .take(MAX_CANDIDATES)
                .map(|&i| self.place_at(i))
                .collect(),
        }
    }

    /// Countries and first-level divisions named `key` (exactly, or
    /// without generic words such as "province"), within the qualifiers.
    fn regions(&self, key: &str, qualifiers: &[Qualifier]) -> Vec<Region> {
        let mut regions = Vec::new();
        if qualifiers.is_empty()
            && let Some(&c) = self.t.country_keys.get(key)
            && !self.t.countries[c as usize].iso2.eq_ignore_ascii_case(key)
        {
            let country = self.country_at(c);
            regions.push(Region {
                name: country.name,
                kind: RegionKind::Country,
                country_code: country.code,
                country: country.name,
            });
        }
        let mut seen = Vec::new();
        for k in [key.to_string(), reduce(key)] {
            for &a in self.t.admin1_keys.get(&k).into_iter().flatten() {
                let rec = &self.t.admin1[a as usize];
                // Names only: a two-letter code is no region name.
                if seen.contains(&a) || rec.code.eq_ignore_ascii_case(&k) {
                    continue;
                }
                let allowed = qualifiers
                    .iter()
                    .all(|q| q.countries.contains(&rec.country) || q.admin1.contains(&a));
                if allowed {
                    seen.push(a);
                    let country = self.country_at(rec.country);
                    regions.push(Region {
                        name: rec.name,
                        kind: RegionKind::Admin1,
                        country_code: country.code,
                        country: country.name,
                    });
                }
            }
        }
        regions
    }

    /// `Some(PostalCode)` when `text` has the form of a postal code of one
    /// of the countries (GeoNames' per-country patterns), of any country
    /// when `allowed` is `None`.
    fn postal_code(&self, text: &str, allowed: Option<&[u16]>) -> Option<Resolution> {
        static PATTERNS: OnceLock<Vec<(u16, Regex)>> = OnceLock::new();
        let patterns = PATTERNS.get_or_init(|| {
            self.t
                .countries
                .iter()
                .enumerate()
                .filter(|(_, c)| !c.postal_regex.is_empty())
                // Anchored as a whole: some GeoNames patterns anchor only
                // one side of an alternation.
                .filter_map(|(i, c)| {
                    Regex::new(&format!("^(?:{})$", c.postal_regex))
                        .ok()
                        .map(|re| (i as u16, re))
                })
                .collect()
        });
        let text = text.trim();
        let countries: Vec<Country> = patterns
            .iter()
            .filter(|(c, re)| allowed.is_none_or(|a| a.contains(c)) && re.is_match(text))
            .map(|&(c, _)| self.country_at(c))
            .collect();
        (!countries.is_empty()).then(|| Resolution::PostalCode {
            code: text.to_string(),
            countries,
        })
    }

    /// How many of GeoNames' per-country postal code patterns compile
    /// (the rest are never matched); for the tests.
    #[doc(hidden)]
    pub fn postal_patterns(&self) -> (usize, usize) {
        let all: Vec<&str> = self
            .t
            .countries
            .iter()
            .map(|c| c.postal_regex)
            .filter(|p| !p.is_empty())
            .collect();
        let ok = all
            .iter()
            .filter(|p| Regex::new(&format!("^(?:{p})$")).is_ok())
            .count();
        (ok, all.len())
    }
}
