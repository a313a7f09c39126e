//! `roster chat …`: the operator's view of an account's external contacts, and removing one
//! from the whole account (the same use cases as `/v2/chat/external_contacts`).

use clap::Subcommand;
use roster_service::chat::ExternalQuery;
use roster_service::Service;
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum ChatCommand {
    /// List an account's external contacts per user, with the channels each user shares with
    /// the contact.
    ExternalContacts {
        /// The account's id.
        #[arg(allow_hyphen_values = true)]
        account_id: String,
        /// Only this user's (email).
        #[arg(long, value_name = "EMAIL")]
        user: Option<String>,
        /// Print JSON lines instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Remove an external contact from the account: from every user's contact list and every
    /// channel and group chat. Chat history stays; the contact can be added again later.
    RemoveExternalContact {
        /// The account's id.
        #[arg(allow_hyphen_values = true)]
        account_id: String,
        /// The external contact's email.
        email: String,
    },
}

pub async fn run(
    service: &Service,
    cmd: ChatCommand,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<()> {
    match cmd {
        ChatCommand::ExternalContacts {
            account_id,
            user,
            json,
        } => {
            let mut q = ExternalQuery {
                user,
                page_size: Some(i64::from(roster_service::domain::paging::MAX_PAGE_SIZE)),
                next_page_token: None,
            };
            let mut any = false;
            loop {
                let page = service
                    .list_external_contacts_as_operator(&account_id, &q)
                    .await
                    .map_err(crate::cli::cli_error)?;
                for c in &page.contacts {
                    any = true;
                    if json {
                        let v = serde_json::json!({
                            "user_id": c.user_id, "user_email": c.user_email, "email": c.email,
                            "first_name": c.first_name, "last_name": c.last_name,
                            "shared_channels": c.shared_channels,
                        });
                        writeln!(out, "{v}")?;
                    } else {
                        writeln!(
                            out,
                            "{:<32}  {:<32}  {} shared channel(s)",
                            c.user_email, c.email, c.shared_channels
                        )?;
                    }
                }
                if page.next_page_token.is_empty() {
                    break;
                }
                q.next_page_token = Some(page.next_page_token);
            }
            if !any && !json {
                writeln!(out, "No external contacts.")?;
            }
            Ok(())
        }
        ChatCommand::RemoveExternalContact { account_id, email } => {
            let r = service
                .remove_external_contact_as_operator(&account_id, &email)
                .await
                .map_err(crate::cli::cli_error)?;
            writeln!(
                out,
                "Removed {}: from {} user(s)' contacts and {} channel(s). Chat history stays.",
                email.trim(),
                r.user_ids.len(),
                r.channel_ids.len()
            )?;
            Ok(())
        }
    }
}
