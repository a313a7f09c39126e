//! Account-wide changes to many users at once, each one set-based statement (or a few), so they
//! cost the same whether an account has a hundred users or a hundred thousand: a type change for
//! every user of one type, the account's defaults for new users, and moving every user of one
//! group (or of none) into another. `user_counts` stay exact in the caller's transaction.

use crate::{params, Backend, Conn, FromRow, Result, Row};
use roster_domain::bulk::Affected;
use roster_domain::{AccountId, UserStatus, UserType};
use time::OffsetDateTime;

/// Users an account-wide action leaves alone: the Owner and Admins (custom roles are included).
const NOT_ADMIN: &str = "role_id NOT IN ('0', '1')";

struct StatusCount {
    status: UserStatus,
    n: i64,
    large_meeting: i64,
    webinar: i64,
}

impl FromRow for StatusCount {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            status: r.parse(0, UserStatus::parse)?,
            n: r.int(1)?,
            large_meeting: r.int(2)?,
            webinar: r.int(3)?,
        })
    }
}

fn affected(rows: &[StatusCount]) -> Affected {
    let mut a = Affected::default();
    for r in rows {
        if r.status == UserStatus::Inactive {
            a.inactive += r.n;
        } else {
            a.holders += r.n;
            a.large_meeting_holders += r.large_meeting;
            a.webinar_holders += r.webinar;
        }
    }
    a
}

/// Gives every user of type `from` in the account, but the Owner and Admins, type `to`; with
/// `drop_add_ons`, their Large Meeting and Webinar add-ons go. Returns who was moved, counted
/// by seat holding, with the add-ons they held before. The seats are the caller's business.
pub async fn change_type_all(
    conn: &mut Conn,
    account: &AccountId,
    from: UserType,
    to: UserType,
    drop_add_ons: bool,
    at: OffsetDateTime,
) -> Result<Affected> {
    let add_ons = if drop_add_ons {
        ", large_meeting_capacity = NULL, webinar_capacity = NULL"
    } else {
        ""
    };
    let rows: Vec<StatusCount> = match conn.backend() {
        // SQLite has one writer (BEGIN IMMEDIATE), so counting and then updating with the same
        // condition touches exactly the rows counted.
        Backend::Sqlite => {
            let rows = conn
                .fetch_all(
                    &format!(
                        "SELECT status, COUNT(*), \
                         SUM(CASE WHEN large_meeting_capacity IS NULL THEN 0 ELSE 1 END), \
                         SUM(CASE WHEN webinar_capacity IS NULL THEN 0 ELSE 1 END) \
                         FROM users WHERE account_id = $1 AND type = $2 AND {NOT_ADMIN} GROUP BY status"
                    ),
                    params![account.as_str(), from.code()],
                )
                .await?;
            conn.execute(
                &format!(
                    "UPDATE users SET type = $1, updated_at = $2{add_ons} \
                     WHERE account_id = $3 AND type = $4 AND {NOT_ADMIN}"
                ),
                params![to.code(), at, account.as_str(), from.code()],
            )
            .await?;
            rows
        }
        // PostgreSQL may run other writers meanwhile: count exactly the rows the UPDATE changed,
        // with their add-ons as they were (the self-join keeps the old row).
        Backend::Postgres => {
            conn.fetch_all(
                &format!(
                    "WITH changed AS (UPDATE users u SET type = $1, updated_at = $2{} \
                     FROM users o WHERE o.id = u.id AND u.account_id = $3 AND u.type = $4 \
                     AND u.{NOT_ADMIN} \
                     RETURNING u.status, o.large_meeting_capacity AS lm, o.webinar_capacity AS wb) \
                     SELECT status, COUNT(*), \
                     CAST(SUM(CASE WHEN lm IS NULL THEN 0 ELSE 1 END) AS BIGINT), \
                     CAST(SUM(CASE WHEN wb IS NULL THEN 0 ELSE 1 END) AS BIGINT) \
                     FROM changed GROUP BY status",
                    add_ons
                ),
                params![to.code(), at, account.as_str(), from.code()],
            )
            .await?
        }
    };
    for r in &rows {
        crate::users::adjust_count(conn, account, r.status, from, -r.n).await?;
        crate::users::adjust_count(conn, account, r.status, to, r.n).await?;
    }
    Ok(affected(&rows))
}

