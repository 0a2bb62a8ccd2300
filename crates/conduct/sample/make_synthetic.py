#!/usr/bin/env python3
"""Write NCT06946485.synthetic.json: six SYNTHETIC participants of the
CHT101 trial over 12 months, for eligo's tests and demonstrations.

Nobody here is a real person. The values were chosen so that every
endpoint can be worked by hand from the instrument definitions
(INSTRUMENTS.md); the expected results are written out, with their
arithmetic, in crates/conduct/tests/conduct/worked_example.rs.

Run: python3 make_synthetic.py > NCT06946485.synthetic.json
"""
import json

SLEDAI = ["seizure", "psychosis", "organic_brain_syndrome", "visual_disturbance",
          "cranial_nerve_disorder", "lupus_headache", "cva", "vasculitis", "arthritis",
          "myositis", "urinary_casts", "hematuria", "proteinuria", "pyuria", "rash",
          "alopecia", "mucosal_ulcers", "pleurisy", "pericarditis", "low_complement",
          "increased_dna_binding", "fever", "thrombocytopenia", "leukopenia"]
BILAG = ["constitutional", "mucocutaneous", "neuropsychiatric", "musculoskeletal",
         "cardiorespiratory", "gastrointestinal", "ophthalmic", "renal", "haematological"]
SDI_BOOL = ["cataract", "retinal_change_or_optic_atrophy", "cognitive_impairment_or_major_psychosis",
            "seizures_requiring_therapy_6_months", "cranial_or_peripheral_neuropathy",
            "transverse_myelitis", "gfr_below_50_percent", "proteinuria_ge_3_5_g_24h",
            "end_stage_renal_disease", "pulmonary_hypertension", "pulmonary_fibrosis",
            "shrinking_lung", "pleural_fibrosis", "pulmonary_infarction_or_resection",
            "angina_or_coronary_bypass", "cardiomyopathy", "valvular_disease",
            "pericarditis_6_months_or_pericardiectomy", "claudication_6_months",
            "minor_tissue_loss", "venous_thrombosis_with_swelling_ulceration_or_stasis",
            "mesenteric_insufficiency", "chronic_peritonitis", "stricture_or_upper_gi_surgery",
            "pancreatic_insufficiency", "muscle_atrophy_or_weakness", "deforming_or_erosive_arthritis",
            "osteoporosis_with_fracture_or_vertebral_collapse", "osteomyelitis", "ruptured_tendons",
            "scarring_chronic_alopecia", "extensive_scarring_or_panniculum", "skin_ulceration_6_months",
            "premature_gonadal_failure", "diabetes"]
SDI_COUNT = ["cerebrovascular_accident", "myocardial_infarction", "significant_tissue_loss",
             "gi_infarction_or_resection", "avascular_necrosis", "malignancy"]


def sledai(present):
    assert all(p in SLEDAI for p in present), present
    return {k: k in present for k in SLEDAI}


def bilag(**grades):
    assert all(k in BILAG for k in grades), grades
    return {d: grades.get(d, "E") for d in BILAG}


def sdi(*present):
    assert all(p in SDI_BOOL for p in present), present
    out = {k: k in present for k in SDI_BOOL}
    out.update({k: 0 for k in SDI_COUNT})
    return out


ATTEST = {"maintenance_therapy_stable": True,
          "maintenance_therapy_standard_and_tolerated": True,
          "hemolytic_anemia": False, "gastrointestinal_activity": False,
          "new_activity_since_last_assessment": False}


def labs(c3, c4, dsdna, plt=None):
    out = [{"analyte": "c3", "value": c3, "unit": "g/L", "low": 0.9, "high": 1.8},
           {"analyte": "c4", "value": c4, "unit": "g/L", "low": 0.1, "high": 0.4},
           {"analyte": "anti_dsdna", "value": dsdna, "unit": "[IU]/mL", "high": 100}]
    if plt is not None:
        out.append({"analyte": "platelets", "value": plt, "unit": "10*9/L", "low": 150, "high": 400})
    return out


