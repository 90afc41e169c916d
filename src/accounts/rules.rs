//! Account rules as plain functions: what a valid registration is, and how
//! failed logins slow down and lock an account.

use super::model::Role;
use super::{password, uscc};
use crate::error::FieldError;
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde::Deserialize;
use std::time::Duration as StdDuration;
use utoipa::ToSchema;

/// What a client sends to register, before any checking.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct RegistrationInput {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub display_name: String,
    /// "applicant" (项目业主) or "agency" (中介机构用户)
    #[serde(default)]
    pub role: String,
    /// Absent for a natural person (自然人).
    #[serde(default)]
    pub organization: Option<OrganizationInput>,
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct OrganizationInput {
    #[serde(default)]
    pub name: String,
    /// 统一社会信用代码
    #[serde(default)]
    pub uscc: String,
}

/// A registration that passed every check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registration {
    pub username: String,
    pub password: String,
    pub display_name: String,
    pub role: Role,
    pub organization: Option<Organization>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Organization {
    pub name: String,
    pub uscc: String,
}

/// Lower-case letters, digits, `_ . -`, starting with a letter, 3–32 long.
pub fn normalize_username(raw: &str) -> Result<String, FieldError> {
    let name = raw.trim().to_lowercase();
    let length = name.chars().count();
    let allowed = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c));
    let starts_with_letter = name.chars().next().is_some_and(|c| c.is_ascii_lowercase());
    if !(3..=32).contains(&length) || !allowed || !starts_with_letter {
        return Err(FieldError::new(
            "username",
            "用户名需为3至32位，以字母开头，只能包含字母、数字、下划线、点和连字符。",
            "The user name must be 3 to 32 characters: a letter first, then letters, digits, '_', '.' or '-'.",
        ));
    }
    Ok(name)
}

pub fn validate_registration(
    input: &RegistrationInput,
    allow_admin: bool,
) -> Result<Registration, Vec<FieldError>> {
    let mut errors = Vec::new();
    let username = normalize_username(&input.username)
        .map_err(|e| errors.push(e))
        .ok();

    if let Some((zh, en)) =
        password::policy_violation(&input.password, username.as_deref().unwrap_or(""))
    {
        errors.push(FieldError::new("password", zh, en));
    }

    let display_name = input.display_name.trim().to_owned();
    if display_name.is_empty() || display_name.chars().count() > 50 {
        errors.push(FieldError::new(
            "display_name",
            "请填写姓名或称呼（不超过50个字）。",
            "The display name is required and must have at most 50 characters.",
        ));
    }

    let role = match Role::parse(input.role.trim()) {
        Some(Role::Admin) if !allow_admin => None,
        other => other,
    };
    if role.is_none() {
        errors.push(FieldError::new(
            "role",
            "请选择注册身份：项目业主（applicant）或中介机构（agency）。",
            "The role must be \"applicant\" or \"agency\".",
        ));
    }

    let organization = input.organization.as_ref().and_then(|org| {
        let name = org.name.trim().to_owned();
        let name_ok = (2..=100).contains(&name.chars().count());
        if !name_ok {
            errors.push(FieldError::new(
                "organization.name",
                "请填写单位名称（2至100个字）。",
                "The organisation name must have 2 to 100 characters.",
            ));
        }
        match uscc::parse(&org.uscc) {
            Ok(code) if name_ok => Some(Organization { name, uscc: code }),
            Ok(_) => None,
            Err(reason) => {
                let (zh, en) = reason.messages();
                errors.push(FieldError::new("organization.uscc", zh, en));
                None
            }
        }
    });

    match (username, role) {
        (Some(username), Some(role)) if errors.is_empty() => Ok(Registration {
            username,
            password: input.password.clone(),
            display_name,
            role,
            organization,
        }),
        _ => Err(errors),
    }
}

/// How failed logins are slowed down and when an account locks.
#[derive(Clone, Copy, Debug)]
pub struct LoginThrottle {
    /// Failures answered at full speed.
    pub free_failures: i32,
    /// Consecutive failures that lock the account.
    pub lock_after: i32,
    pub lock_for: Duration,
    /// Delay after the first slowed failure; it doubles with each further one.
    pub base_delay: StdDuration,
    pub max_delay: StdDuration,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle {
            free_failures: 2,
            lock_after: 5,
            lock_for: Duration::minutes(15),
            base_delay: StdDuration::from_millis(500),
            max_delay: StdDuration::from_secs(4),
        }
    }
}

/// An account's failure record after one more failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FailureRecord {
    pub failed_logins: i32,
    pub locked_until: Option<NaiveDateTime>,
    /// True when this failure is the one that locked the account.
    pub locked_now: bool,
}

impl LoginThrottle {
    pub fn is_locked(&self, locked_until: Option<NaiveDateTime>, now: DateTime<Utc>) -> bool {
        locked_until.is_some_and(|until| until > now.naive_utc())
    }

