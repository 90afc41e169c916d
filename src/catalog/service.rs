//! Reading and editing the catalogue.

use super::model::{QualificationTypeRow, RequirementRow, ServiceItemRow};
use super::rules::{self, ItemPatch, Requirement};
use super::views::{QualificationTypeView, RequirementView, ServiceItemView};
use crate::app::AppState;
use crate::db::schema::{divisions, qualification_types, service_item_requirements, service_items};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult, FieldError};
use crate::supervision::{journal, Actor, Event, Publish};
use diesel::prelude::*;
use serde_json::json;
use std::collections::HashMap;

/// Which items a listing shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Include {
    ActiveOnly,
    Retired,
}

pub fn types_by_id(conn: &mut DbConnection) -> QueryResult<HashMap<i64, QualificationTypeRow>> {
    Ok(qualification_types::table
        .select(QualificationTypeRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|t| (t.id, t))
        .collect())
}

pub fn requirements_by_item(
    conn: &mut DbConnection,
) -> QueryResult<HashMap<i64, Vec<RequirementRow>>> {
    let mut map: HashMap<i64, Vec<RequirementRow>> = HashMap::new();
    for row in service_item_requirements::table
        .select(RequirementRow::as_select())
        .load(conn)?
    {
        map.entry(row.service_item_id).or_default().push(row);
    }
    Ok(map)
}

/// The requirements of every item, ready for `rules::item_satisfied`.
pub fn rule_requirements(conn: &mut DbConnection) -> QueryResult<HashMap<i64, Vec<Requirement>>> {
    let types = types_by_id(conn)?;
    Ok(requirements_by_item(conn)?
        .into_iter()
        .map(|(item, rows)| {
            let list = rows
                .into_iter()
                .map(|r| Requirement {
                    qualification_type_id: r.qualification_type_id,
                    levels: types
                        .get(&r.qualification_type_id)
                        .map(|t| t.level_list())
                        .unwrap_or_default(),
                    min_level: r.min_level,
                })
                .collect();
            (item, list)
        })
        .collect())
}

fn view(
    row: &ServiceItemRow,
    requirements: &HashMap<i64, Vec<RequirementRow>>,
    types: &HashMap<i64, QualificationTypeRow>,
) -> ServiceItemView {
    let list = requirements
        .get(&row.id)
        .map(|rows| {
            rows.iter()
                .filter_map(|r| {
                    types
                        .get(&r.qualification_type_id)
                        .map(|t| RequirementView {
                            qualification_type: QualificationTypeView::from(t),
                            min_level: r.min_level.clone(),
                        })
                })
                .collect()
        })
        .unwrap_or_default();
    ServiceItemView::new(row, list)
}

pub fn list_items(conn: &mut DbConnection, include: Include) -> AppResult<Vec<ServiceItemView>> {
    let mut query = service_items::table
        .order(service_items::code.asc())
        .into_boxed();
    if include == Include::ActiveOnly {
        query = query.filter(service_items::status.eq("active"));
    }
    let rows: Vec<ServiceItemRow> = query.select(ServiceItemRow::as_select()).load(conn)?;
    let requirements = requirements_by_item(conn)?;
    let types = types_by_id(conn)?;
    Ok(rows
        .iter()
        .map(|r| view(r, &requirements, &types))
        .collect())
}

pub fn find_item(conn: &mut DbConnection, id: i64) -> AppResult<ServiceItemView> {
    let row: ServiceItemRow = service_items::table
        .find(id)
        .select(ServiceItemRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)?;
    let requirements = requirements_by_item(conn)?;
    let types = types_by_id(conn)?;
    Ok(view(&row, &requirements, &types))
}

pub fn list_types(conn: &mut DbConnection) -> AppResult<Vec<QualificationTypeView>> {
    let rows: Vec<QualificationTypeRow> = qualification_types::table
        .order(qualification_types::code.asc())
        .select(QualificationTypeRow::as_select())
        .load(conn)?;
    Ok(rows.iter().map(QualificationTypeView::from).collect())
}

