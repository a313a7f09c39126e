//! Mail that use cases send: composed here, recorded in the outbox in the caller's transaction,
//! delivered by the mail worker (or kept in the local outbox when no SMTP server is configured).

use crate::{Result, Service};
use roster_domain::Secret;
use roster_store::mail::{self, MailRecord, NewMail};
use roster_store::users::UserRecord;
use roster_store::Conn;
use time::OffsetDateTime;

use roster_domain::html::escape as html;

/// An invitation to activate a new account user (or a reminder of it).
pub(crate) struct Activation<'a> {
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
    let subject = if a.reminder {
        format!(
            "Reminder: you are invited to join {} on Roster",
            a.account_name
        )
    } else {
        format!("You are invited to join {} on Roster", a.account_name)
    };
    let kind = if a.reminder { "reminder" } else { "activation" };
    let text = format!(
        "Hello,\n\n{} has added you ({}) to their account on Roster.\n\n\
         Activate your account here (the link works until {expires}):\n{}\n\n\
         If you did not expect this, you can ignore this message.\n",
        a.account_name, to, link
    );
    let html_body = format!(
        "<!doctype html><html><body><p>Hello,</p><p><strong>{}</strong> has added you ({}) to their \
         account on Roster.</p><p><a href=\"{}\">Activate your account</a> (the link works until {expires}).</p>\
         <p>If you did not expect this, you can ignore this message.</p></body></html>",
        html(a.account_name),
        html(to.as_str()),
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
