//! The ClinicalTrials.gov API v2 "pieces" (the data structure's named
//! fields, e.g. `BriefTitle`, `Phase`, `LastUpdatePostDate`) that the index
//! holds, each in a field of its own, so that a query can name the piece it
//! searches (`AREA[Condition]lupus`), filter on it (`AREA[Phase]PHASE2`),
//! take a range of it (`AREA[StartDate]RANGE[2022, MAX]`) or sort by it.
//!
//! Pieces come from eligo's [`Trial`], not from the raw record, so only the
//! pieces the model keeps are served. Pure apart from building tantivy
//! values.

use eligo_model::Trial;
use eligo_model::trial::{AgeLimit, AgeUnit, PartialDate};
use tantivy::TantivyDocument;
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, STRING, SchemaBuilder, TextFieldIndexing, TextOptions,
};

macro_rules! pieces {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The piece name, as API v2 spells it.
            pub fn name(self) -> &'static str {
                match self { $($name::$variant => stringify!($variant),)* }
            }

            /// The piece with this name (case-insensitive, as the registry's
            /// search reads `AREA[...]`).
            pub fn from_name(s: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|p| p.name().eq_ignore_ascii_case(s.trim()))
            }
        }
    };
}

pieces!(
    /// Free-text pieces: searched word by word (stemmed) and by phrase.
    TextPiece {
        NCTId,
        Acronym,
        BriefTitle,
        OfficialTitle,
        OrgStudyId,
        SecondaryId,
        BriefSummary,
        DetailedDescription,
        Condition,
        Keyword,
        InterventionName,
        InterventionOtherName,
        InterventionDescription,
        ArmGroupLabel,
        ArmGroupDescription,
        PrimaryOutcomeMeasure,
        PrimaryOutcomeDescription,
        PrimaryOutcomeTimeFrame,
        SecondaryOutcomeMeasure,
        SecondaryOutcomeDescription,
        SecondaryOutcomeTimeFrame,
        OtherOutcomeMeasure,
        OtherOutcomeDescription,
        OtherOutcomeTimeFrame,
        EligibilityCriteria,
        LeadSponsorName,
        CollaboratorName,
        ResponsiblePartyInvestigatorFullName,
        OverallOfficialName,
        OverallOfficialAffiliation,
        LocationFacility,
        LocationCity,
        LocationState,
        LocationZip,
        LocationCountry,
        /// eligo's own piece, as the registry's derived MeSH terms are its
        /// own: the vocabulary's labels and synonyms for the conditions the
        /// titles and conditions name, derived ones included, so that
        /// `query.cond=lupus` finds a trial titled "... Refractory SLE"
        /// without a derived condition passing for a registered one.
        ConditionSynonym,
    }
);

pieces!(
    /// Coded pieces: matched by their whole value, case-insensitively
    /// (`AREA[Phase]PHASE2`, `AREA[HasResults]true`).
    KeyPiece {
        NCTId,
        OverallStatus,
        Phase,
        StudyType,
        Sex,
        StdAge,
        HealthyVolunteers,
        HasResults,
        EnrollmentType,
        DesignAllocation,
        DesignInterventionModel,
        DesignPrimaryPurpose,
        DesignMasking,
        DesignWhoMasked,
        DesignObservationalModel,
        DesignTimePerspective,
        InterventionType,
        ArmGroupType,
        LeadSponsorClass,
        CollaboratorClass,
        ResponsiblePartyType,
        OverallOfficialRole,
        LocationStatus,
        StartDateType,
        PrimaryCompletionDateType,
        CompletionDateType,
    }
);

pieces!(
    /// Ordered pieces: dates (as days since 1970-01-01, a partial date at its
    /// first day), counts, and ages (in minutes). Ranges and sorting.
    NumPiece {
        StartDate,
        PrimaryCompletionDate,
        CompletionDate,
        StudyFirstSubmitDate,
        StudyFirstPostDate,
        LastUpdateSubmitDate,
        LastUpdatePostDate,
        StatusVerifiedDate,
        EnrollmentCount,
        NumArmGroups,
        MinimumAge,
        MaximumAge,
    }
);

/// What the numbers of a [`NumPiece`] mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumKind {
    /// Days since 1970-01-01.
    Date,
    /// A count.
    Integer,
    /// An age in minutes.
    Age,
}

