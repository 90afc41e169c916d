//! The OpenAPI document, generated from the handlers' annotations.

use crate::accounts::{routes, rules, views};
use crate::error::{FieldError, Problem};
use axum::Json;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "zhongjie 中介服务超市 API", version = "1", description = "The JSON API of the intermediary-services marketplace. See docs/API.md for the dialect."),
    paths(
        routes::register,
        routes::login,
        routes::logout,
        routes::me,
        routes::change_password,
        routes::create_token,
        routes::list_tokens,
        routes::revoke_token,
        routes::unlock_user,
    ),
    components(schemas(
        Problem,
        FieldError,
        rules::RegistrationInput,
        rules::OrganizationInput,
        views::UserEnvelope,
        views::SessionEnvelope,
        views::CreatedTokenEnvelope,
        views::TokenList,
        views::ChangePasswordRequest,
    )),
    tags((name = "accounts", description = "Registration, sessions and API tokens"))
)]
pub struct ApiDoc;

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
