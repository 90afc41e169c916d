//! Registration, login and admin creation: validation by `rules`, hashing off
//! the executor, and one journaled transaction per change.

use super::model::{NewUser, Role, UserRow};
use super::rules::{self, Registration, RegistrationInput};
use super::{password, sessions, throttle};
use crate::app::AppState;
use crate::db::schema::users;
use crate::db::{Db, DbConnection};
use crate::error::{AppError, AppResult, FieldError};
use crate::supervision::{journal, Actor, Event, Publish};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::json;

fn username_taken() -> AppError {
    AppError::Invalid(vec![FieldError::new(
        "username",
        "该用户名已被使用，请换一个。",
        "This user name is already taken.",
    )])
}

async fn hash_password(secret: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || password::hash(&secret))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(AppError::Internal)
}

/// Inserts a validated registration and journals it, inside a write transaction.
pub fn insert_user(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    registration: &Registration,
    password_hash: &str,
    actor: Option<Actor>,
) -> AppResult<UserRow> {
    let exists: i64 = users::table
        .filter(users::username.eq(&registration.username))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Err(username_taken());
    }
    let organization = registration.organization.as_ref();
    let id: i64 = diesel::insert_into(users::table)
        .values(NewUser {
            username: &registration.username,
            display_name: &registration.display_name,
            role: registration.role.as_str(),
            organization_name: organization.map(|o| o.name.as_str()),
            organization_uscc: organization.map(|o| o.uscc.as_str()),
            password_hash,
            created_at: now.naive_utc(),
            updated_at: now.naive_utc(),
        })
        .returning(users::id)
        .get_result(conn)?;
    let actor = actor.unwrap_or_else(|| Actor::user(id, &registration.username));
    journal(
        conn,
        now,
        &actor,
        Event {
            action: "user.registered",
            entity_type: "user",
            entity_id: id.to_string(),
            detail: json!({
                "username": registration.username,
                "role": registration.role.as_str(),
                "organization_uscc": organization.map(|o| o.uscc.clone()),
            }),
        },
        Publish::No,
    )?;
    Ok(users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)?)
}

/// Self-service registration as applicant or agency user.
pub async fn register(state: &AppState, input: RegistrationInput) -> AppResult<UserRow> {
    let registration = rules::validate_registration(&input, false).map_err(AppError::Invalid)?;
    let hash = hash_password(registration.password.clone()).await?;
    let now = state.now();
    state
        .db
        .write(move |conn| insert_user(conn, now, &registration, &hash, None))
        .await
}

/// `zhongjie admin create`: the only way an administrator comes to be.
pub fn create_admin(
    db: &Db,
    now: DateTime<Utc>,
    username: &str,
    display_name: &str,
    secret: &str,
) -> AppResult<UserRow> {
    let input = RegistrationInput {
        username: username.to_owned(),
        password: secret.to_owned(),
        display_name: display_name.to_owned(),
        role: Role::Admin.as_str().to_owned(),
        organization: None,
    };
    let registration = rules::validate_registration(&input, true).map_err(AppError::Invalid)?;
    let hash = password::hash(&registration.password)?;
    db.write_now(|conn| insert_user(conn, now, &registration, &hash, Some(Actor::command_line())))
}

/// A successful login: the user and the new session's secret for the cookie.
pub struct LoggedIn {
    pub user: UserRow,
    pub session: sessions::NewSession,
}

