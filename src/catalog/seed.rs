//! Fills a new database with the catalogue: divisions, qualification types,
//! service items with their 办事指南 texts and requirements. Each seed
//! version runs once; rows already present (by code) are left as edited.

use super::model::DivisionRow;
use crate::db::schema::{divisions, qualification_types, service_item_requirements, service_items};
use crate::db::{settings, Db, DbConnection};
use crate::error::AppResult;
use anyhow::{anyhow, Context};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Deserialize;
use std::collections::HashMap;

const SEED_VERSION: &str = "2026-11-28.1";
const DIVISIONS_JIANGXI: &str = include_str!("data/divisions_jiangxi.csv");
const DIVISIONS_CHINA: &str = include_str!("data/divisions_china_province_city.csv");
const SERVICE_ITEMS: &str = include_str!("data/service_items.csv");
const QUALIFICATION_TYPES: &str = include_str!("data/qualification_types.csv");
const REQUIREMENTS: &str = include_str!("data/service_item_requirements.csv");
const GUIDES: &str = include_str!("data/service_item_guides.csv");
const APPROVAL_ITEMS: &str = include_str!("data/approval_items.csv");

#[derive(Deserialize)]
struct ItemRecord {
    code: String,
    name: String,
    category: String,
    approval_items: String,
    department: String,
    qualification: String,
    requirement_kind: String,
    abbreviations: String,
}

#[derive(Deserialize)]
struct GuideRecord {
    item_code: String,
    time_limit_days: i32,
    fee_basis: String,
    purpose: String,
    materials: String,
    provider: String,
}

#[derive(Deserialize)]
struct TypeRecord {
    code: String,
    name: String,
    kind: String,
    levels: String,
    issuer: String,
}

#[derive(Deserialize)]
struct RequirementRecord {
    item_code: String,
    qualification_code: String,
    min_level: String,
}

fn records<T: serde::de::DeserializeOwned>(name: &str, text: &str) -> anyhow::Result<Vec<T>> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .with_context(|| format!("seed file {name}"))
}

/// Every division of 江西 and every province and prefecture of China.
pub fn division_rows() -> anyhow::Result<Vec<DivisionRow>> {
    let mut rows: HashMap<String, DivisionRow> = HashMap::new();
    for (name, text) in [
        ("divisions_china_province_city.csv", DIVISIONS_CHINA),
        ("divisions_jiangxi.csv", DIVISIONS_JIANGXI),
    ] {
        for row in records::<DivisionRecord>(name, text)? {
            rows.insert(
                row.code.clone(),
                DivisionRow {
                    code: row.code,
                    name: row.name,
                    parent_code: Some(row.parent_code).filter(|p| !p.is_empty()),
                    level: row.level,
                },
            );
        }
    }
    let mut rows: Vec<DivisionRow> = rows.into_values().collect();
    rows.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(rows)
}

#[derive(Deserialize)]
struct DivisionRecord {
    code: String,
    name: String,
    parent_code: String,
    level: String,
}

pub fn seed(db: &Db, now: DateTime<Utc>) -> anyhow::Result<()> {
    let divisions = division_rows()?;
    let types: Vec<TypeRecord> = records("qualification_types.csv", QUALIFICATION_TYPES)?;
    let items: Vec<ItemRecord> = records("service_items.csv", SERVICE_ITEMS)?;
    let guides: HashMap<String, GuideRecord> =
        records::<GuideRecord>("service_item_guides.csv", GUIDES)?
            .into_iter()
            .map(|g| (g.item_code.clone(), g))
            .collect();
    let requirements: Vec<RequirementRecord> =
        records("service_item_requirements.csv", REQUIREMENTS)?;
    let approvals: Vec<ApprovalRecord> = records("approval_items.csv", APPROVAL_ITEMS)?;
    db.write_now(|conn| {
        if settings::get(conn, "catalog_seed_version")?.as_deref() == Some(SEED_VERSION) {
            return Ok(());
        }
        insert_divisions(conn, &divisions)?;
        insert_types(conn, &types)?;
        insert_items(conn, now, &items, &guides)?;
        insert_requirements(conn, &requirements)?;
        insert_approval_items(conn, &approvals)?;
        settings::put(conn, "catalog_seed_version", SEED_VERSION)?;
        Ok(())
    })
    .map_err(|e| anyhow!("seeding the catalogue: {e:#}"))
}

