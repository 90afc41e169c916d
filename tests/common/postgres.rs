//! A fresh PostgreSQL database per test, copied from a template that was
//! migrated once per set of migrations (so a changed migration gets a new one).

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;
use sha2::{Digest, Sha256};
use std::path::Path;

/// Any two test processes use this lock while they make templates and copies.
const LOCK_KEY: i64 = 7_274_242;

pub struct FreshDatabase {
    pub url: String,
    admin_url: String,
    name: String,
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    datname: String,
}

fn migrations_digest() -> String {
    let mut hasher = Sha256::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/postgres");
    let mut files: Vec<_> = walk(&root);
    files.sort();
    for file in files {
        hasher.update(file.to_string_lossy().as_bytes());
        hasher.update(std::fs::read(&file).unwrap_or_default());
    }
    // Seed data is part of the template too.
    hasher.update(include_bytes!("../../src/calendar/holidays.csv"));
    hex::encode(hasher.finalize())[..16].to_owned()
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}

/// The URL of another database on the same server.
fn url_of(admin_url: &str, database: &str) -> String {
    let (base, query) = match admin_url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (admin_url, String::new()),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let server = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    format!("{server}/{database}{query}")
}

impl FreshDatabase {
    pub fn create(admin_url: &str) -> FreshDatabase {
        let mut admin = PgConnection::establish(admin_url).unwrap_or_else(|e| {
            panic!("TEST_DATABASE_URL is set but PostgreSQL cannot be reached: {e}")
        });
        let template = format!("zj_template_{}", migrations_digest());
        let name = format!(
            "zj_test_{}",
            zhongjie::accounts::secrets::new_secret("")
                .to_lowercase()
                .replace(['-', '_'], "")[..20]
                .to_owned()
        );
        admin
            .batch_execute(&format!("SELECT pg_advisory_lock({LOCK_KEY})"))
            .expect("advisory lock");
        let existing: Vec<Name> =
            diesel::sql_query("SELECT datname FROM pg_database WHERE datname = $1")
                .bind::<Text, _>(&template)
                .load(&mut admin)
                .expect("pg_database");
        if existing.is_empty() {
            // Templates of older migrations are of no further use.
            let stale: Vec<Name> = diesel::sql_query(
                "SELECT datname FROM pg_database WHERE datname LIKE 'zj_template_%' AND datname <> $1",
            )
            .bind::<Text, _>(&template)
            .load(&mut admin)
            .expect("pg_database");
            for old in stale {
                let _ = admin.batch_execute(&format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    old.datname
                ));
            }
            let building = format!("{template}_building");
            admin
                .batch_execute(&format!("DROP DATABASE IF EXISTS {building}"))
                .expect("drop a half-built template");
            admin
                .batch_execute(&format!("CREATE DATABASE {building}"))
                .expect("create template");
            let mut settings = zhongjie::config::Settings::new(
                "127.0.0.1:0".parse().expect("address"),
                url_of(admin_url, &building),
                std::env::temp_dir(),
            );
            settings.db_pool_size = 1;
            drop(zhongjie::app::prepare_database(&settings).expect("template migrated"));
            // Renamed only once complete, so a half-built template is never copied.
            admin
                .batch_execute(&format!("ALTER DATABASE {building} RENAME TO {template}"))
                .expect("rename template");
        }
        admin
            .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
            .expect("create test database");
        admin
            .batch_execute(&format!("SELECT pg_advisory_unlock({LOCK_KEY})"))
            .expect("advisory unlock");
        FreshDatabase {
            url: url_of(admin_url, &name),
            admin_url: admin_url.to_owned(),
            name,
        }
    }
}

impl Drop for FreshDatabase {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        // Off the async runtime: a plain thread with its own connection.
        let _ = std::thread::spawn(move || {
            if let Ok(mut admin) = PgConnection::establish(&admin_url) {
                let _ =
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        })
        .join();
    }
}
