//! Great-circle distance, miles and the `Distance` parser.

use eligo_geo::{
    Distance, EARTH_RADIUS_KM, GeoError, KM_PER_MILE, Point, Unit, distance_km, nearest,
};
use std::f64::consts::PI;

fn p(lat: f64, lon: f64) -> Point {
    Point::new(lat, lon).unwrap()
}

fn close(got: f64, want: f64, tolerance: f64) -> bool {
    (got - want).abs() <= tolerance
}

/// Rosetta Code's "Haversine formula" task: Nashville BNA (36.12, -86.67)
/// to Los Angeles LAX (33.94, -118.40) is 2887.2599506071106 km on a
/// sphere of radius 6372.8 km. Distance on a sphere scales with its radius.
#[test]
fn rosetta_code_worked_example() {
    let d = distance_km(p(36.12, -86.67), p(33.94, -118.40));
    let on_rosetta_sphere = d * 6372.8 / EARTH_RADIUS_KM;
    assert!(
        close(on_rosetta_sphere, 2_887.259_950_607_110_6, 1e-6),
        "{on_rosetta_sphere}"
    );
}

/// Pole to equator is a quarter of a great circle, antipodes half of one,
/// and a degree of latitude 1/360 of one.
#[test]
fn analytic_distances_on_the_sphere() {
    let circumference = 2.0 * PI * EARTH_RADIUS_KM;
    assert!(close(
        distance_km(p(90.0, 0.0), p(0.0, 37.0)),
        circumference / 4.0,
        1e-6
    ));
    assert!(close(
        distance_km(p(0.0, 0.0), p(0.0, 180.0)),
        circumference / 2.0,
        1e-6
    ));
    assert!(close(
        distance_km(p(-33.9, 151.2), p(33.9, -28.8)),
        circumference / 2.0,
        1e-6
    ));
    assert!(close(
        distance_km(p(10.0, 20.0), p(11.0, 20.0)),
        circumference / 360.0,
        1e-6
    ));
    // Longitude wraps: 179.5 E to 179.5 W is one degree of the equator.
    assert!(close(
        distance_km(p(0.0, 179.5), p(0.0, -179.5)),
        circumference / 360.0,
        1e-6
    ));
}

/// Published city-to-city distances. Published figures differ by the
/// coordinates taken for a city and by sphere versus ellipsoid (under
/// 0.5%), so they are met to within 0.5%. Coordinates: the cities'
/// Wikipedia infoboxes.
#[test]
fn published_city_distances() {
    let paris = p(48.8566, 2.3522);
    let london = p(51.5074, -0.1278);
    let nanjing = p(32.0603, 118.7969);
    let wuhan = p(30.5928, 114.3052);
    for (from, to, published_km, what) in [
        (paris, london, 344.0, "Paris-London"),
        (nanjing, wuhan, 455.0, "Nanjing-Wuhan"),
    ] {
        let d = distance_km(from, to);
        assert!(
            close(d, published_km, published_km * 0.005),
            "{what}: {d} km"
        );
        assert_eq!(distance_km(to, from), d, "{what} is symmetric");
    }
    assert_eq!(distance_km(paris, paris), 0.0);
}

/// The international mile is 1,609.344 m exactly (1959 agreement).
#[test]
fn miles_and_kilometres() {
    assert_eq!(KM_PER_MILE, 1.609344);
    let fifty_miles = Distance::miles(50.0).unwrap();
    assert!(close(fifty_miles.to_km(), 80.4672, 1e-9));
    assert_eq!(fifty_miles.to_miles(), 50.0);
    let km = Distance::km(80.4672).unwrap();
    assert!(close(km.to_miles(), 50.0, 1e-9));
    let (a, b) = (p(48.8566, 2.3522), p(51.5074, -0.1278));
    assert!(close(
        a.distance_miles(b) * 1.609344,
        a.distance_km(b),
        1e-9
    ));
}

