//! Collusion and anomaly signals (围标串标): pure detection (`rules.rs`) over
//! the closed rounds, the reviews administrators record (`service.rs`), the
//! API and the page.

pub mod pages;
pub mod routes;
pub mod rules;
pub mod service;