/// Names of divisions, by code.
pub fn division_names(conn: &mut DbConnection) -> QueryResult<HashMap<String, String>> {
    Ok(divisions::table
        .select((divisions::code, divisions::name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

fn known_types(conn: &mut DbConnection) -> QueryResult<Vec<rules::KnownType>> {
    qualification_types::table
        .select((
            qualification_types::id,
            qualification_types::code,
            qualification_types::levels,
        ))
        .load(conn)
}

/// Creates (`id` None) or edits an item; the old and new values are audited,
/// so a retired item keeps its history.
pub async fn save_item(
    state: &AppState,
    admin: Actor,
    id: Option<i64>,
    patch: ItemPatch,
) -> AppResult<ServiceItemView> {
    let now = state.now();
    let saved = state
        .db
        .write(move |conn| {
            let requirements = rules::validate_item(&patch, id.is_none(), &known_types(conn)?).map_err(AppError::Invalid)?;
            if let Some(code) = &patch.code {
                let taken: i64 = service_items::table
                    .filter(service_items::code.eq(code.trim()))
                    .filter(service_items::id.ne(id.unwrap_or(-1)))
                    .count()
                    .get_result(conn)?;
                if taken > 0 {
                    return Err(AppError::Invalid(vec![FieldError::new("code", "该编码已被其他事项使用。", "This code is already used by another item.")]));
                }
            }
            let before = match id {
                Some(id) => Some(find_item(conn, id)?),
                None => None,
            };
            let item_id = match id {
                Some(id) => {
                    apply_patch(conn, id, &patch, now)?;
                    id
                }
                None => insert_item(conn, &patch, now)?,
            };
            if let Some(list) = requirements {
                diesel::delete(service_item_requirements::table.filter(service_item_requirements::service_item_id.eq(item_id))).execute(conn)?;
                for (type_id, min_level) in list {
                    diesel::insert_into(service_item_requirements::table)
                        .values(RequirementRow { service_item_id: item_id, qualification_type_id: type_id, min_level })
                        .execute(conn)?;
                }
            }
            let after = find_item(conn, item_id)?;
            let action = match (&before, patch.status.as_deref()) {
                (None, _) => "service_item.created",
                (Some(_), Some("retired")) => "service_item.retired",
                _ => "service_item.updated",
            };
            journal(
                conn,
                now,
                &admin,
                Event {
                    action,
                    entity_type: "service_item",
                    entity_id: item_id.to_string(),
                    detail: json!({
                        "before": before.as_ref().map(|b| serde_json::to_value(b).unwrap_or_default()),
                        "after": serde_json::to_value(&after).unwrap_or_default(),
                    }),
                },
                Publish::Yes,
            )?;
            Ok(after)
        })
        .await;
    if saved.is_ok() {
        state.search.reference().forget_catalogue();
    }
    saved
}

fn joined(list: &Option<Vec<String>>, separator: &str) -> Option<String> {
    list.as_ref().map(|l| {
        l.iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(separator)
    })
}

fn insert_item(
    conn: &mut DbConnection,
    p: &ItemPatch,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<i64> {
    let text = |v: &Option<String>| v.as_deref().unwrap_or("").trim().to_owned();
    Ok(diesel::insert_into(service_items::table)
        .values((
            service_items::code.eq(text(&p.code)),
            service_items::name.eq(text(&p.name)),
            service_items::category.eq(text(&p.category)),
            service_items::approval_items.eq(text(&p.approval_items)),
            service_items::department.eq(text(&p.department)),
            service_items::requirement_kind.eq(text(&p.requirement_kind)),
            service_items::qualification_note.eq(text(&p.qualification_note)),
            service_items::abbreviations.eq(joined(&p.abbreviations, ";").unwrap_or_default()),
            service_items::time_limit_days.eq(p.time_limit_days.unwrap_or(1)),
            service_items::fee_basis.eq(text(&p.fee_basis)),
            service_items::purpose.eq(text(&p.purpose)),
            service_items::materials.eq(joined(&p.materials, "；").unwrap_or_default()),
            service_items::provider.eq(text(&p.provider)),
            service_items::status.eq(p.status.as_deref().unwrap_or("active")),
            service_items::created_at.eq(now.naive_utc()),
            service_items::updated_at.eq(now.naive_utc()),
        ))
        .returning(service_items::id)
        .get_result(conn)?)
}

#[derive(AsChangeset)]
#[diesel(table_name = service_items)]
struct ItemChanges {
    code: Option<String>,
    name: Option<String>,
    category: Option<String>,
    approval_items: Option<String>,
    department: Option<String>,
    requirement_kind: Option<String>,
    qualification_note: Option<String>,
    abbreviations: Option<String>,
    time_limit_days: Option<i32>,
    fee_basis: Option<String>,
    purpose: Option<String>,
    materials: Option<String>,
    provider: Option<String>,
    status: Option<String>,
    updated_at: chrono::NaiveDateTime,
}

fn apply_patch(
    conn: &mut DbConnection,
    id: i64,
    p: &ItemPatch,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    let trim = |v: &Option<String>| v.as_ref().map(|s| s.trim().to_owned());
    let updated = diesel::update(service_items::table.find(id))
        .set(ItemChanges {
            code: trim(&p.code),
            name: trim(&p.name),
            category: trim(&p.category),
            approval_items: trim(&p.approval_items),
            department: trim(&p.department),
            requirement_kind: trim(&p.requirement_kind),
            qualification_note: trim(&p.qualification_note),
            abbreviations: joined(&p.abbreviations, ";"),
            time_limit_days: p.time_limit_days,
            fee_basis: trim(&p.fee_basis),
            purpose: trim(&p.purpose),
            materials: joined(&p.materials, "；"),
            provider: trim(&p.provider),
            status: trim(&p.status),
            updated_at: now.naive_utc(),
        })
        .execute(conn)?;
    if updated == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}
