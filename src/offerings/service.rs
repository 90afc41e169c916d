//! Creating, editing, publishing and reading offerings; deciding which are live.

use super::live::{grouped, Catalogue, LiveContext, CHUNK};
use super::model::OfferingRow;
use super::rules::{self, OfferingInput, OfferingTerms};
use super::views::{OfferingAgency, OfferingItem, OfferingView};
use crate::accounts::Role;
use crate::agencies::model::AgencyRow;
use crate::agencies::rules::AgencyStatus;
use crate::agencies::service::{
    actor, find_row as find_agency, regions_of as declared_regions, row_of_owner,
};
use crate::agencies::views::RegionView;
use crate::app::AppState;
use crate::catalog::model::ServiceItemRow;
use crate::catalog::service as catalog;
use crate::db::schema::{agencies, offering_regions, offerings, service_items};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult, FieldError};
use crate::supervision::{changes, journal, Event, Publish};
use crate::web::auth::CurrentUser;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;

fn item_row(conn: &mut DbConnection, id: i64) -> AppResult<Option<ServiceItemRow>> {
    Ok(service_items::table
        .find(id)
        .select(ServiceItemRow::as_select())
        .first(conn)
        .optional()?)
}

fn find_row(conn: &mut DbConnection, id: i64) -> AppResult<OfferingRow> {
    offerings::table
        .find(id)
        .select(OfferingRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)
}

/// The regions of these offerings, in a few queries.
fn regions_of(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<HashMap<i64, Vec<String>>> {
    grouped(ids, |chunk| {
        offering_regions::table
            .filter(offering_regions::offering_id.eq_any(chunk))
            .order(offering_regions::division_code.asc())
            .select((
                offering_regions::offering_id,
                offering_regions::division_code,
            ))
            .load(conn)
    })
}

/// Views of these offerings; `explain` adds why each is not live (for its agency and admins).
fn views_of(
    conn: &mut DbConnection,
    rows: &[OfferingRow],
    now: DateTime<Utc>,
    explain: bool,
) -> AppResult<Vec<OfferingView>> {
    let catalogue = Arc::new(Catalogue::load(conn)?);
    let names = catalog::division_names(conn)?;
    views_with(conn, rows, now, explain, catalogue, &names)
}

/// `views_of` with the catalogue and division names at hand: the rows'
/// agencies, qualifications and regions are read in a few queries.
fn views_with(
    conn: &mut DbConnection,
    rows: &[OfferingRow],
    now: DateTime<Utc>,
    explain: bool,
    catalogue: Arc<Catalogue>,
    names: &HashMap<String, String>,
) -> AppResult<Vec<OfferingView>> {
    let agency_ids: Vec<i64> = rows.iter().map(|r| r.agency_id).collect();
    let context = LiveContext::with_catalogue(conn, &agency_ids, now, catalogue)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut regions = regions_of(conn, &ids)?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let (Some(agency), Some(item)) = (
            context.agency(row.agency_id),
            context.item(row.service_item_id),
        ) else {
            continue;
        };
        let region_views = regions
            .remove(&row.id)
            .unwrap_or_default()
            .into_iter()
            .map(|code| RegionView {
                name: names.get(&code).cloned().unwrap_or_default(),
                code,
            })
            .collect();
        let mut view = OfferingView::new(
            row,
            OfferingAgency {
                id: agency.id,
                name: agency.name.clone(),
            },
            OfferingItem {
                id: item.id,
                code: item.code.clone(),
                name: item.name.clone(),
            },
            region_views,
        );
        let reasons = context.refusals(row.agency_id, row.service_item_id);
        view.live = row.status == "published" && reasons.is_empty();
        if explain {
            if row.status != "published" {
                view.not_live_because.push(format!(
                    "服务状态为“{}”。",
                    rules::status_label(&row.status)
                ));
            }
            view.not_live_because.extend(reasons);
        }
        out.push(view);
    }
    Ok(out)
}

