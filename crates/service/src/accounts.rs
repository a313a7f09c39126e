//! Accounts: creating one with its Owner and a server-to-server app, and recording a verified
//! payment method.

use crate::events::{self, Event};
use crate::{hashing, Actor, Error, Result, Service};
use roster_domain::{
    app::S2S_DEFAULT_SCOPES, pmi, AccountId, AccountName, AppKind, AppStatus, ClientId, Email,
    LanguageTag, Password, Plan, Role, Scopes, SeatPools, Secret, UserId, UserStatus,
};
use roster_store::{
    accounts::{self, AccountRecord},
    oauth::{self, AppRecord},
    users::{self, UserRecord},
};
use serde_json::{json, Map};

/// What `roster account create` asks for, as typed.
#[derive(Debug, Clone, Default)]
pub struct NewAccount {
    pub name: String,
    pub owner_email: String,
    pub owner_password: Option<String>,
    /// `None` means the free plan.
    pub plan: Option<String>,
    pub licensed_seats: u32,
    pub large_meeting_seats: u32,
    pub webinar_seats: u32,
    /// Whether users may be of type 3 (On-Prem).
    pub on_prem: bool,
    /// The account's language (`fr`, `fr-FR`, …); `None` means English (`en-US`).
    pub language: Option<String>,
}

/// A created account. `client_secret` is shown once: only its hash is stored.
#[derive(Debug, Clone)]
pub struct CreatedAccount {
    pub account_id: AccountId,
    pub owner_id: UserId,
    pub client_id: ClientId,
    pub client_secret: Secret,
}

struct ParsedAccount {
    name: AccountName,
    owner_email: Email,
    owner_password: Option<Password>,
    plan: Plan,
    seats: SeatPools,
    language: LanguageTag,
}

fn parse(input: &NewAccount) -> Result<ParsedAccount> {
    let name = AccountName::parse(&input.name).map_err(|e| Error::invalid("name", e))?;
    let owner_email =
        Email::parse(&input.owner_email).map_err(|e| Error::invalid("owner_email", e))?;
    let owner_password = input
        .owner_password
        .as_deref()
        .map(Password::parse)
        .transpose()
        .map_err(|e| Error::invalid("owner_password", e))?;
    let plan = input
        .plan
        .as_deref()
        .map_or(Ok(Plan::Free), Plan::parse)
        .map_err(|e| Error::invalid("plan", e))?;
    let seats = SeatPools::new(
        plan,
        input.licensed_seats,
        input.large_meeting_seats,
        input.webinar_seats,
    )
    .map_err(|e| Error::invalid("seats", e))?;
    let language = input
        .language
        .as_deref()
        .map(LanguageTag::parse)
        .transpose()
        .map_err(|e| Error::invalid("language", e))?
        .unwrap_or_default();
    Ok(ParsedAccount {
        name,
        owner_email,
        owner_password,
        plan,
        seats,
        language,
    })
}

