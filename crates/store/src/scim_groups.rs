//! Settings groups as SCIM sees them: with `external_id`, `version` and `updated_at`
//! (migration 0023), and membership changes done as set-based statements over a list of user
//! ids passed as one JSON array parameter, so adding or removing 10,000 members is a handful
//! of statements, not 10,000 round trips. Scoped to an account in every query.

use crate::{params, Backend, Conn, FromRow, Result, Row};
use roster_domain::AccountId;
use time::OffsetDateTime;

/// A settings group with what SCIM shows of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimGroupRecord {
    pub id: String,
    pub name: String,
    pub external_id: Option<String>,
    /// Bumped by every change, membership included (by triggers on `users`, whoever moves a
    /// user).
    pub version: i64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub total_members: i64,
}

impl FromRow for ScimGroupRecord {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            id: r.text(0)?,
            name: r.text(1)?,
            external_id: r.opt_text(2)?,
            version: r.int(3)?,
            created_at: r.time(4)?,
            updated_at: r.time(5)?,
            total_members: r.int(6)?,
        })
    }
}

const SELECT: &str = "SELECT g.id, g.name, g.external_id, g.version, g.created_at, \
     COALESCE(g.updated_at, g.created_at), \
     (SELECT COUNT(*) FROM users u WHERE u.group_id = g.id) FROM groups g";

/// Every settings group of the account, by name.
pub async fn list(conn: &mut Conn, account: &AccountId) -> Result<Vec<ScimGroupRecord>> {
    conn.fetch_all(
        &format!("{SELECT} WHERE g.account_id = $1 AND g.kind = 'group' ORDER BY g.name"),
        params![account.as_str()],
    )
    .await
}

pub async fn find(
    conn: &mut Conn,
    account: &AccountId,
    id: &str,
) -> Result<Option<ScimGroupRecord>> {
    conn.fetch_optional(
        &format!("{SELECT} WHERE g.id = $1 AND g.account_id = $2 AND g.kind = 'group'"),
        params![id, account.as_str()],
    )
    .await
}

/// Whether another settings group of the account has this external id.
pub async fn external_id_taken(
    conn: &mut Conn,
    account: &AccountId,
    external_id: &str,
    except: &str,
) -> Result<bool> {
    let found: Option<String> = conn
        .fetch_optional(
            "SELECT id FROM groups WHERE account_id = $1 AND kind = 'group' \
             AND external_id = $2 AND id <> $3",
            params![account.as_str(), external_id, except],
        )
        .await?;
    Ok(found.is_some())
}

/// Stores the SCIM attributes of a group (created by `groups::insert`): name, external id,
/// and a new version.
pub async fn update(
    conn: &mut Conn,
    account: &AccountId,
    id: &str,
    name: &str,
    external_id: Option<&str>,
    at: OffsetDateTime,
) -> Result<u64> {
    conn.execute(
        "UPDATE groups SET name = $1, external_id = $2, version = version + 1, updated_at = $3 \
         WHERE id = $4 AND account_id = $5 AND kind = 'group'",
        params![name, external_id, at, id, account.as_str()],
    )
    .await
}

/// The ids of a JSON array parameter as rows of one column `v` (JSON functions differ).
fn ids(backend: Backend, param: &str) -> String {
    match backend {
        Backend::Sqlite => format!("(SELECT value AS v FROM json_each({param}))"),
        Backend::Postgres => format!("(SELECT json_array_elements_text({param}::json) AS v)"),
    }
}

/// The first id of `user_ids` (a JSON array of strings) that is not a user of the account.
pub async fn first_unknown_user(
    conn: &mut Conn,
    account: &AccountId,
    user_ids: &str,
) -> Result<Option<String>> {
    let sql = format!(
        "SELECT i.v FROM {} i WHERE NOT EXISTS \
         (SELECT 1 FROM users u WHERE u.id = i.v AND u.account_id = $2) LIMIT 1",
        ids(conn.backend(), "$1")
    );
    conn.fetch_optional(&sql, params![user_ids, account.as_str()])
        .await
}

