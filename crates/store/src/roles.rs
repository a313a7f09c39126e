//! Custom roles (the built-in Owner, Admin and Member are not stored) and who holds which role.

use crate::groups::MemberRecord;
use crate::{params, Conn, Error, FromRow, Result, Row};
use roster_domain::{AccountId, Privileges};
use time::OffsetDateTime;

/// A custom role as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleRecord {
    pub id: String,
    pub account_id: AccountId,
    pub name: String,
    pub description: String,
    pub privileges: Privileges,
    /// Settings groups the role is limited to; `None`: the whole account.
    pub group_scope: Option<Vec<String>>,
    pub created_at: OffsetDateTime,
}

impl FromRow for RoleRecord {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            id: r.text(0)?,
            account_id: r.parse(1, AccountId::parse)?,
            name: r.text(2)?,
            description: r.text(3)?,
            privileges: Privileges::parse(r.text(4)?.split(' '))
                .map_err(|e| Error::decode(4, e))?,
            group_scope: r.opt_text(5)?.map(|s| {
                s.split(' ')
                    .filter(|g| !g.is_empty())
                    .map(str::to_owned)
                    .collect()
            }),
            created_at: r.time(6)?,
        })
    }
}

const SELECT: &str =
    "SELECT id, account_id, name, description, privileges, group_scope, created_at FROM roles";

pub async fn list(conn: &mut Conn, account: &AccountId) -> Result<Vec<RoleRecord>> {
    conn.fetch_all(
        &format!("{SELECT} WHERE account_id = $1 ORDER BY name"),
        params![account.as_str()],
    )
    .await
}

pub async fn find(conn: &mut Conn, account: &AccountId, id: &str) -> Result<Option<RoleRecord>> {
    conn.fetch_optional(
        &format!("{SELECT} WHERE id = $1 AND account_id = $2"),
        params![id, account.as_str()],
    )
    .await
}

/// Whether another role of the account has this name.
pub async fn name_taken(
    conn: &mut Conn,
    account: &AccountId,
    name: &str,
    except: Option<&str>,
) -> Result<bool> {
    let found: Option<String> = conn
        .fetch_optional(
            "SELECT id FROM roles WHERE account_id = $1 AND name = $2",
            params![account.as_str(), name],
        )
        .await?;
    Ok(found.is_some_and(|id| Some(id.as_str()) != except))
}

fn scope_text(scope: &Option<Vec<String>>) -> Option<String> {
    scope.as_ref().map(|s| s.join(" "))
}

pub async fn insert(conn: &mut Conn, r: &RoleRecord) -> Result<()> {
    let privileges = r.privileges.to_string();
    let scope = scope_text(&r.group_scope);
    conn.execute(
        "INSERT INTO roles (id, account_id, name, description, privileges, group_scope, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        params![
            r.id.as_str(),
            r.account_id.as_str(),
            r.name.as_str(),
            r.description.as_str(),
            privileges.as_str(),
            scope.as_deref(),
            r.created_at,
        ],
    )
    .await
    .map(drop)
}

pub async fn update(conn: &mut Conn, r: &RoleRecord) -> Result<u64> {
    let privileges = r.privileges.to_string();
    let scope = scope_text(&r.group_scope);
    conn.execute(
        "UPDATE roles SET name = $1, description = $2, privileges = $3, group_scope = $4 \
         WHERE id = $5 AND account_id = $6",
        params![
            r.name.as_str(),
            r.description.as_str(),
            privileges.as_str(),
            scope.as_deref(),
            r.id.as_str(),
            r.account_id.as_str(),
        ],
    )
    .await
}

pub async fn delete(conn: &mut Conn, account: &AccountId, id: &str) -> Result<u64> {
    conn.execute(
        "DELETE FROM roles WHERE id = $1 AND account_id = $2",
        params![id, account.as_str()],
    )
    .await
}

/// How many users of the account hold each role, as `(role_id, count)`.
pub async fn member_counts(conn: &mut Conn, account: &AccountId) -> Result<Vec<(String, i64)>> {
    conn.fetch_all(
        "SELECT role_id, COUNT(*) FROM users WHERE account_id = $1 GROUP BY role_id",
        params![account.as_str()],
    )
    .await
}

/// A page of a role's holders ordered by email, after `after` (keyset).
pub async fn members(
    conn: &mut Conn,
    account: &AccountId,
    role: &str,
    after: &str,
    limit: u32,
) -> Result<Vec<MemberRecord>> {
    conn.fetch_all(
        "SELECT id, email, first_name, last_name, type FROM users \
         WHERE account_id = $1 AND role_id = $2 AND email > $3 ORDER BY email LIMIT $4",
        params![account.as_str(), role, after, i64::from(limit)],
    )
    .await
}
