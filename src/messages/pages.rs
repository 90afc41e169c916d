//! The messages page: a user reads what the platform told them.

use crate::app::AppState;
use crate::error::AppResult;
use crate::web::pages::{Layout, Page};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

pub struct MessageLine {
    pub subject: String,
    pub body: String,
    pub link: String,
    pub created_at: String,
    pub unread: bool,
}

#[derive(Template)]
#[template(path = "messages.html")]
struct MessagesPage {
    layout: Layout,
    messages: Vec<MessageLine>,
}

pub async fn messages(
    State(state): State<AppState>,
    page: Page,
    axum::extract::Query(query): axum::extract::Query<crate::exports::DownloadQuery>,
) -> AppResult<Response> {
    let user_id = page.require_user()?.user.id;
    let now = state.now();
    // A download reads the messages without marking them read.
    if let Some(format) = crate::exports::Format::requested(query.format.as_deref())? {
        use crate::exports::Cell;
        let rows = state
            .db
            .run(move |conn| Ok(super::for_user(conn, user_id)?))
            .await?;
        let headers = ["时间", "标题", "内容", "链接", "已读"]
            .map(String::from)
            .to_vec();
        let rows = rows
            .iter()
            .map(|m| {
                vec![
                    Cell::Text(crate::web::format_time(m.created_at)),
                    Cell::Text(m.subject.clone()),
                    Cell::Text(m.body.clone()),
                    Cell::Text(m.link.clone()),
                    Cell::from(if m.read_at.is_some() { "是" } else { "否" }),
                ]
            })
            .collect();
        let rows = crate::exports::Fixed::new(rows);
        return Ok(crate::exports::download(format, "messages", headers, rows));
    }
    let rows = state
        .db
        .run(move |conn| {
            let rows = super::for_user(conn, user_id)?;
            // Reading the page reads the messages.
            super::mark_read(conn, user_id, now)?;
            Ok(rows)
        })
        .await?;
    let mut layout = page.layout("站内消息");
    // This page has just read them all.
    if let Some(user) = layout.user.as_mut() {
        user.unread = 0;
    }
    let template = MessagesPage {
        layout,
        messages: rows
            .iter()
            .map(|m| MessageLine {
                subject: m.subject.clone(),
                body: m.body.clone(),
                link: m.link.clone(),
                created_at: crate::web::format_time(m.created_at),
                unread: m.read_at.is_none(),
            })
            .collect(),
    };
    Ok(page.render(StatusCode::OK, &template))
}
