//! Pages (being written).
