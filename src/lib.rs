//! zhongjie, 中介服务超市: the intermediary-services marketplace of a
//! government service centre. `docs/ARCHITECTURE.md` is the map.

pub mod accounts;
pub mod agencies;
pub mod app;
pub mod approvals;
pub mod attachments;
pub mod calendar;
pub mod catalog;
pub mod cli;
pub mod clock;
pub mod config;
pub mod contracts;
pub mod db;
pub mod demo;
pub mod error;
pub mod exports;
pub mod messages;
pub mod offerings;
pub mod opendata;
pub mod projects;
pub mod search;
pub mod supervision;
pub mod web;
pub mod webhooks;
