//! Agencies (中介服务机构): registration (入驻) and its review, suspension and
//! expulsion, qualifications (资质) with their validity, practitioners, and
//! the watch that acts when certificates near or pass their expiry.

pub mod model;
pub mod pages;
pub mod qualifications;
pub mod routes;
pub mod rules;
pub mod service;
pub mod suspension;
pub mod views;
pub mod watch;
