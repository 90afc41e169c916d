//! Accounts: users and their roles, password hashing, login with server-side
//! sessions, and personal API tokens for machine clients.

pub mod model;
pub mod pages;
pub mod password;
pub mod routes;
pub mod rules;
pub mod secrets;
pub mod service;
pub mod sessions;
pub mod throttle;
pub mod tokens;
pub mod uscc;
pub mod views;

pub use model::Role;
