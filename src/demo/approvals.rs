//! The demo's parallel approval record: one investment project of yezhu's
//! organisation whose approval items wait for the services of its contracts —
//! done where the work was accepted, under way where it is still being
//! delivered, and one still waiting for an agency. Sent the way the
//! approval system sends it, and linked by the applicant's hand, through the
//! services.

use super::stage::{acting_as, UserFilter};
use crate::app::AppState;
use crate::approvals::clients::Caller;
use crate::approvals::rules::{ApprovalItemInput, InvestmentProjectInput};
use crate::approvals::service::{self as approvals, LinkInput};
use crate::db::schema::{
    approval_item_services, approval_items, contracts, intermediary_steps, investment_approvals,
    investment_projects, projects, service_items,
};
use crate::db::settings;
use crate::error::AppResult;
use anyhow::anyhow;
use diesel::prelude::*;

const MARKER: &str = "demo_approvals_seed";
/// The demo investment project's 投资项目代码 (current layout, 东湖区).
pub const CODE: &str = "2509-360102-04-01-000128";

/// Seeds the record once; returns whether it did now.
pub async fn seed(state: &AppState) -> anyhow::Result<bool> {
    let done = state
        .db
        .run(|conn| Ok(settings::get(conn, MARKER)?.is_some()))
        .await
        .map_err(|e| anyhow!("{e}"))?;
    if done {
        return Ok(false);
    }
    build(state)
        .await
        .map_err(|e| anyhow!("seeding the demo approval record: {e}"))?;
    state
        .db
        .write(|conn| Ok(settings::put(conn, MARKER, "2026-11-29.1")?))
        .await
        .map_err(|e| anyhow!("{e}"))?;
    Ok(true)
}

/// yezhu's contracted projects: (project, service item id, its code), oldest first.
type Contracted = Vec<(i64, i64, String)>;

async fn build(state: &AppState) -> AppResult<()> {
    let (admin, applicant, contracted, wanted) = state
        .db
        .run(|conn| {
            let admin = acting_as(conn, UserFilter::Name("admin"))?;
            let applicant = acting_as(conn, UserFilter::Name("yezhu"))?;
            let contracted: Contracted = contracts::table
                .inner_join(projects::table.inner_join(service_items::table))
                .filter(projects::applicant_user_id.eq(applicant.user.id))
                .filter(contracts::status.ne("terminated"))
                .order(projects::id.asc())
                .select((projects::id, service_items::id, service_items::code))
                .load(conn)?;
            let mut wanted: Vec<ApprovalItemInput> = Vec::new();
            for (_, item, code) in &contracted {
                let approval: Option<String> = approval_item_services::table
                    .inner_join(approval_items::table)
                    .filter(approval_item_services::service_item_id.eq(item))
                    .order(approval_items::sort_order.asc())
                    .select(approval_items::code)
                    .first(conn)
                    .optional()?;
                let Some(approval) = approval else { continue };
                match wanted.iter_mut().find(|w| w.code == approval) {
                    Some(w) => {
                        let services = w.services.get_or_insert_with(Vec::new);
                        if !services.contains(code) {
                            services.push(code.clone());
                        }
                    }
                    None => wanted.push(ApprovalItemInput {
                        code: approval,
                        services: Some(vec![code.clone()]),
                    }),
                }
            }
            Ok((admin, applicant, contracted, wanted))
        })
        .await?;
    let mut items = wanted;
    // One item waits for a service nobody has been chosen for yet (环评,
    // else 水保, else 地震安评 — whichever the contracts do not cover).
    let waiting = [("SP05", "ZJ005"), ("SP06", "ZJ007"), ("SP21", "ZJ039")]
        .into_iter()
        .find(|(code, _)| !items.iter().any(|i| i.code == *code));
    if let Some((code, service)) = waiting {
        items.push(ApprovalItemInput {
            code: code.into(),
            services: Some(vec![service.into()]),
        });
    }
    let input = InvestmentProjectInput {
        name: Some("青山湖区某安置房及配套设施项目".into()),
        owner_name: Some("南昌某建设有限公司".into()),
        owner_uscc: Some("91360102MA35ABCD40".into()),
        region_code: Some("360102".into()),
        scale: Some("总投资 2.6 亿元，总建筑面积约 12 万平方米".into()),
        approval_items: items,
    };
    approvals::put(state, &Caller::User(admin), CODE, input).await?;
    for (project, item, _) in contracted {
        let open: Option<i64> = state
            .db
            .run(move |conn| {
                Ok(intermediary_steps::table
                    .inner_join(investment_approvals::table.inner_join(investment_projects::table))
                    .filter(investment_projects::code.eq(CODE))
                    .filter(intermediary_steps::service_item_id.eq(item))
                    .filter(intermediary_steps::status.eq("open"))
                    .select(intermediary_steps::id)
                    .first(conn)
                    .optional()?)
            })
            .await?;
        if let Some(step) = open {
            let input = LinkInput {
                project_id: Some(project),
            };
            approvals::link_by_hand(state, &applicant, CODE, step, input).await?;
        }
    }
    Ok(())
}
