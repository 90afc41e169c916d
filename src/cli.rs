//! The command line: `serve`, `demo`, `migrate`, `admin create`, `verify audit`, `verify draw`,
//! `seed generate`.
//! Every option can also come from the environment.

use crate::accounts::service;
use crate::app::{self, Server};
use crate::clock::{Clock, SystemClock};
use crate::config::Settings;
use crate::db::Db;
use crate::demo::{self, generate, generate::GenerateOptions};
use crate::supervision::audit;
use anyhow::{bail, Context};
use clap::{Args, Parser, Subcommand};
use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Parser, Debug)]
#[command(
    name = "zhongjie",
    version,
    about = "中介服务超市 — the intermediary-services marketplace of a government service centre"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug)]
pub struct GlobalArgs {
    /// Database URL: `postgres://…` for PostgreSQL; a path or `sqlite://path` for SQLite.
    /// Default: SQLite at <data-dir>/zhongjie.db.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Directory for the SQLite database and other local data.
    #[arg(
        long,
        env = "ZHONGJIE_DATA_DIR",
        default_value = "./data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// Log filter, e.g. `info` or `zhongjie=debug,tower_http=info`.
    #[arg(long, env = "ZHONGJIE_LOG", default_value = "info", global = true)]
    pub log: String,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Migrate the database and serve the site and API.
    Serve(ServeArgs),
    /// Migrate, seed demo accounts and data, and serve: a ready-to-try marketplace.
    Demo(ServeArgs),
    /// Apply pending database migrations and seed reference data, then exit.
    Migrate,
    /// Rebuild the search index from the database into a new directory and swap it in.
    Reindex,
    /// Administrator accounts.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Machine clients, such as the approval system, and their tokens.
    #[command(subcommand)]
    Client(ClientCommand),
    /// Integrity checks.
    #[command(subcommand)]
    Verify(VerifyCommand),
    /// Data beyond the demo, for benchmarks.
    #[command(subcommand)]
    Seed(SeedCommand),
}

#[derive(Subcommand, Debug)]
pub enum SeedCommand {
    /// Write N admitted agencies (with verified qualifications) and M published
    /// offerings spread over them, for benchmarks. Never on a production database.
    Generate(GenerateArgs),
}

#[derive(Args, Debug)]
pub struct GenerateArgs {
    /// How many agencies.
    #[arg(long)]
    pub agencies: u64,
    /// How many offerings in all, spread evenly over the agencies (at most one
    /// per agency and service item).
    #[arg(long)]
    pub offerings: u64,
    /// Seed of the random generator: the same seed on the same database gives the same data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Agencies plus offerings per transaction.
    #[arg(long, default_value_t = 5000, value_parser = clap::value_parser!(u64).range(1..))]
    pub batch: u64,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "ZHONGJIE_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Mark cookies Secure (set this when served over HTTPS).
    #[arg(long, env = "ZHONGJIE_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Publish projects without an administrator's review.
    #[arg(long, env = "ZHONGJIE_NO_PROJECT_REVIEW")]
    pub no_project_review: bool,
    /// Shortest sign-up period, in working days.
    #[arg(long, env = "ZHONGJIE_MIN_SIGNUP_DAYS", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=30))]
    pub min_signup_days: u32,
    /// Working days after the award to record and confirm the contract.
    #[arg(long, env = "ZHONGJIE_CONTRACT_DAYS", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=30))]
    pub contract_days: u32,
    /// Fewest valid sign-ups for a random draw, bidding or scoring round.
    #[arg(long, env = "ZHONGJIE_MIN_SIGNUPS", default_value_t = 3, value_parser = clap::value_parser!(i32).range(1..=20))]
    pub min_signups: i32,
    /// Highest amount, in yuan, of a fiscally funded project that may be selected directly.
    #[arg(long, env = "ZHONGJIE_DIRECT_LIMIT_YUAN", default_value_t = 100_000)]
    pub direct_limit_yuan: u32,
    /// Suspend an admitted agency when a penalty leaves its credit score below
    /// this (1–100); `off` or `0` turns the rule off.
    #[arg(long, env = "ZHONGJIE_CREDIT_SUSPEND_BELOW", default_value = "60", value_parser = parse_score_threshold)]
    pub credit_suspend_below: ScoreThreshold,
    /// The OCDS prefix (`ocds-` and six letters or digits) that starts every
    /// project's ocid in the open data; the default is a placeholder to be registered.
    #[arg(long, env = "ZHONGJIE_OCDS_PREFIX", default_value = crate::config::DEFAULT_OCDS_PREFIX, value_parser = parse_ocds_prefix)]
    pub ocds_prefix: String,
}

