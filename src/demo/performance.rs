//! What happens under a confirmed demo contract, each step at its moment:
//! the deliverables and their acceptance, the evaluation (or its neutral
//! default), a complaint and its decision, an administrator's reward.

use super::projects::{self as demo, at};
use super::stage::{upload, People, Stage};
use super::stories::{Complaint, Delivery, Evaluation, Story};
use crate::app::AppState;
use crate::contracts::{complaints, deliveries, evaluations};
use crate::error::{AppError, AppResult};
use crate::web::auth::CurrentUser;
use chrono::{DateTime, NaiveDate, Utc};

/// A confirmed contract and the day its service ends.
pub(super) struct Signed {
    pub id: i64,
    pub end_date: NaiveDate,
}

/// The agency hands in its deliverables and the applicant accepts them;
/// returns when, or `None` while they wait for acceptance.
pub(super) async fn deliver(
    stage: &Stage,
    people: &People,
    agency: &CurrentUser,
    story: &Story,
    signed: &Signed,
) -> AppResult<Option<DateTime<Utc>>> {
    let calendar = &stage.calendar;
    let before_end = |n| demo::working_days_before(calendar, signed.end_date, n);
    let submitted = match story.delivery {
        Delivery::OnTime => before_end(2),
        Delivery::ReturnedOnce(reason) => {
            let first = submit(stage, agency, signed.id, at(before_end(10), 10), false).await?;
            let state = stage.at(stage.after(before_end(10), 2, 16))?;
            let returned = deliveries::AcceptanceInput {
                accept: Some(false),
                reason: Some(reason.to_owned()),
            };
            deliveries::decide(state, &people.applicant, first, returned).await?;
            before_end(5)
        }
        Delivery::Late(days) => calendar.add_working_days(signed.end_date, days),
        Delivery::Waiting => demo::working_days_before(calendar, Stage::date(stage.now), 1),
    };
    let again = matches!(story.delivery, Delivery::ReturnedOnce(_));
    let delivery = submit(stage, agency, signed.id, at(submitted, 10), again).await?;
    if story.delivery == Delivery::Waiting {
        return Ok(None);
    }
    let accepted = stage.after(submitted, 3, 15);
    let accept = deliveries::AcceptanceInput {
        accept: Some(true),
        reason: None,
    };
    deliveries::decide(stage.at(accepted)?, &people.applicant, delivery, accept).await?;
    Ok(Some(accepted))
}

/// One submission of deliverables at `when`; returns its id.
async fn submit(
    stage: &Stage,
    agency: &CurrentUser,
    contract_id: i64,
    when: DateTime<Utc>,
    again: bool,
) -> AppResult<i64> {
    let state = stage.at(when)?;
    let number = format!("contract {contract_id}");
    let file = upload(
        state,
        agency,
        if again {
            "成果报告（修改稿）.pdf"
        } else {
            "成果报告.pdf"
        },
        &["Deliverables: report, drawings and annexes", &number],
    )
    .await?;
    let summary = if again {
        "已按退回意见补充项目选址附图和现场照片，并逐项注明数据来源，请重新审阅。"
    } else {
        "提交服务成果：报告正文、附图及相关附件，已按合同约定完成内部校审，请验收。"
    };
    let input = deliveries::DeliveryInput {
        summary: Some(summary.to_owned()),
        attachment_ids: vec![file],
    };
    Ok(deliveries::submit(state, agency, contract_id, input)
        .await?
        .id)
}

/// The applicant's ratings two working days after acceptance, and the agency's reply a day later.
pub(super) async fn evaluate(
    stage: &Stage,
    people: &People,
    agency: &CurrentUser,
    contract_id: i64,
    accepted_on: NaiveDate,
    evaluation: Evaluation,
) -> AppResult<()> {
    let [quality, timeliness, fees, attitude] = evaluation.ratings.map(Some);
    let input = evaluations::EvaluationInput {
        quality,
        timeliness,
        fees,
        attitude,
        comment: evaluation.comment.to_owned(),
    };
    let state = stage.at(stage.after(accepted_on, 2, 11))?;
    let given = evaluations::evaluate(state, &people.applicant, contract_id, input).await?;
    if let Some(reply) = evaluation.reply {
        let state = stage.at(stage.after(accepted_on, 3, 10))?;
        let input = evaluations::ReplyInput {
            reply: Some(reply.to_owned()),
        };
        evaluations::reply(state, agency, given.id, input).await?;
    }
    Ok(())
}

/// The applicant lets the window pass: the scheduler's neutral default, an hour after it closed.
pub(super) async fn record_default(stage: &Stage, accepted: DateTime<Utc>) -> AppResult<()> {
    let window = crate::contracts::rules::EVALUATION_WORKING_DAYS;
    let when = stage.calendar.deadline_after(accepted, window) + chrono::Duration::hours(1);
    let state = stage.at(when)?.clone();
    let calendar = stage.calendar.clone();
    tokio::task::spawn_blocking(move || {
        evaluations::record_defaults(&state.db, when, &calendar, &state.settings.credit)
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))??;
    Ok(())
}

/// The applicant complains after acceptance; an administrator decides three working days later.
pub(super) async fn complain(
    stage: &Stage,
    people: &People,
    contract_id: i64,
    accepted_on: NaiveDate,
    complaint: Complaint,
) -> AppResult<()> {
    let state = stage.at(stage.after(accepted_on, 4, 10))?;
    let input = complaints::ComplaintInput {
        reason: Some(complaint.reason.to_owned()),
    };
    let filed = complaints::file(state, &people.applicant, contract_id, input).await?;
    let state = stage.at(stage.after(accepted_on, 7, 15))?;
    let decision = complaints::ComplaintDecision {
        decision: Some(
            if complaint.upheld {
                "uphold"
            } else {
                "dismiss"
            }
            .to_owned(),
        ),
        answer: Some(complaint.answer.to_owned()),
    };
    complaints::decide(state, &people.admin, filed.id, decision).await?;
    Ok(())
}

/// An administrator's reward on the agency's credit record, the way the
/// API and the agency's admin page record one.
pub(super) async fn reward(
    state: &AppState,
    admin: &CurrentUser,
    agency_id: i64,
    points: i32,
    reason: &str,
) -> AppResult<()> {
    use crate::supervision::credit_events::{record, CreditEventInput};
    let input = CreditEventInput {
        points: Some(points),
        reason: Some(reason.to_owned()),
        evidence_attachment_id: None,
    };
    // The answer is the new score, which the demo does not need.
    record(state, admin, agency_id, input).await?;
    Ok(())
}
