//! The working-day calendar as seeded into the database, and the journal's
//! change log: the parts later issues build their deadlines and feeds on.

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use common::TestApp;
use diesel::prelude::*;
use serde_json::json;
use zhongjie::calendar;
use zhongjie::db::schema::changes;
use zhongjie::supervision::{journal, Actor, Event, Publish};

#[tokio::test]
async fn the_seeded_calendar_counts_working_days_across_national_day() {
    let app = TestApp::new().await;
    let calendar = calendar::load(&app.db).await.unwrap();
    // 2026: 10-01..10-07 off, Sunday 09-20 and Saturday 10-10 worked.
    assert!(!calendar.is_working_day(NaiveDate::from_ymd_opt(2026, 10, 5).unwrap()));
    assert!(calendar.is_working_day(NaiveDate::from_ymd_opt(2026, 10, 10).unwrap()));
    // Published Tuesday 29 Sept 2026 at 10:00 Beijing time, 3 working days:
    // Wed 30 Sept, Thu 8 Oct, Fri 9 Oct; the deadline is 24:00 of Fri 9 Oct.
    let published = Utc.with_ymd_and_hms(2026, 9, 29, 2, 0, 0).unwrap();
    let deadline = calendar.deadline_after(published, 3);
    assert_eq!(
        deadline,
        Utc.with_ymd_and_hms(2026, 10, 9, 16, 0, 0).unwrap()
    );
}

#[tokio::test]
async fn seeding_again_keeps_what_admins_removed() {
    let app = TestApp::new().await;
    let national_day = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    app.db
        .write(move |conn| {
            use zhongjie::db::schema::calendar_days;
            diesel::delete(calendar_days::table.filter(calendar_days::day.eq(national_day)))
                .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
    let db = app.db.clone();
    tokio::task::spawn_blocking(move || calendar::seed(&db))
        .await
        .unwrap()
        .unwrap();
    let calendar = calendar::load(&app.db).await.unwrap();
    assert!(
        calendar.is_working_day(national_day),
        "the removed day stays removed"
    );
}

#[tokio::test]
async fn public_changes_get_gap_free_numbers_and_failed_writes_leave_none() {
    let app = TestApp::new().await;
    let now = Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).unwrap();
    let event = |id: &str| Event {
        action: "test.changed",
        entity_type: "test_entity",
        entity_id: id.to_owned(),
        detail: json!({}),
    };
    for id in ["a", "b"] {
        let event = event(id);
        app.db
            .write(move |conn| Ok(journal(conn, now, &Actor::system(), event, Publish::Yes)?))
            .await
            .unwrap();
    }
    // A write that fails after journaling rolls its change back with it.
    let failed = app
        .db
        .write(move |conn| -> zhongjie::error::AppResult<()> {
            journal(conn, now, &Actor::system(), event("c"), Publish::Yes)?;
            Err(zhongjie::error::AppError::conflict("测试", "test"))
        })
        .await;
    assert!(failed.is_err());
    let event = event("d");
    app.db
        .write(move |conn| Ok(journal(conn, now, &Actor::system(), event, Publish::Yes)?))
        .await
        .unwrap();

    let rows: Vec<(i64, String)> = app
        .db
        .run(|conn| {
            Ok(changes::table
                .order(changes::seq.asc())
                .select((changes::seq, changes::entity_id))
                .load(conn)?)
        })
        .await
        .unwrap();
    assert_eq!(
        rows,
        vec![(1, "a".into()), (2, "b".into()), (3, "d".into())]
    );
}
