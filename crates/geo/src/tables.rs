//! The embedded GeoNames tables (data/, made by tools/build_gazetteer.py)
//! read into records and lookup indexes. Built once per process.

use crate::normalize::normalize;
use std::collections::HashMap;
use std::io::Read;

const PLACES_GZ: &[u8] = include_bytes!("../data/places.tsv.gz");
const COUNTRIES_TSV: &str = include_str!("../data/countries.tsv");
const ADMIN1_TSV: &str = include_str!("../data/admin1.tsv");

/// The decompressed places table (~6.8 MB of text).
pub(crate) fn places_text() -> String {
    let mut text = String::new();
    flate2::read::GzDecoder::new(PLACES_GZ)
        .read_to_string(&mut text)
        .expect("data/places.tsv.gz is valid gzip of UTF-8 text");
    text
}

pub(crate) struct CountryRec {
    pub iso2: &'static str,
    pub iso3: &'static str,
    pub name: &'static str,
    pub postal_regex: &'static str,
}

pub(crate) struct Admin1Rec {
    pub country: u16,
    pub code: &'static str,
    pub name: &'static str,
}

pub(crate) struct PlaceRec {
    pub id: u32,
    pub name: &'static str,
    pub country: u16,
    pub admin1: Option<u32>,
    pub lat: f64,
    pub lon: f64,
    pub population: u32,
}

/// Normalised names → ids, as one sorted array over a string arena: about
/// a third of the memory of a `HashMap<String, Vec<u32>>` for the ~290,000
/// place names, and a binary search is fast enough (~20 comparisons).
pub(crate) struct KeyIndex {
    arena: String,
    entries: Vec<KeyEntry>,
}

#[derive(Clone, Copy)]
struct KeyEntry {
    start: u32,
    len: u32,
    id: u32,
    /// The key is the record's own name, not an alternate.
    primary: bool,
}

impl KeyIndex {
    fn build(mut keys: Vec<(String, u32, bool)>) -> KeyIndex {
        keys.retain(|(key, _, _)| !key.is_empty());
        // Primary first within (key, id), so that dedup keeps it.
        keys.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)).then(b.2.cmp(&a.2)));
        keys.dedup_by(|later, kept| later.0 == kept.0 && later.1 == kept.1);
        let mut arena = String::with_capacity(keys.iter().map(|k| k.0.len()).sum());
        let mut entries = Vec::with_capacity(keys.len());
        for (key, id, primary) in keys {
            // Equal keys are adjacent: store each once.
            let start = match entries.last() {
                Some(&KeyEntry { start, len, .. })
                    if arena[start as usize..(start + len) as usize] == key =>
                {
                    start
                }
                _ => {
                    arena.push_str(&key);
                    (arena.len() - key.len()) as u32
                }
            };
            entries.push(KeyEntry {
                start,
                len: key.len() as u32,
                id,
                primary,
            });
        }
        KeyIndex { arena, entries }
    }

    fn key(&self, e: &KeyEntry) -> &str {
        &self.arena[e.start as usize..(e.start + e.len) as usize]
    }

    /// (id, primary) for every record with this normalised name.
    pub fn get<'a>(&'a self, key: &'a str) -> impl Iterator<Item = (u32, bool)> + 'a {
        let from = self.entries.partition_point(|e| self.key(e) < key);
        self.entries[from..]
            .iter()
            .take_while(move |e| self.key(e) == key)
            .map(|e| (e.id, e.primary))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

pub(crate) struct Tables {
    pub countries: Vec<CountryRec>,
    pub admin1: Vec<Admin1Rec>,
    pub places: Vec<PlaceRec>,
    /// Place names and alternate names → place index.
    pub place_keys: KeyIndex,
    /// Country names, other names, ISO alpha-2 and alpha-3 → country index.
    pub country_keys: HashMap<String, u16>,
    /// Admin1 names, reduced names and letter codes ("tx") → admin1 indexes.
    pub admin1_keys: HashMap<String, Vec<u32>>,
    /// GeoNames id → place index, sorted by id.
    pub by_id: Vec<(u32, u32)>,
}

/// Words that name the kind of division rather than the division, dropped
/// when comparing a registry's state text with GeoNames' admin1 names
/// ("Jiangsu Province", "Jiangsu Sheng" and "Jiangsu" are one province).
const GENERIC: &[&str] = &[
    "province",
    "provincia",
    "provincie",
    "sheng",
    "shi",
    "state",
    "estado",
    "region",
    "prefecture",
    "ken",
    "oblast",
    "krai",
    "kray",
    "republic",
    "autonomous",
    "zizhiqu",
    "special",
    "administrative",
    "governorate",
    "voivodeship",
    "wojewodztwo",
    "do",
    "of",
    "the",
];

pub(crate) fn reduce(key: &str) -> String {
    let kept: Vec<&str> = key.split(' ').filter(|w| !GENERIC.contains(w)).collect();
    if kept.is_empty() {
        key.to_string()
    } else {
        kept.join(" ")
    }
}

fn columns<'t>(
    line: &'t str,
    n: usize,
    file: &str,
    line_no: usize,
) -> Result<Vec<&'t str>, String> {
    let cols: Vec<&str> = line.split('\t').collect();
    if cols.len() == n {
        Ok(cols)
    } else {
        Err(format!(
            "{file} line {line_no}: {} columns, expected {n}",
            cols.len()
        ))
    }
}

