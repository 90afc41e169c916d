//! The running server: its shared state, start-up (migrate, seed, listen) and
//! graceful shutdown.

use crate::clock::SharedClock;
use crate::config::Settings;
use crate::db::Db;
use crate::{calendar, web};
use anyhow::Context;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: SharedClock,
    pub settings: Arc<Settings>,
    /// Signs the CSRF tokens of forms shown to visitors who are not logged in;
    /// kept in the database so every node shares it.
    pub form_key: Arc<Vec<u8>>,
    pub search: Arc<crate::search::SearchService>,
}

impl AppState {
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}

/// Opens the database, applies migrations and seeds reference data.
pub fn prepare_database(settings: &Settings) -> anyhow::Result<Db> {
    if settings.database_url.starts_with("sqlite://") || !settings.database_url.contains("://") {
        std::fs::create_dir_all(&settings.data_dir).with_context(|| {
            format!(
                "cannot create the data directory {}",
                settings.data_dir.display()
            )
        })?;
    }
    let db = Db::connect(&settings.database_url, settings.db_pool_size)?;
    let applied = db.migrate()?;
    for version in applied {
        tracing::info!(%version, "migration applied");
    }
    calendar::seed(&db).context("seeding the working-day calendar")?;
    crate::catalog::seed::seed(&db, crate::clock::Clock::now(&crate::clock::SystemClock))?;
    Ok(db)
}

pub fn state(settings: Settings, db: Db, clock: SharedClock) -> anyhow::Result<AppState> {
    let form_key = web::csrf::load_or_create_key(&db)?;
    let search = crate::search::SearchService::open(&settings.data_dir)
        .context("opening the search index")?;
    Ok(AppState {
        db,
        clock,
        settings: Arc::new(settings),
        form_key: Arc::new(form_key),
        search: Arc::new(search),
    })
}

/// A server listening on its socket; `serve` runs it until shutdown.
pub struct Server {
    listener: TcpListener,
    state: AppState,
}

impl Server {
    pub async fn bind(state: AppState) -> anyhow::Result<Server> {
        let listener = TcpListener::bind(state.settings.bind)
            .await
            .with_context(|| format!("cannot listen on {}", state.settings.bind))?;
        Ok(Server { listener, state })
    }

    pub fn local_addr(&self) -> anyhow::Result<SocketAddr> {
        Ok(self.listener.local_addr()?)
    }

    pub async fn serve(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        if let Some(every) = self.state.settings.search_interval {
            tokio::spawn(crate::search::run_forever(self.state.clone(), every));
        }
        if let Some(every) = self.state.settings.watch_interval {
            tokio::spawn(crate::agencies::watch::run_forever(
                self.state.clone(),
                every,
            ));
        }
        if let Some(every) = self.state.settings.schedule_interval {
            tokio::spawn(crate::projects::scheduler::run_forever(
                self.state.clone(),
                every,
            ));
        }
        if let Some(every) = self.state.settings.webhook_interval {
            tokio::spawn(crate::webhooks::dispatch::run_forever(
                self.state.clone(),
                every,
            ));
        }
        let router = web::router(self.state);
        axum::serve(
            self.listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
        .context("server failed")
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
