//! `roster account …`: create an account, its plan, payments, language and managed domains, as
//! the operator at the shell.

use super::{admin, cli_error, domain, public_url};
use crate::config::Config;
use clap::{Args, Subcommand};
use roster_service::{Actor, Error as ServiceError, NewAccount, Service};
use std::io::Write;

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
    /// Show or set what `DELETE /scim2/Users/{id}` does in the account: `delete` (the default:
    /// the user and their data go) or `disassociate` (the user leaves with their data as a
    /// standalone free account, as REST's `action=disassociate`).
    ScimDeleteAction {
        /// The account's id.
        #[arg(allow_hyphen_values = true)]
        account_id: String,
        /// delete or disassociate; omit to show the current action.
        action: Option<String>,
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

pub(super) async fn run(
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
        AccountCommand::ScimDeleteAction { account_id, action } => {
            let admin = roster_service::admin::Admin::Operator {
                account_id: &account_id,
            };
            let current = match action {
                Some(a) => service.set_scim_delete_action(admin, &a).await,
                None => service.scim_delete_action(admin).await,
            }
            .map_err(|e| match e {
                ServiceError::InvalidInput { message, .. } => anyhow::anyhow!("{message}"),
                other => anyhow::anyhow!("{other}"),
            })?;
            writeln!(
                out,
                "DELETE /scim2/Users/{{id}} in account {}: {}",
                account_id.trim(),
                current.as_str()
            )?;
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
