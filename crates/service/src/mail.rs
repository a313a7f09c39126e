//! Mail that use cases send: composed here, recorded in the outbox in the caller's transaction,
//! delivered by the mail worker (or kept in the local outbox when no SMTP server is configured).

use crate::{Result, Service};
use roster_domain::Secret;
use roster_store::mail::{self, MailRecord, NewMail};
use roster_store::users::UserRecord;
use roster_store::Conn;
use time::OffsetDateTime;

use roster_domain::html::escape as html;

/// What an activation link does for the person who follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InviteKind {
    /// A new person was invited to an account.
    Activation,
    /// Someone with a standalone account is invited to join an organisation with their data.
    Join,
    /// Someone signed up for their own free account and confirms their email.
    Signup,
}

impl InviteKind {
    /// The kind of link a pending user's invitation carries.
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

/// An invitation to activate a new account user (or a reminder of it).
pub(crate) struct Activation<'a> {
    pub kind: InviteKind,
    /// Sent again by an admin: the reminder wording.
    pub reminder: bool,
    pub user: &'a UserRecord,
    pub account_name: &'a str,
    /// The activation token the link carries (only its hash is stored elsewhere).
    pub token: &'a Secret,
    pub expires_at: OffsetDateTime,
    pub at: OffsetDateTime,
}

/// Records the activation mail (or its reminder) for an invited user, with a link to this
/// server's activation page.
pub(crate) async fn enqueue_activation(
    conn: &mut Conn,
    public_url: &str,
    a: &Activation<'_>,
) -> Result<()> {
    let link = format!(
        "{}/activate?token={}",
        public_url.trim_end_matches('/'),
        a.token.expose()
    );
    let (to, user_id, account_id) = (&a.user.email, &a.user.id, &a.user.account_id);
    let expires = a.expires_at.date();
    let (kind, subject, lead, action) = match a.kind {
        InviteKind::Activation => (
            if a.reminder { "reminder" } else { "activation" },
            format!("You are invited to join {} on Roster", a.account_name),
            format!(
                "{} has added you ({to}) to their account on Roster.",
                a.account_name
            ),
            "Activate your account",
        ),
        InviteKind::Join => (
            if a.reminder { "join_reminder" } else { "join" },
            format!(
                "{} invites you to join their account on Roster",
                a.account_name
            ),
            format!(
                "{} invites you ({to}) to join their account on Roster. Accepting moves your \
                 Roster account into theirs: your profile, meetings, recordings, contacts, chat \
                 history and settings come with you; your licences and reports stay behind.",
                a.account_name
            ),
            "Review and accept the invitation",
        ),
        InviteKind::Signup => (
            "signup",
            "Confirm your email to finish creating your Roster account".to_owned(),
            format!("Someone, hopefully you, signed up for a Roster account with {to}."),
            "Confirm your email and choose a password",
        ),
    };
    let subject = if a.reminder {
        format!("Reminder: {subject}")
    } else {
        subject
    };
    let text = format!(
        "Hello,\n\n{lead}\n\n{action} here (the link works until {expires}):\n{link}\n\n\
         If you did not expect this, you can ignore this message.\n"
    );
    let html_body = format!(
        "<!doctype html><html><body><p>Hello,</p><p>{}</p><p><a href=\"{}\">{action}</a> (the link works until {expires}).</p>\
         <p>If you did not expect this, you can ignore this message.</p></body></html>",
        html(&lead),
        html(&link)
    );
    let message_id = format!(
        "<{kind}.{}.{}@roster>",
        user_id,
        a.at.unix_timestamp_nanos() / 1_000_000
    );
    mail::enqueue(
        conn,
        &NewMail {
            account_id: Some(account_id),
            kind,
            to: to.as_str(),
            subject: &subject,
            text_body: &text,
            html_body: &html_body,
            message_id: &message_id,
            at: a.at,
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