fn insert_divisions(conn: &mut DbConnection, rows: &[DivisionRow]) -> AppResult<()> {
    let existing: Vec<String> = divisions::table.select(divisions::code).load(conn)?;
    // One row at a time: the two-backend connection has no batch insert.
    for row in rows.iter().filter(|r| !existing.contains(&r.code)) {
        diesel::insert_into(divisions::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

fn insert_types(conn: &mut DbConnection, types: &[TypeRecord]) -> AppResult<()> {
    let existing: Vec<String> = qualification_types::table
        .select(qualification_types::code)
        .load(conn)?;
    for t in types.iter().filter(|t| !existing.contains(&t.code)) {
        diesel::insert_into(qualification_types::table)
            .values((
                qualification_types::code.eq(&t.code),
                qualification_types::name.eq(&t.name),
                qualification_types::kind.eq(&t.kind),
                qualification_types::levels.eq(&t.levels),
                qualification_types::issuer.eq(&t.issuer),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn insert_items(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    items: &[ItemRecord],
    guides: &HashMap<String, GuideRecord>,
) -> AppResult<()> {
    let existing: Vec<String> = service_items::table
        .select(service_items::code)
        .load(conn)?;
    for item in items.iter().filter(|i| !existing.contains(&i.code)) {
        let guide = guides
            .get(&item.code)
            .ok_or_else(|| anyhow!("service_item_guides.csv has no row for {}", item.code))?;
        let fee_basis = if guide.fee_basis == "政府定价" {
            "government"
        } else {
            "market"
        };
        diesel::insert_into(service_items::table)
            .values((
                service_items::code.eq(&item.code),
                service_items::name.eq(&item.name),
                service_items::category.eq(&item.category),
                service_items::approval_items.eq(&item.approval_items),
                service_items::department.eq(&item.department),
                service_items::requirement_kind.eq(&item.requirement_kind),
                service_items::qualification_note.eq(&item.qualification),
                service_items::abbreviations.eq(&item.abbreviations),
                service_items::time_limit_days.eq(guide.time_limit_days),
                service_items::fee_basis.eq(fee_basis),
                service_items::purpose.eq(&guide.purpose),
                service_items::materials.eq(&guide.materials),
                service_items::provider.eq(&guide.provider),
                service_items::status.eq("active"),
                service_items::created_at.eq(now.naive_utc()),
                service_items::updated_at.eq(now.naive_utc()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn insert_requirements(
    conn: &mut DbConnection,
    requirements: &[RequirementRecord],
) -> AppResult<()> {
    let items: HashMap<String, i64> = service_items::table
        .select((service_items::code, service_items::id))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    let types: HashMap<String, i64> = qualification_types::table
        .select((qualification_types::code, qualification_types::id))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    let existing: Vec<(i64, i64)> = service_item_requirements::table
        .select((
            service_item_requirements::service_item_id,
            service_item_requirements::qualification_type_id,
        ))
        .load(conn)?;
    for r in requirements {
        let (Some(&item), Some(&kind)) =
            (items.get(&r.item_code), types.get(&r.qualification_code))
        else {
            return Err(anyhow!(
                "service_item_requirements.csv names {} / {}",
                r.item_code,
                r.qualification_code
            )
            .into());
        };
        if existing.contains(&(item, kind)) {
            continue;
        }
        diesel::insert_into(service_item_requirements::table)
            .values((
                service_item_requirements::service_item_id.eq(item),
                service_item_requirements::qualification_type_id.eq(kind),
                service_item_requirements::min_level
                    .eq(Some(r.min_level.trim()).filter(|l| !l.is_empty())),
            ))
            .execute(conn)?;
    }
    Ok(())
}

#[derive(Deserialize)]
struct ApprovalRecord {
    code: String,
    name: String,
    department: String,
    service_items: String,
}

/// Approval items and the services they wait for; items already present are left as edited.
fn insert_approval_items(conn: &mut DbConnection, records: &[ApprovalRecord]) -> AppResult<()> {
    use crate::db::schema::{approval_item_services, approval_items};
    let existing: Vec<String> = approval_items::table
        .select(approval_items::code)
        .load(conn)?;
    let services: HashMap<String, i64> = service_items::table
        .select((service_items::code, service_items::id))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    for (order, record) in records.iter().enumerate() {
        if existing.contains(&record.code) {
            continue;
        }
        let id: i64 = diesel::insert_into(approval_items::table)
            .values((
                approval_items::code.eq(&record.code),
                approval_items::name.eq(&record.name),
                approval_items::department.eq(&record.department),
                approval_items::sort_order.eq(i32::try_from(order).unwrap_or(i32::MAX)),
            ))
            .returning(approval_items::id)
            .get_result(conn)?;
        for code in record.service_items.split(';').map(str::trim) {
            let service = services.get(code).ok_or_else(|| {
                anyhow!(
                    "approval_items.csv: {} names unknown item {code}",
                    record.code
                )
            })?;
            diesel::insert_into(approval_item_services::table)
                .values((
                    approval_item_services::approval_item_id.eq(id),
                    approval_item_services::service_item_id.eq(service),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}
