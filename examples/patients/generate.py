#!/usr/bin/env python3
"""Writes eligo's example patients (FHIR R4 collection Bundles) and their
expected verdicts for the four seed trials.

Every patient is the same refractory-SLE adult (`base`) with one thing
changed near a boundary of a seed trial's criteria. The expected verdicts in
expected.json were worked out by hand from the seed criteria text (the
reason is written next to each), not by running eligo.

Run from this folder: python3 generate.py
"""
import copy
import json

AS_OF = "2026-11-25"
LAB_DAY = "2026-11-20"

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ATC = "http://www.whocc.no/atc"
CVX = "http://hl7.org/fhir/sid/cvx"
UCUM = "http://unitsofmeasure.org"
SCORE = "http://eligo.dev/score"
BILAG = "http://eligo.dev/score/bilag-grade"
CLIN = "http://terminology.hl7.org/CodeSystem/condition-clinical"
VER = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
OBSCAT = "http://terminology.hl7.org/CodeSystem/observation-category"

T000 = "NCT06946485"   # CD70, 18-65
T002 = "ELIGO-7DC38438B394"  # CD19/BCMA Union Hospital, 18-70, no NCT id
T003 = "NCT07331467"   # ultra-fast CD19, 18+
T004 = "NCT07031713"   # CT1192, 18-60


def quantity(value, unit):
    return {"value": value, "unit": unit, "system": UCUM, "code": unit}


def lab(id_, loinc, text, value, unit, low=None, high=None, date=LAB_DAY):
    o = {"resourceType": "Observation", "id": id_, "status": "final",
         "category": [{"coding": [{"system": OBSCAT, "code": "laboratory"}]}],
         "code": {"coding": [{"system": LOINC, "code": loinc}], "text": text},
         "subject": {"reference": "Patient/p"}, "effectiveDateTime": date,
         "valueQuantity": quantity(value, unit)}
    if low is not None or high is not None:
        rr = {}
        if low is not None:
            rr["low"] = quantity(low, unit)
        if high is not None:
            rr["high"] = quantity(high, unit)
        o["referenceRange"] = [rr]
    return o


def vital(id_, loinc, text, value, unit, date=LAB_DAY):
    o = lab(id_, loinc, text, value, unit, date=date)
    o["category"] = [{"coding": [{"system": OBSCAT, "code": "vital-signs"}]}]
    return o


def qual(id_, loinc, text, positive, date=LAB_DAY):
    code, disp = ("10828004", "Positive") if positive else ("260385009", "Negative")
    return {"resourceType": "Observation", "id": id_, "status": "final",
            "category": [{"coding": [{"system": OBSCAT, "code": "laboratory"}]}],
            "code": {"coding": [{"system": LOINC, "code": loinc}], "text": text},
            "subject": {"reference": "Patient/p"}, "effectiveDateTime": date,
            "valueCodeableConcept": {"coding": [{"system": SNOMED, "code": code, "display": disp}], "text": disp}}


def score(id_, code, text, value, date=LAB_DAY):
    return {"resourceType": "Observation", "id": id_, "status": "final",
            "category": [{"coding": [{"system": OBSCAT, "code": "survey"}]}],
            "code": {"coding": [{"system": SCORE, "code": code}], "text": text},
            "subject": {"reference": "Patient/p"}, "effectiveDateTime": date,
            "valueQuantity": {"value": value, "unit": "{score}", "system": UCUM, "code": "{score}"}}


def bilag(domain, grade, date=LAB_DAY):
    return {"resourceType": "Observation", "id": f"bilag-{domain}", "status": "final",
            "category": [{"coding": [{"system": OBSCAT, "code": "survey"}]}],
            "code": {"coding": [{"system": SCORE, "code": f"bilag-2004-{domain}"}], "text": f"BILAG-2004 {domain}"},
            "subject": {"reference": "Patient/p"}, "effectiveDateTime": date,
            "valueCodeableConcept": {"coding": [{"system": BILAG, "code": grade}], "text": grade}}


def condition(id_, codings, text, onset, status="active", abatement=None, verification="confirmed"):
    c = {"resourceType": "Condition", "id": id_,
         "clinicalStatus": {"coding": [{"system": CLIN, "code": status}]},
         "verificationStatus": {"coding": [{"system": VER, "code": verification}]},
         "code": {"coding": codings, "text": text},
         "subject": {"reference": "Patient/p"}, "onsetDateTime": onset}
    if abatement:
        c["abatementDateTime"] = abatement
    return c


