//! Adding users: `POST /v2/users` (`create` invites, `autoCreate` and `custCreate` add active
//! users, `ssoCreate` pre-provisions), and adding many emails at once with the same settings.

use super::{event_object, move_seats, open_account, text, UserView};
use crate::events::{self, Event};
use crate::{hashing, Actor, Error, Result, Service};
use roster_domain::{
    pmi, AddOns, CreateAction, Email, Password, Principal, Secret, TypeError, UserId, UserType,
};
use roster_store::accounts;
use roster_store::invitations::{self, NewInvitation};
use roster_store::users::{self, UserRecord};
use serde_json::{json, Map};
use time::Duration;

/// How long an invitation stays valid.
pub const INVITATION_TTL: Duration = Duration::days(30);

/// A user to add, as the caller sent it.
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    /// `create`, `autoCreate`, `custCreate` or `ssoCreate`.
    pub action: Option<String>,
    pub email: Option<String>,
    /// Zoom's numeric type.
    pub user_type: Option<i64>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub display_name: Option<String>,
    /// Only for `autoCreate`.
    pub password: Option<String>,
    pub add_ons: AddOns,
}

/// What happened to one email of a multi-email add.
#[derive(Debug)]
pub struct AddedUser {
    pub email: String,
    pub outcome: Result<UserView>,
}

struct Parsed {
    action: CreateAction,
    email: Email,
    /// `None`: the default type of the email's managed domain.
    user_type: Option<UserType>,
    first_name: String,
    last_name: String,
    display_name: String,
    password: Option<Password>,
}

fn parse(input: &NewUser) -> Result<Parsed> {
    let action = match input.action.as_deref() {
        None => return Err(Error::invalid("action", "action is required")),
        Some(a) => CreateAction::parse(a).ok_or_else(|| {
            Error::invalid(
                "action",
                "action must be create, autoCreate, custCreate or ssoCreate",
            )
        })?,
    };
    let email = input
        .email
        .as_deref()
        .ok_or_else(|| Error::invalid("user_info.email", "Email is required."))
        .and_then(|e| Email::parse(e).map_err(|err| Error::invalid("user_info.email", err)))?;
    let user_type = input
        .user_type
        .map(|t| {
            UserType::from_code(t)
                .ok_or_else(|| Error::invalid("user_info.type", TypeError::Unknown))
        })
        .transpose()?;
    let first_name = text(
        "user_info.first_name",
        input.first_name.as_deref().unwrap_or(""),
        64,
    )?;
    let last_name = text(
        "user_info.last_name",
        input.last_name.as_deref().unwrap_or(""),
        64,
    )?;
    let display_name = text(
        "user_info.display_name",
        input.display_name.as_deref().unwrap_or(""),
        128,
    )?;
    let password = match action {
        CreateAction::AutoCreate => Some(
            input
                .password
                .as_deref()
                .ok_or_else(|| Error::invalid("user_info.password", "autoCreate needs a password"))
                .and_then(|p| {
                    Password::parse(p).map_err(|e| Error::invalid("user_info.password", e))
                })?,
        ),
        // Zoom uses the password only for autoCreate.
        _ => None,
    };
    Ok(Parsed {
        action,
        email,
        user_type,
        first_name,
        last_name,
        display_name,
        password,
    })
}

/// Gives a new user what the defaults of their email's domain say, when their account manages
/// that domain (verified): the domain's settings group, unless the user already has one. Returns
/// the domain's default type, for the caller to use when the request named none. Every path
/// that adds users (`POST /v2/users`, sign-up into a managed domain, import) calls this.
pub async fn apply_domain_defaults(
    conn: &mut roster_store::Conn,
    user: &mut UserRecord,
) -> Result<Option<UserType>> {
    let found = roster_store::managed_domains::verified_defaults(
        conn,
        &user.account_id,
        user.email.domain(),
    )
    .await?;
    let Some(domain) = found else {
        return Ok(None);
    };
    if user.group_id.is_none() {
        user.group_id = domain.default_group_id;
    }
    Ok(domain.default_type)
}

impl Service {
    /// Adds one user to the caller's account.
    #[tracing::instrument(skip_all)]
    pub async fn add_user(&self, principal: &Principal, input: NewUser) -> Result<UserView> {
        super::require(principal, roster_domain::Privilege::UserAdd)?;
        let p = parse(&input)?;
        if let Some(t) = p.user_type {
            input.add_ons.check(t).map_err(Error::AddOn)?;
        }
        let password_hash = match p.password {
            Some(pw) => Some(hashing::hash_password(pw).await?),
            None => None,
        };
        let at = self.now();
        let display_name = if p.display_name.is_empty() {
            format!("{} {}", p.first_name, p.last_name)
                .trim()
                .to_owned()
        } else {
            p.display_name
        };
        let user = UserRecord {
            status: p.action.initial_status(),
            first_name: p.first_name,
            last_name: p.last_name,
            display_name,
            password_hash,
            creation_type: p.action,
            ..UserRecord::new(
                UserId::generate(),
                principal.account_id.clone(),
                p.email,
                pmi::generate(),
                at,
            )
        };

        let mut tx = self.db.begin().await?;
        let user = self
            .insert_new_user(
                &mut tx,
                principal,
                user,
                p.user_type,
                input.add_ons,
                Map::new(),
            )
            .await?;
        tx.commit().await?;
        tracing::info!(user_id = %user.id, action = user.creation_type.as_str(), "user added");
        Ok(UserView::of(user))
    }

