//! The outbox side of delivery, for the mail worker: claim what is due, then record each
//! outcome together with its event (`mail.sent`, `mail.failed`, actor `system`) in one
//! transaction, so the account's audit log shows every delivery and every failed attempt.

use super::render::redact_tokens;
use crate::events::{self, Event};
use crate::{Actor, Result, Service};
use roster_domain::AccountId;
use roster_store::mail::{self, MailRecord};
use roster_store::Conn;
use serde_json::{json, Map};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

impl Service {
    /// Leases up to `limit` due messages until `lease_until` and returns them.
    pub async fn claim_due_mail(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: i64,
    ) -> Result<Vec<MailRecord>> {
        let mut tx = self.db.begin().await?;
        let due = mail::claim_due(&mut tx, now, lease_until, limit).await?;
        tx.commit().await?;
        Ok(due)
    }

    /// Records that the SMTP server accepted `m`: marked sent, its stored copy without live
    /// tokens, and a `mail.sent` event.
    pub async fn record_mail_sent(&self, m: &MailRecord, at: OffsetDateTime) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let (text, html) = (redact_tokens(&m.text_body), redact_tokens(&m.html_body));
        mail::mark_sent(&mut tx, m.id, at, &text, &html).await?;
        emit(&mut tx, m, "mail.sent", Map::new(), at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a failed attempt at `m` and when to try again, with a `mail.failed` event.
    pub async fn record_mail_failed(
        &self,
        m: &MailRecord,
        error: &str,
        at: OffsetDateTime,
        retry_at: OffsetDateTime,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        mail::mark_failed(&mut tx, m.id, error, retry_at).await?;
        let mut extra = Map::new();
        extra.insert("error".into(), json!(error));
        extra.insert(
            "next_attempt_at".into(),
            json!(retry_at.format(&Rfc3339).unwrap_or_default()),
        );
        emit(&mut tx, m, "mail.failed", extra, at).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The event of an attempt at `m`. A message of no account has no audit log to go to.
async fn emit(
    conn: &mut Conn,
    m: &MailRecord,
    kind: &'static str,
    extra: Map<String, serde_json::Value>,
    at: OffsetDateTime,
) -> Result<()> {
    let Some(account_id) = m.account_id.as_deref().and_then(AccountId::parse) else {
        return Ok(());
    };
    let object = json!({
        "id": m.id,
        "kind": m.kind,
        "to": m.to,
        "attempts": m.attempts + 1,
        "message_id": m.message_id,
    });
    let event = Event {
        account_id: &account_id,
        kind,
        actor: &Actor::System,
        target: &m.id.to_string(),
        object,
        extra,
    };
    events::emit(conn, event, at).await
}
