//! Invitations of pending users. The record is made when the user is added; the activation
//! token (stored only as a hash) is issued when the invitation is sent.

use crate::{params, Conn, Result};
use roster_domain::{AccountId, SecretHash, UserId};
use time::OffsetDateTime;

/// A new invitation.
#[derive(Debug, Clone)]
pub struct NewInvitation<'a> {
    pub user_id: &'a UserId,
    pub account_id: &'a AccountId,
    /// `user:ID` or `operator`.
    pub invited_by: &'a str,
    /// The hash of the activation token sent with the invitation.
    pub token_hash: &'a SecretHash,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

pub async fn insert(conn: &mut Conn, i: &NewInvitation<'_>) -> Result<()> {
    conn.execute(
        "INSERT INTO invitations (user_id, account_id, invited_by, token_hash, created_at, \
         last_sent_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        params![
            i.user_id.as_str(),
            i.account_id.as_str(),
            i.invited_by,
            i.token_hash.as_str(),
            i.created_at,
            i.created_at,
            i.expires_at,
        ],
    )
    .await
    .map(drop)
}

struct Expiry(OffsetDateTime);

impl crate::FromRow for Expiry {
    fn from_row(r: &crate::Row<'_>) -> Result<Self> {
        Ok(Self(r.time(0)?))
    }
}

/// A pending invitation found by its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub user_id: UserId,
    pub account_id: AccountId,
    pub expires_at: OffsetDateTime,
}

impl crate::FromRow for Pending {
    fn from_row(r: &crate::Row<'_>) -> Result<Self> {
        Ok(Self {
            user_id: r.parse(0, UserId::parse)?,
            account_id: r.parse(1, AccountId::parse)?,
            expires_at: r.time(2)?,
        })
    }
}

/// The invitation an activation token belongs to, if it is still on record.
pub async fn find_by_token(conn: &mut Conn, hash: &SecretHash) -> Result<Option<Pending>> {
    conn.fetch_optional(
        "SELECT user_id, account_id, expires_at FROM invitations WHERE token_hash = $1",
        params![hash.as_str()],
    )
    .await
}

/// Takes the invitation for a token, if it is unexpired: one statement, so of two requests
/// racing with the same link exactly one gets it.
pub async fn take_by_token(
    conn: &mut Conn,
    hash: &SecretHash,
    now: OffsetDateTime,
) -> Result<Option<Pending>> {
    conn.fetch_optional(
        "DELETE FROM invitations WHERE token_hash = $1 AND expires_at > $2 \
         RETURNING user_id, account_id, expires_at",
        params![hash.as_str(), now],
    )
    .await
}

/// Replaces a pending user's token (the old link dies) and restarts the expiry clock; returns
/// `false` when the user has no invitation. `sent`: the new link goes out by mail (a resend),
/// so the last send time and the resend count move too; a link handed over by other means
/// leaves them as they were.
pub async fn reissue(
    conn: &mut Conn,
    user: &UserId,
    hash: &SecretHash,
    at: OffsetDateTime,
    expires_at: OffsetDateTime,
    sent: bool,
) -> Result<bool> {
    let n = if sent {
        conn.execute(
            "UPDATE invitations SET token_hash = $1, last_sent_at = $2, expires_at = $3, \
             resend_count = resend_count + 1 WHERE user_id = $4",
            params![hash.as_str(), at, expires_at, user.as_str()],
        )
        .await?
    } else {
        conn.execute(
            "UPDATE invitations SET token_hash = $1, expires_at = $2 WHERE user_id = $3",
            params![hash.as_str(), expires_at, user.as_str()],
        )
        .await?
    };
    Ok(n == 1)
}

/// An invitation past its expiry, for the sweeper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expired {
    pub user_id: UserId,
    pub account_id: AccountId,
    pub token_hash: Option<String>,
    pub expires_at: OffsetDateTime,
}

impl crate::FromRow for Expired {
    fn from_row(r: &crate::Row<'_>) -> Result<Self> {
        Ok(Self {
            user_id: r.parse(0, UserId::parse)?,
            account_id: r.parse(1, AccountId::parse)?,
            token_hash: r.opt_text(2)?,
            expires_at: r.time(3)?,
        })
    }
}

/// Up to `limit` invitations that expired before `now`, locked for this transaction
/// (PostgreSQL skips rows another server is sweeping).
pub async fn lock_expired(
    conn: &mut Conn,
    now: OffsetDateTime,
    limit: i64,
) -> Result<Vec<Expired>> {
    let lock = match conn.backend() {
        crate::Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        crate::Backend::Sqlite => "",
    };
    conn.fetch_all(
        &format!(
            "SELECT user_id, account_id, token_hash, expires_at FROM invitations \
             WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2{lock}"
        ),
        params![now, limit],
    )
    .await
}

/// Keeps what the activation page needs to say a swept link expired.
pub async fn remember_expired(
    conn: &mut Conn,
    hash: &str,
    account: &AccountId,
    email: &str,
    expired_at: OffsetDateTime,
) -> Result<()> {
    conn.execute(
        "INSERT INTO expired_invitations (token_hash, account_id, email, expired_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (token_hash) DO NOTHING",
        params![hash, account.as_str(), email, expired_at],
    )
    .await
    .map(drop)
}

/// When a swept invitation with this token expired.
pub async fn expired_at(conn: &mut Conn, hash: &SecretHash) -> Result<Option<OffsetDateTime>> {
    let row: Option<Expiry> = conn
        .fetch_optional(
            "SELECT expired_at FROM expired_invitations WHERE token_hash = $1",
            params![hash.as_str()],
        )
        .await?;
    Ok(row.map(|e| e.0))
}

/// Forgets swept invitations older than `before`.
pub async fn prune_expired(conn: &mut Conn, before: OffsetDateTime) -> Result<u64> {
    conn.execute(
        "DELETE FROM expired_invitations WHERE expired_at < $1",
        params![before],
    )
    .await
}

/// What the pending list shows of an invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationInfo {
    pub user_id: String,
    pub invited_at: OffsetDateTime,
    pub last_sent_at: Option<OffsetDateTime>,
    pub expires_at: OffsetDateTime,
    pub resend_count: i64,
}

impl crate::FromRow for InvitationInfo {
    fn from_row(r: &crate::Row<'_>) -> Result<Self> {
        Ok(Self {
            user_id: r.text(0)?,
            invited_at: r.time(1)?,
            last_sent_at: r.opt_time(2)?,
            expires_at: r.time(3)?,
            resend_count: r.int(4)?,
        })
    }
}

/// The invitations of these users (one query for a page).
pub async fn for_users(conn: &mut Conn, users: &[&UserId]) -> Result<Vec<InvitationInfo>> {
    if users.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (1..=users.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT user_id, created_at, last_sent_at, expires_at, resend_count FROM invitations \
         WHERE user_id IN ({})",
        placeholders.join(", ")
    );
    let params: Vec<crate::Param<'_>> = users.iter().map(|u| u.as_str().into()).collect();
    conn.fetch_all(&sql, &params).await
}
