//! Account pages: register, log in, log out, the account page with API tokens,
//! and the administrators' user list.

use super::model::UserRow;
use super::routes::{end_session, removal_cookie, session_cookie};
use super::rules::{OrganizationInput, RegistrationInput};
use super::{service, throttle, tokens, Role};
use crate::app::AppState;
use crate::error::{AppError, AppResult, FieldError};
use crate::supervision::Actor;
use crate::web::csrf::CsrfForm;
use crate::web::pages::{field_message, local_path, Layout, Page};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;

/// What the register form sends; kept to show it again next to the errors.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub role: String,
    /// "organization" (单位) or "person" (自然人)
    #[serde(default)]
    pub party: String,
    #[serde(default, rename = "organization.name")]
    pub organization_name: String,
    #[serde(default, rename = "organization.uscc")]
    pub organization_uscc: String,
}

#[derive(Template)]
#[template(path = "accounts/register.html")]
struct RegisterPage {
    layout: Layout,
    form: RegisterForm,
    errors: Vec<FieldError>,
}

impl RegisterPage {
    fn error(&self, field: &str) -> String {
        field_message(&self.errors, field)
    }
}

pub async fn register_form(page: Page) -> Response {
    let template = RegisterPage {
        layout: page.layout("注册"),
        form: RegisterForm {
            role: "applicant".into(),
            party: "organization".into(),
            ..Default::default()
        },
        errors: vec![],
    };
    page.render(StatusCode::OK, &template)
}

