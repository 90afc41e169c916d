//! Penalties and rewards an administrator records on an agency's credit
//! record, with the reason and evidence, through the API or the page.

use super::credit::{self, CreditScore};
use super::{journal, Actor, Event, Publish};
use crate::accounts::Role;
use crate::app::AppState;
use crate::db::schema::{agencies, attachments, credit_events};
use crate::error::{AppError, AppResult};
use crate::web::auth::CurrentUser;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditEventInput {
    /// −30 (penalty) to +10 (reward), not 0.
    pub points: Option<i32>,
    pub reason: Option<String>,
    /// Evidence uploaded first through `POST /api/v1/attachments`.
    pub evidence_attachment_id: Option<i64>,
}

/// The points and the reason, checked: −30 to +10 but not 0, and a reason of 4–1000 characters.
pub fn checked(input: &CreditEventInput) -> AppResult<(i32, String)> {
    let points = match input.points {
        Some(p) if (-30..=10).contains(&p) && p != 0 => p,
        _ => {
            return Err(AppError::invalid(
                "points",
                "分值应在 −30 到 +10 之间，且不为 0。",
                "points must be −30 to +10 and not 0.",
            ))
        }
    };
    let reason = input
        .reason
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    if !(4..=1000).contains(&reason.chars().count()) {
        return Err(AppError::invalid(
            "reason",
            "请填写理由（4–1000 字）。",
            "reason must have 4 to 1000 characters.",
        ));
    }
    Ok((points, reason))
}

/// Records a penalty or a reward (admin) and applies the credit rules, in one transaction.
pub async fn record(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    input: CreditEventInput,
) -> AppResult<CreditScore> {
    user.require(&[Role::Admin])?;
    let (points, reason) = checked(&input)?;
    let clock = state.clock.clone();
    let rules = state.settings.credit.clone();
    let actor = Actor::user(user.user.id, &user.user.username);
    let admin = user.user.id;
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            let owner: i64 = agencies::table.find(id).select(agencies::owner_user_id).first(conn).optional()?.ok_or(AppError::NotFound)?;
            if let Some(evidence) = input.evidence_attachment_id {
                let exists: i64 = attachments::table.filter(attachments::id.eq(evidence)).count().get_result(conn)?;
                if exists == 0 {
                    return Err(AppError::invalid("evidence_attachment_id", "证据附件不存在。", "The evidence attachment does not exist."));
                }
            }
            diesel::insert_into(credit_events::table)
                .values((
                    credit_events::agency_id.eq(id),
                    credit_events::points.eq(points),
                    credit_events::reason.eq(&reason),
                    credit_events::evidence_attachment_id.eq(input.evidence_attachment_id),
                    credit_events::recorded_by.eq(admin),
                    credit_events::created_at.eq(now.naive_utc()),
                ))
                .execute(conn)?;
            // The agency entity in the change log: search re-ranks its offerings.
            journal(
                conn,
                now,
                &actor,
                Event { action: "credit.recorded", entity_type: "agency", entity_id: id.to_string(), detail: json!({ "points": points, "reason": reason, "evidence_attachment_id": input.evidence_attachment_id }) },
                Publish::Yes,
            )?;
            crate::messages::send(conn, now, owner, "信用记录变更", &format!("管理员记录了贵机构的信用{}（{points:+} 分）：{reason}", if points < 0 { "扣分" } else { "加分" }), "/my/agency")?;
            let fact = credit::Fact::Adjustment { at: now.naive_utc(), points: i64::from(points), reason: reason.clone() };
            super::credit_rules::after_fact(conn, now, id, &fact, &rules)?;
            credit::score_of(conn, id, now)
        })
        .await
}
