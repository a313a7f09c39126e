//! `roster mail …`: the outbox, as the operator sees it (what Roster sent or would send).

use super::cli_error;
use clap::Subcommand;
use roster_service::Service;
use std::io::Write;

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

pub(super) async fn run(
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
