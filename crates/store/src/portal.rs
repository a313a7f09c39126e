//! The web portal's records: sessions (kept by the hash of the cookie's id), one-time links
//! (the first-run setup link and password resets, kept by the token's hash) and the sign-in
//! throttle (failures per key in a window, shared by every server on the same database).

use crate::{params, Conn, FromRow, Result, Row};
use roster_domain::{AccountId, UserId};
use time::OffsetDateTime;

/// A session as found by its id's hash.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub user_id: UserId,
    pub account_id: AccountId,
    pub csrf: String,
    pub expires_at: OffsetDateTime,
}

impl FromRow for SessionRecord {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            user_id: r.parse(0, UserId::parse)?,
            account_id: r.parse(1, AccountId::parse)?,
            csrf: r.text(2)?,
            expires_at: r.time(3)?,
        })
    }
}

/// Records a new session.
pub async fn insert_session(
    conn: &mut Conn,
    id_hash: &str,
    user: &UserId,
    csrf: &str,
    at: OffsetDateTime,
    expires_at: OffsetDateTime,
) -> Result<()> {
    conn.execute(
        "INSERT INTO portal_sessions (id_hash, user_id, csrf, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
        params![id_hash, user.as_str(), csrf, at, expires_at],
    )
    .await?;
    Ok(())
}

/// The session behind an id hash, with its user's account (expired ones too: the caller
/// compares `expires_at` with its clock).
pub async fn find_session(conn: &mut Conn, id_hash: &str) -> Result<Option<SessionRecord>> {
    conn.fetch_optional(
        "SELECT s.user_id, u.account_id, s.csrf, s.expires_at \
         FROM portal_sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1",
        params![id_hash],
    )
    .await
}

/// Ends one session.
pub async fn delete_session(conn: &mut Conn, id_hash: &str) -> Result<u64> {
    conn.execute(
        "DELETE FROM portal_sessions WHERE id_hash = $1",
        params![id_hash],
    )
    .await
}

/// Ends every session of a user (after a password reset).
pub async fn delete_sessions_of(conn: &mut Conn, user: &UserId) -> Result<u64> {
    conn.execute(
        "DELETE FROM portal_sessions WHERE user_id = $1",
        params![user.as_str()],
    )
    .await
}

/// Records a one-time link of `kind` (`setup` or `reset`).
pub async fn insert_link(
    conn: &mut Conn,
    token_hash: &str,
    kind: &str,
    user: Option<&UserId>,
    at: OffsetDateTime,
    expires_at: OffsetDateTime,
) -> Result<()> {
    conn.execute(
        "INSERT INTO portal_links (token_hash, kind, user_id, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
        params![token_hash, kind, user.map(UserId::as_str), at, expires_at],
    )
    .await?;
    Ok(())
}

/// A link that is still usable.
#[derive(Debug, Clone)]
pub struct LinkRecord {
    pub user_id: Option<String>,
}

impl FromRow for LinkRecord {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            user_id: r.opt_text(0)?,
        })
    }
}

/// An unused, unexpired link of `kind`, without using it.
pub async fn find_link(
    conn: &mut Conn,
    token_hash: &str,
    kind: &str,
    now: OffsetDateTime,
) -> Result<Option<LinkRecord>> {
    conn.fetch_optional(
        "SELECT user_id FROM portal_links \
         WHERE token_hash = $1 AND kind = $2 AND used_at IS NULL AND expires_at > $3",
        params![token_hash, kind, now],
    )
    .await
}

/// Uses a link: marks it used if it was usable. `None`: unknown, used or expired. The one
/// conditional UPDATE makes a link usable once even when two requests race.
pub async fn use_link(
    conn: &mut Conn,
    token_hash: &str,
    kind: &str,
    now: OffsetDateTime,
) -> Result<Option<LinkRecord>> {
    conn.fetch_optional(
        "UPDATE portal_links SET used_at = $1 \
         WHERE token_hash = $2 AND kind = $3 AND used_at IS NULL AND expires_at > $1 \
         RETURNING user_id",
        params![now, token_hash, kind],
    )
    .await
}

/// Failed sign-ins for `key` since `window_start`.
pub async fn failures(conn: &mut Conn, key: &str, since: OffsetDateTime) -> Result<i64> {
    Ok(conn
        .fetch_optional::<i64>(
            "SELECT failures FROM portal_sign_in_failures \
             WHERE throttle_key = $1 AND window_start >= $2",
            params![key, since],
        )
        .await?
        .unwrap_or(0))
}

/// Counts one failed sign-in for `key`; a window that began before `since` starts afresh.
pub async fn record_failure(
    conn: &mut Conn,
    key: &str,
    at: OffsetDateTime,
    since: OffsetDateTime,
) -> Result<()> {
    conn.execute(
        "INSERT INTO portal_sign_in_failures (throttle_key, failures, window_start) \
         VALUES ($1, 1, $2) ON CONFLICT (throttle_key) DO UPDATE SET \
         failures = CASE WHEN portal_sign_in_failures.window_start < $3 THEN 1 \
                    ELSE portal_sign_in_failures.failures + 1 END, \
         window_start = CASE WHEN portal_sign_in_failures.window_start < $3 THEN $2 \
                        ELSE portal_sign_in_failures.window_start END",
        params![key, at, since],
    )
    .await?;
    Ok(())
}

/// Forgets the failures of `key` (after a successful sign-in).
pub async fn clear_failures(conn: &mut Conn, key: &str) -> Result<()> {
    conn.execute(
        "DELETE FROM portal_sign_in_failures WHERE throttle_key = $1",
        params![key],
    )
    .await?;
    Ok(())
}
