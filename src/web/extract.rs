//! Extractors of the API whose rejections become problem+json that
//! names the field at fault, like every other error.

use crate::error::{AppError, FieldError};
use axum::extract::rejection::JsonRejection;
use axum::extract::FromRequest;

#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct ApiJson<T>(pub T);

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => AppError::UnsupportedMediaType,
            JsonRejection::JsonDataError(error) => {
                // "Failed to deserialize …: <path>: <reason>": name the path when there is one.
                let text = error.body_text();
                let detail = text
                    .split_once("target type: ")
                    .map(|(_, rest)| rest)
                    .unwrap_or(&text);
                let field = match detail.split_once(": ") {
                    Some((path, _)) if !path.contains(' ') => path.to_owned(),
                    _ => "body".to_owned(),
                };
                AppError::Invalid(vec![FieldError {
                    field,
                    message_zh: "字段类型或取值不正确。".into(),
                    message_en: format!("Invalid value: {detail}"),
                }])
            }
            JsonRejection::JsonSyntaxError(error) => AppError::Invalid(vec![FieldError {
                field: "body".into(),
                message_zh: "请求内容不是有效的 JSON。".into(),
                message_en: format!("The body is not valid JSON: {}", error.body_text()),
            }]),
            JsonRejection::BytesRejection(_) => AppError::PayloadTooLarge,
            other => AppError::Invalid(vec![FieldError {
                field: "body".into(),
                message_zh: "请求内容无法识别。".into(),
                message_en: other.body_text(),
            }]),
        }
    }
}

/// Path parameters whose rejection is problem+json too.
#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct ApiPath<T>(pub T);

impl From<axum::extract::rejection::PathRejection> for AppError {
    fn from(rejection: axum::extract::rejection::PathRejection) -> Self {
        AppError::Invalid(vec![FieldError {
            field: "path".into(),
            message_zh: "地址中的参数不正确。".into(),
            message_en: rejection.body_text(),
        }])
    }
}
