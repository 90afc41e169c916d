//! In-site messages (站内消息): reminders and notices the platform sends to a
//! user, e.g. a certificate about to expire or a review decision.

pub mod pages;
pub mod routes;

use crate::db::schema::messages;
use crate::db::DbConnection;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = messages)]
pub struct MessageRow {
    pub id: i64,
    pub user_id: i64,
    pub subject: String,
    pub body: String,
    pub link: String,
    pub created_at: NaiveDateTime,
    pub read_at: Option<NaiveDateTime>,
}

#[derive(Serialize, ToSchema)]
pub struct MessageView {
    pub id: i64,
    pub subject: String,
    pub body: String,
    /// A page of the site the message is about.
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

impl From<&MessageRow> for MessageView {
    fn from(row: &MessageRow) -> Self {
        MessageView {
            id: row.id,
            subject: row.subject.clone(),
            body: row.body.clone(),
            link: row.link.clone(),
            created_at: row.created_at.and_utc(),
            read: row.read_at.is_some(),
        }
    }
}

/// Sends a message; call inside the write transaction of what it tells about.
pub fn send(
    conn: &mut DbConnection,
    at: DateTime<Utc>,
    user_id: i64,
    subject: &str,
    body: &str,
    link: &str,
) -> QueryResult<()> {
    diesel::insert_into(messages::table)
        .values((
            messages::user_id.eq(user_id),
            messages::subject.eq(subject),
            messages::body.eq(body),
            messages::link.eq(link),
            messages::created_at.eq(at.naive_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// A user's newest messages.
pub fn for_user(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<MessageRow>> {
    messages::table
        .filter(messages::user_id.eq(user_id))
        .order(messages::id.desc())
        .limit(200)
        .select(MessageRow::as_select())
        .load(conn)
}

/// How many of a user's messages are unread: one COUNT for every page's navigation.
pub fn unread_count(conn: &mut DbConnection, user_id: i64) -> QueryResult<i64> {
    messages::table
        .filter(messages::user_id.eq(user_id))
        .filter(messages::read_at.is_null())
        .count()
        .get_result(conn)
}

/// Marks all of a user's messages read.
pub fn mark_read(conn: &mut DbConnection, user_id: i64, at: DateTime<Utc>) -> QueryResult<usize> {
    diesel::update(
        messages::table
            .filter(messages::user_id.eq(user_id))
            .filter(messages::read_at.is_null()),
    )
    .set(messages::read_at.eq(at.naive_utc()))
    .execute(conn)
}
