//! Sign-up with an email on a domain an organisation manages (verified): the person does not
//! get an account of their own; they are invited into that organisation instead, as a pending
//! Member with the domain's default type and settings group, and the activation mail goes out
//! as for any invitation. So everyone on the domain ends up in the organisation.

use crate::events::{self, Event};
use crate::mail::{Activation, InviteKind};
use crate::users::create::{apply_domain_defaults, INVITATION_TTL};
use crate::users::{event_object, move_seats};
use crate::{Actor, Error, Result, Service};
use roster_domain::{pmi, AccountId, CreateAction, Email, Secret, UserId, UserStatus, UserType};
use roster_store::invitations::{self, NewInvitation};
use roster_store::users::{self, UserRecord};
use roster_store::{accounts, Tx};
use serde_json::{json, Map};
use time::OffsetDateTime;

impl Service {
    /// Invites `email` into `account`, which manages its domain, in `tx` (the caller commits).
    /// The domain's default type is used while the account has a seat for it, else Basic: a
    /// sign-up is never refused for want of a seat; an admin can change the type later.
    pub(crate) async fn sign_up_into(
        &self,
        tx: &mut Tx,
        account: &AccountId,
        email: Email,
        at: OffsetDateTime,
    ) -> Result<()> {
        let acct = accounts::find(tx, account)
            .await?
            .ok_or_else(|| Error::AccountNotFound(account.to_string()))?;
        let mut user = UserRecord {
            status: UserStatus::Pending,
            creation_type: CreateAction::Create,
            language: acct.language.clone(),
            ..UserRecord::new(
                UserId::generate(),
                account.clone(),
                email,
                pmi::generate(),
                at,
            )
        };
        user.user_type = apply_domain_defaults(tx, &mut user)
            .await?
            .unwrap_or(UserType::Basic);
        if let Err(Error::SeatsExhausted(_)) = move_seats(tx, &user, 1).await {
            user.user_type = UserType::Basic;
        }
        while users::pmi_exists(tx, user.pmi).await? {
            user.pmi = pmi::generate();
        }
        users::insert(tx, &user).await.map_err(|e| {
            if e.is_unique("users.email") {
                Error::EmailTaken(user.email.clone())
            } else {
                e.into()
            }
        })?;
        let token = Secret::token();
        let expires_at = at + INVITATION_TTL;
        invitations::insert(
            tx,
            &NewInvitation {
                user_id: &user.id,
                account_id: account,
                invited_by: "signup",
                token_hash: &token.hash(),
                created_at: at,
                expires_at,
            },
        )
        .await?;
        crate::mail::enqueue_activation(
            tx,
            &self.settings.public_url,
            &Activation {
                kind: InviteKind::of(&user),
                account_id: account,
                reminder: false,
                user: &user,
                account_name: &acct.name,
                token: &token,
                expires_at,
                at,
            },
        )
        .await?;
        let mut extra = Map::new();
        extra.insert("creation_type".into(), json!("create"));
        extra.insert("sign_up".into(), json!(true));
        extra.insert("managed_domain".into(), json!(user.email.domain()));
        events::emit(
            tx,
            Event {
                account_id: account,
                kind: "user.created",
                actor: &Actor::System,
                target: user.id.as_str(),
                object: event_object(&user),
                extra,
            },
            at,
        )
        .await?;
        tracing::info!(account_id = %account, user_id = %user.id, "sign-up joined a managed domain's account");
        Ok(())
    }
}
