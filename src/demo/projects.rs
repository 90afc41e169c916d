//! Demo projects of the demo applicant, one in each interesting state: an
//! awarded random draw (with its public draw page), a bidding round in
//! publicity, a scoring round taking sign-ups, and one waiting for review.
//! They run through the services at past moments of the working calendar,
//! so the audit trail and the messages tell their story. Seeded once.

use crate::calendar::WorkingCalendar;
use crate::config::ProjectRules;
use crate::db::schema::{agencies, service_items, users};
use crate::db::{settings, Db, DbConnection};
use crate::error::{AppError, AppResult};
use crate::projects::input::ProjectInput;
use crate::projects::selecting;
use crate::projects::service::{self, Loaded};
use crate::projects::signups::{sign_up_in, SignupInput};
use crate::supervision::Actor;
use anyhow::anyhow;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use diesel::prelude::*;

const MARKER: &str = "demo_projects_seed";
const MARKER_VERSION: &str = "2026-11-25.1";

/// A local (China) date and hour as UTC: China keeps UTC+8 all year.
pub(super) fn at(date: NaiveDate, hour: u32) -> DateTime<Utc> {
    let local = date.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or(NaiveTime::MIN));
    (local - Duration::hours(8)).and_utc()
}

/// The n-th working day before `date`.
pub(super) fn working_days_before(
    calendar: &WorkingCalendar,
    date: NaiveDate,
    n: u32,
) -> NaiveDate {
    let mut day = date;
    let mut left = n;
    while left > 0 {
        day = day.pred_opt().unwrap_or(day);
        if calendar.is_working_day(day) {
            left -= 1;
        }
    }
    day
}

pub(super) fn user_id(conn: &mut DbConnection, username: &str) -> AppResult<i64> {
    users::table
        .filter(users::username.eq(username))
        .select(users::id)
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::Internal(anyhow!("demo user {username} is missing")))
}

/// An active item (id, name) with the agencies that may take part now.
pub(super) type ItemAgencies = (i64, String, Vec<i64>);

/// The active items with at least `needed` agencies that may take part now,
/// those with the most first (the lower id first among equals).
pub(super) fn busiest_items(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    needed: usize,
) -> AppResult<Vec<ItemAgencies>> {
    let items: Vec<(i64, String)> = service_items::table
        .filter(service_items::status.eq("active"))
        .order(service_items::id.asc())
        .select((service_items::id, service_items::name))
        .load(conn)?;
    let mut found = Vec::new();
    for (id, name) in items {
        let agencies = crate::offerings::service::agencies_with_live_offering(conn, id, now)?;
        if agencies.len() >= needed {
            found.push((id, name, agencies));
        }
    }
    // A stable sort keeps the id order among items with as many agencies.
    found.sort_by_key(|(_, _, agencies)| std::cmp::Reverse(agencies.len()));
    Ok(found)
}

#[derive(Clone)]
pub(super) struct Cast {
    pub applicant: i64,
    pub admin: Actor,
    pub item: i64,
    pub item_name: String,
    /// (agency id, its user id, its user name)
    pub agencies: Vec<(i64, i64, String)>,
}

/// The demo applicant, the admin and these agencies, for one item.
pub(super) fn cast_of(
    conn: &mut DbConnection,
    item: i64,
    item_name: String,
    agency_ids: &[i64],
) -> AppResult<Cast> {
    let mut cast_agencies = Vec::new();
    for id in agency_ids {
        let (owner, username): (i64, String) = agencies::table
            .inner_join(users::table)
            .filter(agencies::id.eq(id))
            .select((users::id, users::username))
            .first(conn)?;
        cast_agencies.push((*id, owner, username));
    }
    let admin_id = user_id(conn, "admin")?;
    Ok(Cast {
        applicant: user_id(conn, "yezhu")?,
        admin: Actor::user(admin_id, "admin"),
        item,
        item_name,
        agencies: cast_agencies,
    })
}