pub async fn register(
    State(state): State<AppState>,
    page: Page,
    CsrfForm(form): CsrfForm<RegisterForm>,
) -> AppResult<Response> {
    let organization = (form.party != "person").then(|| OrganizationInput {
        name: form.organization_name.clone(),
        uscc: form.organization_uscc.clone(),
    });
    let input = RegistrationInput {
        username: form.username.clone(),
        password: form.password.clone(),
        display_name: form.display_name.clone(),
        role: form.role.clone(),
        organization,
    };
    match service::register(&state, input).await {
        Ok(_) => Ok(Redirect::to("/login?registered=1").into_response()),
        Err(AppError::Invalid(errors)) => {
            let template = RegisterPage {
                layout: page.layout("注册"),
                // The password is never sent back into the page.
                form: RegisterForm {
                    password: String::new(),
                    ..form
                },
                errors,
            };
            Ok(page.render(StatusCode::UNPROCESSABLE_ENTITY, &template))
        }
        Err(other) => Err(other),
    }
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    next: Option<String>,
    registered: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct LoginPage {
    layout: Layout,
    username: String,
    next: String,
    notice: String,
    error: String,
}

pub async fn login_form(page: Page, Query(query): Query<LoginQuery>) -> Response {
    let template = LoginPage {
        layout: page.layout("登录"),
        username: String::new(),
        next: query.next.unwrap_or_default(),
        notice: if query.registered.is_some() {
            "注册成功，请登录。".into()
        } else {
            String::new()
        },
        error: String::new(),
    };
    page.render(StatusCode::OK, &template)
}

pub async fn login(
    State(state): State<AppState>,
    page: Page,
    jar: CookieJar,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> AppResult<Response> {
    match service::login(&state, &form.username, &form.password).await {
        Ok(logged_in) => {
            let jar = jar.add(session_cookie(&state, logged_in.session.secret));
            Ok((jar, Redirect::to(&local_path(form.next.as_deref()))).into_response())
        }
        Err(AppError::LoginFailed) => {
            let template = LoginPage {
                layout: page.layout("登录"),
                username: form.username,
                next: form.next.unwrap_or_default(),
                notice: String::new(),
                error: AppError::LoginFailed.messages().0,
            };
            Ok(page.render(StatusCode::UNAUTHORIZED, &template))
        }
        Err(other) => Err(other),
    }
}

#[derive(Deserialize)]
pub struct EmptyForm {}

pub async fn logout(
    State(state): State<AppState>,
    page: Page,
    jar: CookieJar,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> AppResult<Response> {
    let user = page.require_user()?;
    end_session(&state, user).await?;
    Ok((jar.remove(removal_cookie()), Redirect::to("/")).into_response())
}

pub struct TokenLine {
    pub id: i64,
    pub name: String,
    pub created_at: String,
    pub last_used_at: String,
}

/// What the account page shows besides the account: the outcome of the form just sent.
#[derive(Default)]
struct AccountNotes {
    new_secret: String,
    token_name: String,
    token_error: String,
    password_errors: Vec<FieldError>,
    password_changed: bool,
}

#[derive(Template)]
#[template(path = "accounts/account.html")]
struct AccountPage {
    layout: Layout,
    user: UserRow,
    role_label: &'static str,
    tokens: Vec<TokenLine>,
    notes: AccountNotes,
}

impl AccountPage {
    fn password_error(&self, field: &str) -> String {
        field_message(&self.notes.password_errors, field)
    }
}

async fn account_page(
    state: &AppState,
    page: &Page,
    status: StatusCode,
    notes: AccountNotes,
) -> AppResult<Response> {
    let user = page.require_user()?;
    let rows = tokens::list(state, user.user.id).await?;
    let template = AccountPage {
        layout: page.layout("我的账户"),
        user: user.user.clone(),
        role_label: user.role().label_zh(),
        tokens: rows
            .iter()
            .map(|t| TokenLine {
                id: t.id,
                name: t.name.clone(),
                created_at: crate::web::format_time(t.created_at),
                last_used_at: t
                    .last_used_at
                    .map(crate::web::format_time)
                    .unwrap_or_else(|| "从未使用".into()),
            })
            .collect(),
        notes,
    };
    Ok(page.render(status, &template))
}

pub async fn account(State(state): State<AppState>, page: Page) -> AppResult<Response> {
    account_page(&state, &page, StatusCode::OK, AccountNotes::default()).await
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    page: Page,
    CsrfForm(form): CsrfForm<TokenForm>,
) -> AppResult<Response> {
    let user = page.require_user()?;
    let (status, notes) = match tokens::create(&state, &user.user, &form.name).await {
        // Shown once, on this answer only.
        Ok(created) => (
            StatusCode::CREATED,
            AccountNotes {
                new_secret: created.secret,
                ..Default::default()
            },
        ),
        Err(AppError::Invalid(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            AccountNotes {
                token_error: field_message(&errors, "name"),
                token_name: form.name,
                ..Default::default()
            },
        ),
        Err(other) => return Err(other),
    };
    account_page(&state, &page, status, notes).await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    page: Page,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> AppResult<Response> {
    let user = page.require_user()?;
    let outcome = service::change_password(
        &state,
        &user.user,
        user.session_id(),
        &form.current_password,
        &form.new_password,
    )
    .await;
    let (status, notes) = match outcome {
        Ok(()) => (
            StatusCode::OK,
            AccountNotes {
                password_changed: true,
                ..Default::default()
            },
        ),
        Err(AppError::Invalid(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            AccountNotes {
                password_errors: errors,
                ..Default::default()
            },
        ),
        Err(other) => return Err(other),
    };
    account_page(&state, &page, status, notes).await
}

pub async fn revoke_token(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> AppResult<Response> {
    let user = page.require_user()?;
    tokens::revoke(&state, &user.user, id).await?;
    Ok(Redirect::to("/account").into_response())
}

pub struct UserLine {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role_label: &'static str,
    pub organization: String,
    pub locked: bool,
    pub created_at: String,
}

#[derive(Template)]
#[template(path = "accounts/admin_users.html")]
struct AdminUsersPage {
    layout: Layout,
    users: Vec<UserLine>,
}

pub async fn admin_users(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<crate::exports::DownloadQuery>,
) -> AppResult<Response> {
    page.require_user()?.require(&[Role::Admin])?;
    let format = crate::exports::Format::requested(query.format.as_deref())?;
    let now = state.now();
    let rows = service::list_users(&state).await?;
    let locked = state
        .db
        .run(move |conn| Ok(throttle::locked_names(conn, now)?))
        .await?;
    let users: Vec<UserLine> = rows
        .iter()
        .map(|u| UserLine {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role_label: u.role().label_zh(),
            organization: match (&u.organization_name, &u.organization_uscc) {
                (Some(name), Some(code)) => format!("{name}（{code}）"),
                _ => "自然人".into(),
            },
            locked: locked.contains(&u.username),
            created_at: crate::web::format_time(u.created_at),
        })
        .collect();
    if let Some(format) = format {
        use crate::exports::Cell;
        let headers = ["用户名", "姓名", "角色", "单位", "注册时间", "已锁定"]
            .map(String::from)
            .to_vec();
        let rows = users
            .iter()
            .map(|u| {
                vec![
                    Cell::Text(u.username.clone()),
                    Cell::Text(u.display_name.clone()),
                    Cell::from(u.role_label),
                    Cell::Text(u.organization.clone()),
                    Cell::Text(u.created_at.clone()),
                    Cell::from(if u.locked { "是" } else { "否" }),
                ]
            })
            .collect();
        let rows = crate::exports::Fixed::new(rows);
        return Ok(crate::exports::download(format, "users", headers, rows));
    }
    let template = AdminUsersPage {
        layout: page.layout("用户管理"),
        users,
    };
    Ok(page.render(StatusCode::OK, &template))
}

pub async fn admin_unlock(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> AppResult<Response> {
    let admin = page.require_user()?;
    admin.require(&[Role::Admin])?;
    service::unlock(&state, Actor::user(admin.user.id, &admin.user.username), id).await?;
    Ok(Redirect::to("/admin/users").into_response())
}
