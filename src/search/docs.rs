//! Search documents built from the database: an offering while it is live,
//! an agency while it is admitted. What is not (any more) gets deleted from
//! the index.

use crate::agencies::model::AgencyRow;
use crate::agencies::rules::AgencyStatus;
use crate::catalog::rules::Requirement;
use crate::catalog::service as catalog;
use crate::db::schema::{
    agencies, agency_regions, offering_regions, offerings, qualification_types, qualifications,
};
use crate::db::DbConnection;
use crate::error::AppResult;
use crate::offerings::live::{grouped, LiveContext, CHUNK};
use crate::offerings::model::OfferingRow;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use search_index::{AgencyDoc, Change, OfferingDoc, Qualification};
use std::collections::HashMap;

/// A verified qualification as search text, with its type.
type TypedQualification = (i64, Qualification);

/// The verified qualifications of these agencies: (type, (type name, level, number)).
fn qualifications_of(
    conn: &mut DbConnection,
    agency_ids: &[i64],
) -> QueryResult<HashMap<i64, Vec<TypedQualification>>> {
    grouped(agency_ids, |chunk| {
        let rows: Vec<(i64, i64, String, Option<String>, String)> = qualifications::table
            .inner_join(qualification_types::table)
            .filter(qualifications::agency_id.eq_any(chunk))
            .filter(qualifications::status.eq("verified"))
            .select((
                qualifications::agency_id,
                qualification_types::id,
                qualification_types::name,
                qualifications::level,
                qualifications::certificate_no,
            ))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(agency, kind, name, level, number)| (agency, (kind, (name, level, number))))
            .collect())
    })
}

/// What an offering is searched and filtered by among its agency's
/// qualifications: those its service item calls for. An agency's other
/// qualifications say nothing about this service; with them, a surveyor's
/// offering would be found by 环评 because the firm also holds an EIA licence.
fn qualifications_for_item(
    held: &[TypedQualification],
    required: &[Requirement],
) -> Vec<Qualification> {
    held.iter()
        .filter(|(kind, _)| required.iter().any(|r| r.qualification_type_id == *kind))
        .map(|(_, q)| q.clone())
        .collect()
}

/// Upserts for the live ones among these offerings, deletes for the rest.
pub fn offering_changes(
    conn: &mut DbConnection,
    ids: &[i64],
    now: DateTime<Utc>,
) -> AppResult<Vec<Change>> {
    let mut rows: Vec<OfferingRow> = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        rows.extend(
            offerings::table
                .filter(offerings::id.eq_any(chunk))
                .select(OfferingRow::as_select())
                .load(conn)?,
        );
    }
    let agency_ids: Vec<i64> = rows.iter().map(|r| r.agency_id).collect();
    let context = LiveContext::load(conn, &agency_ids, now)?;
    let quals = qualifications_of(conn, &agency_ids)?;
    let found: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let regions = grouped(&found, |chunk| {
        offering_regions::table
            .filter(offering_regions::offering_id.eq_any(chunk))
            .select((
                offering_regions::offering_id,
                offering_regions::division_code,
            ))
            .load(conn)
    })?;
    let credit = crate::supervision::credit::scores_of(conn, &agency_ids, now)?;
    let items = catalog::list_items(conn, catalog::Include::Retired)?;
    let items: HashMap<i64, _> = items.into_iter().map(|i| (i.id, i)).collect();
    let mut changes: Vec<Change> = ids
        .iter()
        .filter(|id| !found.contains(id))
        .map(|id| Change::DeleteOffering(*id))
        .collect();
    for row in rows {
        let live_until = context.live_until(&row.status, row.agency_id, row.service_item_id);
        let (Some(until), Some(agency), Some(item)) = (
            live_until,
            context.agency(row.agency_id),
            items.get(&row.service_item_id),
        ) else {
            changes.push(Change::DeleteOffering(row.id));
            continue;
        };
        let regions = if row.whole_province {
            vec![crate::catalog::divisions::HOME_PROVINCE.to_owned()]
        } else {
            regions.get(&row.id).cloned().unwrap_or_default()
        };
        changes.push(Change::UpsertOffering(OfferingDoc {
            id: row.id,
            title: row.title,
            description: row.description,
            service_item_id: item.id,
            service_item_code: item.code.clone(),
            service_item_name: item.name.clone(),
            service_item_abbreviations: item.abbreviations.clone(),
            category: item.category.clone(),
            agency_id: agency.id,
            agency_name: agency.name.clone(),
            regions,
            qualifications: qualifications_for_item(
                quals.get(&agency.id).map_or(&[], Vec::as_slice),
                context.requirements(item.id),
            ),
            price_min_fen: row.price_min_fen,
            price_max_fen: row.price_max_fen,
            promised_days: row.promised_days,
            credit_score: credit.get(&agency.id).map(|c| *c as f64),
            updated_at: row.updated_at.and_utc().timestamp(),
            live_until: (until < DateTime::<Utc>::MAX_UTC).then(|| until.timestamp()),
        }));
    }
    Ok(changes)
}

/// Upserts for the admitted ones among these agencies, deletes for the rest.
pub fn agency_changes(
    conn: &mut DbConnection,
    ids: &[i64],
    now: DateTime<Utc>,
) -> AppResult<Vec<Change>> {
    let mut rows: Vec<AgencyRow> = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        rows.extend(
            agencies::table
                .filter(agencies::id.eq_any(chunk))
                .select(AgencyRow::as_select())
                .load(conn)?,
        );
    }
    let found: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let quals = qualifications_of(conn, &found)?;
    let credit = crate::supervision::credit::scores_of(conn, &found, now)?;
    let regions = grouped(&found, |chunk| {
        agency_regions::table
            .filter(agency_regions::agency_id.eq_any(chunk))
            .select((agency_regions::agency_id, agency_regions::division_code))
            .load(conn)
    })?;
    let mut changes: Vec<Change> = ids
        .iter()
        .filter(|id| !found.contains(id))
        .map(|id| Change::DeleteAgency(*id))
        .collect();
    for row in rows {
        if row.status_at(now) != AgencyStatus::Admitted {
            changes.push(Change::DeleteAgency(row.id));
            continue;
        }
        changes.push(Change::UpsertAgency(AgencyDoc {
            id: row.id,
            qualifications: quals
                .get(&row.id)
                .map(|held| held.iter().map(|(_, q)| q.clone()).collect())
                .unwrap_or_default(),
            regions: regions.get(&row.id).cloned().unwrap_or_default(),
            name: row.name,
            uscc: row.uscc,
            region_code: row.region_code,
            business_scope: row.business_scope,
            credit_score: credit.get(&row.id).map(|c| *c as f64),
        }));
    }
    Ok(changes)
}

/// The offerings of these agencies, whose liveness follows theirs.
pub fn offerings_of_agencies(conn: &mut DbConnection, agency_ids: &[i64]) -> QueryResult<Vec<i64>> {
    let mut ids = Vec::new();
    for chunk in agency_ids.chunks(CHUNK) {
        ids.extend(
            offerings::table
                .filter(offerings::agency_id.eq_any(chunk))
                .select(offerings::id)
                .load::<i64>(conn)?,
        );
    }
    Ok(ids)
}