def visit(code, date, items, b, pga, sdi_items, lab, selena=None, attest=None, vitals=None, **extra):
    v = {"code": code, "date": date, "sledai2k": sledai(items),
         "selena_sledai": sledai(items if selena is None else selena),
         "bilag": b, "sdi": sdi_items, "labs": lab}
    if pga is not None:
        v["pga"] = pga
    v.update(dict(ATTEST, **(attest or {})))
    if vitals:
        v["vitals"] = vitals
    v.update(extra)
    return v


def pred(mg, start, end=None):
    m = {"name": "Prednisone", "dose_mg": mg, "frequency": "QD", "route": "ORAL", "start": start,
         "indication": "SLE"}
    if end:
        m["end"] = end
    return m


HCQ = {"name": "Hydroxychloroquine", "dose_mg": 200, "frequency": "BID", "route": "ORAL",
       "start": "2024-01-01", "indication": "SLE"}
VIT = {"temperature_c": 36.8, "heart_rate": 78, "systolic_bp": 122, "diastolic_bp": 76,
       "respiratory_rate": 16, "spo2": 98, "weight_kg": 61.5}

people = []

# S01: responds at month 1, in remission from month 2 once prednisone is 5 mg.
s = "CHT-S01"
people.append({
    "participant": {"study_id": s, "infusion_date": "2026-01-15", "sex": "F", "age_years": 34,
                    "status": "active", "synthetic": True},
    "visits": [
        visit("BL", "2026-01-10", ["arthritis", "rash", "proteinuria", "low_complement", "increased_dna_binding"],
              bilag(musculoskeletal="B", mucocutaneous="B", renal="A"), 2.0, sdi("cataract"),
              labs(0.52, 0.06, 420, 180), vitals=VIT,
              concomitant_medications=[pred(15, "2025-10-01", "2026-02-28"), pred(5, "2026-03-01"), HCQ]),
        visit("M1", "2026-02-15", ["low_complement"], bilag(musculoskeletal="D", mucocutaneous="C", renal="C"),
              0.5, sdi("cataract"), labs(0.78, 0.12, 160, 95), vitals=VIT,
              adverse_events=[
                  {"onset": "2026-01-16", "resolution": "2026-01-18", "relatedness": "definite",
                   "grading": {"scale": "astct_crs", "temperature_c": 38.5,
                               "antipyretic_or_anticytokine_given": False, "hypotension": "none",
                               "oxygen": "none"}},
                  {"term": "Neutrophil count decreased", "onset": "2026-01-22", "resolution": "2026-02-05",
                   "relatedness": "probable",
                   "grading": {"scale": "ctcae_lab", "value": 0.8, "unit": "10*9/L", "lln": 2.0}}]),
        visit("M2", "2026-03-15", [], bilag(musculoskeletal="D", mucocutaneous="D", renal="D"), 0.3,
              sdi("cataract"), labs(0.95, 0.15, 60)),
        visit("M3", "2026-04-15", [], bilag(musculoskeletal="D", mucocutaneous="D", renal="D"), 0.2,
              sdi("cataract"), labs(1.02, 0.18, 35)),
        visit("M6", "2026-07-15", ["low_complement"], bilag(musculoskeletal="D", mucocutaneous="D", renal="D"),
              0.2, sdi("cataract"), labs(0.85, 0.16, 40)),
        visit("M9", "2026-10-15", [], bilag(musculoskeletal="D", mucocutaneous="D", renal="D"), 0.1,
              sdi("cataract"), labs(1.05, 0.2, 22)),
        visit("M12", "2027-01-15", [], bilag(musculoskeletal="D", mucocutaneous="D", renal="D"), 0.1,
              sdi("cataract"), labs(1.1, 0.21, 18), vitals=VIT),
    ]})

