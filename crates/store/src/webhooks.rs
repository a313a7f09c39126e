//! Webhooks: an app's event subscription (columns of `oauth_apps`), the fan-out of events into
//! `webhook_deliveries` (one per recipient app, fixed body and idempotency key), and the
//! delivery outbox with its leases and the `webhook_attempts` log. Claims use
//! `FOR UPDATE SKIP LOCKED` on PostgreSQL so several servers share the work; SQLite has a single
//! writer, so its plain subquery is already exclusive (as in [`crate::mail`]).

use crate::events::EventRecord;
use crate::{params, placeholders, Backend, Conn, FromRow, Param, Result, Row};
use time::OffsetDateTime;

/// An app as webhooks see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookApp {
    pub id: String,
    pub account_id: String,
    pub kind: String,
    pub client_id: String,
    pub status: String,
    pub url: Option<String>,
    pub secret: Option<String>,
    /// Space-separated event types.
    pub events: String,
    pub validated_at: Option<OffsetDateTime>,
}

const APP_COLUMNS: &str = "id, account_id, kind, client_id, status, webhook_url, webhook_secret, \
     webhook_events, webhook_validated_at";

impl FromRow for WebhookApp {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            id: r.text(0)?,
            account_id: r.text(1)?,
            kind: r.text(2)?,
            client_id: r.text(3)?,
            status: r.text(4)?,
            url: r.opt_text(5)?,
            secret: r.opt_text(6)?,
            events: r.text(7)?,
            validated_at: r.opt_time(8)?,
        })
    }
}

/// The app whose id or client id is `key`.
pub async fn find_app(conn: &mut Conn, key: &str) -> Result<Option<WebhookApp>> {
    conn.fetch_optional(
        &format!("SELECT {APP_COLUMNS} FROM oauth_apps WHERE id = $1 OR client_id = $1"),
        params![key],
    )
    .await
}

/// Sets (or replaces) an app's subscription.
pub async fn set_subscription(
    conn: &mut Conn,
    app_id: &str,
    url: &str,
    secret: &str,
    events: &str,
    validated_at: OffsetDateTime,
) -> Result<()> {
    conn.execute(
        "UPDATE oauth_apps SET webhook_url = $1, webhook_secret = $2, webhook_events = $3, \
         webhook_validated_at = $4 WHERE id = $5",
        params![url, secret, events, validated_at, app_id],
    )
    .await
    .map(drop)
}

/// Removes an app's subscription; pending deliveries fail when their turn comes.
pub async fn clear_subscription(conn: &mut Conn, app_id: &str) -> Result<u64> {
    conn.execute(
        "UPDATE oauth_apps SET webhook_url = NULL, webhook_secret = NULL, webhook_events = '', \
         webhook_validated_at = NULL WHERE id = $1 AND webhook_url IS NOT NULL",
        params![app_id],
    )
    .await
}

/// Leases (PostgreSQL: row-locks until commit) the oldest undispatched events, in id order.
pub async fn claim_undispatched(conn: &mut Conn, limit: i64) -> Result<Vec<EventRecord>> {
    let lock = match conn.backend() {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    conn.fetch_all(
        &format!(
            "SELECT id, account_id, type, actor, target, payload, created_at FROM events \
             WHERE dispatched_at IS NULL ORDER BY id LIMIT $1{lock}"
        ),
        params![limit],
    )
    .await
}

/// Marks events dispatched: their deliveries (if any) are recorded.
pub async fn mark_dispatched(conn: &mut Conn, ids: &[i64], at: OffsetDateTime) -> Result<()> {
    for chunk in ids.chunks(500) {
        let sql = format!(
            "UPDATE events SET dispatched_at = {} WHERE id IN ({})",
            placeholders(conn.backend(), 1, 1),
            placeholders(conn.backend(), 2, chunk.len())
        );
        let mut p: Vec<Param<'_>> = vec![at.into()];
        p.extend(chunk.iter().map(|id| Param::from(*id)));
        conn.execute(&sql, &p).await?;
    }
    Ok(())
}

/// An app that may receive an account's events: a server-to-server app of the account
/// (`user_id` None, `install` false), or through a live install in it (`user_id` None for an
/// account-level install, the user's id for a personal one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub app_id: String,
    pub account_id: String,
    pub user_id: Option<String>,
    pub events: String,
}

impl FromRow for Recipient {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            app_id: r.text(0)?,
            account_id: r.text(1)?,
            user_id: r.opt_text(2)?,
            events: r.text(3)?,
        })
    }
}

fn in_list(conn: &Conn, first: usize, n: usize) -> String {
    placeholders(conn.backend(), first, n)
}

