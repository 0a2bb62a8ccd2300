//! The gazetteer: GeoNames places, countries and first-level divisions,
//! shipped in the binary and read once, on first use.

use crate::normalize::normalize;
use crate::place::{Country, Located, Place, Source};
use crate::point::Point;
use crate::tables::{Tables, places_text, reduce};
use eligo_model::trial::Location;
use std::sync::OnceLock;

/// Offline lookups of places by name. Get the one instance with
/// [`Gazetteer::get`]; the first call decompresses and indexes the table
/// (see the crate's benchmark for the time), later calls are free.
pub struct Gazetteer {
    pub(crate) t: Tables,
}

static TEXT: OnceLock<String> = OnceLock::new();
static GAZETTEER: OnceLock<Gazetteer> = OnceLock::new();

impl Gazetteer {
    /// The gazetteer built from the embedded tables.
    pub fn get() -> &'static Gazetteer {
        GAZETTEER.get_or_init(|| {
            let text = TEXT.get_or_init(places_text);
            match Tables::build(text) {
                Ok(t) => Gazetteer { t },
                // The shipped tables are loaded by the tests; this cannot
                // happen in a released build.
                Err(e) => panic!("eligo-geo's embedded gazetteer is corrupt: {e}"),
            }
        })
    }

    /// Number of places.
    pub fn len(&self) -> usize {
        self.t.places.len()
    }

    pub fn is_empty(&self) -> bool {
        self.t.places.is_empty()
    }

    /// Number of (normalised name, place) pairs the name index holds.
    pub fn name_count(&self) -> usize {
        self.t.place_keys.len()
    }

    /// A country by ISO code (alpha-2 or -3), GeoNames name, or the other
    /// names registries use ("USA", "Korea, Republic of", "Russian
    /// Federation"); case, accents and punctuation ignored.
    pub fn country(&self, name: &str) -> Option<Country> {
        self.country_index(name).map(|i| self.country_at(i))
    }

    /// A place by its GeoNames id (a candidate handed back by a page).
    pub fn by_geonames_id(&self, id: u32) -> Option<Place> {
        let at = self.t.by_id.binary_search_by_key(&id, |&(id, _)| id).ok()?;
        Some(self.place_at(self.t.by_id[at].1))
    }

    /// Where a registry site is: ClinicalTrials.gov's city, state and
    /// country strings ("Nanjing", "Jiangsu", "China") to the GeoNames
    /// place they most likely name, for a site that has no `geoPoint`.
    ///
    /// The country, when given, must be known, and so must the state when
    /// it names one of the country's first-level divisions (else `None`:
    /// better no place than one in the wrong state or country); state text
    /// that names no division is ignored, since registries put other
    /// things there (a Spanish province, a county, a region's name in
    /// another language). Among the places left, one whose own name it is
    /// wins over one that has it as an old or foreign name, then the most
    /// populous. When the city has no
    /// exact match, forms registries commonly add are tried without their
    /// extra: "Lyon Cedex 03", "Praha 2", "Taichung City", "Saint Louis" /
    /// "St. Louis", text in parentheses or after a comma.
    pub fn place(&self, city: &str, state: Option<&str>, country: Option<&str>) -> Option<Place> {
        let country = match country.map(str::trim).filter(|c| !c.is_empty()) {
            Some(c) => Some(self.country_index(c)?),
            None => None,
        };
        let in_country = |i: u32| country.is_none_or(|c| self.t.places[i as usize].country == c);
        let divisions = state
            .map(|s| self.admin1_named(s, country))
            .unwrap_or_default();
        for key in city_variants(city) {
            let best = self
                .t
                .place_keys
                .get(&key)
                .filter(|&(i, _)| in_country(i))
                .filter(|&(i, _)| {
                    divisions.is_empty()
                        || self.t.places[i as usize]
                            .admin1
                            .is_some_and(|a| divisions.contains(&a))
                })
                .max_by_key(|&(i, primary)| {
                    let r = &self.t.places[i as usize];
                    (primary, r.population, std::cmp::Reverse(r.id))
                });
            if let Some((i, _)) = best {
                return Some(self.place_at(i));
            }
        }
        None
    }

    /// The first-level divisions (of `country`, when given) that a
    /// registry's state text names: by name, by name without generic words
    /// ("Jiangsu Province"), or by letter code ("TX").
    fn admin1_named(&self, state: &str, country: Option<u16>) -> Vec<u32> {
        let key = normalize(state);
        let mut found = Vec::new();
        for k in [reduce(&key), key] {
            for &a in self.t.admin1_keys.get(&k).into_iter().flatten() {
                if country.is_none_or(|c| self.t.admin1[a as usize].country == c)
                    && !found.contains(&a)
                {
                    found.push(a);
                }
            }
        }
        found
    }

    /// A registry site's point: its own `geoPoint` when it has a valid one,
    /// else [`Gazetteer::place`] from its city, state and country. `None`
    /// when neither gives one. A `geoPoint` off the Earth (latitude 200) is
    /// not used.
    pub fn locate(&self, site: &Location) -> Option<Located> {
        if let Some(point) = site.geo.and_then(|g| Point::try_from(g).ok()) {
            return Some(Located {
                point,
                source: Source::Registry,
            });
        }
        let place = self.place(
            site.city.as_deref()?,
            site.state.as_deref(),
            site.country.as_deref(),
        )?;
        Some(Located {
            point: place.point,
            source: Source::Gazetteer { place },
        })
    }

    pub(crate) fn country_index(&self, name: &str) -> Option<u16> {
        self.t.country_keys.get(&normalize(name)).copied()
    }

    pub(crate) fn country_at(&self, i: u16) -> Country {
        let c = &self.t.countries[i as usize];
        Country {
            code: c.iso2,
            iso3: c.iso3,
            name: c.name,
        }
    }

    pub(crate) fn place_at(&self, i: u32) -> Place {
        let r = &self.t.places[i as usize];
        let c = &self.t.countries[r.country as usize];
        Place {
            geonames_id: r.id,
            name: r.name,
            admin1: r.admin1.map(|a| self.t.admin1[a as usize].name),
            country_code: c.iso2,
            country: c.name,
            point: Point::new(r.lat, r.lon).expect("checked when the table was read"),
            population: r.population,
        }
    }
}

