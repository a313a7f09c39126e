//! Mail that use cases send: written here in the recipient's language ([`render`], wording in
//! `i18n/`), recorded in the outbox in the caller's transaction, delivered by the mail worker
//! (or kept in the local outbox when no SMTP server is configured), which records the outcome
//! through [`delivery`].
//!
//! A recipient's language is their user's `language` (a new user starts with the account's);
//! one Roster does not write falls back to English.

pub mod delivery;
mod i18n;
pub mod render;

pub use render::{redact_tokens, render, InviteKind, Message, Rendered};

use crate::{Result, Service};
use roster_domain::{AccountId, Language, Secret};
use roster_store::mail::{self, MailRecord, NewMail};
use roster_store::users::UserRecord;
use roster_store::Conn;
use time::OffsetDateTime;

impl InviteKind {
    /// The kind of link a pending user's invitation carries: a join for someone with a
    /// standalone account, a sign-up for a pending Owner, else a new person's activation.
    pub(crate) fn of(user: &UserRecord) -> Self {
        if user.joins_user_id.is_some() {
            Self::Join
        } else if user.role == roster_domain::Role::Owner {
            Self::Signup
        } else {
            Self::Activation
        }
    }
}

/// An invitation carrying an activation link (or a reminder of it).
pub struct Activation<'a> {
    pub kind: InviteKind,
    /// The account the invitation is from: the message, and the events of its delivery in the
    /// audit log, belong to it (for a join, the inviting organisation, not the person's own
    /// account).
    pub account_id: &'a AccountId,
    /// Sent again by an admin: the reminder wording.
    pub reminder: bool,
    /// The invited user (pending); their email and language are used.
    pub user: &'a UserRecord,
    /// The account the link leads into.
    pub account_name: &'a str,
    /// The activation token the link carries (only its hash is stored elsewhere).
    pub token: &'a Secret,
    pub expires_at: OffsetDateTime,
    pub at: OffsetDateTime,
}

/// The activation page's address for `token`.
pub fn activation_link(public_url: &str, token: &Secret) -> String {
    format!(
        "{}/activate?token={}",
        public_url.trim_end_matches('/'),
        token.expose()
    )
}

/// Records an invitation mail with a link to this server's activation page
/// (`/activate?token=…`), in the invited user's language.
pub async fn enqueue_activation(
    conn: &mut Conn,
    public_url: &str,
    a: &Activation<'_>,
) -> Result<()> {
    let link = activation_link(public_url, a.token);
    let message = Message::Invite {
        kind: a.kind,
        reminder: a.reminder,
        account: a.account_name,
        email: a.user.email.as_str(),
        link: &link,
        expires: a.expires_at.date(),
    };
    let kind = a.kind.mail_kind(a.reminder);
    record(conn, kind, a.account_id, a.user, &message, a.at).await
}

/// Records the welcome mail of a user who just became active in `account_name`; it points
/// them at this server to sign in.
pub async fn enqueue_welcome(
    conn: &mut Conn,
    public_url: &str,
    user: &UserRecord,
    account_name: &str,
    at: OffsetDateTime,
) -> Result<()> {
    let message = Message::Welcome {
        account: account_name,
        email: user.email.as_str(),
        sign_in: public_url.trim_end_matches('/'),
    };
    record(conn, "welcome", &user.account_id, user, &message, at).await
}

/// Records the portal's password-reset mail with its single-use link.
pub async fn enqueue_password_reset(
    conn: &mut Conn,
    user: &UserRecord,
    link: &str,
    at: OffsetDateTime,
) -> Result<()> {
    let message = Message::PasswordReset {
        email: user.email.as_str(),
        link,
    };
    record(conn, "password_reset", &user.account_id, user, &message, at).await
}

async fn record(
    conn: &mut Conn,
    kind: &str,
    account_id: &AccountId,
    user: &UserRecord,
    message: &Message<'_>,
    at: OffsetDateTime,
) -> Result<()> {
    let r = render(Language::for_tag(&user.language), message)?;
    // Stable per message, so a redelivery after a crash carries the same Message-ID.
    let message_id = format!(
        "<{kind}.{}.{}@roster>",
        user.id,
        at.unix_timestamp_nanos() / 1_000_000
    );
    mail::enqueue(
        conn,
        &NewMail {
            account_id: Some(account_id),
            kind,
            to: user.email.as_str(),
            subject: &r.subject,
            text_body: &r.text,
            html_body: &r.html,
            message_id: &message_id,
            at,
        },
    )
    .await?;
    Ok(())
}

impl Service {
    /// The newest recorded messages (`roster mail list`).
    pub async fn list_mail(&self, limit: i64) -> Result<Vec<MailRecord>> {
        let mut conn = self.db.read().await?;
        Ok(mail::list(&mut conn, limit).await?)
    }

    /// One recorded message (`roster mail show`).
    pub async fn get_mail(&self, id: i64) -> Result<Option<MailRecord>> {
        let mut conn = self.db.read().await?;
        Ok(mail::find(&mut conn, id).await?)
    }
}

#[cfg(test)]
mod tests;
