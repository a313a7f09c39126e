//! Groups: settings groups (a user is in at most one, `users.group_id`) and chat groups (a user
//! may be in many, `chat_group_members`). Scoped to an account in every query.

use crate::{params, Conn, FromRow, Result, Row};
use roster_domain::{AccountId, UserId};
use time::OffsetDateTime;

/// Which kind of group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupKind {
    Settings,
    Chat,
}

impl GroupKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Settings => "group",
            Self::Chat => "chat",
        }
    }
}

/// A group with its member count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRecord {
    pub id: String,
    pub account_id: AccountId,
    pub kind: GroupKind,
    pub name: String,
    pub total_members: i64,
    pub created_at: OffsetDateTime,
}

impl FromRow for GroupRecord {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            id: r.text(0)?,
            account_id: r.parse(1, AccountId::parse)?,
            kind: r.parse(2, |k| match k {
                "group" => Some(GroupKind::Settings),
                "chat" => Some(GroupKind::Chat),
                _ => None,
            })?,
            name: r.text(3)?,
            total_members: r.int(4)?,
            created_at: r.time(5)?,
        })
    }
}

const SELECT: &str = "SELECT g.id, g.account_id, g.kind, g.name, \
     CASE WHEN g.kind = 'group' THEN (SELECT COUNT(*) FROM users u WHERE u.group_id = g.id) \
          ELSE (SELECT COUNT(*) FROM chat_group_members m WHERE m.group_id = g.id) END, \
     g.created_at FROM groups g";

pub async fn list(
    conn: &mut Conn,
    account: &AccountId,
    kind: GroupKind,
) -> Result<Vec<GroupRecord>> {
    conn.fetch_all(
        &format!("{SELECT} WHERE g.account_id = $1 AND g.kind = $2 ORDER BY g.name"),
        params![account.as_str(), kind.as_str()],
    )
    .await
}

pub async fn find(
    conn: &mut Conn,
    account: &AccountId,
    kind: GroupKind,
    id: &str,
) -> Result<Option<GroupRecord>> {
    conn.fetch_optional(
        &format!("{SELECT} WHERE g.id = $1 AND g.account_id = $2 AND g.kind = $3"),
        params![id, account.as_str(), kind.as_str()],
    )
    .await
}

pub async fn name_taken(
    conn: &mut Conn,
    account: &AccountId,
    kind: GroupKind,
    name: &str,
) -> Result<bool> {
    let found: Option<String> = conn
        .fetch_optional(
            "SELECT id FROM groups WHERE account_id = $1 AND kind = $2 AND name = $3",
            params![account.as_str(), kind.as_str(), name],
        )
        .await?;
    Ok(found.is_some())
}

pub async fn insert(conn: &mut Conn, g: &GroupRecord) -> Result<()> {
    conn.execute(
        "INSERT INTO groups (id, account_id, kind, name, created_at) VALUES ($1, $2, $3, $4, $5)",
        params![
            g.id.as_str(),
            g.account_id.as_str(),
            g.kind.as_str(),
            g.name.as_str(),
            g.created_at
        ],
    )
    .await
    .map(drop)
}

pub async fn rename(conn: &mut Conn, account: &AccountId, id: &str, name: &str) -> Result<u64> {
    conn.execute(
        "UPDATE groups SET name = $1 WHERE id = $2 AND account_id = $3",
        params![name, id, account.as_str()],
    )
    .await
}

/// `users.chat_group_ids` without the group `$1` (ids never contain spaces).
const DROP_GROUP: &str = "TRIM(REPLACE(' ' || chat_group_ids || ' ', ' ' || $1 || ' ', ' '))";

/// Deletes a group; its members leave it, and it stops being the account's default.
pub async fn delete(conn: &mut Conn, account: &AccountId, id: &str) -> Result<u64> {
    crate::admin::forget_default_group(conn, account, id).await?;
    conn.execute(
        "UPDATE users SET group_id = NULL WHERE group_id = $1 AND account_id = $2",
        params![id, account.as_str()],
    )
    .await?;
    conn.execute(
        &format!(
            "UPDATE users SET chat_group_ids = {DROP_GROUP} WHERE id IN \
             (SELECT user_id FROM chat_group_members WHERE group_id = $1)"
        ),
        params![id],
    )
    .await?;
    conn.execute(
        "DELETE FROM chat_group_members WHERE group_id = $1",
        params![id],
    )
    .await?;
    conn.execute(
        "DELETE FROM groups WHERE id = $1 AND account_id = $2",
        params![id, account.as_str()],
    )
    .await
}