impl NumPiece {
    pub fn kind(self) -> NumKind {
        match self {
            NumPiece::EnrollmentCount | NumPiece::NumArmGroups => NumKind::Integer,
            NumPiece::MinimumAge | NumPiece::MaximumAge => NumKind::Age,
            _ => NumKind::Date,
        }
    }
}

impl TextPiece {
    /// Pieces whose text is already in one of the index's full-text fields
    /// one to one (the long ones), so they are not indexed twice.
    fn shared(self) -> bool {
        matches!(
            self,
            TextPiece::BriefSummary
                | TextPiece::DetailedDescription
                | TextPiece::EligibilityCriteria
        )
    }
}

/// Handles to the piece fields of the schema.
#[derive(Clone, Copy, Debug)]
pub struct PieceFields {
    text: [Field; TextPiece::ALL.len()],
    num: [Field; NumPiece::ALL.len()],
    /// Lower-cased `Piece=value` keys of the [`KeyPiece`]s.
    pub keys: Field,
    /// Fast: the trial's place in the default order ([`order_key`]), which
    /// also breaks ties in every sort.
    pub order: Field,
    /// Fast, indexed, one value per located site: [`pack_point`].
    pub geo: Field,
}

impl PieceFields {
    /// Add the piece fields to `b`. `summary`, `description` and
    /// `criteria` are the full-text fields that already hold those pieces.
    pub fn add(b: &mut SchemaBuilder, summary: Field, description: Field, criteria: Field) -> Self {
        let text_options = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("en_stem")
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let text = TextPiece::ALL
            .iter()
            .map(|p| match p {
                TextPiece::BriefSummary => summary,
                TextPiece::DetailedDescription => description,
                TextPiece::EligibilityCriteria => criteria,
                p => b.add_text_field(&format!("v2_{}", p.name()), text_options.clone()),
            })
            .collect::<Vec<_>>()
            .try_into()
            .expect("one field per text piece");
        let numeric = NumericOptions::default().set_fast();
        let num = NumPiece::ALL
            .iter()
            .map(|p| b.add_i64_field(&format!("v2_{}", p.name()), numeric.clone()))
            .collect::<Vec<_>>()
            .try_into()
            .expect("one field per numeric piece");
        PieceFields {
            text,
            num,
            keys: b.add_text_field("v2_keys", STRING),
            order: b.add_u64_field("v2_order", NumericOptions::default().set_fast()),
            geo: b.add_u64_field("v2_geo", numeric),
        }
    }

    pub fn text(&self, p: TextPiece) -> Field {
        self.text[p as usize]
    }

    pub fn num(&self, p: NumPiece) -> Field {
        self.num[p as usize]
    }

    /// The fast-field name of a numeric piece.
    pub fn num_name(p: NumPiece) -> String {
        format!("v2_{}", p.name())
    }
}

/// The exact-match key of a coded value: `phase=phase2`.
pub fn key(piece: KeyPiece, value: &str) -> String {
    format!(
        "{}={}",
        piece.name().to_lowercase(),
        value.trim().to_lowercase()
    )
}

