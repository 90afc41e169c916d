//! The service catalogue (中介服务事项清单): the items applicants buy, the
//! qualification types each item calls for, the division codes regions are
//! named by, and the public 办事指南 pages. Administrators edit it; the seed
//! data in `data/` only fills a new database.

pub mod admin_pages;
pub mod divisions;
pub mod model;
pub mod pages;
pub mod routes;
pub mod rules;
pub mod seed;
pub mod service;
pub mod views;
