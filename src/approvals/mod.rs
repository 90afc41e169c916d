//! The parallel approval record (并联审批): investment projects keyed by their
//! 投资项目代码, the approval items each needs with the departments' states,
//! and the intermediary services each item waits for — completed in the same
//! transaction as the acceptance of the marketplace project that provides
//! them, and told to the approval system.

pub mod clients;
pub mod model;
pub mod pages;
pub mod record;
pub mod routes;
pub mod rules;
pub mod service;
pub mod views;
