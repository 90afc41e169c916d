//! The page shell: the layout every page extends, the `Page` extractor that
//! knows the caller and the form token, the home page, and the error pages
//! rendered from the same `AppError` the API answers with.

use super::auth::CurrentUser;
use super::csrf;
use crate::accounts::Role;
use crate::app::AppState;
use crate::error::{AppError, FieldError, Problem};
use askama::Template;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar};

/// The caller as the navigation shows them.
#[derive(Clone, Debug)]
pub struct NavUser {
    pub display_name: String,
    pub role: Role,
    /// Messages not read yet, shown beside 消息.
    pub unread: i64,
}

impl NavUser {
    pub fn role_label(&self) -> &'static str {
        self.role.label_zh()
    }
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
    pub fn is_applicant(&self) -> bool {
        self.role == Role::Applicant
    }
    pub fn is_agency(&self) -> bool {
        self.role == Role::Agency
    }
}

/// What the layout template needs from every page.
#[derive(Clone, Debug)]
pub struct Layout {
    pub title: String,
    pub user: Option<NavUser>,
    pub csrf_token: String,
}

/// Extracted by every page handler: the caller, if any, and the token its forms carry.
pub struct Page {
    pub user: Option<CurrentUser>,
    pub csrf_token: String,
    /// The caller's unread messages (0 for visitors).
    pub unread: i64,
    new_cookie: Option<Cookie<'static>>,
}

impl FromRequestParts<AppState> for Page {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let user = super::auth::resolve(parts, state).await?;
        let jar = CookieJar::from_headers(&parts.headers);
        let (csrf_token, new_cookie) = csrf::token_for(state, user.as_ref(), &jar);
        let unread = match &user {
            Some(u) => {
                let user_id = u.user.id;
                state
                    .db
                    .run(move |conn| Ok(crate::messages::unread_count(conn, user_id)?))
                    .await?
            }
            None => 0,
        };
        Ok(Page {
            user,
            csrf_token,
            unread,
            new_cookie,
        })
    }
}

impl Page {
    pub fn layout(&self, title: &str) -> Layout {
        Layout {
            title: title.to_owned(),
            user: self.user.as_ref().map(|u| NavUser {
                display_name: u.user.display_name.clone(),
                role: u.role(),
                unread: self.unread,
            }),
            csrf_token: self.csrf_token.clone(),
        }
    }

    pub fn require_user(&self) -> Result<&CurrentUser, AppError> {
        self.user.as_ref().ok_or(AppError::Unauthenticated)
    }

    /// Renders a template with a status, setting the visitor cookie when new.
    pub fn render(&self, status: StatusCode, template: &impl Template) -> Response {
        let body = match template.render() {
            Ok(body) => body,
            Err(e) => return AppError::Internal(anyhow::anyhow!("template: {e}")).into_response(),
        };
        let mut response = (status, Html(body)).into_response();
        if let Some(cookie) = &self.new_cookie {
            if let Ok(value) = cookie.encoded().to_string().parse() {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
        }
        response
    }
}

/// The message next to a field, in Chinese, if that field (or one of its
/// entries, `field[i]`) is at fault.
pub fn field_message(errors: &[FieldError], field: &str) -> String {
    errors
        .iter()
        .filter(|e| {
            e.field == field
                || e.field
                    .strip_prefix(field)
                    .is_some_and(|rest| rest.starts_with('['))
        })
        .map(|e| e.message_zh.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// One option of a select or a list of checkboxes.
pub struct Choice {
    pub value: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    projects: Vec<crate::projects::views::ProjectSummary>,
}

impl HomePage {
    fn time(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        crate::projects::pages::time(t)
    }
}

pub async fn home(State(state): State<AppState>, page: Page) -> Result<Response, AppError> {
    let template = HomePage {
        layout: page.layout("首页"),
        projects: crate::projects::pages::newest(&state, 5).await?,
    };
    Ok(page.render(StatusCode::OK, &template))
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    status: u16,
    message: String,
    errors: Vec<FieldError>,
}

pub async fn not_found() -> AppError {
    AppError::NotFound
}

fn is_machine_path(path: &str) -> bool {
    path.starts_with("/api/") || path == "/healthz" || path == "/metrics"
}

/// Turns error answers of page routes into Chinese error pages, and sends
/// visitors who must log in to the login page.
pub async fn render_error_pages(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let query = request
        .uri()
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let response = next.run(request).await;
    if is_machine_path(&path) {
        return response;
    }
    let Some(problem) = response.extensions().get::<Problem>().cloned() else {
        return response;
    };
    if problem.status == StatusCode::UNAUTHORIZED.as_u16()
        && problem.type_.ends_with("/unauthenticated")
    {
        let next = format!("{path}{query}");
        return Redirect::to(&format!("/login?next={}", urlencode(&next))).into_response();
    }
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let template = ErrorPage {
        layout: Layout {
            title: status.canonical_reason().unwrap_or("错误").to_owned(),
            user: None,
            csrf_token: String::new(),
        },
        status: problem.status,
        message: problem.detail_zh.clone(),
        errors: problem.errors.clone(),
    };
    match template.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(_) => response,
    }
}

pub fn urlencode(text: &str) -> String {
    serde_urlencoded::to_string([("", text)])
        .map(|s| s.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}

/// A redirect target after login: a local path only, never another site.
pub fn local_path(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_owned()
        }
        _ => "/account".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_message_includes_its_entries() {
        let errors = vec![
            FieldError::new("regions[1]", "第二个不对。", "second"),
            FieldError::new("regions", "请选择。", "choose"),
            FieldError::new("regions_note", "别的字段。", "other"),
        ];
        assert_eq!(field_message(&errors, "regions"), "第二个不对。 请选择。");
        assert_eq!(field_message(&errors, "title"), "");
    }

    #[test]
    fn only_local_paths_are_redirect_targets() {
        let cases = [
            (Some("/account"), "/account"),
            (Some("/projects?page=2"), "/projects?page=2"),
            (Some("//evil.example/x"), "/account"),
            (Some("https://evil.example"), "/account"),
            (Some("/\\evil.example"), "/account"),
            (None, "/account"),
        ];
        for (next, expected) in cases {
            assert_eq!(local_path(next), expected);
        }
    }
}
