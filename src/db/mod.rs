//! The database: one connection type for SQLite and PostgreSQL, a pool, the
//! embedded migrations, and the two ways in — `run` and `write` — that keep
//! blocking database work off the async executor threads.

pub mod schema;
pub mod settings;

use crate::error::{AppError, AppResult};
use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection, R2D2Connection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use std::time::Duration;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to whichever backend `DATABASE_URL` names.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

/// Opens connections by the URL's scheme (the derive's own `establish` would
/// try each backend in turn) and sets SQLite up on every new connection.
#[derive(Clone, Debug)]
pub struct ConnectionManager {
    url: String,
}

impl ConnectionManager {
    pub fn new(url: &str) -> Self {
        Self {
            url: url.to_owned(),
        }
    }

    pub fn establish(&self) -> Result<DbConnection, diesel::ConnectionError> {
        match Backend::of_url(&self.url) {
            Backend::Postgres => {
                diesel::PgConnection::establish(&self.url).map(DbConnection::Postgresql)
            }
            Backend::Sqlite => {
                let path = self.url.strip_prefix("sqlite://").unwrap_or(&self.url);
                let mut conn = diesel::SqliteConnection::establish(path)?;
                // The busy timeout first, so that even switching to WAL waits for a
                // lock held by another connection instead of failing; WAL lets
                // readers work beside the one writer; FULL sync keeps every
                // acknowledged commit across a power cut.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 15000; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
                )
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        self.establish().map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        std::thread::panicking() || conn.is_broken()
    }
}

pub type Pool = r2d2::Pool<ConnectionManager>;

/// The application's handle on the database.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    backend: Backend,
}

impl Db {
    pub fn connect(url: &str, pool_size: u32) -> anyhow::Result<Db> {
        let backend = Backend::of_url(url);
        let pool = r2d2::Pool::builder()
            .max_size(pool_size)
            // No connection is opened in the background to keep one idle: a
            // worker still in its TLS handshake with PostgreSQL when a command
            // ends races OpenSSL's exit cleanup and crashes the process
            // (SIGSEGV after `migrate` or `verify audit` had finished).
            // Connections open when asked for and are reused once returned.
            .min_idle(Some(0))
            .connection_timeout(Duration::from_secs(15))
            .build(ConnectionManager::new(url))
            .with_context(|| format!("cannot open the database at {}", redact(url)))?;
        Ok(Db { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Applies the migrations of this backend that have not run yet.
    pub fn migrate(&self) -> anyhow::Result<Vec<String>> {
        let mut conn = self.pool.get()?;
        let applied = match &mut *conn {
            DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
            DbConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
        }
        .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
        Ok(applied.iter().map(|v| v.to_string()).collect())
    }

    /// Runs work outside a journaled transaction (reads, single housekeeping updates) on a blocking thread.
    pub async fn run<T, F>(&self, work: F) -> AppResult<T>
    where
        F: FnOnce(&mut DbConnection) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        run_blocking(move || db.run_now(work)).await
    }

    /// Runs work in one write transaction on a blocking thread: all of it
    /// commits, or none of it does.
    pub async fn write<T, F>(&self, work: F) -> AppResult<T>
    where
        F: FnOnce(&mut DbConnection) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        run_blocking(move || db.write_now(work)).await
    }

    /// `run` for callers already off the executor (the CLI, background tasks).
    pub fn run_now<T>(&self, work: impl FnOnce(&mut DbConnection) -> AppResult<T>) -> AppResult<T> {
        let mut conn = self.pool.get()?;
        work(&mut conn)
    }

    /// `write` for callers already off the executor.
    pub fn write_now<T>(
        &self,
        work: impl FnOnce(&mut DbConnection) -> AppResult<T>,
    ) -> AppResult<T> {
        let mut conn = self.pool.get()?;
        conn.transaction(|conn| {
            take_write_lock(conn)?;
            work(conn)
        })
    }
}

/// Runs `$body` with `$c` bound to the concrete connection. Batch inserts
/// (`insert_into(..).values(&rows)`) do not compile for the two-backend
/// `DbConnection`, but do for each backend's own connection.
macro_rules! on_backend {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Sqlite($c) => $body,
            $crate::db::DbConnection::Postgresql($c) => $body,
        }
    };
}
pub(crate) use on_backend;

/// The first statement of every write transaction. On PostgreSQL it takes the
/// row lock that orders writers (the audit chain and the change log need one
/// order); on SQLite a write as the first statement takes the database's
/// write lock at once, so the busy timeout applies instead of a failed upgrade.
fn take_write_lock(conn: &mut DbConnection) -> QueryResult<()> {
    use schema::log_heads::dsl::*;
    diesel::update(log_heads.filter(id.eq(1)))
        .set(write_count.eq(write_count + 1))
        .execute(conn)?;
    Ok(())
}

async fn run_blocking<T: Send + 'static>(
    work: impl FnOnce() -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("database task failed: {e}")))?
}

/// The URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..])
        }
        _ => url.to_owned(),
    }
}
