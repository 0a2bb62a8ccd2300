//! The facts of the four seed pages, written out from the pages (and the
//! five trials seed 003 lists): each field of eligo's trial JSON with its
//! value as the page states it, and the words the trial page must show for
//! it. Long texts are copied from the pages verbatim (the pages write `>`
//! as `\>`, as ClinicalTrials.gov's markdown does). Nothing here is read
//! from the sample records these facts check.
//!
//! Paragraph breaks are written `\n\n`, as the registry writes them; the
//! captured pages show them as line breaks or blank lines.

use super::{Fact, SeedPage, fact, reading};
use serde_json::json;

/// Seed 000 (ClinConnect trial page) with seed 001 (its protocol details).
pub fn nct06946485() -> SeedPage {
    let title = r##"Universal CAR-T (CHT101) Cell Therapy for Relapsed Refractory Systemic Lupus Erythematosus"##;
    let criteria = r##"  • Inclusion Criteria:
  • 1. Meet the 2019 EULAR/ACR classification criteria for systemic lupus erythematosus (SLE).
  • 2. SLEDAI-2000 score \>6.
  • 3. Have at least one BILAG-2004 Grade A or two Grade B organ domain scores, or both.
  • 4. Failure to respond to conventional therapy or disease relapse after remission. Conventional therapy: Glucocorticoids (≥1 mg/kg/day) combined with cyclophosphamide and ≥1 of the following immunosuppressants for \>6 months: antimalarials, azathioprine, mycophenolate mofetil, methotrexate, leflunomide, tacrolimus, cyclosporine A, and/or biologics (e.g., rituximab, belimumab, telitacicept).
  • 5. Aged 18-65 years; both genders eligible.
  • 6. Adequate organ function:Bone marrow function: White blood cell count ≥3×10⁹/L. Absolute neutrophil count ≥1×10⁹/L (without colony-stimulating factor therapy within 2 weeks prior to testing). Hemoglobin ≥60 g/L; Liver function: Alanine aminotransferase (ALT) ≤3×upper limit of normal (ULN). Aspartate aminotransferase (AST) ≤3×ULN. Total bilirubin (TBIL) ≤1.5×ULN (except Gilbert's syndrome, TBIL ≤3.0×ULN); Renal function: Creatinine clearance (CrCl) ≥60 mL/min (calculated by Cockcroft-Gault formula); Coagulation: International normalized ratio (INR) ≤1.5×ULN. Prothrombin time (PT) ≤1.5×ULN; Cardiac function: Hemodynamic stability with left ventricular ejection fraction (LVEF) ≥55%.
  • 7. Agrees to use double barrier methods, condoms, oral or injectable contraceptives, or intrauterine devices during the study period and for one year after taking the study medication. Females of childbearing potential must have a negative serum HCG test within 7 days prior to enrollment and must not be lactating.
  • 8. Voluntarily participate in the study, provide written informed consent, and demonstrate good compliance with follow-up.
  • Exclusion Criteria:
  • 1. Presence of neuropsychiatric lupus (NPSLE).
  • 2. History of thrombotic thrombocytopenic purpura (TTP) or thrombotic microangiopathy (TMA).
  • 3. History of severe drug allergies or hypersensitivity.
  • 4. Active or suspected uncontrolled infections requiring treatment (including fungal, bacterial, viral, or other pathogens).
  • 5. Central nervous system disorders caused by autoimmune diseases (ADs) or non-ADs.
  • 6. Severe cardiac diseases.
  • 7. Congenital immunoglobulin deficiency.
  • 8. History of malignancy (except non-melanoma skin cancer, in situ cervical/bladder/breast/thyroid carcinoma with disease-free survival \>5 years).
  • 9. End-stage renal failure.
  • 10. Participants meeting any of the following: Hepatitis B surface antigen (HBsAg)-positive or hepatitis B core antibody (HBcAb)-positive with detectable HBV DNA; Hepatitis C virus (HCV) antibody-positive with detectable HCV RNA; HIV antibody-positive; Syphilis-positive (RPR and TPHA positive, or TPHA positive with RPR reconfirmed positive after 4 weeks).
  • 11. Psychiatric disorders or severe cognitive impairment.
  • 12. Participation in other clinical trials within 3 months prior to enrollment.
  • 13. Pregnant women or those planning pregnancy.
  • 14. Other conditions deemed by the investigator to preclude study participation."##;
    let summary = [
        r##"This clinical trial is testing a new treatment called CHT101, a type of cell therapy, for patients with systemic lupus erythematosus (SLE) who have not responded to standard treatments or have experienced a relapse of their disease. The main goal is to see how safe and effective this therapy is in helping manage SLE symptoms. The trial is still in the early stages and has not started recruiting participants yet."##,
        r##"To be eligible for this study, participants must be between 18 and 65 years old and meet specific criteria showing they have SLE. This includes having certain scores that indicate the severity of their condition and a history of not responding well to common treatments like steroids and other medications. Participants will need to agree to follow certain health guidelines during the study and provide informed consent. This means they will be fully aware of what the study involves before participating. If you or someone you know fits these criteria and is interested in a new treatment option for lupus, this trial could be an opportunity to consider."##,
    ];
    let about = r##"The Affiliated Nanjing Drum Tower Hospital of Nanjing University Medical School is a leading academic medical institution in China, renowned for its commitment to advanced healthcare, research, and medical education. As a prominent sponsor of clinical trials, the hospital leverages its state-of-the-art facilities and multidisciplinary expertise to facilitate innovative medical research aimed at improving patient outcomes. With a focus on translational medicine, the institution fosters collaborations between clinicians and researchers to accelerate the development of novel therapies and enhance the understanding of complex diseases. Through its rigorous adherence to ethical standards and regulatory compliance, the hospital is dedicated to advancing medical knowledge and contributing to the global scientific community."##;
    let brief = r##"This investigator-initiated trial aims to evaluate the safety and efficacy of universal anti-CD70 CAR-T (CHT101) in patients with relapsed refractory systemic lupus erythematosus."##;
    let description = r##"This study is a non-randomized, open-label, single-arm clinical trial designed to assess the efficacy and safety of universal anti-CD70 CAR-T (CHT101) in patients with relapsed refractory systemic lupus erythematosus."##;

    let outcomes = [
        (
            r##"SRI-4 Response"##,
            r##"SRI-4 Response defined as a decrease of ≥4 points from baseline in the SELENA-SLEDAI score, no new BILAG-evaluated grade A organs or \<2 BILAG-evaluated grade B organs from baseline, and no deterioration in the physician's overall assessment (an increase of \<0.30 points from baseline)."##,
            r##"SRI-4 response at 1 month after CHT101 infusion."##,
        ),
        (
            r##"Safety Evaluation"##,
            r##"Safety evaluation includes the collection of adverse events (AE), serious adverse events (SAE), vital signs and physical examinations, laboratory tests, including pregnancy tests and concomitant treatments. Safety is evaluated using the NCI-CTCAE 5.0 standard. CRS is evaluated using the ASTCT Consensus Grading Criteria, ICANS is evaluated using the Adult ASTCT ICANS Consensus Grading Criteria, acute GVHD is evaluated using the 2016 Mount Sinai Acute GVHD International Consortium Grading Criteria, and chronic GVHD is evaluated using the 2020 NCCN Hematopoietic Cell Transplantation Clinical Practice Guidelines, Version 1.0."##,
            r##"safety evaluation Within 12 months after CHT101 infusion."##,
        ),
        (
            r##"Disease Activity Index"##,
            r##"The remission of SLE was based on the DORIS 2021 criteria, namely: SLEDAI=0 and PGA \< 0.5 (0-3 points), serology was not considered, and patients could use antimalarial drugs, low-dose glucocorticoids (prednisolone ≤5mg/ day), and/or immunosuppressants including biologics."##,
            r##"At 1 month, 2 month, 3 month, 6 month, 9 month, 12month after CHT101 infusion."##,
        ),
        (
            r##"Organ Damage"##,
            r##"The score was based on the SLE International Cooperation Group Injury Index (SDI). The higher the index, the worse the prognosis."##,
            r##"At 1 month, 2 month, 3 month, 6 month, 9 month, 12month after CHT101 infusion."##,
        ),
        (
            r##"BILAG 2004"##,
            r##"The absence of new organ Class A scores or two organ Class B scores indicates improvement."##,
            r##"At 1 month, 2 month, 3 month, 6 month, 9 month, 12month after CHT101 infusion."##,
        ),
        (
            r##"Overall assessment of physicians"##,
            r##"The mitigation indicator was a baseline increase of less than 0.3 on a 3-point scale."##,
            r##"At 1 month, 2 month, 3 month, 6 month, 9 month, 12month after CHT101 infusion."##,
        ),
    ];
    let mut facts = vec![
        fact("id", json!("NCT06946485"), &["NCT06946485"]),
        fact("nct_id", json!("NCT06946485"), &["NCT id NCT06946485"]),
        fact("brief_title", json!(title), &[title]),
        fact(
            "page_dates[0]",
            json!({"label": "Launched by", "text": r##"Launched by THE AFFILIATED NANJING DRUM TOWER HOSPITAL OF NANJING UNIVERSITY MEDICAL SCHOOL · Apr 20, 2025"##, "date": "2025-04-20"}),
            &[
                r##"Launched by THE AFFILIATED NANJING DRUM TOWER HOSPITAL OF NANJING UNIVERSITY MEDICAL SCHOOL · Apr 20, 2025"##,
            ],
        ),
        fact(
            "page_dates[1]",
            json!({"label": "Current as of", "text": "Current as of July 23, 2025", "date": "2025-07-23"}),
            &["Current as of July 23, 2025"],
        ),
        fact(
            "status",
            json!("NOT_YET_RECRUITING"),
            &["Not yet recruiting"],
        ),
        fact(
            "page_summary",
            json!({"source": "ClinConnect", "heading": "ClinConnect Summary", "text": summary.join("\n\n")}),
            &[
                "ClinConnect Summary From the ClinConnect page, in its own words (not the registry's).",
                summary[0],
                summary[1],
            ],
        ),
        fact("eligibility.sex", json!("ALL"), &["Sex All"]),
        fact("eligibility.criteria", json!(criteria), &[criteria]),
        fact(
            "sponsor",
            json!({
                "name": "The Affiliated Nanjing Drum Tower Hospital of Nanjing University Medical School",
                "about": {"source": "ClinConnect", "heading": r##"About The Affiliated Nanjing Drum Tower Hospital Of Nanjing University Medical School"##, "text": about},
            }),
            &[
                "Sponsor: The Affiliated Nanjing Drum Tower Hospital of Nanjing University Medical School",
                r##"About The Affiliated Nanjing Drum Tower Hospital Of Nanjing University Medical School"##,
                about,
            ],
        ),
        fact(
            "officials",
            json!([{
                "name": "Lingyun Sun",
                "role": "STUDY_CHAIR",
                "affiliation": "The Affiliated Nanjing Drum Tower Hospital of Nanjing University Medical School",
            }]),
            &[
                "Lingyun Sun, Study chair, The Affiliated Nanjing Drum Tower Hospital of Nanjing University Medical School",
            ],
        ),
        // Seed 001.
        fact("brief_summary", json!(brief), &[brief]),
        fact("detailed_description", json!(description), &[description]),
        fact("study_type", json!("INTERVENTIONAL"), &["Interventional"]),
        fact(
            "design.allocation",
            json!("NA"),
            &["Allocation Not applicable"],
        ),
        fact(
            "design.primary_purpose",
            json!("TREATMENT"),
            &["Primary purpose Treatment"],
        ),
        fact("design.masking", json!("NONE"), &["Masking None"]),
        fact(
            "enrollment",
            json!({"count": 15}),
            &["Enrollment: 15 participants"],
        ),
        fact(
            "interventions",
            json!([{"name": r##"Universal anti-CD70 CAR-T (CHT101) cell therpy"##}]),
            &[r##"Universal anti-CD70 CAR-T (CHT101) cell therpy"##],
        ),
        fact(
            "locations",
            json!([{
                "facility": r##"The Affiliated Nanjing Drum Tower Hospital of Nanjing University Medical School"##,
                "city": "Nanjing",
                "state": "Jiangsu",
                "country": "China",
                "status": "RECRUITING",
            }]),
            &[
                "The Affiliated Nanjing Drum Tower Hospital of Nanjing University Medical School, Nanjing, Jiangsu, China [Recruiting]",
            ],
        ),
    ];

    // Seed 001's six outcome measures, in its order; it does not say which
    // are primary. (Inside the BILAG 2004 measure the captured page shows
    // the site's own disclaimer, "This platform is for informational
    // purposes only…": the site's words, not the measure's.)
    for (i, (measure, description, time_frame)) in outcomes.iter().enumerate() {
        facts.push(Fact {
            field: format!("outcomes[{i}]"),
            value: json!({"measure": measure, "description": description, "time_frame": time_frame}),
            shown: vec![
                measure.to_string(),
                format!("Time frame: {time_frame}"),
                description.to_string(),
            ],
        });
    }
    SeedPage {
        id: "NCT06946485".into(),
        facts,
        readings: vec![
            reading(
                "conditions",
                Some(json!(["Systemic Lupus Erythematosus"])),
                true,
                "Conditions: Systemic Lupus Erythematosus (derived by eligo: from the title)",
            ),
            reading(
                "eligibility.min_age",
                Some(json!("18 Years")),
                true,
                "Ages 18 Years to 65 Years (derived by eligo: from the eligibility criteria",
            ),
            reading(
                "eligibility.max_age",
                Some(json!("65 Years")),
                true,
                "Ages 18 Years to 65 Years (derived by eligo: from the eligibility criteria",
            ),
            reading(
                "brief_summary",
                None,
                false,
                "Summary (label inferred by eligo:",
            ),
            reading(
                "detailed_description",
                None,
                false,
                "Detailed description (label inferred by eligo:",
            ),
            reading(
                "interventions[0]",
                None,
                false,
                "Universal anti-CD70 CAR-T (CHT101) cell therpy (label inferred by eligo:",
            ),
            reading(
                "locations[0].status",
                None,
                false,
                "[Recruiting] (label inferred by eligo:",
            ),
        ],
        // Seed 000's timeline: "First submit … Not reported"; seed 001
        // classes no measure as primary.
        absent: vec![
            "First submitted",
            "Last update submitted",
            "Primary Outcome",
            "Outcome measures Primary",
            "Unknown status",
        ],
    }
}

/// Seed 002 (ClinConnect trial page; it lists no NCT id).
pub fn union_cd19_bcma() -> SeedPage {
    let title = r##"CD19/BCMA CAR-T Cell Therapy for Refractory/Moderate-to-severe Systemic Lupus Erythematosus"##;
    let sponsor =
        "Union Hospital, Tongji Medical College, Huazhong University of Science and Technology";
    let criteria = r##"- Inclusion Criteria:
- • 1. Participants or their legal guardians understand and voluntarily sign the informed consent form, and be able to complete all the documents, procedures, follow-up examinations and treatments specified in the study protocol, with good compliance;
- • 2. Age range from 18 to 70 years old, regardless of gender;
- • 3. Participants diagnosed with SLE according to the 2019 European League Against Rheumatism (EULAR)/the American College of Rheumatology (ACR) SLE criteria at least 24 weeks prior to screening;
- • 4. Refractory/moderate-to-severe SLE needs to meet the following criteria at screening: SELENA-SLEDAI score \> 6 points; PGA ≥ 1 points; BILAG-2004 organ system scores of at least 1 A or 2 B;Have received at least 12 weeks of standardized treatment for SLE prior to screening but lack efficacy;
- • 5. Participants with fertility agree to take effective contraceptive measures throughout the study and within 3 months after the last follow-up visit.
- Exclusion Criteria:
- • 1. Diagnosis of active severe lupus nephritis within 8 weeks prior to screening, requiring medications prohibited by the research protocol for active nephritis, hemodialysis or prednisone ≥ 100 mg/d, or equivalent glucocorticoid therapy for ≥14 days;
- • 2. Any attempted suicide or suicidal ideation within the past year prior to screening;
- • 3. Presence of SLE or non-SLE related central nervous system diseases or pathological changes within 8 weeks prior to screening;
- • 4. Previous or current diagnosis of non-SLE-related inflammatory arthropathy or skin diseases;
- • 5. History of vital organ transplantation or hematopoietic stem cell/or bone marrow transplantation;
- • 6. History of lymphoproliferative diseases;
- • 7. Subjects with malignancy within 5 years prior to screening;
- • 8. Have received plasma exchange, plasma separation, hemodialysis, or intravenous immunoglobulin (IVIG) within 14 days prior to screening;
- • 9. Other autoimmune diseases requiring systemic therapy;
- • 10. Subjects with positive hepatitis B surface antigen (HBsAg) or hepatitis B core antibody (HBcAb) and HBV DNA titer in peripheral blood higher than the lower limit of research institution's test range. Subjects with positive hepatitis C virus (HCV) antibodies, human immunodeficiency virus (HIV) antibodies, or syphilis;
- • 11. Active or latent tuberculosis at screening;
- • 12. Abnormalities in major organ function at screening;
- • 13. Previous or current diagnosis of acute or chronic illnesses unrelated to SLE with obviously unstable or uncontrollable clinical symptoms;
- • 14. Severe lupus lung damage at screening;
- • 15. Severe lupus cardiac damage at screening;
- • 16. Presence of uncontrollable infections at screening, requiring antibiotic therapy;
- • 17. Have received live/attenuated vaccination within 4 weeks prior to screening or plan to receive live/attenuated vaccination throughout the study;
- • 18. Have received intra-articular, intramuscular or intravenous glucocorticoids within 4 weeks prior to screening;
- • 19. Have received any commercially available Janus kinase (JAK) inhibitor or Bruton tyrosine kinase (BTK) inhibitor within 12 weeks prior to screening;
- • 20. Have received B-cell targeted therapy prior to screening;
- • 21. Have received a biologic agent other than B-cell targeted therapy within 5 half-lives prior to screening;
- • 22. Previously received therapies with CAR-T cells or other genetically modified T cells;
- • 23. Have received therapeutic dose of corticosteroids within 7 days prior to leukapheresis or within 72 hours prior to infusion;
- • 24. Subjects that have donated blood for ≥ 400mL or had a significant blood loss equivalent to at least 400mL within 4 weeks prior to screening, or have received blood transfusion within 8 weeks, or plan to donate blood during the study period;
- • 25. History of ≥grade 2 bleeding within 4 weeks prior to screening or need for long-term continuous anticoagulant therapy;
- • 26. Subjects that have undergone any major surgeries within 12 weeks prior to screening, or those who are scheduled to undergo major surgery during the study period;
- • 27. History of drug abuse within 12 weeks prior to screening;
- • 28. Female subjects who are pregnant or lactating, or intend to conceive within 2 years after the cell infusion; male patients whose female partners intend to conceive within 2 years after the cell infusion;
- • 29. History of any significant drug allergy or intolerance;
- • 30. Subjects that have participated in other clinical trials within 3 months prior to screening and/or currently participated in other clinical trials (those who do not receive study drugs are excluded);
- • 31. Presence of other circumstances that make the subjects not eligible for participation in the study, in the opinion of the researchers."##;
    let summary = [
        r##"This clinical trial is investigating a new treatment called CD19/BCMA CAR-T cell therapy for patients with moderate-to-severe systemic lupus erythematosus (SLE) who have not responded well to other treatments. The goal is to see if this therapy is safe and effective for these patients. If you or a loved one is between 18 and 70 years old, has been diagnosed with SLE for at least six months, and has experienced ongoing symptoms despite at least 12 weeks of standard treatment, you might be eligible to participate."##,
        r##"Participants in the trial will receive the CAR-T cell therapy and will be closely monitored throughout the study for any side effects and how well the treatment works. It’s important to note that there are several criteria that could prevent someone from joining, such as having serious kidney issues, other significant health problems, or recent treatments that could interfere with the study. Overall, this trial offers a potential new option for those struggling with difficult-to-treat lupus, and participants will be helping researchers learn more about this innovative approach."##,
    ];
    let about = r##"Union Hospital, affiliated with Tongji Medical College of Huazhong University of Science and Technology, is a leading comprehensive medical institution in China. Renowned for its advanced clinical services, cutting-edge research, and commitment to medical education, the hospital integrates patient care with innovative scientific investigation. As a prominent sponsor of clinical trials, Union Hospital plays a vital role in advancing medical knowledge and improving healthcare outcomes through rigorous research and collaboration."##;
    let id = eligo_model::trial::local_trial_id(sponsor, title);
    let facts = vec![
        fact("id", json!(id), &[&id, "(the record gives no NCT id)"]),
        fact("brief_title", json!(title), &[title]),
        fact(
            "page_dates[0]",
            json!({"label": "Launched by", "text": r##"Launched by UNION HOSPITAL, TONGJI MEDICAL COLLEGE, HUAZHONG UNIVERSITY OF SCIENCE AND TECHNOLOGY · Mar 31, 2024"##, "date": "2024-03-31"}),
            &[
                r##"Launched by UNION HOSPITAL, TONGJI MEDICAL COLLEGE, HUAZHONG UNIVERSITY OF SCIENCE AND TECHNOLOGY · Mar 31, 2024"##,
            ],
        ),
        fact(
            "page_dates[1]",
            json!({"label": "Current as of", "text": "Current as of November 14, 2025", "date": "2025-11-14"}),
            &["Current as of November 14, 2025"],
        ),
        fact("status", json!("RECRUITING"), &["Recruiting"]),
        fact(
            "page_summary",
            json!({"source": "ClinConnect", "heading": "ClinConnect Summary", "text": summary.join("\n\n")}),
            &[
                "ClinConnect Summary From the ClinConnect page, in its own words (not the registry's).",
                summary[0],
                summary[1],
            ],
        ),
        fact("eligibility.sex", json!("ALL"), &["Sex All"]),
        fact("eligibility.criteria", json!(criteria), &[criteria]),
        fact(
            "sponsor",
            json!({
                "name": sponsor,
                "about": {"source": "ClinConnect", "heading": r##"About Union Hospital, Tongji Medical College, Huazhong University Of Science And Technology"##, "text": about},
            }),
            &[
                &format!("Sponsor: {sponsor}"),
                r##"About Union Hospital, Tongji Medical College, Huazhong University Of Science And Technology"##,
                about,
            ],
        ),
        fact(
            "central_contacts",
            json!([{"name": "Jennifer Cobb", "affiliation": r##"Immunology at National Institute of Allergy and Infectious Diseases (NIAID)"##}]),
            &[
                "Jennifer Cobb, Immunology at National Institute of Allergy and Infectious Diseases (NIAID)",
            ],
        ),
        fact(
            "locations",
            json!([{"city": "Wuhan", "state": "Hubei", "country": "China"}]),
            &["Locations Wuhan, Hubei, China"],
        ),
        fact(
            "officials",
            json!([{"name": "Qiubai Li, Professor", "role": "PRINCIPAL_INVESTIGATOR", "affiliation": sponsor}]),
            &[&format!(
                "Qiubai Li, Professor, Principal investigator, {sponsor}"
            )],
        ),
    ];
    SeedPage {
        id,
        facts,
        readings: vec![
            reading(
                "conditions",
                Some(json!(["Systemic Lupus Erythematosus"])),
                true,
                "Conditions: Systemic Lupus Erythematosus (derived by eligo: from the title)",
            ),
            // The page names no intervention.
            reading(
                "interventions[0]",
                Some(json!({"name": "CD19/BCMA CAR-T cells"})),
                true,
                "CD19/BCMA CAR-T cells (derived by eligo: from the title)",
            ),
            reading(
                "eligibility.min_age",
                Some(json!("18 Years")),
                true,
                "Ages 18 Years to 70 Years (derived by eligo: from the eligibility criteria",
            ),
            reading(
                "eligibility.max_age",
                Some(json!("70 Years")),
                true,
                "Ages 18 Years to 70 Years (derived by eligo: from the eligibility criteria",
            ),
        ],
        absent: vec!["First submitted", "Last update submitted", "Unknown status"],
    }
}

/// Seed 003 (a registry mirror page).
pub fn nct07331467() -> SeedPage {
    let title = r##"Study of Ultra-Fast CD19 CAR-T Therapy for Refractory SLE"##;
    let criteria = r##"Inclusion Criteria
* Diagnosed with SLE according to the 2019 EULAR/ACR SLE classification criteria, and still in moderate to severe disease activity despite ≥3M of high dose glucocorticoids(prednisone≥1mg/kg/d or other equivalent amount of other steriod), and/or hydroxychloroquine, and at least 2 DMARDs(include cyclophosphamide, mycophenolate mofetil, azathioprine, methotrexate, cyclosporin, tacrolimus, sirolimus, leflunomide, telitacicept, beliumab, and rituximab) or intolerant to standard treatments;
* SLEDAI-2K score ≥ 8 points;
* Meet the standards of leukapheresis or intravenous blood collection, and no contraindication for leukapheresis;
* Negative pregnancy test for female subjects of childbearing age, and agree to take effective contraceptive measures until one year after CAR-T infusion;
* Participant or his/her guardians agree to participate in the clinical trial and sign the informed consent form which indicating that he/she understands the purpose and procedure of the clinical trial and is willing to participate in the study.
Exclusion Criteria
* Have a history of congenital heart disease or acute myocardial infarction within 6 months prior to screening or severe arrhythmias (including multisource frequent supraventricular tachycardia, ventricular tachycardia, etc.); or NYHA classification class IV; or combined with moderate to massive pericardial effusion, serious myocarditis, etc; or patient with unstable vital signs who need hypertensive drugs;
* The functions of important organs meet one of the following conditions: (1)renal function: eGFR\<30mL/min/1.73m2 or require renal replacement therapy; (2)liver function: AST and ALT\>3.0 ULN, total Bilirubin (TBIL) in serum \>2.0×ULN; (3)lung function: SpO2\<92% with no oxygen inhalation;
* Uncontrollable infection or active infection that requires systemic treatment within 3 months prior to screening;
* Received hematopoietic stem cell transplantation within 3 months prior to screening, or ≥Grade 2 GVHD within 2 weeks prior to screening;
* Hepatitis B surface antigen (HBsAg) or hepatitis B core antibody (HBcAb) positive and peripheral blood hepatitis B virus (HBV) DNA titer greater than the normal reference value range; or hepatitis C virus (HCV) antibody positive and peripheral blood hepatitis C virus (HCV) RNA titer greater than the normal reference value range; or positive for human immunodeficiency virus (HIV) antibodies; or syphilis test positive;
* Suffered from active pulmonary tuberculosis at screening;
* Received live vaccine within 4 weeks prior to screening;
* Positive in blood pregnancy test;
* Suffered from malignant disease such as tumors (excluding tumors without active lesions and ending treatment for more than 5 years, as well as fully treated cervical carcinoma in situ, basal cell or squamous cell skin cancer, thyroid cancer after radical resection, ductal carcinoma in situ after radical resection);
* Patients who participated in other clinical study within 3 months prior to screening;
* Any other conditions that the investigators deem it unsuitable for the study."##;
    let description = [
        r##"Currently, the primary treatment for SLE relies on glucocorticoids and immunosuppressants to alleviate symptoms. However, due to the absence of a curative treatment, patients typically need to remain on medication indefinitely. In recent years, biological agents such as belimumab and rituximab have been introduced for the treatment of SLE, but these treatments cannot completely eliminate autoimmune B cells in the bone marrow, leading to unsatisfactory overall outcomes. Furthermore, discontinuing these drugs can lead to disease relapse, and there is still no cure for SLE, leaving patients facing the challenges of lifelong medication and an incurable disease."##,
        r##"CAR-T therapy is an adoptive cell therapy that uses genetic modification technology to reprogram T cells and eliminate target cells expressing disease-related antigens through antigen-specific recognition. Since 2019, CAR-T cell therapy has been successfully applied to autoimmune diseases. Clinical studies have demonstrated that CD19-targeted CAR-T cells hold significant therapeutic potential for SLE. Compared with traditional CAR-T cells, ultra-fast CAR-T, relying on an innovative CAR-T manufacturing system, can produce CAR-T cells in an extremely short period of time (with a preparation time of only 10 minutes)."##,
        r##"The purpose of this study is to assess the safety and efficacy of the ultra-fast autologous CD19-targeted CAR-T cells in the treatment of refractory SLE."##,
    ];
    let arm = r##"This trial was designed as an open, single-arm, single-center, dose-increasing trial."##;
    let doses = r##"Three dose groups (1.5×10\^5/kg, 5×10\^5/kg, 10×10\^5/kg) were set up, starting from the low dose group climbing to explore the safe and effective dose."##;
    let related = [
        (
            r##"NCT07233642"##,
            r##"Study of Ultra-Fast CD19 CAR-T Therapy for Refractory SLE"##,
        ),
        (
            r##"NCT07318259"##,
            r##"Study of Ultra-Fast BCMA/CD70 CAR-T Therapy for Refractory SLE"##,
        ),
        (
            r##"NCT06892145"##,
            r##"Clinical Trial of CD19 Targeted CAR-T Cell in Refractory Adult SLE"##,
        ),
        (
            r##"NCT06222853"##,
            r##"Study of Therapeutic Efficacy of Anti-CD19 CAR-T Cells in Refractory Systemic Lupus Erythematosus"##,
        ),
        (
            r##"NCT06056921"##,
            r##"Safety and Efficacy of CD19 Targeted CAR-T Therapy for Refractory Autoimmune Disease"##,
        ),
    ];
    let mut facts = vec![
        fact("id", json!("NCT07331467"), &["NCT07331467"]),
        fact("nct_id", json!("NCT07331467"), &["NCT id NCT07331467"]),
        fact("brief_title", json!(title), &[title]),
        fact(
            "page_dates[0]",
            json!({"label": "Last Updated", "text": "Last Updated: 2026-01-12", "date": "2026-01-12"}),
            &["Last Updated: 2026-01-12"],
        ),
        fact("status", json!("RECRUITING"), &["Recruiting"]),
        fact("phases", json!(["PHASE1"]), &["Phase 1"]),
        fact(
            "enrollment",
            json!({"count": 18}),
            &["Enrollment: 18 participants"],
        ),
        fact("study_type", json!("INTERVENTIONAL"), &["Interventional"]),
        // Two dates under "Basic Information", with no label.
        fact(
            "dates.start",
            json!({"date": "2026-01-31"}),
            &["Study start 2026-01-31"],
        ),
        fact(
            "dates.completion",
            json!({"date": "2028-08-31"}),
            &["Study completion 2028-08-31"],
        ),
        fact(
            "detailed_description",
            json!(description.join("\n\n")),
            &[description[0], description[1], description[2]],
        ),
        fact(
            "design.allocation",
            json!("NA"),
            &["Allocation Not applicable"],
        ),
        fact(
            "design.intervention_model",
            json!("SINGLE_GROUP"),
            &["Intervention model Single group"],
        ),
        fact(
            "design.primary_purpose",
            json!("TREATMENT"),
            &["Primary purpose Treatment"],
        ),
        fact("design.masking", json!("NONE"), &["Masking None"]),
        fact(
            "arms",
            json!([{"label": "CAR-T treatment group", "description": arm, "interventions": ["CD19 CAR-T cells"]}]),
            &[
                "CAR-T treatment group",
                arm,
                "Interventions: CD19 CAR-T cells",
            ],
        ),
        fact(
            "interventions[0].name",
            json!("CD19 CAR-T cells"),
            &["CD19 CAR-T cells"],
        ),
        fact("interventions[0].description", json!(doses), &[doses]),
        fact(
            "interventions[0].arm_labels",
            json!(["CAR-T treatment group"]),
            &["CAR-T treatment group"],
        ),
        fact("eligibility.criteria", json!(criteria), &[criteria]),
        fact(
            "eligibility.min_age",
            json!("18 Years"),
            &["Ages 18 Years and older"],
        ),
        fact("eligibility.sex", json!("ALL"), &["Sex All"]),
        fact(
            "eligibility.healthy_volunteers",
            json!(false),
            &["Healthy volunteers No"],
        ),
        fact(
            "sponsor",
            json!({"name": "Chongqing Precision Biotech Co., Ltd", "class": "INDUSTRY"}),
            &["Sponsor: Chongqing Precision Biotech Co., Ltd (Industry)"],
        ),
        fact(
            "locations",
            json!([{
                "facility": "Affiliated Drum Tower Hospital, Medical School of Nanjing University",
                "city": "Nanjing",
                "state": "Jiangsu",
                "country": "China",
            }]),
            &[
                "Affiliated Drum Tower Hospital, Medical School of Nanjing University, Nanjing, Jiangsu, China",
            ],
        ),
        fact("org_study_id", json!("PBC092"), &["Sponsor's id PBC092"]),
    ];
    for (i, (id, title)) in related.iter().enumerate() {
        facts.push(Fact {
            field: format!("related[{i}]"),
            value: json!({"id": id, "title": title}),
            shown: vec![format!("{title} {id}")],
        });
    }
    SeedPage {
        id: "NCT07331467".into(),
        facts,
        readings: vec![
            // The page's Conditions section is empty.
            reading(
                "conditions",
                Some(json!(["Systemic Lupus Erythematosus"])),
                true,
                "Conditions: Systemic Lupus Erythematosus (derived by eligo: from the title",
            ),
            // The doses as the page writes them, in its unit: /kg.
            reading(
                "interventions[0].dose_levels",
                Some(json!([
                    {"text": "1.5×10^5/kg", "dose": {"value": 150000.0, "unit": "/kg"}},
                    {"text": "5×10^5/kg", "dose": {"value": 500000.0, "unit": "/kg"}},
                    {"text": "10×10^5/kg", "dose": {"value": 1000000.0, "unit": "/kg"}},
                ])),
                true,
                "Dose levels (derived by eligo: from the intervention's description) 1.5×10^5/kg (150000 /kg) 5×10^5/kg (500000 /kg) 10×10^5/kg (1000000 /kg)",
            ),
            reading(
                "dates.start",
                None,
                false,
                "Study start 2026-01-31 (label inferred by eligo:",
            ),
            reading(
                "dates.completion",
                None,
                false,
                "Study completion 2028-08-31 (label inferred by eligo:",
            ),
            reading(
                "eligibility.min_age",
                None,
                false,
                "Ages 18 Years and older (label inferred by eligo:",
            ),
            reading(
                "eligibility.healthy_volunteers",
                None,
                false,
                "Healthy volunteers No (label inferred by eligo:",
            ),
        ],
        absent: vec![
            "{cells}",
            "Last update submitted",
            "Last update posted",
            "Unknown status",
        ],
    }
}

/// Seed 004 (ClinConnect trial page).
pub fn nct07031713() -> SeedPage {
    let title = r##"Safety, Efficacy and Cellular Metabolic Dynamics of ct1192 in Patients With Moderate to Severe Refractory SLE"##;
    let criteria = r##"  • Inclusion Criteria:
  • 1. Meet the EULAR/ACR 2019 SLE classification criteria, with a medical history of ≥ 6 months;
  • 2. Voluntarily sign the Informed Consent Form (ICF); When signing the ICF, the age range is between 18 and 60 years old (including 18 and 60 years old), with no gender restrictions;
  • 3. No systemic active infections (such as infectious pneumonia or tuberculosis) within the first 2 weeks of screening;
  • 4. Women with fertility (defined as all physiologically capable women) must agree to use effective contraceptive methods from at least 28 days prior to the start of vaginal discharge until 1 year after CT1192 infusion. Egg donation is strictly prohibited within 1 year after receiving the study treatment infusion during the study period. Male partners with fertility must agree to use effective barrier contraception methods from the start of vaginal discharge until 1 year after CT1192 infusion, and should not donate semen or sperm throughout the entire study period;
  • 5. Women with fertility must have a negative serum β - human chorionic gonadotropin (β - hCG) test result within 48 hours prior to screening and gonorrhea treatment.
  • 6. Prior to screening, patients must have received a combination of glucocorticoids and immunosuppressants (including cyclophosphamide, mycophenolate mofetil, tacrolimus, methotrexate, cyclosporine, leflunomide) and/or biologics for at least 3 months, with a stable dose for at least 2 weeks and the disease still active. During screening, oral steroids must meet the following requirements:
  • If hormone therapy is used alone, prednisone (or equivalent medication) should be ≥ 7.5 mg/day; When used in combination with immunosuppressants and/or biologics, there is no minimum daily dose requirement for hormones; 7. Positive for anti nuclear antibodies, anti ds DNA antibodies, and/or anti Smith antibodies during screening; 8. During the screening period, if the SLEDAI-2K score is ≥ 7 points, or if there is significant organ dysfunction, such as severe immune thrombocytopenia or lupus nephritis (histologically diagnosed as active nephritis type III or IV with or without type V); 9. Active organ involvement during screening (including kidneys, heart and lungs, musculoskeletal system, blood system, blood vessels, etc.; skin and mucosal involvement alone cannot be included); 10. Adequate organ function:
  • 1. Renal function: defined as a creatinine clearance rate (Cockcroft Gault) calculated without hydration assistance of ≥ 50 mL/min;
  • 2. Bone marrow function: defined as neutrophil count (ANC) ≥ 1.0 × 109/L and hemoglobin (Hb) ≥ 60 g/L. Blood transfusions and growth factors must not be used to meet these requirements within 7 days prior to eligibility screening;
  • 3. Liver function: defined as alanine aminotransferase (ALT) and aspartate aminotransferase (AST) ≤ 2 x upper limit of normal (ULN), total bilirubin ≤ 2 x upper limit of normal (ULN)
  • 4. Coagulation function: defined as International Normalized Ratio (INR) or Activated Partial Thromboplastin Time (APTT) ≤ 1.5 × ULN;
  • 5. Pulmonary function: Blood oxygen saturation (SpO2) ≥ 92% in indoor air (measured by pulse oximeter);
  • 6. Cardiac function: defined as a left ventricular ejection fraction (LVEF) of ≥ 50% evaluated by echocardiography (ECHO) within the first 8 weeks of screening.
  • Exclusion Criteria:
  • 1. Patients with severe lupus nephritis within the first 2 months of screening need to undergo hemodialysis or receive prednisone ≥ 100 mg/d or equivalent hormone therapy for ≥ 14 days;
  • 2. Have undergone plasma exchange, plasma separation, hemodialysis within 30 days prior to screening, or have had lupus crisis within 30 days prior to screening;
  • 3. Individuals with a history of ≥ grade 2 bleeding or requiring long-term anticoagulant therapy within the 30 days prior to screening;
  • 4. Screening for a history of any of the following cardiovascular diseases within the previous 30 days: Grade III or IV heart failure defined by the New York Heart Association (NYHA), myocardial infarction, unstable angina, uncontrolled or symptomatic atrial arrhythmias, any ventricular arrhythmias, or other clinically significant heart diseases;
  • 5. Prior to screening, central nervous system manifestations caused by lupus, including but not limited to lupus headache, epileptic seizures, cognitive impairment, impaired intellectual function, visual impairment, etc;
  • 6. Individuals with central nervous system diseases prior to screening include but are not limited to: cerebrovascular accidents, encephalitis, epilepsy, seizures/convulsions, stroke, severe brain injury, dementia, Parkinson's disease, cerebellar diseases, central nervous system vasculitis, cognitive dysfunction, organic brain syndrome, or psychiatric disorders;
  • 7. No systemic active infections, including but not limited to active tuberculosis, within 2 weeks prior to screening;
  • 8. Previously received CAR-T cell or other genetically modified T cell therapy, or have a history of major organ transplantation (such as heart, lung, kidney, liver) or hematopoietic stem cell/bone marrow transplantation;
  • 9. Allergic or intolerant reactions to Qinglin drugs, tocilizumab, or life-threatening allergic reactions, hypersensitivity reactions, or intolerance to CT1192 preparations or their excipients (including dimethyl sulfoxide (DMSO)), or previous history of other severe allergies such as anaphylactic shock;
  • 10. Screening for drugs targeting B cells, such as rituximab, that have been used within the previous 6 months;
  • 11. Within the 12 weeks prior to screening, other biologics such as taceptil and belimumab have been used for treatment;
  • 12. Hormone use ≥ 10 mg/day of prednisone (or equivalent) within 2 weeks prior to CT1192 infusion, with the use of physiological substitutes, topical and inhaled steroids allowed;
  • 13. Received immunosuppressive agents that affect T cells (mycophenolate mofetil, methotrexate, cyclosporine, azathioprine, leflunomide, tacrolimus) within 2 weeks prior to CT1192 infusion;
  • 14. Have received JAK inhibitors (tofacitinib, baritinib tablets, lukatinib, etc.) within 2 weeks prior to CT1192 infusion;
  • 15. Have received attenuated live vaccine, inactivated vaccine or RNA vaccine within one month before screening;
  • 16. Suffering from malignant tumors within 2 years prior to signing the ICF. Except for the following situations: non melanoma skin cancer that has undergone radical treatment, local prostate cancer, cervical carcinoma in situ confirmed by biopsy or squamous intraepithelial lesions detected by cervical smear, and breast carcinoma in situ that has been completely removed;
  • 17. If a major surgery has been performed within 4 weeks prior to signing the informed consent form, or if a major surgery is planned during the study period, the researcher believes that it would pose unacceptable risks to the participants; During screening, there may be HIV, syphilis infection, active hepatitis B virus infection (HBsAg positive and HBV-DNA above the detection limit), or active hepatitis C virus infection (HCV antibody and HCV-RNA positive);
  • 19. Participate in other clinical studies within the first 3 months of screening or still within the five half lives after the last medication; 20. Merge major chronic diseases that have not been controlled and researchers believe may increase the risk for participants; 21. If there is a history or evidence of suicidal thoughts within the previous 6 months, or any suicidal behavior within the previous 12 months, the researcher believes that there is a significant risk of suicide; 22. Pregnant or lactating women; According to the researcher's assessment, participants have poor compliance, are unable or unwilling to comply with the requirements of the research protocol, or are not suitable to participate in this clinical study for other reasons.
  • 5.5 Pre cleaning standard Before clearing, the following assessment needs to be completed. If the participant meets the following criteria, clearing can be performed. Otherwise, clearing cannot be performed or may need to be delayed.
  • 1. Not using immunosuppressants in the week before Qinglin treatment;
  • 2. Female participants with fertility potential who undergo pregnancy studies within 24 hours prior to the clearance of gonorrhea and have negative results;
  • 3. Blood oxygen saturation ≥ 92% (under non auxiliary oxygen supply conditions);
  • 4. Inactive or uncontrollable systemic infection; The use of anti infective drugs within 7 days before clearing gonorrhea must be reviewed by a medical inspector;
  • 5. No signs of CNS disease or abnormal neurological examination results with clinical significance;
  • 6. Serious abnormalities in heart, lung, liver, kidney function, and endocrine disorders, including but not limited to: newly developed arrhythmias or heart failure that cannot be controlled by medication; Hypotension requiring the use of vasopressors; Bacterial, fungal, or viral infections with increased activity/progression determined by researchers;
  • 7. Researchers assess that participants are unable to comply with the requirements of the study protocol or are not suitable to continue the study in other situations.
  • If a participant shows obvious abnormalities such as symptoms, signs, or test results during or after clearing the lymphatic system, the researcher must communicate with the cooperating medical monitor to discuss whether the participant is suitable to continue receiving CT1192 cell infusion."##;
    let summary = [
        r##"This clinical trial is testing a new treatment called CT1192 for people with moderate to severe systemic lupus erythematosus (SLE), a condition where the immune system attacks the body’s own tissues. The study aims to find out if this treatment is safe, how well it works, and how it affects certain immune cells in the body. CT1192 is a special type of therapy that uses modified immune cells (called CAR-T cells) designed to target specific parts of the immune system involved in SLE. This is an early-stage trial, so the main focus is on safety and understanding how the treatment behaves in the body."##,
        r##"People who might be eligible for this trial are adults between 18 and 60 years old who have had SLE for at least six months and continue to have active symptoms despite treatment with standard medicines like steroids and immunosuppressants. To join, participants must have certain lab test results that confirm their diagnosis and show active disease affecting major organs like the kidneys, heart, or lungs (skin symptoms alone are not enough). Women who can become pregnant need to use reliable birth control during and for a year after the study, and both men and women must meet other health requirements to ensure safety. Participants can expect close medical monitoring before, during, and after receiving the treatment, including tests to check organ function and watch for any side effects. This study is not yet open for enrollment, and people interested should discuss with their doctors to see if they might qualify."##,
    ];
    let about = r##"Wuhan Union Hospital, affiliated with Huazhong University of Science and Technology, is a leading medical institution located in Wuhan, China. Renowned for its comprehensive healthcare services and advanced research capabilities, the hospital plays a pivotal role in clinical trials aimed at enhancing medical knowledge and patient care. With a commitment to innovation and excellence, Wuhan Union Hospital collaborates with various stakeholders to conduct rigorous and ethically sound clinical research, contributing significantly to the advancement of medical science and public health both domestically and internationally."##;
    let facts = vec![
        fact("id", json!("NCT07031713"), &["NCT07031713"]),
        fact("nct_id", json!("NCT07031713"), &["NCT id NCT07031713"]),
        fact("brief_title", json!(title), &[title]),
        fact(
            "page_dates[0]",
            json!({"label": "Launched by", "text": r##"Launched by WUHAN UNION HOSPITAL, CHINA · Jun 12, 2025"##, "date": "2025-06-12"}),
            &[r##"Launched by WUHAN UNION HOSPITAL, CHINA · Jun 12, 2025"##],
        ),
        fact(
            "page_dates[1]",
            json!({"label": "Current as of", "text": "Current as of June 26, 2025", "date": "2025-06-26"}),
            &["Current as of June 26, 2025"],
        ),
        fact(
            "status",
            json!("NOT_YET_RECRUITING"),
            &["Not yet recruiting"],
        ),
        fact(
            "page_summary",
            json!({"source": "ClinConnect", "heading": "ClinConnect Summary", "text": summary.join("\n\n")}),
            &[
                "ClinConnect Summary From the ClinConnect page, in its own words (not the registry's).",
                summary[0],
                summary[1],
            ],
        ),
        fact("eligibility.sex", json!("ALL"), &["Sex All"]),
        fact("eligibility.criteria", json!(criteria), &[criteria]),
        fact(
            "sponsor",
            json!({
                "name": "Wuhan Union Hospital, China",
                "about": {"source": "ClinConnect", "heading": r##"About Wuhan Union Hospital, China"##, "text": about},
            }),
            &[
                "Sponsor: Wuhan Union Hospital, China",
                r##"About Wuhan Union Hospital, China"##,
                about,
            ],
        ),
        fact(
            "locations",
            json!([{"city": "Wuhan", "state": "Hubei", "country": "China"}]),
            &["Locations Wuhan, Hubei, China"],
        ),
    ];
    SeedPage {
        id: "NCT07031713".into(),
        facts,
        readings: vec![
            reading(
                "conditions",
                Some(json!(["Systemic Lupus Erythematosus"])),
                true,
                "Conditions: Systemic Lupus Erythematosus (derived by eligo: from the title",
            ),
            // The page names no intervention.
            reading(
                "interventions[0]",
                Some(json!({"name": "CT1192 CAR-T cells"})),
                true,
                "CT1192 CAR-T cells (derived by eligo: from the title",
            ),
            reading(
                "eligibility.min_age",
                Some(json!("18 Years")),
                true,
                "Ages 18 Years to 60 Years (derived by eligo: from the eligibility criteria",
            ),
            reading(
                "eligibility.max_age",
                Some(json!("60 Years")),
                true,
                "Ages 18 Years to 60 Years (derived by eligo: from the eligibility criteria",
            ),
        ],
        absent: vec!["First submitted", "Last update submitted", "Unknown status"],
    }
}

/// The five trials seed 003 lists as related: known by id and title only.
pub fn related_of_nct07331467() -> Vec<SeedPage> {
    [
        (r##"NCT07233642"##, r##"Study of Ultra-Fast CD19 CAR-T Therapy for Refractory SLE"##),
        (r##"NCT07318259"##, r##"Study of Ultra-Fast BCMA/CD70 CAR-T Therapy for Refractory SLE"##),
        (r##"NCT06892145"##, r##"Clinical Trial of CD19 Targeted CAR-T Cell in Refractory Adult SLE"##),
        (r##"NCT06222853"##, r##"Study of Therapeutic Efficacy of Anti-CD19 CAR-T Cells in Refractory Systemic Lupus Erythematosus"##),
        (r##"NCT06056921"##, r##"Safety and Efficacy of CD19 Targeted CAR-T Therapy for Refractory Autoimmune Disease"##),
    ]
    .into_iter()
    .map(|(id, title)| SeedPage {
        id: id.into(),
        facts: vec![
            fact("id", json!(id), &[id]),
            fact("nct_id", json!(id), &[&format!("NCT id {id}")]),
            fact("brief_title", json!(title), &[title]),
        ],
        readings: vec![],
        // No status, no sex: absent, not "Unknown status" or "All".
        absent: vec![
            "Unknown status",
            "Sex All",
            "Recruiting",
            "no limit given",
            "Check if you might qualify",
        ],
    })
    .collect()
}
