//! Reading the audit trail: events filtered by entity, actor and time, a page
//! at a time, newest first. The chain's head is in `audit_head.rs`.

use super::audit::AuditRow;
use crate::db::schema::audit_events;
use crate::db::DbConnection;
use crate::error::{AppError, AppResult, FieldError};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub const PER_PAGE: i64 = 50;

/// The filters as they come in a query string: all text, so a bad value is a
/// 422 naming its field.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct AuditQuery {
    /// `project`, `contract`, `agency`, `user`…
    pub entity_type: Option<String>,
    /// The entity's id; needs `entity_type`.
    pub entity_id: Option<String>,
    /// `user:<name>`, a user name, `system`, `anonymous`, `cli` or `client:<name>`.
    pub actor: Option<String>,
    /// From this time (RFC 3339) or day (`YYYY-MM-DD`, China time), inclusive.
    pub from: Option<String>,
    /// Up to this time (RFC 3339) or day (`YYYY-MM-DD`, China time), inclusive.
    pub to: Option<String>,
    /// Page number, from 1; 50 events a page, newest first.
    pub page: Option<String>,
    /// `csv` or `xlsx` downloads every matching event instead (on the page).
    pub format: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub actor: Option<String>,
    pub from: Option<DateTime<Utc>>,
    /// Exclusive: the instant after the last one included.
    pub until: Option<DateTime<Utc>>,
    pub page: i64,
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// A time bound: an RFC 3339 instant, or a China day (its start for `from`,
/// the start of the next day for `to`). Pure.
fn bound(text: &str, end_of_day: bool) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        let t = t.with_timezone(&Utc);
        return Some(if end_of_day {
            t + chrono::Duration::microseconds(1)
        } else {
            t
        });
    }
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    let day = if end_of_day { day.succ_opt()? } else { day };
    let offset = crate::calendar::rules::china_offset();
    day.and_time(NaiveTime::MIN)
        .and_local_timezone(offset)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

impl AuditQuery {
    /// Pure: every field at fault at once.
    pub fn parse(&self) -> AppResult<AuditFilter> {
        let mut errors = Vec::new();
        let entity_type = given(&self.entity_type).map(str::to_owned);
        if entity_type
            .as_deref()
            .is_some_and(|t| t.len() > 40 || !t.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        {
            errors.push(FieldError::new(
                "entity_type",
                "对象类型只能包含小写字母和下划线，如 project、contract。",
                "entity_type must be lower-case letters and underscores, such as project or contract.",
            ));
        }
        let entity_id = given(&self.entity_id).map(str::to_owned);
        if entity_id.is_some() && entity_type.is_none() {
            errors.push(FieldError::new(
                "entity_id",
                "按对象编号筛选时须同时指定对象类型。",
                "entity_id needs entity_type.",
            ));
        } else if entity_id.as_deref().is_some_and(|i| i.len() > 100) {
            errors.push(FieldError::new(
                "entity_id",
                "对象编号过长。",
                "entity_id is too long.",
            ));
        }
        let actor = given(&self.actor).map(str::to_owned);
        let mut time = |field: &str, value: &Option<String>, end: bool| {
            let text = given(value)?;
            let parsed = bound(text, end);
            if parsed.is_none() {
                errors.push(FieldError::new(
                    field,
                    "时间应为 RFC 3339 格式（如 2026-03-02T08:00:00Z）或日期（如 2026-03-02）。",
                    &format!("{field} must be an RFC 3339 time or a YYYY-MM-DD date."),
                ));
            }
            parsed
        };
        let from = time("from", &self.from, false);
        let until = time("to", &self.to, true);
        if let (Some(f), Some(u)) = (from, until) {
            if u <= f {
                errors.push(FieldError::new(
                    "to",
                    "结束时间不能早于开始时间。",
                    "to must not be before from.",
                ));
            }
        }
        let page = match given(&self.page) {
            None => 1,
            Some(p) => match p.parse::<i64>() {
                Ok(n) if (1..=1_000_000).contains(&n) => n,
                _ => {
                    errors.push(FieldError::new(
                        "page",
                        "页码应为正整数。",
                        "page must be a positive integer.",
                    ));
                    1
                }
            },
        };
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        Ok(AuditFilter {
            entity_type,
            entity_id,
            actor,
            from,
            until,
            page,
        })
    }

    /// The query pairs again, without the page, for links that keep the filters.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("entity_type", &self.entity_type),
            ("entity_id", &self.entity_id),
            ("actor", &self.actor),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .into_iter()
        .filter_map(|(k, v)| given(v).map(|v| (k, v.to_owned())))
        .collect()
    }
}

/// One event as the API shows it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AuditEventView {
    pub seq: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}

