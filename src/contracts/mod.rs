//! Contracts (合同) of awarded projects: recorded by one party, confirmed or
//! returned by the other, changed only by amendments the other party confirms.

pub mod complaints;
pub mod deliveries;
pub mod evaluations;
pub mod file;
pub mod model;
pub mod page_forms;
pub mod pages;
pub mod routes;
pub mod rules;
pub mod service;
pub mod stoppages;
pub mod views;
pub mod watch;
