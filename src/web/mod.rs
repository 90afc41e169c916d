//! The HTTP layer shared by all parts: the router, middleware (security
//! headers, limits, metrics, error pages), static assets and the OpenAPI document.

pub mod assets;
pub mod auth;
pub mod client_ip;
pub mod csrf;
pub mod extract;
pub mod metrics;
pub mod openapi;
pub mod pages;
pub mod paging;

use crate::accounts;
use crate::app::AppState;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{delete, get, post, put};
use axum::{middleware, Json, Router};
use chrono::NaiveDateTime;
use std::time::Duration;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Request bodies above this are refused, except uploads.
const BODY_LIMIT: usize = 1024 * 1024;
/// An upload's 10 MB and the multipart framing around it.
pub const UPLOAD_LIMIT: usize = crate::attachments::rules::MAX_BYTES + 64 * 1024;

const CONTENT_SECURITY_POLICY: &str =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/api/v1/users", post(accounts::routes::register))
        .route(
            "/api/v1/users/{id}/unlock",
            post(accounts::routes::unlock_user),
        )
        .route("/api/v1/sessions", post(accounts::routes::login))
        .route("/api/v1/sessions/current", delete(accounts::routes::logout))
        .route("/api/v1/me", get(accounts::routes::me))
        .route(
            "/api/v1/me/password",
            put(accounts::routes::change_password),
        )
        .route(
            "/api/v1/tokens",
            post(accounts::routes::create_token).get(accounts::routes::list_tokens),
        )
        .route(
            "/api/v1/tokens/{id}",
            delete(accounts::routes::revoke_token),
        )
        .route(
            "/api/v1/service-items",
            get(crate::catalog::routes::list).post(crate::catalog::routes::create),
        )
        .route(
            "/api/v1/service-items/{id}",
            get(crate::catalog::routes::show).patch(crate::catalog::routes::update),
        )
        .route(
            "/api/v1/qualification-types",
            get(crate::catalog::routes::types),
        )
        .route(
            "/api/v1/agencies",
            get(crate::agencies::routes::list).post(crate::agencies::routes::create),
        )
        .route(
            "/api/v1/agencies/{id}",
            get(crate::agencies::routes::show).patch(crate::agencies::routes::update),
        )
        .route(
            "/api/v1/agencies/{id}/submit",
            post(crate::agencies::routes::submit),
        )
        .route(
            "/api/v1/agencies/{id}/review",
            post(crate::agencies::routes::review),
        )
        .route(
            "/api/v1/agencies/{id}/qualifications",
            post(crate::agencies::routes::add_qualification),
        )
        .route(
            "/api/v1/agencies/{id}/practitioners",
            post(crate::agencies::routes::add_practitioner),
        )
        .route(
            "/api/v1/qualifications/{id}/review",
            post(crate::agencies::routes::review_qualification),
        )
        .route(
            "/api/v1/offerings",
            get(crate::offerings::routes::list).post(crate::offerings::routes::create),
        )
        .route(
            "/api/v1/offerings/{id}",
            get(crate::offerings::routes::show).patch(crate::offerings::routes::update),
        )
        .route(
            "/api/v1/attachments",
            post(crate::attachments::routes::upload).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route(
            "/api/v1/attachments/{id}",
            get(crate::attachments::routes::download),
        )
        .route("/api/v1/messages", get(crate::messages::routes::list))
        .route(
            "/api/v1/projects",
            get(crate::projects::routes::list).post(crate::projects::routes::create),
        )
        .route(
            "/api/v1/projects/{id}",
            get(crate::projects::routes::show).patch(crate::projects::routes::update),
        )
        .route(
            "/api/v1/projects/{id}/publish",
            post(crate::projects::routes::publish),
        )
        .route(
            "/api/v1/projects/{id}/review",
            post(crate::projects::routes::review),
        )
        .route(
            "/api/v1/projects/{id}/signups",
            post(crate::projects::routes::sign_up),
        )
        .route(
            "/api/v1/projects/{id}/signups/mine",
            delete(crate::projects::routes::withdraw),
        )
        .route(
            "/api/v1/projects/{id}/selection",
            post(crate::projects::routes::select),
        )
        .route(
            "/api/v1/projects/{id}/draw",
            get(crate::projects::routes::draw),
        )
        .route(
            "/api/v1/projects/{id}/confirmation",
            post(crate::projects::routes::confirm),
        )
        .route(
            "/api/v1/projects/{id}/objections",
            post(crate::projects::routes::object),
        )
        .route(
            "/api/v1/projects/{id}/contract",
            post(crate::contracts::routes::record),
        )
        .route(
            "/api/v1/contracts/{id}",
            get(crate::contracts::routes::show),
        )
        .route(
            "/api/v1/contracts/{id}/confirmation",
            post(crate::contracts::routes::confirm),
        )
        .route(
            "/api/v1/contracts/{id}/deliveries",
            post(crate::contracts::routes::deliver),
        )
        .route(
            "/api/v1/contracts/{id}/evaluation",
            post(crate::contracts::routes::evaluate),
        )
        .route(
            "/api/v1/contracts/{id}/stoppages",
            post(crate::contracts::routes::stop),
        )
        .route(
            "/api/v1/contracts/{id}/stoppages/{stoppage}/confirmation",
            post(crate::contracts::routes::decide_stoppage),
        )
        .route(
            "/api/v1/contracts/{id}/complaints",
            post(crate::contracts::routes::complain),
        )
        .route(
            "/api/v1/complaints/{id}/decision",
            post(crate::contracts::routes::decide_complaint),
        )
        .route(
            "/api/v1/evaluations/{id}/reply",
            post(crate::contracts::routes::reply),
        )
        .route(
            "/api/v1/agencies/{id}/credit",
            get(crate::supervision::credit_routes::show),
        )
        .route(
            "/api/v1/agencies/{id}/credit-events",
            post(crate::supervision::credit_routes::record),
        )
        .route(
            "/api/v1/supervision/statistics",
            get(crate::supervision::statistics_routes::admin_api),
        )
        .route(
            "/api/v1/statistics",
            get(crate::supervision::statistics_routes::public_api),
        )
        .route(
            "/api/v1/agencies/{id}/evaluations",
            get(crate::contracts::routes::agency_evaluations),
        )
        .route(
            "/api/v1/deliveries/{id}/acceptance",
            post(crate::contracts::routes::accept),
        )
        .route(
            "/api/v1/contracts/{id}/amendments",
            post(crate::contracts::routes::amend),
        )
        .route(
            "/api/v1/contracts/{id}/amendments/{amendment}/confirmation",
            post(crate::contracts::routes::decide_amendment),
        )
        .route(
            "/api/v1/objections/{id}/decision",
            post(crate::projects::routes::decide),
        )
        .route(
            "/api/v1/projects/{id}/cancel",
            post(crate::projects::routes::cancel),
        )
        .route(
            "/api/v1/search/offerings",
            get(crate::search::routes::offerings),
        )
        .route(
            "/api/v1/search/agencies",
            get(crate::search::routes::agencies),
        )
        .route(
            "/api/v1/investment-projects/{code}",
            get(crate::approvals::routes::show).put(crate::approvals::routes::put),
        )
        .route(
            "/api/v1/investment-projects/{code}/approval-record",
            get(crate::approvals::routes::approval_record),
        )
        .route(
            "/api/v1/investment-projects/{code}/approval-items/{item}",
            axum::routing::patch(crate::approvals::routes::set_state),
        )
        .route(
            "/api/v1/investment-projects/{code}/steps/{step}/link",
            post(crate::approvals::routes::link),
        )
        .route(
            "/api/v1/webhooks",
            get(crate::webhooks::routes::list).post(crate::webhooks::routes::create),
        )
        .route(
            "/api/v1/webhooks/{id}",
            axum::routing::delete(crate::webhooks::routes::disable),
        )
        .route(
            "/api/v1/webhooks/{id}/deliveries",
            get(crate::webhooks::routes::deliveries),
        )
        .route(
            "/api/v1/webhook-deliveries/{id}/replay",
            post(crate::webhooks::routes::replay),
        )
        .route(
            "/api/v1/supervision/lights",
            get(crate::supervision::lights_routes::list),
        )
        .route(
            "/api/v1/audit/events",
            get(crate::supervision::audit_routes::events),
        )
        .route(
            "/api/v1/audit/head",
            get(crate::supervision::audit_routes::head),
        )
        .route("/api/v1/changes", get(crate::opendata::routes::changes))
        .route(
            "/api/v1/ocds/releases",
            get(crate::opendata::routes::releases),
        )
        .route(
            "/api/v1/ocds/publication-policy",
            get(crate::opendata::routes::publication_policy),
        )
        .route(
            "/api/v1/supervision/signals",
            get(crate::supervision::signals::routes::list),
        )
        .route(
            "/api/v1/supervision/signals/{key}/review",
            post(crate::supervision::signals::routes::review),
        )
        .route("/api/v1/openapi.json", get(openapi::document))
        .route("/api/{*rest}", axum::routing::any(pages::not_found));

    let pages = Router::new()
        .route("/", get(pages::home))
        .route(
            "/register",
            get(accounts::pages::register_form).post(accounts::pages::register),
        )
        .route(
            "/login",
            get(accounts::pages::login_form).post(accounts::pages::login),
        )
        .route("/logout", post(accounts::pages::logout))
        .route("/account", get(accounts::pages::account))
        .route("/account/password", post(accounts::pages::change_password))
        .route("/account/tokens", post(accounts::pages::create_token))
        .route(
            "/account/tokens/{id}/revoke",
            post(accounts::pages::revoke_token),
        )
        .route("/messages", get(crate::messages::pages::messages))
        .route("/search", get(crate::search::pages::search))
        .route("/service-items", get(crate::catalog::pages::list))
        .route("/service-items/{id}", get(crate::catalog::pages::guide))
        .route("/agencies", get(crate::agencies::pages::directory))
        .route("/agencies/{id}", get(crate::agencies::pages::profile))
        .route("/offerings/{id}", get(crate::offerings::pages::show))
        .route("/projects", get(crate::projects::pages::list))
        .route("/projects/{id}", get(crate::projects::pages::show))
        .route("/projects/{id}/draw", get(crate::projects::pages::draw))
        .route(
            "/projects/{id}/signup",
            post(crate::projects::agency_pages::sign_up),
        )
        .route(
            "/projects/{id}/signup/withdraw",
            post(crate::projects::agency_pages::withdraw),
        )
        .route(
            "/projects/{id}/confirmation",
            post(crate::projects::agency_pages::confirm),
        )
        .route(
            "/projects/{id}/objections",
            post(crate::projects::agency_pages::object),
        )
        .route(
            "/my/projects",
            get(crate::projects::owner_pages::mine).post(crate::projects::owner_pages::create),
        )
        .route(
            "/my/projects/new",
            get(crate::projects::owner_pages::new_form),
        )
        .route(
            "/my/projects/{id}",
            post(crate::projects::owner_pages::update),
        )
        .route(
            "/my/projects/{id}/edit",
            get(crate::projects::owner_pages::edit_form),
        )
        .route(
            "/my/projects/{id}/publish",
            post(crate::projects::owner_pages::publish),
        )
        .route(
            "/my/projects/{id}/cancel",
            post(crate::projects::owner_pages::cancel),
        )
        .route(
            "/my/projects/{id}/selection",
            post(crate::projects::owner_pages::select),
        )
        .route(
            "/my/agency",
            get(crate::agencies::pages::mine).post(crate::agencies::pages::save_mine),
        )
        .route(
            "/my/agency/submit",
            post(crate::agencies::pages::submit_mine),
        )
        .route(
            "/my/agency/qualifications",
            post(crate::agencies::pages::add_qualification)
                .layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route(
            "/my/agency/attachments",
            post(crate::agencies::pages::add_attachment).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route(
            "/my/agency/practitioners",
            post(crate::agencies::pages::add_practitioner),
        )
        .route(
            "/my/offerings",
            get(crate::offerings::pages::mine).post(crate::offerings::pages::create),
        )
        .route("/my/offerings/new", get(crate::offerings::pages::new_form))
        .route(
            "/my/offerings/{id}",
            get(crate::offerings::pages::edit_form).post(crate::offerings::pages::update),
        )
        .route(
            "/admin/supervision",
            get(crate::supervision::dashboard::dashboard),
        )
        .route("/admin/audit", get(crate::supervision::dashboard::audit))
        .route("/admin/projects", get(crate::projects::admin_pages::queue))
        .route(
            "/admin/projects/{id}",
            get(crate::projects::admin_pages::show),
        )
        .route(
            "/admin/projects/{id}/review",
            post(crate::projects::admin_pages::review),
        )
        .route(
            "/admin/objections/{id}",
            get(crate::projects::admin_pages::objection),
        )
        .route(
            "/admin/objections/{id}/decision",
            post(crate::projects::admin_pages::decide),
        )
        .route("/admin/agencies", get(crate::agencies::pages::admin_queue))
        .route(
            "/admin/agencies/{id}",
            get(crate::agencies::pages::admin_agency),
        )
        .route(
            "/admin/agencies/{id}/credit-events",
            post(crate::agencies::pages::admin_credit_event)
                .layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route(
            "/admin/agencies/{id}/review",
            post(crate::agencies::pages::admin_review),
        )
        .route(
            "/admin/qualifications/{id}/review",
            post(crate::agencies::pages::admin_review_qualification),
        )
        .route(
            "/admin/service-items",
            get(crate::catalog::admin_pages::list).post(crate::catalog::admin_pages::create),
        )
        .route(
            "/admin/service-items/new",
            get(crate::catalog::admin_pages::new_form),
        )
        .route(
            "/admin/service-items/{id}",
            get(crate::catalog::admin_pages::edit_form).post(crate::catalog::admin_pages::update),
        )
        .route("/investment-projects", get(crate::approvals::pages::list))
        .route(
            "/investment-projects/{code}",
            get(crate::approvals::pages::show),
        )
        .route(
            "/investment-projects/{code}/steps/{step}/link",
            post(crate::approvals::pages::link),
        )
        .route(
            "/admin/supervision/signals",
            get(crate::supervision::signals::pages::show),
        )
        .route(
            "/admin/supervision/signals/review",
            post(crate::supervision::signals::pages::review),
        )
        .route("/admin/users", get(accounts::pages::admin_users))
        .route(
            "/admin/supervision/statistics",
            get(crate::supervision::statistics_routes::admin_page),
        )
        .route(
            "/statistics",
            get(crate::supervision::statistics_routes::public_page),
        )
        .route(
            "/admin/users/{id}/unlock",
            post(accounts::pages::admin_unlock),
        );

    Router::new()
        .merge(api)
        .merge(pages)
        .merge(crate::contracts::pages::routes())
        .merge(assets::routes())
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics::render))
        .fallback(pages::not_found)
        .layer(middleware::from_fn(pages::render_error_pages))
        .layer(middleware::from_fn(metrics::track))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(security_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(security_header(header::REFERRER_POLICY, "same-origin"))
        .layer(security_header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(security_header(
            header::CONTENT_SECURITY_POLICY,
            CONTENT_SECURITY_POLICY,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

fn security_header(
    name: header::HeaderName,
    value: &'static str,
) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// Liveness and database reachability, for load balancers.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    let ok = state
        .db
        .run(|conn| {
            use diesel::connection::SimpleConnection;
            conn.batch_execute("SELECT 1")?;
            Ok(())
        })
        .await
        .is_ok();
    if ok {
        (StatusCode::OK, Json(serde_json::json!({ "status": "ok" })))
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({ "status": "database unavailable" })),
        )
    }
}

/// A stored UTC time as people read it: China Standard Time.
pub fn format_time(utc: NaiveDateTime) -> String {
    let offset = crate::calendar::rules::china_offset();
    utc.and_utc()
        .with_timezone(&offset)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}