def med(id_, codings, text, dose_mg, per_day, start, end=None, status="active", route="oral"):
    routes = {"oral": ("26643006", "Oral route"), "intravenous": ("47625008", "Intravenous route")}
    m = {"resourceType": "MedicationStatement", "id": id_, "status": status,
         "medicationCodeableConcept": {"coding": codings, "text": text},
         "subject": {"reference": "Patient/p"},
         "effectivePeriod": {"start": start, **({"end": end} if end else {})},
         "dosage": [{"route": {"coding": [{"system": SNOMED, "code": routes[route][0], "display": routes[route][1]}], "text": route},
                     "timing": {"repeat": {"frequency": per_day, "period": 1, "periodUnit": "d"}},
                     "doseAndRate": [{"doseQuantity": quantity(dose_mg, "mg")}]}]}
    return m


def base(birth="1990-03-14", gender="female", weight=60):
    """Refractory SLE, 36-year-old woman, eligible for all four seed trials."""
    pred = [{"system": RXNORM, "code": "8640", "display": "prednisone"}, {"system": ATC, "code": "H02AB07"}]
    res = [
        {"resourceType": "Patient", "id": "p", "birthDate": birth, "gender": gender},
        condition("sle", [{"system": SNOMED, "code": "55464009", "display": "Systemic lupus erythematosus"},
                          {"system": ICD10, "code": "M32.9"}], "Systemic lupus erythematosus", "2019-06-01"),
        score("sledai", "sledai-2k", "SLEDAI-2K", 12),
        score("selena", "selena-sledai", "SELENA-SLEDAI", 12),
        score("pga", "pga", "Physician Global Assessment", 2.0),
    ]
    for d, g in [("constitutional", "D"), ("mucocutaneous", "C"), ("neuropsychiatric", "E"),
                 ("musculoskeletal", "B"), ("cardiorespiratory", "D"), ("gastrointestinal", "E"),
                 ("ophthalmic", "E"), ("renal", "B"), ("haematological", "C")]:
        res.append(bilag(d, g))
    res += [
        lab("wbc", "6690-2", "WBC", 4.5, "10*9/L", 3.5, 9.5),
        lab("anc", "751-8", "Neutrophils", 2.8, "10*9/L", 1.8, 6.3),
        lab("hb", "718-7", "Hemoglobin", 112, "g/L", 115, 150),
        lab("plt", "777-3", "Platelets", 180, "10*9/L", 125, 350),
        lab("alt", "1742-6", "ALT", 30, "U/L", 7, 40),
        lab("ast", "1920-8", "AST", 28, "U/L", 13, 35),
        lab("tbil", "14631-6", "Total bilirubin", 10, "umol/L", 3, 21),
        lab("creat", "2160-0", "Creatinine", 0.8, "mg/dL", 0.5, 1.1),
        lab("inr", "6301-6", "INR", 1.0, "{INR}", 0.8, 1.2),
        lab("pt", "5902-2", "Prothrombin time", 12.0, "s", 10.5, 13.5),
        lab("aptt", "14979-9", "aPTT", 30, "s", 25, 37),
        vital("lvef", "10230-1", "LVEF by echocardiography", 62, "%"),
        vital("spo2", "59408-5", "SpO2 on room air", 98, "%"),
        vital("weight", "29463-7", "Body weight", weight, "kg"),
        qual("hbsag", "5196-1", "HBsAg", False),
        qual("hbcab", "16933-4", "HBcAb", False),
        qual("hcv", "16128-1", "HCV Ab", False),
        qual("hiv", "56888-1", "HIV 1+2 Ab", False),
        qual("tpab", "47236-5", "Treponema pallidum Ab", False),
        qual("rpr", "20507-0", "RPR", False),
        qual("ana", "8061-4", "ANA", True),
        qual("dsdna", "5130-0", "anti-dsDNA", True),
        qual("hcg", "2118-8", "Serum hCG (pregnancy test)", False, date="2026-11-24"),
        med("pred-high", pred, "prednisone", 60, 1, "2024-01-10", "2024-04-10", status="completed"),
        med("pred-now", pred, "prednisone", 10, 1, "2024-04-11"),
        med("cyc", [{"system": RXNORM, "code": "3002", "display": "cyclophosphamide"}], "cyclophosphamide IV",
            1000, 1, "2024-02-01", "2024-07-01", status="completed", route="intravenous"),
        med("mmf", [{"system": RXNORM, "code": "68149", "display": "mycophenolate mofetil"}], "mycophenolate mofetil",
            1000, 2, "2024-07-15"),
        med("hcq", [{"system": RXNORM, "code": "5521", "display": "hydroxychloroquine"}], "hydroxychloroquine",
            200, 2, "2019-07-01"),
    ]
    return res