#[test]
fn distances_parse_as_people_write_them() {
    for (text, value, unit) in [
        ("50mi", 50.0, Unit::Mi),
        ("50 mi", 50.0, Unit::Mi),
        ("200km", 200.0, Unit::Km),
        ("200 km", 200.0, Unit::Km),
        (" 12.5 KM ", 12.5, Unit::Km),
        ("1 mile", 1.0, Unit::Mi),
        ("3 miles", 3.0, Unit::Mi),
        ("7 kilometres", 7.0, Unit::Km),
        ("7 kilometers", 7.0, Unit::Km),
        ("0km", 0.0, Unit::Km),
        ("0 mi", 0.0, Unit::Mi),
        (".5mi", 0.5, Unit::Mi),
    ] {
        let d: Distance = text.parse().unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!((d.value(), d.unit()), (value, unit), "{text:?}");
    }
    assert_eq!("50mi".parse::<Distance>().unwrap().to_string(), "50 mi");
    assert_eq!("200 km".parse::<Distance>().unwrap().to_string(), "200 km");
    assert_eq!("-0km".parse::<Distance>().unwrap().to_string(), "0 km");
}

/// Each refusal says what is wrong.
#[test]
fn bad_distances_are_refused_with_the_reason() {
    for (text, says) in [
        ("-5mi", "cannot be negative"),
        ("-0.1 km", "cannot be negative"),
        ("50", "no unit; write 50km or 50mi"),
        ("50 ft", "unknown unit \"ft\""),
        ("50 parsecs", "unknown unit"),
        ("mi", "does not start with a number"),
        ("", "nothing given"),
        ("   ", "nothing given"),
        ("1e3km", "unknown unit \"e3km\""),
        ("inf km", "does not start with a number"),
        ("NaN mi", "does not start with a number"),
        ("1.2.3km", "is not a decimal number"),
        ("--5mi", "is not a decimal number"),
    ] {
        let err = text.parse::<Distance>().expect_err(text);
        assert!(
            matches!(
                err,
                GeoError::Parse {
                    what: "distance",
                    ..
                }
            ),
            "{text:?}: {err:?}"
        );
        assert!(err.to_string().contains(says), "{text:?}: {err}");
    }
    assert!(Distance::km(-1.0).is_err());
    assert!(Distance::miles(f64::NAN).is_err());
    assert!(Distance::miles(f64::INFINITY).is_err());
    assert!(Distance::km(0.0).is_ok());
}

#[test]
fn points_off_the_earth_are_refused() {
    assert_eq!(Point::new(95.0, 0.0), Err(GeoError::Latitude(95.0)));
    assert_eq!(Point::new(0.0, -180.5), Err(GeoError::Longitude(-180.5)));
    assert!(Point::new(f64::NAN, 0.0).is_err());
    assert!(Point::new(0.0, f64::INFINITY).is_err());
    assert!(Point::new(-90.0, 180.0).is_ok());
    // Serde goes through the same check.
    assert!(serde_json::from_str::<Point>(r#"{"lat": 32.06, "lon": 118.78}"#).is_ok());
    let err = serde_json::from_str::<Point>(r#"{"lat": 132.06, "lon": 118.78}"#).unwrap_err();
    assert!(err.to_string().contains("latitude 132.06"), "{err}");
}

#[test]
fn coordinates_parse_latitude_first() {
    for text in [
        "32.06,118.78",
        "32.06, 118.78",
        " 32.06 118.78 ",
        "+32.06,+118.78",
    ] {
        assert_eq!(text.parse::<Point>(), Ok(p(32.06, 118.78)), "{text:?}");
    }
    assert_eq!("-33.87,151.21".parse::<Point>(), Ok(p(-33.87, 151.21)));
    for (text, says) in [
        ("118.78,32.06x", "longitude \"32.06x\""),
        ("95,10", "latitude 95 is not between -90 and 90"),
        ("10,190", "longitude 190 is not between -180 and 180"),
        ("32.06", "found 1 part"),
        ("1,2,3", "found 3 parts"),
        ("32,06 118,78", "found 3 parts"),
    ] {
        let err = text.parse::<Point>().expect_err(text);
        assert!(err.to_string().contains(says), "{text:?}: {err}");
    }
}

#[test]
fn nearest_site() {
    let hospital = p(32.0569, 118.7794); // Nanjing Drum Tower Hospital
    let sites = [
        p(30.5928, 114.3052),
        p(32.06167, 118.77778),
        p(48.8566, 2.3522),
    ];
    let (i, km) = nearest(hospital, sites).unwrap();
    assert_eq!(i, 1);
    assert!(km < 1.0, "{km}");
    assert_eq!(nearest(hospital, []), None);
    // A tie goes to the first.
    assert_eq!(
        nearest(hospital, [hospital, hospital]).map(|n| n.0),
        Some(0)
    );
}
