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
    /// How often the project scheduler moves projects whose deadline passed;
    /// `None` leaves it to the caller (tests).
    pub schedule_interval: Option<std::time::Duration>,
    /// How often webhook deliveries are enqueued and sent; `None` leaves it
    /// to the caller (tests).
    pub webhook_interval: Option<std::time::Duration>,
    /// How long a webhook receiver has to answer.
    pub webhook_timeout: std::time::Duration,
    pub projects: ProjectRules,
    pub credit: CreditRules,
    /// The OCDS prefix of this publisher (`ocds-` and six characters, registered
    /// with the Open Contracting Partnership); every project's `ocid` starts with it.
    pub ocds_prefix: String,
}

/// A placeholder until the publisher registers its own prefix: OCDS prefixes
/// are `ocds-` followed by six lower-case letters or digits.
pub const DEFAULT_OCDS_PREFIX: &str = "ocds-zjcs01";

/// Rules that suspend an agency by itself (see `supervision::credit_rules`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreditRules {
    /// This many upheld complaints within a year suspend the agency (一年内三次查实投诉);
    /// 0 turns the rule off.
    pub complaints_to_suspend: usize,
    /// A fact that costs points and leaves the score below this suspends the
    /// agency (信用分低于阈值); `None` turns the rule off. The formula starts at 80.
    pub suspend_below_score: Option<i64>,
    /// How long such a suspension lasts.
    pub suspension_days: i64,
}

impl Default for CreditRules {
    fn default() -> Self {
        CreditRules {
            complaints_to_suspend: 3,
            suspend_below_score: Some(60),
            suspension_days: 90,
        }
    }
}

/// The time limits and thresholds of projects, per jurisdiction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectRules {
    /// Projects go through an administrator's review before publication.
    pub review_required: bool,
    /// The sign-up period lasts at least this many working days.
    pub min_signup_working_days: u32,
    /// 中选结果公示 lasts this many working days.
    pub publicity_working_days: u32,
    /// The winner confirms within this many working days.
    pub confirmation_working_days: u32,
    /// The contract is recorded and confirmed within this many working days
    /// of the award (合同签订期限); the deadline watch marks it overdue after.
    pub contract_working_days: u32,
    /// Fewer valid sign-ups than this fail a competitive round (流标).
    pub min_signups: i32,
    /// 直接选取 of fiscally funded projects up to this amount.
    pub direct_limit_fen: i64,
    /// An administrator reviews a submitted project within this many working
    /// days (3 by default: the centre's service promise; the law sets none).
    /// Only the supervision lights read it: a late review is shown, not undone.
    pub review_working_days: u32,
    /// An objection is answered within this many working days of its filing
    /// (5 by default, the usual 质疑答复 time of public procurement).
    pub objection_answer_working_days: u32,
    /// A light turns yellow when less than this percentage of a step's time is
    /// left (20 by default), red when its deadline has passed.
    pub light_yellow_percent: u32,
}

impl Default for ProjectRules {
    fn default() -> Self {
        ProjectRules {
            review_required: true,
            min_signup_working_days: 3,
            publicity_working_days: 3,
            confirmation_working_days: 2,
            contract_working_days: 5,
            min_signups: 3,
            direct_limit_fen: 100_000 * 100,
            review_working_days: 3,
            objection_answer_working_days: 5,
            light_yellow_percent: 20,
        }
    }
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
            schedule_interval: Some(std::time::Duration::from_secs(15)),
            webhook_interval: Some(std::time::Duration::from_secs(2)),
            webhook_timeout: std::time::Duration::from_secs(10),
            projects: ProjectRules::default(),
            credit: CreditRules::default(),
            ocds_prefix: DEFAULT_OCDS_PREFIX.to_owned(),
        }
    }
}
