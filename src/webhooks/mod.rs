//! Webhooks: the approval system is told, at least once and signed, when an
//! intermediary step completes or reopens (see `dispatch.rs`).

pub mod dispatch;
pub mod endpoints;
pub mod routes;
pub mod rules;