fn can_manage(user: Option<&CurrentUser>, agency: &AgencyRow) -> bool {
    user.is_some_and(|u| u.role() == Role::Admin || u.user.id == agency.owner_user_id)
}

/// Views of these offerings in the given order, live ones only (search hits
/// are checked against the database once more before they are shown). The
/// catalogue and division names come from the caller, who may keep them.
pub fn live_views_by_ids(
    conn: &mut DbConnection,
    ids: &[i64],
    now: DateTime<Utc>,
    catalogue: Arc<Catalogue>,
    names: &HashMap<String, String>,
) -> AppResult<Vec<OfferingView>> {
    let rows: Vec<OfferingRow> = offerings::table
        .filter(offerings::id.eq_any(ids))
        .select(OfferingRow::as_select())
        .load(conn)?;
    let mut views: HashMap<i64, OfferingView> =
        views_with(conn, &rows, now, false, catalogue, names)?
            .into_iter()
            .filter(|v| v.live)
            .map(|v| (v.id, v))
            .collect();
    Ok(ids.iter().filter_map(|id| views.remove(id)).collect())
}

/// One offering: live ones for everyone, any for its agency and administrators.
pub fn find(
    conn: &mut DbConnection,
    id: i64,
    user: Option<&CurrentUser>,
    now: DateTime<Utc>,
) -> AppResult<OfferingView> {
    let row = find_row(conn, id)?;
    let agency = find_agency(conn, row.agency_id)?;
    let manager = can_manage(user, &agency);
    let offering = views_of(conn, &[row], now, manager)?
        .pop()
        .ok_or(AppError::NotFound)?;
    if offering.live || manager {
        Ok(offering)
    } else {
        Err(AppError::NotFound)
    }
}

/// Filters of the public offering list.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct OfferingFilter {
    pub service_item: Option<i64>,
    pub agency: Option<i64>,
    /// A division code: offerings serving it (whole-province offerings serve everywhere).
    pub region: Option<String>,
}

/// The live offerings matching the filter, in id order (rows only, no views).
fn live_rows(
    conn: &mut DbConnection,
    filter: &OfferingFilter,
    now: DateTime<Utc>,
) -> AppResult<Vec<OfferingRow>> {
    live_rows_among(conn, filter, None, now)
}

/// `live_rows`, narrowed to the offerings of `among` agencies when given:
/// the one place that decides which offerings are live.
fn live_rows_among(
    conn: &mut DbConnection,
    filter: &OfferingFilter,
    among: Option<&[i64]>,
    now: DateTime<Utc>,
) -> AppResult<Vec<OfferingRow>> {
    if let Some(region) = &filter.region {
        if !crate::catalog::divisions::well_formed(region) {
            return Err(AppError::invalid(
                "region",
                "地区代码应为6位数字。",
                "region must be a 6-digit division code.",
            ));
        }
    }
    // The database narrows to published offerings of agencies that may be
    // admitted and items in use; the rules decide the rest.
    let mut query = offerings::table
        .inner_join(agencies::table)
        .inner_join(service_items::table)
        .filter(offerings::status.eq("published"))
        .filter(agencies::status.eq_any(["admitted", "suspended"]))
        .filter(service_items::status.eq("active"))
        .into_boxed();
    if let Some(item) = filter.service_item {
        query = query.filter(offerings::service_item_id.eq(item));
    }
    if let Some(agency) = filter.agency {
        query = query.filter(offerings::agency_id.eq(agency));
    }
    if let Some(ids) = among {
        query = query.filter(offerings::agency_id.eq_any(ids));
    }
    let rows: Vec<OfferingRow> = query
        .order(offerings::id.asc())
        .select(OfferingRow::as_select())
        .load(conn)?;
    let agency_ids: Vec<i64> = rows.iter().map(|r| r.agency_id).collect();
    let context = LiveContext::load(conn, &agency_ids, now)?;
    let mut rows: Vec<OfferingRow> = rows
        .into_iter()
        .filter(|r| context.live(&r.status, r.agency_id, r.service_item_id))
        .collect();
    if let Some(region) = &filter.region {
        let ids: Vec<i64> = rows
            .iter()
            .filter(|r| !r.whole_province)
            .map(|r| r.id)
            .collect();
        let regions = regions_of(conn, &ids)?;
        rows.retain(|r| {
            r.whole_province
                || regions.get(&r.id).is_some_and(|codes| {
                    codes.iter().any(|code| {
                        crate::catalog::divisions::covers(code, region)
                            || crate::catalog::divisions::covers(region, code)
                    })
                })
        });
    }
    Ok(rows)
}