impl Service {
    /// Creates an account, its Owner (active; Licensed when a seat is free, else Basic) and one
    /// server-to-server OAuth app, in one transaction.
    #[tracing::instrument(skip_all, fields(owner = %input.owner_email))]
    pub async fn create_account(
        &self,
        actor: Actor<'_>,
        input: NewAccount,
    ) -> Result<CreatedAccount> {
        let p = parse(&input)?;
        let password_hash = match p.owner_password {
            Some(pw) => Some(hashing::hash_password(pw).await?),
            None => None,
        };
        let at = self.now();
        let account = AccountRecord {
            id: AccountId::generate(),
            name: p.name.as_str().to_owned(),
            plan: p.plan,
            // A paid plan is paid with a payment method; a free one must verify one explicitly.
            payment_verified: p.plan.is_paid(),
            owner_id: None,
            seats: p.seats,
            licensed_used: 0,
            large_meeting_used: 0,
            webinar_used: 0,
            on_prem_enabled: input.on_prem,
            language: p.language.to_string(),
            created_at: at,
        };
        let owner_type = p.seats.owner_type();
        let owner = UserRecord {
            user_type: owner_type,
            role: Role::Owner,
            password_hash,
            creation_type: roster_domain::CreateAction::AutoCreate,
            language: p.language.to_string(),
            ..UserRecord::new(
                UserId::generate(),
                account.id.clone(),
                p.owner_email.clone(),
                pmi::generate(),
                at,
            )
        };
        let client_secret = Secret::client_secret();
        let app = AppRecord {
            id: UserId::generate().to_string(),
            account_id: account.id.clone(),
            name: format!("{} server-to-server app", p.name.as_str()),
            kind: AppKind::ServerToServer,
            client_id: ClientId::generate(),
            client_secret_hash: client_secret.hash(),
            created_by: owner.id.clone(),
            scopes: S2S_DEFAULT_SCOPES.to_owned(),
            status: AppStatus::Active,
            created_at: at,
            description: String::new(),
            redirect_uris: Vec::new(),
            public_client: false,
        };

        let mut tx = self.db.begin().await?;
        if users::email_exists(&mut tx, &owner.email).await? {
            return Err(Error::EmailTaken(owner.email));
        }
        accounts::insert(&mut tx, &account).await?;
        if owner_type.takes_licensed_seat()
            && !accounts::take_licensed_seat(&mut tx, &account.id).await?
        {
            return Err(Error::Internal(
                "a new account has no free Licensed seat".into(),
            ));
        }
        users::insert(&mut tx, &owner).await.map_err(|e| {
            if e.is_unique("users.email") {
                Error::EmailTaken(owner.email.clone())
            } else {
                e.into()
            }
        })?;
        accounts::set_owner(&mut tx, &account.id, &owner.id).await?;
        oauth::insert_app(&mut tx, &app).await?;
        let object = json!({
            "id": account.id.as_str(),
            "account_name": account.name,
            "plan": account.plan.as_str(),
            "language": account.language,
            "owner_id": owner.id.as_str(),
            "owner_email": owner.email.as_str(),
            "seats": {
                "licensed": account.seats.licensed,
                "large_meeting": account.seats.large_meeting,
                "webinar": account.seats.webinar,
            },
        });
        let event = Event {
            account_id: &account.id,
            kind: "account.created",
            actor: &actor,
            target: account.id.as_str(),
            object,
            extra: Map::new(),
        };
        events::emit(&mut tx, event, at).await?;
        tx.commit().await?;
        tracing::info!(account_id = %account.id, owner_id = %owner.id, "account created");
        Ok(CreatedAccount {
            account_id: account.id,
            owner_id: owner.id,
            client_id: app.client_id,
            client_secret,
        })
    }

