//! The one error type of the crate.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index directory: {0}")]
    Directory(#[from] tantivy::directory::error::OpenDirectoryError),
    #[error("search index directory: {0}")]
    OpenRead(#[from] tantivy::directory::error::OpenReadError),
    #[error("search index directory: {0}")]
    Io(#[from] std::io::Error),
    /// The directory holds an index written with another schema (an older
    /// version of this crate). Delete the directory and rebuild it from the
    /// change log: a new index reports `last_applied() == None`.
    #[error("the search index on disk was built with another schema; rebuild it")]
    SchemaChanged,
    /// The last commit's payload is not a change-log number: the directory
    /// holds an index this crate did not write.
    #[error("the search index commit payload {0:?} is not a change-log number")]
    BadPayload(String),
}
