//! Billing: the paid period of an account's plan ([`Subscription`]) and the ledger of money
//! recorded for it (charges and refunds, in the currency's minor unit).

use crate::{params, Conn, FromRow, Result, Row};
use roster_domain::AccountId;
use time::OffsetDateTime;

/// The current paid period of an account's plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub account_id: AccountId,
    pub plan: String,
    pub amount_cents: i64,
    pub currency: String,
    pub period_start: OffsetDateTime,
    pub period_end: OffsetDateTime,
    /// `active` or `ended`.
    pub status: String,
    pub ended_at: Option<OffsetDateTime>,
}

impl FromRow for Subscription {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            account_id: AccountId::from_stored(r.text(0)?),
            plan: r.text(1)?,
            amount_cents: r.int(2)?,
            currency: r.text(3)?,
            period_start: r.time(4)?,
            period_end: r.time(5)?,
            status: r.text(6)?,
            ended_at: r.opt_time(7)?,
        })
    }
}

/// Records (or replaces) an account's paid period.
pub async fn put_subscription(conn: &mut Conn, s: &Subscription) -> Result<()> {
    conn.execute(
        "DELETE FROM subscriptions WHERE account_id = $1",
        params![s.account_id.as_str()],
    )
    .await?;
    conn.execute(
        "INSERT INTO subscriptions (account_id, plan, amount_cents, currency, period_start, \
         period_end, status, ended_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        params![
            s.account_id.as_str(),
            s.plan.as_str(),
            s.amount_cents,
            s.currency.as_str(),
            s.period_start,
            s.period_end,
            s.status.as_str(),
            s.ended_at,
        ],
    )
    .await
    .map(drop)
}

pub async fn find_subscription(
    conn: &mut Conn,
    account: &AccountId,
) -> Result<Option<Subscription>> {
    conn.fetch_optional(
        "SELECT account_id, plan, amount_cents, currency, period_start, period_end, status, \
         ended_at FROM subscriptions WHERE account_id = $1",
        params![account.as_str()],
    )
    .await
}

/// Ends an account's paid period now.
pub async fn end_subscription(
    conn: &mut Conn,
    account: &AccountId,
    at: OffsetDateTime,
) -> Result<()> {
    conn.execute(
        "UPDATE subscriptions SET status = 'ended', ended_at = $1 WHERE account_id = $2",
        params![at, account.as_str()],
    )
    .await
    .map(drop)
}

/// A ledger entry to record.
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    pub account_id: &'a AccountId,
    /// `charge` or `prorated_refund`.
    pub kind: &'a str,
    pub amount_cents: i64,
    pub currency: &'a str,
    pub description: &'a str,
    pub period: Option<(OffsetDateTime, OffsetDateTime)>,
    pub at: OffsetDateTime,
}

/// A recorded ledger entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub account_id: String,
    pub kind: String,
    pub amount_cents: i64,
    pub currency: String,
    pub description: String,
    pub period_start: Option<OffsetDateTime>,
    pub period_end: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

impl FromRow for Entry {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            id: r.int(0)?,
            account_id: r.text(1)?,
            kind: r.text(2)?,
            amount_cents: r.int(3)?,
            currency: r.text(4)?,
            description: r.text(5)?,
            period_start: r.opt_time(6)?,
            period_end: r.opt_time(7)?,
            created_at: r.time(8)?,
        })
    }
}

pub async fn record(conn: &mut Conn, e: &NewEntry<'_>) -> Result<()> {
    conn.execute(
        "INSERT INTO billing_ledger (account_id, kind, amount_cents, currency, description, \
         period_start, period_end, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        params![
            e.account_id.as_str(),
            e.kind,
            e.amount_cents,
            e.currency,
            e.description,
            e.period.map(|p| p.0),
            e.period.map(|p| p.1),
            e.at,
        ],
    )
    .await
    .map(drop)
}

/// An account's ledger, oldest first.
pub async fn ledger(conn: &mut Conn, account: &AccountId) -> Result<Vec<Entry>> {
    conn.fetch_all(
        "SELECT id, account_id, kind, amount_cents, currency, description, period_start, \
         period_end, created_at FROM billing_ledger WHERE account_id = $1 ORDER BY id",
        params![account.as_str()],
    )
    .await
}