def find(res, id_):
    return next(r for r in res if r.get("id") == id_)


def bundle(name, resources):
    entries = []
    for r in resources:
        entries.append({"fullUrl": f"urn:uuid:{name}-{r['resourceType'].lower()}-{r['id']}", "resource": r})
    # References point at the Patient by its fullUrl, as in a transaction.
    pat_url = f"urn:uuid:{name}-patient-p"
    for e in entries:
        if "subject" in e["resource"]:
            e["resource"]["subject"] = {"reference": pat_url}
    return {"resourceType": "Bundle", "id": name, "type": "collection", "entry": entries}


ALL = {T000: "eligible", T002: "eligible", T003: "eligible", T004: "eligible"}
patients = []


def add(name, description, resources, expected, reasons):
    e = dict(ALL)
    e.update(expected)
    patients.append({"file": f"{name}.json", "description": description, "as_of": AS_OF,
                     "expected": e, "reasons": reasons, "_bundle": bundle(name, resources)})


# 01: the base patient.
add("01-base", "Refractory SLE, 36-year-old woman, every computable criterion of the four seed trials satisfied",
    base(), {}, {"all": "SLEDAI-2K 12, SELENA-SLEDAI 12, PGA 2, BILAG 2 B; prednisone 60 mg/d (1 mg/kg) for 3 months, "
                        "cyclophosphamide, MMF and hydroxychloroquine; normal labs; negative serum hCG the day before"})

# 02: age 66: over 65 (T000) and 60 (T004), within 70 (T002) and 18+ (T003).
r = base(birth="1960-08-01")
add("02-age-66", "Same patient aged 66", r, {T000: "ineligible", T004: "ineligible"},
    {T000: "inclusion 5: aged 18-65", T004: "inclusion 2: 18 to 60 years",
     "rest": "CrCl (140-66)x60/(72x0.8)x0.85 = 65.5 mL/min still >= 60"})

# 03: exactly 65 on the as-of date: the range includes both ends.
r = base(birth="1961-11-25")
add("03-age-65-today", "Turns 65 on the as-of date", r, {T004: "ineligible"},
    {T000: "65 is within 18-65 (both ends included)", T004: "65 > 60"})

# 04: SLEDAI-2K 7: > 6 (T000) and >= 7 (T004), but < 8 (T003).
r = base()
find(r, "sledai")["valueQuantity"]["value"] = 7
find(r, "selena")["valueQuantity"]["value"] = 7
add("04-sledai-7", "SLEDAI-2K and SELENA-SLEDAI 7", r, {T003: "ineligible"},
    {T003: "SLEDAI-2K >= 8", T000: "7 > 6", T004: "7 >= 7", T002: "SELENA-SLEDAI 7 > 6"})

# 05: ANC 0.9 x10^9/L: below 1 (T000, T004); T002 and T003 state no ANC threshold.
r = base()
find(r, "anc")["valueQuantity"]["value"] = 0.9
add("05-anc-0.9", "Absolute neutrophil count 0.9 x 10^9/L", r, {T000: "ineligible", T004: "ineligible"},
    {T000: "ANC >= 1 x 10^9/L", T004: "ANC >= 1.0 x 10^9/L"})

# 06: ALT 125 U/L with ULN 40 = 3.1 x ULN; AST normal.
r = base()
find(r, "alt")["valueQuantity"]["value"] = 125
add("06-alt-3.1-uln", "ALT 125 U/L (ULN 40): 3.1 x ULN, AST normal", r, {T000: "ineligible", T004: "ineligible"},
    {T000: "ALT <= 3 x ULN = 120", T004: "ALT <= 2 x ULN = 80",
     T003: "excludes AST and ALT > 3 x ULN together; AST is normal"})

# 07: creatinine in umol/L; Cockcroft-Gault 54.9 mL/min: < 60 (T000), >= 50 (T004).
r = base(birth="1974-05-02", weight=61)
find(r, "creat").update(lab("creat", "14682-9", "Creatinine", 102, "umol/L", 45, 84))
find(r, "pred-high")["dosage"][0]["doseAndRate"][0]["doseQuantity"]["value"] = 65
add("07-crcl-55-umol", "52-year-old woman, 61 kg, creatinine 102 umol/L", r, {T000: "ineligible"},
    {T000: "CrCl = (140-52) x 61 / (72 x 102/88.4 mg/dL) x 0.85 = 54.9 < 60",
     T004: "54.9 >= 50", T003: "eGFR CKD-EPI 2021 about 57 >= 30",
     "note": "prednisone 65 mg/d / 61 kg = 1.07 mg/kg/d"})

