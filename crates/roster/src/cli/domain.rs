//! `roster account domain …`: an account's managed domains, as the operator sees them. `add`
//! records a domain pending (or `--verified` at once: operators are trusted) and prints the TXT
//! record to publish; `verify` looks it up through the configured resolver.

use clap::Subcommand;
use roster_service::domains::{DomainPatch, DomainView, NewDomain};
use roster_service::Service;
use std::io::Write;
use std::net::SocketAddr;

#[derive(Debug, Subcommand)]
pub enum DomainCommand {
    /// Add a domain to an account: pending until its DNS TXT record is verified, or verified at
    /// once with --verified. Prints the record to publish.
    Add {
        /// The account's id.
        #[arg(allow_hyphen_values = true)]
        account_id: String,
        /// The domain, e.g. example.edu.
        domain: String,
        /// Record the domain as verified now, without a DNS check.
        #[arg(long)]
        verified: bool,
        /// The type new users on the domain get when none is asked for: 1, 2 or 3.
        #[arg(long, value_name = "N")]
        default_type: Option<i64>,
        /// The settings group new users on the domain are put in.
        #[arg(long, value_name = "GROUP_ID")]
        default_group: Option<String>,
    },
    /// Look up a pending domain's TXT record; verify the domain when its token is there.
    Verify {
        /// The account's id.
        #[arg(allow_hyphen_values = true)]
        account_id: String,
        /// The domain.
        domain: String,
        /// The DNS server to ask (IP:PORT); default: dns_resolver, else the system's.
        #[arg(long, value_name = "ADDR")]
        resolver: Option<SocketAddr>,
    },
    /// Change the defaults new users on a domain get: `--default-type 1|2|3` and
    /// `--default-group GROUP_ID`; `none` clears one. Options left out stay as they are.
    SetDefaults {
        /// The account's id.
        #[arg(allow_hyphen_values = true)]
        account_id: String,
        /// The domain.
        domain: String,
        /// The type new users on the domain get when none is asked for: 1, 2, 3 or none.
        #[arg(long, value_name = "N|none")]
        default_type: Option<String>,
        /// The settings group new users on the domain are put in, or none.
        #[arg(long, value_name = "GROUP_ID|none")]
        default_group: Option<String>,
    },
    /// List an account's domains with their status and record.
    List {
        /// The account's id.
        #[arg(allow_hyphen_values = true)]
        account_id: String,
        /// Print JSON lines instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Remove a domain from an account; its users stay, no longer managed.
    Remove {
        /// The account's id.
        #[arg(allow_hyphen_values = true)]
        account_id: String,
        /// The domain.
        domain: String,
    },
}

fn describe(d: &DomainView) -> String {
    let defaults = match (d.default_type, &d.default_group_id) {
        (None, None) => String::new(),
        (t, g) => format!(
            "  defaults: type {}, group {}",
            t.map_or("-".to_owned(), |t| t.to_string()),
            g.as_deref().unwrap_or("-")
        ),
    };
    format!(
        "{}  {}  {}{defaults}",
        d.domain,
        d.status.as_str(),
        d.record
    )
}

fn json(d: &DomainView) -> serde_json::Value {
    serde_json::json!({
        "domain": d.domain,
        "status": d.status.as_str(),
        "record_name": d.record_name,
        "record_value": d.record_value,
        "default_type": d.default_type,
        "default_group_id": d.default_group_id,
    })
}

pub async fn run(
    service: &Service,
    cmd: DomainCommand,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<()> {
    match cmd {
        DomainCommand::Add {
            account_id,
            domain,
            verified,
            default_type,
            default_group,
        } => {
            let input = NewDomain {
                domain,
                default_type,
                default_group_id: default_group,
            };
            let d = service
                .add_domain_as_operator(&account_id, input, verified)
                .await
                .map_err(super::cli_error)?;
            if verified {
                writeln!(out, "Account {} manages {}.", account_id.trim(), d.domain)?;
            } else {
                writeln!(
                    out,
                    "{} is pending. Publish this DNS record, then run `roster account domain verify {} {}`:\n  {}",
                    d.domain,
                    account_id.trim(),
                    d.domain,
                    d.record
                )?;
            }
            Ok(())
        }
        DomainCommand::Verify {
            account_id,
            domain,
            resolver,
        } => {
            let service = match resolver {
                Some(addr) => service.with_dns_resolver(addr),
                None => service.clone(),
            };
            let d = service
                .verify_domain_as_operator(&account_id, &domain)
                .await
                .map_err(super::cli_error)?;
            writeln!(
                out,
                "{} is verified: account {} manages it.",
                d.domain,
                account_id.trim()
            )?;
            Ok(())
        }
        DomainCommand::SetDefaults {
            account_id,
            domain,
            default_type,
            default_group,
        } => {
            let default_type = match default_type.as_deref().map(str::trim) {
                None => None,
                Some("none") => Some(None),
                Some(n) => Some(Some(n.parse::<i64>().map_err(|_| {
                    anyhow::anyhow!("--default-type: give 1, 2, 3 or none, not {n:?}")
                })?)),
            };
            let default_group_id = match default_group.as_deref().map(str::trim) {
                None => None,
                Some("none") => Some(None),
                Some(g) => Some(Some(g.to_owned())),
            };
            let patch = DomainPatch {
                default_type,
                default_group_id,
            };
            let d = service
                .update_domain_as_operator(&account_id, &domain, patch)
                .await
                .map_err(super::cli_error)?;
            writeln!(out, "{}", describe(&d))?;
            Ok(())
        }
        DomainCommand::List {
            account_id,
            json: as_json,
        } => {
            let list = service
                .list_domains_of(&account_id)
                .await
                .map_err(super::cli_error)?;
            if list.is_empty() && !as_json {
                writeln!(out, "Account {} has no domains.", account_id.trim())?;
            }
            for d in &list {
                if as_json {
                    writeln!(out, "{}", json(d))?;
                } else {
                    writeln!(out, "{}", describe(d))?;
                }
            }
            Ok(())
        }
        DomainCommand::Remove { account_id, domain } => {
            service
                .remove_domain_as_operator(&account_id, &domain)
                .await
                .map_err(super::cli_error)?;
            writeln!(
                out,
                "Removed {} from account {}.",
                domain.trim(),
                account_id.trim()
            )?;
            Ok(())
        }
    }
}