/// The groups new users of an account start in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Defaults {
    pub group_id: Option<String>,
    pub chat_group_id: Option<String>,
}

impl FromRow for Defaults {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            group_id: r.opt_text(0)?,
            chat_group_id: r.opt_text(1)?,
        })
    }
}

/// An account's defaults for new users; `None` when there is no such account.
pub async fn defaults(conn: &mut Conn, account: &AccountId) -> Result<Option<Defaults>> {
    conn.fetch_optional(
        "SELECT default_group_id, default_chat_group_id FROM accounts WHERE id = $1",
        params![account.as_str()],
    )
    .await
}

pub async fn set_defaults(conn: &mut Conn, account: &AccountId, d: &Defaults) -> Result<u64> {
    conn.execute(
        "UPDATE accounts SET default_group_id = $1, default_chat_group_id = $2 WHERE id = $3",
        params![
            d.group_id.as_deref(),
            d.chat_group_id.as_deref(),
            account.as_str()
        ],
    )
    .await
}

/// Forgets a deleted group wherever it is an account's default.
pub async fn forget_default_group(conn: &mut Conn, account: &AccountId, group: &str) -> Result<()> {
    conn.execute(
        "UPDATE accounts SET default_group_id = NULL WHERE id = $1 AND default_group_id = $2",
        params![account.as_str(), group],
    )
    .await?;
    conn.execute(
        "UPDATE accounts SET default_chat_group_id = NULL WHERE id = $1 AND default_chat_group_id = $2",
        params![account.as_str(), group],
    )
    .await
    .map(drop)
}

/// Puts the given users in settings group `group` when they are in none (new users: an
/// invitation naming a group keeps it). Returns how many moved.
pub async fn put_groupless_in(
    conn: &mut Conn,
    account: &AccountId,
    ids: &[&str],
    group: &str,
) -> Result<u64> {
    let mut n = 0;
    for chunk in ids.chunks(500) {
        let mut params: Vec<crate::Param<'_>> = vec![group.into(), account.as_str().into()];
        let list: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 3)).collect();
        params.extend(chunk.iter().map(|id| crate::Param::from(*id)));
        n += conn
            .execute(
                &format!(
                    "UPDATE users SET group_id = $1 WHERE account_id = $2 AND group_id IS NULL \
                     AND id IN ({})",
                    list.join(", ")
                ),
                &params,
            )
            .await?;
    }
    Ok(n)
}

/// Which users a group switch takes: those of group `from`, or with `None` those in none.
fn from_clause(from: Option<&str>, column_param: usize) -> String {
    match from {
        Some(_) => format!("group_id = ${column_param}"),
        None => "group_id IS NULL".to_owned(),
    }
}

/// Moves every user of the account in settings group `from` (or, with `None`, in no group)
/// into group `to`. Returns how many moved.
pub async fn move_to_group(
    conn: &mut Conn,
    account: &AccountId,
    from: Option<&str>,
    to: &str,
    at: OffsetDateTime,
) -> Result<u64> {
    let sql = format!(
        "UPDATE users SET group_id = $1, updated_at = $2 WHERE account_id = $3 AND {}",
        from_clause(from, 4)
    );
    match from {
        Some(f) => {
            conn.execute(&sql, params![to, at, account.as_str(), f])
                .await
        }
        None => conn.execute(&sql, params![to, at, account.as_str()]).await,
    }
}

/// `users.chat_group_ids` without the group `$1` (ids never contain spaces).
const DROP_GROUP: &str = "TRIM(REPLACE(' ' || chat_group_ids || ' ', ' ' || $1 || ' ', ' '))";

