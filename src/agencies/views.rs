//! JSON shapes of the agencies API.

use super::model::{AgencyRow, PractitionerRow, QualificationRow};
use super::rules::{AgencyStatus, AttachmentLink};
use crate::catalog::views::QualificationTypeView;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Clone, Serialize, ToSchema)]
pub struct RegionView {
    pub code: String,
    pub name: String,
}

#[derive(Clone, Serialize, ToSchema)]
pub struct QualificationView {
    pub id: i64,
    pub qualification_type: QualificationTypeView,
    pub level: Option<String>,
    pub certificate_no: String,
    pub issuer: String,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    /// pending | verified | rejected | revoked
    pub status: String,
    pub status_reason: Option<String>,
    /// Verified and inside its validity now.
    pub valid_now: bool,
    /// Only its owner and administrators see the scan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scan_attachment_id: Option<i64>,
}

impl QualificationView {
    pub fn new(
        row: &QualificationRow,
        kind: QualificationTypeView,
        now: DateTime<Utc>,
        show_private: bool,
    ) -> Self {
        QualificationView {
            id: row.id,
            qualification_type: kind,
            level: row.level.clone(),
            certificate_no: row.certificate_no.clone(),
            issuer: row.issuer.clone(),
            valid_from: row.valid_from,
            valid_until: row.valid_until,
            status: row.status.clone(),
            status_reason: row.status_reason.clone(),
            valid_now: row.valid_at(now),
            scan_attachment_id: if show_private {
                row.scan_attachment_id
            } else {
                None
            },
        }
    }
}

#[derive(Clone, Serialize, ToSchema)]
pub struct PractitionerView {
    pub id: i64,
    pub name: String,
    pub certificate_type: String,
    pub certificate_no: String,
}

impl From<&PractitionerRow> for PractitionerView {
    fn from(row: &PractitionerRow) -> Self {
        PractitionerView {
            id: row.id,
            name: row.name.clone(),
            certificate_type: row.certificate_type.clone(),
            certificate_no: row.certificate_no.clone(),
        }
    }
}

#[derive(Clone, Serialize, ToSchema)]
pub struct AgencyView {
    pub id: i64,
    pub name: String,
    pub uscc: String,
    pub legal_representative: String,
    pub region: RegionView,
    pub address: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub business_scope: String,
    pub commitment_accepted: bool,
    pub status: AgencyStatus,
    /// The reviewer's reason for a return, suspension or expulsion.
    pub status_reason: Option<String>,
    /// End of a suspension or expulsion period.
    pub status_until: Option<DateTime<Utc>>,
    pub admitted_at: Option<DateTime<Utc>>,
    pub regions: Vec<RegionView>,
    pub qualifications: Vec<QualificationView>,
    pub practitioners: Vec<PractitionerView>,
    /// Only its owner and administrators see the attachments.
    pub attachments: Vec<AttachmentLink>,
    /// Published offerings visible now.
    pub live_offerings: i64,
    /// Placeholder until the credit record exists (issue: contracts and credit).
    pub credit_score: Option<i64>,
    pub created_at: DateTime<Utc>,
}

impl AgencyView {
    pub fn base(row: &AgencyRow, region: RegionView, now: DateTime<Utc>) -> Self {
        AgencyView {
            id: row.id,
            name: row.name.clone(),
            uscc: row.uscc.clone(),
            legal_representative: row.legal_representative.clone(),
            region,
            address: row.address.clone(),
            contact_name: row.contact_name.clone(),
            contact_phone: row.contact_phone.clone(),
            contact_email: row.contact_email.clone(),
            business_scope: row.business_scope.clone(),
            commitment_accepted: row.commitment_accepted,
            status: row.status_at(now),
            status_reason: row.status_reason.clone(),
            status_until: row.status_until.map(|t| t.and_utc()),
            admitted_at: row.admitted_at.map(|t| t.and_utc()),
            regions: vec![],
            qualifications: vec![],
            practitioners: vec![],
            attachments: vec![],
            live_offerings: 0,
            credit_score: None,
            created_at: row.created_at.and_utc(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AgencyEnvelope {
    pub agency: AgencyView,
}

#[derive(Serialize, ToSchema)]
pub struct AgencyList {
    pub agencies: Vec<AgencyView>,
    pub meta: crate::accounts::views::ListMeta,
}

#[derive(Serialize, ToSchema)]
pub struct QualificationEnvelope {
    pub qualification: QualificationView,
}

#[derive(Serialize, ToSchema)]
pub struct PractitionerEnvelope {
    pub practitioner: PractitionerView,
}
