//! The mail outbox. Use cases [`enqueue`] messages in their own transactions; the mail worker
//! [`claim_due`]s a batch under a lease, delivers it, and marks each message [`mark_sent`] only
//! after the SMTP server accepted it, or [`mark_failed`] with the time of the next attempt. A
//! worker that dies mid-delivery loses its lease and another one retries, with the same
//! Message-ID so receivers can drop a duplicate.

use crate::{params, Backend, Conn, FromRow, Result, Row};
use roster_domain::AccountId;
use time::OffsetDateTime;

/// A message to record.
#[derive(Debug, Clone)]
pub struct NewMail<'a> {
    pub account_id: Option<&'a AccountId>,
    /// `activation`, `reminder`, `welcome`, …
    pub kind: &'a str,
    pub to: &'a str,
    pub subject: &'a str,
    pub text_body: &'a str,
    pub html_body: &'a str,
    pub message_id: &'a str,
    pub at: OffsetDateTime,
}

/// A recorded message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailRecord {
    pub id: i64,
    pub account_id: Option<String>,
    pub kind: String,
    pub to: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub message_id: String,
    pub created_at: OffsetDateTime,
    pub attempts: i64,
    pub sent_at: Option<OffsetDateTime>,
    pub last_error: Option<String>,
}

const COLUMNS: &str = "id, account_id, kind, to_addr, subject, text_body, html_body, message_id, \
     created_at, attempts, sent_at, last_error";

impl FromRow for MailRecord {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            id: r.int(0)?,
            account_id: r.opt_text(1)?,
            kind: r.text(2)?,
            to: r.text(3)?,
            subject: r.text(4)?,
            text_body: r.text(5)?,
            html_body: r.text(6)?,
            message_id: r.text(7)?,
            created_at: r.time(8)?,
            attempts: r.int(9)?,
            sent_at: r.opt_time(10)?,
            last_error: r.opt_text(11)?,
        })
    }
}

pub async fn enqueue(conn: &mut Conn, m: &NewMail<'_>) -> Result<()> {
    conn.execute(
        "INSERT INTO mail_outbox (account_id, kind, to_addr, subject, text_body, html_body, \
         message_id, created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        params![
            m.account_id.map(AccountId::as_str),
            m.kind,
            m.to,
            m.subject,
            m.text_body,
            m.html_body,
            m.message_id,
            m.at,
            m.at,
        ],
    )
    .await
    .map(drop)
}

/// Leases up to `limit` messages that are due (unsent, next attempt reached, not leased by a
/// live worker) until `lease_until`, and returns them.
pub async fn claim_due(
    conn: &mut Conn,
    now: OffsetDateTime,
    lease_until: OffsetDateTime,
    limit: i64,
) -> Result<Vec<MailRecord>> {
    // PostgreSQL: several servers claim side by side, each skipping rows another holds.
    // SQLite has one writer at a time, so the plain subquery is already exclusive.
    let lock = match conn.backend() {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE mail_outbox SET locked_until = $1 WHERE id IN (SELECT id FROM mail_outbox \
         WHERE sent_at IS NULL AND next_attempt_at <= $2 AND (locked_until IS NULL OR locked_until < $2) \
         ORDER BY id LIMIT $3{lock}) RETURNING {COLUMNS}"
    );
    let mut rows: Vec<MailRecord> = conn
        .fetch_all(&sql, params![lease_until, now, limit])
        .await?;
    rows.sort_by_key(|m| m.id);
    Ok(rows)
}

/// Marks a message delivered, keeping the bodies given (with live credentials removed).
pub async fn mark_sent(
    conn: &mut Conn,
    id: i64,
    at: OffsetDateTime,
    text_body: &str,
    html_body: &str,
) -> Result<()> {
    conn.execute(
        "UPDATE mail_outbox SET sent_at = $1, attempts = attempts + 1, locked_until = NULL, \
         last_error = NULL, text_body = $2, html_body = $3 WHERE id = $4",
        params![at, text_body, html_body, id],
    )
    .await
    .map(drop)
}

pub async fn mark_failed(
    conn: &mut Conn,
    id: i64,
    error: &str,
    retry_at: OffsetDateTime,
) -> Result<()> {
    conn.execute(
        "UPDATE mail_outbox SET attempts = attempts + 1, locked_until = NULL, last_error = $1, \
         next_attempt_at = $2 WHERE id = $3",
        params![error, retry_at, id],
    )
    .await
    .map(drop)
}

/// The newest messages, newest first.
pub async fn list(conn: &mut Conn, limit: i64) -> Result<Vec<MailRecord>> {
    conn.fetch_all(
        &format!("SELECT {COLUMNS} FROM mail_outbox ORDER BY id DESC LIMIT $1"),
        params![limit],
    )
    .await
}

/// The newest `limit` messages of one account, newest first.
pub async fn list_for_account(
    conn: &mut Conn,
    account_id: &str,
    limit: i64,
) -> Result<Vec<MailRecord>> {
    conn.fetch_all(
        &format!(
            "SELECT {COLUMNS} FROM mail_outbox WHERE account_id = $1 ORDER BY id DESC LIMIT $2"
        ),
        params![account_id, limit],
    )
    .await
}

pub async fn find(conn: &mut Conn, id: i64) -> Result<Option<MailRecord>> {
    conn.fetch_optional(
        &format!("SELECT {COLUMNS} FROM mail_outbox WHERE id = $1"),
        params![id],
    )
    .await
}
