//! Installs of user- and admin-managed apps: who is connected through which install, and
//! disconnecting (by an admin, by the user, or because the approving admin left or lost the
//! Admin role). Every disconnect kills the install's tokens at once and appends an
//! `app_deauthorized` event targeted at the app, in the same transaction.

use crate::{paging, Actor, Error, Result, Service};
use roster_domain::oauth_grant::deauth_signature;
use roster_domain::{AccountId, AppKind, Principal, UserId, UserStatus};
use roster_store::events::{self, NewEvent};
use roster_store::oauth::AppRecord;
use roster_store::oauth_installs::{self as installs, InstallRecord};
use roster_store::users::UserRecord;
use roster_store::Conn;
use serde_json::json;
use time::OffsetDateTime;

/// How an app reaches a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    /// The user installed it themselves (this wins while it exists).
    Personal,
    /// Through the account-level install.
    Account,
    None,
}

impl Connection {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Personal => "personal",
            Self::Account => "account",
            Self::None => "none",
        }
    }
}

/// One row of the connected-users list.
#[derive(Debug, Clone)]
pub struct ConnectedUser {
    pub id: UserId,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub connection: Connection,
}

#[derive(Debug, Clone)]
pub struct ConnectedPage {
    pub users: Vec<ConnectedUser>,
    pub next_page_token: String,
}

/// An app a user is connected to.
#[derive(Debug, Clone)]
pub struct UserApp {
    pub app: AppRecord,
    pub connection: Connection,
    pub scopes: String,
    pub installed_at: OffsetDateTime,
}

impl Service {
    /// Admins (and the operator): every active user of the account with how the app reaches
    /// them.
    pub async fn connected_users(
        &self,
        actor: &Actor<'_>,
        account: &AccountId,
        app_id: &str,
        page_size: u32,
        next_page_token: Option<&str>,
    ) -> Result<ConnectedPage> {
        let after = paging::after(next_page_token)?;
        let mut conn = self.db.read().await?;
        let app = self.get_app_in(&mut conn, actor, account, app_id).await?;
        let account = installs::find_live_install(&mut conn, &app.id, &app.account_id, None)
            .await?
            .is_some();
        let mut rows = installs::connected_users(
            &mut conn,
            &app.account_id,
            &app.id,
            after.as_deref(),
            i64::from(page_size) + 1,
        )
        .await?;
        let next_page_token = paging::finish(&mut rows, page_size, |u| u.id.to_string());
        let users = rows
            .into_iter()
            .map(|u| ConnectedUser {
                connection: if u.personal {
                    Connection::Personal
                } else if account {
                    Connection::Account
                } else {
                    Connection::None
                },
                id: u.id,
                email: u.email,
                first_name: u.first_name,
                last_name: u.last_name,
            })
            .collect();
        Ok(ConnectedPage {
            users,
            next_page_token,
        })
    }

    /// The apps a user is connected to (`me`, or any user for an admin), one row per app with
    /// the connection that wins (personal over account).
    pub async fn user_apps(&self, principal: &Principal, user_ref: &str) -> Result<Vec<UserApp>> {
        let mut conn = self.db.read().await?;
        let user = crate::users::resolve(&mut conn, principal, user_ref).await?;
        if user.id != principal.user_id && !principal.acts_as.is_admin() {
            return Err(Error::NoPrivilege);
        }
        let mut out: Vec<UserApp> = Vec::new();
        for i in installs::live_installs_for_user(&mut conn, &user.account_id, &user.id).await? {
            let connection = if i.user_id.is_some() {
                Connection::Personal
            } else {
                Connection::Account
            };
            if let Some(existing) = out.iter_mut().find(|a| a.app.id == i.app_id) {
                if connection == Connection::Personal {
                    existing.connection = connection;
                    existing.scopes = i.scopes;
                    existing.installed_at = i.created_at;
                }
                continue;
            }
            if let Some(app) = find_any_app(&mut conn, &user.account_id, &i.app_id).await? {
                out.push(UserApp {
                    app,
                    connection,
                    scopes: i.scopes,
                    installed_at: i.created_at,
                });
            }
        }
        Ok(out)
    }

