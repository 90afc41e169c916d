//! Announcements as lists: filters by item, region, status and words.

use super::model::{ProjectRow, ProjectStateRow};
use super::present;
use super::rules::ProjectStatus;
use super::service::Loaded;
use super::views::{ProjectList, ProjectSummary};
use crate::accounts::Role;
use crate::app::AppState;
use crate::db::schema::{project_states, projects};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::web::auth::CurrentUser;
use crate::web::paging::Paging;
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
pub struct ProjectFilter {
    /// Words of the title, or the project number.
    pub q: Option<String>,
    pub service_item: Option<i64>,
    /// A division code: a city includes its counties.
    pub region: Option<String>,
    /// A status; drafts and projects in review are listed only to their applicant and administrators.
    pub status: Option<String>,
    /// `true`: only the caller's own projects (applicants).
    pub mine: Option<bool>,
}

/// The region filter as a code prefix: a province its two digits, a city its four.
fn region_prefix(code: &str) -> String {
    if code.ends_with("0000") {
        code[..2].to_owned()
    } else if code.ends_with("00") {
        code[..4].to_owned()
    } else {
        code.to_owned()
    }
}

pub fn list(
    conn: &mut DbConnection,
    filter: &ProjectFilter,
    user: Option<&CurrentUser>,
    paging: &Paging,
) -> AppResult<(Vec<ProjectSummary>, i64)> {
    let status =
        match filter.status.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => Some(ProjectStatus::parse(s).ok_or_else(|| {
                AppError::invalid("status", "项目状态不存在。", "Unknown status.")
            })?),
            None => None,
        };
    if let Some(region) = filter.region.as_deref().filter(|r| !r.is_empty()) {
        if !crate::catalog::divisions::well_formed(region) {
            return Err(AppError::invalid(
                "region",
                "地区应为六位行政区划代码。",
                "region must be a six-digit division code.",
            ));
        }
    }
    let mine = filter.mine.unwrap_or(false);
    let admin = user.is_some_and(|u| u.role() == Role::Admin);
    let build = || {
        let mut query = projects::table
            .inner_join(project_states::table)
            .into_boxed();
        if mine {
            query = query.filter(projects::applicant_user_id.eq(user.map_or(-1, |u| u.user.id)));
        } else if !admin {
            query = query.filter(project_states::published_at.is_not_null());
        }
        if let Some(status) = status {
            query = query.filter(project_states::status.eq(status.as_str()));
        }
        if let Some(item) = filter.service_item {
            query = query.filter(projects::service_item_id.eq(item));
        }
        if let Some(region) = filter.region.as_deref().filter(|r| !r.is_empty()) {
            query = query.filter(projects::region_code.like(format!("{}%", region_prefix(region))));
        }
        if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let pattern = format!("%{}%", q.replace(['%', '_'], ""));
            query = query.filter(
                projects::title
                    .like(pattern)
                    .or(projects::number.eq(q.to_owned())),
            );
        }
        query
    };
    let total: i64 = build().count().get_result(conn)?;
    let rows: Vec<(ProjectRow, ProjectStateRow)> = build()
        .order(projects::id.desc())
        .limit(i64::try_from(paging.per_page()).unwrap_or(20))
        .offset(i64::try_from(paging.offset()).unwrap_or(0))
        .select((ProjectRow::as_select(), ProjectStateRow::as_select()))
        .load(conn)?;
    let summaries = rows
        .into_iter()
        .map(|(project, state)| present::summary(conn, &Loaded { project, state }))
        .collect::<AppResult<Vec<_>>>()?;
    Ok((summaries, total))
}

pub async fn list_for(
    state: &AppState,
    user: Option<CurrentUser>,
    filter: ProjectFilter,
    paging: Paging,
) -> AppResult<ProjectList> {
    let query = [
        ("q", filter.q.clone().unwrap_or_default()),
        (
            "service_item",
            filter
                .service_item
                .map(|i| i.to_string())
                .unwrap_or_default(),
        ),
        ("region", filter.region.clone().unwrap_or_default()),
        ("status", filter.status.clone().unwrap_or_default()),
        (
            "mine",
            filter.mine.map(|m| m.to_string()).unwrap_or_default(),
        ),
    ];
    let (projects, total) = state
        .db
        .run(move |conn| list(conn, &filter, user.as_ref(), &paging))
        .await?;
    Ok(ProjectList {
        meta: paging.meta(total, "/api/v1/projects", &query),
        projects,
    })
}