pub(super) fn form(
    cast: &Cast,
    title: &str,
    method: &str,
    deadline: DateTime<Utc>,
) -> ProjectInput {
    ProjectInput {
        service_item_id: Some(cast.item),
        title: Some(format!("{title}{}", cast.item_name)),
        investment_code: Some("2511-360102-04-01-103857".into()),
        region_code: Some("360102".into()),
        scale_kind: Some("amount".into()),
        scale_amount_fen: Some(1_280_000_000),
        fiscal_share_percent: Some(60),
        service_content: Some(format!(
            "按有关技术规范完成{}，提交成果文件并配合审批部门审查。",
            cast.item_name
        )),
        service_days: Some(30),
        method: Some(method.into()),
        contact_name: Some("刘工".into()),
        contact_phone: Some("0791-86880000".into()),
        complaint_phone: Some("12345".into()),
        signup_deadline: Some(deadline),
        ..ProjectInput::default()
    }
}

pub(super) fn open(
    conn: &mut DbConnection,
    cast: &Cast,
    input: ProjectInput,
    t: DateTime<Utc>,
    rules: &ProjectRules,
    calendar: &WorkingCalendar,
) -> AppResult<Loaded> {
    let applicant = Actor::user(cast.applicant, "yezhu");
    let id = service::create_in(conn, t, rules, cast.applicant, &applicant, &input)?;
    let mut loaded = service::load(conn, id)?;
    service::submit_in(conn, t, rules, calendar, &mut loaded, &applicant)?;
    if rules.review_required {
        let later = t + Duration::hours(2);
        service::approve_in(conn, later, rules, calendar, &mut loaded, &cast.admin, None)?;
    }
    service::load(conn, id)
}

pub(super) fn sign_ups(
    conn: &mut DbConnection,
    cast: &Cast,
    loaded: &Loaded,
    t: DateTime<Utc>,
    quotes: &[SignupInput],
) -> AppResult<()> {
    // Every agency of the cast signs up, the quotes taken in turn.
    for (i, ((_, user, _), quote)) in cast.agencies.iter().zip(quotes.iter().cycle()).enumerate() {
        let when = t + Duration::minutes(37 * i64::try_from(i).unwrap_or(0));
        sign_up_in(conn, when, *user, loaded.id(), quote)?;
    }
    Ok(())
}

/// Closes the round at its deadline, selects, and has the winner confirm an hour later.
pub(super) fn select_and_confirm(
    conn: &mut DbConnection,
    loaded: &mut Loaded,
    rules: &ProjectRules,
    calendar: &WorkingCalendar,
    cast: &Cast,
) -> AppResult<()> {
    let deadline = loaded.project.signup_deadline.and_utc();
    selecting::close_signups(conn, deadline, loaded)?;
    selecting::run_selection(conn, deadline, loaded, &Actor::system(), calendar, rules)?;
    let winner = loaded
        .state
        .winner_signup_id
        .ok_or_else(|| AppError::Internal(anyhow!("no winner")))?;
    let agency_id: i64 = crate::db::schema::signups::table
        .find(winner)
        .select(crate::db::schema::signups::agency_id)
        .first(conn)?;
    let username = cast
        .agencies
        .iter()
        .find(|(a, _, _)| *a == agency_id)
        .map(|(_, _, n)| n.clone())
        .unwrap_or_default();
    let owner: i64 = agencies::table
        .find(agency_id)
        .select(agencies::owner_user_id)
        .first(conn)?;
    selecting::confirm(
        conn,
        deadline + Duration::hours(1),
        loaded,
        agency_id,
        true,
        None,
        &Actor::user(owner, &username),
        calendar,
        rules,
        // The demo winner confirms: no credit fact, so the rules' values do not matter.
        &crate::config::CreditRules::default(),
    )
}

/// Awards the project the moment its publicity ends, as the scheduler would; returns that moment.
pub(super) fn award_after_publicity(
    conn: &mut DbConnection,
    loaded: &mut Loaded,
) -> AppResult<DateTime<Utc>> {
    let ends = loaded
        .state
        .publicity_ends_at
        .map(|t| t.and_utc())
        .ok_or_else(|| AppError::Internal(anyhow!("the demo project has no publicity")))?;
    selecting::award(conn, ends, loaded, &Actor::system())?;
    Ok(ends)
}

pub(super) fn quote(fen: Option<i64>, days: i32) -> SignupInput {
    SignupInput {
        quote_fen: fen,
        quote_rate_bp: None,
        promised_days: Some(days),
    }
}

