//! Server settings, from flags and environment (see `cli`), with the defaults
//! that let `zhongjie demo` run with none.

use crate::accounts::rules::LoginThrottle;
use chrono::Duration;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Clone, Debug)]
pub struct Settings {
    pub bind: SocketAddr,
    pub database_url: String,
    pub data_dir: PathBuf,
    pub db_pool_size: u32,
    /// Mark cookies `Secure` (deployments behind TLS).
    pub secure_cookies: bool,
    /// A session ends after this long without a request…
    pub session_idle: Duration,
    /// …and at the latest this long after login.
    pub session_lifetime: Duration,
    pub login_throttle: LoginThrottle,
    /// How often the deadline watch runs; `None` leaves it to the caller (tests).
    pub watch_interval: Option<std::time::Duration>,
    /// How often the search index catches up with the change log; `None`
    /// leaves it to the caller (tests).
    pub search_interval: Option<std::time::Duration>,
}

impl Settings {
    /// The SQLite file under the data directory, used when no DATABASE_URL is given.
    pub fn default_database_url(data_dir: &std::path::Path) -> String {
        format!("sqlite://{}", data_dir.join("zhongjie.db").display())
    }

    pub fn new(bind: SocketAddr, database_url: String, data_dir: PathBuf) -> Settings {
        Settings {
            bind,
            database_url,
            data_dir,
            db_pool_size: 8,
            secure_cookies: false,
            session_idle: Duration::hours(2),
            session_lifetime: Duration::hours(12),
            login_throttle: LoginThrottle::default(),
            watch_interval: Some(std::time::Duration::from_secs(60)),
            search_interval: Some(std::time::Duration::from_millis(200)),
        }
    }
}
