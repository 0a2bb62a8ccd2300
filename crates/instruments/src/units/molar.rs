//! Molar masses for mass ↔ substance conversions.

use super::*;

// ---------------------------------------------------------------------------
// Molar masses.

/// An analyte whose mass and molar concentrations convert into each other,
/// defined by its conventional factor `1 <unit_a> = <factor> <unit_b>`, one
/// side a mass and the other a molar concentration (INSTRUMENTS.md §17;
/// calcium, magnesium, lipids and urate from their molar masses).
pub(crate) struct Analyte {
    pub(crate) keys: &'static [&'static str],
    pub(crate) unit_a: &'static str,
    pub(crate) factor: &'static str,
    pub(crate) unit_b: &'static str,
}

pub(crate) static ANALYTES: &[Analyte] = &[
    // M = 113.12 g/mol. Also the creatinine of a urine protein/creatinine
    // ratio (mg/mmol ↔ mg/g, × 8.84 = 1000 / 113.12).
    Analyte {
        keys: &["creatinine", "upcr", "uacr"],
        unit_a: "mg/dL",
        factor: "88.4",
        unit_b: "umol/L",
    },
    // M = 584.66 g/mol.
    Analyte {
        keys: &["total_bilirubin", "bilirubin", "direct_bilirubin"],
        unit_a: "mg/dL",
        factor: "17.1",
        unit_b: "umol/L",
    },
    // Haem monomer convention, M ≈ 16 114.5 g/mol.
    Analyte {
        keys: &["hemoglobin", "haemoglobin"],
        unit_a: "g/dL",
        factor: "0.6206",
        unit_b: "mmol/L",
    },
    // M = 180.16 g/mol.
    Analyte {
        keys: &["glucose"],
        unit_a: "mmol/L",
        factor: "18.016",
        unit_b: "mg/dL",
    },
    // M = 40.08 g/mol.
    Analyte {
        keys: &["calcium", "ionized_calcium"],
        unit_a: "mmol/L",
        factor: "4.008",
        unit_b: "mg/dL",
    },
    // M = 24.305 g/mol.
    Analyte {
        keys: &["magnesium"],
        unit_a: "mmol/L",
        factor: "2.4305",
        unit_b: "mg/dL",
    },
    // M = 386.65 g/mol.
    Analyte {
        keys: &["cholesterol"],
        unit_a: "mmol/L",
        factor: "38.665",
        unit_b: "mg/dL",
    },
    // Triolein convention, M = 885.7 g/mol.
    Analyte {
        keys: &["triglycerides"],
        unit_a: "mmol/L",
        factor: "88.57",
        unit_b: "mg/dL",
    },
    // M = 168.11 g/mol.
    Analyte {
        keys: &["uric_acid", "urate"],
        unit_a: "mmol/L",
        factor: "16.811",
        unit_b: "mg/dL",
    },
];

/// The analyte's molar mass in g/mol as an exact ratio `num / den`.
pub(crate) fn molar_mass(analyte: &str) -> Option<(Decimal, Decimal, &'static Analyte)> {
    let key = analyte.to_ascii_lowercase();
    let a = ANALYTES.iter().find(|a| a.keys.contains(&key.as_str()))?;
    let ua = parse_unit(a.unit_a).ok()?;
    let ub = parse_unit(a.unit_b).ok()?;
    let f = Decimal::from_str(a.factor).ok()?;
    // 1 unit_a = f unit_b, in base units (g/m3, mol/m3):
    //   a mass:  a.scale = f × b.scale × M  =>  M = a.scale / (f × b.scale)
    //   a molar: a.scale × M = f × b.scale  =>  M = f × b.scale / a.scale
    let (num, den) = if ua.dims[AMOUNT] == 0 {
        (
            ua.num.checked_mul(ub.den)?,
            ua.den.checked_mul(ub.num)?.checked_mul(f)?,
        )
    } else {
        (
            f.checked_mul(ub.num)?.checked_mul(ua.den)?,
            ub.den.checked_mul(ua.num)?,
        )
    };
    Some((num, den, a))
}

/// Whether eligo knows a molar mass for this analyte key.
pub fn has_molar_mass(analyte: &str) -> bool {
    molar_mass(analyte).is_some()
}