# 08: the same kidney in mg/dL: the verdicts must not depend on the unit.
r = base(birth="1974-05-02", weight=61)
find(r, "creat")["valueQuantity"] = quantity(1.1538, "mg/dL")
find(r, "pred-high")["dosage"][0]["doseAndRate"][0]["doseQuantity"]["value"] = 65
add("08-crcl-55-mgdl", "As 07 with creatinine 1.1538 mg/dL (= 102 umol/L)", r, {T000: "ineligible"},
    {"all": "same as 07"})

# 09: LVEF 54 %: below 55 (T000), at least 50 (T004).
r = base()
find(r, "lvef")["valueQuantity"]["value"] = 54
add("09-lvef-54", "LVEF 54 %", r, {T000: "ineligible"}, {T000: "LVEF >= 55 %", T004: "LVEF >= 50 %"})

# 10: SpO2 91 % on room air: T003 excludes < 92 %, T004 requires >= 92 %.
r = base()
find(r, "spo2")["valueQuantity"]["value"] = 91
add("10-spo2-91", "SpO2 91 % on room air", r, {T003: "ineligible", T004: "ineligible"},
    {T003: "exclusion: SpO2 < 92 %", T004: "inclusion: SpO2 >= 92 %"})

# 11: HBcAb positive with detectable HBV DNA (above the reference range).
r = base()
find(r, "hbcab").update(qual("hbcab", "16933-4", "HBcAb", True))
r.append(lab("hbvdna", "29615-2", "HBV DNA", 850, "[IU]/mL", None, 20))
add("11-hbcab-dna-detectable", "HBsAg negative, HBcAb positive, HBV DNA 850 IU/mL (limit 20)", r,
    {T000: "ineligible", T002: "ineligible", T003: "ineligible"},
    {T000: "HBcAb-positive with detectable HBV DNA", T002: "HBcAb positive and HBV DNA above the limit",
     T003: "HBcAb positive and HBV DNA above the reference range",
     T004: "excludes HBsAg positive with HBV DNA above the limit; HBsAg is negative"})

# 12: HBcAb positive, HBV DNA undetectable: resolved infection, not excluded.
r = base()
find(r, "hbcab").update(qual("hbcab", "16933-4", "HBcAb", True))
r.append(lab("hbvdna", "29615-2", "HBV DNA", 0, "[IU]/mL", None, 20))
add("12-hbcab-dna-undetectable", "HBcAb positive, HBV DNA undetectable", r, {},
    {"all": "every trial needs detectable HBV DNA with a positive core antibody or surface antigen"})

# 13: pregnant: positive serum hCG.
r = base()
find(r, "hcg").update(qual("hcg", "2118-8", "Serum hCG (pregnancy test)", True, date="2026-11-24"))
add("13-pregnant", "Positive serum hCG the day before", r,
    {T000: "ineligible", T002: "ineligible", T003: "ineligible", T004: "ineligible"},
    {"all": "negative pregnancy test required, pregnancy excluded"})

# 14: prior CAR-T cell therapy.
r = base()
r.append({"resourceType": "Procedure", "id": "cart-proc", "status": "completed",
          "code": {"text": "CD19 CAR-T cell infusion"}, "subject": {"reference": "Patient/p"},
          "performedDateTime": "2025-02-10"})
r.append(med("cart", [], "CD19 CAR-T cells", 1, 1, "2025-02-10", "2025-02-10", status="completed", route="intravenous"))
add("14-prior-car-t", "CD19 CAR-T cells in February 2025", r, {T002: "ineligible", T004: "ineligible"},
    {T002: "exclusion 22: previous CAR-T", T004: "exclusion 8: previous CAR-T",
     T000: "states no prior-CAR-T exclusion", T003: "states no prior-CAR-T exclusion"})

# 15: MMR (live) vaccine 15 days before the as-of date.
r = base()
r.append({"resourceType": "Immunization", "id": "mmr", "status": "completed",
          "vaccineCode": {"coding": [{"system": CVX, "code": "03", "display": "MMR"}]},
          "patient": {"reference": "Patient/p"}, "occurrenceDateTime": "2026-11-10"})
add("15-live-vaccine", "MMR vaccine on 2026-11-10", r,
    {T002: "ineligible", T003: "ineligible", T004: "ineligible"},
    {T002: "live vaccine within 4 weeks", T003: "live vaccine within 4 weeks", T004: "live vaccine within one month",
     T000: "states no vaccine exclusion"})

