//! Reading the approval record: an investment project, its approval items
//! with the departments' states, and the intermediary steps each waits for.
//! Who may read it: the approval system (scope `approvals:read`),
//! administrators, and the applicants of the owner organisation or of a
//! marketplace project carrying the code.

use super::clients::{Caller, READ};
use super::model::{ApprovalRow, InvestmentProjectRow, StepRow};
use super::rules::{ready_to_file, waiting_for, ApprovalState, ItemProgress, StepStatus};
use super::views::*;
use crate::accounts::Role;
use crate::app::AppState;
use crate::db::schema::{
    agencies, approval_items, divisions, intermediary_steps, investment_approvals,
    investment_projects, projects, service_items, users,
};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::web::auth::CurrentUser;
use diesel::prelude::*;

pub fn find_row(conn: &mut DbConnection, code: &str) -> AppResult<InvestmentProjectRow> {
    investment_projects::table
        .filter(investment_projects::code.eq(code.trim()))
        .select(InvestmentProjectRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)
}

/// Whether an applicant may read this record: their organisation owns it,
/// or one of their marketplace projects carries its code.
pub fn applicant_sees(
    conn: &mut DbConnection,
    row: &InvestmentProjectRow,
    user: &CurrentUser,
) -> AppResult<bool> {
    if user.role() != Role::Applicant {
        return Ok(false);
    }
    let uscc: Option<String> = users::table
        .find(user.user.id)
        .select(users::organization_uscc)
        .first(conn)?;
    if uscc.is_some() && uscc == row.owner_uscc {
        return Ok(true);
    }
    let carrying: i64 = projects::table
        .filter(projects::applicant_user_id.eq(user.user.id))
        .filter(projects::investment_code.eq(&row.code))
        .count()
        .get_result(conn)?;
    Ok(carrying > 0)
}

/// Reading rights, with not-found for those who may not know it exists.
pub fn check_read(
    conn: &mut DbConnection,
    row: &InvestmentProjectRow,
    caller: &Caller,
) -> AppResult<()> {
    match caller {
        Caller::Client(_) => caller.require_scope(READ),
        Caller::User(u) if u.role() == Role::Admin => Ok(()),
        Caller::User(u) if applicant_sees(conn, row, u)? => Ok(()),
        Caller::User(_) => Err(AppError::NotFound),
    }
}

pub fn project_view(
    conn: &mut DbConnection,
    row: &InvestmentProjectRow,
) -> AppResult<InvestmentProjectView> {
    let region_name: String = divisions::table
        .find(&row.region_code)
        .select(divisions::name)
        .first(conn)
        .optional()?
        .unwrap_or_default();
    Ok(InvestmentProjectView {
        code: row.code.clone(),
        name: row.name.clone(),
        owner_name: row.owner_name.clone(),
        owner_uscc: row.owner_uscc.clone(),
        region: RegionRef {
            code: row.region_code.clone(),
            name: region_name,
        },
        scale: row.scale.clone(),
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
    })
}

fn step_view(conn: &mut DbConnection, s: &StepRow) -> AppResult<StepView> {
    let (item_code, item_name): (String, String) = service_items::table
        .find(s.service_item_id)
        .select((service_items::code, service_items::name))
        .first(conn)?;
    let project = match s.project_id {
        Some(id) => {
            let loaded = crate::projects::service::load(conn, id)?;
            Some(MarketProjectRef {
                id,
                number: loaded.number(),
                title: loaded.project.title.clone(),
                status: loaded.status().as_str().to_owned(),
                status_label: loaded.status().label_zh().to_owned(),
            })
        }
        None => None,
    };
    let agency = match s.agency_id {
        Some(id) => Some(AgencyRef {
            id,
            name: agencies::table
                .find(id)
                .select(agencies::name)
                .first(conn)?,
        }),
        None => None,
    };
    let status = StepStatus::parse(&s.status).unwrap_or(StepStatus::Open);
    Ok(StepView {
        id: s.id,
        service_item: CodeRef {
            id: s.service_item_id,
            code: item_code,
            name: item_name,
        },
        status: status.as_str().to_owned(),
        status_label: status.label_zh().to_owned(),
        project,
        linked_by: s.linked_by.clone(),
        agency,
        contract_id: s.contract_id,
        delivery_id: s.delivery_id,
        completed_at: s.completed_at.map(|t| t.and_utc()),
        deliverable_sha256: s.deliverable_sha256.clone(),
    })
}

