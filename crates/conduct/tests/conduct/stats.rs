//! Clopper-Pearson intervals against known values: 0/n has the closed form
//! [0, 1 − (α/2)^(1/n)], n/n [(α/2)^(1/n), 1]; 3/6 and others from
//! published tables (e.g. Newcombe, Stat Med 1998, Table I method 5).

use eligo_conduct::stats::{binom_cdf, clopper_pearson, median};

fn close(got: (f64, f64), want: (f64, f64)) {
    assert!(
        (got.0 - want.0).abs() < 5e-5 && (got.1 - want.1).abs() < 5e-5,
        "{got:?} vs {want:?}"
    );
}

#[test]
fn known_intervals() {
    close(clopper_pearson(0, 6, 0.05).unwrap(), (0.0, 0.4593));
    close(clopper_pearson(3, 6, 0.05).unwrap(), (0.1181, 0.8819));
    close(clopper_pearson(6, 6, 0.05).unwrap(), (0.5407, 1.0));
    close(clopper_pearson(1, 6, 0.05).unwrap(), (0.0042, 0.6412));
    close(clopper_pearson(5, 6, 0.05).unwrap(), (0.3588, 0.9958));
    // Newcombe 1998, Table I: 81/263 → 0.2527-0.3676; 15/148 → 0.0578-0.1617.
    close(clopper_pearson(81, 263, 0.05).unwrap(), (0.2527, 0.3676));
    close(clopper_pearson(15, 148, 0.05).unwrap(), (0.0578, 0.1617));
    // Closed forms for 0/n and n/n.
    for n in [1u32, 3, 10, 40] {
        let u = 1.0 - 0.025f64.powf(1.0 / f64::from(n));
        close(clopper_pearson(0, n, 0.05).unwrap(), (0.0, u));
        close(clopper_pearson(n, n, 0.05).unwrap(), (1.0 - u, 1.0));
    }
    assert_eq!(clopper_pearson(0, 0, 0.05), None);
    assert_eq!(clopper_pearson(4, 3, 0.05), None);
}

#[test]
fn binomial_cdf_and_median() {
    // P(Bin(4, 0.3) ≤ 1) = 0.7^4 + 4·0.3·0.7^3 = 0.2401 + 0.4116.
    assert!((binom_cdf(1, 4, 0.3) - 0.6517).abs() < 1e-12);
    assert_eq!(binom_cdf(4, 4, 0.3), 1.0);
    assert_eq!(binom_cdf(-1, 4, 0.3), 0.0);
    assert_eq!(median(&[5, 1, 2]), Some(2.0));
    assert_eq!(median(&[6, 5]), Some(5.5));
    assert_eq!(median(&[]), None);
}