    /// Records that a free-plan account has a verified payment method (paid plans always do).
    /// Verifying twice is harmless.
    #[tracing::instrument(skip_all, fields(account_id = %account_id))]
    pub async fn verify_payment(&self, actor: Actor<'_>, account_id: &str) -> Result<()> {
        let id = AccountId::parse(account_id.trim())
            .ok_or_else(|| Error::AccountNotFound(account_id.to_owned()))?;
        let mut tx = self.db.begin().await?;
        if accounts::set_payment_verified(&mut tx, &id).await? == 0 {
            return Err(Error::AccountNotFound(account_id.to_owned()));
        }
        let event = Event {
            account_id: &id,
            kind: "account.payment_verified",
            actor: &actor,
            target: id.as_str(),
            object: json!({ "id": id.as_str(), "payment_verified": true }),
            extra: Map::new(),
        };
        events::emit(&mut tx, event, self.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets an account's language: the language new users start with, and so of their mail.
    /// Users still in the account's previous language follow it; users who chose their own
    /// keep theirs. An unsupported language is refused and nothing is stored. Returns the
    /// stored tag and how many users followed.
    #[tracing::instrument(skip_all, fields(account_id = %account_id))]
    pub async fn set_account_language(
        &self,
        actor: Actor<'_>,
        account_id: &str,
        language: &str,
    ) -> Result<(LanguageTag, u64)> {
        let id = AccountId::parse(account_id.trim())
            .ok_or_else(|| Error::AccountNotFound(account_id.to_owned()))?;
        let tag = LanguageTag::parse(language).map_err(|e| Error::invalid("language", e))?;
        let mut tx = self.db.begin().await?;
        let account = accounts::find(&mut tx, &id)
            .await?
            .ok_or_else(|| Error::AccountNotFound(account_id.to_owned()))?;
        if account.language == tag.as_str() {
            return Ok((tag, 0));
        }
        accounts::set_language(&mut tx, &id, tag.as_str()).await?;
        let followed =
            users::follow_language(&mut tx, &id, &account.language, tag.as_str()).await?;
        let event = Event {
            account_id: &id,
            kind: "account.language_changed",
            actor: &actor,
            target: id.as_str(),
            object: json!({ "id": id.as_str(), "language": tag.as_str() }),
            extra: Map::from_iter([
                ("old_language".to_owned(), json!(account.language)),
                ("users_following".to_owned(), json!(followed)),
            ]),
        };
        events::emit(&mut tx, event, self.now()).await?;
        tx.commit().await?;
        Ok((tag, followed))
    }

    /// Creates a server-to-server OAuth app for a user of an account (an operator action). Its
    /// tokens act as that user, with that user's role at the time of each request, within
    /// `scopes` (space-separated names Roster knows; [`S2S_DEFAULT_SCOPES`] when `None`).
    #[tracing::instrument(skip_all, fields(account_id = %account_id))]
    pub async fn create_s2s_app(
        &self,
        actor: Actor<'_>,
        account_id: &str,
        user_email: &str,
        name: Option<&str>,
        scopes: Option<&str>,
    ) -> Result<(ClientId, Secret, String)> {
        let id = AccountId::parse(account_id.trim())
            .ok_or_else(|| Error::AccountNotFound(account_id.to_owned()))?;
        let email = Email::parse(user_email).map_err(|e| Error::invalid("user", e))?;
        let scopes = Scopes::parse_known(scopes.unwrap_or(S2S_DEFAULT_SCOPES))
            .map_err(|e| Error::invalid("scopes", e))?;
        let name = match name {
            Some(n) => crate::users::text("name", n, 128)?,
            None => format!("{email} server-to-server app"),
        };
        let mut tx = self.db.begin().await?;
        if accounts::find(&mut tx, &id).await?.is_none() {
            return Err(Error::AccountNotFound(account_id.to_owned()));
        }
        let user = users::find_by_email(&mut tx, &id, &email)
            .await?
            .filter(|u| u.status == UserStatus::Active)
            .ok_or_else(|| Error::UserNotFound(email.to_string()))?;
        let at = self.now();
        let secret = Secret::client_secret();
        let app = AppRecord {
            id: UserId::generate().to_string(),
            account_id: id.clone(),
            name,
            kind: AppKind::ServerToServer,
            client_id: ClientId::generate(),
            client_secret_hash: secret.hash(),
            created_by: user.id.clone(),
            scopes: scopes.to_string(),
            status: AppStatus::Active,
            created_at: at,
            description: String::new(),
            redirect_uris: Vec::new(),
            public_client: false,
        };
        oauth::insert_app(&mut tx, &app).await?;
        let event = Event {
            account_id: &id,
            kind: "app.created",
            actor: &actor,
            target: &app.id,
            object: json!({ "id": app.id, "name": app.name, "client_id": app.client_id.as_str(), "created_by": user.id.as_str(), "scopes": app.scopes }),
            extra: Map::new(),
        };
        events::emit(&mut tx, event, at).await?;
        tx.commit().await?;
        Ok((app.client_id, secret, app.scopes))
    }

    /// How many accounts exist (the server says how to create the first when there are none).
    pub async fn count_accounts(&self) -> Result<i64> {
        let mut conn = self.db.read().await?;
        Ok(accounts::count(&mut conn).await?)
    }
}