pub fn item_view(conn: &mut DbConnection, a: &ApprovalRow) -> AppResult<ApprovalItemView> {
    let (code, name, department): (String, String, String) = approval_items::table
        .find(a.approval_item_id)
        .select((
            approval_items::code,
            approval_items::name,
            approval_items::department,
        ))
        .first(conn)?;
    let rows: Vec<StepRow> = intermediary_steps::table
        .filter(intermediary_steps::investment_approval_id.eq(a.id))
        .order(intermediary_steps::id.asc())
        .select(StepRow::as_select())
        .load(conn)?;
    let steps = rows
        .iter()
        .map(|s| step_view(conn, s))
        .collect::<AppResult<Vec<_>>>()?;
    let state = ApprovalState::parse(&a.state).unwrap_or(ApprovalState::NotFiled);
    let progress = ItemProgress {
        code: code.clone(),
        state,
        steps: rows
            .iter()
            .map(|s| StepStatus::parse(&s.status).unwrap_or(StepStatus::Open))
            .collect(),
    };
    Ok(ApprovalItemView {
        code,
        name,
        department,
        state: state.as_str().to_owned(),
        state_label: state.label_zh().to_owned(),
        state_note: a.state_note.clone(),
        state_changed_at: a.state_changed_at.and_utc(),
        waiting_for: waiting_for(&progress),
        ready_to_file: ready_to_file(&progress),
        steps,
    })
}

pub fn record_view(
    conn: &mut DbConnection,
    row: &InvestmentProjectRow,
) -> AppResult<ApprovalRecordView> {
    let approvals: Vec<ApprovalRow> = investment_approvals::table
        .inner_join(approval_items::table)
        .filter(investment_approvals::investment_project_id.eq(row.id))
        .order(approval_items::sort_order.asc())
        .select(ApprovalRow::as_select())
        .load(conn)?;
    let items = approvals
        .iter()
        .map(|a| item_view(conn, a))
        .collect::<AppResult<Vec<_>>>()?;
    let intermediary_complete = items.iter().all(|i| i.waiting_for == 0);
    Ok(ApprovalRecordView {
        investment_project: project_view(conn, row)?,
        items,
        intermediary_complete,
    })
}

pub async fn find(
    state: &AppState,
    caller: &Caller,
    code: &str,
) -> AppResult<InvestmentProjectView> {
    let (caller, code) = (caller.clone(), code.to_owned());
    state
        .db
        .run(move |conn| {
            let row = find_row(conn, &code)?;
            check_read(conn, &row, &caller)?;
            project_view(conn, &row)
        })
        .await
}

pub async fn record(
    state: &AppState,
    caller: &Caller,
    code: &str,
) -> AppResult<ApprovalRecordView> {
    let (caller, code) = (caller.clone(), code.to_owned());
    state
        .db
        .run(move |conn| {
            let row = find_row(conn, &code)?;
            check_read(conn, &row, &caller)?;
            record_view(conn, &row)
        })
        .await
}

/// The investment projects a person may read: all for administrators, the
/// applicant's own otherwise. Newest first.
pub async fn list_for(state: &AppState, user: &CurrentUser) -> AppResult<Vec<ApprovalRecordView>> {
    let user = user.clone();
    state
        .db
        .run(move |conn| {
            let rows: Vec<InvestmentProjectRow> = investment_projects::table
                .order(investment_projects::updated_at.desc())
                .select(InvestmentProjectRow::as_select())
                .load(conn)?;
            let mut out = Vec::new();
            for row in rows {
                let readable = user.role() == Role::Admin || applicant_sees(conn, &row, &user)?;
                if readable {
                    out.push(record_view(conn, &row)?);
                }
            }
            Ok(out)
        })
        .await
}
