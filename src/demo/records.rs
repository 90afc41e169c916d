//! The demo market's rows, one at a time inside the seeding transaction:
//! an agency, a certificate, an offering, each journaled (by the system actor)
//! as the services journal them, so the audit trail and the change log see
//! the demo as if it had been entered through the site.

use super::catalogue::Catalogue;
use super::credentials::{self, Standing};
use super::identities::AgencyDraft;
use crate::agencies::rules::AgencyStatus;
use crate::calendar::WorkingCalendar;
use crate::catalog::rules::HeldQualification;
use crate::db::schema::{agencies, agency_regions, offering_regions, offerings, qualifications};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::offerings::rules::{validate_terms, OfferingTerms};
use crate::supervision::{journal, Actor, Event, Publish};
use anyhow::anyhow;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use rand::rngs::StdRng;
use serde_json::json;

fn event(
    action: &'static str,
    entity_type: &'static str,
    id: i64,
    detail: serde_json::Value,
) -> Event {
    Event {
        action,
        entity_type,
        entity_id: id.to_string(),
        detail,
    }
}

/// Inserts a demo agency in `status` with its regions, and journals the
/// events its path through the services would have left.
pub fn agency(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    owner: i64,
    draft: &AgencyDraft,
    status: AgencyStatus,
    reason: Option<&str>,
) -> AppResult<i64> {
    let at = now.naive_utc();
    let submitted = status != AgencyStatus::Draft;
    let id: i64 = diesel::insert_into(agencies::table)
        .values((
            agencies::owner_user_id.eq(owner),
            agencies::name.eq(&draft.name),
            agencies::uscc.eq(&draft.uscc),
            agencies::legal_representative.eq(&draft.legal_representative),
            agencies::region_code.eq(&draft.region_code),
            agencies::address.eq(&draft.address),
            agencies::contact_name.eq(&draft.contact_name),
            agencies::contact_phone.eq(&draft.contact_phone),
            agencies::contact_email.eq(&draft.contact_email),
            agencies::business_scope.eq(&draft.business_scope),
            agencies::commitment_accepted.eq(submitted),
            agencies::status.eq(status.as_str()),
            agencies::status_reason.eq(reason),
            agencies::submitted_at.eq(submitted.then_some(at)),
            agencies::admitted_at.eq((status == AgencyStatus::Admitted).then_some(at)),
            agencies::created_at.eq(at),
            agencies::updated_at.eq(at),
        ))
        .returning(agencies::id)
        .get_result(conn)?;
    for code in &draft.regions {
        diesel::insert_into(agency_regions::table)
            .values((
                agency_regions::agency_id.eq(id),
                agency_regions::division_code.eq(code),
            ))
            .execute(conn)?;
    }
    // The events the agency's own path through the services would have left.
    let system = Actor::system();
    let created = json!({ "name": draft.name, "uscc": draft.uscc });
    journal(
        conn,
        now,
        &system,
        event("agency.created", "agency", id, created),
        Publish::Yes,
    )?;
    if submitted {
        let from = json!({ "from": AgencyStatus::Draft.as_str() });
        journal(
            conn,
            now,
            &system,
            event("agency.submitted", "agency", id, from),
            Publish::Yes,
        )?;
    }
    let decided = match status {
        AgencyStatus::Admitted => Some("agency.admitted"),
        AgencyStatus::Returned => Some("agency.returned"),
        _ => None,
    };
    if let Some(action) = decided {
        let detail =
            json!({ "from": "submitted", "to": status.as_str(), "reason": reason, "until": null });
        journal(
            conn,
            now,
            &system,
            event(action, "agency", id, detail),
            Publish::Yes,
        )?;
    }
    if let Some(reason) = reason {
        let body = format!(
            "您的机构“{}”状态已变为“{}”。理由：{reason}",
            draft.name,
            status.label_zh()
        );
        let subject = format!("机构审核结果：{}", status.label_zh());
        crate::messages::send(conn, now, owner, &subject, &body, "/my/agency")?;
    }
    Ok(id)
}

/// A certificate to record for a demo agency.
pub struct Certificate<'a> {
    /// The qualification type's code.
    pub code: &'a str,
    pub level: Option<&'a str>,
    pub standing: Standing,
    /// Verified by the centre (admitted agencies) or still pending.
    pub verified: bool,
}

