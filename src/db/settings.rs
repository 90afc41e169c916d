//! Small named values the server keeps in the database, so every node that
//! shares the database shares them (the form-signing key, seed versions).

use super::schema::settings;
use super::DbConnection;
use diesel::prelude::*;

pub fn get(conn: &mut DbConnection, name: &str) -> QueryResult<Option<String>> {
    settings::table
        .filter(settings::name.eq(name))
        .select(settings::value)
        .first(conn)
        .optional()
}

pub fn put(conn: &mut DbConnection, name: &str, value: &str) -> QueryResult<()> {
    let updated = diesel::update(settings::table.filter(settings::name.eq(name)))
        .set(settings::value.eq(value))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(settings::table)
            .values((settings::name.eq(name), settings::value.eq(value)))
            .execute(conn)?;
    }
    Ok(())
}
