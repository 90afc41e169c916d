//! Registration, login and admin creation: validation by `rules`, hashing off
//! the executor, and one journaled transaction per change.

use super::model::{NewUser, Role, UserRow};
use super::rules::{self, Registration, RegistrationInput};
use super::{password, sessions};
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
            failed_logins: 0,
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

enum Attempt {
    Unknown,
    Locked(UserRow),
    Known(UserRow),
}

/// Checks the password and opens a session. Every failure gives the same
/// answer after the same work, whether the user exists, the password is wrong
/// or the account is locked.
pub async fn login(state: &AppState, username: &str, secret: &str) -> AppResult<LoggedIn> {
    let throttle = state.settings.login_throttle;
    let now = state.now();
    let name =
        rules::normalize_username(username).unwrap_or_else(|_| username.trim().to_lowercase());
    let lookup = name.clone();
    let attempt = state
        .db
        .run(move |conn| {
            let user = users::table
                .filter(users::username.eq(&lookup))
                .select(UserRow::as_select())
                .first(conn)
                .optional()?;
            Ok(match user {
                None => Attempt::Unknown,
                Some(user) if throttle.is_locked(user.locked_until, now) => Attempt::Locked(user),
                Some(user) => Attempt::Known(user),
            })
        })
        .await?;

    let candidate = secret.to_owned();
    let stored = match &attempt {
        Attempt::Known(user) | Attempt::Locked(user) => Some(user.password_hash.clone()),
        Attempt::Unknown => None,
    };
    let password_ok = tokio::task::spawn_blocking(move || match stored {
        Some(phc) => password::verify(&candidate, &phc),
        None => {
            password::verify_against_dummy(&candidate);
            false
        }
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?;

    match attempt {
        Attempt::Known(user) if password_ok => {
            let settings = state.settings.clone();
            state
                .db
                .write(move |conn| {
                    diesel::update(users::table.find(user.id))
                        .set((
                            users::failed_logins.eq(0),
                            users::locked_until.eq(None::<chrono::NaiveDateTime>),
                        ))
                        .execute(conn)?;
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
                    let user = users::table
                        .find(user.id)
                        .select(UserRow::as_select())
                        .first(conn)?;
                    Ok(LoggedIn { user, session })
                })
                .await
        }
        Attempt::Known(user) => {
            let failed = state
                .db
                .write(move |conn| record_failure(conn, now, &throttle, user.id))
                .await?;
            tokio::time::sleep(throttle.delay(failed)).await;
            Err(AppError::LoginFailed)
        }
        Attempt::Locked(user) => {
            state
                .db
                .write(move |conn| {
                    journal(
                        conn,
                        now,
                        &Actor::anonymous(),
                        Event {
                            action: "login.refused_locked",
                            entity_type: "user",
                            entity_id: user.id.to_string(),
                            detail: json!({}),
                        },
                        Publish::No,
                    )?;
                    Ok(())
                })
                .await?;
            tokio::time::sleep(throttle.delay(user.failed_logins)).await;
            Err(AppError::LoginFailed)
        }
        Attempt::Unknown => {
            state
                .db
                .write(move |conn| {
                    journal(
                        conn,
                        now,
                        &Actor::anonymous(),
                        Event {
                            action: "login.failed_unknown_user",
                            entity_type: "login",
                            entity_id: name.chars().take(64).collect(),
                            detail: json!({}),
                        },
                        Publish::No,
                    )?;
                    Ok(())
                })
                .await?;
            Err(AppError::LoginFailed)
        }
    }
}

/// Counts one more failure from fresh data in the transaction; locks when due.
fn record_failure(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    throttle: &rules::LoginThrottle,
    user_id: i64,
) -> AppResult<i32> {
    let user = users::table
        .find(user_id)
        .select(UserRow::as_select())
        .first(conn)?;
    let live = throttle.live_failures(user.failed_logins, user.locked_until, now);
    let record = throttle.after_failure(live, now);
    diesel::update(users::table.find(user_id))
        .set((
            users::failed_logins.eq(record.failed_logins),
            users::locked_until.eq(record
                .locked_until
                .or(user.locked_until.filter(|_| live > 0))),
        ))
        .execute(conn)?;
    let actor = Actor::anonymous();
    journal(
        conn,
        now,
        &actor,
        Event {
            action: "login.failed",
            entity_type: "user",
            entity_id: user_id.to_string(),
            detail: json!({ "failed_logins": record.failed_logins }),
        },
        Publish::No,
    )?;
    if record.locked_now {
        journal(
            conn,
            now,
            &actor,
            Event {
                action: "user.locked",
                entity_type: "user",
                entity_id: user_id.to_string(),
                detail: json!({ "locked_until": record.locked_until.map(|t| t.and_utc().to_rfc3339()) }),
            },
            Publish::No,
        )?;
    }
    Ok(record.failed_logins)
}

/// An administrator lifts a lock before it expires.
pub async fn unlock(state: &AppState, admin: Actor, user_id: i64) -> AppResult<()> {
    let now = state.now();
    state
        .db
        .write(move |conn| {
            let updated = diesel::update(users::table.find(user_id))
                .set((
                    users::failed_logins.eq(0),
                    users::locked_until.eq(None::<chrono::NaiveDateTime>),
                ))
                .execute(conn)?;
            if updated == 0 {
                return Err(AppError::NotFound);
            }
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
