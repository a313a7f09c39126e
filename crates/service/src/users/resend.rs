//! A pending user's invitation, again: a resend mails a new link as a reminder; copying the
//! link gives a new one to the admin (or the operator) to hand over by other means, and mails
//! nothing. Either way the old link dies and the 30-day clock restarts.

use super::create::INVITATION_TTL;
use super::{event_object, open_account, require, require_manage, resolve};
use crate::events::{self, Event};
use crate::mail::{self, Activation, InviteKind};
use crate::{Actor, Error, Result, Service};
use roster_domain::{Email, Principal, Privilege, Secret, UserStatus};
use roster_store::accounts::{self, AccountRecord};
use roster_store::users::{self, UserRecord};
use roster_store::{invitations, Conn};
use serde_json::{json, Map};
use time::OffsetDateTime;

/// A fresh activation link of a pending user.
#[derive(Debug, Clone)]
pub struct InvitationLink {
    pub activation_url: String,
    pub expires_at: OffsetDateTime,
}

/// A new token of a pending user's invitation.
struct Reissued {
    token: Secret,
    at: OffsetDateTime,
    expires_at: OffsetDateTime,
}

/// Replaces `user`'s token and restarts the clock. `mailed`: the link goes out by mail (a
/// resend, counted as one); otherwise the send time and count stay as they were.
async fn reissue(conn: &mut Conn, user: &UserRecord, mailed: bool) -> Result<Reissued> {
    if user.status != UserStatus::Pending {
        return Err(Error::invalid(
            "userId",
            "only a pending user has an invitation to send again or a link to copy",
        ));
    }
    let token = Secret::token();
    let at = crate::record_time();
    let expires_at = at + INVITATION_TTL;
    if !invitations::reissue(conn, &user.id, &token.hash(), at, expires_at, mailed).await? {
        return Err(Error::InvitationNotFound);
    }
    Ok(Reissued {
        token,
        at,
        expires_at,
    })
}

/// What both API verbs check: the privilege to invite, a user of the caller's account whom the
/// caller manages, and the payment gate.
async fn managed_user(
    conn: &mut Conn,
    principal: &Principal,
    user_ref: &str,
) -> Result<(UserRecord, AccountRecord)> {
    require(principal, Privilege::UserAdd)?;
    let user = resolve(conn, principal, user_ref).await?;
    require_manage(principal, &user)?;
    let account = open_account(conn, principal).await?;
    Ok((user, account))
}

async fn emit(
    conn: &mut Conn,
    actor: &Actor<'_>,
    kind: &'static str,
    user: &UserRecord,
    r: &Reissued,
) -> Result<()> {
    let mut extra = Map::new();
    extra.insert("expires_at".into(), json!(r.expires_at.unix_timestamp()));
    let event = Event {
        account_id: &user.account_id,
        kind,
        actor,
        target: user.id.as_str(),
        object: event_object(user),
        extra,
    };
    events::emit(conn, event, r.at).await
}

impl Service {
    /// Sends a pending user's invitation again, as a reminder with a new link.
    #[tracing::instrument(skip_all)]
    pub async fn resend_invitation(&self, principal: &Principal, user_ref: &str) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let (user, account) = managed_user(&mut tx, principal, user_ref).await?;
        let r = reissue(&mut tx, &user, true).await?;
        mail::enqueue_activation(
            &mut tx,
            &self.settings.public_url,
            &Activation {
                kind: InviteKind::of(&user),
                account_id: &user.account_id,
                reminder: true,
                user: &user,
                account_name: &account.name,
                token: &r.token,
                expires_at: r.expires_at,
                at: r.at,
            },
        )
        .await?;
        let actor = Actor::Principal(principal);
        emit(&mut tx, &actor, "user.invitation_resent", &user, &r).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A new activation link of a pending user, for an admin to hand over when mail does not
    /// arrive: the previous link dies, the link lives 30 days, and no mail is sent.
    #[tracing::instrument(skip_all)]
    pub async fn issue_invitation_link(
        &self,
        principal: &Principal,
        user_ref: &str,
    ) -> Result<InvitationLink> {
        let mut tx = self.db.begin().await?;
        let (user, _) = managed_user(&mut tx, principal, user_ref).await?;
        let link = self
            .link(&mut tx, &Actor::Principal(principal), &user)
            .await?;
        tx.commit().await?;
        Ok(link)
    }

    /// The same for the operator at the shell (`roster user invitation-link EMAIL`), who names
    /// the user by email alone.
    #[tracing::instrument(skip_all)]
    pub async fn issue_invitation_link_by_email(
        &self,
        actor: Actor<'_>,
        email: &str,
    ) -> Result<InvitationLink> {
        let not_found = || Error::UserNotFound(email.trim().to_owned());
        let email = Email::parse(email).map_err(|_| not_found())?;
        let mut tx = self.db.begin().await?;
        let account = users::account_of_email(&mut tx, &email)
            .await?
            .ok_or_else(not_found)?;
        let user = users::find_by_email(&mut tx, &account, &email)
            .await?
            .ok_or_else(not_found)?;
        if accounts::find(&mut tx, &account).await?.is_none() {
            return Err(Error::AccountNotFound(account.to_string()));
        }
        let link = self.link(&mut tx, &actor, &user).await?;
        tx.commit().await?;
        Ok(link)
    }

    async fn link(
        &self,
        conn: &mut Conn,
        actor: &Actor<'_>,
        user: &UserRecord,
    ) -> Result<InvitationLink> {
        let r = reissue(conn, user, false).await?;
        emit(conn, actor, "user.invitation_link_issued", user, &r).await?;
        tracing::info!(user_id = %user.id, "invitation link issued");
        Ok(InvitationLink {
            activation_url: mail::activation_link(&self.settings.public_url, &r.token),
            expires_at: r.expires_at,
        })
    }
}
