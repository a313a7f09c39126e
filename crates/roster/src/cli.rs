//! The `roster` command line: `serve`, `migrate`, and account administration. [`run`] is the
//! entry point `main` calls and tests call in-process; it writes results to `out` and returns
//! errors for `main` to print.

mod account;
mod admin;
mod domain;
mod mail;
pub(crate) mod webhook;

pub use account::{AccountCommand, CreateAccount};
pub use mail::MailCommand;

use crate::config::Config;
use crate::startup::{self, Application};
use anyhow::Context;
use clap::{Parser, Subcommand};
use roster_service::{Actor, Error as ServiceError, Service, Settings};
use std::ffi::OsString;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Roster: the control plane of one video-meeting organisation.
#[derive(Debug, Parser)]
#[command(name = "roster", version, about, long_about = None)]
pub struct Cli {
    /// Configuration file (default: ./roster.toml when present).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Database: sqlite://PATH (default sqlite://roster.db) or postgres://USER@HOST:PORT/DB.
    /// Also ROSTER_DATABASE_URL.
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (migrations are applied first).
    Serve {
        /// Address to listen on (default 127.0.0.1:8080; also ROSTER_LISTEN).
        #[arg(long, value_name = "ADDR")]
        listen: Option<SocketAddr>,
        /// Let people sign up for their own free accounts at /signup (also ROSTER_ALLOW_SIGNUP).
        #[arg(long)]
        allow_signup: bool,
        /// Where people admitted to a live meeting go: builtin (Roster's lobby page, the
        /// default) or jitsi (also ROSTER_MEDIA__ENGINE).
        #[arg(long, value_name = "ENGINE")]
        media: Option<crate::config::MediaKind>,
        /// The Jitsi Meet deployment's base URL, e.g. https://meet.example.com
        /// (also ROSTER_MEDIA__URL).
        #[arg(long, value_name = "URL")]
        media_url: Option<String>,
        /// The app id Jitsi's token authentication expects as the JWT issuer
        /// (also ROSTER_MEDIA__APP_ID).
        #[arg(long, value_name = "ID")]
        media_app_id: Option<String>,
        /// The secret Jitsi's tokens are signed with, HS256 (also ROSTER_MEDIA__SECRET; prefer
        /// the variable: command lines are visible to other local users).
        #[arg(long, value_name = "SECRET")]
        media_secret: Option<String>,
        /// How often the webhook workers look for events and due deliveries, in milliseconds
        /// (also ROSTER_WEBHOOK_POLL_MS; default 1000).
        #[arg(long, value_name = "MS")]
        webhook_poll_ms: Option<u64>,
        /// The first webhook retry's delay in milliseconds; it doubles per attempt
        /// (also ROSTER_WEBHOOK_RETRY_BASE_MS; default 10000).
        #[arg(long, value_name = "MS")]
        webhook_retry_base_ms: Option<u64>,
    },
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Manage accounts.
    #[command(subcommand)]
    Account(AccountCommand),
    /// Manage OAuth apps.
    #[command(subcommand)]
    App(crate::app_cli::AppCommand),
    /// Read the mail outbox: every message Roster recorded, sent or not. Without an SMTP server
    /// (ROSTER_SMTP_URL), this is where activation links are.
    #[command(subcommand)]
    Mail(MailCommand),
    /// Help users: hand over an activation link when mail does not arrive; import and export
    /// users as CSV (also under `roster users`).
    #[command(subcommand)]
    User(UserCommand),
    /// Team chat: an account's external contacts.
    #[command(subcommand)]
    Chat(crate::chat_cli::ChatCommand),
    /// Meetings: schedule, list, show and delete any user's meetings.
    #[command(subcommand)]
    Meeting(crate::meeting_cli::MeetingCommand),
    /// Administer every user of an account at once: summary, type changes, unlinking, group
    /// switches, CSV import and export.
    #[command(subcommand)]
    Users(admin::UsersCommand),
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Import users from a CSV file (Email, First Name, Last Name, Type, Department, Job Title,
    /// Location, Manager, Group, Role, Custom Attributes): new emails are added, users of the
    /// account are updated, and every row is reported. Acts as the operator, with the Owner's
    /// powers.
    Import {
        /// The CSV file (UTF-8, `,` or `;`).
        file: PathBuf,
        /// The account (default: the only account there is).
        #[arg(long, allow_hyphen_values = true)]
        account_id: Option<String>,
        /// How new users are added: create (invitations; the default) or autoCreate (active,
        /// managed domains only).
        #[arg(long)]
        mode: Option<String>,
        /// Report what would happen, and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Write the per-row report here as CSV.
        #[arg(long, value_name = "OUT.csv")]
        report: Option<PathBuf>,
    },
    /// Export users as CSV (the import's columns).
    Export {
        /// The account (default: the only account there is).
        #[arg(long, allow_hyphen_values = true)]
        account_id: Option<String>,
        /// active (default), inactive or pending.
        #[arg(long)]
        status: Option<String>,
        /// Write here instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Print a pending user's activation link, a fresh one: the previous link stops working,
    /// the new one works for 30 days, and no mail is sent. Hand it over by other means.
    InvitationLink {
        /// The pending user's email address.
        email: String,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// Loads the configuration with the command line's overrides.
pub fn load_config(cli: &Cli) -> anyhow::Result<Config> {
    let mut config = Config::load(cli.config.as_deref()).map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Some(url) = &cli.database_url {
        config.database_url.clone_from(url);
    }
    if let Command::Serve {
        listen,
        allow_signup,
        media,
        media_url,
        media_app_id,
        media_secret,
        webhook_poll_ms,
        webhook_retry_base_ms,
    } = &cli.command
    {
        if let Some(ms) = webhook_poll_ms {
            config.webhook_poll_ms = *ms;
        }
        if let Some(ms) = webhook_retry_base_ms {
            config.webhook_retry_base_ms = *ms;
        }
        if let Some(m) = media {
            config.media.engine = *m;
        }
        for (flag, key) in [
            (media_url, &mut config.media.url),
            (media_app_id, &mut config.media.app_id),
            (media_secret, &mut config.media.secret),
        ] {
            if flag.is_some() {
                key.clone_from(flag);
            }
        }
        if let Some(listen) = listen {
            config.listen = *listen;
        }
        if *allow_signup {
            config.allow_signup = true;
        }
    }
    Ok(config)
}

/// Parses `args` (the program name first) and runs the command.
pub async fn run<I, T>(args: I, out: &mut (dyn Write + Send)) -> anyhow::Result<()>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = Cli::try_parse_from(args)?;
    let config = load_config(&cli)?;
    execute(cli, config, out).await
}

/// Runs an already parsed command.
pub async fn execute(cli: Cli, config: Config, out: &mut (dyn Write + Send)) -> anyhow::Result<()> {
    // `roster users import|export|invitation-link` are the same commands as under `user`.
    let command = match cli.command {
        Command::Users(admin::UsersCommand::Csv(c)) => Command::User(c),
        other => other,
    };
    match command {
        Command::Serve { .. } => serve(&config, out).await,
        Command::Migrate => {
            let db = startup::connect(&config).await?;
            let report = db.migrate().await.context("migrating the database")?;
            db.close().await;
            if report.applied.is_empty() {
                writeln!(
                    out,
                    "Database is up to date (schema version {}).",
                    report.current
                )?;
            } else {
                writeln!(
                    out,
                    "Applied migrations {:?}; schema version is now {}.",
                    report.applied, report.current
                )?;
            }
            Ok(())
        }
        Command::App(cmd) => {
            let db = startup::connect(&config).await?;
            db.migrate().await.context("migrating the database")?;
            // A webhook subscription's URL challenge uses the configured timeout.
            let settings = Settings {
                webhook_timeout: std::time::Duration::from_millis(
                    config.webhook_timeout_ms.max(10),
                ),
                ..Settings::default()
            };
            let service = Service::new(db.clone(), settings);
            let result = crate::app_cli::run(&service, cmd, out).await;
            db.close().await;
            result
        }
        Command::Mail(cmd) => {
            let db = startup::connect(&config).await?;
            db.migrate().await.context("migrating the database")?;
            let service = Service::new(db.clone(), Settings::default());
            let result = mail::run(&service, cmd, out).await;
            db.close().await;
            result
        }
        Command::User(cmd @ (UserCommand::Import { .. } | UserCommand::Export { .. })) => {
            let db = startup::connect(&config).await?;
            db.migrate().await.context("migrating the database")?;
            let settings = Settings {
                public_url: public_url(&config),
                ..Settings::default()
            };
            let service = Service::new(db.clone(), settings);
            let result = crate::csv_cli::run(&service, cmd, out).await;
            db.close().await;
            result
        }
        Command::User(UserCommand::InvitationLink { email, json }) => {
            let db = startup::connect(&config).await?;
            db.migrate().await.context("migrating the database")?;
            let settings = Settings {
                public_url: public_url(&config),
                ..Settings::default()
            };
            let service = Service::new(db.clone(), settings);
            let result = service
                .issue_invitation_link_by_email(Actor::Operator, &email)
                .await
                .map_err(|e| match e {
                    ServiceError::InvalidInput { message, .. } => {
                        anyhow::anyhow!("{email}: {message}")
                    }
                    other => anyhow::anyhow!("{other}"),
                });
            db.close().await;
            let link = result?;
            let expires = link
                .expires_at
                .format(&time::format_description::well_known::Rfc3339)
                .context("formatting the expiry")?;
            if json {
                let v = serde_json::json!({"activation_url": link.activation_url, "expires_at": expires});
                writeln!(out, "{v}")?;
            } else {
                writeln!(
                    out,
                    "{}\nThis link works until {expires}. The previous link no longer works; no mail was sent.",
                    link.activation_url
                )?;
            }
            Ok(())
        }
        Command::Users(cmd) => {
            let db = startup::connect(&config).await?;
            db.migrate().await.context("migrating the database")?;
            let service = Service::new(db.clone(), Settings::default());
            let result = admin::users(&service, cmd, out).await;
            db.close().await;
            result
        }
        Command::Meeting(cmd) => {
            let db = startup::connect(&config).await?;
            db.migrate().await.context("migrating the database")?;
            let settings = Settings {
                public_url: config
                    .public_url
                    .clone()
                    .unwrap_or_else(|| Settings::default().public_url),
                ..Settings::default()
            };
            let service = Service::new(db.clone(), settings);
            // The operator's start links carry the host's token.
            service.prepare_host_tokens().await?;
            let result = crate::meeting_cli::run(&service, cmd, out).await;
            db.close().await;
            result
        }
        Command::Chat(cmd) => {
            let db = startup::connect(&config).await?;
            db.migrate().await.context("migrating the database")?;
            let service = Service::new(db.clone(), Settings::default());
            let result = crate::chat_cli::run(&service, cmd, out).await;
            db.close().await;
            result
        }
        Command::Account(cmd) => {
            let db = startup::connect(&config).await?;
            db.migrate().await.context("migrating the database")?;
            let settings = Settings {
                dns_resolver: config.dns_resolver,
                ..Settings::default()
            };
            let service = Service::new(db.clone(), settings);
            let result = account::run(&service, &config, cmd, out).await;
            db.close().await;
            result
        }
    }
}

async fn serve(config: &Config, out: &mut (dyn Write + Send)) -> anyhow::Result<()> {
    let app = Application::build(config).await?;
    let shutdown = startup::shutdown_signal()?;
    if app.service().count_accounts().await? == 0 {
        let db_flag = if config.database_url == Config::default().database_url {
            String::new()
        } else {
            format!(" --database-url '{}'", config.database_url)
        };
        writeln!(
            out,
            "No accounts yet. Create the first one (in another terminal):\n  \
             roster{db_flag} account create --name \"Example School\" --owner-email owner@example.com\n\
             It prints a client_id and client_secret for getting API tokens."
        )?;
        if let Some(link) = app.setup_link() {
            writeln!(
                out,
                "Or set up the first account in the web portal (this link works once, for 24 hours):\n  {link}"
            )?;
        }
    }
    writeln!(out, "Roster is listening on http://{}", app.address())?;
    out.flush()?;
    tracing::info!(address = %app.address(), "listening");
    app.run_until(shutdown).await
}

/// The URL people reach the server at, for links printed here.
fn public_url(config: &Config) -> String {
    config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", config.listen))
        .trim_end_matches('/')
        .to_owned()
}

/// Flag names as the user typed them, for service errors about a field.
fn flag(field: &str) -> String {
    match field {
        "seats" => "seats".to_owned(),
        "default_group_id" => "--default-group".to_owned(),
        "domain" => "DOMAIN".to_owned(),
        f => format!("--{}", f.replace('_', "-")),
    }
}

pub(crate) fn cli_error(e: ServiceError) -> anyhow::Error {
    match e {
        ServiceError::InvalidInput { field, message } => {
            anyhow::anyhow!("{}: {message}", flag(field))
        }
        other => anyhow::anyhow!("{other}"),
    }
}