# S02: PGA up exactly 0.3 at month 1 (not a responder); LLDAS at 7.5 mg.
s = "CHT-S02"
people.append({
    "participant": {"study_id": s, "infusion_date": "2026-02-02", "sex": "F", "age_years": 41,
                    "status": "active", "synthetic": True},
    "visits": [
        visit("BL", "2026-01-28", ["arthritis", "mucosal_ulcers", "alopecia", "low_complement", "increased_dna_binding"],
              bilag(musculoskeletal="B", mucocutaneous="B"), 1.8, sdi(), labs(0.61, 0.08, 310),
              concomitant_medications=[pred(10, "2025-12-01", "2026-05-31"), pred(7.5, "2026-06-01", "2026-10-31"),
                                       pred(5, "2026-11-01")]),
        visit("M1", "2026-03-02", ["arthritis", "low_complement"],
              bilag(musculoskeletal="B", mucocutaneous="C", haematological="B"), 2.1, sdi(), labs(0.7, 0.09, 200),
              adverse_events=[
                  {"onset": "2026-02-04", "resolution": "2026-02-07", "relatedness": "definite",
                   "grading": {"scale": "astct_crs", "temperature_c": 38.9,
                               "antipyretic_or_anticytokine_given": False, "hypotension": "no_vasopressor",
                               "oxygen": "none"}},
                  {"onset": "2026-02-07", "resolution": "2026-02-09", "relatedness": "probable",
                   "grading": {"scale": "astct_icans",
                               "ice_tasks": {"orientation": 4, "naming": 3, "following_commands": 1,
                                             "writing": 0, "attention": 1},
                               "consciousness": "awakens_spontaneously", "seizure": "none", "motor": "none",
                               "cerebral_edema": "none"}}]),
        visit("M2", "2026-04-02", ["arthritis", "low_complement"],
              bilag(musculoskeletal="B", mucocutaneous="C", haematological="C"), 1.5, sdi(), labs(0.74, 0.1, 150)),
        visit("M3", "2026-05-02", ["low_complement"], bilag(musculoskeletal="C", mucocutaneous="C"), 0.8, sdi(),
              labs(0.8, 0.11, 90)),
        visit("M6", "2026-08-02", ["low_complement"], bilag(musculoskeletal="D", mucocutaneous="D"), 0.6, sdi(),
              labs(0.86, 0.13, 70)),
        visit("M9", "2026-11-02", [], bilag(musculoskeletal="D", mucocutaneous="D"), 0.4, sdi(),
              labs(0.95, 0.16, 40)),
        visit("M12", "2027-02-02", [], bilag(musculoskeletal="D", mucocutaneous="D"), 0.4, sdi(),
              labs(1.0, 0.18, 30)),
    ]})

# S03: SELENA-SLEDAI falls by 8 at month 1 while SLEDAI-2K (persistent
# proteinuria and rash count) falls by 2; month 3 out of window; month 9 missed.
s = "CHT-S03"
people.append({
    "participant": {"study_id": s, "infusion_date": "2026-02-20", "sex": "M", "age_years": 29,
                    "status": "active", "synthetic": True},
    "visits": [
        visit("BL", "2026-02-15", ["proteinuria", "rash", "low_complement", "increased_dna_binding"],
              bilag(renal="A", mucocutaneous="B"), 2.2, sdi(), labs(0.48, 0.05, 520, 210),
              concomitant_medications=[pred(20, "2026-01-01", "2026-04-30"), pred(10, "2026-05-01", "2026-08-31"),
                                       pred(5, "2026-09-01")]),
        visit("M1", "2026-03-20", ["proteinuria", "rash", "low_complement"], bilag(renal="B", mucocutaneous="C"),
              1.2, sdi(), labs(0.62, 0.07, 260, 120), selena=["low_complement"],
              adverse_events=[
                  {"term": "Platelet count decreased", "onset": "2026-03-01", "resolution": "2026-03-15",
                   "relatedness": "possible",
                   "grading": {"scale": "ctcae_lab", "value": 40, "unit": "10*9/L", "lln": 150}}]),
        visit("M2", "2026-04-20", ["proteinuria", "low_complement"], bilag(renal="B", mucocutaneous="D"), 1.0,
              sdi(), labs(0.7, 0.09, 180), selena=["low_complement"],
              adverse_events=[
                  {"term": "Platelet count decreased", "onset": "2026-04-01", "resolution": "2026-04-10",
                   "relatedness": "possible",
                   "grading": {"scale": "ctcae_lab", "value": 80, "unit": "10*9/L", "lln": 150}}]),
        visit("M3", "2026-06-05", ["low_complement"], bilag(renal="C", mucocutaneous="D"), 0.6, sdi(),
              labs(0.8, 0.12, 110)),
        visit("M6", "2026-08-20", [], bilag(renal="C", mucocutaneous="D"), 0.4, sdi(), labs(0.92, 0.15, 60)),
        visit("M12", "2027-02-20", [], bilag(renal="D", mucocutaneous="D"), 0.2, sdi(), labs(1.0, 0.19, 25)),
    ],
    "missed": [{"code": "M9", "reason": "participant travelling abroad"}]})