/// A member joining or leaving: id and email, for its event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberKey {
    pub id: String,
    pub email: String,
}

impl FromRow for MemberKey {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            id: r.text(0)?,
            email: r.text(1)?,
        })
    }
}

/// Which users a set-based change touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Among {
    /// The users listed.
    Listed,
    /// The users not listed.
    Unlisted,
}

impl Among {
    fn op(self) -> &'static str {
        match self {
            Self::Listed => "IN",
            Self::Unlisted => "NOT IN",
        }
    }
}

/// The listed users of the account who are not yet in `group`.
pub async fn joining(
    conn: &mut Conn,
    account: &AccountId,
    group: &str,
    user_ids: &str,
) -> Result<Vec<MemberKey>> {
    let sql = format!(
        "SELECT id, email FROM users WHERE account_id = $1 AND id IN {} \
         AND (group_id IS NULL OR group_id <> $3) ORDER BY id",
        ids(conn.backend(), "$2")
    );
    conn.fetch_all(&sql, params![account.as_str(), user_ids, group])
        .await
}

/// Puts the listed users of the account in `group` (leaving any other); returns how many moved.
pub async fn move_in(
    conn: &mut Conn,
    account: &AccountId,
    group: &str,
    user_ids: &str,
    at: OffsetDateTime,
) -> Result<u64> {
    let sql = format!(
        "UPDATE users SET group_id = $1, updated_at = $2 WHERE account_id = $3 AND id IN {} \
         AND (group_id IS NULL OR group_id <> $1)",
        ids(conn.backend(), "$4")
    );
    conn.execute(&sql, params![group, at, account.as_str(), user_ids])
        .await
}

/// The members of `group` among (or not among) the listed users.
pub async fn leaving(
    conn: &mut Conn,
    group: &str,
    user_ids: &str,
    among: Among,
) -> Result<Vec<MemberKey>> {
    let sql = format!(
        "SELECT id, email FROM users WHERE group_id = $1 AND id {} {} ORDER BY id",
        among.op(),
        ids(conn.backend(), "$2")
    );
    conn.fetch_all(&sql, params![group, user_ids]).await
}

/// Takes the members of `group` among (or not among) the listed users out of it.
pub async fn move_out(
    conn: &mut Conn,
    group: &str,
    user_ids: &str,
    among: Among,
    at: OffsetDateTime,
) -> Result<u64> {
    let sql = format!(
        "UPDATE users SET group_id = NULL, updated_at = $1 WHERE group_id = $2 AND id {} {}",
        among.op(),
        ids(conn.backend(), "$3")
    );
    conn.execute(&sql, params![at, group, user_ids]).await
}

/// A member as a SCIM group lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
}

impl FromRow for MemberRow {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            id: r.text(0)?,
            email: r.text(1)?,
            first_name: r.text(2)?,
            last_name: r.text(3)?,
        })
    }
}

/// One page of a group's members, by email after `after` (keyset, on `users_group_email`).
pub async fn members_page(
    conn: &mut Conn,
    group: &str,
    after: &str,
    limit: i64,
) -> Result<Vec<MemberRow>> {
    conn.fetch_all(
        "SELECT id, email, first_name, last_name FROM users \
         WHERE group_id = $1 AND email > $2 ORDER BY email LIMIT $3",
        params![group, after, limit],
    )
    .await
}

/// The settings group of each listed user of the account who has one: `(user id, group id)`.
pub async fn groups_of(
    conn: &mut Conn,
    account: &AccountId,
    user_ids: &str,
) -> Result<Vec<(String, String)>> {
    let sql = format!(
        "SELECT id, group_id FROM users WHERE account_id = $1 AND group_id IS NOT NULL \
         AND id IN {}",
        ids(conn.backend(), "$2")
    );
    conn.fetch_all(&sql, params![account.as_str(), user_ids])
        .await
}
