//! Scenarios of searching the market, through the public API only.

mod changes;
mod filters;
mod fixtures;
mod regions;
mod sorting;
mod text;
