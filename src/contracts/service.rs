//! Contracts: recording one for an awarded project, the other party's
//! confirmation or return, and amendments; each step journaled and told to
//! the other party.

use super::model::{AmendmentRow, ContractRow};
use super::rules::{
    next_contract_status, validate_amendment, validate_terms, AmendmentKind, Award, ContractAction,
    ContractStatus, Party, Terms,
};
use super::views::{AmendmentView, ContractView};
use crate::app::AppState;
use crate::calendar::WorkingCalendar;
use crate::db::schema::{
    agencies, attachments, contract_amendments, contracts, projects as project_rows, signups,
};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::projects::model::SignupRow;
use crate::projects::rules::ProjectStatus;
use crate::projects::selection::PriceTerms;
use crate::projects::service::{self as projects, Loaded};
use crate::supervision::{journal, Actor, Event, Publish};
use crate::web::auth::CurrentUser;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractInput {
    pub amount_fen: Option<i64>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub key_terms: Option<String>,
    /// The signed contract, uploaded first through `POST /api/v1/attachments`.
    pub file_attachment_id: Option<i64>,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// `true` confirms; `false` returns it (with `reason`).
    pub accept: Option<bool>,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AmendmentInput {
    /// `extension` (延期) or `amount` (金额变更).
    pub kind: Option<String>,
    pub new_end_date: Option<NaiveDate>,
    pub new_amount_fen: Option<i64>,
    pub reason: Option<String>,
}

/// The winning quote (中选价) of the confirmed winner, in fen.
pub fn winning_fen(loaded: &Loaded, winner: &SignupRow) -> i64 {
    match loaded.project.price_terms() {
        PriceTerms::Fixed { amount_fen } => amount_fen,
        PriceTerms::Amount { .. } => winner.quote_fen.unwrap_or(0),
        PriceTerms::Rate { base_fen, .. } => {
            let rate = i64::from(winner.quote_rate_bp.unwrap_or(0));
            base_fen.saturating_mul(10_000 - rate) / 10_000
        }
    }
}

fn winner(conn: &mut DbConnection, loaded: &Loaded) -> AppResult<SignupRow> {
    let id = loaded.state.winner_signup_id.ok_or(AppError::NotFound)?;
    Ok(signups::table
        .find(id)
        .select(SignupRow::as_select())
        .first(conn)?)
}

/// Which side of the project the user is on, if any.
fn party_of(
    conn: &mut DbConnection,
    loaded: &Loaded,
    winner: &SignupRow,
    user: &CurrentUser,
) -> AppResult<Option<Party>> {
    if user.user.id == loaded.project.applicant_user_id {
        return Ok(Some(Party::Applicant));
    }
    let owner: i64 = agencies::table
        .find(winner.agency_id)
        .select(agencies::owner_user_id)
        .first(conn)?;
    Ok((owner == user.user.id).then_some(Party::Agency))
}

/// The user on the other side from `party`, before a contract exists.
fn other_party_user(
    conn: &mut DbConnection,
    loaded: &Loaded,
    winner: &SignupRow,
    party: Party,
) -> AppResult<i64> {
    Ok(match party.other() {
        Party::Applicant => loaded.project.applicant_user_id,
        Party::Agency => agencies::table
            .find(winner.agency_id)
            .select(agencies::owner_user_id)
            .first(conn)?,
    })
}

/// Journals a step of a contract by the user who took it; public, so the
/// change feed and the OCDS releases see it.
pub(super) fn journal_contract(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    user: &CurrentUser,
    action: &'static str,
    contract_id: i64,
    detail: serde_json::Value,
) -> AppResult<()> {
    journal(
        conn,
        now,
        &Actor::user(user.user.id, &user.user.username),
        Event {
            action,
            entity_type: "contract",
            entity_id: contract_id.to_string(),
            detail,
        },
        Publish::Yes,
    )?;
    Ok(())
}

/// A contract with its project and who is who.
pub struct Parties {
    pub contract: ContractRow,
    pub loaded: Loaded,
    /// The caller's side, if it is a party.
    pub party: Option<Party>,
    pub applicant: i64,
    pub agency_owner: i64,
}

impl Parties {
    /// The user acting for a side of the contract.
    pub fn user_of(&self, party: Party) -> i64 {
        match party {
            Party::Applicant => self.applicant,
            Party::Agency => self.agency_owner,
        }
    }
}

/// The number of the project a contract belongs to, for the credit history
/// (`supervision::credit::Fact`).
pub fn project_number(conn: &mut DbConnection, contract_id: i64) -> AppResult<String> {
    let number: Option<String> = contracts::table
        .inner_join(project_rows::table)
        .filter(contracts::id.eq(contract_id))
        .select(project_rows::number)
        .first(conn)?;
    Ok(number.unwrap_or_default())
}

pub fn contract_parties(
    conn: &mut DbConnection,
    contract_id: i64,
    user: &CurrentUser,
) -> AppResult<Parties> {
    let contract = find_row(conn, contract_id)?;
    let loaded = projects::load(conn, contract.project_id)?;
    let agency_owner: i64 = agencies::table
        .find(contract.agency_id)
        .select(agencies::owner_user_id)
        .first(conn)?;
    let applicant = loaded.project.applicant_user_id;
    let party = if user.user.id == applicant {
        Some(Party::Applicant)
    } else if user.user.id == agency_owner {
        Some(Party::Agency)
    } else {
        None
    };
    Ok(Parties {
        contract,
        loaded,
        party,
        applicant,
        agency_owner,
    })
}

fn find_row(conn: &mut DbConnection, id: i64) -> AppResult<ContractRow> {
    contracts::table
        .find(id)
        .select(ContractRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)
}

pub fn view(conn: &mut DbConnection, row: &ContractRow) -> AppResult<ContractView> {
    let loaded = projects::load(conn, row.project_id)?;
    let signup: SignupRow = signups::table
        .find(row.signup_id)
        .select(SignupRow::as_select())
        .first(conn)?;
    let agency_name: String = agencies::table
        .find(row.agency_id)
        .select(agencies::name)
        .first(conn)?;
    let amendments = contract_amendments::table
        .filter(contract_amendments::contract_id.eq(row.id))
        .order(contract_amendments::id.asc())
        .select(AmendmentRow::as_select())
        .load(conn)?
        .iter()
        .map(amendment_view)
        .collect();
    Ok(ContractView {
        id: row.id,
        project_id: row.project_id,
        project_number: loaded.number(),
        agency_id: row.agency_id,
        agency_name,
        winning_fen: winning_fen(&loaded, &signup),
        amount_fen: row.amount_fen,
        start_date: row.start_date,
        end_date: row.end_date,
        key_terms: row.key_terms.clone(),
        file_attachment_id: row.file_attachment_id,
        status: row.status.clone(),
        status_label: row.status().label_zh().to_owned(),
        status_reason: row.status_reason.clone(),
        recorded_by_party: row.recorded_by_party.clone(),
        recorded_at: row.recorded_at.and_utc(),
        confirmed_at: row.confirmed_at.map(|t| t.and_utc()),
        completed_at: row.completed_at.map(|t| t.and_utc()),
        amendments,
        deliveries: super::deliveries::of_contract(conn, row.id)?,
    })
}

fn amendment_view(a: &AmendmentRow) -> AmendmentView {
    AmendmentView {
        id: a.id,
        kind: a.kind.clone(),
        new_end_date: a.new_end_date,
        new_amount_fen: a.new_amount_fen,
        reason: a.reason.clone(),
        proposed_by_party: a.proposed_by_party.clone(),
        status: a.status.clone(),
        status_reason: a.status_reason.clone(),
        decided_at: a.decided_at.map(|t| t.and_utc()),
        created_at: a.created_at.and_utc(),
    }
}

fn reason_of(reason: Option<&str>) -> AppResult<String> {
    let reason = reason.map(str::trim).unwrap_or_default();
    if !(2..=1000).contains(&reason.chars().count()) {
        return Err(AppError::invalid(
            "reason",
            "请说明理由（2–1000 字）。",
            "reason must have 2 to 1000 characters.",
        ));
    }
    Ok(reason.to_owned())
}

/// Either party records the contract of an awarded project, or records it
/// again after the other returned it.
pub async fn record_contract(
    state: &AppState,
    user: &CurrentUser,
    project_id: i64,
    input: ContractInput,
) -> AppResult<(bool, ContractView)> {
    let clock = state.clock.clone();
    let user = user.clone();
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            let loaded = projects::load(conn, project_id)?;
            if !projects::visible(&loaded, Some(&user)) {
                return Err(AppError::NotFound);
            }
            if loaded.status() != ProjectStatus::Awarded {
                return Err(AppError::conflict("只有已中选的项目可以录入合同。", "Only an awarded project takes a contract."));
            }
            let winner = winner(conn, &loaded)?;
            let Some(party) = party_of(conn, &loaded, &winner, &user)? else {
                return Err(AppError::Forbidden);
            };
            let awarded_on = WorkingCalendar::local_date(loaded.state.awarded_at.unwrap_or_default().and_utc());
            let award = Award { winning_fen: winning_fen(&loaded, &winner), awarded_on };
            let terms = Terms {
                amount_fen: input.amount_fen,
                start_date: input.start_date,
                end_date: input.end_date,
                key_terms: input.key_terms.clone(),
                file_attachment_id: input.file_attachment_id,
            };
            let errors = validate_terms(&terms, &award);
            if !errors.is_empty() {
                return Err(AppError::Invalid(errors));
            }
            let file = input.file_attachment_id.unwrap_or_default();
            let uploader: Option<i64> = attachments::table.find(file).select(attachments::uploaded_by).first(conn).optional()?;
            if uploader != Some(user.user.id) {
                return Err(AppError::invalid("file_attachment_id", "合同文件不存在或不是您上传的。", "The file does not exist or was not uploaded by you."));
            }
            let existing: Option<ContractRow> = contracts::table
                .filter(contracts::project_id.eq(project_id))
                .select(ContractRow::as_select())
                .first(conn)
                .optional()?;
            let key_terms = input.key_terms.as_deref().map(str::trim).unwrap_or_default().to_owned();
            let (id, created) = match existing {
                Some(row) => {
                    if next_contract_status(row.status(), ContractAction::Rerecord, row.recorded_by_party(), party).is_none() {
                        return Err(AppError::conflict("本项目已有合同：只有被退回的合同可以重新录入。", "The project has a contract; only a returned one may be recorded again."));
                    }
                    diesel::update(contracts::table.find(row.id))
                        .set((
                            contracts::recorded_by_party.eq(party.as_str()),
                            contracts::recorded_by.eq(user.user.id),
                            contracts::amount_fen.eq(input.amount_fen.unwrap_or_default()),
                            contracts::start_date.eq(input.start_date.unwrap_or_default()),
                            contracts::end_date.eq(input.end_date.unwrap_or_default()),
                            contracts::key_terms.eq(&key_terms),
                            contracts::file_attachment_id.eq(file),
                            contracts::status.eq(ContractStatus::Recorded.as_str()),
                            contracts::status_reason.eq(None::<String>),
                            contracts::recorded_at.eq(now.naive_utc()),
                            contracts::updated_at.eq(now.naive_utc()),
                        ))
                        .execute(conn)?;
                    (row.id, false)
                }
                None => {
                    let id: i64 = diesel::insert_into(contracts::table)
                        .values((
                            contracts::project_id.eq(project_id),
                            contracts::signup_id.eq(winner.id),
                            contracts::agency_id.eq(winner.agency_id),
                            contracts::recorded_by_party.eq(party.as_str()),
                            contracts::recorded_by.eq(user.user.id),
                            contracts::amount_fen.eq(input.amount_fen.unwrap_or_default()),
                            contracts::start_date.eq(input.start_date.unwrap_or_default()),
                            contracts::end_date.eq(input.end_date.unwrap_or_default()),
                            contracts::key_terms.eq(&key_terms),
                            contracts::file_attachment_id.eq(file),
                            contracts::status.eq(ContractStatus::Recorded.as_str()),
                            contracts::recorded_at.eq(now.naive_utc()),
                            contracts::created_at.eq(now.naive_utc()),
                            contracts::updated_at.eq(now.naive_utc()),
                        ))
                        .returning(contracts::id)
                        .get_result(conn)?;
                    (id, true)
                }
            };
            journal_contract(conn, now, &user, "contract.recorded", id, json!({ "project_id": project_id, "party": party.as_str(), "amount_fen": input.amount_fen, "start_date": input.start_date, "end_date": input.end_date }))?;
            let other = other_party_user(conn, &loaded, &winner, party)?;
            crate::messages::send(conn, now, other, "合同待确认", &format!("{}录入了项目“{}”的合同，请核对后确认或退回。", party.label_zh(), loaded.project.title), &loaded.link())?;
            let row = find_row(conn, id)?;
            Ok((created, view(conn, &row)?))
        })
        .await
}

