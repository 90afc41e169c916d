//! The one error type of the HTTP boundary. Every handler returns `AppError`;
//! it is turned into `application/problem+json` here, and into a Chinese error
//! page by `web::pages::render_error_pages` for the browser, from the same value.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// One field at fault, with the message in both languages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message_zh: String,
    pub message_en: String,
}

impl FieldError {
    pub fn new(field: &str, message_zh: &str, message_en: &str) -> Self {
        Self {
            field: field.to_owned(),
            message_zh: message_zh.to_owned(),
            message_en: message_en.to_owned(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("authentication required")]
    Unauthenticated,
    #[error("login failed")]
    LoginFailed,
    #[error("forbidden")]
    Forbidden,
    #[error("csrf token missing or wrong")]
    CsrfRejected,
    #[error("not found")]
    NotFound,
    #[error("conflict: {en}")]
    Conflict { zh: String, en: String },
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

/// The body of an error answer (RFC 9457), extended with both languages and the fields at fault.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    /// 中文说明
    pub detail: String,
    pub detail_zh: String,
    pub detail_en: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl AppError {
    pub fn invalid(field: &str, zh: &str, en: &str) -> Self {
        AppError::Invalid(vec![FieldError::new(field, zh, en)])
    }

    pub fn conflict(zh: &str, en: &str) -> Self {
        AppError::Conflict {
            zh: zh.to_owned(),
            en: en.to_owned(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthenticated | AppError::LoginFailed => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::CsrfRejected => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable, machine-readable slug for the `type` member.
    fn slug(&self) -> &'static str {
        match self {
            AppError::Invalid(_) => "invalid-input",
            AppError::Unauthenticated => "unauthenticated",
            AppError::LoginFailed => "login-failed",
            AppError::Forbidden => "forbidden",
            AppError::CsrfRejected => "csrf-rejected",
            AppError::NotFound => "not-found",
            AppError::Conflict { .. } => "conflict",
            AppError::PayloadTooLarge => "payload-too-large",
            AppError::UnsupportedMediaType => "unsupported-media-type",
            AppError::Internal(_) => "internal",
        }
    }

    /// (Chinese, English) summary shown to the user.
    pub fn messages(&self) -> (String, String) {
        let (zh, en) = match self {
            AppError::Invalid(_) => ("提交的内容有误，请按提示修改。", "The input is invalid; see the fields at fault."),
            AppError::Unauthenticated => ("请先登录。", "Authentication is required."),
            // One answer for an unknown user, a wrong password and a locked account,
            // so the answer never tells whether the user exists.
            AppError::LoginFailed => (
                "用户名或密码错误，或账户因多次登录失败已被暂时锁定。",
                "Wrong user name or password, or the account is temporarily locked after repeated failures.",
            ),
            AppError::Forbidden => ("您没有权限执行此操作。", "You are not allowed to do this."),
            AppError::CsrfRejected => (
                "页面已过期或请求来源无法验证，请刷新页面后重试。",
                "The CSRF token is missing or wrong; reload the page and try again.",
            ),
            AppError::NotFound => ("您访问的内容不存在。", "The requested resource does not exist."),
            AppError::Conflict { zh, en } => return (zh.clone(), en.clone()),
            AppError::PayloadTooLarge => ("提交的内容过大。", "The request body is too large."),
            AppError::UnsupportedMediaType => (
                "请求格式不受支持，请使用 JSON。",
                "Unsupported media type; send application/json.",
            ),
            AppError::Internal(_) => (
                "服务器内部错误，请稍后重试。",
                "Internal server error; please try again later.",
            ),
        };
        (zh.to_owned(), en.to_owned())
    }

    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            AppError::Invalid(errors) => errors,
            _ => &[],
        }
    }

    pub fn problem(&self) -> Problem {
        let status = self.status();
        let (zh, en) = self.messages();
        Problem {
            type_: format!("/problems/{}", self.slug()),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: zh.clone(),
            detail_zh: zh,
            detail_en: en,
            errors: self.field_errors().to_vec(),
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(error: diesel::result::Error) -> Self {
        match error {
            diesel::result::Error::NotFound => AppError::NotFound,
            other => AppError::Internal(anyhow::Error::new(other)),
        }
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(error: diesel::r2d2::PoolError) -> Self {
        AppError::Internal(anyhow::Error::new(error).context("database pool"))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(error) = &self {
            tracing::error!(error = format!("{error:#}"), "internal error");
        }
        let problem = self.problem();
        let mut response = (
            self.status(),
            [(axum::http::header::CONTENT_TYPE, "application/problem+json")],
            serde_json::to_string(&problem).unwrap_or_default(),
        )
            .into_response();
        // Lets the page layer render the same error as HTML for browsers.
        response.extensions_mut().insert(problem);
        response
    }
}

pub type AppResult<T> = Result<T, AppError>;
