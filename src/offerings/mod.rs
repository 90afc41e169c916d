//! Offerings (服务): what an admitted agency sells, one per catalogue item it
//! is qualified for. An offering is live — shown and biddable — only while
//! it is published, its agency admitted, its item active and a required
//! qualification valid by the server's clock.

pub mod live;
pub mod model;
pub mod pages;
pub mod routes;
pub mod rules;
pub mod service;
pub mod views;
