//! One batch of `seed generate`, written inside the caller's transaction:
//! users, agencies, their regions and certificates, offerings and theirs, the
//! change-log rows of every agency and offering, and one audit event.

use super::bulk::{
    self, NewAgency, NewAgencyRegion, NewOffering, NewOfferingRegion, NewQualification, NewUser,
};
use super::generate::{GenerateReport, Plan};
use crate::agencies::rules::AgencyStatus;
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::supervision::{changes, journal, Actor, Event, Publish};
use anyhow::anyhow;
use chrono::{DateTime, Utc};
use serde_json::json;
use std::collections::HashMap;

fn missing(what: &str) -> AppError {
    AppError::Internal(anyhow!("a batch insert did not return the {what} it wrote"))
}

/// Writes one batch of planned agencies inside the caller's transaction.
pub fn write(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    plans: &[Plan],
    password_hash: &str,
    seed: u64,
    report: &mut GenerateReport,
) -> AppResult<()> {
    let at = now.naive_utc();
    let new_users: Vec<NewUser> = plans
        .iter()
        .map(|p| NewUser {
            username: format!("bench_agency_{:07}", p.serial),
            display_name: &p.draft.name,
            role: "agency",
            organization_name: Some(&p.draft.name),
            organization_uscc: Some(&p.draft.uscc),
            password_hash,
            created_at: at,
            updated_at: at,
        })
        .collect();
    let user_ids: HashMap<String, i64> = bulk::users(conn, &new_users)?
        .into_iter()
        .map(|(id, name)| (name, id))
        .collect();
    let mut new_agencies = Vec::with_capacity(plans.len());
    for (plan, user) in plans.iter().zip(&new_users) {
        let d = &plan.draft;
        new_agencies.push(NewAgency {
            owner_user_id: *user_ids
                .get(&user.username)
                .ok_or_else(|| missing("users"))?,
            name: &d.name,
            uscc: &d.uscc,
            legal_representative: &d.legal_representative,
            region_code: &d.region_code,
            address: &d.address,
            contact_name: &d.contact_name,
            contact_phone: &d.contact_phone,
            contact_email: &d.contact_email,
            business_scope: &d.business_scope,
            commitment_accepted: true,
            status: AgencyStatus::Admitted.as_str(),
            submitted_at: Some(at),
            admitted_at: Some(at),
            created_at: at,
            updated_at: at,
        });
    }
    let by_owner: HashMap<i64, i64> = bulk::agencies(conn, &new_agencies)?
        .into_iter()
        .map(|(id, owner)| (owner, id))
        .collect();
    let agency_ids = new_agencies
        .iter()
        .map(|a| {
            by_owner
                .get(&a.owner_user_id)
                .copied()
                .ok_or_else(|| missing("agencies"))
        })
        .collect::<AppResult<Vec<i64>>>()?;

    let mut regions = Vec::new();
    let mut certificates = Vec::new();
    let mut new_offerings = Vec::new();
    for (plan, &agency_id) in plans.iter().zip(&agency_ids) {
        regions.extend(plan.draft.regions.iter().map(|code| NewAgencyRegion {
            agency_id,
            division_code: code,
        }));
        for (q, number, issuer, from, until) in &plan.qualifications {
            certificates.push(NewQualification {
                agency_id,
                qualification_type_id: q.qualification_type_id,
                level: q.level.as_deref(),
                certificate_no: number,
                issuer,
                valid_from: *from,
                valid_until: *until,
                status: "verified",
                verified_at: Some(at),
                created_at: at,
                updated_at: at,
            });
        }
        for (item_id, t) in &plan.offerings {
            new_offerings.push(NewOffering {
                agency_id,
                service_item_id: *item_id,
                title: &t.title,
                description: &t.description,
                whole_province: t.whole_province,
                price_basis: &t.price_basis,
                price_min_fen: t.price_min_fen,
                price_max_fen: t.price_max_fen,
                discount_min_permille: t.discount_min_permille,
                discount_max_permille: t.discount_max_permille,
                promised_days: t.promised_days,
                example_projects: t.example_projects.join("\n"),
                status: "published",
                published_at: Some(at),
                created_at: at,
                updated_at: at,
            });
        }
    }
    bulk::agency_regions(conn, &regions)?;
    bulk::qualifications(conn, &certificates)?;
    let offering_ids: HashMap<(i64, i64), i64> = bulk::offerings(conn, &new_offerings)?
        .into_iter()
        .map(|(id, agency, item)| ((agency, item), id))
        .collect();
    let mut served = Vec::new();
    let mut offering_keys = Vec::with_capacity(new_offerings.len());
    for (plan, &agency_id) in plans.iter().zip(&agency_ids) {
        for (item_id, t) in &plan.offerings {
            let id = *offering_ids
                .get(&(agency_id, *item_id))
                .ok_or_else(|| missing("offerings"))?;
            served.extend(t.regions.iter().map(|code| NewOfferingRegion {
                offering_id: id,
                division_code: code,
            }));
            offering_keys.push(id.to_string());
        }
    }
    bulk::offering_regions(conn, &served)?;

    let agency_keys: Vec<String> = agency_ids.iter().map(i64::to_string).collect();
    changes::publish_many(conn, now, "agency", &agency_keys, "agency.created")?;
    changes::publish_many(conn, now, "offering", &offering_keys, "offering.created")?;
    let (first, last) = (agency_ids.first().copied(), agency_ids.last().copied());
    let detail = json!({
        "seed": seed,
        "agencies": agency_ids.len(),
        "first_agency_id": first,
        "last_agency_id": last,
        "qualifications": certificates.len(),
        "offerings": new_offerings.len(),
    });
    let event = Event {
        action: "seed.generated",
        entity_type: "seed",
        entity_id: format!("{}-{}", first.unwrap_or(0), last.unwrap_or(0)),
        detail,
    };
    journal(conn, now, &Actor::command_line(), event, Publish::No)?;

    report.agencies += agency_ids.len() as u64;
    report.qualifications += certificates.len() as u64;
    report.offerings += new_offerings.len() as u64;
    report.rows += (new_users.len() * 2 + regions.len() + certificates.len()) as u64
        + (new_offerings.len() * 2 + served.len() + agency_ids.len() + 1) as u64;
    Ok(())
}
