//! Diesel rows of agencies, their qualifications and practitioners.

use super::rules::AgencyStatus;
use crate::db::schema::{agencies, practitioners, qualifications};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = agencies)]
pub struct AgencyRow {
    pub id: i64,
    pub owner_user_id: i64,
    pub name: String,
    pub uscc: String,
    pub legal_representative: String,
    pub region_code: String,
    pub address: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub business_scope: String,
    pub commitment_accepted: bool,
    pub status: String,
    pub status_reason: Option<String>,
    pub status_until: Option<NaiveDateTime>,
    pub submitted_at: Option<NaiveDateTime>,
    pub admitted_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl AgencyRow {
    pub fn stored_status(&self) -> AgencyStatus {
        AgencyStatus::parse(&self.status).unwrap_or(AgencyStatus::Draft)
    }

    /// The status as of `now`: a suspension whose period is over has ended.
    pub fn status_at(&self, now: DateTime<Utc>) -> AgencyStatus {
        super::rules::effective_status(self.stored_status(), self.status_until, now)
    }
}

#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = qualifications)]
pub struct QualificationRow {
    pub id: i64,
    pub agency_id: i64,
    pub qualification_type_id: i64,
    pub level: Option<String>,
    pub certificate_no: String,
    pub issuer: String,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    pub scan_attachment_id: Option<i64>,
    pub status: String,
    pub status_reason: Option<String>,
    pub verified_at: Option<NaiveDateTime>,
    pub expiry_warned_at: Option<NaiveDateTime>,
    pub expiry_published_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl QualificationRow {
    pub fn valid_at(&self, now: DateTime<Utc>) -> bool {
        super::rules::qualification_valid(&self.status, self.valid_from, self.valid_until, now)
    }
}

#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = practitioners)]
pub struct PractitionerRow {
    pub id: i64,
    pub agency_id: i64,
    pub name: String,
    pub certificate_type: String,
    pub certificate_no: String,
    pub created_at: NaiveDateTime,
}