# S04: withdrawn on 2026-09-01, before the month-6 window closed.
s = "CHT-S04"
people.append({
    "participant": {"study_id": s, "infusion_date": "2026-03-10", "sex": "F", "age_years": 52,
                    "status": "withdrawn", "withdrawn_on": "2026-09-01", "synthetic": True},
    "visits": [
        visit("BL", "2026-03-05", ["arthritis", "rash", "low_complement"],
              bilag(musculoskeletal="B", mucocutaneous="C"), 1.5, sdi(), labs(0.66, 0.08, 140),
              concomitant_medications=[pred(7.5, "2026-01-01")]),
        visit("M1", "2026-04-10", ["arthritis", "rash"], bilag(musculoskeletal="B", mucocutaneous="C"), 1.4, sdi(),
              labs(0.8, 0.11, 90),
              adverse_events=[
                  {"onset": "2026-03-12", "resolution": "2026-03-16", "serious": True, "relatedness": "definite",
                   "grading": {"scale": "astct_crs", "temperature_c": 39.5,
                               "antipyretic_or_anticytokine_given": False, "hypotension": "one_vasopressor",
                               "oxygen": "none"}},
                  {"onset": "2026-03-16", "resolution": "2026-03-20", "serious": True, "relatedness": "definite",
                   "grading": {"scale": "astct_icans", "ice": 2, "consciousness": "awakens_to_tactile",
                               "seizure": "none", "motor": "none", "cerebral_edema": "none"}}]),
        visit("M2", "2026-05-10", ["rash"], bilag(musculoskeletal="C", mucocutaneous="C"), 1.0, sdi(),
              labs(0.88, 0.13, 70)),
        visit("M3", "2026-06-10", ["rash"], bilag(musculoskeletal="C", mucocutaneous="C"), 1.0, sdi(),
              labs(0.9, 0.14, 65)),
    ]})

# S05: PGA not recorded at month 6; new damage (SDI +1) by month 12.
s = "CHT-S05"
people.append({
    "participant": {"study_id": s, "infusion_date": "2026-03-25", "sex": "M", "age_years": 38,
                    "status": "active", "synthetic": True},
    "visits": [
        visit("BL", "2026-03-20", ["pleurisy", "arthritis", "low_complement", "increased_dna_binding"],
              bilag(cardiorespiratory="B", musculoskeletal="B"), 2.0, sdi("deforming_or_erosive_arthritis"),
              labs(0.55, 0.07, 380),
              concomitant_medications=[pred(10, "2026-01-01", "2026-04-30"), pred(5, "2026-05-01")]),
        visit("M1", "2026-04-25", ["low_complement", "increased_dna_binding"],
              bilag(cardiorespiratory="C", musculoskeletal="C"), 0.4, sdi("deforming_or_erosive_arthritis"),
              labs(0.7, 0.09, 210),
              adverse_events=[
                  {"onset": "2026-03-27", "resolution": "2026-03-28", "relatedness": "definite",
                   "grading": {"scale": "astct_crs", "temperature_c": 38.2,
                               "antipyretic_or_anticytokine_given": False, "hypotension": "none",
                               "oxygen": "none"}}]),
        visit("M2", "2026-05-25", ["low_complement"], bilag(cardiorespiratory="D", musculoskeletal="C"), 0.4,
              sdi("deforming_or_erosive_arthritis"), labs(0.82, 0.12, 95)),
        visit("M3", "2026-06-25", ["low_complement"], bilag(cardiorespiratory="D", musculoskeletal="C"), 0.4,
              sdi("deforming_or_erosive_arthritis"), labs(0.86, 0.13, 80)),
        visit("M6", "2026-09-25", ["low_complement"], bilag(cardiorespiratory="D", musculoskeletal="C"), None,
              sdi("deforming_or_erosive_arthritis"), labs(0.88, 0.14, 70)),
        visit("M9", "2026-12-25", [], bilag(cardiorespiratory="D", musculoskeletal="D"), 0.3,
              sdi("deforming_or_erosive_arthritis"), labs(0.97, 0.17, 45)),
        visit("M12", "2027-03-25", [], bilag(cardiorespiratory="D", musculoskeletal="D"), 0.3,
              sdi("deforming_or_erosive_arthritis", "osteoporosis_with_fracture_or_vertebral_collapse"),
              labs(1.01, 0.19, 30)),
    ]})

