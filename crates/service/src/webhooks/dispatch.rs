//! The fan-out: undispatched events become one delivery per recipient app, and are marked
//! dispatched, in one transaction. On PostgreSQL several servers claim disjoint batches
//! (`FOR UPDATE SKIP LOCKED`); a crash before the commit leaves the events undispatched, and
//! the unique (app, event) pair means a second fan-out can never add a second delivery.
//!
//! Recipients of an event of account X: apps with a webhook URL, subscribed to the event type,
//! that are X's server-to-server apps, or have a live account-level install in X, or a live
//! personal install by a user the event concerns. `app_deauthorized` goes only to the app its
//! `target` names, subscribed or not, even though that app's install is revoked.

use crate::{Result, Service};
use roster_domain::webhook::{self, DEAUTHORIZED};
use roster_store::events::EventRecord;
use roster_store::webhooks::{self as stored, NewDelivery, Recipient};
use std::collections::BTreeSet;

/// The apps (ids, each once) that receive `e`, of the candidate `recipients` of its account.
pub fn recipients_of(e: &EventRecord, recipients: &[Recipient]) -> Vec<String> {
    let Some(account) = e.account_id.as_deref() else {
        return Vec::new();
    };
    let mut users: Option<Vec<String>> = None;
    let mut out: BTreeSet<String> = BTreeSet::new();
    for r in recipients {
        if r.account_id != account || !webhook::subscribed(&r.events, &e.kind) {
            continue;
        }
        let concerned = match &r.user_id {
            None => true,
            Some(u) => users
                .get_or_insert_with(|| webhook::concerned_users(e.target.as_deref(), &e.payload))
                .iter()
                .any(|c| c == u),
        };
        if concerned {
            out.insert(r.app_id.clone());
        }
    }
    out.into_iter().collect()
}

impl Service {
    /// Fans out up to `limit` undispatched events; returns how many were dispatched.
    pub async fn dispatch_events(&self, limit: i64) -> Result<usize> {
        // A cheap read first, so an idle server does not take SQLite's writer every poll.
        let mut conn = self.db.read().await?;
        let pending: Option<i64> = conn
            .fetch_optional(
                "SELECT id FROM events WHERE dispatched_at IS NULL ORDER BY id LIMIT 1",
                &[],
            )
            .await?;
        drop(conn);
        if pending.is_none() {
            return Ok(0);
        }
        let mut tx = self.db.begin().await?;
        let events = stored::claim_undispatched(&mut tx, limit).await?;
        if events.is_empty() {
            return Ok(0);
        }
        let accounts: BTreeSet<&str> = events
            .iter()
            .filter(|e| e.kind != DEAUTHORIZED)
            .filter_map(|e| e.account_id.as_deref())
            .collect();
        let accounts: Vec<&str> = accounts.into_iter().collect();
        let candidates = stored::recipients(&mut tx, &accounts).await?;
        let deauthorized: BTreeSet<&str> = events
            .iter()
            .filter(|e| e.kind == DEAUTHORIZED)
            .filter_map(|e| e.target.as_deref())
            .collect();
        let deauthorized: Vec<&str> = deauthorized.into_iter().collect();
        let with_url = stored::apps_with_url(&mut tx, &deauthorized).await?;
        let now = self.now();
        let mut rows = Vec::new();
        for e in &events {
            let apps = if e.kind == DEAUTHORIZED {
                e.target
                    .iter()
                    .filter(|t| with_url.contains(t))
                    .cloned()
                    .collect()
            } else {
                recipients_of(e, &candidates)
            };
            let ts = i64::try_from(e.created_at.unix_timestamp_nanos() / 1_000_000).unwrap_or(0);
            for app_id in apps {
                rows.push(NewDelivery {
                    idempotency_key: webhook::idempotency_key(e.id, &app_id),
                    body: webhook::envelope(&e.kind, ts, &e.payload),
                    app_id,
                    account_id: e.account_id.clone(),
                    event_id: e.id,
                    event_type: e.kind.clone(),
                    at: now,
                });
            }
        }
        stored::insert_deliveries(&mut tx, &rows).await?;
        let ids: Vec<i64> = events.iter().map(|e| e.id).collect();
        stored::mark_dispatched(&mut tx, &ids, now).await?;
        tx.commit().await?;
        if !rows.is_empty() {
            tracing::debug!(
                events = ids.len(),
                deliveries = rows.len(),
                "events fanned out"
            );
        }
        Ok(ids.len())
    }
}
