//! Resending an invitation: a new link (the old one dies), the 30-day clock restarted, and a
//! reminder mail.

use super::create::INVITATION_TTL;
use super::{event_object, open_account, require, require_manage, resolve};
use crate::events::{self, Event};
use crate::{now, Actor, Error, Result, Service};
use roster_domain::{Principal, Privilege, Secret, UserStatus};
use roster_store::invitations;
use serde_json::{json, Map};

impl Service {
    /// Sends a pending user's invitation again.
    #[tracing::instrument(skip_all)]
    pub async fn resend_invitation(&self, principal: &Principal, user_ref: &str) -> Result<()> {
        require(principal, Privilege::UserAdd)?;
        let mut tx = self.db.begin().await?;
        let user = resolve(&mut tx, principal, user_ref).await?;
        require_manage(principal, &user)?;
        let account = open_account(&mut tx, principal).await?;
        if user.status != UserStatus::Pending {
            return Err(Error::invalid(
                "userId",
                "only a pending user's invitation can be sent again",
            ));
        }
        let token = Secret::token();
        let at = now();
        let expires_at = at + INVITATION_TTL;
        if !invitations::reissue(&mut tx, &user.id, &token.hash(), at, expires_at).await? {
            return Err(Error::InvitationNotFound);
        }
        crate::mail::enqueue_activation(
            &mut tx,
            &self.settings.public_url,
            &crate::mail::Activation {
                kind: crate::mail::InviteKind::Activation,
                account_id: &user.account_id,
                reminder: true,
                user: &user,
                account_name: &account.name,
                token: &token,
                expires_at,
                at,
            },
        )
        .await?;
        let actor = Actor::Principal(principal);
        let mut extra = Map::new();
        extra.insert("expires_at".into(), json!(expires_at.unix_timestamp()));
        let event = Event {
            account_id: &user.account_id,
            kind: "user.invitation_resent",
            actor: &actor,
            target: user.id.as_str(),
            object: event_object(&user),
            extra,
        };
        events::emit(&mut tx, event, at).await?;
        tx.commit().await?;
        Ok(())
    }
}
