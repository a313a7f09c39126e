//! What SCIM keeps of a user beyond the REST profile (`externalId`, the enterprise extension's
//! `employeeNumber` and `manager`, the row's `version`), the filtered and sorted SCIM list, the
//! account's SCIM delete action, and which app a token belongs to (for the audit trail).

use super::{scim_filter, UserRecord};
use crate::{params, Conn, Error, FromRow, Param, Result, Row};
use roster_domain::scim::{AttrPath, Filter};
use roster_domain::{AccountId, UserId};

/// A user with their SCIM fields.
#[derive(Debug, Clone)]
pub struct ScimUserRecord {
    pub user: UserRecord,
    pub external_id: Option<String>,
    pub employee_number: String,
    pub manager_id: Option<String>,
    /// Bumped (by a trigger) on every update of the row: the ETag.
    pub version: i64,
}

impl FromRow for ScimUserRecord {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            user: UserRecord::from_row(r)?,
            external_id: r.opt_text(31)?,
            employee_number: r.text(32)?,
            manager_id: r.opt_text(33)?,
            version: r.int(34)?,
        })
    }
}

macro_rules! select_scim {
    () => {
        concat!(
            "SELECT ",
            columns!(),
            ", external_id, employee_number, manager_id, version FROM users"
        )
    };
}

/// A user of `account` with their SCIM fields.
pub async fn find(
    conn: &mut Conn,
    account: &AccountId,
    id: &UserId,
) -> Result<Option<ScimUserRecord>> {
    conn.fetch_optional(
        concat!(select_scim!(), " WHERE id = $1 AND account_id = $2"),
        params![id.as_str(), account.as_str()],
    )
    .await
}

/// The user of `account` whose `externalId` is `external_id`.
pub async fn find_by_external_id(
    conn: &mut Conn,
    account: &AccountId,
    external_id: &str,
) -> Result<Option<UserId>> {
    let id: Option<String> = conn
        .fetch_optional(
            "SELECT id FROM users WHERE account_id = $1 AND external_id = $2",
            params![account.as_str(), external_id],
        )
        .await?;
    Ok(id.map(UserId::from_stored))
}

/// Writes a user's SCIM fields. A taken `externalId` fails with [`Error::Unique`].
pub async fn set_fields(
    conn: &mut Conn,
    account: &AccountId,
    id: &UserId,
    external_id: Option<&str>,
    employee_number: &str,
    manager_id: Option<&str>,
) -> Result<bool> {
    let n = conn
        .execute(
            "UPDATE users SET external_id = $1, employee_number = $2, manager_id = $3 \
             WHERE id = $4 AND account_id = $5",
            params![
                external_id,
                employee_number,
                manager_id,
                id.as_str(),
                account.as_str()
            ],
        )
        .await?;
    Ok(n == 1)
}

/// Whether `e` is the unique violation of `(account_id, external_id)` (SQLite names its
/// columns, PostgreSQL the index).
pub fn is_external_id_taken(e: &Error) -> bool {
    e.is_unique("users.account_id, users.external_id") || e.is_unique("users_account_external_id")
}

/// A SCIM list query.
#[derive(Debug, Clone)]
pub struct ScimQuery<'a> {
    pub account: &'a AccountId,
    pub filter: Option<&'a Filter>,
    pub sort_by: Option<&'a AttrPath>,
    pub descending: bool,
    /// 0-based.
    pub offset: u64,
    /// 0: count only.
    pub limit: u32,
}

/// A page of a SCIM list and how many users match in all.
#[derive(Debug, Clone)]
pub struct ScimPage {
    pub total: i64,
    pub users: Vec<ScimUserRecord>,
}

/// Runs a SCIM list: one COUNT and (unless `limit` is 0) one page query, both on the
/// account's rows with the filter as bound SQL. An attribute Roster cannot filter or sort on
/// is [`scim_filter::Unsupported`], before any query runs.
pub async fn list(
    conn: &mut Conn,
    q: &ScimQuery<'_>,
) -> Result<std::result::Result<ScimPage, scim_filter::Unsupported>> {
    let compiled = match q.filter {
        Some(f) => match scim_filter::compile(conn.backend(), f, 2) {
            Ok(c) => Some(c),
            Err(e) => return Ok(Err(e)),
        },
        None => None,
    };
    let order = match q.sort_by {
        Some(p) => match scim_filter::sort_expr(p) {
            Ok(e) => Some(e),
            Err(e) => return Ok(Err(e)),
        },
        None => None,
    };
    let mut cond = String::from(" WHERE account_id = $1");
    if let Some(c) = &compiled {
        cond.push_str(" AND ");
        cond.push_str(&c.sql);
    }
    let mut params: Vec<Param<'_>> = vec![q.account.as_str().into()];
    if let Some(c) = &compiled {
        params.extend(c.params.iter().map(scim_filter::Bound::param));
    }
    let total: i64 = conn
        .fetch_one(&format!("SELECT COUNT(*) FROM users{cond}"), &params)
        .await?;
    if q.limit == 0 {
        return Ok(Ok(ScimPage {
            total,
            users: Vec::new(),
        }));
    }
    let dir = if q.descending { "DESC" } else { "ASC" };
    let order = match order {
        Some(e) => format!(" ORDER BY {e} {dir}, id {dir}"),
        None => format!(" ORDER BY id {dir}"),
    };
    let n = params.len();
    let sql = format!(
        "{}{cond}{order} LIMIT ${} OFFSET ${}",
        select_scim!(),
        n + 1,
        n + 2
    );
    params.push(i64::from(q.limit).into());
    params.push(i64::try_from(q.offset).unwrap_or(i64::MAX).into());
    let users = conn.fetch_all(&sql, &params).await?;
    Ok(Ok(ScimPage { total, users }))
}

/// What `DELETE /scim2/Users/{id}` does in `account`: `delete` or `disassociate`.
pub async fn delete_action(conn: &mut Conn, account: &AccountId) -> Result<String> {
    conn.fetch_one(
        "SELECT scim_delete_action FROM accounts WHERE id = $1",
        params![account.as_str()],
    )
    .await
}

/// Sets the account's SCIM delete action.
pub async fn set_delete_action(conn: &mut Conn, account: &AccountId, action: &str) -> Result<bool> {
    let n = conn
        .execute(
            "UPDATE accounts SET scim_delete_action = $1 WHERE id = $2",
            params![action, account.as_str()],
        )
        .await?;
    Ok(n == 1)
}

/// The client id and name of the app a live token (by hash) was issued to.
pub async fn app_of_token(conn: &mut Conn, token_hash: &str) -> Result<Option<(String, String)>> {
    conn.fetch_optional(
        "SELECT a.client_id, a.name FROM oauth_tokens t JOIN oauth_apps a ON a.id = t.app_id \
         WHERE t.token_hash = $1",
        params![token_hash],
    )
    .await
}
