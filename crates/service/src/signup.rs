//! Sign-up: where the installation allows it (`--allow-signup`), a person creates their own free
//! single-person account. They give an email; a confirmation link is mailed to it, and the same
//! activation page as invitations sets their name and password. Until then the account's Owner
//! is pending, and the expiry sweeper removes both after 30 days. An email on a domain an
//! organisation manages is invited into that organisation instead (`domains::signup`).

use crate::events::{self, Event};
use crate::mail::{Activation, InviteKind};
use crate::users::create::INVITATION_TTL;
use crate::users::event_object;
use crate::{Actor, Error, Result, Service};
use roster_domain::{
    pmi, AccountId, CreateAction, Email, Plan, Role, SeatPools, Secret, UserId, UserStatus,
    UserType,
};
use roster_store::accounts::{self, AccountRecord};
use roster_store::invitations::{self, NewInvitation};
use roster_store::users::{self, UserRecord};
use serde_json::{json, Map};

impl Service {
    /// Whether people may sign up for their own accounts on this server.
    pub fn signup_open(&self) -> bool {
        self.settings.allow_signup
    }

    /// Starts a sign-up for `email`: a new free account with a pending Owner, and a
    /// confirmation mail. Asking again for a pending sign-up sends a new link (the old one
    /// dies). For an email already in use nothing happens and nothing is said, so the form
    /// cannot tell a stranger who has an account here.
    #[tracing::instrument(skip_all)]
    /// `language`: what the person's browser prefers (an `Accept-Language` tag); a language
    /// Roster does not write means English.
    pub async fn sign_up(&self, email: &str, language: Option<&str>) -> Result<()> {
        if !self.settings.allow_signup {
            return Err(Error::SignupClosed);
        }
        let email = Email::parse(email).map_err(|e| Error::invalid("email", e))?;
        let at = self.now();
        let token = Secret::token();
        let expires_at = at + INVITATION_TTL;
        let mut tx = self.db.begin().await?;
        if let Some(org) = accounts::managing_account(&mut tx, email.domain()).await? {
            // The domain's organisation takes the person in (see `domains::signup`). Anyone
            // already registered hears nothing more than on any other sign-up.
            if users::email_exists(&mut tx, &email).await? {
                return Ok(());
            }
            self.sign_up_into(&mut tx, &org, email, at).await?;
            tx.commit().await?;
            return Ok(());
        }
        if let Some(existing) = users::find_registered(&mut tx, &email).await? {
            let pending_signup = existing.status == UserStatus::Pending
                && existing.role == Role::Owner
                && accounts::user_total(&mut tx, &existing.account_id).await? == 1;
            if pending_signup
                && invitations::reissue(&mut tx, &existing.id, &token.hash(), at, expires_at, true)
                    .await?
            {
                let account = accounts::find(&mut tx, &existing.account_id)
                    .await?
                    .ok_or_else(|| Error::AccountNotFound(existing.account_id.to_string()))?;
                self.mail_signup(
                    &mut tx,
                    &existing,
                    &account.name,
                    &token,
                    (expires_at, at),
                    true,
                )
                .await?;
                tx.commit().await?;
            }
            return Ok(());
        }
        let language = language
            .and_then(|l| roster_domain::LanguageTag::parse(l).ok())
            .unwrap_or_default()
            .to_string();
        let account = AccountRecord {
            id: AccountId::generate(),
            name: email.to_string(),
            plan: Plan::Free,
            payment_verified: false,
            owner_id: None,
            seats: SeatPools::default(),
            licensed_used: 0,
            large_meeting_used: 0,
            webinar_used: 0,
            on_prem_enabled: false,
            language: language.clone(),
            created_at: at,
        };
        let mut owner = UserRecord {
            user_type: UserType::Basic,
            role: Role::Owner,
            status: UserStatus::Pending,
            creation_type: CreateAction::Create,
            language,
            ..UserRecord::new(
                UserId::generate(),
                account.id.clone(),
                email.clone(),
                pmi::generate(),
                at,
            )
        };
        while users::pmi_exists(&mut tx, owner.pmi).await? {
            owner.pmi = pmi::generate();
        }
        accounts::insert(&mut tx, &account).await?;
        accounts::mark_standalone(&mut tx, &account.id).await?;
        users::insert(&mut tx, &owner).await.map_err(|e| {
            if e.is_unique("users.email") {
                Error::EmailTaken(email.clone())
            } else {
                e.into()
            }
        })?;
        accounts::set_owner(&mut tx, &account.id, &owner.id).await?;
        invitations::insert(
            &mut tx,
            &NewInvitation {
                user_id: &owner.id,
                account_id: &account.id,
                invited_by: "signup",
                token_hash: &token.hash(),
                created_at: at,
                expires_at,
            },
        )
        .await?;
        self.mail_signup(
            &mut tx,
            &owner,
            &account.name,
            &token,
            (expires_at, at),
            false,
        )
        .await?;
        let mut extra = Map::new();
        extra.insert("creation_type".into(), json!("create"));
        extra.insert("sign_up".into(), json!(true));
        events::emit(
            &mut tx,
            Event {
                account_id: &account.id,
                kind: "user.created",
                actor: &Actor::Operator,
                target: owner.id.as_str(),
                object: event_object(&owner),
                extra,
            },
            at,
        )
        .await?;
        tx.commit().await?;
        tracing::info!(account_id = %account.id, "sign-up started");
        Ok(())
    }

    async fn mail_signup(
        &self,
        tx: &mut roster_store::Conn,
        owner: &UserRecord,
        account_name: &str,
        token: &Secret,
        (expires_at, at): (time::OffsetDateTime, time::OffsetDateTime),
        reminder: bool,
    ) -> Result<()> {
        crate::mail::enqueue_activation(
            tx,
            &self.settings.public_url,
            &Activation {
                kind: InviteKind::Signup,
                account_id: &owner.account_id,
                reminder,
                user: owner,
                account_name,
                token,
                expires_at,
                at,
            },
        )
        .await
    }
}