fn seed_in(conn: &mut DbConnection, now: DateTime<Utc>, rules: &ProjectRules) -> AppResult<usize> {
    let calendar = crate::calendar::load_in(conn)?;
    // Four sign-ups make a lively round, and a round must reach the minimum.
    let needed = usize::try_from(rules.min_signups.max(4)).unwrap_or(4);
    let Some((item, item_name, eligible)) = busiest_items(conn, now, needed)?.into_iter().next()
    else {
        return Ok(0);
    };
    let chosen: Vec<i64> = eligible.into_iter().take(needed).collect();
    let cast = cast_of(conn, item, item_name, &chosen)?;
    let today = WorkingCalendar::local_date(now);

    // Awarded: a random draw that opened about four weeks ago.
    let opened = working_days_before(&calendar, today, 18);
    let deadline = at(calendar.add_working_days(opened, 4), 9);
    let mut input = form(&cast, "南昌市青山湖区某安置房项目", "random", deadline);
    input.price_mode = Some("fixed".into());
    input.amount_fen = Some(4_800_000);
    let mut awarded = open(conn, &cast, input, at(opened, 9), rules, &calendar)?;
    sign_ups(
        conn,
        &cast,
        &awarded,
        at(opened, 14),
        &[
            quote(None, 30),
            quote(None, 25),
            quote(None, 28),
            quote(None, 30),
        ],
    )?;
    select_and_confirm(conn, &mut awarded, rules, &calendar, &cast)?;
    award_after_publicity(conn, &mut awarded)?;

    // In publicity: a bidding round whose deadline was yesterday's working day.
    let closed = working_days_before(&calendar, today, 1);
    let opened = working_days_before(&calendar, closed, 4);
    let mut input = form(&cast, "赣江新区某产业园二期", "bidding", at(closed, 9));
    input.price_mode = Some("amount".into());
    input.floor_fen = Some(3_000_000);
    input.ceiling_fen = Some(6_000_000);
    let mut publicity = open(conn, &cast, input, at(opened, 10), rules, &calendar)?;
    let bids = [
        quote(Some(5_200_000), 30),
        quote(Some(4_650_000), 25),
        quote(Some(4_980_000), 20),
        quote(Some(5_600_000), 30),
    ];
    sign_ups(conn, &cast, &publicity, at(opened, 15), &bids)?;
    select_and_confirm(conn, &mut publicity, rules, &calendar, &cast)?;

    // Taking sign-ups: a scoring round closing in five working days.
    let mut input = form(
        &cast,
        "南昌县某学校改扩建工程",
        "scoring",
        at(calendar.add_working_days(today, 5), 17),
    );
    input.price_mode = Some("amount".into());
    input.floor_fen = Some(2_000_000);
    input.ceiling_fen = Some(4_000_000);
    input.weight_price = Some(50);
    input.weight_credit = Some(20);
    input.weight_time = Some(30);
    let signing = open(
        conn,
        &cast,
        input,
        now - Duration::hours(3),
        rules,
        &calendar,
    )?;
    sign_ups(
        conn,
        &Cast {
            agencies: cast.agencies.iter().take(2).cloned().collect(),
            ..cast.clone()
        },
        &signing,
        now - Duration::hours(2),
        &[quote(Some(3_600_000), 25), quote(Some(3_100_000), 30)],
    )?;

    // Waiting for the centre's review.
    let input = form(
        &cast,
        "进贤县某乡镇污水处理厂",
        "random",
        at(calendar.add_working_days(today, 6), 17),
    );
    let input = ProjectInput {
        price_mode: Some("fixed".into()),
        amount_fen: Some(3_500_000),
        ..input
    };
    let applicant = Actor::user(cast.applicant, "yezhu");
    let id = service::create_in(
        conn,
        now - Duration::minutes(30),
        rules,
        cast.applicant,
        &applicant,
        &input,
    )?;
    let mut pending = service::load(conn, id)?;
    let review = ProjectRules {
        review_required: true,
        ..rules.clone()
    };
    service::submit_in(
        conn,
        now - Duration::minutes(20),
        &review,
        &calendar,
        &mut pending,
        &applicant,
    )?;
    Ok(4)
}

/// Seeds the demo projects once.
pub fn seed(db: &Db, now: DateTime<Utc>, rules: &ProjectRules) -> anyhow::Result<()> {
    db.write_now(|conn| {
        if settings::get(conn, MARKER)?.is_some() {
            return Ok(());
        }
        seed_in(conn, now, rules)?;
        settings::put(conn, MARKER, MARKER_VERSION)?;
        Ok(())
    })
    .map_err(|e| anyhow!("seeding the demo projects: {e}"))
}