/// Where a trial falls in the default order, unique per id and in id order
/// within each kind: NCT ids by number (`NCT06946485` → 6946485), then
/// eligo's local ids (`ELIGO-` and 12 hex digits) by their number, then any
/// other id by a hash.
pub fn order_key(id: &str) -> u64 {
    if let Some(n) = id
        .strip_prefix("NCT")
        .filter(|d| d.len() == 8 && d.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|d| d.parse::<u64>().ok())
    {
        return n;
    }
    if let Some(n) = id
        .strip_prefix("ELIGO-")
        .filter(|h| h.len() == 12 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        .and_then(|h| u64::from_str_radix(h, 16).ok())
    {
        return (1 << 62) | n;
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (1 << 63) | (h >> 1)
}

/// The id an [`order_key`] was made from, when the key says it (NCT and
/// eligo ids; a hashed id needs the stored document).
pub fn id_of_order_key(k: u64) -> Option<String> {
    if k < 100_000_000 {
        Some(format!("NCT{k:08}"))
    } else if k >> 62 == 1 && (k & ((1 << 62) - 1)) < (1 << 48) {
        Some(format!("ELIGO-{:012X}", k & ((1 << 48) - 1)))
    } else {
        None
    }
}

/// A point as one sortable u64: latitude in the high 32 bits (so a range of
/// keys is a band of latitudes), longitude in the low 32, each scaled to
/// the full u32 range (about 5 mm steps).
pub fn pack_point(lat: f64, lon: f64) -> u64 {
    let q = |v: f64, lo: f64, span: f64| -> u64 {
        (((v - lo) / span) * f64::from(u32::MAX))
            .round()
            .clamp(0.0, f64::from(u32::MAX)) as u64
    };
    (q(lat, -90.0, 180.0) << 32) | q(lon, -180.0, 360.0)
}

/// The (latitude, longitude) a [`pack_point`] value stands for.
pub fn unpack_point(v: u64) -> (f64, f64) {
    let d = |q: u64, lo: f64, span: f64| lo + (q as f64 / f64::from(u32::MAX)) * span;
    (d(v >> 32, -90.0, 180.0), d(v & 0xFFFF_FFFF, -180.0, 360.0))
}

/// Days from 1970-01-01 to the civil date `y-m-d` (proleptic Gregorian).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A partial date's first day, in days since 1970-01-01.
pub fn date_days(d: PartialDate) -> i64 {
    days_from_civil(
        i64::from(d.year),
        u32::from(d.month.unwrap_or(1)),
        u32::from(d.day.unwrap_or(1)),
    )
}

pub const MINUTES_PER_YEAR: f64 = 365.25 * 24.0 * 60.0;

/// An age limit in whole minutes (a month is a twelfth of a year, a year
/// 365.25 days, as the registry's age ranges are read).
pub fn age_minutes(a: AgeLimit) -> i64 {
    let v = f64::from(a.value);
    let minutes = match a.unit {
        AgeUnit::Minutes => v,
        AgeUnit::Hours => v * 60.0,
        AgeUnit::Days => v * 24.0 * 60.0,
        AgeUnit::Weeks => v * 7.0 * 24.0 * 60.0,
        AgeUnit::Months => v * MINUTES_PER_YEAR / 12.0,
        AgeUnit::Years => v * MINUTES_PER_YEAR,
    };
    minutes.round() as i64
}

/// The trial's overall status, unless the record does not state one.
fn status_code(t: &Trial) -> Option<&'static str> {
    t.status.map(|s| s.code())
}

/// Who may enrol, unless the record does not say.
fn sex_code(t: &Trial) -> Option<&'static str> {
    t.eligibility.sex.map(|s| s.code())
}

