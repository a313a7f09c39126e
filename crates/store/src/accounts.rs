//! Accounts and their seat pools. Seats are taken and returned with conditional updates, so the
//! pool can never be oversold even by many servers racing on one PostgreSQL (and a CHECK
//! constraint refuses it should a caller try anyway).

use crate::{params, Conn, Error, FromRow, Result, Row};
use roster_domain::{AccountId, Plan, SeatPools, UserId};
use time::OffsetDateTime;

/// An account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRecord {
    pub id: AccountId,
    pub name: String,
    pub plan: Plan,
    pub payment_verified: bool,
    pub owner_id: Option<UserId>,
    pub seats: SeatPools,
    pub licensed_used: i64,
    pub large_meeting_used: i64,
    pub webinar_used: i64,
    pub on_prem_enabled: bool,
    /// The language tag new users start with (`en-US`, `fr-FR`, …).
    pub language: String,
    pub created_at: OffsetDateTime,
}

const COLUMNS: &str = "id, name, plan, payment_verified, owner_id, licensed_seats, licensed_used, \
     large_meeting_seats, large_meeting_used, webinar_seats, webinar_used, created_at, on_prem_enabled, language";

fn seats(r: &Row<'_>, i: usize) -> Result<u32> {
    u32::try_from(r.int(i)?).map_err(|e| Error::decode(i, e))
}

impl FromRow for AccountRecord {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            id: r.parse(0, AccountId::parse)?,
            name: r.text(1)?,
            plan: r.parse(2, |s| Plan::parse(s).ok())?,
            payment_verified: r.bool(3)?,
            owner_id: r.opt_text(4)?.as_deref().and_then(UserId::parse),
            seats: SeatPools {
                licensed: seats(r, 5)?,
                large_meeting: seats(r, 7)?,
                webinar: seats(r, 9)?,
            },
            licensed_used: r.int(6)?,
            large_meeting_used: r.int(8)?,
            webinar_used: r.int(10)?,
            created_at: r.time(11)?,
            on_prem_enabled: r.bool(12)?,
            language: r.text(13)?,
        })
    }
}

pub async fn insert(conn: &mut Conn, a: &AccountRecord) -> Result<()> {
    conn.execute(
        "INSERT INTO accounts (id, name, plan, payment_verified, owner_id, licensed_seats, licensed_used, \
         large_meeting_seats, large_meeting_used, webinar_seats, webinar_used, created_at, on_prem_enabled, language) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        params![
            a.id.as_str(),
            a.name.as_str(),
            a.plan.as_str(),
            a.payment_verified,
            a.owner_id.as_ref().map(UserId::as_str),
            i64::from(a.seats.licensed),
            a.licensed_used,
            i64::from(a.seats.large_meeting),
            a.large_meeting_used,
            i64::from(a.seats.webinar),
            a.webinar_used,
            a.created_at,
            a.on_prem_enabled,
            a.language.as_str(),
        ],
    )
    .await
    .map(drop)
}

pub async fn find(conn: &mut Conn, id: &AccountId) -> Result<Option<AccountRecord>> {
    conn.fetch_optional(
        &format!("SELECT {COLUMNS} FROM accounts WHERE id = $1"),
        params![id.as_str()],
    )
    .await
}

pub async fn count(conn: &mut Conn) -> Result<i64> {
    conn.fetch_one("SELECT COUNT(*) FROM accounts", &[]).await
}

pub async fn set_owner(conn: &mut Conn, id: &AccountId, owner: &UserId) -> Result<u64> {
    conn.execute(
        "UPDATE accounts SET owner_id = $1 WHERE id = $2",
        params![owner.as_str(), id.as_str()],
    )
    .await
}

pub async fn set_payment_verified(conn: &mut Conn, id: &AccountId) -> Result<u64> {
    conn.execute(
        "UPDATE accounts SET payment_verified = $1 WHERE id = $2",
        params![true, id.as_str()],
    )
    .await
}

/// Sets the account's language tag; returns how many accounts changed (0: no such account).
pub async fn set_language(conn: &mut Conn, id: &AccountId, tag: &str) -> Result<u64> {
    conn.execute(
        "UPDATE accounts SET language = $1 WHERE id = $2",
        params![tag, id.as_str()],
    )
    .await
}

/// One of an account's seat pools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pool {
    Licensed,
    LargeMeeting,
    Webinar,
}

impl Pool {
    fn sql(self) -> &'static str {
        match self {
            Self::Licensed => {
                "UPDATE accounts SET licensed_used = licensed_used + $1 WHERE id = $2 \
                 AND licensed_used + $1 <= licensed_seats AND licensed_used + $1 >= 0"
            }
            Self::LargeMeeting => {
                "UPDATE accounts SET large_meeting_used = large_meeting_used + $1 WHERE id = $2 \
                 AND large_meeting_used + $1 <= large_meeting_seats AND large_meeting_used + $1 >= 0"
            }
            Self::Webinar => {
                "UPDATE accounts SET webinar_used = webinar_used + $1 WHERE id = $2 \
                 AND webinar_used + $1 <= webinar_seats AND webinar_used + $1 >= 0"
            }
        }
    }
}