/// The party that did not record the contract confirms it or returns it with a reason.
pub async fn decide_contract(
    state: &AppState,
    user: &CurrentUser,
    contract_id: i64,
    input: DecisionInput,
) -> AppResult<ContractView> {
    let Some(accept) = input.accept else {
        return Err(AppError::invalid(
            "accept",
            "请说明确认（true）还是退回（false）。",
            "accept (true or false) is required.",
        ));
    };
    let reason = if accept {
        None
    } else {
        Some(reason_of(input.reason.as_deref())?)
    };
    let clock = state.clock.clone();
    let user = user.clone();
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            let parties = contract_parties(conn, contract_id, &user)?;
            let Some(party) = parties.party else {
                return Err(AppError::NotFound);
            };
            let (row, loaded) = (&parties.contract, &parties.loaded);
            let action = if accept { ContractAction::Confirm } else { ContractAction::Return };
            let Some(next) = next_contract_status(row.status(), action, row.recorded_by_party(), party) else {
                return Err(AppError::conflict("合同当前不能由您确认或退回：须由录入方以外的一方处理待确认的合同。", "Only the other party may confirm or return a contract waiting for confirmation."));
            };
            diesel::update(contracts::table.find(contract_id))
                .set((
                    contracts::status.eq(next.as_str()),
                    contracts::status_reason.eq(&reason),
                    contracts::confirmed_at.eq(accept.then_some(now.naive_utc())),
                    contracts::updated_at.eq(now.naive_utc()),
                ))
                .execute(conn)?;
            let action = if accept { "contract.confirmed" } else { "contract.returned" };
            journal_contract(conn, now, &user, action, contract_id, json!({ "reason": reason }))?;
            let other = parties.user_of(party.other());
            let body = match &reason {
                None => format!("项目“{}”的合同已确认生效。", loaded.project.title),
                Some(r) => format!("项目“{}”的合同被退回：{r}", loaded.project.title),
            };
            crate::messages::send(conn, now, other, if accept { "合同已生效" } else { "合同被退回" }, &body, &loaded.link())?;
            let row = find_row(conn, contract_id)?;
            view(conn, &row)
        })
        .await
}

