//! Red lights raise an alert exactly once: an in-site message to the party
//! that owes the step and to every administrator, recorded in `light_alerts`
//! under (step, subject, deadline) so no later pass repeats it. A deadline
//! moved by an amendment is a new deadline and may alert again. Run by the
//! project scheduler; one write per pass, and none when nothing is new.

use super::lights::{running, Light};
use super::lights_rules::Colour;
use crate::calendar::WorkingCalendar;
use crate::config::ProjectRules;
use crate::db::schema::{light_alerts, users};
use crate::db::{Db, DbConnection};
use crate::error::AppResult;
use crate::supervision::{journal, Actor, Event, Publish};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::json;

/// The red lights not alerted yet.
fn unalerted(
    conn: &mut DbConnection,
    calendar: &WorkingCalendar,
    rules: &ProjectRules,
    now: DateTime<Utc>,
) -> AppResult<Vec<Light>> {
    let mut out = Vec::new();
    for light in running(conn, calendar, rules, now, Some(Colour::Red))? {
        let raised: i64 = light_alerts::table
            .filter(light_alerts::step_kind.eq(light.step.as_str()))
            .filter(light_alerts::entity_id.eq(light.subject_id))
            .filter(light_alerts::due_at.eq(light.due_at.naive_utc()))
            .count()
            .get_result(conn)?;
        if raised == 0 {
            out.push(light);
        }
    }
    Ok(out)
}

/// One pass; returns how many alerts it raised.
pub fn run_once(
    db: &Db,
    now: DateTime<Utc>,
    calendar: &WorkingCalendar,
    rules: &ProjectRules,
) -> AppResult<usize> {
    if db
        .run_now(|conn| unalerted(conn, calendar, rules, now))?
        .is_empty()
    {
        return Ok(0);
    }
    db.write_now(|conn| {
        // Read again under the write lock: another node may have raised them.
        let due = unalerted(conn, calendar, rules, now)?;
        let admins: Vec<i64> = users::table
            .filter(users::role.eq("admin"))
            .select(users::id)
            .load(conn)?;
        for light in &due {
            diesel::insert_into(light_alerts::table)
                .values((
                    light_alerts::step_kind.eq(light.step.as_str()),
                    light_alerts::entity_id.eq(light.subject_id),
                    light_alerts::due_at.eq(light.due_at.naive_utc()),
                    light_alerts::raised_at.eq(now.naive_utc()),
                ))
                .execute(conn)?;
            let (entity_type, entity_id) = match light.contract_id {
                Some(id) => ("contract", id),
                None => ("project", light.project_id),
            };
            journal(
                conn,
                now,
                &Actor::system(),
                Event {
                    action: "light.red",
                    entity_type,
                    entity_id: entity_id.to_string(),
                    detail: json!({
                        "step": light.step.as_str(),
                        "subject_id": light.subject_id,
                        "due_at": light.due_at,
                    }),
                },
                Publish::No,
            )?;
            let body = format!(
                "项目“{}”的{}已于 {} 到期仍未完成，亮起红灯，请尽快处理。",
                light.title,
                light.step.label_zh(),
                crate::web::format_time(light.due_at.naive_utc())
            );
            let mut told: Vec<i64> = light.owes.into_iter().collect();
            told.extend(admins.iter().copied().filter(|a| Some(*a) != light.owes));
            for user in told {
                let link = if admins.contains(&user) {
                    "/admin/supervision?colour=red".to_owned()
                } else {
                    light.link()
                };
                crate::messages::send(conn, now, user, "红灯预警", &body, &link)?;
            }
        }
        Ok(due.len())
    })
}