/// Takes (`delta` > 0) or returns (`delta` < 0) seats of a pool in one conditional update, so
/// concurrent transactions can never oversell it. `false` when the pool cannot cover it.
pub async fn adjust_seats(conn: &mut Conn, id: &AccountId, pool: Pool, delta: i64) -> Result<bool> {
    if delta == 0 {
        return Ok(true);
    }
    let n = conn
        .execute(pool.sql(), params![delta, id.as_str()])
        .await?;
    Ok(n == 1)
}

/// Takes one Licensed seat; `false` when the pool is full.
pub async fn take_licensed_seat(conn: &mut Conn, id: &AccountId) -> Result<bool> {
    adjust_seats(conn, id, Pool::Licensed, 1).await
}

/// The account that manages `domain`, if any: only a verified claim counts (see
/// [`crate::managed_domains`]).
pub async fn managing_account(conn: &mut Conn, domain: &str) -> Result<Option<AccountId>> {
    let found: Option<String> = conn
        .fetch_optional(
            "SELECT account_id FROM managed_domains WHERE domain = $1 AND status = 'verified'",
            params![domain],
        )
        .await?;
    Ok(found.as_deref().and_then(AccountId::parse))
}

/// Up to `limit` account ids, oldest first (the CLI's default account when there is one).
pub async fn first_ids(conn: &mut Conn, limit: i64) -> Result<Vec<String>> {
    conn.fetch_all(
        "SELECT id FROM accounts ORDER BY created_at, id LIMIT $1",
        params![limit],
    )
    .await
}

/// How many users an account has, whatever their status (from the exact counts).
pub async fn user_total(conn: &mut Conn, id: &AccountId) -> Result<i64> {
    conn.fetch_one(
        "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM user_counts WHERE account_id = $1",
        params![id.as_str()],
    )
    .await
}

/// Marks an account as one person's own (made by sign-up or by unlinking).
pub async fn mark_standalone(conn: &mut Conn, id: &AccountId) -> Result<()> {
    conn.execute(
        "UPDATE accounts SET standalone = $1 WHERE id = $2",
        params![true, id.as_str()],
    )
    .await
    .map(drop)
}

/// Whether an account is a standalone one that is still open (its Owner may join an
/// organisation).
pub async fn is_open_standalone(conn: &mut Conn, id: &AccountId) -> Result<bool> {
    let found: Option<i64> = conn
        .fetch_optional(
            "SELECT 1 FROM accounts WHERE id = $1 AND standalone = $2 AND closed_at IS NULL",
            params![id.as_str(), true],
        )
        .await?;
    Ok(found.is_some())
}

/// Whether an account was closed (its person joined another account).
pub async fn is_closed(conn: &mut Conn, id: &AccountId) -> Result<bool> {
    let closed: Option<i64> = conn
        .fetch_optional(
            "SELECT 1 FROM accounts WHERE id = $1 AND closed_at IS NOT NULL",
            params![id.as_str()],
        )
        .await?;
    Ok(closed.is_some())
}

/// Closes an account whose only person moved to another one: its apps stop, their tokens die;
/// the row, its events and its billing ledger stay.
pub async fn close(conn: &mut Conn, id: &AccountId, at: OffsetDateTime) -> Result<()> {
    conn.execute(
        "UPDATE accounts SET closed_at = $1 WHERE id = $2",
        params![at, id.as_str()],
    )
    .await?;
    conn.execute(
        "DELETE FROM oauth_tokens WHERE account_id = $1",
        params![id.as_str()],
    )
    .await?;
    conn.execute(
        "UPDATE oauth_apps SET status = $1 WHERE account_id = $2",
        params![roster_domain::AppStatus::Deactivated.as_str(), id.as_str()],
    )
    .await
    .map(drop)
}

/// Deletes an account that never had an active user (a sign-up nobody confirmed).
pub async fn delete_unused(conn: &mut Conn, id: &AccountId) -> Result<()> {
    for sql in [
        "DELETE FROM user_counts WHERE account_id = $1",
        "DELETE FROM oauth_apps WHERE account_id = $1",
        "DELETE FROM accounts WHERE id = $1",
    ] {
        conn.execute(sql, params![id.as_str()]).await?;
    }
    Ok(())
}

pub async fn set_plan(conn: &mut Conn, id: &AccountId, plan: Plan) -> Result<u64> {
    conn.execute(
        "UPDATE accounts SET plan = $1, payment_verified = $2 WHERE id = $3",
        params![plan.as_str(), plan.is_paid(), id.as_str()],
    )
    .await
}

pub async fn set_name(conn: &mut Conn, id: &AccountId, name: &str) -> Result<u64> {
    conn.execute(
        "UPDATE accounts SET name = $1 WHERE id = $2",
        params![name, id.as_str()],
    )
    .await
}
