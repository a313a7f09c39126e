//! Building and running the server: connect, migrate, bind, serve until told to stop.

use crate::config::Config;
use anyhow::Context;
use roster_api::{AppState, Metrics};
use roster_service::{Service, Settings};
use roster_store::{Db, DbOptions};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// Opens the configured database.
pub async fn connect(config: &Config) -> anyhow::Result<Db> {
    let opts = DbOptions {
        max_connections: config.database_max_connections,
        ..DbOptions::default()
    };
    Db::connect(&config.database_url, &opts)
        .await
        .with_context(|| {
            format!(
                "cannot open the database {}",
                roster_store::redact(&config.database_url)
            )
        })
}

/// A server that is bound and migrated, ready to run.
pub struct Application {
    listener: TcpListener,
    address: SocketAddr,
    state: AppState,
    mail: Option<roster_worker::mail::MailConfig>,
    invite_sweep: Duration,
    cap_sweep: Duration,
    webhooks: roster_worker::webhooks::WebhookConfig,
    smtp_configured: bool,
    trusted_proxies: roster_web::TrustedProxies,
    /// On an empty database: the one-time first-run link to `/setup`.
    setup_link: Option<String>,
}

impl Application {
    /// Connects to the database, applies pending migrations and binds the listen address
    /// (port 0 picks a free port).
    pub async fn build(config: &Config) -> anyhow::Result<Self> {
        let trusted_proxies = roster_web::TrustedProxies::parse(&config.trusted_proxies)
            .map_err(|e| anyhow::anyhow!("ROSTER_TRUSTED_PROXIES: {e}"))?;
        let db = connect(config).await?;
        let report = db.migrate().await.context("migrating the database")?;
        tracing::info!(schema_version = report.current, applied = ?report.applied, "database ready");
        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("cannot listen on {}", config.listen))?;
        let address = listener.local_addr()?;
        let public_url = config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{address}"));
        let service = Service::new(
            db,
            Settings {
                access_token_ttl: Duration::from_secs(config.access_token_ttl_secs),
                public_url: public_url.trim_end_matches('/').to_owned(),
                allow_signup: config.allow_signup,
                dns_resolver: config.dns_resolver,
                media: config.media.engine().map_err(|e| anyhow::anyhow!(e))?,
                webhook_timeout: Duration::from_millis(config.webhook_timeout_ms.max(10)),
            },
        );
        service
            .prepare_host_tokens()
            .await
            .context("reading the host-token key")?;
        let mail = config
            .smtp_url
            .as_ref()
            .map(|url| roster_worker::mail::MailConfig {
                smtp_url: url.clone(),
                from: config.mail_from.clone(),
                poll_interval: Duration::from_millis(config.mail_poll_ms.max(10)),
                retry_base: Duration::from_millis(config.mail_retry_base_ms.max(10)),
                lease: Duration::from_millis(config.mail_lease_ms.max(100)),
            });
        let setup_link = service
            .portal_setup_link()
            .await
            .context("creating the first-run setup link")?;
        Ok(Self {
            listener,
            address,
            smtp_configured: mail.is_some(),
            trusted_proxies,
            setup_link,
            mail,
            invite_sweep: Duration::from_millis(config.invite_sweep_ms.max(10)),
            cap_sweep: Duration::from_millis(config.meeting_cap_sweep_ms.max(10)),
            webhooks: webhook_config(config),
            state: AppState {
                service,
                metrics: Metrics::new(),
                public_url: Arc::from(public_url.trim_end_matches('/')),
            },
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// On a database without accounts: the one-time link to the portal's `/setup` page
    /// (`roster serve` prints it).
    pub fn setup_link(&self) -> Option<&str> {
        self.setup_link.as_deref()
    }

    pub fn service(&self) -> &Service {
        &self.state.service
    }

    /// Serves until `shutdown` completes, then finishes in-flight requests, stops the workers and
    /// closes the database.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let db = self.state.service.db().clone();
        let (stop_workers, workers_stopped) = tokio::sync::watch::channel(false);
        let mail_worker = match self.mail {
            Some(config) => Some(
                roster_worker::mail::spawn(
                    self.state.service.clone(),
                    config,
                    workers_stopped.clone(),
                )
                .map_err(|e| anyhow::anyhow!(e))?,
            ),
            None => {
                tracing::info!(
                    "no SMTP server configured (ROSTER_SMTP_URL): mail stays in the local outbox; see `roster mail list`"
                );
                None
            }
        };
        let service = self.state.service.clone();
        let sweeper = roster_worker::periodic::spawn(
            "invitation expiry",
            self.invite_sweep,
            workers_stopped.clone(),
            move || {
                let service = service.clone();
                async move {
                    service
                        .sweep_expired_invitations(500)
                        .await
                        .map_err(|e| e.to_string())
                }
            },
        );
        let service = self.state.service.clone();
        // Import jobs untouched for six hours, with their files and reports (new uploads
        // delete them too).
        let import_sweeper = roster_worker::periodic::spawn(
            "import jobs",
            std::time::Duration::from_secs(15 * 60),
            workers_stopped.clone(),
            move || {
                let service = service.clone();
                async move { service.sweep_import_jobs().await.map_err(|e| e.to_string()) }
            },
        );
        let cap_worker = roster_worker::caps::spawn(
            self.state.service.clone(),
            self.cap_sweep,
            workers_stopped.clone(),
        );
        let webhook_workers = roster_worker::webhooks::spawn(
            self.state.service.clone(),
            self.webhooks,
            workers_stopped.clone(),
        )
        .map_err(|e| anyhow::anyhow!(e))?;
        let portal = roster_web::router(
            roster_web::WebState::new(
                self.state.service.clone(),
                &self.state.public_url,
                self.smtp_configured,
            )
            .with_trusted_proxies(self.trusted_proxies),
        );
        let app = roster_api::app_with(self.state, portal);
        // The peer address feeds the portal's per-address sign-in throttle.
        axum::serve(
            self.listener,
            axum::ServiceExt::<axum::extract::Request>::into_make_service_with_connect_info::<
                SocketAddr,
            >(app),
        )
        .with_graceful_shutdown(shutdown)
        .await
        .context("serving HTTP")?;
        let _ = stop_workers.send(true);
        let _ = sweeper.await;
        let _ = import_sweeper.await;
        let _ = cap_worker.await;
        for worker in webhook_workers {
            let _ = worker.await;
        }
        if let Some(worker) = mail_worker {
            let _ = worker.await;
        }
        db.close().await;
        Ok(())
    }
}

/// The webhook workers' settings.
fn webhook_config(config: &Config) -> roster_worker::webhooks::WebhookConfig {
    let timeout = Duration::from_millis(config.webhook_timeout_ms.max(10));
    roster_worker::webhooks::WebhookConfig {
        poll_interval: Duration::from_millis(config.webhook_poll_ms.max(10)),
        retry: roster_service::webhooks::delivery::RetryPolicy {
            base: Duration::from_millis(config.webhook_retry_base_ms.max(10)),
            cap: Duration::from_millis(config.webhook_retry_cap_ms.max(10)),
            ..Default::default()
        },
        timeout,
        lease: Duration::from_millis(config.webhook_lease_ms).max(timeout * 2),
    }
}

/// A future that completes on SIGTERM or Ctrl-C (SIGINT). The handlers are installed when this
/// is called, not when the future is first polled, so a signal sent as soon as the server says it
/// is listening is never missed.
pub fn shutdown_signal() -> anyhow::Result<impl Future<Output = ()> + Send + 'static> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate()).context("listening for SIGTERM")?;
        let mut int = signal(SignalKind::interrupt()).context("listening for SIGINT")?;
        Ok(async move {
            tokio::select! {
                _ = term.recv() => {},
                _ = int.recv() => {},
            }
            tracing::info!("shutting down: finishing in-flight requests");
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("shutting down: finishing in-flight requests");
        })
    }
}