/// Live offerings matching the filter.
pub fn list_live(
    conn: &mut DbConnection,
    filter: &OfferingFilter,
    now: DateTime<Utc>,
) -> AppResult<Vec<OfferingView>> {
    let rows = live_rows(conn, filter, now)?;
    views_of(conn, &rows, now, false)
}

/// One page of live offerings and how many there are in all.
pub fn list_live_page(
    conn: &mut DbConnection,
    filter: &OfferingFilter,
    page: &crate::web::paging::Paging,
    now: DateTime<Utc>,
) -> AppResult<(Vec<OfferingView>, i64)> {
    let rows = live_rows(conn, filter, now)?;
    let total = rows.len() as i64;
    let slice: Vec<OfferingRow> = rows
        .into_iter()
        .skip(page.offset())
        .take(page.per_page())
        .collect();
    Ok((views_of(conn, &slice, now, false)?, total))
}

/// Every offering of an agency, for its own back office.
pub fn list_of_agency(
    conn: &mut DbConnection,
    agency_id: i64,
    now: DateTime<Utc>,
) -> AppResult<Vec<OfferingView>> {
    let rows: Vec<OfferingRow> = offerings::table
        .filter(offerings::agency_id.eq(agency_id))
        .order(offerings::id.asc())
        .select(OfferingRow::as_select())
        .load(conn)?;
    views_of(conn, &rows, now, true)
}

/// How many live offerings each of these agencies has, in a few queries
/// whatever their number; an agency with none is absent from the map.
pub fn live_counts_of_agencies(
    conn: &mut DbConnection,
    agency_ids: &[i64],
    now: DateTime<Utc>,
) -> AppResult<HashMap<i64, i64>> {
    let mut counts = HashMap::new();
    for chunk in agency_ids.chunks(CHUNK) {
        for row in live_rows_among(conn, &OfferingFilter::default(), Some(chunk), now)? {
            *counts.entry(row.agency_id).or_insert(0) += 1;
        }
    }
    Ok(counts)
}

pub fn agencies_with_live_offering(
    conn: &mut DbConnection,
    item: i64,
    now: DateTime<Utc>,
) -> AppResult<Vec<i64>> {
    let filter = OfferingFilter {
        service_item: Some(item),
        ..Default::default()
    };
    let mut ids: Vec<i64> = live_rows(conn, &filter, now)?
        .into_iter()
        .map(|o| o.agency_id)
        .collect();
    ids.dedup();
    Ok(ids)
}

/// Tells the change log that every offering of an agency may have changed
/// (its status or a qualification did), so search follows.
pub fn publish_agency_offerings(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    agency_id: i64,
    action: &str,
) -> QueryResult<()> {
    let ids: Vec<i64> = offerings::table
        .filter(offerings::agency_id.eq(agency_id))
        .select(offerings::id)
        .load(conn)?;
    for id in ids {
        changes::publish(conn, now, "offering", &id.to_string(), action)?;
    }
    Ok(())
}