/// Parses `--ocds-prefix`: `ocds-` and six lower-case letters or digits, the
/// shape the Open Contracting Partnership registers.
pub fn parse_ocds_prefix(text: &str) -> Result<String, String> {
    let text = text.trim();
    let tail = text.strip_prefix("ocds-").unwrap_or("");
    if tail.len() == 6
        && tail
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "OCDS 前缀应为 ocds- 加 6 位小写字母或数字 (ocds-prefix must be ocds- followed by six lower-case letters or digits); got {text:?}"
        ))
    }
}

/// A credit-score threshold, or none (`off`, `0`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScoreThreshold(pub Option<i64>);

/// Parses `--credit-suspend-below`: a score of 1 to 100, or `off` / `0` for no threshold.
pub fn parse_score_threshold(text: &str) -> Result<ScoreThreshold, String> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("off") {
        return Ok(ScoreThreshold(None));
    }
    match text.parse::<i64>() {
        Ok(0) => Ok(ScoreThreshold(None)),
        Ok(score) if (1..=100).contains(&score) => Ok(ScoreThreshold(Some(score))),
        _ => Err(format!(
            "信用分阈值应为 1–100 的整数，或 off / 0 表示不按分数暂停 (credit-suspend-below must be a score of 1 to 100, or off or 0 to turn the rule off); got {text:?}"
        )),
    }
}

#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Create an administrator (the only way one is made). The password is read
    /// from ZHONGJIE_ADMIN_PASSWORD or, failing that, from one line of standard input.
    Create {
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "中心管理员")]
        display_name: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum ClientCommand {
    /// Make a machine client and print its token (shown once), e.g.
    /// `zhongjie client create --name 并联审批系统 --scope approvals:read --scope approvals:write`.
    Create {
        #[arg(long)]
        name: String,
        /// `approvals:read` and/or `approvals:write`; repeat or separate with commas.
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum VerifyCommand {
    /// Recompute the audit hash chain and name the first broken event.
    Audit,
    /// Recompute a project's selection (draw, bidding or scoring) from its published data.
    Draw {
        /// The project's id or number (e.g. ZJCG2026000001).
        project: String,
    },
}

impl Cli {
    fn settings(&self, bind: Option<&ServeArgs>) -> Settings {
        let data_dir = self.global.data_dir.clone();
        let url = self
            .global
            .database_url
            .clone()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| Settings::default_database_url(&data_dir));
        let mut settings = Settings::new(
            bind.map(|b| b.bind)
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080))),
            url,
            data_dir,
        );
        if let Some(args) = bind {
            settings.secure_cookies = args.secure_cookies;
            settings.projects.review_required = !args.no_project_review;
            settings.projects.min_signup_working_days = args.min_signup_days;
            settings.projects.min_signups = args.min_signups;
            settings.projects.contract_working_days = args.contract_days;
            settings.projects.direct_limit_fen = i64::from(args.direct_limit_yuan) * 100;
            settings.credit.suspend_below_score = args.credit_suspend_below.0;
            settings.ocds_prefix = args.ocds_prefix.clone();
        }
        settings
    }
}