/// Makes every user of chat group `from` (or, with `None`, every user in no chat group) a
/// member of chat group `to` too; with `leave`, they also leave `from`. Returns how many joined
/// `to` (those already in it are not counted) and how many left `from`.
pub async fn switch_chat_group(
    conn: &mut Conn,
    account: &AccountId,
    from: Option<&str>,
    to: &str,
    leave: bool,
    at: OffsetDateTime,
) -> Result<(u64, u64)> {
    let not_in_to = "NOT EXISTS (SELECT 1 FROM chat_group_members t WHERE t.group_id = $1 AND t.user_id = u.id)";
    let joined = match from {
        Some(f) => {
            conn.execute(
                &format!(
                    "UPDATE users SET chat_group_ids = TRIM(chat_group_ids || ' ' || $1), updated_at = $2 \
                     WHERE id IN (SELECT u.id FROM users u JOIN chat_group_members m ON m.user_id = u.id \
                     WHERE m.group_id = $3 AND u.account_id = $4 AND {not_in_to})"
                ),
                params![to, at, f, account.as_str()],
            )
            .await?;
            conn.execute(
                &format!(
                    "INSERT INTO chat_group_members (group_id, user_id, added_at) \
                     SELECT $1, u.id, $2 FROM users u JOIN chat_group_members m ON m.user_id = u.id \
                     WHERE m.group_id = $3 AND u.account_id = $4 AND {not_in_to}"
                ),
                params![to, at, f, account.as_str()],
            )
            .await?
        }
        None => {
            conn.execute(
                "INSERT INTO chat_group_members (group_id, user_id, added_at) \
                 SELECT $1, u.id, $2 FROM users u WHERE u.account_id = $3 AND u.chat_group_ids = ''",
                params![to, at, account.as_str()],
            )
            .await?;
            conn.execute(
                "UPDATE users SET chat_group_ids = $1, updated_at = $2 \
                 WHERE account_id = $3 AND chat_group_ids = ''",
                params![to, at, account.as_str()],
            )
            .await?
        }
    };
    let left = match (from, leave) {
        (Some(f), true) => {
            conn.execute(
                &format!(
                    "UPDATE users SET chat_group_ids = {DROP_GROUP} WHERE account_id = $2 AND id IN \
                     (SELECT user_id FROM chat_group_members WHERE group_id = $1)"
                ),
                params![f, account.as_str()],
            )
            .await?;
            conn.execute(
                "DELETE FROM chat_group_members WHERE group_id = $1",
                params![f],
            )
            .await?
        }
        _ => 0,
    };
    Ok((joined, left))
}

/// Makes the given users members of chat group `group` (new users; set-based).
pub async fn join_chat_group(
    conn: &mut Conn,
    ids: &[&str],
    group: &str,
    at: OffsetDateTime,
) -> Result<u64> {
    let mut n = 0;
    for chunk in ids.chunks(500) {
        let list: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 3)).collect();
        let mut params: Vec<crate::Param<'_>> = vec![group.into(), at.into()];
        params.extend(chunk.iter().map(|id| crate::Param::from(*id)));
        n += conn
            .execute(
                &format!(
                    "INSERT INTO chat_group_members (group_id, user_id, added_at) \
                     SELECT $1, u.id, $2 FROM users u WHERE u.id IN ({}) AND NOT EXISTS \
                     (SELECT 1 FROM chat_group_members t WHERE t.group_id = $1 AND t.user_id = u.id)",
                    list.join(", ")
                ),
                &params,
            )
            .await?;
        let mut params: Vec<crate::Param<'_>> = vec![group.into()];
        params.extend(chunk.iter().map(|id| crate::Param::from(*id)));
        let list: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
        conn.execute(
            &format!(
                "UPDATE users SET chat_group_ids = TRIM(chat_group_ids || ' ' || $1) \
                 WHERE id IN ({}) AND ' ' || chat_group_ids || ' ' NOT LIKE '% ' || $1 || ' %'",
                list.join(", ")
            ),
            &params,
        )
        .await?;
    }
    Ok(n)
}
