//! CSRF protection. Logged-in forms and cookie-authenticated JSON requests
//! carry the session's CSRF token; forms shown to visitors (register, log in)
//! carry a token signed over a random cookie, so no session is needed for them.

use super::auth::{self, Credential, CurrentUser};
use crate::accounts::secrets;
use crate::app::AppState;
use crate::db::{settings, Db};
use crate::error::AppError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use hmac::{Hmac, Mac};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use sha2::Sha256;

pub const VISITOR_COOKIE: &str = "zj_visitor";
pub const HEADER: &str = "x-csrf-token";
pub const FIELD: &str = "csrf_token";

/// The key that signs visitors' tokens, made once and shared through the database.
pub fn load_or_create_key(db: &Db) -> anyhow::Result<Vec<u8>> {
    let key = db.write_now(|conn| match settings::get(conn, "form_key")? {
        Some(key) => Ok(key),
        None => {
            let key = secrets::new_secret("");
            settings::put(conn, "form_key", &key)?;
            Ok(key)
        }
    })?;
    Ok(key.into_bytes())
}

fn sign(key: &[u8], visitor: &str) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(visitor.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The token a form must carry for this requester, and a visitor cookie to set
/// when the requester has none yet.
pub fn token_for(
    state: &AppState,
    user: Option<&CurrentUser>,
    jar: &CookieJar,
) -> (String, Option<Cookie<'static>>) {
    if let Some(CurrentUser {
        credential: Credential::Session { csrf_token, .. },
        ..
    }) = user
    {
        return (csrf_token.clone(), None);
    }
    match jar.get(VISITOR_COOKIE) {
        Some(cookie) if !cookie.value().is_empty() => (sign(&state.form_key, cookie.value()), None),
        _ => {
            let visitor = secrets::new_secret("");
            let token = sign(&state.form_key, &visitor);
            let cookie = Cookie::build((VISITOR_COOKIE, visitor))
                .http_only(true)
                .same_site(SameSite::Lax)
                .secure(state.settings.secure_cookies)
                .path("/")
                .build();
            (token, Some(cookie))
        }
    }
}

/// Whether `presented` is the token this requester's forms carry.
pub fn verify(
    state: &AppState,
    user: Option<&CurrentUser>,
    jar: &CookieJar,
    presented: &str,
) -> Result<(), AppError> {
    let expected = match user {
        Some(CurrentUser {
            credential: Credential::Session { csrf_token, .. },
            ..
        }) => csrf_token.clone(),
        // A bearer token is not sent by browsers on their own: no CSRF risk.
        Some(CurrentUser {
            credential: Credential::Token { .. },
            ..
        }) => return Ok(()),
        // Never behind a form: there is no request to forge.
        Some(CurrentUser {
            credential: Credential::Command,
            ..
        }) => return Err(AppError::CsrfRejected),
        None => match jar.get(VISITOR_COOKIE) {
            Some(cookie) if !cookie.value().is_empty() => sign(&state.form_key, cookie.value()),
            _ => return Err(AppError::CsrfRejected),
        },
    };
    if !expected.is_empty() && secrets::same(&expected, presented) {
        Ok(())
    } else {
        Err(AppError::CsrfRejected)
    }
}

#[derive(Deserialize)]
struct TokenField {
    #[serde(default)]
    csrf_token: String,
}

/// A urlencoded form whose CSRF token has been checked before it is parsed.
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        let (mut parts, body) = req.into_parts();
        let user = auth::resolve(&mut parts, state).await?;
        let jar = CookieJar::from_headers(&parts.headers);
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| AppError::PayloadTooLarge)?;
        let field: TokenField =
            serde_html_form::from_bytes(&bytes).map_err(|_| AppError::CsrfRejected)?;
        verify(state, user.as_ref(), &jar, &field.csrf_token)?;
        // serde_html_form reads repeated keys (checkboxes, multi-selects) into lists.
        let form = serde_html_form::from_bytes(&bytes).map_err(|e| {
            AppError::invalid(
                "body",
                "表单内容无法识别。",
                &format!("The form could not be read: {e}"),
            )
        })?;
        Ok(CsrfForm(form))
    }
}

/// Checks `X-CSRF-Token` on a cookie-authenticated JSON request that changes state.
pub fn check_header(parts: &Parts, user: &CurrentUser) -> Result<(), AppError> {
    let Credential::Session { csrf_token, .. } = &user.credential else {
        return Ok(());
    };
    let presented = parts
        .headers
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if secrets::same(csrf_token, presented) {
        Ok(())
    } else {
        Err(AppError::CsrfRejected)
    }
}

/// The visitor's form token, for pages that render forms.
pub struct FormToken {
    pub token: String,
    pub new_cookie: Option<Cookie<'static>>,
}

impl FromRequestParts<AppState> for FormToken {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let user = auth::resolve(parts, state).await?;
        let jar = CookieJar::from_headers(&parts.headers);
        let (token, new_cookie) = token_for(state, user.as_ref(), &jar);
        Ok(FormToken { token, new_cookie })
    }
}

/// A multipart form (with files, maybe none) whose CSRF token has been checked.
pub struct CsrfMultipart {
    pub fields: Vec<(String, String)>,
    pub uploads: Vec<crate::attachments::routes::Upload>,
}

impl CsrfMultipart {
    /// The first file, for forms that take one.
    pub fn take_upload(&mut self) -> Option<crate::attachments::routes::Upload> {
        (!self.uploads.is_empty()).then(|| self.uploads.remove(0))
    }

    pub fn field(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    }
}

impl FromRequest<AppState> for CsrfMultipart {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        let (mut parts, body) = req.into_parts();
        let user = auth::resolve(&mut parts, state).await?;
        let jar = CookieJar::from_headers(&parts.headers);
        let multipart =
            axum::extract::Multipart::from_request(Request::from_parts(parts, body), state)
                .await
                .map_err(|_| AppError::CsrfRejected)?;
        let (uploads, fields) = crate::attachments::routes::read_multipart(multipart).await?;
        let token = fields
            .iter()
            .find(|(name, _)| name == FIELD)
            .map(|(_, value)| value.clone())
            .unwrap_or_default();
        verify(state, user.as_ref(), &jar, &token)?;
        Ok(CsrfMultipart { fields, uploads })
    }
}
