//! Reference data every search request needs besides the index, kept in
//! memory: division names and places (fixed once the database is seeded) and
//! the catalogue (changes only when an administrator edits a service item).
//! It belongs to one app's `SearchService`, not to the process, because tests
//! run several apps on different databases in one process.

use crate::db::DbConnection;
use crate::error::AppResult;
use crate::offerings::live::Catalogue;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// How long a catalogue is used without hearing of an edit. Edits on this
/// node and those the search sync reads from the change log drop it at once;
/// this bounds what a node whose sync is not running can miss.
const CATALOGUE_TTL: Duration = Duration::from_millis(500);

/// Division names, and 江西's divisions as (code, name) for place names.
pub struct Divisions {
    pub names: HashMap<String, String>,
    pub places: Vec<(String, String)>,
}

impl Divisions {
    fn load(conn: &mut DbConnection) -> AppResult<Divisions> {
        let places = crate::agencies::service::region_choices(conn)?
            .into_iter()
            .map(|(code, name, _)| (code, name))
            .collect();
        Ok(Divisions {
            names: crate::catalog::service::division_names(conn)?,
            places,
        })
    }
}

#[derive(Default)]
pub struct ReferenceCache {
    divisions: RwLock<Option<Arc<Divisions>>>,
    catalogue: RwLock<Option<(Instant, Arc<Catalogue>)>>,
    /// Counts `forget_catalogue` calls, so a load that began before an edit
    /// was heard of is not kept.
    edits: AtomicU64,
}

impl ReferenceCache {
    /// The divisions if they were loaded already.
    pub fn loaded_divisions(&self) -> Option<Arc<Divisions>> {
        self.divisions
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn divisions(&self, conn: &mut DbConnection) -> AppResult<Arc<Divisions>> {
        if let Some(loaded) = self.loaded_divisions() {
            return Ok(loaded);
        }
        let loaded = Arc::new(Divisions::load(conn)?);
        *self.divisions.write().unwrap_or_else(|p| p.into_inner()) = Some(loaded.clone());
        Ok(loaded)
    }

    /// The catalogue, read again when an edit was heard of or it is older than the TTL.
    pub fn catalogue(&self, conn: &mut DbConnection) -> AppResult<Arc<Catalogue>> {
        if let Some((loaded_at, catalogue)) =
            &*self.catalogue.read().unwrap_or_else(|p| p.into_inner())
        {
            if loaded_at.elapsed() < CATALOGUE_TTL {
                return Ok(catalogue.clone());
            }
        }
        let (edits, loaded_at) = (self.edits.load(Ordering::SeqCst), Instant::now());
        let catalogue = Arc::new(Catalogue::load(conn)?);
        let mut slot = self.catalogue.write().unwrap_or_else(|p| p.into_inner());
        if self.edits.load(Ordering::SeqCst) == edits {
            *slot = Some((loaded_at, catalogue.clone()));
        }
        Ok(catalogue)
    }

    /// A service item was edited: the next request reads the catalogue again.
    pub fn forget_catalogue(&self) {
        let mut slot = self.catalogue.write().unwrap_or_else(|p| p.into_inner());
        self.edits.fetch_add(1, Ordering::SeqCst);
        *slot = None;
    }
}
