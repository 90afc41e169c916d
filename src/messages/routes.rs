//! The messages API.

use super::MessageView;
use crate::accounts::views::ListMeta;
use crate::app::AppState;
use crate::error::{AppResult, Problem};
use crate::web::auth::CurrentUser;
use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct MessageList {
    pub messages: Vec<MessageView>,
    pub meta: ListMeta,
}

/// The caller's in-site messages, newest first.
#[utoipa::path(get, path = "/api/v1/messages", tag = "messages",
    responses((status = 200, body = MessageList), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<MessageList>> {
    let id = user.user.id;
    let rows = state
        .db
        .run(move |conn| Ok(super::for_user(conn, id)?))
        .await?;
    Ok(Json(MessageList {
        meta: ListMeta {
            total: rows.len() as i64,
            next_page: None,
        },
        messages: rows.iter().map(MessageView::from).collect(),
    }))
}