pub fn init_logging(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.command {
        Command::Serve(args) => serve(cli.settings(Some(args)), false).await,
        Command::Demo(args) => serve(cli.settings(Some(args)), true).await,
        Command::Migrate => {
            let settings = cli.settings(None);
            tokio::task::spawn_blocking(move || app::prepare_database(&settings)).await??;
            println!("数据库已是最新版本 (database is up to date)");
            Ok(())
        }
        Command::Admin(AdminCommand::Create {
            username,
            display_name,
        }) => {
            let settings = cli.settings(None);
            let secret = admin_password()?;
            let (username, display_name) = (username.clone(), display_name.clone());
            let user = tokio::task::spawn_blocking(move || {
                let db = app::prepare_database(&settings)?;
                service::create_admin(&db, SystemClock.now(), &username, &display_name, &secret)
                    .map_err(explain)
            })
            .await??;
            println!(
                "已创建管理员 {} (administrator created, id {})",
                user.username, user.id
            );
            Ok(())
        }
        Command::Client(ClientCommand::Create { name, scopes }) => {
            let scopes =
                crate::approvals::clients::parse_scopes(scopes).map_err(|e| anyhow::anyhow!(e))?;
            let name = name.trim().to_owned();
            if name.is_empty() {
                anyhow::bail!("请填写客户端名称 (--name is required)");
            }
            let settings = cli.settings(None);
            let (client, token) = tokio::task::spawn_blocking(move || {
                let db = app::prepare_database(&settings)?;
                crate::approvals::clients::create(&db, SystemClock.now(), &name, &scopes)
                    .map_err(explain)
            })
            .await??;
            println!(
                "已创建客户端 {}（权限 {}）。令牌只显示这一次，请妥善保存 (client {} created; the token is shown once):\n{token}",
                client.name, client.scopes, client.id
            );
            Ok(())
        }
        Command::Reindex => {
            let settings = cli.settings(None);
            tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
                let db = app::prepare_database(&settings)?;
                let started = std::time::Instant::now();
                let (generation, count) = crate::search::reindex::rebuild(&db, &settings.data_dir, SystemClock.now())?;
                println!(
                    "检索索引已重建：{count} 项服务，用时 {:.1} 秒 (search index rebuilt as {generation}: {count} offerings)",
                    started.elapsed().as_secs_f64()
                );
                Ok(())
            })
            .await??;
            Ok(())
        }
        Command::Verify(VerifyCommand::Audit) => {
            let settings = cli.settings(None);
            tokio::task::spawn_blocking(move || verify_audit(&settings)).await?
        }
        Command::Verify(VerifyCommand::Draw { project }) => {
            let settings = cli.settings(None);
            let project = project.clone();
            tokio::task::spawn_blocking(move || verify_draw(&settings, &project)).await?
        }
        Command::Seed(SeedCommand::Generate(args)) => {
            let settings = cli.settings(None);
            let options = GenerateOptions {
                agencies: args.agencies,
                offerings: args.offerings,
                seed: args.seed,
                batch_rows: args.batch,
            };
            tokio::task::spawn_blocking(move || seed_generate(&settings, &options)).await?
        }
    }
}

fn seed_generate(settings: &Settings, options: &GenerateOptions) -> anyhow::Result<()> {
    let db = app::prepare_database(settings)?;
    let progress = generate::progress_bar(options);
    let report = generate::generate(&db, SystemClock.now(), options, &progress)?;
    progress.finish_and_clear();
    let generate::GenerateReport {
        agencies,
        qualifications,
        offerings,
        rows,
        ..
    } = report;
    let (seconds, per_second) = (report.elapsed.as_secs_f64(), report.rows_per_second());
    println!(
        "已生成 {agencies} 家机构、{qualifications} 项资质、{offerings} 项服务，共写入 {rows} 行，\
         用时 {seconds:.1} 秒，每秒 {per_second:.0} 行 ({agencies} agencies, {qualifications} \
         qualifications, {offerings} offerings; {rows} rows in {seconds:.1} s, {per_second:.0} rows/s)"
    );
    Ok(())
}

async fn serve(settings: Settings, with_demo_data: bool) -> anyhow::Result<()> {
    let prepared = settings.clone();
    let db = tokio::task::spawn_blocking(move || app::prepare_database(&prepared)).await??;
    let url = crate::db::redact(&settings.database_url);
    let state = app::state(settings, db, Arc::new(SystemClock))?;
    let demo = if with_demo_data {
        Some(demo::seed(&state).await?)
    } else {
        None
    };
    let server = Server::bind(state).await?;
    let addr = server.local_addr()?;
    println!("中介服务超市已启动：http://{addr}/  (database: {url})");
    println!("登录页 (log in): http://{addr}/login");
    if let Some(demo) = demo {
        println!("演示账户 (demo accounts):");
        for account in demo.accounts {
            println!(
                "  {:<10} 用户名 {:<12} 密码 {}",
                account.role_label, account.username, account.password
            );
        }
        let market = demo.market;
        println!(
            "演示机构 {} 家（已入驻 {} 家，用户名 demo_agency_01…{:02}，密码同 jigou）、服务 {} 项{} \
             (demo agencies and offerings)",
            market.agencies,
            market.admitted,
            market.agencies,
            market.offerings,
            if market.created { "，本次生成" } else { "，此前已生成" },
        );
        println!(
            "演示采购项目 {} 个：已完成 {} 个（合同、成果、评价与信用记录齐全）、履约中 {} 个，\
             另有已中选、公示中、报名中、待审核各一 (demo projects from sign-up to evaluation; see /projects, /my/contracts)",
            demo.projects, demo.finished, demo.performing
        );
        println!(
            "演示投资项目 {}：并联审批记录中的中介服务随验收自动办结 (the parallel approval record; see /investment-projects)",
            crate::demo::approvals::CODE
        );
    }
    server.serve(app::shutdown_signal()).await
}

