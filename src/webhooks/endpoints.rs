//! Webhook endpoints (registered by administrators, with a secret shown
//! once), their delivery log, and the manual replay of a delivery.

use crate::accounts::{secrets, Role};
use crate::app::AppState;
use crate::db::schema::{approval_events, webhook_deliveries, webhook_endpoints};
use crate::error::{AppError, AppResult};
use crate::supervision::{journal, Event, Publish};
use crate::web::auth::CurrentUser;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointInput {
    /// Where events are posted: `https://…` (or `http://` on a private network).
    pub url: Option<String>,
    pub description: Option<String>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EndpointView {
    pub id: i64,
    pub url: String,
    pub description: String,
    pub created_at: DateTime<Utc>,
    pub disabled_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EndpointCreated {
    pub webhook: EndpointView,
    /// The signing secret, shown this once.
    pub secret: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EndpointList {
    pub webhooks: Vec<EndpointView>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DeliveryView {
    pub id: i64,
    pub endpoint_id: i64,
    pub event_id: i64,
    pub event_type: String,
    /// `pending`, `delivered` or `failed` (given up; replay it).
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DeliveryList {
    pub deliveries: Vec<DeliveryView>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DeliveryEnvelope {
    pub delivery: DeliveryView,
}

type EndpointRow = (i64, String, String, NaiveDateTime, Option<NaiveDateTime>);

fn endpoint_view((id, url, description, created_at, disabled_at): EndpointRow) -> EndpointView {
    EndpointView {
        id,
        url,
        description,
        created_at: created_at.and_utc(),
        disabled_at: disabled_at.map(|t| t.and_utc()),
    }
}

/// The URL as stored, or why not (pure).
pub fn check_url(url: Option<&str>) -> Result<String, AppError> {
    let url = url.map(str::trim).unwrap_or_default();
    let parsed = reqwest::Url::parse(url).ok().filter(|u| {
        matches!(u.scheme(), "http" | "https") && u.host_str().is_some() && url.len() <= 2000
    });
    match parsed {
        Some(_) => Ok(url.to_owned()),
        None => Err(AppError::invalid(
            "url",
            "请填写接收通知的完整地址（http:// 或 https:// 开头）。",
            "url must be an absolute http(s) URL.",
        )),
    }
}

pub async fn create(
    state: &AppState,
    user: &CurrentUser,
    input: EndpointInput,
) -> AppResult<EndpointCreated> {
    user.require(&[Role::Admin])?;
    let url = check_url(input.url.as_deref())?;
    let description = input.description.unwrap_or_default().trim().to_owned();
    if description.chars().count() > 200 {
        return Err(AppError::invalid(
            "description",
            "说明不超过 200 字。",
            "description must have at most 200 characters.",
        ));
    }
    let secret = secrets::new_secret("whsec_");
    let clock = state.clock.clone();
    let user = user.clone();
    let kept = secret.clone();
    let webhook = state
        .db
        .write(move |conn| {
            let now = clock.now();
            let id: i64 = diesel::insert_into(webhook_endpoints::table)
                .values((
                    webhook_endpoints::url.eq(&url),
                    webhook_endpoints::secret.eq(&kept),
                    webhook_endpoints::description.eq(&description),
                    webhook_endpoints::created_at.eq(now.naive_utc()),
                ))
                .returning(webhook_endpoints::id)
                .get_result(conn)?;
            journal(
                conn,
                now,
                &crate::projects::service::actor(&user),
                Event {
                    action: "webhook.registered",
                    entity_type: "webhook_endpoint",
                    entity_id: id.to_string(),
                    detail: json!({ "url": url, "description": description }),
                },
                Publish::No,
            )?;
            load_endpoint(conn, id)
        })
        .await?;
    Ok(EndpointCreated { webhook, secret })
}

fn load_endpoint(conn: &mut crate::db::DbConnection, id: i64) -> AppResult<EndpointView> {
    webhook_endpoints::table
        .find(id)
        .select((
            webhook_endpoints::id,
            webhook_endpoints::url,
            webhook_endpoints::description,
            webhook_endpoints::created_at,
            webhook_endpoints::disabled_at,
        ))
        .first::<EndpointRow>(conn)
        .optional()?
        .map(endpoint_view)
        .ok_or(AppError::NotFound)
}

pub async fn list(state: &AppState, user: &CurrentUser) -> AppResult<EndpointList> {
    user.require(&[Role::Admin])?;
    state
        .db
        .run(|conn| {
            let rows: Vec<EndpointRow> = webhook_endpoints::table
                .order(webhook_endpoints::id.asc())
                .select((
                    webhook_endpoints::id,
                    webhook_endpoints::url,
                    webhook_endpoints::description,
                    webhook_endpoints::created_at,
                    webhook_endpoints::disabled_at,
                ))
                .load(conn)?;
            Ok(EndpointList {
                webhooks: rows.into_iter().map(endpoint_view).collect(),
            })
        })
        .await
}

/// Stops sending to an endpoint; its log stays.
pub async fn disable(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<EndpointView> {
    user.require(&[Role::Admin])?;
    let clock = state.clock.clone();
    let user = user.clone();
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            load_endpoint(conn, id)?;
            diesel::update(webhook_endpoints::table.find(id))
                .filter(webhook_endpoints::disabled_at.is_null())
                .set(webhook_endpoints::disabled_at.eq(now.naive_utc()))
                .execute(conn)?;
            journal(
                conn,
                now,
                &crate::projects::service::actor(&user),
                Event {
                    action: "webhook.disabled",
                    entity_type: "webhook_endpoint",
                    entity_id: id.to_string(),
                    detail: json!({}),
                },
                Publish::No,
            )?;
            load_endpoint(conn, id)
        })
        .await
}

type DeliveryRow = (
    (
        i64,
        i64,
        i64,
        String,
        i32,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
    ),
    (
        Option<i32>,
        Option<String>,
        Option<NaiveDateTime>,
        NaiveDateTime,
        String,
    ),
);

fn delivery_view(row: DeliveryRow) -> DeliveryView {
    let (
        (id, endpoint_id, event_id, status, attempts, next, last),
        (code, error, delivered, created, kind),
    ) = row;
    DeliveryView {
        id,
        endpoint_id,
        event_id,
        event_type: kind,
        status,
        attempts,
        next_attempt_at: next.map(|t| t.and_utc()),
        last_attempt_at: last.map(|t| t.and_utc()),
        last_status_code: code,
        last_error: error,
        delivered_at: delivered.map(|t| t.and_utc()),
        created_at: created.and_utc(),
    }
}

macro_rules! delivery_columns {
    () => {
        (
            (
                webhook_deliveries::id,
                webhook_deliveries::endpoint_id,
                webhook_deliveries::event_id,
                webhook_deliveries::status,
                webhook_deliveries::attempts,
                webhook_deliveries::next_attempt_at,
                webhook_deliveries::last_attempt_at,
            ),
            (
                webhook_deliveries::last_status_code,
                webhook_deliveries::last_error,
                webhook_deliveries::delivered_at,
                webhook_deliveries::created_at,
                approval_events::kind,
            ),
        )
    };
}

/// The delivery log of an endpoint, newest first.
pub async fn deliveries(
    state: &AppState,
    user: &CurrentUser,
    endpoint: i64,
) -> AppResult<DeliveryList> {
    user.require(&[Role::Admin])?;
    state
        .db
        .run(move |conn| {
            load_endpoint(conn, endpoint)?;
            let rows: Vec<DeliveryRow> = webhook_deliveries::table
                .inner_join(approval_events::table)
                .filter(webhook_deliveries::endpoint_id.eq(endpoint))
                .order(webhook_deliveries::id.desc())
                .limit(500)
                .select(delivery_columns!())
                .load(conn)?;
            Ok(DeliveryList {
                deliveries: rows.into_iter().map(delivery_view).collect(),
            })
        })
        .await
}

/// Sends a delivery again at the next pass, whatever it came to before.
pub async fn replay(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<DeliveryView> {
    user.require(&[Role::Admin])?;
    let clock = state.clock.clone();
    let user = user.clone();
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            let updated = diesel::update(webhook_deliveries::table.find(id))
                .set((
                    webhook_deliveries::status.eq("pending"),
                    webhook_deliveries::next_attempt_at.eq(now.naive_utc()),
                ))
                .execute(conn)?;
            if updated == 0 {
                return Err(AppError::NotFound);
            }
            journal(
                conn,
                now,
                &crate::projects::service::actor(&user),
                Event {
                    action: "webhook.replayed",
                    entity_type: "webhook_delivery",
                    entity_id: id.to_string(),
                    detail: json!({}),
                },
                Publish::No,
            )?;
            let row: DeliveryRow = webhook_deliveries::table
                .inner_join(approval_events::table)
                .filter(webhook_deliveries::id.eq(id))
                .select(delivery_columns!())
                .first(conn)?;
            Ok(delivery_view(row))
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_absolute_http_urls_are_endpoints() {
        assert!(check_url(Some("https://spxt.jiangxi.gov.cn/hooks/zhongjie")).is_ok());
        assert!(check_url(Some("http://10.0.0.8:8080/hook")).is_ok());
        for bad in ["", "ftp://x/y", "/hooks", "https://"] {
            assert!(check_url(Some(bad)).is_err(), "{bad}");
        }
        assert!(check_url(None).is_err());
    }
}
