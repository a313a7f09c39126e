//! The delivery log of an app (newest first, keyset-paged, filtered by status and event type),
//! one delivery with its attempts, and manual redelivery: the delivery becomes pending and due
//! now, with the same body and idempotency key and a fresh retry window.

use crate::{paging, Actor, Error, Result, Service};
use roster_domain::paging::page_size;
use roster_store::webhooks::{self as stored, AttemptRecord, DeliveryFilter, DeliveryRecord};

/// A page request of the delivery log.
#[derive(Debug, Clone, Default)]
pub struct DeliveryQuery {
    /// `pending`, `delivered` or `failed`.
    pub status: Option<String>,
    /// An event type, e.g. `user.created`.
    pub event: Option<String>,
    pub page_size: Option<i64>,
    pub next_page_token: Option<String>,
}

/// A page of the delivery log.
#[derive(Debug, Clone)]
pub struct DeliveryPage {
    pub page_size: u32,
    pub next_page_token: String,
    pub deliveries: Vec<DeliveryRecord>,
}

const STATUSES: &[&str] = &["pending", "delivered", "failed"];

impl Service {
    pub async fn list_webhook_deliveries(
        &self,
        actor: Actor<'_>,
        app_ref: &str,
        q: DeliveryQuery,
    ) -> Result<DeliveryPage> {
        let app = self.webhook_app(&actor, app_ref).await?;
        let status = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) if STATUSES.contains(&s) => Some(s.to_owned()),
            Some(s) => {
                return Err(Error::invalid(
                    "status",
                    format!("status must be pending, delivered or failed, not {s:?}"),
                ))
            }
        };
        let event = q
            .event
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        let size = page_size(q.page_size).map_err(|e| Error::invalid("page_size", e))?;
        let before_id = match paging::after(q.next_page_token.as_deref())? {
            None => None,
            Some(a) => Some(
                a.parse::<i64>()
                    .map_err(|_| Error::invalid("next_page_token", "invalid page token"))?,
            ),
        };
        let mut conn = self.db.read().await?;
        let mut rows = stored::list(
            &mut conn,
            &DeliveryFilter {
                app_id: &app.id,
                status: status.as_deref(),
                event_type: event.as_deref(),
                before_id,
                limit: i64::from(size) + 1,
            },
        )
        .await?;
        drop(conn);
        let next = paging::finish(&mut rows, size, |d| d.id.to_string());
        Ok(DeliveryPage {
            page_size: size,
            next_page_token: next,
            deliveries: rows,
        })
    }

    /// One delivery of the app, with every attempt, oldest first.
    pub async fn get_webhook_delivery(
        &self,
        actor: Actor<'_>,
        app_ref: &str,
        id: &str,
    ) -> Result<(DeliveryRecord, Vec<AttemptRecord>)> {
        let app = self.webhook_app(&actor, app_ref).await?;
        let mut conn = self.db.read().await?;
        let d = find(&mut conn, &app.id, id).await?;
        let attempts = stored::attempts(&mut conn, d.id).await?;
        Ok((d, attempts))
    }

    /// Sends a delivery again: pending and due now, same body and key.
    pub async fn redeliver_webhook(
        &self,
        actor: Actor<'_>,
        app_ref: &str,
        id: &str,
    ) -> Result<DeliveryRecord> {
        let app = self.webhook_app(&actor, app_ref).await?;
        let mut tx = self.db.begin().await?;
        let d = find(&mut tx, &app.id, id).await?;
        stored::redeliver(&mut tx, &app.id, d.id, self.now()).await?;
        let d = find(&mut tx, &app.id, id).await?;
        tx.commit().await?;
        tracing::info!(id = d.id, app_id = %app.id, "webhook redelivery requested");
        Ok(d)
    }
}

async fn find(conn: &mut roster_store::Conn, app_id: &str, id: &str) -> Result<DeliveryRecord> {
    let n: i64 = id
        .trim()
        .parse()
        .map_err(|_| Error::WebhookDeliveryNotFound(id.to_owned()))?;
    stored::find(conn, app_id, n)
        .await?
        .ok_or_else(|| Error::WebhookDeliveryNotFound(id.to_owned()))
}