# 16: breast cancer diagnosed 2022, resolved January 2023.
r = base()
r.append(condition("breast-ca", [{"system": SNOMED, "code": "254837009", "display": "Malignant neoplasm of breast"},
                                 {"system": ICD10, "code": "C50.9"}], "Breast cancer", "2022-03-01",
                   status="resolved", abatement="2023-01-15"))
add("16-resolved-cancer", "Breast cancer 2022, resolved January 2023", r,
    {T000: "ineligible", T002: "ineligible", T003: "ineligible"},
    {T000: "history of malignancy (breast cancer is not one of the exceptions)",
     T002: "malignancy within 5 years: it lasted until 2023",
     T003: "malignant disease; its exception needs treatment ended more than 5 years ago",
     T004: "malignant tumours within 2 years: resolved January 2023, before the window"})

# 17: NPSLE in the past, resolved.
r = base()
r.append(condition("npsle", [], "Neuropsychiatric lupus", "2021-02-01", status="resolved", abatement="2021-09-01"))
add("17-resolved-npsle", "Neuropsychiatric lupus 2021, resolved", r, {T004: "ineligible"},
    {T000: "excludes the presence of NPSLE: resolved", T004: "excludes CNS manifestations of lupus before "
     "screening (any time)", T002: "CNS disease within 8 weeks: resolved in 2021"})

# 18: no LVEF recorded: a missing measurement is unknown, never normal.
r = [x for x in base() if x.get("id") != "lvef"]
add("18-no-lvef", "No echocardiogram in the record", r, {T000: "unknown", T004: "unknown"},
    {T000: "LVEF >= 55 % cannot be decided", T004: "LVEF >= 50 % within 8 weeks cannot be decided"})

# 19: a refuted tuberculosis diagnosis does not count.
r = base()
r.append(condition("tb", [{"system": SNOMED, "code": "56717001", "display": "Tuberculosis"}], "Tuberculosis",
                   "2026-10-01", verification="refuted"))
add("19-refuted-tb", "Tuberculosis recorded but refuted", r, {}, {"all": "refuted diagnoses do not count"})

# 20: a man: no pregnancy criteria apply; Cockcroft-Gault without the 0.85 factor.
r = base(gender="male", weight=72)
r = [x for x in r if x.get("id") != "hcg"]
find(r, "pred-high")["dosage"][0]["doseAndRate"][0]["doseQuantity"]["value"] = 75
add("20-male", "A 36-year-old man, 72 kg, no pregnancy test", r, {},
    {"all": "pregnancy criteria are not met for a man; CrCl (140-36) x 72 / (72 x 0.8) = 130 mL/min; "
            "prednisone 75 mg/d / 72 kg = 1.04 mg/kg/d"})

# 21: on belimumab (B-cell targeted biologic) for the last year.
r = base()
r.append(med("belimumab", [{"system": ATC, "code": "L04AA26", "display": "belimumab"}], "belimumab", 600, 1,
             "2025-10-01", status="active", route="intravenous"))
add("21-belimumab", "Belimumab since October 2025", r, {T002: "ineligible", T004: "ineligible"},
    {T002: "exclusion 20: B-cell targeted therapy before screening", T004: "exclusions 20-21: B-cell drug "
     "within 6 months, biologic within 12 weeks", T000: "biologics are part of the required prior therapy",
     T003: "belimumab counts as one more DMARD"})

# 22: SLE diagnosed 4 months ago: < 24 weeks (T002) and < 6 months (T004).
r = base()
find(r, "sle")["onsetDateTime"] = "2026-07-20"
add("22-recent-diagnosis", "SLE diagnosed 2026-07-20 (4 months)", r, {T002: "ineligible", T004: "ineligible"},
    {T002: "diagnosed at least 24 weeks before screening", T004: "medical history of at least 6 months",
     "note": "the medication history is kept as in the base record"})

for p in patients:
    b = p.pop("_bundle")
    with open(p["file"], "w") as f:
        json.dump(b, f, indent=1, ensure_ascii=False)
        f.write("\n")
with open("expected.json", "w") as f:
    json.dump({"trials": {T000: "universal anti-CD70 CAR-T (seed 000/001)",
                          T002: "CD19/BCMA CAR-T, Union Hospital Tongji (seed 002; no NCT id)",
                          T003: "ultra-fast CD19 CAR-T (seed 003)", T004: "CT1192 CAR-T (seed 004)"},
               "patients": patients}, f, indent=1, ensure_ascii=False)
    f.write("\n")