/// Puts a user in a settings group (leaving any other), or in a chat group.
pub async fn add_member(
    conn: &mut Conn,
    kind: GroupKind,
    group: &str,
    user: &UserId,
    at: OffsetDateTime,
) -> Result<bool> {
    match kind {
        GroupKind::Settings => Ok(conn
            .execute(
                "UPDATE users SET group_id = $1, updated_at = $2 WHERE id = $3 AND (group_id IS NULL OR group_id <> $1)",
                params![group, at, user.as_str()],
            )
            .await?
            == 1),
        GroupKind::Chat => {
            let exists: Option<i64> = conn
                .fetch_optional(
                    "SELECT 1 FROM chat_group_members WHERE group_id = $1 AND user_id = $2",
                    params![group, user.as_str()],
                )
                .await?;
            if exists.is_some() {
                return Ok(false);
            }
            conn.execute(
                "INSERT INTO chat_group_members (group_id, user_id, added_at) VALUES ($1, $2, $3)",
                params![group, user.as_str(), at],
            )
            .await?;
            conn.execute(
                "UPDATE users SET chat_group_ids = TRIM(chat_group_ids || ' ' || $1) WHERE id = $2",
                params![group, user.as_str()],
            )
            .await?;
            Ok(true)
        }
    }
}

/// Takes a user out of a group; `false` when they were not in it.
pub async fn remove_member(
    conn: &mut Conn,
    kind: GroupKind,
    group: &str,
    user: &UserId,
) -> Result<bool> {
    let n = match kind {
        GroupKind::Settings => {
            conn.execute(
                "UPDATE users SET group_id = NULL WHERE id = $1 AND group_id = $2",
                params![user.as_str(), group],
            )
            .await?
        }
        GroupKind::Chat => {
            conn.execute(
                &format!("UPDATE users SET chat_group_ids = {DROP_GROUP} WHERE id = $2"),
                params![group, user.as_str()],
            )
            .await?;
            conn.execute(
                "DELETE FROM chat_group_members WHERE group_id = $1 AND user_id = $2",
                params![group, user.as_str()],
            )
            .await?
        }
    };
    Ok(n == 1)
}

/// A member, as group member lists show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRecord {
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub user_type: i64,
}

impl FromRow for MemberRecord {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            id: r.text(0)?,
            email: r.text(1)?,
            first_name: r.text(2)?,
            last_name: r.text(3)?,
            user_type: r.int(4)?,
        })
    }
}

/// A page of members ordered by email, after `after` (keyset).
pub async fn members(
    conn: &mut Conn,
    kind: GroupKind,
    group: &str,
    after: &str,
    limit: u32,
) -> Result<Vec<MemberRecord>> {
    let sql = match kind {
        GroupKind::Settings => {
            "SELECT id, email, first_name, last_name, type FROM users \
             WHERE group_id = $1 AND email > $2 ORDER BY email LIMIT $3"
        }
        GroupKind::Chat => {
            "SELECT u.id, u.email, u.first_name, u.last_name, u.type FROM chat_group_members m \
             JOIN users u ON u.id = m.user_id WHERE m.group_id = $1 AND u.email > $2 ORDER BY u.email LIMIT $3"
        }
    };
    conn.fetch_all(sql, params![group, after, i64::from(limit)])
        .await
}

/// Removes a user from every chat group (before the user is deleted or leaves the account).
pub async fn leave_chat_groups(conn: &mut Conn, user: &UserId) -> Result<u64> {
    conn.execute(
        "UPDATE users SET chat_group_ids = '' WHERE id = $1",
        params![user.as_str()],
    )
    .await?;
    conn.execute(
        "DELETE FROM chat_group_members WHERE user_id = $1",
        params![user.as_str()],
    )
    .await
}