impl From<AuditRow> for AuditEventView {
    fn from(row: AuditRow) -> Self {
        AuditEventView {
            seq: row.seq,
            occurred_at: row.occurred_at.and_utc(),
            actor_user_id: row.actor_user_id,
            actor: row.actor,
            action: row.action,
            entity_type: row.entity_type,
            entity_id: row.entity_id,
            // The stored text is JSON written by serde_json; keep it as text if it is not.
            detail: serde_json::from_str(&row.detail)
                .unwrap_or(serde_json::Value::String(row.detail)),
            prev_hash: row.prev_hash,
            hash: row.hash,
        }
    }
}

/// A page of events, newest first, and how many match in all.
pub fn events(
    conn: &mut DbConnection,
    filter: &AuditFilter,
) -> AppResult<(Vec<AuditEventView>, i64)> {
    let total: i64 = matching(filter).count().get_result(conn)?;
    let rows: Vec<AuditRow> = matching(filter)
        .order(audit_events::seq.desc())
        .limit(PER_PAGE)
        .offset((filter.page - 1).saturating_mul(PER_PAGE))
        .select(AuditRow::as_select())
        .load(conn)?;
    Ok((rows.into_iter().map(AuditEventView::from).collect(), total))
}

/// The next `count` matching events older than `before`, newest first: a
/// download walks the trail by sequence number, so events written meanwhile
/// neither shift nor repeat its rows.
pub fn events_before(
    conn: &mut DbConnection,
    filter: &AuditFilter,
    before: Option<i64>,
    count: i64,
) -> AppResult<Vec<AuditRow>> {
    let mut query = matching(filter);
    if let Some(seq) = before {
        query = query.filter(audit_events::seq.lt(seq));
    }
    Ok(query
        .order(audit_events::seq.desc())
        .limit(count)
        .select(AuditRow::as_select())
        .load(conn)?)
}

fn matching(filter: &AuditFilter) -> audit_events::BoxedQuery<'static, crate::db::MultiBackend> {
    let build = || {
        let mut query = audit_events::table.into_boxed();
        if let Some(t) = &filter.entity_type {
            query = query.filter(audit_events::entity_type.eq(t.clone()));
        }
        if let Some(i) = &filter.entity_id {
            query = query.filter(audit_events::entity_id.eq(i.clone()));
        }
        if let Some(a) = &filter.actor {
            query = query.filter(
                audit_events::actor
                    .eq(a.clone())
                    .or(audit_events::actor.eq(format!("user:{a}"))),
            );
        }
        if let Some(f) = filter.from {
            query = query.filter(audit_events::occurred_at.ge(f.naive_utc()));
        }
        if let Some(u) = filter.until {
            query = query.filter(audit_events::occurred_at.lt(u.naive_utc()));
        }
        query
    };
    build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> AuditQuery {
        let mut query = AuditQuery::default();
        for (k, v) in pairs {
            let v = Some((*v).to_owned());
            match *k {
                "entity_type" => query.entity_type = v,
                "entity_id" => query.entity_id = v,
                "actor" => query.actor = v,
                "from" => query.from = v,
                "to" => query.to = v,
                "page" => query.page = v,
                _ => unreachable!(),
            }
        }
        query
    }

    /// Query pairs of a case.
    type Pairs<'a> = &'a [(&'a str, &'a str)];

    #[test]
    fn filters_are_checked_field_by_field() {
        let cases: [(Pairs, &[&str]); 9] = [
            (&[], &[]),
            (&[("entity_type", "project"), ("entity_id", "7")], &[]),
            (&[("entity_id", "7")], &["entity_id"]),
            (&[("entity_type", "Project;--")], &["entity_type"]),
            (&[("from", "yesterday")], &["from"]),
            (&[("from", "2026-03-02"), ("to", "2026-03-01")], &["to"]),
            (&[("from", "2026-03-02"), ("to", "2026-03-02")], &[]),
            (&[("page", "0")], &["page"]),
            (
                &[("page", "x"), ("to", "x"), ("entity_id", "1")],
                &["entity_id", "to", "page"],
            ),
        ];
        for (pairs, fields) in cases {
            let named: Vec<String> = match q(pairs).parse() {
                Ok(_) => vec![],
                Err(AppError::Invalid(errors)) => errors.into_iter().map(|e| e.field).collect(),
                Err(other) => panic!("{other:?}"),
            };
            assert_eq!(named, fields.to_vec(), "{pairs:?}");
        }
    }

    #[test]
    fn a_day_is_a_china_day() {
        let filter = q(&[("from", "2026-03-02"), ("to", "2026-03-02")])
            .parse()
            .expect("valid");
        assert_eq!(
            filter.from.map(|t| t.to_rfc3339()),
            Some("2026-03-01T16:00:00+00:00".to_owned())
        );
        assert_eq!(
            filter.until.map(|t| t.to_rfc3339()),
            Some("2026-03-02T16:00:00+00:00".to_owned())
        );
        let exact = q(&[("to", "2026-03-02T08:00:00Z")]).parse().expect("valid");
        assert_eq!(
            exact.until.map(|t| t.to_rfc3339()),
            Some("2026-03-02T08:00:00.000001+00:00".to_owned())
        );
    }
}