fn admin_password() -> anyhow::Result<String> {
    if let Ok(secret) = std::env::var("ZHONGJIE_ADMIN_PASSWORD") {
        if !secret.is_empty() {
            return Ok(secret);
        }
    }
    eprintln!("请输入管理员密码（至少12个字符）/ enter the administrator password:");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password")?;
    let secret = line.trim_end_matches(['\r', '\n']).to_owned();
    if secret.is_empty() {
        bail!("没有读到密码 (no password given)");
    }
    Ok(secret)
}

/// Field errors of the CLI, in both languages.
fn explain(error: crate::error::AppError) -> anyhow::Error {
    let details: Vec<String> = error
        .field_errors()
        .iter()
        .map(|e| format!("{}: {} ({})", e.field, e.message_zh, e.message_en))
        .collect();
    if details.is_empty() {
        anyhow::anyhow!("{error:#}")
    } else {
        anyhow::anyhow!(details.join("\n"))
    }
}

fn verify_draw(settings: &Settings, project: &str) -> anyhow::Result<()> {
    let db = Db::connect(&settings.database_url, 2)?;
    let check = db
        .run_now(|conn| crate::projects::verify::verify(conn, project))
        .map_err(explain)?;
    for line in &check.lines {
        println!("{line}");
    }
    if check.problems.is_empty() {
        println!("选取结果复算一致 (the selection recomputes exactly)");
        Ok(())
    } else {
        for problem in &check.problems {
            eprintln!("不一致：{problem}");
        }
        bail!("选取结果复算不一致 (the selection does not recompute)")
    }
}

fn verify_audit(settings: &Settings) -> anyhow::Result<()> {
    let db = Db::connect(&settings.database_url, 2)?;
    let outcome = db
        .run_now(|conn| Ok(audit::verify(conn)?))
        .map_err(explain)?;
    match outcome {
        Ok(report) => {
            println!(
                "审计链完整：{} 个事件，链头哈希 {} (audit chain intact: {} events, head {})",
                report.events, report.head_hash, report.events, report.head_hash
            );
            Ok(())
        }
        Err(broken) => bail!(
            "审计链在事件 {} 处断开：{} (audit chain broken at event {})",
            broken.seq,
            broken.reason,
            broken.seq
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_credit_threshold_is_a_score_or_off() {
        let cases = [
            ("60", Some(Some(60))),
            ("1", Some(Some(1))),
            ("100", Some(Some(100))),
            ("off", Some(None)),
            ("OFF", Some(None)),
            ("0", Some(None)),
            ("101", None),
            ("-5", None),
            ("sixty", None),
            ("", None),
        ];
        for (text, expected) in cases {
            assert_eq!(
                parse_score_threshold(text).ok().map(|t| t.0),
                expected,
                "{text:?}"
            );
        }
    }

    fn serve_settings(args: &[&str]) -> Result<Settings, clap::Error> {
        let cli = Cli::try_parse_from(["zhongjie", "serve"].iter().chain(args))?;
        let Command::Serve(serve) = &cli.command else {
            unreachable!("the serve command was parsed")
        };
        Ok(cli.settings(Some(serve)))
    }

    #[test]
    fn serve_takes_the_contract_days_and_the_credit_threshold() {
        let defaults = serve_settings(&[]).expect("no flags");
        assert_eq!(defaults.projects.contract_working_days, 5);
        assert_eq!(defaults.credit.suspend_below_score, Some(60));
        let set = serve_settings(&["--contract-days", "2", "--credit-suspend-below", "50"])
            .expect("flags");
        assert_eq!(set.projects.contract_working_days, 2);
        assert_eq!(set.credit.suspend_below_score, Some(50));
        let off = serve_settings(&["--credit-suspend-below", "off"]).expect("off");
        assert_eq!(off.credit.suspend_below_score, None);
        assert!(serve_settings(&["--contract-days", "0"]).is_err());
        assert!(serve_settings(&["--credit-suspend-below", "120"]).is_err());
    }

    #[test]
    fn serve_takes_a_well_formed_ocds_prefix_only() {
        assert_eq!(
            serve_settings(&[]).expect("no flags").ocds_prefix,
            "ocds-zjcs01"
        );
        let set = serve_settings(&["--ocds-prefix", "ocds-a1b2c3"]).expect("flag");
        assert_eq!(set.ocds_prefix, "ocds-a1b2c3");
        for bad in [
            "ocds-abc",
            "ocds-ABCDEF",
            "ocds-abcdefg",
            "xxxx-abcdef",
            "ocds-ab_def",
            "",
        ] {
            assert!(parse_ocds_prefix(bad).is_err(), "{bad:?}");
        }
    }
}