/// Add the pieces of `t` to its index document.
pub fn add_pieces(f: &PieceFields, t: &Trial, d: &mut TantivyDocument) {
    let mut text = |p: TextPiece, s: &str| {
        if !p.shared() && !s.trim().is_empty() {
            d.add_text(f.text(p), s);
        }
    };
    use TextPiece as T;
    if let Some(n) = &t.nct_id {
        text(T::NCTId, n);
    }
    for (p, v) in [
        (T::Acronym, &t.acronym),
        (T::OfficialTitle, &t.official_title),
        (T::OrgStudyId, &t.org_study_id),
    ] {
        if let Some(v) = v {
            text(p, v);
        }
    }
    text(T::BriefTitle, &t.brief_title);
    for s in &t.secondary_ids {
        text(T::SecondaryId, &s.id);
    }
    // Values eligo derived (e.g. conditions read from the title) never pass
    // for registered ones in a query by piece.
    if !t.is_derived("conditions") {
        for c in &t.conditions {
            text(T::Condition, c);
        }
    }
    for k in &t.keywords {
        text(T::Keyword, k);
    }
    for c in t
        .conditions
        .iter()
        .filter(|_| t.is_derived("conditions"))
        .map(String::as_str)
        .chain(crate::schema::condition_synonyms(t))
    {
        text(T::ConditionSynonym, c);
    }
    for (n, i) in t.interventions.iter().enumerate() {
        if t.is_derived(&format!("interventions[{n}]")) {
            continue;
        }
        text(T::InterventionName, &i.name);
        for o in &i.other_names {
            text(T::InterventionOtherName, o);
        }
        if let Some(s) = &i.description {
            text(T::InterventionDescription, s);
        }
    }
    for a in &t.arms {
        text(T::ArmGroupLabel, &a.label);
        if let Some(s) = &a.description {
            text(T::ArmGroupDescription, s);
        }
    }
    for (outcomes, [m, desc, tf]) in [
        (
            &t.primary_outcomes,
            [
                T::PrimaryOutcomeMeasure,
                T::PrimaryOutcomeDescription,
                T::PrimaryOutcomeTimeFrame,
            ],
        ),
        (
            &t.secondary_outcomes,
            [
                T::SecondaryOutcomeMeasure,
                T::SecondaryOutcomeDescription,
                T::SecondaryOutcomeTimeFrame,
            ],
        ),
        (
            &t.other_outcomes,
            [
                T::OtherOutcomeMeasure,
                T::OtherOutcomeDescription,
                T::OtherOutcomeTimeFrame,
            ],
        ),
    ] {
        for o in outcomes {
            text(m, &o.measure);
            if let Some(s) = &o.description {
                text(desc, s);
            }
            if let Some(s) = &o.time_frame {
                text(tf, s);
            }
        }
    }
    if let Some(s) = &t.sponsor {
        text(T::LeadSponsorName, &s.name);
    }
    for c in &t.collaborators {
        text(T::CollaboratorName, &c.name);
    }
    if let Some(n) = t
        .responsible_party
        .as_ref()
        .and_then(|r| r.investigator_name.as_ref())
    {
        text(T::ResponsiblePartyInvestigatorFullName, n);
    }
    for o in &t.officials {
        text(T::OverallOfficialName, &o.name);
        if let Some(a) = &o.affiliation {
            text(T::OverallOfficialAffiliation, a);
        }
    }
    for l in &t.locations {
        for (p, v) in [
            (T::LocationFacility, &l.facility),
            (T::LocationCity, &l.city),
            (T::LocationState, &l.state),
            (T::LocationZip, &l.zip),
            (T::LocationCountry, &l.country),
        ] {
            if let Some(v) = v {
                text(p, v);
            }
        }
    }

    let mut keys: Vec<String> = Vec::new();
    let mut k = |p: KeyPiece, v: &str| {
        let key = key(p, v);
        if !v.trim().is_empty() && !keys.contains(&key) {
            keys.push(key);
        }
    };
    use KeyPiece as K;
    if let Some(n) = &t.nct_id {
        k(K::NCTId, n);
    }
    if let Some(s) = status_code(t) {
        k(K::OverallStatus, s);
    }
    for p in &t.phases {
        k(K::Phase, p.code());
    }
    if let Some(s) = t.study_type {
        k(K::StudyType, s.code());
    }
    if let Some(s) = sex_code(t) {
        k(K::Sex, s);
    }
    for a in &t.eligibility.std_ages {
        k(K::StdAge, a);
    }
    if let Some(h) = t.eligibility.healthy_volunteers {
        k(K::HealthyVolunteers, if h { "true" } else { "false" });
    }
    if !t.partial || t.has_results {
        k(K::HasResults, if t.has_results { "true" } else { "false" });
    }
    if let Some(kind) = t.enrollment.as_ref().and_then(|e| e.kind) {
        k(
            K::EnrollmentType,
            match kind {
                eligo_model::trial::Actuality::Actual => "ACTUAL",
                eligo_model::trial::Actuality::Estimated => "ESTIMATED",
            },
        );
    }
    let design = &t.design;
    for (p, v) in [
        (K::DesignAllocation, &design.allocation),
        (K::DesignInterventionModel, &design.intervention_model),
        (K::DesignPrimaryPurpose, &design.primary_purpose),
        (K::DesignMasking, &design.masking),
        (K::DesignObservationalModel, &design.observational_model),
        (K::DesignTimePerspective, &design.time_perspective),
    ] {
        if let Some(v) = v {
            k(p, v);
        }
    }
    for w in &design.who_masked {
        k(K::DesignWhoMasked, w);
    }
    for i in &t.interventions {
        if let Some(kind) = &i.kind {
            k(K::InterventionType, kind);
        }
    }
    for a in &t.arms {
        if let Some(kind) = &a.kind {
            k(K::ArmGroupType, kind);
        }
    }
    if let Some(c) = t.sponsor.as_ref().and_then(|s| s.class.as_ref()) {
        k(K::LeadSponsorClass, c);
    }
    for c in t.collaborators.iter().filter_map(|c| c.class.as_ref()) {
        k(K::CollaboratorClass, c);
    }
    if let Some(kind) = t.responsible_party.as_ref().and_then(|r| r.kind.as_ref()) {
        k(K::ResponsiblePartyType, kind);
    }
    for r in t.officials.iter().filter_map(|o| o.role.as_ref()) {
        k(K::OverallOfficialRole, r);
    }
    for s in t.locations.iter().filter_map(|l| l.status.as_ref()) {
        k(K::LocationStatus, s);
    }
    for (p, m) in [
        (K::StartDateType, &t.dates.start),
        (K::PrimaryCompletionDateType, &t.dates.primary_completion),
        (K::CompletionDateType, &t.dates.completion),
    ] {
        if let Some(kind) = m.as_ref().and_then(|m| m.kind) {
            k(
                p,
                match kind {
                    eligo_model::trial::Actuality::Actual => "ACTUAL",
                    eligo_model::trial::Actuality::Estimated => "ESTIMATED",
                },
            );
        }
    }
    for key in keys {
        d.add_text(f.keys, key);
    }

    use NumPiece as N;
    let dates = &t.dates;
    let nums: [(NumPiece, Option<i64>); 12] = [
        (
            N::StartDate,
            dates.start.as_ref().map(|m| date_days(m.date)),
        ),
        (
            N::PrimaryCompletionDate,
            dates.primary_completion.as_ref().map(|m| date_days(m.date)),
        ),
        (
            N::CompletionDate,
            dates.completion.as_ref().map(|m| date_days(m.date)),
        ),
        (
            N::StudyFirstSubmitDate,
            dates.first_submitted.map(date_days),
        ),
        (
            N::StudyFirstPostDate,
            dates.first_posted.as_ref().map(|m| date_days(m.date)),
        ),
        (
            N::LastUpdateSubmitDate,
            dates.last_update_submitted.map(date_days),
        ),
        (
            N::LastUpdatePostDate,
            dates.last_update_posted.as_ref().map(|m| date_days(m.date)),
        ),
        (N::StatusVerifiedDate, dates.status_verified.map(date_days)),
        (
            N::EnrollmentCount,
            t.enrollment.as_ref().map(|e| i64::from(e.count)),
        ),
        (
            N::NumArmGroups,
            (!t.arms.is_empty()).then_some(t.arms.len() as i64),
        ),
        (N::MinimumAge, t.eligibility.min_age.map(age_minutes)),
        (N::MaximumAge, t.eligibility.max_age.map(age_minutes)),
    ];
    for (p, v) in nums {
        if let Some(v) = v {
            d.add_i64(f.num(p), v);
        }
    }

    d.add_u64(f.order, order_key(&t.id));
    let gazetteer = eligo_geo::Gazetteer::get();
    let mut points: Vec<u64> = Vec::new();
    for l in &t.locations {
        if let Some(at) = gazetteer.locate(l) {
            let v = pack_point(at.point.lat(), at.point.lon());
            if !points.contains(&v) {
                points.push(v);
            }
        }
    }
    for v in points {
        d.add_u64(f.geo, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_keys_keep_id_order_and_give_the_id_back() {
        assert!(order_key("NCT00000002") < order_key("NCT06946485"));
        assert!(order_key("NCT99999999") < order_key("ELIGO-000000000000"));
        assert!(order_key("ELIGO-FFFFFFFFFFFF") < order_key("X"));
        for id in ["NCT00000001", "NCT06946485", "ELIGO-0A1B2C3D4E5F"] {
            assert_eq!(id_of_order_key(order_key(id)).as_deref(), Some(id));
        }
        assert_eq!(id_of_order_key(order_key("local-1")), None);
    }

    #[test]
    fn civil_days_match_the_calendar() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        // 2024 is a leap year: 366 days to 2025-01-01.
        assert_eq!(
            days_from_civil(2025, 1, 1) - days_from_civil(2024, 1, 1),
            366
        );
    }

    #[test]
    fn packed_points_round_trip_within_centimetres() {
        for (lat, lon) in [
            (32.0569, 118.7794),
            (-90.0, -180.0),
            (90.0, 180.0),
            (48.85, 2.35),
        ] {
            let (a, b) = unpack_point(pack_point(lat, lon));
            assert!((a - lat).abs() < 1e-7 && (b - lon).abs() < 1e-7);
        }
        assert!(pack_point(10.0, 170.0) < pack_point(11.0, -170.0));
    }
}
