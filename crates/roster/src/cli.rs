//! The `roster` command line: `serve`, `migrate`, and account administration. [`run`] is the
//! entry point `main` calls and tests call in-process; it writes results to `out` and returns
//! errors for `main` to print.

mod admin;
mod domain;

use crate::config::Config;
use crate::startup::{self, Application};
use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use roster_service::{Actor, Error as ServiceError, NewAccount, Service, Settings};
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
    },
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Manage accounts.
    #[command(subcommand)]
    Account(AccountCommand),
    /// Manage OAuth apps.
    #[command(subcommand)]
    App(AppCommand),
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

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// The newest messages, newest first.
    List {
        /// How many (default 20).
        #[arg(long, default_value_t = 20)]
        limit: i64,
        /// Print JSON lines instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// One message in full.
    Show {
        /// The message's id, as `mail list` prints it.
        id: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum AppCommand {
    /// Create a server-to-server OAuth app for a user; its tokens act as that user, with the
    /// user's role at the time of each request.
    Create {
        /// The account's id.
        #[arg(long, allow_hyphen_values = true)]
        account_id: String,
        /// The email of the active user the app acts as.
        #[arg(long, value_name = "EMAIL")]
        user: String,
        /// A name for the app.
        #[arg(long)]
        name: Option<String>,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Create an account with its Owner and a server-to-server OAuth app.
    Create(CreateAccount),
    /// Record that an account manages an email domain, verified at once (the operator's
    /// shortcut for `domain add --verified`): users on it may be created active with
    /// autoCreate, cannot be unlinked, and join the account when they sign up.
    AddDomain {
        /// The account's id.
        #[arg(allow_hyphen_values = true)]
        account_id: String,
        /// The domain, e.g. example.edu.
        domain: String,
    },
    /// An account's managed domains: add (pending, with the DNS TXT record to publish), verify,
    /// list, remove.
    #[command(subcommand)]
    Domain(domain::DomainCommand),
    /// Set the account's language: new users start with it, and their mail is written in it.
    /// Users still in the previous language follow; users who chose their own keep theirs.
    SetLanguage {
        /// The account's id.
        #[arg(allow_hyphen_values = true)]
        account_id: String,
        /// en, fr, pl, pt or ru, or a tag such as fr-FR or pt-BR.
        language: String,
    },
    /// Record that a free-plan account has a verified payment method.
    VerifyPayment {
        /// The account's id, as `account create` printed it.
        #[arg(allow_hyphen_values = true)]
        account_id: String,
    },
    /// Record that an account paid for a plan from now on: the plan changes, the paid period is
    /// kept (for prorated refunds) and the billing ledger gets the charge.
    Subscribe {
        /// The account's id.
        #[arg(allow_hyphen_values = true)]
        account_id: String,
        /// pro, business, education or enterprise.
        #[arg(long)]
        plan: String,
        /// What was paid for the period, e.g. 14.99.
        #[arg(long)]
        amount: String,
        /// ISO 4217 currency code (default USD).
        #[arg(long, default_value = "USD")]
        currency: String,
        /// Length of the paid period in months (1–36; default 1).
        #[arg(long, default_value_t = 1)]
        months: u32,
    },
    #[command(flatten)]
    Admin(admin::AccountAdminCommand),
    /// Print an account's billing ledger: charges and refunds, oldest first.
    Ledger {
        /// The account's id.
        #[arg(allow_hyphen_values = true)]
        account_id: String,
        /// Print JSON lines instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct CreateAccount {
    /// The organisation's name.
    #[arg(long)]
    pub name: String,
    /// The Owner's email address.
    #[arg(long, value_name = "EMAIL")]
    pub owner_email: String,
    /// The Owner's password (8–32 characters; a letter and a number; upper and lower case).
    /// Also ROSTER_OWNER_PASSWORD. Without one, the Owner signs in another way later.
    #[arg(
        long,
        value_name = "PW",
        env = "ROSTER_OWNER_PASSWORD",
        hide_env_values = true
    )]
    pub owner_password: Option<String>,
    /// The plan: free (default), pro, business, education or enterprise.
    #[arg(long)]
    pub plan: Option<String>,
    /// Licensed seats in the paid pool (paid plans only).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub licensed_seats: u32,
    /// Large Meeting add-on licences.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub large_meeting_seats: u32,
    /// Webinar add-on licences.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub webinar_seats: u32,
    /// Allow users of type 3 (On-Prem).
    #[arg(long)]
    pub on_prem: bool,
    /// The account's language: en (default), fr, pl, pt or ru, or a tag such as fr-FR. New
    /// users start with it, and their mail is written in it.
    #[arg(long, value_name = "LANG")]
    pub language: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
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
    } = &cli.command
    {
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
        Command::App(AppCommand::Create {
            account_id,
            user,
            name,
            json,
        }) => {
            let db = startup::connect(&config).await?;
            db.migrate().await.context("migrating the database")?;
            let service = Service::new(db.clone(), Settings::default());
            let result = service
                .create_s2s_app(Actor::Operator, &account_id, &user, name.as_deref())
                .await
                .map_err(cli_error);
            db.close().await;
            let (client_id, secret) = result?;
            if json {
                let v = serde_json::json!({"client_id": client_id.as_str(), "client_secret": secret.expose()});
                writeln!(out, "{v}")?;
            } else {
                writeln!(
                    out,
                    "App created.\n  client_id:     {client_id}\n  client_secret: {}\nThe client secret is shown only this once: store it now.",
                    secret.expose()
                )?;
            }
            Ok(())
        }
        Command::Mail(cmd) => {
            let db = startup::connect(&config).await?;
            db.migrate().await.context("migrating the database")?;
            let service = Service::new(db.clone(), Settings::default());
            let result = mail(&service, cmd, out).await;
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
            let result = account(&service, &config, cmd, out).await;
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
    }
    writeln!(out, "Roster is listening on http://{}", app.address())?;
    out.flush()?;
    tracing::info!(address = %app.address(), "listening");
    app.run_until(shutdown).await
}

async fn mail(
    service: &Service,
    cmd: MailCommand,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<()> {
    let status = |m: &roster_store::mail::MailRecord| match (&m.sent_at, &m.last_error) {
        (Some(_), _) => "sent".to_owned(),
        (None, Some(e)) => format!("retrying ({} attempts; last error: {e})", m.attempts),
        (None, None) => "not sent".to_owned(),
    };
    match cmd {
        MailCommand::List { limit, json } => {
            let list = service
                .list_mail(limit.clamp(1, 1000))
                .await
                .map_err(cli_error)?;
            if list.is_empty() {
                writeln!(out, "The outbox is empty.")?;
            }
            for m in list {
                if json {
                    let v = serde_json::json!({
                        "id": m.id, "kind": m.kind, "to": m.to, "subject": m.subject,
                        "status": status(&m), "created_at": m.created_at.unix_timestamp(),
                    });
                    writeln!(out, "{v}")?;
                } else {
                    writeln!(
                        out,
                        "{:>6}  {:<10}  {:<32}  {}  [{}]",
                        m.id,
                        m.kind,
                        m.to,
                        m.subject,
                        status(&m)
                    )?;
                }
            }
            Ok(())
        }
        MailCommand::Show { id } => {
            let m = service
                .get_mail(id)
                .await
                .map_err(cli_error)?
                .ok_or_else(|| {
                    anyhow::anyhow!("no message {id} in the outbox; see `roster mail list`")
                })?;
            writeln!(
                out,
                "Message-ID: {}\nTo: {}\nSubject: {}\nStatus: {}\n\n{}",
                m.message_id,
                m.to,
                m.subject,
                status(&m),
                m.text_body
            )?;
            Ok(())
        }
    }
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

async fn account(
    service: &Service,
    config: &Config,
    cmd: AccountCommand,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<()> {
    match cmd {
        AccountCommand::Create(args) => {
            let created = service
                .create_account(
                    Actor::Operator,
                    NewAccount {
                        name: args.name,
                        owner_email: args.owner_email,
                        owner_password: args.owner_password,
                        plan: args.plan,
                        licensed_seats: args.licensed_seats,
                        large_meeting_seats: args.large_meeting_seats,
                        webinar_seats: args.webinar_seats,
                        on_prem: args.on_prem,
                        language: args.language,
                    },
                )
                .await
                .map_err(cli_error)?;
            if args.json {
                let json = serde_json::json!({
                    "account_id": created.account_id.as_str(),
                    "owner_id": created.owner_id.as_str(),
                    "client_id": created.client_id.as_str(),
                    "client_secret": created.client_secret.expose(),
                });
                writeln!(out, "{json}")?;
            } else {
                let base = public_url(config);
                writeln!(
                    out,
                    "Account created.\n  account_id:    {}\n  owner_id:      {}\n  client_id:     {}\n  \
                     client_secret: {}\nThe client secret is shown only this once: store it now.\n\n\
                     Get an API token:\n  curl -s -X POST -u '{}:{}' \\\n    \
                     '{base}/oauth/token?grant_type=account_credentials&account_id={}'",
                    created.account_id,
                    created.owner_id,
                    created.client_id,
                    created.client_secret.expose(),
                    created.client_id,
                    created.client_secret.expose(),
                    created.account_id,
                )?;
            }
            Ok(())
        }
        AccountCommand::AddDomain { account_id, domain } => {
            let domain = service
                .add_managed_domain(Actor::Operator, &account_id, &domain)
                .await
                .map_err(cli_error)?;
            writeln!(out, "Account {} manages {domain}.", account_id.trim())?;
            Ok(())
        }
        AccountCommand::Domain(cmd) => domain::run(service, cmd, out).await,
        AccountCommand::Subscribe {
            account_id,
            plan,
            amount,
            currency,
            months,
        } => {
            let sub = service
                .subscribe(
                    Actor::Operator,
                    roster_service::billing::NewSubscription {
                        account_id,
                        plan,
                        amount,
                        currency,
                        months,
                    },
                )
                .await
                .map_err(cli_error)?;
            writeln!(
                out,
                "Account {} is on the {} plan, paid {} {} until {}.",
                sub.account_id,
                sub.plan,
                roster_service::domain::billing::format_cents(sub.amount_cents),
                sub.currency,
                sub.period_end.date()
            )?;
            Ok(())
        }
        AccountCommand::Ledger { account_id, json } => {
            let entries = service
                .billing_ledger(&account_id)
                .await
                .map_err(cli_error)?;
            for e in &entries {
                let amount = roster_service::domain::billing::format_cents(e.amount_cents);
                if json {
                    let line = serde_json::json!({
                        "id": e.id,
                        "kind": e.kind,
                        "amount": amount,
                        "amount_cents": e.amount_cents,
                        "currency": e.currency,
                        "description": e.description,
                        "created_at": e.created_at.unix_timestamp(),
                    });
                    writeln!(out, "{line}")?;
                } else {
                    writeln!(
                        out,
                        "{:>4}  {}  {:<16} {:>10} {}  {}",
                        e.id,
                        e.created_at.date(),
                        e.kind,
                        amount,
                        e.currency,
                        e.description
                    )?;
                }
            }
            if entries.is_empty() && !json {
                writeln!(out, "No billing entries for account {}.", account_id.trim())?;
            }
            Ok(())
        }
        AccountCommand::SetLanguage {
            account_id,
            language,
        } => {
            let (tag, followed) = service
                .set_account_language(Actor::Operator, &account_id, &language)
                .await
                .map_err(|e| match e {
                    ServiceError::InvalidInput { message, .. } => anyhow::anyhow!("{message}"),
                    other => anyhow::anyhow!("{other}"),
                })?;
            writeln!(
                out,
                "Account {} now speaks {tag}; {followed} user(s) followed.",
                account_id.trim()
            )?;
            Ok(())
        }
        AccountCommand::Admin(cmd) => admin::account(service, cmd, out).await,
        AccountCommand::VerifyPayment { account_id } => {
            service
                .verify_payment(Actor::Operator, &account_id)
                .await
                .map_err(cli_error)?;
            writeln!(
                out,
                "Payment method verified for account {}.",
                account_id.trim()
            )?;
            Ok(())
        }
    }
}
