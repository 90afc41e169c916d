//! The working-day calendar: official holidays and 调休 working weekends, kept
//! in the `calendar_days` table that administrators maintain, seeded for
//! 2025–2027 from `holidays.csv`, and the pure working-day arithmetic in `rules`.

pub mod rules;

use crate::db::schema::calendar_days;
use crate::db::{settings, Db};
use crate::error::AppResult;
use diesel::prelude::*;
pub use rules::{SpecialDay, SpecialDayKind, WorkingCalendar};

/// Sources: 国办发明电〔2024〕12号 (2025), 国办发明电〔2025〕7号 (2026);
/// 2027 provisional until its notice is checked (see the file's comments).
const SEED_CSV: &str = include_str!("holidays.csv");
/// Raise when `holidays.csv` gains rows; each version is seeded once, so days
/// that administrators removed later are not brought back.
const SEED_VERSION: &str = "2025-2027.1";

/// Inserts the seed days not yet present, once per seed version.
pub fn seed(db: &Db) -> AppResult<()> {
    let days = rules::parse_special_days_csv(SEED_CSV)
        .map_err(|e| anyhow::anyhow!("holidays.csv: {e}"))?;
    db.write_now(|conn| {
        if settings::get(conn, "calendar_seed_version")?.as_deref() == Some(SEED_VERSION) {
            return Ok(());
        }
        let existing: Vec<chrono::NaiveDate> =
            calendar_days::table.select(calendar_days::day).load(conn)?;
        for day in days.iter().filter(|d| !existing.contains(&d.date)) {
            diesel::insert_into(calendar_days::table)
                .values((
                    calendar_days::day.eq(day.date),
                    calendar_days::kind.eq(day.kind.as_str()),
                    calendar_days::name.eq(&day.name),
                ))
                .execute(conn)?;
        }
        settings::put(conn, "calendar_seed_version", SEED_VERSION)?;
        Ok(())
    })
}

/// The calendar as it stands in the database.
pub async fn load(db: &Db) -> AppResult<WorkingCalendar> {
    db.run(|conn| Ok(load_in(conn)?)).await
}

/// `load` inside a caller's connection or transaction.
pub fn load_in(conn: &mut crate::db::DbConnection) -> QueryResult<WorkingCalendar> {
    let rows: Vec<(chrono::NaiveDate, String, String)> = calendar_days::table
        .select((calendar_days::day, calendar_days::kind, calendar_days::name))
        .load(conn)?;
    Ok(WorkingCalendar::new(rows.into_iter().filter_map(
        |(date, kind, name)| {
            SpecialDayKind::parse(&kind).map(|kind| SpecialDay { date, kind, name })
        },
    )))
}
