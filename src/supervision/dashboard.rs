//! The administrators' supervision pages: the 电子监察 dashboard
//! (`/admin/supervision`, the time-limit lights grouped by colour, with links
//! to the other supervision pages) and the audit trail browser (`/admin/audit`).

use super::audit_browser::{self, AuditEventView, AuditQuery};
use super::audit_head::{self, HeadView};
use super::lights::Light;
use super::lights_filter::LightQuery;
use super::lights_routes::lights_for;
use super::lights_rules::Colour;
use crate::accounts::Role;
use crate::app::AppState;
use crate::db::schema::service_items;
use crate::error::AppResult;
use crate::web::pages::{Choice, Layout, Page};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use diesel::prelude::*;

/// A light as a table row shows it.
struct Row {
    step: &'static str,
    title: String,
    number: String,
    region: String,
    item: String,
    department: String,
    parties: String,
    due: String,
    link: String,
    history: String,
}

impl From<&Light> for Row {
    fn from(l: &Light) -> Self {
        Row {
            step: l.step.label_zh(),
            title: l.title.clone(),
            number: l.number.clone().unwrap_or_default(),
            region: l.region_name.clone(),
            item: l.service_item_name.clone(),
            department: l.department.clone(),
            parties: match &l.agency {
                Some(a) => format!("{} / {a}", l.applicant),
                None => l.applicant.clone(),
            },
            due: crate::web::format_time(l.due_at.naive_utc()),
            link: l.link(),
            history: l.history(),
        }
    }
}

struct Group {
    colour: &'static str,
    label: &'static str,
    rows: Vec<Row>,
}

/// The form's current values, as text.
#[derive(Default)]
struct Shown {
    colour: String,
    region: String,
    service_item: String,
    department: String,
    party: String,
}

#[derive(Template)]
#[template(path = "supervision/dashboard.html")]
struct DashboardPage {
    layout: Layout,
    groups: Vec<Group>,
    counts: Vec<(&'static str, &'static str, usize)>,
    query: Shown,
    colours: Vec<Choice>,
    regions: Vec<Choice>,
    items: Vec<Choice>,
    departments: Vec<Choice>,
    yellow_percent: u32,
}

fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

/// 电子监察: the lights first, red at the top; filters by colour, region,
/// item, department and party.
pub async fn dashboard(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<LightQuery>,
) -> AppResult<Response> {
    let user = page.require_user()?.clone();
    user.require(&[Role::Admin])?;
    let format = crate::exports::Format::requested(query.format.as_deref())?;
    let lights = lights_for(&state, &user, query.parse()?).await?;
    if let Some(format) = format {
        return Ok(super::lights_routes::download(format, &lights));
    }
    let groups: Vec<Group> = Colour::ALL
        .into_iter()
        .map(|c| Group {
            colour: c.as_str(),
            label: c.label_zh(),
            rows: lights
                .iter()
                .filter(|l| l.colour == c)
                .map(Row::from)
                .collect(),
        })
        .collect();
    let counts = groups
        .iter()
        .map(|g| (g.colour, g.label, g.rows.len()))
        .collect();
    let departments = state
        .db
        .run(|conn| {
            Ok(service_items::table
                .select(service_items::department)
                .distinct()
                .order(service_items::department.asc())
                .load::<String>(conn)?
                .into_iter()
                .map(|d| Choice {
                    label: d.clone(),
                    value: d,
                })
                .collect())
        })
        .await?;
    let template = DashboardPage {
        layout: page.layout("电子监察"),
        counts,
        groups,
        query: Shown {
            colour: text(&query.colour),
            region: text(&query.region),
            service_item: text(&query.service_item),
            department: text(&query.department),
            party: text(&query.party),
        },
        colours: Colour::ALL
            .into_iter()
            .map(|c| Choice {
                value: c.as_str().to_owned(),
                label: c.label_zh().to_owned(),
            })
            .collect(),
        regions: crate::agencies::pages::region_choices(&state, false).await?,
        items: crate::agencies::pages::item_choices(&state).await?,
        departments,
        yellow_percent: state.settings.projects.light_yellow_percent,
    };
    Ok(page.render(StatusCode::OK, &template))
}