fn terms_of(
    row: Option<&OfferingRow>,
    regions: Vec<String>,
    input: &OfferingInput,
) -> OfferingTerms {
    let base = row.map(|r| OfferingTerms {
        title: r.title.clone(),
        description: r.description.clone(),
        regions: regions.clone(),
        whole_province: r.whole_province,
        price_basis: r.price_basis.clone(),
        price_min_fen: r.price_min_fen,
        price_max_fen: r.price_max_fen,
        discount_min_permille: r.discount_min_permille,
        discount_max_permille: r.discount_max_permille,
        promised_days: r.promised_days,
        example_projects: crate::catalog::views::split_list(&r.example_projects, '\n'),
    });
    let base = base.unwrap_or_default();
    OfferingTerms {
        title: input
            .title
            .clone()
            .map(|t| t.trim().to_owned())
            .unwrap_or(base.title),
        description: input
            .description
            .clone()
            .map(|t| t.trim().to_owned())
            .unwrap_or(base.description),
        regions: input
            .regions
            .clone()
            .map(|list| {
                let mut codes: Vec<String> =
                    list.into_iter().map(|c| c.trim().to_owned()).collect();
                codes.sort();
                codes.dedup();
                codes
            })
            .unwrap_or(base.regions),
        whole_province: input.whole_province.unwrap_or(base.whole_province),
        price_basis: input.price_basis.clone().unwrap_or(base.price_basis),
        price_min_fen: input.price_min_fen.or(base.price_min_fen),
        price_max_fen: input.price_max_fen.or(base.price_max_fen),
        discount_min_permille: input.discount_min_permille.or(base.discount_min_permille),
        discount_max_permille: input.discount_max_permille.or(base.discount_max_permille),
        promised_days: input.promised_days.unwrap_or(base.promised_days),
        example_projects: input
            .example_projects
            .clone()
            .map(|list| {
                list.into_iter()
                    .map(|p| p.trim().to_owned())
                    .filter(|p| !p.is_empty())
                    .collect()
            })
            .unwrap_or(base.example_projects),
    }
}