    /// Failures that still count: an expired lock starts the count afresh.
    pub fn live_failures(
        &self,
        failed_logins: i32,
        locked_until: Option<NaiveDateTime>,
        now: DateTime<Utc>,
    ) -> i32 {
        match locked_until {
            Some(until) if until <= now.naive_utc() => 0,
            _ => failed_logins,
        }
    }

    pub fn after_failure(&self, live_failures: i32, now: DateTime<Utc>) -> FailureRecord {
        let failed_logins = live_failures.saturating_add(1);
        let locked_now = failed_logins >= self.lock_after;
        FailureRecord {
            failed_logins,
            locked_until: locked_now.then(|| (now + self.lock_for).naive_utc()),
            locked_now,
        }
    }

    /// How long to hold the answer to a failed attempt.
    pub fn delay(&self, failed_logins: i32) -> StdDuration {
        let slowed = failed_logins - self.free_failures;
        if slowed <= 0 {
            return StdDuration::ZERO;
        }
        let factor = 1u32 << (slowed - 1).min(16) as u32;
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(role: &str, org: Option<(&str, &str)>) -> RegistrationInput {
        RegistrationInput {
            username: "Nanchang_Builder".into(),
            password: "a long enough secret".into(),
            display_name: " 南昌某建设单位 ".into(),
            role: role.into(),
            organization: org.map(|(name, uscc)| OrganizationInput {
                name: name.into(),
                uscc: uscc.into(),
            }),
        }
    }

    fn fields(result: Result<Registration, Vec<FieldError>>) -> Vec<String> {
        result.unwrap_err().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn an_organisation_registers_with_a_valid_code() {
        let reg = validate_registration(
            &input(
                "applicant",
                Some(("南昌某建设有限公司", "91360102ma35abcd40")),
            ),
            false,
        )
        .unwrap();
        assert_eq!(reg.username, "nanchang_builder");
        assert_eq!(reg.display_name, "南昌某建设单位");
        assert_eq!(reg.role, Role::Applicant);
        assert_eq!(reg.organization.unwrap().uscc, "91360102MA35ABCD40");
    }

    #[test]
    fn a_natural_person_registers_without_an_organisation() {
        assert!(validate_registration(&input("applicant", None), false).is_ok());
        assert!(validate_registration(&input("agency", None), false).is_ok());
    }

    #[test]
    fn each_bad_field_is_named() {
        let cases: Vec<(RegistrationInput, Vec<&str>)> = vec![
            (
                input(
                    "applicant",
                    Some(("南昌某建设有限公司", "91360102MA35ABCD41")),
                ),
                vec!["organization.uscc"],
            ),
            (
                input("applicant", Some(("某", "91360102MA35ABCD40"))),
                vec!["organization.name"],
            ),
            (input("admin", None), vec!["role"]),
            (input("boss", None), vec!["role"]),
            (
                RegistrationInput {
                    username: "1abc".into(),
                    ..input("agency", None)
                },
                vec!["username"],
            ),
            (
                RegistrationInput {
                    password: "short".into(),
                    ..input("agency", None)
                },
                vec!["password"],
            ),
            (
                RegistrationInput {
                    password: "nanchang_builder!!".into(),
                    ..input("agency", None)
                },
                vec!["password"],
            ),
            (
                RegistrationInput {
                    display_name: "  ".into(),
                    ..input("agency", None)
                },
                vec!["display_name"],
            ),
            (
                RegistrationInput::default(),
                vec!["username", "password", "display_name", "role"],
            ),
        ];
        for (case, expected) in cases {
            assert_eq!(fields(validate_registration(&case, false)), expected);
        }
    }

    #[test]
    fn admins_are_only_made_where_allowed() {
        assert_eq!(
            validate_registration(&input("admin", None), true)
                .unwrap()
                .role,
            Role::Admin
        );
    }

    #[test]
    fn failures_slow_down_then_lock() {
        let throttle = LoginThrottle::default();
        let now = DateTime::from_timestamp(1_772_000_000, 0).unwrap();
        let delays: Vec<u128> = (1..=7).map(|n| throttle.delay(n).as_millis()).collect();
        assert_eq!(delays, vec![0, 0, 500, 1000, 2000, 4000, 4000]);

        let fourth = throttle.after_failure(3, now);
        assert_eq!((fourth.failed_logins, fourth.locked_now), (4, false));
        let fifth = throttle.after_failure(4, now);
        assert!(fifth.locked_now);
        assert!(throttle.is_locked(fifth.locked_until, now + Duration::minutes(14)));
        assert!(!throttle.is_locked(fifth.locked_until, now + Duration::minutes(15)));
        assert_eq!(
            throttle.live_failures(5, fifth.locked_until, now + Duration::minutes(16)),
            0
        );
        assert_eq!(throttle.live_failures(5, fifth.locked_until, now), 5);
    }
}