/// Either party proposes an amendment to a confirmed contract.
pub async fn propose_amendment(
    state: &AppState,
    user: &CurrentUser,
    contract_id: i64,
    input: AmendmentInput,
) -> AppResult<AmendmentView> {
    let Some(kind) = input.kind.as_deref().and_then(AmendmentKind::parse) else {
        return Err(AppError::invalid(
            "kind",
            "变更类型应为 extension（延期）或 amount（金额变更）。",
            "kind must be extension or amount.",
        ));
    };
    let reason = reason_of(input.reason.as_deref())?;
    let clock = state.clock.clone();
    let user = user.clone();
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            let parties = contract_parties(conn, contract_id, &user)?;
            let Some(party) = parties.party else {
                return Err(AppError::NotFound);
            };
            let (row, loaded) = (&parties.contract, &parties.loaded);
            if row.status() != ContractStatus::Confirmed {
                return Err(AppError::conflict("只有已生效的合同可以变更。", "Only a confirmed contract may be amended."));
            }
            let pending: i64 = contract_amendments::table
                .filter(contract_amendments::contract_id.eq(contract_id))
                .filter(contract_amendments::status.eq("proposed"))
                .count()
                .get_result(conn)?;
            if pending > 0 {
                return Err(AppError::conflict("已有一项变更待对方确认。", "An amendment is already waiting for confirmation."));
            }
            let errors = validate_amendment(kind, input.new_end_date, input.new_amount_fen, row.end_date, winning_fen(loaded, &winner(conn, loaded)?));
            if !errors.is_empty() {
                return Err(AppError::Invalid(errors));
            }
            let (end, amount) = match kind {
                AmendmentKind::Extension => (input.new_end_date, None),
                AmendmentKind::Amount => (None, input.new_amount_fen),
            };
            let id: i64 = diesel::insert_into(contract_amendments::table)
                .values((
                    contract_amendments::contract_id.eq(contract_id),
                    contract_amendments::kind.eq(kind.as_str()),
                    contract_amendments::new_end_date.eq(end),
                    contract_amendments::new_amount_fen.eq(amount),
                    contract_amendments::reason.eq(&reason),
                    contract_amendments::proposed_by_party.eq(party.as_str()),
                    contract_amendments::proposed_by.eq(user.user.id),
                    contract_amendments::status.eq("proposed"),
                    contract_amendments::created_at.eq(now.naive_utc()),
                ))
                .returning(contract_amendments::id)
                .get_result(conn)?;
            journal_contract(conn, now, &user, "contract.amendment_proposed", contract_id, json!({ "amendment_id": id, "kind": kind.as_str(), "new_end_date": end, "new_amount_fen": amount, "reason": reason }))?;
            let other = parties.user_of(party.other());
            crate::messages::send(conn, now, other, "合同变更待确认", &format!("{}提出项目“{}”的合同{}，请确认或退回。", party.label_zh(), loaded.project.title, kind.label_zh()), &loaded.link())?;
            let row: AmendmentRow = contract_amendments::table.find(id).select(AmendmentRow::as_select()).first(conn)?;
            Ok(amendment_view(&row))
        })
        .await
}