/// Every app with a subscription that receives events of `accounts`. Two indexed reads, so an
/// account without webhook apps costs nothing more.
pub async fn recipients(conn: &mut Conn, accounts: &[&str]) -> Result<Vec<Recipient>> {
    if accounts.is_empty() {
        return Ok(Vec::new());
    }
    let list = in_list(conn, 1, accounts.len());
    let p: Vec<Param<'_>> = accounts.iter().map(|a| Param::from(*a)).collect();
    let mut out: Vec<Recipient> = conn
        .fetch_all(
            &format!(
                "SELECT id, account_id, NULL, webhook_events FROM oauth_apps \
                 WHERE account_id IN ({list}) AND kind = 's2s' AND status = 'active' \
                 AND webhook_url IS NOT NULL"
            ),
            &p,
        )
        .await?;
    let installs: Vec<Recipient> = conn
        .fetch_all(
            &format!(
                "SELECT a.id, i.account_id, i.user_id, a.webhook_events FROM oauth_installs i \
                 JOIN oauth_apps a ON a.id = i.app_id \
                 WHERE i.account_id IN ({list}) AND i.revoked_at IS NULL AND a.status = 'active' \
                 AND a.webhook_url IS NOT NULL"
            ),
            &p,
        )
        .await?;
    out.extend(installs);
    Ok(out)
}

/// Of `ids`, the apps that have a webhook URL (where `app_deauthorized` can go).
pub async fn apps_with_url(conn: &mut Conn, ids: &[&str]) -> Result<Vec<String>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = in_list(conn, 1, ids.len());
    let p: Vec<Param<'_>> = ids.iter().map(|a| Param::from(*a)).collect();
    conn.fetch_all(
        &format!("SELECT id FROM oauth_apps WHERE id IN ({list}) AND webhook_url IS NOT NULL"),
        &p,
    )
    .await
}

/// A delivery to create at fan-out.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    pub app_id: String,
    pub account_id: Option<String>,
    pub event_id: i64,
    pub event_type: String,
    pub idempotency_key: String,
    pub body: String,
    pub at: OffsetDateTime,
}

/// Inserts deliveries; one that exists for the same (app, event) is left as it is.
pub async fn insert_deliveries(conn: &mut Conn, rows: &[NewDelivery]) -> Result<()> {
    for chunk in rows.chunks(100) {
        let mut sql = String::from(
            "INSERT INTO webhook_deliveries (app_id, account_id, event_id, event_type, \
             idempotency_key, body, status, created_at, next_attempt_at) VALUES ",
        );
        let mut p: Vec<Param<'_>> = Vec::with_capacity(chunk.len() * 8);
        for (i, d) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            let ph = placeholders(conn.backend(), i * 8 + 1, 8);
            // status is a constant between the 6th and 7th parameters.
            let mut parts: Vec<&str> = ph.split(", ").collect();
            parts.insert(6, "'pending'");
            sql.push('(');
            sql.push_str(&parts.join(", "));
            sql.push(')');
            let row: [Param<'_>; 8] = [
                d.app_id.as_str().into(),
                d.account_id.as_deref().into(),
                d.event_id.into(),
                d.event_type.as_str().into(),
                d.idempotency_key.as_str().into(),
                d.body.as_str().into(),
                d.at.into(),
                d.at.into(),
            ];
            p.extend(row);
        }
        sql.push_str(" ON CONFLICT (app_id, event_id) DO NOTHING");
        conn.execute(&sql, &p).await?;
    }
    Ok(())
}

/// A delivery as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRecord {
    pub id: i64,
    pub app_id: String,
    pub account_id: Option<String>,
    pub event_id: Option<i64>,
    pub event_type: String,
    pub idempotency_key: String,
    pub body: String,
    pub status: String,
    pub attempts: i64,
    pub created_at: OffsetDateTime,
    pub next_attempt_at: OffsetDateTime,
    pub delivered_at: Option<OffsetDateTime>,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub first_attempt_at: Option<OffsetDateTime>,
}

const DELIVERY_COLUMNS: &str = "id, app_id, account_id, event_id, event_type, idempotency_key, \
     body, status, attempts, created_at, next_attempt_at, delivered_at, last_status, last_error, \
     first_attempt_at";

impl FromRow for DeliveryRecord {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            id: r.int(0)?,
            app_id: r.text(1)?,
            account_id: r.opt_text(2)?,
            event_id: r.opt_int(3)?,
            event_type: r.text(4)?,
            idempotency_key: r.text(5)?,
            body: r.text(6)?,
            status: r.text(7)?,
            attempts: r.int(8)?,
            created_at: r.time(9)?,
            next_attempt_at: r.time(10)?,
            delivered_at: r.opt_time(11)?,
            last_status: r.opt_int(12)?,
            last_error: r.opt_text(13)?,
            first_attempt_at: r.opt_time(14)?,
        })
    }
}