/// Records a certificate; returns it when it counts now (verified and in date).
pub fn qualification(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    catalogue: &Catalogue,
    agency_id: i64,
    Certificate {
        code,
        level,
        standing,
        verified,
    }: Certificate,
    rng: &mut StdRng,
) -> AppResult<Option<HeldQualification>> {
    let today = WorkingCalendar::local_date(now);
    let Some(kind) = catalogue.kind(code) else {
        // An administrator may have edited the types since: leave this one out.
        return Ok(None);
    };
    let (valid_from, valid_until) = credentials::validity(today, standing, rng);
    let certificate_no = credentials::certificate_no(code, level, rng);
    let at = now.naive_utc();
    let id: i64 = diesel::insert_into(qualifications::table)
        .values((
            qualifications::agency_id.eq(agency_id),
            qualifications::qualification_type_id.eq(kind.id),
            qualifications::level.eq(level),
            qualifications::certificate_no.eq(&certificate_no),
            qualifications::issuer.eq(credentials::issuer_in_jiangxi(&kind.issuer)),
            qualifications::valid_from.eq(valid_from),
            qualifications::valid_until.eq(valid_until),
            qualifications::status.eq(if verified { "verified" } else { "pending" }),
            qualifications::verified_at.eq(verified.then_some(at)),
            qualifications::created_at.eq(at),
            qualifications::updated_at.eq(at),
        ))
        .returning(qualifications::id)
        .get_result(conn)?;
    let system = Actor::system();
    let added = json!({ "agency_id": agency_id, "type": code, "level": level, "certificate_no": certificate_no });
    journal(
        conn,
        now,
        &system,
        event("qualification.added", "qualification", id, added),
        Publish::Yes,
    )?;
    if verified {
        let detail = json!({ "agency_id": agency_id, "reason": null });
        journal(
            conn,
            now,
            &system,
            event("qualification.verified", "qualification", id, detail),
            Publish::Yes,
        )?;
    }
    let counts = verified && !matches!(standing, Standing::ExpiredFor(_));
    Ok(counts.then(|| HeldQualification {
        qualification_type_id: kind.id,
        level: level.map(str::to_owned),
    }))
}

/// Inserts a published offering with its regions, and journals it.
pub fn offering(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    agency_id: i64,
    item_id: i64,
    terms: &OfferingTerms,
    declared: &[String],
) -> AppResult<()> {
    // The same rules an agency's own offering passes; a failure here is a bug in the generators.
    let errors = validate_terms(terms, declared);
    if let Some(error) = errors.first() {
        return Err(AppError::Internal(anyhow!(
            "demo offering: {}: {}",
            error.field,
            error.message_en
        )));
    }
    let at = now.naive_utc();
    let id: i64 = diesel::insert_into(offerings::table)
        .values((
            offerings::agency_id.eq(agency_id),
            offerings::service_item_id.eq(item_id),
            offerings::title.eq(&terms.title),
            offerings::description.eq(&terms.description),
            offerings::whole_province.eq(terms.whole_province),
            offerings::price_basis.eq(&terms.price_basis),
            offerings::price_min_fen.eq(terms.price_min_fen),
            offerings::price_max_fen.eq(terms.price_max_fen),
            offerings::discount_min_permille.eq(terms.discount_min_permille),
            offerings::discount_max_permille.eq(terms.discount_max_permille),
            offerings::promised_days.eq(terms.promised_days),
            offerings::example_projects.eq(terms.example_projects.join("\n")),
            offerings::status.eq("published"),
            offerings::published_at.eq(Some(at)),
            offerings::created_at.eq(at),
            offerings::updated_at.eq(at),
        ))
        .returning(offerings::id)
        .get_result(conn)?;
    for code in &terms.regions {
        diesel::insert_into(offering_regions::table)
            .values((
                offering_regions::offering_id.eq(id),
                offering_regions::division_code.eq(code),
            ))
            .execute(conn)?;
    }
    let detail =
        json!({ "agency_id": agency_id, "service_item_id": item_id, "status": "published" });
    journal(
        conn,
        now,
        &Actor::system(),
        event("offering.created", "offering", id, detail),
        Publish::Yes,
    )?;
    Ok(())
}
