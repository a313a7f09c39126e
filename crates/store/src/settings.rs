//! Meeting settings and locks, stored as JSON text beside what they belong to:
//! `users.settings` (a user's own values live on their row, so they move with it),
//! `accounts.settings`/`lock_settings` and `groups.settings`/`lock_settings`. Only the settings
//! use cases read them; the user read path ([`crate::users`]) never selects these columns.
//!
//! Reads inside a write transaction may lock what they read (`for_update`): PostgreSQL takes
//! the row with `FOR UPDATE`, so concurrent patches of one document never lose each other's
//! keys; SQLite needs nothing, as its writer is single.

use crate::{params, Backend, Conn, FromRow, Result, Row};
use roster_domain::settings::{Locks, Settings};
use roster_domain::{AccountId, UserId};
use time::OffsetDateTime;

/// The values and locks of an account or a settings group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LevelRecord {
    pub settings: Settings,
    pub locks: Locks,
}

impl FromRow for LevelRecord {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            settings: Settings::from_stored(&r.text(0)?),
            locks: Locks::from_stored(&r.text(1)?),
        })
    }
}

/// Everything a user's effective settings depend on, read in one query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSettingsRecord {
    /// The user's own values.
    pub own: Settings,
    /// Their settings group's, when they are in one.
    pub group: Option<LevelRecord>,
    pub account: LevelRecord,
}

impl FromRow for UserSettingsRecord {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        let group = match (r.opt_text(3)?, r.opt_text(4)?) {
            (Some(s), Some(l)) => Some(LevelRecord {
                settings: Settings::from_stored(&s),
                locks: Locks::from_stored(&l),
            }),
            _ => None,
        };
        Ok(Self {
            own: Settings::from_stored(&r.text(0)?),
            account: LevelRecord {
                settings: Settings::from_stored(&r.text(1)?),
                locks: Locks::from_stored(&r.text(2)?),
            },
            group,
        })
    }
}

/// What holds a settings document besides users.
#[derive(Debug, Clone, Copy)]
pub enum Holder<'a> {
    Account(&'a AccountId),
    /// A settings group of the account.
    Group(&'a AccountId, &'a str),
}

fn lock_suffix(conn: &Conn, for_update: bool, of: &str) -> String {
    match (conn.backend(), for_update) {
        (Backend::Postgres, true) => format!(" FOR UPDATE OF {of}"),
        _ => String::new(),
    }
}

/// A user's own settings with their group's and account's; `None` when the user is not in
/// `account`.
pub async fn find_for_user(
    conn: &mut Conn,
    account: &AccountId,
    user: &UserId,
    for_update: bool,
) -> Result<Option<UserSettingsRecord>> {
    let sql = format!(
        "SELECT u.settings, a.settings, a.lock_settings, g.settings, g.lock_settings \
         FROM users u JOIN accounts a ON a.id = u.account_id \
         LEFT JOIN groups g ON g.id = u.group_id AND g.kind = 'group' \
         WHERE u.id = $1 AND u.account_id = $2{}",
        lock_suffix(conn, for_update, "u")
    );
    conn.fetch_optional(&sql, params![user.as_str(), account.as_str()])
        .await
}

/// Replaces a user's own settings; `false` when the user is gone.
pub async fn update_for_user(
    conn: &mut Conn,
    account: &AccountId,
    user: &UserId,
    settings: &Settings,
    at: OffsetDateTime,
) -> Result<bool> {
    let n = conn
        .execute(
            "UPDATE users SET settings = $1, updated_at = $2 WHERE id = $3 AND account_id = $4",
            params![
                settings.to_stored().as_str(),
                at,
                user.as_str(),
                account.as_str()
            ],
        )
        .await?;
    Ok(n == 1)
}

/// An account's or a settings group's values and locks; `None` when it does not exist.
pub async fn find(
    conn: &mut Conn,
    holder: Holder<'_>,
    for_update: bool,
) -> Result<Option<LevelRecord>> {
    match holder {
        Holder::Account(account) => {
            let sql = format!(
                "SELECT settings, lock_settings FROM accounts a WHERE id = $1{}",
                lock_suffix(conn, for_update, "a")
            );
            conn.fetch_optional(&sql, params![account.as_str()]).await
        }
        Holder::Group(account, id) => {
            let sql = format!(
                "SELECT settings, lock_settings FROM groups g \
                 WHERE id = $1 AND account_id = $2 AND kind = 'group'{}",
                lock_suffix(conn, for_update, "g")
            );
            conn.fetch_optional(&sql, params![id, account.as_str()])
                .await
        }
    }
}

/// Replaces the values and locks of an account or settings group; `false` when it is gone.
pub async fn update(conn: &mut Conn, holder: Holder<'_>, level: &LevelRecord) -> Result<bool> {
    let settings = level.settings.to_stored();
    let locks = level.locks.to_stored();
    let n = match holder {
        Holder::Account(account) => {
            conn.execute(
                "UPDATE accounts SET settings = $1, lock_settings = $2 WHERE id = $3",
                params![settings.as_str(), locks.as_str(), account.as_str()],
            )
            .await?
        }
        Holder::Group(account, id) => {
            conn.execute(
                "UPDATE groups SET settings = $1, lock_settings = $2 \
                 WHERE id = $3 AND account_id = $4 AND kind = 'group'",
                params![settings.as_str(), locks.as_str(), id, account.as_str()],
            )
            .await?
        }
    };
    Ok(n == 1)
}