    /// An admin disconnects the account-level install of an app.
    #[tracing::instrument(skip_all)]
    pub async fn disconnect_account_install(
        &self,
        actor: &Actor<'_>,
        account: &AccountId,
        app_id: &str,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let app = self.get_app_in(&mut tx, actor, account, app_id).await?;
        let install = installs::find_live_install(&mut tx, &app.id, account, None)
            .await?
            .ok_or_else(|| Error::InstallNotFound(app.id.clone()))?;
        let at = self.now();
        revoke_install(&mut tx, actor, &app, &install, "admin", at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// An admin disconnects one user's personal install of an app (the account-level one, if
    /// any, takes over for that user).
    #[tracing::instrument(skip_all)]
    pub async fn disconnect_user_install(
        &self,
        actor: &Actor<'_>,
        account: &AccountId,
        app_id: &str,
        user_id: &str,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let app = self.get_app_in(&mut tx, actor, account, app_id).await?;
        let user =
            UserId::parse(user_id.trim()).ok_or_else(|| Error::InstallNotFound(app.id.clone()))?;
        let install = installs::find_live_install(&mut tx, &app.id, account, Some(&user))
            .await?
            .ok_or_else(|| Error::InstallNotFound(app.id.clone()))?;
        let at = self.now();
        revoke_install(&mut tx, actor, &app, &install, "admin", at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A user disconnects their personal install (the account-level one, if any, takes over).
    #[tracing::instrument(skip_all)]
    pub async fn disconnect_personal_install(
        &self,
        principal: &Principal,
        app_id: &str,
    ) -> Result<()> {
        let actor = Actor::Principal(principal);
        let mut tx = self.db.begin().await?;
        let app = find_any_app(&mut tx, &principal.account_id, app_id)
            .await?
            .ok_or_else(|| Error::AppNotFound(app_id.to_owned()))?;
        let install = installs::find_live_install(
            &mut tx,
            &app.id,
            &principal.account_id,
            Some(&principal.user_id),
        )
        .await?
        .ok_or_else(|| Error::InstallNotFound(app.id.clone()))?;
        let at = self.now();
        revoke_install(&mut tx, &actor, &app, &install, "user", at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// An app of `account` that users install (not a server-to-server one), for `actor` who
    /// manages the account's apps.
    async fn get_app_in(
        &self,
        conn: &mut Conn,
        actor: &Actor<'_>,
        account: &AccountId,
        id: &str,
    ) -> Result<AppRecord> {
        let app = self.managed_app(conn, actor, account, id).await?;
        if app.kind == AppKind::ServerToServer {
            return Err(Error::AppNotFound(id.to_owned()));
        }
        Ok(app)
    }
}

/// Revokes one live install in `conn`'s transaction (its tokens die) and appends its
/// `app_deauthorized` event.
pub(crate) async fn revoke_install(
    conn: &mut Conn,
    actor: &Actor<'_>,
    app: &AppRecord,
    install: &InstallRecord,
    reason: &str,
    at: OffsetDateTime,
) -> Result<()> {
    if !installs::revoke_install(conn, &install.id, at, reason).await? {
        return Ok(());
    }
    let user_id = install
        .user_id
        .as_ref()
        .map_or_else(String::new, |u| u.to_string());
    let time = roster_domain::meeting::recurrence::zoom_utc(at);
    let unsigned = format!(
        "{}:{}:{}:{}",
        install.account_id,
        user_id,
        time,
        app.client_id.as_str()
    );
    let webhook_secret = app_webhook_secret(conn, &app.id).await?;
    let payload = json!({
        "account_id": install.account_id.as_str(),
        "user_id": user_id,
        "signature": deauth_signature(&webhook_secret, &unsigned),
        "deauthorization_time": time,
        "client_id": app.client_id.as_str(),
        "install_id": install.id,
        "reason": reason,
    })
    .to_string();
    events::append(
        conn,
        &NewEvent {
            account_id: Some(&install.account_id),
            kind: "app_deauthorized",
            actor: &actor.audit_name(),
            target: Some(&app.id),
            payload: &payload,
            created_at: at,
        },
    )
    .await?;
    tracing::info!(app_id = %app.id, install_id = %install.id, reason, "install revoked");
    Ok(())
}

/// The hook every way a user stops being an active admin of their account goes through
/// (deleted, unlinked, deactivated, demoted, moved): the account-level installs they approved
/// are revoked for everyone (reason `approver_removed`); personal installs survive.
/// `new` is the user afterwards (`None`: deleted).
pub(crate) async fn approver_hook(
    conn: &mut Conn,
    actor: &Actor<'_>,
    old: &UserRecord,
    new: Option<&UserRecord>,
    at: OffsetDateTime,
) -> Result<()> {
    let was = old.role.is_admin() && old.status == UserStatus::Active;
    let still = new.is_some_and(|n| {
        n.role.is_admin() && n.status == UserStatus::Active && n.account_id == old.account_id
    });
    if !was || still {
        return Ok(());
    }
    for install in installs::live_account_installs_approved_by(conn, &old.id).await? {
        let Some(app) = find_any_app(conn, &install.account_id, &install.app_id).await? else {
            continue;
        };
        revoke_install(conn, actor, &app, &install, "approver_removed", at).await?;
    }
    Ok(())
}

async fn find_any_app(conn: &mut Conn, account: &AccountId, id: &str) -> Result<Option<AppRecord>> {
    Ok(installs::find_app(conn, account, id).await?)
}

async fn app_webhook_secret(conn: &mut Conn, app_id: &str) -> Result<String> {
    Ok(installs::app_webhook_secret(conn, app_id)
        .await?
        .unwrap_or_default())
}
