//! Periodic jobs (sweepers): run a job every interval until shutdown. A failed run is logged and
//! tried again at the next interval.

use std::future::Future;
use std::time::Duration;
use tokio::sync::watch;

/// Runs `job` now and then every `interval`, until `shutdown` turns true.
pub fn spawn<F, Fut>(
    name: &'static str,
    interval: Duration,
    mut shutdown: watch::Receiver<bool>,
    job: F,
) -> tokio::task::JoinHandle<()>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = Result<usize, String>> + Send,
{
    tokio::spawn(async move {
        loop {
            if let Err(e) = job().await {
                tracing::error!(job = name, error = %e, "periodic job failed; will try again");
            }
            tokio::select! {
                _ = tokio::time::sleep(interval) => {}
                _ = shutdown.changed() => break,
            }
            if *shutdown.borrow() {
                break;
            }
        }
        tracing::info!(job = name, "stopped");
    })
}