/// An event as the browser's table shows it.
struct EventRow {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    entity: String,
    entity_link: String,
    detail: String,
    hash: String,
}

impl From<AuditEventView> for EventRow {
    fn from(e: AuditEventView) -> Self {
        EventRow {
            seq: e.seq,
            at: crate::web::format_time(e.occurred_at.naive_utc()),
            actor: e.actor,
            entity: format!("{} {}", e.entity_type, e.entity_id),
            entity_link: format!(
                "/admin/audit?{}",
                serde_urlencoded::to_string([
                    ("entity_type", &e.entity_type),
                    ("entity_id", &e.entity_id)
                ])
                .unwrap_or_default()
            ),
            action: e.action,
            detail: e.detail.to_string(),
            hash: e.hash.chars().take(12).collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "supervision/audit.html")]
struct AuditPage {
    layout: Layout,
    head: HeadView,
    events: Vec<EventRow>,
    total: i64,
    query: AuditShown,
    next_page: Option<String>,
}

#[derive(Default)]
struct AuditShown {
    entity_type: String,
    entity_id: String,
    actor: String,
    from: String,
    to: String,
}

/// The audit trail: the chain's head and whether the whole chain verifies,
/// then the events that pass the filters, newest first.
pub async fn audit(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<AuditQuery>,
) -> AppResult<Response> {
    let user = page.require_user()?;
    user.require(&[Role::Admin])?;
    let format = crate::exports::Format::requested(query.format.as_deref())?;
    let filter = query.parse()?;
    if let Some(format) = format {
        return Ok(audit_download(&state, format, filter));
    }
    let now = state.now();
    let number = filter.page;
    let (head, (events, total)) = state
        .db
        .run(move |conn| {
            // An administrator asked: verify the whole chain, not only the tail.
            let head = audit_head::head(conn, now, true)?;
            Ok((head, audit_browser::events(conn, &filter)?))
        })
        .await?;
    let template = AuditPage {
        layout: page.layout("审计日志"),
        head,
        events: events.into_iter().map(EventRow::from).collect(),
        total,
        next_page: super::audit_routes::meta(&query, number, total, "/admin/audit").next_page,
        query: AuditShown {
            entity_type: text(&query.entity_type),
            entity_id: text(&query.entity_id),
            actor: text(&query.actor),
            from: text(&query.from),
            to: text(&query.to),
        },
    };
    Ok(page.render(StatusCode::OK, &template))
}

/// Every matching event as a download, newest first, read a page at a time
/// by sequence number (memory stays bounded however long the trail).
fn audit_download(
    state: &AppState,
    format: crate::exports::Format,
    filter: audit_browser::AuditFilter,
) -> Response {
    use crate::exports::Cell;
    let headers = [
        "序号",
        "时间",
        "操作人",
        "操作",
        "对象类型",
        "对象",
        "详情",
        "哈希",
    ]
    .map(String::from)
    .to_vec();
    let mut before: Option<i64> = None;
    let rows = crate::exports::paged_query(state.db.clone(), move |conn, paging| {
        let count = paging.per_page.map_or(100, |n| n as i64);
        let events = audit_browser::events_before(conn, &filter, before, count)?;
        before = events.last().map(|e| e.seq);
        Ok(events
            .into_iter()
            .map(|e| {
                vec![
                    Cell::Int(e.seq),
                    Cell::Text(crate::web::format_time(e.occurred_at)),
                    Cell::Text(e.actor),
                    Cell::Text(e.action),
                    Cell::Text(e.entity_type),
                    Cell::Text(e.entity_id),
                    Cell::Text(e.detail),
                    Cell::Text(e.hash),
                ]
            })
            .collect())
    });
    crate::exports::download(format, "audit", headers, rows)
}
