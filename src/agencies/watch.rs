//! The watch over time limits of the supply side, run by `serve` every
//! minute and safe with several nodes (each pass is one write transaction
//! and marks what it did): certificates that expired leave the change log
//! so search drops their offerings, certificates about to expire are warned
//! of 30 days ahead, and suspensions whose period is over end.

use super::model::{AgencyRow, QualificationRow};
use super::rules::{self, AgencyStatus};
use crate::app::AppState;
use crate::calendar::WorkingCalendar;
use crate::db::schema::{agencies, qualifications};
use crate::db::{Db, DbConnection};
use crate::error::AppResult;
use crate::supervision::{journal, Actor, Event, Publish};
use chrono::{DateTime, Days, Utc};
use diesel::prelude::*;
use serde_json::json;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WatchReport {
    pub expired: usize,
    pub warned: usize,
    pub reinstated: usize,
}

fn owner_of(conn: &mut DbConnection, agency_id: i64) -> QueryResult<AgencyRow> {
    agencies::table
        .find(agency_id)
        .select(AgencyRow::as_select())
        .first(conn)
}

/// One pass over everything due at `now`.
pub fn run_once(db: &Db, now: DateTime<Utc>) -> AppResult<WatchReport> {
    db.write_now(|conn| {
        let today = WorkingCalendar::local_date(now);
        let mut report = WatchReport::default();

        let expired: Vec<QualificationRow> = qualifications::table
            .filter(qualifications::status.eq("verified"))
            .filter(qualifications::expiry_published_at.is_null())
            .filter(qualifications::valid_until.lt(today))
            .select(QualificationRow::as_select())
            .load(conn)?;
        for q in &expired {
            diesel::update(qualifications::table.find(q.id))
                .set(qualifications::expiry_published_at.eq(now.naive_utc()))
                .execute(conn)?;
            journal(
                conn,
                now,
                &Actor::system(),
                Event {
                    action: "qualification.expired",
                    entity_type: "qualification",
                    entity_id: q.id.to_string(),
                    detail: json!({ "agency_id": q.agency_id, "valid_until": q.valid_until }),
                },
                Publish::Yes,
            )?;
            crate::offerings::service::publish_agency_offerings(
                conn,
                now,
                q.agency_id,
                "qualification_expired",
            )?;
            let agency = owner_of(conn, q.agency_id)?;
            crate::messages::send(
                conn,
                now,
                agency.owner_user_id,
                "资质已过期",
                &format!(
                    "证书 {} 已于 {} 到期，依赖该资质的服务已停止展示。请上传新证书。",
                    q.certificate_no, q.valid_until
                ),
                "/my/agency",
            )?;
            report.expired += 1;
        }

        let warn_until = today
            .checked_add_days(Days::new(rules::EXPIRY_WARNING_DAYS))
            .unwrap_or(today);
        let expiring: Vec<QualificationRow> = qualifications::table
            .filter(qualifications::status.eq("verified"))
            .filter(qualifications::expiry_warned_at.is_null())
            .filter(qualifications::valid_until.ge(today))
            .filter(qualifications::valid_until.le(warn_until))
            .select(QualificationRow::as_select())
            .load(conn)?;
        for q in expiring
            .iter()
            .filter(|q| rules::expiry_warning_due(q.valid_until, now))
        {
            diesel::update(qualifications::table.find(q.id))
                .set(qualifications::expiry_warned_at.eq(now.naive_utc()))
                .execute(conn)?;
            let agency = owner_of(conn, q.agency_id)?;
            crate::messages::send(
                conn,
                now,
                agency.owner_user_id,
                "资质即将到期",
                &format!(
                    "证书 {} 将于 {} 到期。到期后依赖该资质的服务将自动停止展示，请及时更新。",
                    q.certificate_no, q.valid_until
                ),
                "/my/agency",
            )?;
            journal(
                conn,
                now,
                &Actor::system(),
                Event {
                    action: "qualification.expiry_warned",
                    entity_type: "qualification",
                    entity_id: q.id.to_string(),
                    detail: json!({ "valid_until": q.valid_until }),
                },
                Publish::No,
            )?;
            report.warned += 1;
        }

        let suspended: Vec<AgencyRow> = agencies::table
            .filter(agencies::status.eq(AgencyStatus::Suspended.as_str()))
            .filter(agencies::status_until.le(now.naive_utc()))
            .select(AgencyRow::as_select())
            .load(conn)?;
        for agency in &suspended {
            diesel::update(agencies::table.find(agency.id))
                .set((
                    agencies::status.eq(AgencyStatus::Admitted.as_str()),
                    agencies::status_reason.eq(None::<String>),
                    agencies::status_until.eq(None::<chrono::NaiveDateTime>),
                    agencies::updated_at.eq(now.naive_utc()),
                ))
                .execute(conn)?;
            journal(
                conn,
                now,
                &Actor::system(),
                Event {
                    action: "agency.suspension_ended",
                    entity_type: "agency",
                    entity_id: agency.id.to_string(),
                    detail: json!({}),
                },
                Publish::Yes,
            )?;
            crate::offerings::service::publish_agency_offerings(
                conn,
                now,
                agency.id,
                "agency_reinstated",
            )?;
            crate::messages::send(
                conn,
                now,
                agency.owner_user_id,
                "暂停期满",
                "机构暂停期已满，已恢复正常状态。",
                "/my/agency",
            )?;
            report.reinstated += 1;
        }
        Ok(report)
    })
}

/// Runs `run_once` every `every`, until the process ends.
pub async fn run_forever(state: AppState, every: std::time::Duration) {
    let mut ticker = tokio::time::interval(every);
    loop {
        ticker.tick().await;
        let (db, now) = (state.db.clone(), state.now());
        match tokio::task::spawn_blocking(move || run_once(&db, now)).await {
            Ok(Ok(report)) if report != WatchReport::default() => {
                tracing::info!(?report, "watch pass")
            }
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "watch pass failed"),
            Err(e) => tracing::warn!(error = %e, "watch task failed"),
        }
    }
}
