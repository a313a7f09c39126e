//! The web portal's use cases that are not someone else's: the first-run setup link, sign-in
//! with email and password (throttled per account and per address, in the database so several
//! servers share it), sessions (the cookie's id stored only as a hash, with the session's CSRF
//! token) and sign-out. Pages call the other use cases with the session's [`Principal`].

mod reset;

pub use reset::RESET_TTL;

use crate::{hashing, Actor, CreatedAccount, Error, NewAccount, Result, Service};
use roster_domain::{Email, Principal, Privileges, Role, Secret, UserStatus};
use roster_store::portal;
use roster_store::users::{self, UserRecord};
use time::Duration;

/// Failed sign-ins allowed per email, and per client address, within [`THROTTLE_WINDOW`].
pub const MAX_FAILURES_PER_EMAIL: i64 = 5;
pub const MAX_FAILURES_PER_ADDRESS: i64 = 30;
const THROTTLE_WINDOW: Duration = Duration::minutes(15);
/// How long a session lasts without signing in again.
pub const SESSION_TTL: Duration = Duration::hours(12);
/// How long the first-run link printed by `roster serve` works.
const SETUP_TTL: Duration = Duration::hours(24);
const SETUP: &str = "setup";

/// Why a sign-in failed.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Unknown email, wrong password, or a user who may not sign in (deactivated, pending):
    /// the three look the same.
    #[error("Wrong email or password.")]
    WrongCredentials,
    /// Too many failures for this email or from this address.
    #[error("Too many failed sign-ins: wait 15 minutes and try again.")]
    Throttled,
    #[error(transparent)]
    Internal(#[from] Error),
}

impl From<roster_store::Error> for SignInError {
    fn from(e: roster_store::Error) -> Self {
        Self::Internal(e.into())
    }
}

/// A new session: the cookie's value (shown once, stored as a hash) and who signed in.
#[derive(Debug)]
pub struct NewSession {
    pub id: Secret,
    pub user: UserRecord,
}

/// A signed-in browser: who, with what powers, and the token its forms must carry.
#[derive(Debug, Clone)]
pub struct Session {
    pub principal: Principal,
    pub user: UserRecord,
    pub csrf: String,
}

fn throttle_keys(email: &Email, address: &str) -> [(String, i64); 2] {
    [
        (format!("email:{}", email.as_str()), MAX_FAILURES_PER_EMAIL),
        (format!("ip:{address}"), MAX_FAILURES_PER_ADDRESS),
    ]
}

impl Service {
    /// On a database without accounts: a fresh one-time link to `/setup` (only its hash is
    /// stored). `None` once an account exists.
    pub async fn portal_setup_link(&self) -> Result<Option<String>> {
        let mut tx = self.db.begin().await?;
        if roster_store::accounts::count(&mut tx).await? > 0 {
            return Ok(None);
        }
        let token = Secret::token();
        let at = self.now();
        portal::insert_link(
            &mut tx,
            token.hash().as_str(),
            SETUP,
            None,
            at,
            at + SETUP_TTL,
        )
        .await?;
        tx.commit().await?;
        Ok(Some(format!(
            "{}/setup?token={}",
            self.settings.public_url.trim_end_matches('/'),
            token.expose()
        )))
    }

    /// Whether `token` is a usable setup link (unused, unexpired, and still no account).
    pub async fn portal_setup_open(&self, token: &str) -> Result<bool> {
        let mut conn = self.db.read().await?;
        if roster_store::accounts::count(&mut conn).await? > 0 {
            return Ok(false);
        }
        let hash = Secret::presented(token).hash();
        Ok(
            portal::find_link(&mut conn, hash.as_str(), SETUP, self.now())
                .await?
                .is_some(),
        )
    }

