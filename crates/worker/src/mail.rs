//! The mail worker: claims due messages from the outbox under a lease, delivers them over SMTP,
//! and marks each sent only after the server accepted it; a failure is retried with exponential
//! backoff. A crash between acceptance and marking can at worst send a message twice, with the
//! same Message-ID, so receivers can drop the copy. Each outcome is recorded through the service
//! layer, with its `mail.sent` or `mail.failed` event in the same transaction.

use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use roster_service::Service;
use roster_store::mail::MailRecord;
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::watch;

/// How the worker delivers.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// `smtp://[user:pass@]host[:port][?tls=required|opportunistic]` or `smtps://…`.
    pub smtp_url: String,
    /// The From address, e.g. `Roster <roster@example.com>`.
    pub from: String,
    /// How often to look for due messages.
    pub poll_interval: Duration,
    /// The first retry's delay; each further one doubles it, up to an hour.
    pub retry_base: Duration,
    /// How long a claimed message is reserved for the worker that claimed it: longer than any
    /// delivery takes. A worker that dies holding messages delays them by at most this.
    pub lease: Duration,
}

/// Messages claimed at once.
const BATCH: i64 = 20;

/// When to try again after `attempts` failures: `base`, twice that, four times, … at most one
/// hour.
pub fn backoff(base: Duration, attempts: i64) -> time::Duration {
    let exp = u32::try_from(attempts.clamp(0, 20)).unwrap_or(20);
    let ms = i64::try_from(base.as_millis())
        .unwrap_or(i64::MAX)
        .saturating_mul(2_i64.saturating_pow(exp));
    time::Duration::milliseconds(ms.min(3_600_000))
}

fn message(from: &Mailbox, m: &MailRecord) -> Result<Message, String> {
    let to: Mailbox =
        m.to.parse()
            .map_err(|e| format!("bad recipient {}: {e}", m.to))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(m.subject.clone())
        .message_id(Some(m.message_id.clone()))
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(m.text_body.clone()),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(m.html_body.clone()),
                ),
        )
        .map_err(|e| e.to_string())
}

/// Delivers what is due once; returns how many messages were sent.
pub async fn deliver_due(
    service: &Service,
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    from: &Mailbox,
    retry_base: Duration,
    lease: Duration,
) -> Result<usize, roster_service::Error> {
    let now = OffsetDateTime::now_utc();
    let lease = time::Duration::try_from(lease).unwrap_or(time::Duration::minutes(2));
    let due = service.claim_due_mail(now, now + lease, BATCH).await?;
    let mut sent = 0;
    for m in due {
        let outcome = match message(from, &m) {
            Ok(msg) => transport
                .send(msg)
                .await
                .map(drop)
                .map_err(|e| e.to_string()),
            Err(e) => Err(e),
        };
        let at = OffsetDateTime::now_utc();
        match outcome {
            Ok(()) => {
                service.record_mail_sent(&m, at).await?;
                sent += 1;
                tracing::info!(id = m.id, to = %m.to, kind = %m.kind, "mail sent");
            }
            Err(e) => {
                let retry = at + backoff(retry_base, m.attempts);
                tracing::warn!(id = m.id, to = %m.to, error = %e, %retry, "mail not sent; will retry");
                service.record_mail_failed(&m, &e, at, retry).await?;
            }
        }
    }
    Ok(sent)
}

/// Starts the mail worker; it stops when `shutdown` turns true. Fails at once on a bad SMTP URL
/// or From address, so a misconfiguration is noticed at start-up.
pub fn spawn(
    service: Service,
    config: MailConfig,
    mut shutdown: watch::Receiver<bool>,
) -> Result<tokio::task::JoinHandle<()>, String> {
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&config.smtp_url)
        .map_err(|e| format!("ROSTER_SMTP_URL is not a usable SMTP URL: {e}"))?
        .build();
    let from: Mailbox = config.from.parse().map_err(|e| {
        format!(
            "ROSTER_MAIL_FROM is not a mail address ({e}): {}",
            config.from
        )
    })?;
    Ok(tokio::spawn(async move {
        loop {
            if let Err(e) =
                deliver_due(&service, &transport, &from, config.retry_base, config.lease).await
            {
                tracing::error!(error = %e, "mail worker could not read the outbox");
            }
            tokio::select! {
                _ = tokio::time::sleep(config.poll_interval) => {}
                _ = shutdown.changed() => break,
            }
            if *shutdown.borrow() {
                break;
            }
        }
        tracing::info!("mail worker stopped");
    }))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    #[test]
    fn backoff_grows_and_caps() {
        let base = Duration::from_secs(10);
        assert_eq!(super::backoff(base, 0).whole_seconds(), 10);
        assert_eq!(super::backoff(base, 1).whole_seconds(), 20);
        assert_eq!(super::backoff(base, 8).whole_seconds(), 2560);
        assert_eq!(super::backoff(base, 9).whole_seconds(), 3600);
        assert_eq!(super::backoff(base, 100).whole_seconds(), 3600);
    }
}
