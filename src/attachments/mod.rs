//! Attachments: scans and documents (PDF, JPEG, PNG) that agencies upload.
//! The type is read from the content, never the name; files are stored under
//! the data directory addressed by their SHA-256 and served only to those
//! allowed to see them.

pub mod routes;
pub mod rules;
pub mod store;

use crate::db::schema::attachments;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = attachments)]
pub struct AttachmentRow {
    pub id: i64,
    pub sha256: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub file_name: String,
    pub uploaded_by: i64,
    pub created_at: NaiveDateTime,
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentView {
    pub id: i64,
    pub sha256: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub file_name: String,
    pub created_at: DateTime<Utc>,
}

impl From<&AttachmentRow> for AttachmentView {
    fn from(row: &AttachmentRow) -> Self {
        AttachmentView {
            id: row.id,
            sha256: row.sha256.clone(),
            content_type: row.content_type.clone(),
            size_bytes: row.size_bytes,
            file_name: row.file_name.clone(),
            created_at: row.created_at.and_utc(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentEnvelope {
    pub attachment: AttachmentView,
}

/// The ids among `ids` that `user_id` did not upload (an agency may link only its own files).
pub fn not_owned(
    conn: &mut crate::db::DbConnection,
    user_id: i64,
    ids: &[i64],
) -> QueryResult<Vec<i64>> {
    let owned: Vec<i64> = attachments::table
        .filter(attachments::id.eq_any(ids))
        .filter(attachments::uploaded_by.eq(user_id))
        .select(attachments::id)
        .load(conn)?;
    Ok(ids
        .iter()
        .copied()
        .filter(|id| !owned.contains(id))
        .collect())
}
