//! The meeting-cap worker: every interval, ends the live meetings whose cap has passed (Basic
//! hosts' at 40 minutes, paid hosts' at 30 hours), writing `meeting.ended` with reason
//! `time_limit` and freeing the host's slot. Any number of servers may run it: each batch is
//! claimed in the transaction that ends it (`Service::end_expired_meetings`), and time comes
//! from the service's clock.

use roster_service::Service;
use std::time::Duration;
use tokio::sync::watch;

/// Meetings ended per transaction.
const BATCH: i64 = 500;

/// Starts the worker; it stops when `shutdown` turns true.
pub fn spawn(
    service: Service,
    interval: Duration,
    shutdown: watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    crate::periodic::spawn("meeting caps", interval, shutdown, move || {
        let service = service.clone();
        async move {
            let mut total = 0;
            // A full batch means more may be due: keep going until one comes back short.
            loop {
                let n = service
                    .end_expired_meetings(BATCH)
                    .await
                    .map_err(|e| e.to_string())?;
                total += n;
                if i64::try_from(n).unwrap_or(i64::MAX) < BATCH {
                    return Ok(total);
                }
            }
        }
    })
}
