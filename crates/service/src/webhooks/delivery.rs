//! Delivery, for the webhook worker: claim due deliveries under a lease, send each (see
//! [`super::http::deliver`]), and record the attempt and the delivery's next state in one
//! transaction: delivered on a 2xx; otherwise retried with exponential backoff until the retry
//! window (24 hours from the first attempt) has passed, then failed. A worker that dies holding
//! a lease delays its deliveries by at most the lease; another then sends them again, with the
//! same body and idempotency key.

use super::http;
use crate::{Result, Service};
use roster_store::webhooks::{self as stored, Attempt, DeliveryRecord, Next};
use std::time::Duration;

/// How failed deliveries are retried.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// The first retry's delay; each further one doubles it, up to `cap`.
    pub base: Duration,
    pub cap: Duration,
    /// How long after the first attempt retries stop.
    pub window: time::Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            base: Duration::from_secs(10),
            cap: Duration::from_secs(3600),
            window: time::Duration::hours(24),
        }
    }
}

/// The delay before the retry that follows `failures` failed attempts.
pub fn backoff(p: &RetryPolicy, failures: i64) -> time::Duration {
    let exp = u32::try_from(failures.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    let cap = i64::try_from(p.cap.as_millis()).unwrap_or(i64::MAX);
    let ms = i64::try_from(p.base.as_millis())
        .unwrap_or(i64::MAX)
        .saturating_mul(2_i64.saturating_pow(exp));
    time::Duration::milliseconds(ms.min(cap))
}

impl Service {
    /// Leases up to `limit` due deliveries for `lease`.
    pub async fn claim_due_webhooks(
        &self,
        lease: Duration,
        limit: i64,
    ) -> Result<Vec<DeliveryRecord>> {
        let now = self.now();
        let lease = time::Duration::try_from(lease).unwrap_or(time::Duration::minutes(2));
        let mut tx = self.db.begin().await?;
        let due = stored::claim_due(&mut tx, now, now + lease, limit).await?;
        tx.commit().await?;
        Ok(due)
    }

    /// Sends `d` once and records the outcome; returns whether it was delivered.
    pub async fn attempt_webhook(
        &self,
        client: &reqwest::Client,
        d: &DeliveryRecord,
        policy: &RetryPolicy,
    ) -> Result<bool> {
        let mut conn = self.db.read().await?;
        let app = stored::find_app(&mut conn, &d.app_id).await?;
        drop(conn);
        let result = match app
            .as_ref()
            .and_then(|a| a.url.as_deref().zip(a.secret.as_deref()))
        {
            Some((url, secret)) => {
                http::deliver(client, url, secret, &d.body, &d.idempotency_key).await
            }
            None => http::AttemptResult {
                status_code: None,
                error: Some("the app has no event subscription any more".to_owned()),
                duration_ms: 0,
            },
        };
        let at = self.now();
        let delivered = result.delivered();
        let failures = d.attempts + 1;
        let first = d.first_attempt_at.unwrap_or(at);
        let next = if delivered {
            Next::Delivered
        } else if app.as_ref().is_none_or(|a| a.url.is_none()) {
            Next::Failed
        } else {
            let retry_at = at + backoff(policy, failures);
            if retry_at - first > policy.window {
                Next::Failed
            } else {
                Next::Retry(retry_at)
            }
        };
        let mut tx = self.db.begin().await?;
        stored::record_attempt(
            &mut tx,
            &Attempt {
                delivery_id: d.id,
                at,
                status_code: result.status_code,
                error: result.error.as_deref(),
                duration_ms: result.duration_ms,
            },
            next,
        )
        .await?;
        tx.commit().await?;
        match next {
            Next::Delivered => {
                tracing::info!(id = d.id, app_id = %d.app_id, event = %d.event_type, "webhook delivered")
            }
            Next::Retry(at) => tracing::warn!(id = d.id, app_id = %d.app_id,
                error = result.error.as_deref().unwrap_or_default(), retry_at = %at, "webhook not delivered; will retry"),
            Next::Failed => tracing::warn!(id = d.id, app_id = %d.app_id,
                error = result.error.as_deref().unwrap_or_default(), "webhook failed; giving up"),
        }
        Ok(delivered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let p = RetryPolicy {
            base: Duration::from_secs(10),
            ..RetryPolicy::default()
        };
        assert_eq!(backoff(&p, 1).whole_seconds(), 10);
        assert_eq!(backoff(&p, 2).whole_seconds(), 20);
        assert_eq!(backoff(&p, 3).whole_seconds(), 40);
        assert_eq!(backoff(&p, 30).whole_seconds(), 3600);
    }
}
