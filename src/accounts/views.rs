//! The JSON shapes of the accounts API (fixed: outside clients rely on them).

use super::model::{ApiTokenRow, Role, UserRow};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct OrganizationView {
    pub name: String,
    pub uscc: String,
}

#[derive(Serialize, ToSchema)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// Absent for a natural person.
    pub organization: Option<OrganizationView>,
    pub created_at: DateTime<Utc>,
}

impl From<&UserRow> for UserView {
    fn from(row: &UserRow) -> Self {
        UserView {
            id: row.id,
            username: row.username.clone(),
            display_name: row.display_name.clone(),
            role: row.role(),
            organization: match (&row.organization_name, &row.organization_uscc) {
                (Some(name), Some(uscc)) => Some(OrganizationView {
                    name: name.clone(),
                    uscc: uscc.clone(),
                }),
                _ => None,
            },
            created_at: row.created_at.and_utc(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UserEnvelope {
    pub user: UserView,
}

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct SessionView {
    /// Send it as `X-CSRF-Token` on every state-changing JSON request made with the cookie.
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
    pub user: UserView,
}

#[derive(Serialize, ToSchema)]
pub struct SessionEnvelope {
    pub session: SessionView,
}

#[derive(Deserialize, ToSchema)]
pub struct CreateTokenRequest {
    #[serde(default)]
    pub name: String,
}

/// A token as listed: never its secret.
#[derive(Serialize, ToSchema)]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<&ApiTokenRow> for TokenView {
    fn from(row: &ApiTokenRow) -> Self {
        TokenView {
            id: row.id,
            name: row.name.clone(),
            created_at: row.created_at.and_utc(),
            last_used_at: row.last_used_at.map(|t: NaiveDateTime| t.and_utc()),
        }
    }
}

/// The answer to creating a token: the only time its secret is shown.
#[derive(Serialize, ToSchema)]
pub struct CreatedTokenView {
    pub id: i64,
    pub name: String,
    pub secret: String,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedTokenEnvelope {
    pub token: CreatedTokenView,
}

#[derive(Serialize, ToSchema)]
pub struct ListMeta {
    pub total: i64,
    pub next_page: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TokenList {
    pub tokens: Vec<TokenView>,
    pub meta: ListMeta,
}

#[derive(Deserialize, ToSchema)]
pub struct ChangePasswordRequest {
    #[serde(default)]
    pub current_password: String,
    #[serde(default)]
    pub new_password: String,
}
