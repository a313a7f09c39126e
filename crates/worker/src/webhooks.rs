//! The webhook workers. The dispatcher fans undispatched events out into deliveries; the
//! deliverer sends due deliveries, each in its own task so a receiver that hangs holds up only
//! itself, and never longer than the request timeout. Both only touch the database through the
//! service layer, with leases and `SKIP LOCKED`, so any number of servers may run them.

use roster_service::webhooks::delivery::RetryPolicy;
use roster_service::Service;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Semaphore};

/// How the webhook workers run.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// How often both workers look for work when there was none.
    pub poll_interval: Duration,
    /// Retries: base delay (doubling), cap and window.
    pub retry: RetryPolicy,
    /// A request's total time limit (connecting gets half of it, at most five seconds).
    pub timeout: Duration,
    /// How long a claimed delivery is reserved for the worker that claimed it; more than the
    /// timeout. A worker that dies holding deliveries delays them by at most this.
    pub lease: Duration,
}

/// Events fanned out per transaction.
const EVENT_BATCH: i64 = 500;
/// Deliveries in flight at once, per server.
const IN_FLIGHT: usize = 32;

/// Starts the dispatcher and the deliverer; both stop when `shutdown` turns true.
pub fn spawn(
    service: Service,
    config: WebhookConfig,
    shutdown: watch::Receiver<bool>,
) -> Result<Vec<tokio::task::JoinHandle<()>>, String> {
    let client =
        roster_service::webhooks::http::client(config.timeout).map_err(|e| e.to_string())?;
    let dispatcher = {
        let service = service.clone();
        let mut shutdown = shutdown.clone();
        let poll = config.poll_interval;
        tokio::spawn(async move {
            loop {
                let busy = match service.dispatch_events(EVENT_BATCH).await {
                    Ok(n) => n > 0,
                    Err(e) => {
                        tracing::error!(error = %e, "webhook dispatcher could not read the events");
                        false
                    }
                };
                if !busy && wait(&mut shutdown, poll).await {
                    break;
                }
                if *shutdown.borrow() {
                    break;
                }
            }
            tracing::info!("webhook dispatcher stopped");
        })
    };
    let deliverer = {
        let mut shutdown = shutdown;
        tokio::spawn(async move {
            // Each delivery runs in its own task holding a permit; the loop claims only as many
            // as there are free permits, so a hanging receiver occupies one slot, never the loop.
            let permits = Arc::new(Semaphore::new(IN_FLIGHT));
            let mut tasks = tokio::task::JoinSet::new();
            loop {
                while tasks.try_join_next().is_some() {}
                let free = permits.available_permits();
                let due = if free == 0 {
                    Vec::new()
                } else {
                    let limit = i64::try_from(free).unwrap_or(1);
                    match service.claim_due_webhooks(config.lease, limit).await {
                        Ok(due) => due,
                        Err(e) => {
                            tracing::error!(error = %e, "webhook deliverer could not claim deliveries");
                            Vec::new()
                        }
                    }
                };
                let busy = !due.is_empty();
                for d in due {
                    let Ok(permit) = permits.clone().acquire_owned().await else {
                        break;
                    };
                    let (service, client, retry) = (service.clone(), client.clone(), config.retry);
                    tasks.spawn(async move {
                        if let Err(e) = service.attempt_webhook(&client, &d, &retry).await {
                            tracing::error!(id = d.id, error = %e, "could not record a webhook attempt");
                        }
                        drop(permit);
                    });
                }
                if !busy && wait(&mut shutdown, config.poll_interval).await {
                    break;
                }
                if *shutdown.borrow() {
                    break;
                }
            }
            // In-flight deliveries end within the request timeout.
            while tasks.join_next().await.is_some() {}
            tracing::info!("webhook deliverer stopped");
        })
    };
    Ok(vec![dispatcher, deliverer])
}

/// Sleeps `d` unless told to stop first; returns whether to stop.
async fn wait(shutdown: &mut watch::Receiver<bool>, d: Duration) -> bool {
    tokio::select! {
        _ = tokio::time::sleep(d) => false,
        _ = shutdown.changed() => true,
    }
}