    /// Adds `user` (built by the caller, its status following its creation type) inside `tx`:
    /// the account's payment gate, the email's managed-domain defaults and type, seats, the
    /// invitation (for `create`) and `user.created` with `extra` keys. Every interface that adds
    /// one user (REST, SCIM) goes through here, so the rules hold for all of them.
    pub(crate) async fn insert_new_user(
        &self,
        tx: &mut roster_store::Conn,
        principal: &Principal,
        mut user: UserRecord,
        user_type: Option<UserType>,
        add_ons: AddOns,
        mut extra: Map<String, serde_json::Value>,
    ) -> Result<UserRecord> {
        let action = user.creation_type;
        let at = user.created_at;
        let account = open_account(tx, principal).await?;
        // A new user starts in the account's language; PATCH can give them their own.
        user.language.clone_from(&account.language);
        let domain_type = apply_domain_defaults(tx, &mut user).await?;
        user.user_type = user_type.or(domain_type).ok_or_else(|| {
            Error::invalid(
                "user_info.type",
                "type is required (the email's managed domain has no default type)",
            )
        })?;
        user.add_ons = add_ons.check(user.user_type).map_err(Error::AddOn)?;
        user.user_type
            .check_allowed(action, account.on_prem_enabled)
            .map_err(Error::UserType)?;
        if action == CreateAction::AutoCreate
            && accounts::managing_account(tx, user.email.domain())
                .await?
                .as_ref()
                != Some(&principal.account_id)
        {
            return Err(Error::NotManagedDomain);
        }
        if users::find_by_email(tx, &principal.account_id, &user.email)
            .await?
            .is_some()
        {
            return Err(Error::EmailTaken(user.email));
        }
        if users::email_exists(tx, &user.email).await? {
            // Someone with a standalone account of their own is invited to join with their
            // data; anyone else's email is taken.
            let person = match action {
                CreateAction::Create => {
                    crate::joining::standalone_owner(tx, &user.email, &principal.account_id).await?
                }
                _ => None,
            };
            let Some(person) = person else {
                return Err(Error::EmailTaken(user.email));
            };
            if user.first_name.is_empty() && user.last_name.is_empty() {
                user.first_name.clone_from(&person.first_name);
                user.last_name.clone_from(&person.last_name);
                user.display_name.clone_from(&person.display_name);
            }
            // Mail to them speaks their language, not the organisation's.
            user.language.clone_from(&person.language);
            user.joins_user_id = Some(person.id);
        }
        while users::pmi_exists(tx, user.pmi).await? {
            user.pmi = pmi::generate();
        }
        move_seats(tx, &user, 1).await?;
        users::insert(tx, &user).await.map_err(|e| {
            // A racing invitation to join: PostgreSQL names the index, SQLite its columns.
            let join_taken =
                e.is_unique("users.joins") || e.is_unique("users.account_id, users.email");
            if e.is_unique("users.email") || join_taken {
                Error::EmailTaken(user.email.clone())
            } else {
                e.into()
            }
        })?;
        let applied =
            crate::admin::apply_user_defaults(tx, &user.account_id, &[user.id.as_str()]).await?;
        if user.group_id.is_none() {
            user.group_id = applied.group_id;
        }
        user.chat_group_ids.extend(applied.chat_group_id);
        let actor = Actor::Principal(principal);
        if action == CreateAction::Create {
            // The activation token: 256 random bits, mailed once, stored only as a hash.
            let token = Secret::token();
            let expires_at = at + INVITATION_TTL;
            invitations::insert(
                tx,
                &NewInvitation {
                    user_id: &user.id,
                    account_id: &user.account_id,
                    invited_by: &actor.audit_name(),
                    token_hash: &token.hash(),
                    created_at: at,
                    expires_at,
                },
            )
            .await?;
            crate::mail::enqueue_activation(
                tx,
                &self.settings.public_url,
                &crate::mail::Activation {
                    kind: crate::mail::InviteKind::of(&user),
                    account_id: &user.account_id,
                    reminder: false,
                    user: &user,
                    account_name: &account.name,
                    token: &token,
                    expires_at,
                    at,
                },
            )
            .await?;
        }
        extra.insert("creation_type".into(), json!(action.as_str()));
        let event = Event {
            account_id: &user.account_id,
            kind: "user.created",
            actor: &actor,
            target: user.id.as_str(),
            object: event_object(&user),
            extra,
        };
        events::emit(tx, event, at).await?;
        Ok(user)
    }

    /// Adds every email of a comma- (or white-space-) separated list with the same settings.
    /// Each email succeeds or fails on its own; the result says what happened to each, in order.
    /// An email listed twice is added once and reported as taken the second time.
    pub async fn add_users(
        &self,
        principal: &Principal,
        emails: &str,
        template: NewUser,
    ) -> Vec<AddedUser> {
        let mut out = Vec::new();
        for email in emails
            .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .filter(|e| !e.is_empty())
        {
            let input = NewUser {
                email: Some(email.to_owned()),
                ..template.clone()
            };
            out.push(AddedUser {
                email: email.to_owned(),
                outcome: self.add_user(principal, input).await,
            });
        }
        out
    }
}