/// Leases up to `limit` due deliveries (pending, next attempt reached, not leased by a live
/// worker) until `lease_until`, oldest first.
pub async fn claim_due(
    conn: &mut Conn,
    now: OffsetDateTime,
    lease_until: OffsetDateTime,
    limit: i64,
) -> Result<Vec<DeliveryRecord>> {
    let lock = match conn.backend() {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE webhook_deliveries SET locked_until = $1 WHERE id IN (SELECT id FROM \
         webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $2 \
         AND (locked_until IS NULL OR locked_until < $2) ORDER BY id LIMIT $3{lock}) \
         RETURNING {DELIVERY_COLUMNS}"
    );
    let mut rows: Vec<DeliveryRecord> = conn
        .fetch_all(&sql, params![lease_until, now, limit])
        .await?;
    rows.sort_by_key(|d| d.id);
    Ok(rows)
}

/// One attempt's outcome.
#[derive(Debug, Clone)]
pub struct Attempt<'a> {
    pub delivery_id: i64,
    pub at: OffsetDateTime,
    pub status_code: Option<i64>,
    pub error: Option<&'a str>,
    pub duration_ms: i64,
}

/// What becomes of a delivery after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Delivered,
    Retry(OffsetDateTime),
    Failed,
}

/// Records an attempt and the delivery's new state (one transaction, the caller's).
pub async fn record_attempt(conn: &mut Conn, a: &Attempt<'_>, next: Next) -> Result<()> {
    conn.execute(
        "INSERT INTO webhook_attempts (delivery_id, attempted_at, status_code, error, duration_ms) \
         VALUES ($1, $2, $3, $4, $5)",
        params![a.delivery_id, a.at, a.status_code, a.error, a.duration_ms],
    )
    .await?;
    let (status, next_at, delivered_at) = match next {
        Next::Delivered => ("delivered", None, Some(a.at)),
        Next::Retry(at) => ("pending", Some(at), None),
        Next::Failed => ("failed", None, None),
    };
    conn.execute(
        "UPDATE webhook_deliveries SET status = $1, next_attempt_at = COALESCE($2, next_attempt_at), \
         delivered_at = COALESCE($3, delivered_at), attempts = attempts + 1, locked_until = NULL, \
         last_status = $4, last_error = $5, first_attempt_at = COALESCE(first_attempt_at, $6) \
         WHERE id = $7",
        params![
            status,
            next_at,
            delivered_at,
            a.status_code,
            a.error,
            a.at,
            a.delivery_id
        ],
    )
    .await
    .map(drop)
}

/// Which deliveries of an app to list, newest first.
#[derive(Debug, Clone)]
pub struct DeliveryFilter<'a> {
    pub app_id: &'a str,
    pub status: Option<&'a str>,
    pub event_type: Option<&'a str>,
    /// Keyset: only deliveries older than this id.
    pub before_id: Option<i64>,
    pub limit: i64,
}

pub async fn list(conn: &mut Conn, f: &DeliveryFilter<'_>) -> Result<Vec<DeliveryRecord>> {
    let mut sql = format!("SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE app_id = $1");
    let mut p: Vec<Param<'_>> = vec![f.app_id.into()];
    if let Some(s) = f.status {
        p.push(s.into());
        sql.push_str(&format!(" AND status = ${}", p.len()));
    }
    if let Some(e) = f.event_type {
        p.push(e.into());
        sql.push_str(&format!(" AND event_type = ${}", p.len()));
    }
    if let Some(id) = f.before_id {
        p.push(id.into());
        sql.push_str(&format!(" AND id < ${}", p.len()));
    }
    p.push(f.limit.into());
    sql.push_str(&format!(" ORDER BY id DESC LIMIT ${}", p.len()));
    conn.fetch_all(&sql, &p).await
}

pub async fn find(conn: &mut Conn, app_id: &str, id: i64) -> Result<Option<DeliveryRecord>> {
    conn.fetch_optional(
        &format!("SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = $1 AND app_id = $2"),
        params![id, app_id],
    )
    .await
}

/// An attempt as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRecord {
    pub id: i64,
    pub attempted_at: OffsetDateTime,
    pub status_code: Option<i64>,
    pub error: Option<String>,
    pub duration_ms: i64,
}

impl FromRow for AttemptRecord {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            id: r.int(0)?,
            attempted_at: r.time(1)?,
            status_code: r.opt_int(2)?,
            error: r.opt_text(3)?,
            duration_ms: r.int(4)?,
        })
    }
}

pub async fn attempts(conn: &mut Conn, delivery_id: i64) -> Result<Vec<AttemptRecord>> {
    conn.fetch_all(
        "SELECT id, attempted_at, status_code, error, duration_ms FROM webhook_attempts \
         WHERE delivery_id = $1 ORDER BY id",
        params![delivery_id],
    )
    .await
}

/// Makes a delivery pending and due at `now`, with a new retry window; same body and key.
pub async fn redeliver(conn: &mut Conn, app_id: &str, id: i64, now: OffsetDateTime) -> Result<u64> {
    conn.execute(
        "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $1, \
         locked_until = NULL, first_attempt_at = NULL WHERE id = $2 AND app_id = $3",
        params![now, id, app_id],
    )
    .await
}
