//! A drawn study written as ClinicalTrials.gov API v2 JSON, modules in the
//! registry's order; the template's verbatim modules are copied as is.

use super::draft::{Design, Draft};
use super::fields::{Contact, std_ages};
use super::json::Json;
use super::lower_form;

impl Draft<'_> {
    pub(super) fn write(&self, j: &mut Json) {
        j.begin_obj().key("protocolSection").begin_obj();

        j.key("identificationModule").begin_obj();
        j.field_str("nctId", &self.id);
        j.key("orgStudyIdInfo")
            .begin_obj()
            .field_str("id", &self.org_id)
            .end_obj();
        j.key("organization")
            .begin_obj()
            .field_str("fullName", self.sponsor)
            .field_str("class", self.sponsor_class)
            .end_obj();
        j.field_str("briefTitle", &self.brief_title);
        j.field_str("officialTitle", &self.official_title);
        j.field_opt_str("acronym", self.acronym.as_deref());
        j.end_obj();

        let d = &self.dates;
        j.key("statusModule").begin_obj();
        j.field_str("statusVerifiedDate", &d.verified);
        j.field_str("overallStatus", self.status);
        j.field_opt_str("lastKnownStatus", d.last_known);
        j.field_opt_str("whyStopped", d.why_stopped);
        j.key("expandedAccessInfo")
            .begin_obj()
            .key("hasExpandedAccess")
            .bool(self.study_type == "EXPANDED_ACCESS")
            .end_obj();
        for (k, v) in [
            ("startDateStruct", &d.start),
            ("primaryCompletionDateStruct", &d.primary_completion),
            ("completionDateStruct", &d.completion),
        ] {
            if let Some((date, kind)) = v {
                j.key(k)
                    .begin_obj()
                    .field_str("date", date)
                    .field_str("type", kind)
                    .end_obj();
            }
        }
        j.field_str("studyFirstSubmitDate", &d.first_submit);
        j.field_str("studyFirstSubmitQcDate", &d.first_submit);
        j.key("studyFirstPostDateStruct")
            .begin_obj()
            .field_str("date", &d.first_post)
            .field_str("type", "ACTUAL")
            .end_obj();
        j.field_str("lastUpdateSubmitDate", &d.last_update);
        j.key("lastUpdatePostDateStruct")
            .begin_obj()
            .field_str("date", &d.last_update)
            .field_str("type", "ACTUAL")
            .end_obj();
        j.end_obj();

        j.key("sponsorCollaboratorsModule").begin_obj();
        j.key("responsibleParty").begin_obj();
        match &self.official {
            Some((name, _)) if self.sponsor_class != "INDUSTRY" => {
                j.field_str("type", "PRINCIPAL_INVESTIGATOR")
                    .field_str("investigatorFullName", name)
                    .field_str("investigatorTitle", "Professor")
                    .field_str("investigatorAffiliation", self.sponsor);
            }
            _ => {
                j.field_str("type", "SPONSOR");
            }
        }
        j.end_obj();
        j.key("leadSponsor")
            .begin_obj()
            .field_str("name", self.sponsor)
            .field_str("class", self.sponsor_class)
            .end_obj();
        if let Some(c) = self.collaborator {
            j.key("collaborators")
                .begin_arr()
                .begin_obj()
                .field_str("name", c)
                .field_str("class", "OTHER")
                .end_obj()
                .end_arr();
        }
        j.end_obj();

        j.field_raw("oversightModule", self.tpl.oversight.as_deref());

        j.key("descriptionModule").begin_obj();
        j.field_str("briefSummary", &self.summary);
        j.field_opt_str("detailedDescription", self.description.as_deref());
        j.end_obj();

        j.key("conditionsModule").begin_obj();
        j.field_strs("conditions", &self.conditions);
        if !self.keywords.is_empty() {
            j.field_strs("keywords", &self.keywords);
        }
        j.end_obj();

        j.key("designModule").begin_obj();
        j.field_str("studyType", self.study_type);
        match &self.design {
            Design::Interventional {
                allocation,
                model,
                purpose,
                masking,
            } => {
                j.field_strs("phases", &self.phases);
                j.key("designInfo").begin_obj();
                j.field_str("allocation", allocation)
                    .field_str("interventionModel", model)
                    .field_str("primaryPurpose", purpose);
                j.key("maskingInfo")
                    .begin_obj()
                    .field_str("masking", masking);
                let who: &[&str] = match *masking {
                    "SINGLE" => &["PARTICIPANT"],
                    "DOUBLE" => &["PARTICIPANT", "INVESTIGATOR"],
                    "TRIPLE" => &["PARTICIPANT", "INVESTIGATOR", "OUTCOMES_ASSESSOR"],
                    "QUADRUPLE" => &[
                        "PARTICIPANT",
                        "CARE_PROVIDER",
                        "INVESTIGATOR",
                        "OUTCOMES_ASSESSOR",
                    ],
                    _ => &[],
                };
                if !who.is_empty() {
                    j.field_strs("whoMasked", who);
                }
                j.end_obj().end_obj();
            }
            Design::Observational {
                model,
                perspective,
                registry,
            } => {
                j.key("patientRegistry").bool(*registry);
                j.key("designInfo")
                    .begin_obj()
                    .field_str("observationalModel", model)
                    .field_str("timePerspective", perspective)
                    .end_obj();
            }
            Design::ExpandedAccess => {
                j.key("expandedAccessTypes")
                    .begin_obj()
                    .key("individual")
                    .bool(true)
                    .end_obj();
            }
        }
        if let Some((n, kind)) = self.enrollment {
            j.key("enrollmentInfo")
                .begin_obj()
                .key("count")
                .u64(n)
                .field_str("type", kind)
                .end_obj();
        }
        j.end_obj();

        j.key("armsInterventionsModule").begin_obj();
        if !self.arms.is_empty() {
            j.key("armGroups").begin_arr();
            for a in &self.arms {
                j.begin_obj().field_str("label", &a.label);
                j.field_opt_str("type", a.kind);
                j.field_opt_str("description", a.description.as_deref());
                j.field_strs("interventionNames", &a.interventions);
                j.end_obj();
            }
            j.end_arr();
        }
        j.key("interventions").begin_arr();
        for iv in &self.interventions {
            j.begin_obj()
                .field_str("type", iv.kind)
                .field_str("name", &iv.name);
            j.field_opt_str("description", iv.description.as_deref());
            j.field_strs("armGroupLabels", &iv.arm_labels);
            if !iv.other_names.is_empty() {
                j.field_strs("otherNames", &iv.other_names);
            }
            j.end_obj();
        }
        j.end_arr().end_obj();

        j.field_raw("outcomesModule", self.tpl.outcomes.as_deref());

        j.key("eligibilityModule").begin_obj();
        j.field_str("eligibilityCriteria", &self.criteria);
        if let Some(h) = self.healthy {
            j.key("healthyVolunteers").bool(h);
        }
        j.field_str("sex", self.sex);
        j.field_opt_str("minimumAge", self.min_age);
        j.field_opt_str("maximumAge", self.max_age);
        j.field_strs("stdAges", &std_ages(self.min_age, self.max_age));
        if self.study_type == "OBSERVATIONAL" {
            let pop = self.tpl.study_population.clone().unwrap_or_else(|| {
                format!(
                    "People with {} seen at the participating centres.",
                    lower_form(&self.conditions[0])
                )
            });
            j.field_str("studyPopulation", &pop);
            j.field_str(
                "samplingMethod",
                self.tpl
                    .sampling_method
                    .as_deref()
                    .unwrap_or("NON_PROBABILITY_SAMPLE"),
            );
        }
        j.end_obj();

        j.key("contactsLocationsModule").begin_obj();
        if !self.central_contacts.is_empty() {
            j.key("centralContacts").begin_arr();
            for c in &self.central_contacts {
                write_contact(j, c);
            }
            j.end_arr();
        }
        if let Some((name, role)) = &self.official {
            j.key("overallOfficials")
                .begin_arr()
                .begin_obj()
                .field_str("name", name)
                .field_str("affiliation", self.sponsor)
                .field_str("role", role)
                .end_obj()
                .end_arr();
        }
        if !self.locations.is_empty() {
            j.key("locations").begin_arr();
            for l in &self.locations {
                j.begin_obj().field_str("facility", &l.facility);
                j.field_opt_str("status", l.status);
                j.field_str("city", l.city);
                j.field_opt_str("state", l.state);
                j.field_opt_str("zip", l.zip);
                j.field_str("country", l.country);
                if !l.contacts.is_empty() {
                    j.key("contacts").begin_arr();
                    for c in &l.contacts {
                        write_contact(j, c);
                    }
                    j.end_arr();
                }
                if let Some((lat, lon)) = l.geo {
                    j.key("geoPoint")
                        .begin_obj()
                        .key("lat")
                        .f64(lat)
                        .key("lon")
                        .f64(lon)
                        .end_obj();
                }
                j.end_obj();
            }
            j.end_arr();
        }
        j.end_obj();

        j.field_raw("referencesModule", self.tpl.references.as_deref());
        j.field_raw("ipdSharingStatementModule", self.tpl.ipd_sharing.as_deref());
        j.end_obj(); // protocolSection

        if let Some(res) = self.results {
            j.key("resultsSection").raw(res);
            j.field_raw("documentSection", self.tpl.document_section.as_deref());
        }
        j.key("derivedSection")
            .begin_obj()
            .key("miscInfoModule")
            .begin_obj()
            .field_str("versionHolder", &self.version_date)
            .end_obj()
            .end_obj();
        j.key("hasResults").bool(self.results.is_some());
        j.end_obj();
    }
}

fn write_contact(j: &mut Json, c: &Contact) {
    j.begin_obj()
        .field_str("name", &c.name)
        .field_str("role", c.role);
    j.field_opt_str("phone", c.phone.as_deref());
    j.field_opt_str("email", c.email.as_deref());
    j.end_obj();
}
