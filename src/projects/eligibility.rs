//! Who may take part in a project: an admitted, unsuspended agency with a
//! published offering for the item, holding the valid qualifications the
//! project asks for, and not on its avoid list. The rule is a plain function;
//! the rest gathers its facts.

use super::input::QualificationMode;
use super::model::ProjectRow;
use super::service::{avoidances_of, requirements_of, Loaded};
use crate::agencies::model::{AgencyRow, QualificationRow};
use crate::agencies::rules::AgencyStatus;
use crate::catalog::model::split_levels;
use crate::catalog::rules::{HeldQualification, Requirement};
use crate::catalog::service as catalog;
use crate::db::schema::{agencies, offerings, qualifications};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::offerings::live::LiveContext;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

/// The facts that decide whether an agency may take part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    pub agency_status: AgencyStatus,
    pub live_offering: bool,
    pub qualified: bool,
    /// The reason, when the project avoids the agency.
    pub avoided: Option<String>,
}

/// Why an agency may not take part; empty when it may. (Chinese, English.)
pub fn refusals(f: &Facts) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if f.agency_status != AgencyStatus::Admitted {
        out.push((
            format!(
                "机构当前状态为“{}”，只有已入驻且未被暂停的机构可以报名。",
                f.agency_status.label_zh()
            ),
            "Only admitted agencies that are not suspended may take part.".to_owned(),
        ));
    }
    if !f.live_offering {
        out.push((
            "机构没有已发布的该事项服务。".to_owned(),
            "The agency has no published offering for this service item.".to_owned(),
        ));
    }
    if !f.qualified {
        out.push((
            "机构不具备项目要求的有效资质。".to_owned(),
            "The agency lacks the valid qualifications the project requires.".to_owned(),
        ));
    }
    if let Some(reason) = &f.avoided {
        out.push((
            format!("机构在本项目的回避名单中：{reason}"),
            "The project avoids this agency.".to_owned(),
        ));
    }
    out
}

/// 具备其一: any requirement met; 全部具备: every one; 承诺即可: none needed.
pub fn project_qualified(
    mode: QualificationMode,
    requirements: &[Requirement],
    held: &[HeldQualification],
) -> bool {
    let met = |r: &Requirement| held.iter().any(|h| r.met_by(h));
    match mode {
        QualificationMode::Promise => true,
        QualificationMode::Any => requirements.iter().any(met),
        QualificationMode::All => !requirements.is_empty() && requirements.iter().all(met),
    }
}

fn project_requirements(conn: &mut DbConnection, project_id: i64) -> AppResult<Vec<Requirement>> {
    let types = catalog::types_by_id(conn)?;
    Ok(requirements_of(conn, project_id)?
        .into_iter()
        .map(|r| Requirement {
            qualification_type_id: r.qualification_type_id,
            levels: types
                .get(&r.qualification_type_id)
                .map(|t| split_levels(&t.levels))
                .unwrap_or_default(),
            min_level: r.min_level,
        })
        .collect())
}

pub fn facts(
    conn: &mut DbConnection,
    project: &ProjectRow,
    agency: &AgencyRow,
    now: DateTime<Utc>,
) -> AppResult<Facts> {
    let has_published: bool = offerings::table
        .filter(offerings::agency_id.eq(agency.id))
        .filter(offerings::service_item_id.eq(project.service_item_id))
        .filter(offerings::status.eq("published"))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    let live = has_published
        && LiveContext::load(conn, &[agency.id], now)?.live(
            "published",
            agency.id,
            project.service_item_id,
        );
    let held: Vec<HeldQualification> = qualifications::table
        .filter(qualifications::agency_id.eq(agency.id))
        .select(QualificationRow::as_select())
        .load(conn)?
        .into_iter()
        .filter(|q| q.valid_at(now))
        .map(|q| HeldQualification {
            qualification_type_id: q.qualification_type_id,
            level: q.level,
        })
        .collect();
    let mode =
        QualificationMode::parse(&project.qualification_mode).unwrap_or(QualificationMode::Any);
    let requirements = project_requirements(conn, project.id)?;
    let avoided = avoidances_of(conn, project.id)?
        .into_iter()
        .find(|a| a.agency_id == agency.id)
        .map(|a| a.reason);
    Ok(Facts {
        agency_status: agency.status_at(now),
        live_offering: live,
        qualified: project_qualified(mode, &requirements, &held) && agency.commitment_accepted,
        avoided,
    })
}

