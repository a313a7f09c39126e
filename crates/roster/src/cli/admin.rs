//! `roster users …` (account-wide user administration) and the `roster account` commands for
//! defaults and custom attributes: operator-level, naming the account by id, over the same
//! service functions as `/v2/accounts/{accountId}/…`.

use super::cli_error;
use clap::Subcommand;
use roster_service::admin::{Admin, ChatSwitch, GroupSwitch, NewAttribute};
use roster_service::Service;
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    #[command(flatten)]
    Csv(crate::cli::UserCommand),
    /// Counts of the account's users by type and status, and seats used and free per pool.
    Summary {
        #[arg(allow_hyphen_values = true)]
        account_id: String,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Give every user of one type another type, except the Owner and Admins. All or nothing:
    /// refused, with nothing changed, when the seats do not suffice.
    ChangeType {
        #[arg(allow_hyphen_values = true)]
        account_id: String,
        /// The type whose users change: 1 Basic, 2 Licensed, 3 On-Prem, 4 Unassigned.
        #[arg(long)]
        from: i64,
        /// Their new type.
        #[arg(long)]
        to: i64,
    },
    /// Unlink every user of one type: each leaves with their data as a standalone free
    /// account. Never the Owner, admins, users on a managed domain or pending users.
    Unlink {
        #[arg(allow_hyphen_values = true)]
        account_id: String,
        /// The type whose users leave.
        #[arg(long = "type")]
        user_type: i64,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Move every user of settings group FROM (or, without --from, in no group) into group TO.
    SwitchGroup {
        #[arg(allow_hyphen_values = true)]
        account_id: String,
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: String,
    },
    /// Make every member of chat group FROM (or, without --from, everyone in no chat group) a
    /// member of chat group TO too; with --leave they also leave FROM.
    SwitchChatGroup {
        #[arg(allow_hyphen_values = true)]
        account_id: String,
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: String,
        #[arg(long)]
        leave: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AccountAdminCommand {
    /// Show, or set, the settings group and chat group new users start in ("" clears one).
    Defaults {
        #[arg(allow_hyphen_values = true)]
        account_id: String,
        #[arg(long, value_name = "GROUP_ID")]
        group: Option<String>,
        #[arg(long, value_name = "GROUP_ID")]
        chat_group: Option<String>,
    },
    /// List the account's custom attributes.
    Attributes {
        #[arg(allow_hyphen_values = true)]
        account_id: String,
    },
    /// Define a custom attribute (at most 5 per account).
    AddAttribute {
        #[arg(allow_hyphen_values = true)]
        account_id: String,
        #[arg(long)]
        name: String,
        /// text, number or date.
        #[arg(long = "type")]
        kind: String,
        /// A value allowed (repeat for several); none: any value of the type.
        #[arg(long = "allow", value_name = "VALUE")]
        allowed: Vec<String>,
    },
    /// Delete a custom attribute and every user's value of it.
    DeleteAttribute {
        #[arg(allow_hyphen_values = true)]
        account_id: String,
        /// The attribute's key, as `account attributes` prints it.
        key: String,
    },
}

pub async fn users(
    service: &Service,
    cmd: UsersCommand,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<()> {
    match cmd {
        // `cli::run` hands these to the `user` commands before it gets here.
        UsersCommand::Csv(_) => {
            anyhow::bail!("import, export and invitation-link run as `roster user …`")
        }
        UsersCommand::Summary { account_id, json } => {
            let s = service
                .user_summary(Admin::Operator {
                    account_id: &account_id,
                })
                .await
                .map_err(cli_error)?;
            let pool = |p: roster_service::admin::PoolUsage| serde_json::json!({"total": p.seats, "used": p.used, "free": p.free()});
            if json {
                let v = serde_json::json!({
                    "total_users": s.total,
                    "users_by_type": s.by_type.iter().map(|(t, n)| (t.code().to_string(), serde_json::json!(n))).collect::<serde_json::Map<_, _>>(),
                    "users_by_status": s.by_status.iter().map(|(st, n)| (st.as_str().to_owned(), serde_json::json!(n))).collect::<serde_json::Map<_, _>>(),
                    "seats": {"licensed": pool(s.licensed), "large_meeting": pool(s.large_meeting), "webinar": pool(s.webinar)},
                });
                writeln!(out, "{v}")?;
            } else {
                writeln!(out, "{} users", s.total)?;
                for (t, n) in &s.by_type {
                    writeln!(out, "  type {:<3} {n}", t.code())?;
                }
                for (st, n) in &s.by_status {
                    writeln!(out, "  {:<9} {n}", st.as_str())?;
                }
                for (name, p) in [
                    ("Licensed", s.licensed),
                    ("Large Meeting", s.large_meeting),
                    ("Webinar", s.webinar),
                ] {
                    writeln!(
                        out,
                        "  {name} seats: {} used of {}, {} free",
                        p.used,
                        p.seats,
                        p.free()
                    )?;
                }
            }
        }
        UsersCommand::ChangeType {
            account_id,
            from,
            to,
        } => {
            let c = service
                .change_users_type(
                    Admin::Operator {
                        account_id: &account_id,
                    },
                    from,
                    to,
                )
                .await
                .map_err(cli_error)?;
            writeln!(
                out,
                "{} user(s) changed from type {from} to type {to}.",
                c.changed
            )?;
        }
        UsersCommand::Unlink {
            account_id,
            user_type,
            json,
        } => {
            let r = service
                .unlink_users_of_type(
                    Admin::Operator {
                        account_id: &account_id,
                    },
                    user_type,
                )
                .await
                .map_err(cli_error)?;
            if json {
                let v = serde_json::json!({
                    "unlinked": r.unlinked,
                    "skipped": r.skipped_users.iter().map(|s| serde_json::json!({"id": s.id, "email": s.email, "reason": s.reason.as_str()})).collect::<Vec<_>>(),
                });
                writeln!(out, "{v}")?;
            } else {
                writeln!(out, "{} user(s) unlinked.", r.unlinked)?;
                for (reason, n) in &r.skipped {
                    writeln!(out, "  skipped ({}): {n}", reason.as_str())?;
                }
                for s in &r.skipped_users {
                    writeln!(out, "  {}  {}", s.email, s.reason.as_str())?;
                }
            }
        }
        UsersCommand::SwitchGroup {
            account_id,
            from,
            to,
        } => {
            let moved = service
                .switch_users_group(
                    Admin::Operator {
                        account_id: &account_id,
                    },
                    GroupSwitch { from, to },
                )
                .await
                .map_err(cli_error)?;
            writeln!(out, "{moved} user(s) moved.")?;
        }
        UsersCommand::SwitchChatGroup {
            account_id,
            from,
            to,
            leave,
        } => {
            let (joined, left) = service
                .switch_users_chat_group(
                    Admin::Operator {
                        account_id: &account_id,
                    },
                    ChatSwitch { from, to, leave },
                )
                .await
                .map_err(cli_error)?;
            writeln!(out, "{joined} user(s) joined, {left} left.")?;
        }
    }
    Ok(())
}

pub async fn account(
    service: &Service,
    cmd: AccountAdminCommand,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<()> {
    match cmd {
        AccountAdminCommand::Defaults {
            account_id,
            group,
            chat_group,
        } => {
            let admin = Admin::Operator {
                account_id: &account_id,
            };
            let d = if group.is_none() && chat_group.is_none() {
                service.user_defaults(admin).await
            } else {
                service
                    .set_user_defaults(admin, group.as_deref(), chat_group.as_deref())
                    .await
            }
            .map_err(cli_error)?;
            writeln!(
                out,
                "New users start in settings group: {}; chat group: {}.",
                d.group_id.as_deref().unwrap_or("none"),
                d.chat_group_id.as_deref().unwrap_or("none")
            )?;
        }
        AccountAdminCommand::Attributes { account_id } => {
            let defs = service
                .list_custom_attributes(Admin::Operator {
                    account_id: &account_id,
                })
                .await
                .map_err(cli_error)?;
            if defs.is_empty() {
                writeln!(out, "No custom attributes.")?;
            }
            for d in defs {
                writeln!(
                    out,
                    "{}  {:<24} {:<6} {}",
                    d.key,
                    d.name,
                    d.kind,
                    d.allowed_values.join(", ")
                )?;
            }
        }
        AccountAdminCommand::AddAttribute {
            account_id,
            name,
            kind,
            allowed,
        } => {
            let d = service
                .create_custom_attribute(
                    Admin::Operator {
                        account_id: &account_id,
                    },
                    NewAttribute {
                        name,
                        kind,
                        allowed_values: allowed,
                    },
                )
                .await
                .map_err(cli_error)?;
            writeln!(
                out,
                "Custom attribute {} defined; its key is {}.",
                d.name, d.key
            )?;
        }
        AccountAdminCommand::DeleteAttribute { account_id, key } => {
            let cleared = service
                .delete_custom_attribute(
                    Admin::Operator {
                        account_id: &account_id,
                    },
                    &key,
                )
                .await
                .map_err(cli_error)?;
            writeln!(
                out,
                "Custom attribute {key} deleted; {cleared} user(s) lost their value."
            )?;
        }
    }
    Ok(())
}
