//! Roster's use cases. One function per use case; each parses its input into domain types,
//! checks the domain rules, and writes its changes and the events they cause in one transaction.
//! Every interface (REST, CLI, and later SCIM and the portal) is a thin adapter over [`Service`],
//! so a rule holds everywhere or nowhere.

mod accounts;
pub mod activation;
pub mod admin;
pub mod apps;
pub mod audit;
pub mod authorize;
pub mod billing;
pub mod chat;
mod clock;
mod dns;
pub mod domains;
mod error;
mod events;
pub mod grants;
pub mod groups;
mod hashing;
pub mod installs;
pub mod joining;
pub mod live;
pub mod mail;
pub mod meetings;
mod oauth;
mod paging;
pub mod portal;
pub mod roles;
pub mod scim;
pub mod settings;
pub mod signup;
pub mod users;
pub mod webhooks;

pub use accounts::{CreatedAccount, NewAccount};
pub use clock::Clock;
pub use error::{Error, Result};
pub use oauth::{AccountCredentials, IssuedToken};
pub use users::{
    AddedUser, FeaturePatch, FeatureSettings, InvitationLink, ListQuery, NewUser, RemoveAction,
    Removed, StatusAction, UserEdit, UserPage, UserPatch, UserSettings, UserSettingsPatch,
    UserView,
};

pub use roster_domain as domain;
pub use roster_store as store;

use roster_store::Db;
use std::time::Duration;

/// Tunables of the service layer.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long an OAuth access token lives (Zoom: one hour).
    pub access_token_ttl: Duration,
    /// The URL people reach this server at, for links in mail.
    pub public_url: String,
    /// Whether people may sign up for their own free accounts (`--allow-signup`).
    pub allow_signup: bool,
    /// The DNS server that verifies managed domains (`IP:PORT`); `None`: the system's resolver.
    pub dns_resolver: Option<std::net::SocketAddr>,
    /// Where people admitted to a live meeting go (`--media`).
    pub media: live::MediaEngine,
    /// How long a webhook request (the URL validation challenge, a delivery) may take in all.
    pub webhook_timeout: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            access_token_ttl: Duration::from_secs(3600),
            public_url: "http://127.0.0.1:8080".to_owned(),
            allow_signup: false,
            dns_resolver: None,
            media: live::MediaEngine::Builtin,
            webhook_timeout: Duration::from_secs(10),
        }
    }
}

/// The service layer: every use case, over one database.
#[derive(Debug, Clone)]
pub struct Service {
    db: Db,
    settings: Settings,
    clock: Clock,
    /// The host-token key, once read from the database (see `live::zak`).
    host_key: std::sync::Arc<std::sync::OnceLock<std::sync::Arc<str>>>,
    /// The key that signs OAuth authorization forms, once read (see `authorize`).
    flow_key: std::sync::Arc<std::sync::OnceLock<std::sync::Arc<str>>>,
    /// Failed OAuth sign-ins per email (count, window start), for throttling. Per process:
    /// throttling is not needed for correctness.
    sign_in_failures: std::sync::Arc<SignInFailures>,
}

type SignInFailures = std::sync::Mutex<std::collections::HashMap<String, (u32, i64)>>;

impl Service {
    pub fn new(db: Db, settings: Settings) -> Self {
        Self {
            db,
            settings,
            clock: Clock::system(),
            host_key: Default::default(),
            flow_key: Default::default(),
            sign_in_failures: Default::default(),
        }
    }

    /// The clock every use case and worker of this service reads; advance a clone in tests.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The current time, by [`Service::clock`].
    pub fn now(&self) -> time::OffsetDateTime {
        self.clock.now()
    }

    /// The same service, verifying managed domains through another DNS server.
    pub fn with_dns_resolver(&self, addr: std::net::SocketAddr) -> Self {
        let mut s = self.clone();
        s.settings.dns_resolver = Some(addr);
        s
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Whether the database answers (for `/healthz`).
    pub async fn check_health(&self) -> Result<()> {
        let mut conn = self.db.read().await?;
        let _: i64 = conn.fetch_one("SELECT 1", &[]).await?;
        Ok(())
    }
}

/// Who performs an action, as recorded on its events.
#[derive(Debug, Clone)]
pub enum Actor<'a> {
    /// Someone with shell access to the server, through the `roster` CLI.
    Operator,
    /// Roster itself, e.g. the sweeper that expires invitations.
    System,
    /// An authenticated API caller.
    Principal(&'a domain::Principal),
    /// A host proven by their host token (starting a meeting through its `start_url`).
    Host { id: &'a str, email: &'a str },
}

impl Actor<'_> {
    fn audit_name(&self) -> String {
        match self {
            Self::Operator => "operator".to_owned(),
            Self::System => "system".to_owned(),
            Self::Principal(p) => format!("user:{}", p.user_id),
            Self::Host { id, .. } => format!("user:{id}"),
        }
    }
}

/// The time for records written by helper functions that do not hold the [`Service`] (and so
/// its [`Clock`]): user-management timestamps and page-token issue times, never a limit a test
/// moves the clock for. Use cases read [`Service::now`].
fn record_time() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}