/// The keys to try for a registry's city text, most literal first.
pub(crate) fn city_variants(city: &str) -> Vec<String> {
    let mut bases = vec![normalize(city)];
    for cut in ['(', ','] {
        if let Some((head, _)) = city.split_once(cut) {
            bases.push(normalize(head));
        }
    }
    let mut out: Vec<String> = Vec::new();
    let mut push = |k: String| {
        if !k.is_empty() && !out.contains(&k) {
            out.push(k);
        }
    };
    for base in bases {
        let words: Vec<&str> = base.split(' ').collect();
        // "lyon cedex 03", "praha 2": drop trailing numbers and "cedex".
        let mut end = words.len();
        while end > 1
            && (words[end - 1] == "cedex" || words[end - 1].bytes().all(|b| b.is_ascii_digit()))
        {
            end -= 1;
        }
        let trimmed = words[..end].to_vec();
        // "taichung city", "suzhou shi".
        let unsuffixed = match trimmed.as_slice() {
            [head @ .., "city" | "shi"] if !head.is_empty() => Some(head.to_vec()),
            _ => None,
        };
        for ws in [Some(words.clone()), Some(trimmed), unsuffixed]
            .into_iter()
            .flatten()
        {
            push(ws.join(" "));
            if let Some(swapped) = swap_saint(&ws) {
                push(swapped);
            }
        }
    }
    out
}

/// "st louis" ↔ "saint louis", "ste" ↔ "sainte", "mt" → "mount", "ft" →
/// "fort": GeoNames spells out what registries abbreviate, and the other
/// way round.
fn swap_saint(words: &[&str]) -> Option<String> {
    let (first, rest) = words.split_first()?;
    if rest.is_empty() {
        return None;
    }
    let other = match *first {
        "st" => "saint",
        "saint" => "st",
        "ste" => "sainte",
        "sainte" => "ste",
        "mt" => "mount",
        "ft" => "fort",
        _ => return None,
    };
    Some(
        std::iter::once(other)
            .chain(rest.iter().copied())
            .collect::<Vec<_>>()
            .join(" "),
    )
}

#[cfg(test)]
mod tests {
    use super::city_variants;

    #[test]
    fn variants_of_registry_city_text() {
        assert_eq!(city_variants("Nanjing"), ["nanjing"]);
        assert_eq!(city_variants("Lyon Cedex 03"), ["lyon cedex 03", "lyon"]);
        assert_eq!(city_variants("Praha 2"), ["praha 2", "praha"]);
        assert_eq!(
            city_variants("Taichung City"),
            ["taichung city", "taichung"]
        );
        assert_eq!(city_variants("St. Louis"), ["st louis", "saint louis"]);
        assert_eq!(
            city_variants("Shatin (Hong Kong)"),
            ["shatin hong kong", "shatin"]
        );
        assert!(city_variants("").is_empty());
        assert!(city_variants("  ").is_empty());
    }
}
