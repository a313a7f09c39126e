//! Configuration. Every key, its default and its environment variable are listed here and in the
//! README; values come from the defaults, then `roster.toml` (or `--config FILE`), then `ROSTER_*`
//! environment variables (nested keys with `__`), then command-line flags.

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::Path;

/// Roster's settings.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Config {
    /// `ROSTER_DATABASE_URL`: `sqlite://PATH` (default `sqlite://roster.db`) or `postgres://…`.
    pub database_url: String,
    /// `ROSTER_DATABASE_MAX_CONNECTIONS`: PostgreSQL pool size; idle SQLite readers kept.
    pub database_max_connections: u32,
    /// `ROSTER_LISTEN`: the address `roster serve` listens on (default `127.0.0.1:8080`).
    pub listen: SocketAddr,
    /// `ROSTER_PUBLIC_URL`: the URL clients reach this server at, e.g. behind a proxy
    /// (default `http://` + the listen address). Returned as `api_url` with tokens.
    pub public_url: Option<String>,
    /// `ROSTER_LOG`: a tracing filter such as `info` or `roster=debug,tower_http=info`.
    pub log: String,
    /// `ROSTER_LOG_FORMAT`: `text` (default) or `json`.
    pub log_format: LogFormat,
    /// `ROSTER_ACCESS_TOKEN_TTL_SECS`: lifetime of OAuth access tokens (default 3600, as Zoom).
    pub access_token_ttl_secs: u64,
    /// `ROSTER_SMTP_URL`: where mail goes, `smtp://[user:pass@]host[:port][?tls=required]` or
    /// `smtps://…`. Unset (the default): mail stays in the local outbox (`roster mail list`).
    pub smtp_url: Option<String>,
    /// `ROSTER_MAIL_FROM`: the From address of Roster's mail.
    pub mail_from: String,
    /// `ROSTER_MAIL_POLL_MS`: how often the mail worker looks for due messages (default 1000).
    pub mail_poll_ms: u64,
    /// `ROSTER_MAIL_RETRY_BASE_MS`: the first retry's delay after a failed delivery; each further
    /// one doubles it, up to an hour (default 10000).
    pub mail_retry_base_ms: u64,
    /// `ROSTER_MAIL_LEASE_MS`: how long a worker holds a message it is delivering; a worker that
    /// dies delays its messages by at most this (default 120000).
    pub mail_lease_ms: u64,
    /// `ROSTER_INVITE_SWEEP_MS`: how often expired invitations are removed (default 60000).
    pub invite_sweep_ms: u64,
    /// `ROSTER_ALLOW_SIGNUP`: whether people may sign up for their own free accounts at
    /// `/signup` (default false; also `roster serve --allow-signup`).
    pub allow_signup: bool,
    /// `ROSTER_DNS_RESOLVER`: the DNS server (`IP:PORT`) that verifies managed domains' TXT
    /// records. Unset (the default): the system's resolver (`/etc/resolv.conf`).
    pub dns_resolver: Option<SocketAddr>,
    /// `ROSTER_TRUSTED_PROXIES`: the reverse proxies in front of Roster, as comma-separated
    /// addresses or CIDR ranges (`10.0.0.0/8,127.0.0.1`). For requests from them, the portal
    /// takes the client's address from `X-Forwarded-For` (for its per-address sign-in throttle).
    /// Empty (the default): the TCP peer is the client.
    pub trusted_proxies: String,
    /// `ROSTER_MEETING_CAP_SWEEP_MS`: how often the cap worker ends meetings whose time is up
    /// (default 5000: a meeting runs at most this much past its cap).
    pub meeting_cap_sweep_ms: u64,
    /// `ROSTER_MEDIA__*`: where people admitted to a live meeting go.
    pub media: MediaConfig,
    /// `ROSTER_WEBHOOK_POLL_MS` / `roster serve --webhook-poll-ms`: how often the webhook
    /// workers look for new events and due deliveries when idle (default 1000).
    pub webhook_poll_ms: u64,
    /// `ROSTER_WEBHOOK_RETRY_BASE_MS` / `--webhook-retry-base-ms`: the first retry's delay after
    /// a failed delivery; each further one doubles it, up to `webhook_retry_cap_ms`, for 24 hours
    /// from the first attempt (default 10000).
    pub webhook_retry_base_ms: u64,
    /// `ROSTER_WEBHOOK_RETRY_CAP_MS`: the longest delay between two attempts (default 3600000).
    pub webhook_retry_cap_ms: u64,
    /// `ROSTER_WEBHOOK_TIMEOUT_MS`: the total time a webhook request (a delivery or the URL
    /// validation challenge) may take; connecting gets half, at most 5 s (default 10000).
    pub webhook_timeout_ms: u64,
    /// `ROSTER_WEBHOOK_LEASE_MS`: how long a server holds a delivery it is sending; one that dies
    /// delays its deliveries by at most this. At least twice the timeout (default 60000).
    pub webhook_lease_ms: u64,
}

/// Which media engine admitted people are handed to.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    /// Roster's own page is the meeting's lobby.
    #[default]
    Builtin,
    /// A Jitsi Meet deployment with token authentication.
    Jitsi,
}

