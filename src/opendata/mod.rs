//! Open data: the public change feed and OCDS 1.1 release packages of
//! projects, selections, awards and contracts. Nothing sealed, nothing
//! personal: `feed.rs` decides what the public sees, `ocds.rs` maps it.

pub mod feed;
pub mod ocds;
pub mod ocds_types;
pub mod routes;
pub mod service;
pub mod views;
pub mod window;