fn number<T: std::str::FromStr>(
    s: &str,
    what: &str,
    file: &str,
    line_no: usize,
) -> Result<T, String> {
    s.parse()
        .map_err(|_| format!("{file} line {line_no}: {what} {s:?} is not a number"))
}

impl Tables {
    /// Reads the three tables; `places` is the text of [`places_text`].
    /// An error names the file and line (the tests load the shipped tables,
    /// so a broken table cannot reach a user).
    pub fn build(places: &'static str) -> Result<Tables, String> {
        let mut countries = Vec::new();
        let mut country_keys = HashMap::new();
        let mut country_at = HashMap::new();
        for (i, line) in COUNTRIES_TSV.lines().enumerate().skip(1) {
            let c = columns(line, 5, "countries.tsv", i + 1)?;
            let idx = countries.len() as u16;
            country_at.insert(c[0], idx);
            for name in std::iter::once(c[2]).chain(c[3].split('|')) {
                let key = normalize(name);
                if !key.is_empty() {
                    country_keys.entry(key).or_insert(idx);
                }
            }
            countries.push(CountryRec {
                iso2: c[0],
                iso3: c[1],
                name: c[2],
                postal_regex: c[4],
            });
        }

        // Codes after all names, so that a name wins over a code that reads
        // the same.
        for (idx, c) in countries.iter().enumerate() {
            for code in [c.iso2, c.iso3] {
                country_keys
                    .entry(code.to_ascii_lowercase())
                    .or_insert(idx as u16);
            }
        }

        let mut admin1 = Vec::new();
        let mut admin1_at = HashMap::new();
        let mut admin1_keys: HashMap<String, Vec<u32>> = HashMap::new();
        for (i, line) in ADMIN1_TSV.lines().enumerate().skip(1) {
            let c = columns(line, 3, "admin1.tsv", i + 1)?;
            let country = *country_at
                .get(c[0])
                .ok_or_else(|| format!("admin1.tsv line {}: unknown country {:?}", i + 1, c[0]))?;
            let idx = admin1.len() as u32;
            admin1_at.insert((country, c[1]), idx);
            let key = normalize(c[2]);
            let reduced = reduce(&key);
            let mut keys = vec![key, reduced];
            if c[1].len() >= 2 && c[1].bytes().all(|b| b.is_ascii_alphabetic()) {
                keys.push(c[1].to_ascii_lowercase());
            }
            keys.dedup();
            for key in keys {
                admin1_keys.entry(key).or_default().push(idx);
            }
            admin1.push(Admin1Rec {
                country,
                code: c[1],
                name: c[2],
            });
        }

        let mut records = Vec::new();
        let mut keys = Vec::new();
        for (i, line) in places.lines().enumerate() {
            let line_no = i + 1;
            let c = columns(line, 8, "places.tsv", line_no)?;
            let country = *country_at
                .get(c[2])
                .ok_or_else(|| format!("places.tsv line {line_no}: unknown country {:?}", c[2]))?;
            let idx = records.len() as u32;
            keys.push((normalize(c[1]), idx, true));
            keys.extend(
                c[7].split('|')
                    .filter(|a| !a.is_empty())
                    .map(|a| (normalize(a), idx, false)),
            );
            let lat: f64 = number(c[4], "latitude", "places.tsv", line_no)?;
            let lon: f64 = number(c[5], "longitude", "places.tsv", line_no)?;
            crate::Point::new(lat, lon).map_err(|e| format!("places.tsv line {line_no}: {e}"))?;
            records.push(PlaceRec {
                id: number(c[0], "geonames id", "places.tsv", line_no)?,
                name: c[1],
                country,
                admin1: admin1_at.get(&(country, c[3])).copied(),
                lat,
                lon,
                population: number(c[6], "population", "places.tsv", line_no)?,
            });
        }
        let mut by_id: Vec<(u32, u32)> = records
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id, i as u32))
            .collect();
        by_id.sort_unstable();
        Ok(Tables {
            countries,
            admin1,
            places: records,
            place_keys: KeyIndex::build(keys),
            country_keys,
            admin1_keys,
            by_id,
        })
    }
}
