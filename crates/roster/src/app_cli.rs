//! `roster app …`: OAuth apps, as the operator sees them. `create --user EMAIL` makes a
//! server-to-server app that acts as that user; `create --kind user|account` registers an app
//! that users install through `/oauth/authorize`. Secrets are shown once.

use clap::Subcommand;
use roster_service::apps::NewApp;
use roster_service::domain::{AccountId, Secret};
use roster_service::store::oauth::AppRecord;
use roster_service::{Actor, Service};
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum AppCommand {
    /// Create an app. With --user: a server-to-server app whose tokens act as that user, with
    /// the user's role at the time of each request. With --kind: a user-managed (`user`) or
    /// admin-managed (`account`) app, installed through /oauth/authorize.
    Create {
        /// The account's id.
        #[arg(long, allow_hyphen_values = true)]
        account_id: String,
        /// The email of the active user a server-to-server app acts as.
        #[arg(long, value_name = "EMAIL", conflicts_with = "kind")]
        user: Option<String>,
        /// `user` (user-managed) or `account` (admin-managed).
        #[arg(long, value_name = "KIND", required_unless_present = "user")]
        kind: Option<String>,
        /// A name for the app.
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        description: Option<String>,
        /// A redirect URI (repeat for several): https, or http to a loopback host.
        #[arg(long = "redirect-uri", value_name = "URI")]
        redirect_uris: Vec<String>,
        /// Space-separated scopes, e.g. "meeting:read meeting:write". For a server-to-server
        /// app, by default every `:admin` scope Roster serves.
        #[arg(long)]
        scopes: Option<String>,
        /// A public client (no secret; PKCE S256 required).
        #[arg(long)]
        public: bool,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// List an account's apps.
    List {
        #[arg(long, allow_hyphen_values = true)]
        account_id: String,
        #[arg(long)]
        json: bool,
    },
    /// Show one app.
    Show {
        #[arg(long, allow_hyphen_values = true)]
        account_id: String,
        app_id: String,
        #[arg(long)]
        json: bool,
    },
    /// Delete an app: its installs are revoked and its tokens die.
    Delete {
        #[arg(long, allow_hyphen_values = true)]
        account_id: String,
        app_id: String,
    },
    /// Every active user of the account with how the app reaches them: personal, account or
    /// none.
    ConnectedUsers {
        #[arg(long, allow_hyphen_values = true)]
        account_id: String,
        app_id: String,
        #[arg(long)]
        json: bool,
    },
    /// Disconnect the app's account-level install: its tokens die at once.
    Disconnect {
        #[arg(long, allow_hyphen_values = true)]
        account_id: String,
        app_id: String,
    },
    /// An app's webhooks: its event subscription and delivery log.
    #[command(subcommand)]
    Webhook(crate::cli::webhook::WebhookCommand),
    /// Replace an app's client secret (the old one stops working) and print the new one.
    RotateSecret {
        #[arg(long, allow_hyphen_values = true)]
        account_id: String,
        app_id: String,
        #[arg(long)]
        json: bool,
    },
}

fn account(id: &str) -> anyhow::Result<AccountId> {
    AccountId::parse(id.trim()).ok_or_else(|| anyhow::anyhow!("Account does not exist: {id}."))
}

fn app_json(a: &AppRecord, secret: Option<&Secret>) -> serde_json::Value {
    let mut v = serde_json::json!({
        "app_id": a.id,
        "app_name": a.name,
        "type": a.kind.as_str(),
        "client_id": a.client_id.as_str(),
        "redirect_uris": a.redirect_uris,
        "scopes": a.scopes,
        "public_client": a.public_client,
        "status": a.status.as_str(),
    });
    if let (Some(s), Some(o)) = (secret, v.as_object_mut()) {
        o.insert("client_secret".into(), s.expose().into());
    }
    v
}

fn print_app(
    out: &mut (dyn Write + Send),
    a: &AppRecord,
    secret: Option<&Secret>,
    json: bool,
) -> anyhow::Result<()> {
    if json {
        writeln!(out, "{}", app_json(a, secret))?;
        return Ok(());
    }
    writeln!(
        out,
        "{}  {} ({})\n  client_id:     {}\n  redirect_uris: {}\n  scopes:        {}",
        a.id,
        a.name,
        a.kind.as_str(),
        a.client_id,
        a.redirect_uris.join(" "),
        a.scopes
    )?;
    if let Some(s) = secret {
        writeln!(
            out,
            "  client_secret: {}\nThe client secret is shown only this once: store it now.",
            s.expose()
        )?;
    }
    Ok(())
}

pub async fn run(
    service: &Service,
    cmd: AppCommand,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<()> {
    let op = Actor::Operator;
    match cmd {
        AppCommand::Create {
            account_id,
            user: Some(user),
            name,
            scopes,
            json,
            ..
        } => {
            let (client_id, secret, scopes) = service
                .create_s2s_app(
                    Actor::Operator,
                    &account_id,
                    &user,
                    name.as_deref(),
                    scopes.as_deref(),
                )
                .await
                .map_err(crate::cli::cli_error)?;
            if json {
                let v = serde_json::json!({"client_id": client_id.as_str(), "client_secret": secret.expose(), "scopes": scopes});
                writeln!(out, "{v}")?;
            } else {
                writeln!(
                    out,
                    "App created.\n  client_id:     {client_id}\n  client_secret: {}\n  scopes:        {scopes}\nThe client secret is shown only this once: store it now.",
                    secret.expose()
                )?;
            }
        }
        AppCommand::Webhook(cmd) => return crate::cli::webhook::run(service, cmd, out).await,
        AppCommand::Create {
            account_id,
            kind,
            name,
            description,
            redirect_uris,
            scopes,
            public,
            json,
            ..
        } => {
            let input = NewApp {
                name,
                description,
                kind,
                redirect_uris,
                scopes,
                public_client: public,
            };
            let (app, secret) = service
                .create_app(&op, &account(&account_id)?, input)
                .await
                .map_err(crate::cli::cli_error)?;
            print_app(out, &app, secret.as_ref(), json)?;
        }
        AppCommand::List { account_id, json } => {
            let page = service
                .list_apps(&op, &account(&account_id)?, 300, None)
                .await
                .map_err(crate::cli::cli_error)?;
            for a in &page.apps {
                print_app(out, a, None, json)?;
            }
        }
        AppCommand::Show {
            account_id,
            app_id,
            json,
        } => {
            let app = service
                .get_app(&op, &account(&account_id)?, &app_id)
                .await
                .map_err(crate::cli::cli_error)?;
            print_app(out, &app, None, json)?;
        }
        AppCommand::Delete { account_id, app_id } => {
            service
                .delete_app(&op, &account(&account_id)?, &app_id)
                .await
                .map_err(crate::cli::cli_error)?;
            writeln!(out, "App {app_id} deleted; its installs are revoked.")?;
        }
        AppCommand::ConnectedUsers {
            account_id,
            app_id,
            json,
        } => {
            let account = account(&account_id)?;
            let mut token: Option<String> = None;
            loop {
                let page = service
                    .connected_users(&op, &account, &app_id, 300, token.as_deref())
                    .await
                    .map_err(crate::cli::cli_error)?;
                for u in &page.users {
                    if json {
                        let v = serde_json::json!({"id": u.id.as_str(), "email": u.email,
                            "connection": u.connection.as_str()});
                        writeln!(out, "{v}")?;
                    } else {
                        writeln!(out, "{}  {}  {}", u.id, u.email, u.connection.as_str())?;
                    }
                }
                if page.next_page_token.is_empty() {
                    break;
                }
                token = Some(page.next_page_token);
            }
        }
        AppCommand::Disconnect { account_id, app_id } => {
            service
                .disconnect_account_install(&op, &account(&account_id)?, &app_id)
                .await
                .map_err(crate::cli::cli_error)?;
            writeln!(
                out,
                "The account-level install of app {app_id} is disconnected; its tokens are revoked."
            )?;
        }
        AppCommand::RotateSecret {
            account_id,
            app_id,
            json,
        } => {
            let (app, secret) = service
                .rotate_app_secret(&op, &account(&account_id)?, &app_id)
                .await
                .map_err(crate::cli::cli_error)?;
            print_app(out, &app, Some(&secret), json)?;
        }
    }
    Ok(())
}
