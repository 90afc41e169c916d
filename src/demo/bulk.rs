//! Batch inserts for `seed generate`: many rows per statement, on the
//! backend's own connection (`on_backend!`), `ROWS_PER_STATEMENT` at a time so
//! a statement stays well under SQLite's and PostgreSQL's bind limits. The
//! structs keep `None` as NULL: a DEFAULT would make SQLite insert row by row.

use crate::db::schema::{
    agencies, agency_regions, offering_regions, offerings, qualifications, users,
};
use crate::db::{on_backend, DbConnection};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

/// 500 rows × at most 17 columns: 8,500 binds per statement.
const ROWS_PER_STATEMENT: usize = 500;

#[derive(Insertable)]
#[diesel(table_name = users, treat_none_as_default_value = false)]
pub struct NewUser<'a> {
    pub username: String,
    pub display_name: &'a str,
    pub role: &'a str,
    pub organization_name: Option<&'a str>,
    pub organization_uscc: Option<&'a str>,
    pub password_hash: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = agencies, treat_none_as_default_value = false)]
pub struct NewAgency<'a> {
    pub owner_user_id: i64,
    pub name: &'a str,
    pub uscc: &'a str,
    pub legal_representative: &'a str,
    pub region_code: &'a str,
    pub address: &'a str,
    pub contact_name: &'a str,
    pub contact_phone: &'a str,
    pub contact_email: &'a str,
    pub business_scope: &'a str,
    pub commitment_accepted: bool,
    pub status: &'a str,
    pub submitted_at: Option<NaiveDateTime>,
    pub admitted_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = qualifications, treat_none_as_default_value = false)]
pub struct NewQualification<'a> {
    pub agency_id: i64,
    pub qualification_type_id: i64,
    pub level: Option<&'a str>,
    pub certificate_no: &'a str,
    pub issuer: &'a str,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    pub status: &'a str,
    pub verified_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = offerings, treat_none_as_default_value = false)]
pub struct NewOffering<'a> {
    pub agency_id: i64,
    pub service_item_id: i64,
    pub title: &'a str,
    pub description: &'a str,
    pub whole_province: bool,
    pub price_basis: &'a str,
    pub price_min_fen: Option<i64>,
    pub price_max_fen: Option<i64>,
    pub discount_min_permille: Option<i32>,
    pub discount_max_permille: Option<i32>,
    pub promised_days: i32,
    pub example_projects: String,
    pub status: &'a str,
    pub published_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = agency_regions)]
pub struct NewAgencyRegion<'a> {
    pub agency_id: i64,
    pub division_code: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = offering_regions)]
pub struct NewOfferingRegion<'a> {
    pub offering_id: i64,
    pub division_code: &'a str,
}

/// Inserts users; returns (id, username) of each, in no promised order.
pub fn users(conn: &mut DbConnection, rows: &[NewUser]) -> QueryResult<Vec<(i64, String)>> {
    let mut out = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        out.extend(
            on_backend!(&mut *conn, c => diesel::insert_into(users::table)
            .values(chunk)
            .returning((users::id, users::username))
            .get_results::<(i64, String)>(c))?,
        );
    }
    Ok(out)
}

/// Inserts agencies; returns (id, owner_user_id) of each.
pub fn agencies(conn: &mut DbConnection, rows: &[NewAgency]) -> QueryResult<Vec<(i64, i64)>> {
    let mut out = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        out.extend(
            on_backend!(&mut *conn, c => diesel::insert_into(agencies::table)
            .values(chunk)
            .returning((agencies::id, agencies::owner_user_id))
            .get_results::<(i64, i64)>(c))?,
        );
    }
    Ok(out)
}

/// Inserts offerings; returns (id, agency_id, service_item_id) of each.
pub fn offerings(
    conn: &mut DbConnection,
    rows: &[NewOffering],
) -> QueryResult<Vec<(i64, i64, i64)>> {
    let mut out = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        out.extend(
            on_backend!(&mut *conn, c => diesel::insert_into(offerings::table)
            .values(chunk)
            .returning((offerings::id, offerings::agency_id, offerings::service_item_id))
            .get_results::<(i64, i64, i64)>(c))?,
        );
    }
    Ok(out)
}

pub fn qualifications(conn: &mut DbConnection, rows: &[NewQualification]) -> QueryResult<()> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        on_backend!(&mut *conn, c => diesel::insert_into(qualifications::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

pub fn agency_regions(conn: &mut DbConnection, rows: &[NewAgencyRegion]) -> QueryResult<()> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        on_backend!(&mut *conn, c => diesel::insert_into(agency_regions::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

pub fn offering_regions(conn: &mut DbConnection, rows: &[NewOfferingRegion]) -> QueryResult<()> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        on_backend!(&mut *conn, c => diesel::insert_into(offering_regions::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}