/// Checks the password and opens a session. Every failure gives the same
/// answer after the same work and the same slow-down, whether the user
/// exists, the password is wrong or the name is locked.
pub async fn login(state: &AppState, username: &str, secret: &str) -> AppResult<LoggedIn> {
    let rules = state.settings.login_throttle;
    let now = state.now();
    let name = rules::normalize_username(username)
        .unwrap_or_else(|_| username.trim().to_lowercase().chars().take(64).collect());
    let lookup = name.clone();
    let (user, throttled) = state
        .db
        .run(move |conn| {
            let user = users::table
                .filter(users::username.eq(&lookup))
                .select(UserRow::as_select())
                .first(conn)
                .optional()?;
            Ok((user, throttle::state_of(conn, &lookup)?))
        })
        .await?;
    let locked = rules.is_locked(throttled.locked_until, now);

    let candidate = secret.to_owned();
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let password_ok = tokio::task::spawn_blocking(move || match stored {
        Some(phc) => password::verify(&candidate, &phc),
        None => {
            password::verify_against_dummy(&candidate);
            false
        }
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?;

    match user {
        Some(user) if password_ok && !locked => {
            let settings = state.settings.clone();
            state
                .db
                .write(move |conn| {
                    throttle::clear(conn, &user.username)?;
                    let session = sessions::create(conn, now, user.id, &settings)?;
                    journal(
                        conn,
                        now,
                        &Actor::user(user.id, &user.username),
                        Event {
                            action: "session.created",
                            entity_type: "user",
                            entity_id: user.id.to_string(),
                            detail: json!({ "session_id": session.id }),
                        },
                        Publish::No,
                    )?;
                    Ok(LoggedIn { user, session })
                })
                .await
        }
        user => {
            let user_id = user.map(|u| u.id);
            let failed = state
                .db
                .write(move |conn| record_failure(conn, now, &rules, &name, user_id, locked))
                .await?;
            tokio::time::sleep(rules.delay(failed)).await;
            Err(AppError::LoginFailed)
        }
    }
}

/// Journals a failed attempt and, unless the name is already locked, counts
/// it. Returns the failures that set the slow-down.
fn record_failure(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    rules: &rules::LoginThrottle,
    name: &str,
    user_id: Option<i64>,
    locked: bool,
) -> AppResult<i32> {
    let (entity_type, entity_id) = match user_id {
        Some(id) => ("user", id.to_string()),
        None => ("login", name.to_owned()),
    };
    let event = |conn: &mut DbConnection, action: &'static str, detail: serde_json::Value| {
        journal(
            conn,
            now,
            &Actor::anonymous(),
            Event {
                action,
                entity_type,
                entity_id: entity_id.clone(),
                detail,
            },
            Publish::No,
        )
    };
    if locked {
        event(conn, "login.refused_locked", json!({}))?;
        return Ok(throttle::state_of(conn, name)?.failed_logins);
    }
    let record = throttle::record_failure(conn, now, rules, name)?;
    let action = if user_id.is_some() {
        "login.failed"
    } else {
        "login.failed_unknown_user"
    };
    event(
        conn,
        action,
        json!({ "failed_logins": record.failed_logins }),
    )?;
    if record.locked_now {
        let until = record.locked_until.map(|t| t.and_utc().to_rfc3339());
        event(conn, "login.locked", json!({ "locked_until": until }))?;
    }
    Ok(record.failed_logins)
}

/// An administrator lifts a lock before it expires.
pub async fn unlock(state: &AppState, admin: Actor, user_id: i64) -> AppResult<()> {
    let now = state.now();
    state
        .db
        .write(move |conn| {
            let username: String = users::table
                .find(user_id)
                .select(users::username)
                .first(conn)
                .optional()?
                .ok_or(AppError::NotFound)?;
            throttle::clear(conn, &username)?;
            journal(
                conn,
                now,
                &admin,
                Event {
                    action: "user.unlocked",
                    entity_type: "user",
                    entity_id: user_id.to_string(),
                    detail: json!({}),
                },
                Publish::No,
            )?;
            Ok(())
        })
        .await
}

/// Changes a password after checking the current one, and ends every other
/// session of the user (the one making the change, if any, stays).
pub async fn change_password(
    state: &AppState,
    user: &UserRow,
    keep_session: Option<i64>,
    current: &str,
    new: &str,
) -> AppResult<()> {
    let mut errors = Vec::new();
    let (candidate, stored) = (current.to_owned(), user.password_hash.clone());
    let current_ok = tokio::task::spawn_blocking(move || password::verify(&candidate, &stored))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    if !current_ok {
        errors.push(FieldError::new(
            "current_password",
            "当前密码不正确。",
            "The current password is wrong.",
        ));
    }
    if let Some((zh, en)) = password::policy_violation(new, &user.username) {
        errors.push(FieldError::new("new_password", zh, en));
    } else if new == current {
        errors.push(FieldError::new(
            "new_password",
            "新密码不能与当前密码相同。",
            "The new password must differ from the current one.",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let hash = hash_password(new.to_owned()).await?;
    let now = state.now();
    let (user_id, username) = (user.id, user.username.clone());
    state
        .db
        .write(move |conn| {
            diesel::update(users::table.find(user_id))
                .set((
                    users::password_hash.eq(&hash),
                    users::updated_at.eq(now.naive_utc()),
                ))
                .execute(conn)?;
            let ended = sessions::delete_others(conn, user_id, keep_session)?;
            journal(
                conn,
                now,
                &Actor::user(user_id, &username),
                Event {
                    action: "user.password_changed",
                    entity_type: "user",
                    entity_id: user_id.to_string(),
                    detail: json!({ "sessions_ended": ended }),
                },
                Publish::No,
            )?;
            Ok(())
        })
        .await
}

pub async fn list_users(state: &AppState) -> AppResult<Vec<UserRow>> {
    state
        .db
        .run(|conn| {
            Ok(users::table
                .order(users::id.asc())
                .limit(500)
                .select(UserRow::as_select())
                .load(conn)?)
        })
        .await
}
