//! Search: the `search-index` crate kept fresh from the change log, the
//! search API and page, and `zhongjie reindex`. The index is derived data:
//! it lives under `<data-dir>/search/<generation>/`, and the file `CURRENT`
//! names the generation in use, so a rebuild is swapped in with one rename.

pub mod docs;
pub mod pages;
pub mod places;
pub mod reference;
pub mod reindex;
pub mod routes;
pub mod sync;

use crate::app::AppState;
use anyhow::Context;
use search_index::{SearchError, SearchIndex};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

const POINTER: &str = "CURRENT";
const FIRST_GENERATION: &str = "index-1";

/// The index in use, replaceable when a rebuild is swapped in, and the
/// reference data searches join their hits with.
pub struct SearchService {
    root: PathBuf,
    current: RwLock<(String, Arc<SearchIndex>)>,
    reference: reference::ReferenceCache,
}

fn read_pointer(root: &Path) -> String {
    std::fs::read_to_string(root.join(POINTER))
        .map(|s| s.trim().to_owned())
        .ok()
        .filter(|s| !s.is_empty() && !s.contains(['/', '\\']) && s != "..")
        .unwrap_or_else(|| FIRST_GENERATION.to_owned())
}

/// Opens a generation; one built with another schema is rebuilt from the
/// change log, which the index only derives from.
fn open_generation(root: &Path, generation: &str) -> anyhow::Result<SearchIndex> {
    let dir = root.join(generation);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    match SearchIndex::open_or_create(&dir) {
        Err(SearchError::SchemaChanged) => {
            tracing::warn!(dir = %dir.display(), "search index schema changed; rebuilding from the change log");
            std::fs::remove_dir_all(&dir)?;
            std::fs::create_dir_all(&dir)?;
            Ok(SearchIndex::open_or_create(&dir)?)
        }
        other => Ok(other?),
    }
}

/// Points `CURRENT` at a generation, atomically (write, sync, rename).
pub fn swap_to(root: &Path, generation: &str) -> anyhow::Result<()> {
    let temp = root.join(format!("{POINTER}.tmp"));
    std::fs::write(&temp, generation)?;
    std::fs::File::open(&temp)?.sync_all()?;
    std::fs::rename(&temp, root.join(POINTER))?;
    Ok(())
}

impl SearchService {
    pub fn open(data_dir: &Path) -> anyhow::Result<SearchService> {
        let root = data_dir.join("search");
        std::fs::create_dir_all(&root)?;
        let generation = read_pointer(&root);
        let index = open_generation(&root, &generation)?;
        Ok(SearchService {
            root,
            current: RwLock::new((generation, Arc::new(index))),
            reference: reference::ReferenceCache::default(),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn reference(&self) -> &reference::ReferenceCache {
        &self.reference
    }

    pub fn current(&self) -> Arc<SearchIndex> {
        let guard = self.current.read().unwrap_or_else(|p| p.into_inner());
        guard.1.clone()
    }

    /// Opens the generation `CURRENT` names if another process swapped one in.
    pub fn follow_pointer(&self) -> anyhow::Result<bool> {
        let wanted = read_pointer(&self.root);
        if self.current.read().unwrap_or_else(|p| p.into_inner()).0 == wanted {
            return Ok(false);
        }
        let index = open_generation(&self.root, &wanted)?;
        let old = {
            let mut guard = self.current.write().unwrap_or_else(|p| p.into_inner());
            std::mem::replace(&mut *guard, (wanted, Arc::new(index))).0
        };
        // The old generation is of no further use on this node; searches
        // still holding it keep their open files until they finish.
        if let Err(e) = std::fs::remove_dir_all(self.root.join(&old)) {
            tracing::warn!(error = %e, generation = %old, "could not remove an old search index");
        }
        Ok(true)
    }
}

/// The background task of `serve`: follows a swapped-in rebuild and applies
/// new changes, a few times a second, so a saved offering is searchable
/// within a second.
pub async fn run_forever(state: AppState, every: std::time::Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let (db, search, now) = (state.db.clone(), state.search.clone(), state.now());
        let outcome = tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
            if search.follow_pointer()? {
                tracing::info!("search index: switched to a rebuilt generation");
            }
            Ok(sync::catch_up_fully(&db, &search, now)?)
        })
        .await;
        match outcome {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!(error = %format!("{e:#}"), "search sync failed"),
            Err(e) => tracing::warn!(error = %e, "search sync task failed"),
        }
    }
}