    /// Creates the first account and its Owner through [`Service::create_account`], then uses
    /// up the link. A bad input leaves the link usable and stores nothing.
    pub async fn portal_complete_setup(
        &self,
        token: &str,
        input: NewAccount,
    ) -> Result<CreatedAccount> {
        if !self.portal_setup_open(token).await? {
            return Err(Error::invalid(
                "token",
                "this setup link is not valid: it was used already or it expired",
            ));
        }
        if input
            .owner_password
            .as_deref()
            .unwrap_or_default()
            .is_empty()
        {
            return Err(Error::invalid("owner_password", "a password is required"));
        }
        let created = self.create_account(Actor::Operator, input).await?;
        let mut tx = self.db.begin().await?;
        let hash = Secret::presented(token).hash();
        portal::use_link(&mut tx, hash.as_str(), SETUP, self.now()).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Checks an email and password and opens a session. Only active users with a password
    /// sign in; failures count against the email and the client address.
    pub async fn portal_sign_in(
        &self,
        email: &str,
        password: &str,
        address: &str,
    ) -> std::result::Result<NewSession, SignInError> {
        let email = Email::parse(email.trim()).map_err(|_| SignInError::WrongCredentials)?;
        let at = self.now();
        let since = at - THROTTLE_WINDOW;
        let keys = throttle_keys(&email, address);
        let user = {
            let mut conn = self.db.read().await?;
            for (key, max) in &keys {
                if portal::failures(&mut conn, key, since).await? >= *max {
                    return Err(SignInError::Throttled);
                }
            }
            users::find_registered(&mut conn, &email).await?
        };
        let hash = user
            .as_ref()
            .filter(|u| u.status == UserStatus::Active)
            .and_then(|u| u.password_hash.clone());
        let ok = match hash {
            Some(h) => hashing::verify_password(h, password.to_owned()).await?,
            None => false,
        };
        let mut tx = self.db.begin().await?;
        let Some(user) = user.filter(|_| ok) else {
            for (key, _) in &keys {
                portal::record_failure(&mut tx, key, at, since).await?;
            }
            tx.commit().await?;
            return Err(SignInError::WrongCredentials);
        };
        if let Some((key, _)) = keys.first() {
            portal::clear_failures(&mut tx, key).await?;
        }
        let id = Secret::token();
        let csrf = Secret::token();
        portal::insert_session(
            &mut tx,
            id.hash().as_str(),
            &user.id,
            csrf.expose(),
            at,
            at + SESSION_TTL,
        )
        .await?;
        tx.commit().await?;
        Ok(NewSession { id, user })
    }

    /// The session behind a cookie's value: `None` when unknown, expired, or its user can no
    /// longer sign in (deactivated since).
    pub async fn portal_session(&self, id: &str) -> Result<Option<Session>> {
        let hash = Secret::presented(id).hash();
        let mut conn = self.db.read().await?;
        let Some(s) = portal::find_session(&mut conn, hash.as_str()).await? else {
            return Ok(None);
        };
        if s.expires_at <= self.now() {
            return Ok(None);
        }
        let Some(user) = users::find_by_id(&mut conn, &s.account_id, &s.user_id).await? else {
            return Ok(None);
        };
        if user.status != UserStatus::Active {
            return Ok(None);
        }
        let (privileges, group_scope) = match user.role.builtin_privileges() {
            Some(p) => (p, None),
            None => {
                match roster_store::roles::find(&mut conn, &user.account_id, user.role.id()).await?
                {
                    Some(r) => (r.privileges, r.group_scope),
                    None => (Privileges::none(), None),
                }
            }
        };
        let principal = Principal {
            account_id: user.account_id.clone(),
            user_id: user.id.clone(),
            email: user.email.clone(),
            acts_as: user.role.clone(),
            privileges,
            group_scope,
            scopes: roster_domain::Scopes::default(),
            app: None,
            reach: roster_domain::Reach::Account,
        };
        Ok(Some(Session {
            principal,
            user,
            csrf: s.csrf,
        }))
    }

    /// Ends a session (signing out); an unknown one is already ended.
    pub async fn portal_sign_out(&self, id: &str) -> Result<()> {
        let hash = Secret::presented(id).hash();
        let mut tx = self.db.begin().await?;
        portal::delete_session(&mut tx, hash.as_str()).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Whether a role lands on User management (else on the user's own profile).
pub fn lands_on_users(role: &Role) -> bool {
    role.is_admin()
}

impl Service {
    /// The portal's mail outbox: the newest messages recorded for the caller's account, for its
    /// Owner and Admins only.
    pub async fn portal_outbox(
        &self,
        principal: &Principal,
        limit: i64,
    ) -> Result<Vec<roster_store::mail::MailRecord>> {
        if !principal.acts_as.is_admin() {
            return Err(Error::NoPrivilege);
        }
        let mut conn = self.db.read().await?;
        Ok(
            roster_store::mail::list_for_account(&mut conn, principal.account_id.as_str(), limit)
                .await?,
        )
    }
}
