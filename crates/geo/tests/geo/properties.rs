//! The parsers never panic, whatever they are given, and what they print
//! reads back as the same value.

use eligo_geo::{Circle, Distance, Gazetteer, Point, distance_km, normalize};
use proptest::prelude::*;

/// Text shaped like the inputs: numbers, signs, separators, units,
/// parentheses, letters of several scripts.
fn near_miss() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("distance".to_string()),
            Just("(".to_string()),
            Just(")".to_string()),
            Just(",".to_string()),
            Just(" ".to_string()),
            Just("-".to_string()),
            Just(".".to_string()),
            Just("mi".to_string()),
            Just("km".to_string()),
            Just("南京".to_string()),
            Just("Paris".to_string()),
            "[0-9]{1,4}",
            "[a-zA-Z]{1,3}",
            any::<char>().prop_map(String::from),
        ],
        0..12,
    )
    .prop_map(|parts| parts.concat())
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![near_miss(), any::<String>()]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parsers_never_panic(s in any_text()) {
        let _ = s.parse::<Distance>();
        let _ = s.parse::<Circle>();
        let _ = s.parse::<Point>();
        let _ = normalize(&s);
    }

    #[test]
    fn a_refused_distance_says_which(s in any_text()) {
        if let Err(e) = s.parse::<Distance>() {
            prop_assert!(e.to_string().starts_with("distance "), "{}", e);
        }
        if let Err(e) = s.parse::<Circle>() {
            prop_assert!(e.to_string().starts_with("geo filter "), "{}", e);
        }
    }

    #[test]
    fn resolve_and_place_never_panic(s in any_text(), t in any_text(), u in any_text()) {
        let g = Gazetteer::get();
        if let Some(p) = g.resolve(&s).ok().and_then(|r| r.point()) {
            prop_assert!((-90.0..=90.0).contains(&p.lat()) && (-180.0..=180.0).contains(&p.lon()));
        }
        let _ = g.place(&s, Some(&t), Some(&u));
        let _ = g.place(&s, None, None);
    }

    #[test]
    fn circles_read_back(lat in -90.0f64..=90.0, lon in -180.0f64..=180.0, r in 0.0f64..25_000.0, miles: bool) {
        let radius = if miles { Distance::miles(r) } else { Distance::km(r) }.unwrap();
        let c = Circle::new(Point::new(lat, lon).unwrap(), radius);
        prop_assert_eq!(c.to_string().parse::<Circle>(), Ok(c));
        prop_assert_eq!(radius.to_string().parse::<Distance>(), Ok(radius));
        prop_assert_eq!(c.center.to_string().parse::<Point>(), Ok(c.center));
        prop_assert!(c.contains(c.center));
    }

    /// A metric on the sphere: non-negative, symmetric, at most half the
    /// circumference, and the triangle inequality holds.
    #[test]
    fn distance_is_a_metric(a in (-90.0f64..=90.0, -180.0f64..=180.0), b in (-90.0f64..=90.0, -180.0f64..=180.0), c in (-90.0f64..=90.0, -180.0f64..=180.0)) {
        let [a, b, c] = [a, b, c].map(|(lat, lon)| Point::new(lat, lon).unwrap());
        let (ab, ba, bc, ac) = (distance_km(a, b), distance_km(b, a), distance_km(b, c), distance_km(a, c));
        prop_assert!(ab >= 0.0);
        prop_assert_eq!(ab, ba);
        prop_assert!(ab <= std::f64::consts::PI * eligo_geo::EARTH_RADIUS_KM + 1e-9);
        prop_assert!(ac <= ab + bc + 1e-6);
    }

    #[test]
    fn normalizing_twice_changes_nothing(s in any_text()) {
        let once = normalize(&s);
        prop_assert_eq!(normalize(&once), once.clone());
        prop_assert!(!once.starts_with(' ') && !once.ends_with(' ') && !once.contains("  "));
    }
}