/// The other party confirms an amendment (it takes effect) or returns it.
pub async fn decide_amendment(
    state: &AppState,
    user: &CurrentUser,
    contract_id: i64,
    amendment_id: i64,
    input: DecisionInput,
) -> AppResult<ContractView> {
    let Some(accept) = input.accept else {
        return Err(AppError::invalid(
            "accept",
            "请说明确认（true）还是退回（false）。",
            "accept (true or false) is required.",
        ));
    };
    let reason = if accept {
        None
    } else {
        Some(reason_of(input.reason.as_deref())?)
    };
    let clock = state.clock.clone();
    let user = user.clone();
    state
        .db
        .write(move |conn| {
            let now = clock.now();
            let parties = contract_parties(conn, contract_id, &user)?;
            let Some(party) = parties.party else {
                return Err(AppError::NotFound);
            };
            let loaded = &parties.loaded;
            let amendment: AmendmentRow = contract_amendments::table
                .find(amendment_id)
                .filter(contract_amendments::contract_id.eq(contract_id))
                .select(AmendmentRow::as_select())
                .first(conn)
                .optional()?
                .ok_or(AppError::NotFound)?;
            if amendment.status != "proposed"
                || Party::parse(&amendment.proposed_by_party) == Some(party)
            {
                return Err(AppError::conflict(
                    "只有对方提出、待确认的变更可以由您确认或退回。",
                    "Only a pending amendment the other party proposed may be decided by you.",
                ));
            }
            diesel::update(contract_amendments::table.find(amendment_id))
                .set((
                    contract_amendments::status.eq(if accept { "confirmed" } else { "returned" }),
                    contract_amendments::status_reason.eq(&reason),
                    contract_amendments::decided_at.eq(now.naive_utc()),
                ))
                .execute(conn)?;
            if accept {
                if let Some(end) = amendment.new_end_date {
                    diesel::update(contracts::table.find(contract_id))
                        .set(contracts::end_date.eq(end))
                        .execute(conn)?;
                }
                if let Some(amount) = amendment.new_amount_fen {
                    diesel::update(contracts::table.find(contract_id))
                        .set(contracts::amount_fen.eq(amount))
                        .execute(conn)?;
                }
                diesel::update(contracts::table.find(contract_id))
                    .set(contracts::updated_at.eq(now.naive_utc()))
                    .execute(conn)?;
            }
            let action = if accept {
                "contract.amended"
            } else {
                "contract.amendment_returned"
            };
            journal_contract(
                conn,
                now,
                &user,
                action,
                contract_id,
                json!({ "amendment_id": amendment_id, "reason": reason }),
            )?;
            let other = parties.user_of(party.other());
            crate::messages::send(
                conn,
                now,
                other,
                if accept {
                    "合同变更已生效"
                } else {
                    "合同变更被退回"
                },
                &format!(
                    "项目“{}”的合同变更{}。",
                    loaded.project.title,
                    if accept {
                        "已确认生效"
                    } else {
                        "被退回"
                    }
                ),
                &loaded.link(),
            )?;
            let row = find_row(conn, contract_id)?;
            view(conn, &row)
        })
        .await
}

/// A contract, for its two parties and administrators.
pub async fn find(
    state: &AppState,
    user: &CurrentUser,
    contract_id: i64,
) -> AppResult<ContractView> {
    let user = user.clone();
    state
        .db
        .run(move |conn| {
            let parties = contract_parties(conn, contract_id, &user)?;
            let admin = user.role() == crate::accounts::Role::Admin;
            if !admin && parties.party.is_none() {
                return Err(AppError::NotFound);
            }
            view(conn, &parties.contract)
        })
        .await
}

/// Whether the user may read this attachment as a party of the contract it signs.
pub fn party_to_contract_file(
    conn: &mut DbConnection,
    attachment_id: i64,
    user: &CurrentUser,
) -> AppResult<bool> {
    if super::deliveries::party_to_delivery_file(conn, attachment_id, user)? {
        return Ok(true);
    }
    let ids: Vec<i64> = contracts::table
        .filter(contracts::file_attachment_id.eq(attachment_id))
        .select(contracts::id)
        .load(conn)?;
    for id in ids {
        if contract_parties(conn, id, user)?.party.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}