/// Creates (`id` None) or edits the caller's offering, and publishes or
/// withdraws it when `status` says so. Publishing is refused with the reasons.
pub async fn save(
    state: &AppState,
    user: &CurrentUser,
    id: Option<i64>,
    input: OfferingInput,
) -> AppResult<OfferingView> {
    user.require(&[Role::Agency])?;
    let now = state.now();
    let (user_id, actor) = (user.user.id, actor(user));
    state
        .db
        .write(move |conn| {
            let agency = row_of_owner(conn, user_id)?.ok_or_else(|| {
                AppError::conflict("请先登记机构信息。", "Register your agency first.")
            })?;
            let existing = match id {
                Some(id) => {
                    let row = find_row(conn, id)?;
                    if row.agency_id != agency.id {
                        return Err(AppError::NotFound);
                    }
                    Some(row)
                }
                None => None,
            };
            if agency.status_at(now) == AgencyStatus::Expelled {
                return Err(AppError::conflict("机构已被清退。", "The agency was expelled."));
            }
            let item_id = match (&existing, input.service_item_id) {
                (Some(row), Some(item)) if item != row.service_item_id => {
                    return Err(AppError::invalid("service_item_id", "已有服务不能改换事项，请新建。", "An offering's item cannot change; create a new one."))
                }
                (Some(row), _) => row.service_item_id,
                (None, Some(item)) => item,
                (None, None) => return Err(AppError::invalid("service_item_id", "请选择服务事项。", "service_item_id is required.")),
            };
            let item = item_row(conn, item_id)?.ok_or_else(|| AppError::invalid("service_item_id", "没有这个服务事项。", "Unknown service item."))?;
            if existing.is_none() {
                let taken: i64 = offerings::table
                    .filter(offerings::agency_id.eq(agency.id))
                    .filter(offerings::service_item_id.eq(item_id))
                    .count()
                    .get_result(conn)?;
                if taken > 0 {
                    return Err(AppError::invalid("service_item_id", "本机构已有该事项的服务，请修改已有的。", "The agency already has an offering for this item."));
                }
            }
            let current_regions: Vec<String> = match &existing {
                Some(row) => offering_regions::table
                    .filter(offering_regions::offering_id.eq(row.id))
                    .select(offering_regions::division_code)
                    .load(conn)?,
                None => vec![],
            };
            let terms = terms_of(existing.as_ref(), current_regions, &input);
            let declared = declared_regions(conn, agency.id)?;
            let mut errors = rules::validate_terms(&terms, &declared);
            let status = input.status.clone().unwrap_or_else(|| existing.as_ref().map(|r| r.status.clone()).unwrap_or_else(|| "draft".into()));
            if !["draft", "published", "withdrawn"].contains(&status.as_str()) {
                errors.push(FieldError::new("status", "状态只能是 draft、published 或 withdrawn。", "status must be draft, published or withdrawn."));
            }
            if status == "published" && errors.is_empty() {
                let reasons = LiveContext::load(conn, &[agency.id], now)?.refusals(agency.id, item.id);
                if !reasons.is_empty() {
                    errors.push(FieldError {
                        field: "status".into(),
                        message_zh: format!("不能发布：{}", reasons.join("")),
                        message_en: "The offering cannot be published: the agency is not admitted, the item is retired, or a required qualification is missing or not valid.".into(),
                    });
                }
            }
            if !errors.is_empty() {
                return Err(AppError::Invalid(errors));
            }
            let published_at = match (&existing, status.as_str()) {
                (Some(row), "published") if row.status == "published" => row.published_at,
                (_, "published") => Some(now.naive_utc()),
                _ => None,
            };
            let values = (
                offerings::title.eq(&terms.title),
                offerings::description.eq(&terms.description),
                offerings::whole_province.eq(terms.whole_province),
                offerings::price_basis.eq(&terms.price_basis),
                offerings::price_min_fen.eq(if terms.price_basis == "range" { terms.price_min_fen } else { None }),
                offerings::price_max_fen.eq(if terms.price_basis == "range" { terms.price_max_fen } else { None }),
                offerings::discount_min_permille.eq(if terms.price_basis == "discount" { terms.discount_min_permille } else { None }),
                offerings::discount_max_permille.eq(if terms.price_basis == "discount" { terms.discount_max_permille } else { None }),
                offerings::promised_days.eq(terms.promised_days),
                offerings::example_projects.eq(terms.example_projects.join("\n")),
                offerings::status.eq(&status),
                offerings::published_at.eq(published_at),
                offerings::updated_at.eq(now.naive_utc()),
            );
            let offering_id = match &existing {
                Some(row) => {
                    diesel::update(offerings::table.find(row.id)).set(values).execute(conn)?;
                    row.id
                }
                None => diesel::insert_into(offerings::table)
                    .values((
                        values,
                        offerings::agency_id.eq(agency.id),
                        offerings::service_item_id.eq(item_id),
                        offerings::created_at.eq(now.naive_utc()),
                    ))
                    .returning(offerings::id)
                    .get_result(conn)?,
            };
            diesel::delete(offering_regions::table.filter(offering_regions::offering_id.eq(offering_id))).execute(conn)?;
            for code in &terms.regions {
                diesel::insert_into(offering_regions::table)
                    .values((offering_regions::offering_id.eq(offering_id), offering_regions::division_code.eq(code)))
                    .execute(conn)?;
            }
            let action = match (&existing, status.as_str()) {
                (None, _) => "offering.created",
                (Some(row), "published") if row.status != "published" => "offering.published",
                (Some(row), "withdrawn") if row.status != "withdrawn" => "offering.withdrawn",
                _ => "offering.updated",
            };
            journal(
                conn,
                now,
                &actor,
                Event {
                    action,
                    entity_type: "offering",
                    entity_id: offering_id.to_string(),
                    detail: json!({ "agency_id": agency.id, "service_item_id": item_id, "status": status }),
                },
                Publish::Yes,
            )?;
            let row = find_row(conn, offering_id)?;
            views_of(conn, &[row], now, true)?.pop().ok_or(AppError::NotFound)
        })
        .await
}
