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
        crate::catalog::routes::list,
        crate::catalog::routes::show,
        crate::catalog::routes::create,
        crate::catalog::routes::update,
        crate::catalog::routes::types,
        crate::agencies::routes::create,
        crate::agencies::routes::list,
        crate::agencies::routes::show,
        crate::agencies::routes::update,
        crate::agencies::routes::submit,
        crate::agencies::routes::review,
        crate::agencies::routes::add_qualification,
        crate::agencies::routes::review_qualification,
        crate::agencies::routes::add_practitioner,
        crate::offerings::routes::list,
        crate::offerings::routes::create,
        crate::offerings::routes::update,
        crate::offerings::routes::show,
        crate::attachments::routes::upload,
        crate::attachments::routes::download,
        crate::messages::routes::list,
        crate::search::routes::offerings,
        crate::search::routes::agencies,
        crate::projects::routes::create,
        crate::projects::routes::list,
        crate::projects::routes::show,
        crate::projects::routes::update,
        crate::projects::routes::publish,
        crate::projects::routes::review,
        crate::projects::routes::sign_up,
        crate::projects::routes::withdraw,
        crate::projects::routes::select,
        crate::projects::routes::draw,
        crate::projects::routes::confirm,
        crate::projects::routes::object,
        crate::projects::routes::decide,
        crate::projects::routes::cancel,
        crate::contracts::routes::record,
        crate::contracts::routes::show,
        crate::contracts::routes::confirm,
        crate::contracts::routes::amend,
        crate::contracts::routes::decide_amendment,
        crate::contracts::routes::deliver,
        crate::contracts::routes::accept,
        crate::contracts::routes::evaluate,
        crate::contracts::routes::reply,
        crate::contracts::routes::agency_evaluations,
        crate::supervision::credit_routes::show,
        crate::supervision::credit_routes::record,
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
    tags(
        (name = "accounts", description = "Registration, sessions and API tokens"),
        (name = "catalog", description = "The service catalogue and qualification types"),
        (name = "agencies", description = "Agency registration, review and qualifications"),
        (name = "offerings", description = "What agencies offer"),
        (name = "attachments", description = "Uploaded documents"),
        (name = "messages", description = "In-site messages"),
        (name = "search", description = "Full-text search of offerings and agencies"),
        (name = "projects", description = "Projects, sealed sign-ups, selection, publicity and objections"),
        (name = "contracts", description = "Contracts of awarded projects and their amendments"),
        (name = "credit", description = "The agencies' credit record"),
    )
)]
pub struct ApiDoc;

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
