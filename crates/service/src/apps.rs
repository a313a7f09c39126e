//! The app registry: an account's Owner or Admin (or the operator) registers user-managed and
//! admin-managed OAuth apps, changes and deletes them, and rotates their client secret. The
//! secret is shown once and stored hashed. An app belongs to the account that registered it and
//! only that account's users can install it.

use crate::events::{self, Event};
use crate::{paging, Actor, Error, Result, Service};
use roster_domain::oauth_grant::parse_redirect_uris;
use roster_domain::{AccountId, AppKind, AppStatus, ClientId, ScopeError, Scopes, Secret, UserId};
use roster_store::oauth::{self, AppRecord};
use roster_store::{accounts, oauth_installs as installs, Conn};
use serde_json::{json, Map};

/// A new app, as the adapter found it.
#[derive(Debug, Clone, Default)]
pub struct NewApp {
    pub name: Option<String>,
    pub description: Option<String>,
    /// `user` or `account`.
    pub kind: Option<String>,
    pub redirect_uris: Vec<String>,
    pub scopes: Option<String>,
    pub public_client: bool,
}

/// Changes to an app; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct AppPatch {
    pub name: Option<String>,
    pub description: Option<String>,
    pub redirect_uris: Option<Vec<String>>,
    pub scopes: Option<String>,
}

/// A page of apps.
#[derive(Debug, Clone)]
pub struct AppPage {
    pub apps: Vec<AppRecord>,
    pub next_page_token: String,
}

fn check_scopes(kind: AppKind, text: &str) -> Result<Scopes> {
    let scopes = Scopes::parse_known(text).map_err(|e| Error::invalid("scopes", e))?;
    if kind == AppKind::User {
        if let Some(admin) = scopes.first_admin() {
            return Err(Error::invalid(
                "scopes",
                ScopeError::AdminForUserApp(admin.to_owned()),
            ));
        }
    }
    Ok(scopes)
}

fn check_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 64 {
        return Err(Error::invalid("app_name", "must be 1 to 64 characters"));
    }
    Ok(name.to_owned())
}

fn check_description(d: &str) -> Result<String> {
    if d.chars().count() > 1000 {
        return Err(Error::invalid(
            "description",
            "must be at most 1000 characters",
        ));
    }
    Ok(d.trim().to_owned())
}

impl Service {
    /// The account `actor` manages apps of: the principal's own when they are an Owner or
    /// Admin; any existing account for the operator.
    pub(crate) async fn app_admin_account(
        &self,
        conn: &mut Conn,
        actor: &Actor<'_>,
        account: &AccountId,
    ) -> Result<()> {
        match actor {
            Actor::Principal(p) if p.account_id == *account && p.acts_as.is_admin() => Ok(()),
            Actor::Principal(_) | Actor::Host { .. } => Err(Error::NoPrivilege),
            Actor::Operator | Actor::System => accounts::find(conn, account)
                .await?
                .map(drop)
                .ok_or_else(|| Error::AccountNotFound(account.to_string())),
        }
    }

    /// The app `id` of `account`, for `actor` who manages its apps.
    pub(crate) async fn managed_app(
        &self,
        conn: &mut Conn,
        actor: &Actor<'_>,
        account: &AccountId,
        id: &str,
    ) -> Result<AppRecord> {
        self.app_admin_account(conn, actor, account).await?;
        installs::find_app(conn, account, id)
            .await?
            .ok_or_else(|| Error::AppNotFound(id.to_owned()))
    }

    /// Registers a user-managed or admin-managed app; returns it with its client secret (none
    /// for a public client), shown only this once.
    #[tracing::instrument(skip_all)]
    pub async fn create_app(
        &self,
        actor: &Actor<'_>,
        account: &AccountId,
        input: NewApp,
    ) -> Result<(AppRecord, Option<Secret>)> {
        let name = check_name(input.name.as_deref().unwrap_or_default())?;
        let description = check_description(input.description.as_deref().unwrap_or_default())?;
        let kind = match input.kind.as_deref().map(str::trim) {
            Some("user" | "user_managed") => AppKind::User,
            Some("account" | "admin_managed") => AppKind::Account,
            _ => {
                return Err(Error::invalid(
                    "app_type",
                    "must be user_managed (user) or admin_managed (account); server-to-server apps are made with `roster app create --user`",
                ))
            }
        };
        let redirect_uris = parse_redirect_uris(input.redirect_uris.iter().map(String::as_str))
            .map_err(|e| Error::invalid("redirect_uris", e))?;
        let scopes = check_scopes(kind, input.scopes.as_deref().unwrap_or_default())?;
        let mut tx = self.db.begin().await?;
        self.app_admin_account(&mut tx, actor, account).await?;
        let created_by = match actor {
            Actor::Principal(p) => p.user_id.clone(),
            _ => accounts::find(&mut tx, account)
                .await?
                .and_then(|a| a.owner_id)
                .ok_or_else(|| Error::AccountNotFound(account.to_string()))?,
        };
        let secret = Secret::client_secret();
        let at = self.now();
        let app = AppRecord {
            id: UserId::generate().to_string(),
            account_id: account.clone(),
            name,
            kind,
            client_id: ClientId::generate(),
            // A public client's secret is random and never shown, so it can never be used.
            client_secret_hash: secret.hash(),
            created_by,
            scopes: scopes.to_text(),
            status: AppStatus::Active,
            created_at: at,
            description,
            redirect_uris,
            public_client: input.public_client,
        };
        oauth::insert_app(&mut tx, &app).await?;
        emit_app(&mut tx, actor, &app, "app.created", at).await?;
        tx.commit().await?;
        let shown = (!app.public_client).then_some(secret);
        Ok((app, shown))
    }