/// The media engine's settings (`[media]` in roster.toml).
#[derive(Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct MediaConfig {
    /// `ROSTER_MEDIA__ENGINE` / `--media`: `builtin` (default) or `jitsi`.
    pub engine: MediaKind,
    /// `ROSTER_MEDIA__URL` / `--media-url`: the deployment's base URL, e.g.
    /// `https://meet.example.com`; its host name is the JWT's `sub`.
    pub url: Option<String>,
    /// `ROSTER_MEDIA__APP_ID` / `--media-app-id`: Prosody's `app_id` (the JWT's `iss`).
    pub app_id: Option<String>,
    /// `ROSTER_MEDIA__SECRET` / `--media-secret`: Prosody's `app_secret` (the HS256 key).
    pub secret: Option<String>,
}

impl std::fmt::Debug for MediaConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaConfig")
            .field("engine", &self.engine)
            .field("url", &self.url)
            .field("app_id", &self.app_id)
            .field("secret", &self.secret.as_ref().map(|_| "***"))
            .finish()
    }
}

impl MediaConfig {
    /// The engine these settings describe; a Jitsi engine needs its URL, app id and secret.
    pub fn engine(&self) -> Result<roster_service::live::MediaEngine, String> {
        use roster_service::live::{JitsiConfig, MediaEngine};
        match self.engine {
            MediaKind::Builtin => Ok(MediaEngine::Builtin),
            MediaKind::Jitsi => {
                let need = |v: &Option<String>, what: &str| {
                    v.as_deref()
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .ok_or_else(|| format!("--media jitsi needs {what}"))
                };
                let url = need(&self.url, "--media-url (ROSTER_MEDIA__URL)")?;
                if !(url.starts_with("https://") || url.starts_with("http://")) {
                    return Err(format!("--media-url must be an http(s) URL, not {url:?}"));
                }
                Ok(MediaEngine::Jitsi(JitsiConfig {
                    url: url.trim_end_matches('/').to_owned(),
                    app_id: need(&self.app_id, "--media-app-id (ROSTER_MEDIA__APP_ID)")?,
                    secret: need(&self.secret, "--media-secret (ROSTER_MEDIA__SECRET)")?,
                }))
            }
        }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: "sqlite://roster.db".to_owned(),
            database_max_connections: 16,
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: None,
            log: "info".to_owned(),
            log_format: LogFormat::Text,
            access_token_ttl_secs: 3600,
            smtp_url: None,
            mail_from: "Roster <roster@localhost>".to_owned(),
            mail_poll_ms: 1000,
            mail_retry_base_ms: 10_000,
            mail_lease_ms: 120_000,
            invite_sweep_ms: 60_000,
            allow_signup: false,
            dns_resolver: None,
            trusted_proxies: String::new(),
            meeting_cap_sweep_ms: 5000,
            media: MediaConfig::default(),
            webhook_poll_ms: 1000,
            webhook_retry_base_ms: 10_000,
            webhook_retry_cap_ms: 3_600_000,
            webhook_timeout_ms: 10_000,
            webhook_lease_ms: 60_000,
        }
    }
}

impl Config {
    /// Defaults, then the TOML file (when it exists), then `ROSTER_*` variables.
    pub fn load(file: Option<&Path>) -> Result<Self, Box<figment::Error>> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) => fig = fig.merge(Toml::file_exact(path)),
            None => fig = fig.merge(Toml::file("roster.toml")),
        }
        fig.merge(Env::prefixed("ROSTER_").split("__"))
            .extract()
            .map_err(Box::new)
    }
}

#[cfg(test)]
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_sane() {
        let c = Config::default();
        assert_eq!(c.database_url, "sqlite://roster.db");
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(c.access_token_ttl_secs, 3600);
    }

    #[test]
    fn file_and_env_override_defaults() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("roster.toml", "listen = \"0.0.0.0:9000\"\nlog = \"debug\"")?;
            jail.set_env("ROSTER_LOG", "warn");
            jail.set_env("ROSTER_ACCESS_TOKEN_TTL_SECS", "60");
            jail.set_env("ROSTER_DNS_RESOLVER", "127.0.0.1:5353");
            jail.set_env("ROSTER_TRUSTED_PROXIES", "10.0.0.0/8,127.0.0.1");
            let c = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(c.trusted_proxies, "10.0.0.0/8,127.0.0.1");
            assert_eq!(c.dns_resolver, Some("127.0.0.1:5353".parse().unwrap()));
            assert_eq!(c.listen.to_string(), "0.0.0.0:9000");
            assert_eq!(c.log, "warn");
            assert_eq!(c.access_token_ttl_secs, 60);
            Ok(())
        });
    }

    #[test]
    fn media_settings_come_from_nested_env() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("ROSTER_MEDIA__ENGINE", "jitsi");
            jail.set_env("ROSTER_MEDIA__URL", "https://meet.example.com/");
            jail.set_env("ROSTER_MEDIA__APP_ID", "roster");
            jail.set_env("ROSTER_MEDIA__SECRET", "s3cret");
            let c = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(c.media.engine, MediaKind::Jitsi);
            assert!(!format!("{:?}", c.media).contains("s3cret"));
            assert!(c.media.engine().is_ok());
            let incomplete = MediaConfig {
                engine: MediaKind::Jitsi,
                ..MediaConfig::default()
            };
            assert!(incomplete.engine().unwrap_err().contains("--media-url"));
            Ok(())
        });
    }

    #[test]
    fn bad_values_are_reported() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("ROSTER_LISTEN", "not-an-address");
            let err = Config::load(None).unwrap_err();
            assert!(err.to_string().to_lowercase().contains("listen"), "{err}");
            Ok(())
        });
    }
}
