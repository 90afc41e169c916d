//! Projects (采购项目): the applicant's purchase announcement, the agencies'
//! sealed sign-ups, the selection by the chosen method, the winner's
//! confirmation, publicity (公示) and objections (异议), up to the award.

pub mod actions;
pub mod admin_pages;
pub mod agency_pages;
pub mod drafting;
pub mod eligibility;
pub mod form;
pub mod input;
pub mod investment_code;
pub mod listing;
pub mod model;
pub mod objections;
pub mod owner_pages;
pub mod pages;
pub mod present;
pub mod publication;
pub mod routes;
pub mod rules;
pub mod scheduler;
pub mod selecting;
pub mod selection;
pub mod service;
pub mod signups;
pub mod verify;
pub mod views;