    /// A page of the account's apps (server-to-server ones included).
    pub async fn list_apps(
        &self,
        actor: &Actor<'_>,
        account: &AccountId,
        page_size: u32,
        next_page_token: Option<&str>,
    ) -> Result<AppPage> {
        let after = paging::after(next_page_token)?;
        let mut conn = self.db.read().await?;
        self.app_admin_account(&mut conn, actor, account).await?;
        let mut apps = installs::list_apps(
            &mut conn,
            account,
            after.as_deref(),
            i64::from(page_size) + 1,
        )
        .await?;
        let next_page_token = paging::finish(&mut apps, page_size, |a| a.id.clone());
        Ok(AppPage {
            apps,
            next_page_token,
        })
    }

    pub async fn get_app(
        &self,
        actor: &Actor<'_>,
        account: &AccountId,
        id: &str,
    ) -> Result<AppRecord> {
        let mut conn = self.db.read().await?;
        self.managed_app(&mut conn, actor, account, id).await
    }

    /// Changes an app's name, description, redirect URIs or scopes. Narrowing the scopes does
    /// not touch existing installs (their grants stay what was approved).
    #[tracing::instrument(skip_all)]
    pub async fn update_app(
        &self,
        actor: &Actor<'_>,
        account: &AccountId,
        id: &str,
        patch: AppPatch,
    ) -> Result<AppRecord> {
        let mut tx = self.db.begin().await?;
        let mut app = self.managed_app(&mut tx, actor, account, id).await?;
        if app.kind == AppKind::ServerToServer {
            return Err(Error::invalid(
                "app_type",
                "server-to-server apps cannot be changed here",
            ));
        }
        if let Some(n) = patch.name {
            app.name = check_name(&n)?;
        }
        if let Some(d) = patch.description {
            app.description = check_description(&d)?;
        }
        if let Some(uris) = patch.redirect_uris {
            app.redirect_uris = parse_redirect_uris(uris.iter().map(String::as_str))
                .map_err(|e| Error::invalid("redirect_uris", e))?;
        }
        if let Some(s) = patch.scopes {
            app.scopes = check_scopes(app.kind, &s)?.to_text();
        }
        installs::update_app(&mut tx, &app).await?;
        let at = self.now();
        emit_app(&mut tx, actor, &app, "app.updated", at).await?;
        tx.commit().await?;
        Ok(app)
    }

    /// Replaces an app's client secret; the old one stops working at once.
    #[tracing::instrument(skip_all)]
    pub async fn rotate_app_secret(
        &self,
        actor: &Actor<'_>,
        account: &AccountId,
        id: &str,
    ) -> Result<(AppRecord, Secret)> {
        let mut tx = self.db.begin().await?;
        let mut app = self.managed_app(&mut tx, actor, account, id).await?;
        if app.public_client {
            return Err(Error::invalid(
                "public_client",
                "a public client has no client secret",
            ));
        }
        let secret = Secret::client_secret();
        app.client_secret_hash = secret.hash();
        installs::update_app(&mut tx, &app).await?;
        let at = self.now();
        emit_app(&mut tx, actor, &app, "app.updated", at).await?;
        tx.commit().await?;
        Ok((app, secret))
    }

    /// Deletes an app: every install is revoked (reason `app_deleted`, each with an
    /// `app_deauthorized` event) and every token dies. The row stays, marked deleted.
    #[tracing::instrument(skip_all)]
    pub async fn delete_app(&self, actor: &Actor<'_>, account: &AccountId, id: &str) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let app = self.managed_app(&mut tx, actor, account, id).await?;
        let at = self.now();
        for install in installs::live_installs_of_app(&mut tx, &app.id).await? {
            crate::installs::revoke_install(&mut tx, actor, &app, &install, "app_deleted", at)
                .await?;
        }
        installs::delete_tokens_of_app(&mut tx, &app.id).await?;
        installs::mark_app_deleted(&mut tx, &app).await?;
        emit_app(&mut tx, actor, &app, "app.deleted", at).await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn emit_app(
    conn: &mut Conn,
    actor: &Actor<'_>,
    app: &AppRecord,
    kind: &'static str,
    at: time::OffsetDateTime,
) -> Result<()> {
    let event = Event {
        account_id: &app.account_id,
        kind,
        actor,
        target: &app.id,
        object: json!({
            "id": app.id,
            "name": app.name,
            "type": app.kind.as_str(),
            "client_id": app.client_id.as_str(),
            "scopes": app.scopes,
            "redirect_uris": app.redirect_uris,
            "public_client": app.public_client,
        }),
        extra: Map::new(),
    };
    events::emit(conn, event, at).await
}
