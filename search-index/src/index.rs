//! The index on disk (or in memory), its one writer, and how changes from the
//! server's change log are applied: all of a batch and its change-log number
//! in one commit, so a restart resumes exactly after the last number committed.

use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

use tantivy::directory::MmapDirectory;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Term};

use crate::analyzer;
use crate::documents::Change;
use crate::error::SearchError;
use crate::schema::{self, Fields, AGENCY, OFFERING};

/// Indexing memory, shared by the writer's one thread.
const WRITER_MEMORY_BYTES: usize = 50_000_000;

/// The search index of offerings and agencies. `Send + Sync`: share it in an
/// `Arc`; searches run in parallel, `apply` calls take turns.
pub struct SearchIndex {
    pub(crate) fields: Fields,
    pub(crate) reader: IndexReader,
    writer: Mutex<IndexWriter>,
    last_seq: Mutex<Option<i64>>,
}

impl SearchIndex {
    /// Opens the index in `dir`, creating the directory and an empty index
    /// when there is none. An index of another schema is refused with
    /// [`SearchError::SchemaChanged`].
    pub fn open_or_create(dir: &Path) -> Result<SearchIndex, SearchError> {
        std::fs::create_dir_all(dir)?;
        let directory = MmapDirectory::open(dir)?;
        let (schema, fields) = schema::build();
        let index = if Index::exists(&directory)? {
            let index = Index::open(directory)?;
            if index.schema() != schema {
                return Err(SearchError::SchemaChanged);
            }
            index
        } else {
            Index::create(directory, schema, Default::default())?
        };
        SearchIndex::with(index, fields)
    }

    /// An index in memory, for tests.
    pub fn in_ram() -> Result<SearchIndex, SearchError> {
        let (schema, fields) = schema::build();
        SearchIndex::with(Index::create_in_ram(schema), fields)
    }

    fn with(index: Index, fields: Fields) -> Result<SearchIndex, SearchError> {
        analyzer::register(&index);
        let last_seq = committed_seq(&index)?;
        let writer = index.writer_with_num_threads(1, WRITER_MEMORY_BYTES)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            fields,
            reader,
            writer: Mutex::new(writer),
            last_seq: Mutex::new(last_seq),
        })
    }

    /// Applies `changes` in order and commits them together with `last_seq`,
    /// the server's change-log number; searches see them when this returns.
    /// On error nothing of the batch is kept and `last_applied` is unchanged.
    pub fn apply(&self, changes: Vec<Change>, last_seq: i64) -> Result<(), SearchError> {
        let mut writer = self.writer();
        let committed = self.write(&mut writer, &changes, last_seq);
        if let Err(error) = committed {
            // Drop what was added but not committed; the error that caused
            // it is the one worth reporting.
            let _ = writer.rollback();
            return Err(error);
        }
        *self.last_seq.lock().unwrap_or_else(PoisonError::into_inner) = Some(last_seq);
        self.reader.reload()?;
        Ok(())
    }

    fn write(
        &self,
        writer: &mut IndexWriter,
        changes: &[Change],
        last_seq: i64,
    ) -> Result<(), SearchError> {
        for change in changes {
            match change {
                Change::UpsertOffering(offering) => {
                    writer.delete_term(self.key_term(OFFERING, offering.id));
                    writer.add_document(self.fields.offering_document(offering))?;
                }
                Change::DeleteOffering(id) => {
                    writer.delete_term(self.key_term(OFFERING, *id));
                }
                Change::UpsertAgency(agency) => {
                    writer.delete_term(self.key_term(AGENCY, agency.id));
                    writer.add_document(self.fields.agency_document(agency))?;
                }
                Change::DeleteAgency(id) => {
                    writer.delete_term(self.key_term(AGENCY, *id));
                }
            }
        }
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&last_seq.to_string());
        commit.commit()?;
        Ok(())
    }

    /// The change-log number of the last commit; `None` for a new index.
    pub fn last_applied(&self) -> Option<i64> {
        *self.last_seq.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Offerings searchable now.
    pub fn num_offerings(&self) -> u64 {
        let searcher = self.reader.searcher();
        let offerings = TermQuery::new(
            Term::from_field_text(self.fields.kind, OFFERING),
            IndexRecordOption::Basic,
        );
        searcher
            .search(&offerings, &tantivy::collector::Count)
            .map_or(0, |n| n as u64)
    }

    fn key_term(&self, kind: &str, id: i64) -> Term {
        Term::from_field_text(self.fields.key, &schema::key(kind, id))
    }

    /// The writer, even after a panic elsewhere while it was held: whatever
    /// that batch left uncommitted is rolled back first.
    fn writer(&self) -> MutexGuard<'_, IndexWriter> {
        match self.writer.lock() {
            Ok(writer) => writer,
            Err(poisoned) => {
                let mut writer = poisoned.into_inner();
                let _ = writer.rollback();
                self.writer.clear_poison();
                writer
            }
        }
    }
}

/// The change-log number stored with the last commit.
fn committed_seq(index: &Index) -> Result<Option<i64>, SearchError> {
    match index.load_metas()?.payload {
        None => Ok(None),
        Some(payload) => payload
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| SearchError::BadPayload(payload)),
    }
}
