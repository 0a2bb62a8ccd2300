//! `filter.geo=distance(lat,lon,radius)`, as ClinicalTrials.gov API v2
//! documents it (`distance(39.0035707,-77.1013313,50mi)`).

use eligo_geo::{Circle, Distance, Gazetteer, GeoError, Point, Unit};

#[test]
fn the_api_v2_form() {
    let c: Circle = "distance(39.0035707,-77.1013313,50mi)".parse().unwrap();
    assert_eq!(c.center, Point::new(39.0035707, -77.1013313).unwrap());
    assert_eq!(c.radius, Distance::miles(50.0).unwrap());
    assert_eq!(c.to_string(), "distance(39.0035707,-77.1013313,50mi)");

    let c: Circle = " Distance( 32.06 , 118.78 , 200 km ) ".parse().unwrap();
    assert_eq!((c.center.lat(), c.center.lon()), (32.06, 118.78));
    assert_eq!((c.radius.value(), c.radius.unit()), (200.0, Unit::Km));
    assert_eq!(c.to_string().parse::<Circle>(), Ok(c));
}

/// Issue 18's example: the Nanjing seed trial's site (Nanjing Drum Tower
/// Hospital, 32.0569 N 118.7794 E) is within 50 miles of Nanjing, and Paris
/// is not.
#[test]
fn nanjing_within_50_miles_of_drum_tower_and_paris_not() {
    let g = Gazetteer::get();
    let drum_tower: Circle = "distance(32.0569,118.7794,50mi)".parse().unwrap();
    let nanjing = g.resolve("Nanjing").unwrap().point().unwrap();
    let paris = g.resolve("Paris").unwrap().point().unwrap();
    assert!(drum_tower.contains(nanjing));
    assert!(!drum_tower.contains(paris));
    let km = drum_tower.distance_within(nanjing).unwrap();
    assert!(km < 2.0, "{km}");
    assert_eq!(drum_tower.distance_within(paris), None);

    // The seed record has no geoPoint: placed from its city, state, country.
    let site = g.place("Nanjing", Some("Jiangsu"), Some("China")).unwrap();
    assert!(drum_tower.contains(site.point));
    let near_nanjing: Circle = format!("distance({},50mi)", site.point).parse().unwrap();
    assert!(near_nanjing.contains(Point::new(32.0569, 118.7794).unwrap()));
}

#[test]
fn the_boundary_is_inside_and_zero_is_the_point_itself() {
    let here = Point::new(10.0, 20.0).unwrap();
    let one_degree_north = Point::new(11.0, 20.0).unwrap();
    let d = here.distance_km(one_degree_north);
    assert!(Circle::new(here, Distance::km(d).unwrap()).contains(one_degree_north));
    assert!(!Circle::new(here, Distance::km(d - 0.001).unwrap()).contains(one_degree_north));
    let zero: Circle = "distance(10,20,0km)".parse().unwrap();
    assert!(zero.contains(here));
    assert!(!zero.contains(one_degree_north));
}

/// Each refusal names what is wrong, for the API's 400 message.
#[test]
fn bad_filters_say_what_is_wrong() {
    for (text, says) in [
        ("distance(32.06,118.78)", "2 arguments given; expected 3"),
        (
            "distance(32.06,118.78,50mi,1)",
            "4 arguments given; expected 3",
        ),
        ("distance()", "1 argument given; expected 3"),
        (
            "distance(95,118.78,50mi)",
            "latitude 95 is not between -90 and 90",
        ),
        (
            "distance(32.06,-200,50mi)",
            "longitude -200 is not between -180 and 180",
        ),
        (
            "distance(north,118.78,50mi)",
            "latitude \"north\" is not a decimal number",
        ),
        (
            "distance(32.06,,50mi)",
            "longitude \"\" is not a decimal number",
        ),
        (
            "distance(32.06,118.78,-5mi)",
            "radius \"-5mi\": a distance cannot be negative",
        ),
        (
            "distance(32.06,118.78,50)",
            "radius \"50\": no unit; write 50km or 50mi",
        ),
        (
            "distance(32.06,118.78,50yd)",
            "radius \"50yd\": unknown unit \"yd\"",
        ),
        ("distance(32.06,118.78,50mi", "no closing parenthesis"),
        (
            "distance(32.06,118.78,50mi) and more",
            "text after the closing parenthesis",
        ),
        (
            "within(32.06,118.78,50mi)",
            "expected distance(latitude,longitude,radius)",
        ),
        (
            "32.06,118.78,50mi",
            "expected distance(latitude,longitude,radius)",
        ),
        ("", "expected distance(latitude,longitude,radius)"),
        ("distance", "no closing parenthesis"),
    ] {
        let err = text.parse::<Circle>().expect_err(text);
        assert!(
            matches!(
                err,
                GeoError::Parse {
                    what: "geo filter",
                    ..
                }
            ),
            "{text:?}: {err:?}"
        );
        let message = err.to_string();
        assert!(message.contains(says), "{text:?}: {message}");
        assert!(message.starts_with("geo filter "), "{message}");
    }
}
