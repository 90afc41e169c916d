//! Upload and download of attachments.

use super::{rules, store, AttachmentEnvelope, AttachmentRow, AttachmentView};
use crate::accounts::Role;
use crate::app::AppState;
use crate::db::schema::attachments;
use crate::error::{AppError, AppResult, Problem};
use crate::web::auth::CurrentUser;
use crate::web::extract::ApiPath;
use axum::extract::{Multipart, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use diesel::prelude::*;

/// One uploaded file: its name and bytes.
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Stores an upload after checking it; nothing is written when it is refused.
pub async fn save(state: &AppState, user_id: i64, upload: Upload) -> AppResult<AttachmentRow> {
    let content_type =
        rules::accepted_type(&upload.bytes).map_err(|e| AppError::Invalid(vec![e]))?;
    let data_dir = state.settings.data_dir.clone();
    let bytes = upload.bytes;
    let size = bytes.len() as i64;
    let hash = tokio::task::spawn_blocking(move || store::put(&data_dir, &bytes))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("storing an attachment")))?;
    let name = rules::clean_file_name(&upload.file_name);
    let now = state.now();
    state
        .db
        .run(move |conn| {
            let id: i64 = diesel::insert_into(attachments::table)
                .values((
                    attachments::sha256.eq(&hash),
                    attachments::content_type.eq(content_type),
                    attachments::size_bytes.eq(size),
                    attachments::file_name.eq(&name),
                    attachments::uploaded_by.eq(user_id),
                    attachments::created_at.eq(now.naive_utc()),
                ))
                .returning(attachments::id)
                .get_result(conn)?;
            Ok(attachments::table
                .find(id)
                .select(AttachmentRow::as_select())
                .first(conn)?)
        })
        .await
}

/// Reads the file parts of a multipart body, in order (other parts are returned as text).
pub async fn read_multipart(
    mut multipart: Multipart,
) -> AppResult<(Vec<Upload>, Vec<(String, String)>)> {
    let mut uploads = Vec::new();
    let mut fields = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or("").to_owned();
        if field.file_name().is_some() {
            let file_name = field.file_name().unwrap_or("").to_owned();
            let bytes = field.bytes().await.map_err(multipart_error)?;
            if !bytes.is_empty() {
                uploads.push(Upload {
                    file_name,
                    bytes: bytes.to_vec(),
                });
            }
        } else {
            let value = field.text().await.map_err(multipart_error)?;
            fields.push((name, value));
        }
    }
    Ok((uploads, fields))
}

fn multipart_error(error: axum::extract::multipart::MultipartError) -> AppError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::Invalid(vec![crate::error::FieldError::new(
            "file",
            "文件不能超过10MB。",
            "The file must be at most 10 MB.",
        )])
    } else {
        AppError::Invalid(vec![crate::error::FieldError::new(
            "file",
            "上传内容无法读取。",
            "The upload could not be read.",
        )])
    }
}

/// Upload a PDF, JPEG or PNG (multipart field `file`, at most 10 MB).
#[utoipa::path(post, path = "/api/v1/attachments", tag = "attachments",
    request_body(content_type = "multipart/form-data", description = "A `file` part"),
    responses((status = 201, body = AttachmentEnvelope), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    multipart: Multipart,
) -> AppResult<(StatusCode, Json<AttachmentEnvelope>)> {
    let (uploads, _) = read_multipart(multipart).await?;
    let upload = uploads
        .into_iter()
        .next()
        .ok_or_else(|| AppError::invalid("file", "请选择要上传的文件。", "No file was sent."))?;
    let row = save(&state, user.user.id, upload).await?;
    Ok((
        StatusCode::CREATED,
        Json(AttachmentEnvelope {
            attachment: AttachmentView::from(&row),
        }),
    ))
}

/// Download an attachment: its uploader and administrators; a signed contract also its other party.
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "attachments",
    params(("id" = i64, Path, description = "Attachment id")),
    responses((status = 200, description = "The file, as an attachment"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Response> {
    let row: AttachmentRow = state
        .db
        .run(move |conn| {
            Ok(attachments::table
                .find(id)
                .select(AttachmentRow::as_select())
                .first(conn)
                .optional()?)
        })
        .await?
        .ok_or(AppError::NotFound)?;
    // Someone else's file is "not found", so ids reveal nothing — except a
    // signed contract, which both its parties read.
    if row.uploaded_by != user.user.id && user.role() != Role::Admin {
        let reader = user.clone();
        let party = state
            .db
            .run(move |conn| crate::contracts::service::party_to_contract_file(conn, id, &reader))
            .await?;
        if !party {
            return Err(AppError::NotFound);
        }
    }
    let data_dir = state.settings.data_dir.clone();
    let hash = row.sha256.clone();
    let bytes = tokio::task::spawn_blocking(move || store::get(&data_dir, &hash))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("reading an attachment")))?;
    let disposition = format!(
        "attachment; filename=\"attachment-{}\"; filename*=UTF-8''{}",
        row.id,
        crate::web::pages::urlencode(&row.file_name).replace('+', "%20")
    );
    Ok((
        [
            (header::CONTENT_TYPE, row.content_type.clone()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}