pub fn agency(conn: &mut DbConnection, agency_id: i64) -> AppResult<AgencyRow> {
    agencies::table
        .find(agency_id)
        .select(AgencyRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)
}

/// Refuses, with every reason, an agency that may not take part.
pub fn require(
    conn: &mut DbConnection,
    project: &ProjectRow,
    agency_id: i64,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let agency = agency(conn, agency_id)?;
    let reasons = refusals(&facts(conn, project, &agency, now)?);
    if reasons.is_empty() {
        return Ok(());
    }
    let (zh, en): (Vec<String>, Vec<String>) = reasons.into_iter().unzip();
    Err(AppError::Conflict {
        zh: format!("“{}”不能参与本项目：{}", agency.name, zh.join("")),
        en: en.join(" "),
    })
}

/// Whether the agency may take part, without the reasons.
pub fn eligible(
    conn: &mut DbConnection,
    project: &ProjectRow,
    agency: &AgencyRow,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    Ok(refusals(&facts(conn, project, agency, now)?).is_empty())
}

/// Tells agencies with a live offering for the item that an announcement is out.
pub fn announce(conn: &mut DbConnection, now: DateTime<Utc>, loaded: &Loaded) -> AppResult<()> {
    let avoided: Vec<i64> = avoidances_of(conn, loaded.id())?
        .into_iter()
        .map(|a| a.agency_id)
        .collect();
    let ids = crate::offerings::service::agencies_with_live_offering(
        conn,
        loaded.project.service_item_id,
        now,
    )?;
    let owners: Vec<(i64, i64)> = agencies::table
        .filter(agencies::id.eq_any(&ids))
        .select((agencies::id, agencies::owner_user_id))
        .load(conn)?;
    let deadline = crate::web::format_time(loaded.project.signup_deadline);
    for (_, owner) in owners.into_iter().filter(|(id, _)| !avoided.contains(id)) {
        crate::messages::send(
            conn,
            now,
            owner,
            "新的采购公告",
            &format!(
                "您提供的服务事项有新的采购公告“{}”（{}），报名截止 {deadline}。",
                loaded.project.title,
                loaded.number()
            ),
            &loaded.link(),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn requirement(id: i64, min: Option<&str>) -> Requirement {
        Requirement {
            qualification_type_id: id,
            levels: vec!["甲级".into(), "乙级".into()],
            min_level: min.map(str::to_owned),
        }
    }

    fn held(id: i64, level: &str) -> HeldQualification {
        HeldQualification {
            qualification_type_id: id,
            level: Some(level.into()),
        }
    }

    #[test]
    fn any_of_all_of_and_promise() {
        let reqs = [requirement(1, Some("甲级")), requirement(2, None)];
        let cases = [
            (QualificationMode::Any, vec![held(2, "乙级")], true),
            (QualificationMode::Any, vec![held(1, "乙级")], false),
            (QualificationMode::All, vec![held(2, "乙级")], false),
            (
                QualificationMode::All,
                vec![held(1, "甲级"), held(2, "乙级")],
                true,
            ),
            (QualificationMode::Promise, vec![], true),
        ];
        for (mode, held, expected) in cases {
            assert_eq!(
                project_qualified(mode, &reqs, &held),
                expected,
                "{mode:?} {held:?}"
            );
        }
    }

    #[test]
    fn every_reason_to_refuse_is_named() {
        let ok = Facts {
            agency_status: AgencyStatus::Admitted,
            live_offering: true,
            qualified: true,
            avoided: None,
        };
        assert!(refusals(&ok).is_empty());
        let suspended = Facts {
            agency_status: AgencyStatus::Suspended,
            ..ok.clone()
        };
        assert_eq!(refusals(&suspended).len(), 1);
        let everything = Facts {
            agency_status: AgencyStatus::Expelled,
            live_offering: false,
            qualified: false,
            avoided: Some("关联单位".into()),
        };
        assert_eq!(refusals(&everything).len(), 4);
    }
}
