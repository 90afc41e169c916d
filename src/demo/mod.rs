//! Demo data for `zhongjie demo`: one account of each role, a small
//! marketplace of agencies and offerings (`agencies`), projects in every
//! state (`projects`) and finished ones with their contracts, evaluations and
//! credit (`contracts`, scripted in `stories`), each made once; and the bulk
//! benchmark data of `zhongjie seed generate` (`generate`). The other files
//! are the word lists and pure generators these are built from.

pub mod agencies;
pub mod approvals;
mod batch;
mod bulk;
mod catalogue;
pub mod contracts;
mod credentials;
mod documents;
pub mod generate;
mod identities;
mod offers;
mod performance;
pub mod projects;
mod records;
mod stage;
mod stories;
mod words;

use crate::accounts::rules::{Organization, Registration};
use crate::accounts::{password, service, Role};
use crate::app::AppState;
use crate::db::schema::users;
use crate::db::Db;
use crate::supervision::Actor;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

pub struct DemoAccount {
    pub role_label: &'static str,
    pub username: &'static str,
    pub password: &'static str,
}

/// One demo account as the CLI prints and seeds it.
struct Seed {
    role: Role,
    username: &'static str,
    password: &'static str,
    display_name: &'static str,
    organization: Option<(&'static str, &'static str)>,
}

/// The password of `jigou`, which the demo and benchmark agencies share.
pub const AGENCY_PASSWORD: &str = "demo-agency-2026";

const SEEDS: [Seed; 3] = [
    Seed {
        role: Role::Admin,
        username: "admin",
        password: "demo-center-2026",
        display_name: "演示管理员",
        organization: None,
    },
    Seed {
        role: Role::Applicant,
        username: "yezhu",
        password: "demo-applicant-2026",
        display_name: "南昌市某建设单位",
        organization: Some(("南昌某建设有限公司", "91360102MA35ABCD40")),
    },
    Seed {
        role: Role::Agency,
        username: "jigou",
        password: AGENCY_PASSWORD,
        display_name: "某环境咨询公司",
        organization: Some(("某环境咨询有限公司", "91350100M000100Y43")),
    },
];

/// What `zhongjie demo` prints.
pub struct Demo {
    pub accounts: Vec<DemoAccount>,
    pub market: agencies::MarketReport,
    /// All projects, the finished ones included.
    pub projects: usize,
    /// Contracts whose deliverables were accepted.
    pub finished: i64,
    /// Confirmed contracts still in performance.
    pub performing: i64,
}

/// Seeds what is missing of the demo, at the state's clock: accounts,
/// market, projects, then the finished projects, which go through the
/// services with their own clock (`contracts`).
pub async fn seed(state: &AppState) -> anyhow::Result<Demo> {
    let now = state.now();
    let (db, rules) = (state.db.clone(), state.settings.projects.clone());
    let (accounts, market) = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        let accounts = seed_accounts(&db, now)?;
        let market = agencies::seed(&db, now)?;
        projects::seed(&db, now, &rules)?;
        Ok((accounts, market))
    })
    .await??;
    contracts::seed(state).await?;
    approvals::seed(state).await?;
    let (projects, (finished, performing)) = state
        .db
        .run(|conn| {
            let projects: i64 = crate::db::schema::projects::table
                .count()
                .get_result(conn)?;
            Ok((projects, contracts::counts(conn)?))
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Demo {
        accounts,
        market,
        projects: usize::try_from(projects).unwrap_or(0),
        finished,
        performing,
    })
}

/// Creates the demo accounts that do not exist yet; returns all of them.
pub fn seed_accounts(db: &Db, now: DateTime<Utc>) -> anyhow::Result<Vec<DemoAccount>> {
    let mut accounts = Vec::new();
    for Seed {
        role,
        username,
        password: secret,
        display_name,
        organization,
    } in SEEDS
    {
        let exists: i64 = db
            .run_now(|conn| {
                Ok(users::table
                    .filter(users::username.eq(username))
                    .count()
                    .get_result(conn)?)
            })
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        if exists == 0 {
            let registration = Registration {
                username: username.into(),
                password: secret.into(),
                display_name: display_name.into(),
                role,
                organization: organization.map(|(name, uscc)| Organization {
                    name: name.into(),
                    uscc: uscc.into(),
                }),
            };
            let hash = password::hash(secret)?;
            db.write_now(|conn| {
                service::insert_user(conn, now, &registration, &hash, Some(Actor::system()))
            })
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        accounts.push(DemoAccount {
            role_label: role.label_zh(),
            username,
            password: secret,
        });
    }
    Ok(accounts)
}