# S06: SLEDAI falls by exactly 4 at month 1 (a responder); flares at month 2.
s = "CHT-S06"
people.append({
    "participant": {"study_id": s, "infusion_date": "2026-04-08", "sex": "F", "age_years": 45,
                    "status": "active", "synthetic": True},
    "visits": [
        visit("BL", "2026-04-03", ["arthritis", "rash", "alopecia", "mucosal_ulcers", "low_complement",
                                   "increased_dna_binding"],
              bilag(mucocutaneous="A", musculoskeletal="B"), 2.4, sdi(), labs(0.5, 0.06, 610),
              concomitant_medications=[pred(15, "2026-02-01")]),
        visit("M1", "2026-05-08", ["arthritis", "rash", "alopecia", "low_complement"],
              bilag(mucocutaneous="B", musculoskeletal="B", renal="B"), 2.0, sdi(), labs(0.6, 0.07, 400),
              adverse_events=[
                  {"term": "Neutrophil count decreased", "onset": "2026-04-15", "resolution": "2026-04-29",
                   "relatedness": "probable",
                   "grading": {"scale": "ctcae_lab", "value": 0.3, "unit": "10*9/L", "lln": 2.0}}]),
        visit("M2", "2026-06-08", ["arthritis", "rash", "alopecia", "mucosal_ulcers", "low_complement",
                                   "increased_dna_binding", "pleurisy"],
              bilag(mucocutaneous="A", musculoskeletal="B", cardiorespiratory="B", renal="B"), 2.6, sdi(),
              labs(0.45, 0.05, 700), attest={"new_activity_since_last_assessment": True},
              adverse_events=[
                  {"term": "Pneumonia", "onset": "2026-06-01", "resolution": "2026-06-20", "serious": True,
                   "relatedness": "possible", "grading": {"scale": "entered", "name": "CTCAE v5.0", "grade": 3}}]),
        visit("M3", "2026-07-08", ["arthritis", "rash", "low_complement"],
              bilag(mucocutaneous="B", musculoskeletal="B"), 1.8, sdi(), labs(0.62, 0.08, 350)),
        visit("M6", "2026-10-08", ["rash", "low_complement"], bilag(mucocutaneous="C", musculoskeletal="C"), 1.2,
              sdi(), labs(0.75, 0.1, 200)),
        visit("M9", "2027-01-08", ["rash"], bilag(mucocutaneous="C", musculoskeletal="C"), 0.9, sdi(),
              labs(0.9, 0.13, 120)),
        visit("M12", "2027-04-08", ["rash"], bilag(mucocutaneous="C", musculoskeletal="C"), 0.9, sdi(),
              labs(0.93, 0.14, 110)),
    ]})

doc = {
    "synthetic": "SYNTHETIC DATA written for eligo's tests and demonstrations: six invented "
                 "participants of NCT06946485 (CHT101). No real person, visit or result.",
    "trial": "NCT06946485",
    "as_of": "2027-05-01",
    "participants": people,
}
print(json.dumps(doc, indent=1))
