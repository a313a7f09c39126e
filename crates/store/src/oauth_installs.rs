//! The app registry's reads and writes, installs, authorization codes and rotating refresh
//! tokens (schema v17). Codes and tokens are stored only as SHA-256 hashes.

use crate::oauth::{AppRecord, APP_COLUMNS};
use crate::{params, Conn, FromRow, Result, Row};
use roster_domain::{AccountId, AppStatus, SecretHash, UserId};
use time::OffsetDateTime;

/// An app of `account` that is not deleted.
pub async fn find_app(conn: &mut Conn, account: &AccountId, id: &str) -> Result<Option<AppRecord>> {
    conn.fetch_optional(
        &format!(
            "SELECT {APP_COLUMNS} FROM oauth_apps WHERE id = $1 AND account_id = $2 AND status <> 'deleted'"
        ),
        params![id, account.as_str()],
    )
    .await
}

/// A page of an account's apps (not deleted), by id after `after`.
pub async fn list_apps(
    conn: &mut Conn,
    account: &AccountId,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<AppRecord>> {
    conn.fetch_all(
        &format!(
            "SELECT {APP_COLUMNS} FROM oauth_apps WHERE account_id = $1 AND status <> 'deleted' \
             AND id > $2 ORDER BY id LIMIT $3"
        ),
        params![account.as_str(), after.unwrap_or_default(), limit],
    )
    .await
}

/// Writes an app's mutable fields.
pub async fn update_app(conn: &mut Conn, a: &AppRecord) -> Result<u64> {
    conn.execute(
        "UPDATE oauth_apps SET name = $1, description = $2, redirect_uris = $3, scopes = $4, \
         public_client = $5, client_secret_hash = $6, status = $7 WHERE id = $8 AND account_id = $9",
        params![
            a.name.as_str(),
            a.description.as_str(),
            a.redirect_uris.join("\n").as_str(),
            a.scopes.as_str(),
            a.public_client,
            a.client_secret_hash.as_str(),
            a.status.as_str(),
            a.id.as_str(),
            a.account_id.as_str(),
        ],
    )
    .await
}

/// Marks an app deleted (its rows stay for the record of its installs).
pub async fn mark_app_deleted(conn: &mut Conn, a: &AppRecord) -> Result<u64> {
    conn.execute(
        "UPDATE oauth_apps SET status = $1 WHERE id = $2 AND account_id = $3",
        params![
            AppStatus::Deleted.as_str(),
            a.id.as_str(),
            a.account_id.as_str()
        ],
    )
    .await
}

/// An app's webhook secret token, if set.
pub async fn app_webhook_secret(conn: &mut Conn, app_id: &str) -> Result<Option<String>> {
    let row: Option<Opt> = conn
        .fetch_optional(
            "SELECT webhook_secret FROM oauth_apps WHERE id = $1",
            params![app_id],
        )
        .await?;
    Ok(row.and_then(|r| r.0))
}

struct Opt(Option<String>);

impl FromRow for Opt {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self(r.opt_text(0)?))
    }
}

/// Deletes every access token of an app (server-to-server ones too).
pub async fn delete_tokens_of_app(conn: &mut Conn, app_id: &str) -> Result<u64> {
    conn.execute(
        "DELETE FROM oauth_tokens WHERE app_id = $1",
        params![app_id],
    )
    .await
}

/// One install: account-level (`user_id` None) or personal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallRecord {
    pub id: String,
    pub app_id: String,
    pub account_id: AccountId,
    pub user_id: Option<UserId>,
    pub approved_by: UserId,
    pub scopes: String,
    pub created_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
    pub revoke_reason: Option<String>,
}

const INSTALL_COLUMNS: &str =
    "id, app_id, account_id, user_id, approved_by, scopes, created_at, revoked_at, revoke_reason";

impl FromRow for InstallRecord {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            id: r.text(0)?,
            app_id: r.text(1)?,
            account_id: r.parse(2, AccountId::parse)?,
            user_id: r.opt_text(3)?.map(UserId::from_stored),
            approved_by: UserId::from_stored(r.text(4)?),
            scopes: r.text(5)?,
            created_at: r.time(6)?,
            revoked_at: r.opt_time(7)?,
            revoke_reason: r.opt_text(8)?,
        })
    }
}

pub async fn insert_install(conn: &mut Conn, i: &InstallRecord) -> Result<()> {
    conn.execute(
        "INSERT INTO oauth_installs (id, app_id, account_id, user_id, approved_by, scopes, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        params![
            i.id.as_str(),
            i.app_id.as_str(),
            i.account_id.as_str(),
            i.user_id.as_ref().map(UserId::as_str),
            i.approved_by.as_str(),
            i.scopes.as_str(),
            i.created_at,
        ],
    )
    .await
    .map(drop)
}

/// The live install of `app` for `user` (personal) or, with `None`, for the account.
pub async fn find_live_install(
    conn: &mut Conn,
    app_id: &str,
    account: &AccountId,
    user: Option<&UserId>,
) -> Result<Option<InstallRecord>> {
    match user {
        Some(u) => {
            conn.fetch_optional(
                &format!(
                    "SELECT {INSTALL_COLUMNS} FROM oauth_installs WHERE app_id = $1 AND account_id = $2 \
                     AND user_id = $3 AND revoked_at IS NULL"
                ),
                params![app_id, account.as_str(), u.as_str()],
            )
            .await
        }
        None => {
            conn.fetch_optional(
                &format!(
                    "SELECT {INSTALL_COLUMNS} FROM oauth_installs WHERE app_id = $1 AND account_id = $2 \
                     AND user_id IS NULL AND revoked_at IS NULL"
                ),
                params![app_id, account.as_str()],
            )
            .await
        }
    }
}

pub async fn find_install(conn: &mut Conn, id: &str) -> Result<Option<InstallRecord>> {
    conn.fetch_optional(
        &format!("SELECT {INSTALL_COLUMNS} FROM oauth_installs WHERE id = $1"),
        params![id],
    )
    .await
}

/// Replaces a live install's granted scopes (a new approval of the same app).
pub async fn set_install_scopes(conn: &mut Conn, id: &str, scopes: &str) -> Result<u64> {
    conn.execute(
        "UPDATE oauth_installs SET scopes = $1 WHERE id = $2 AND revoked_at IS NULL",
        params![scopes, id],
    )
    .await
}

/// Every live install of an app.
pub async fn live_installs_of_app(conn: &mut Conn, app_id: &str) -> Result<Vec<InstallRecord>> {
    conn.fetch_all(
        &format!(
            "SELECT {INSTALL_COLUMNS} FROM oauth_installs WHERE app_id = $1 AND revoked_at IS NULL ORDER BY id"
        ),
        params![app_id],
    )
    .await
}

/// The live account-level installs a user approved.
pub async fn live_account_installs_approved_by(
    conn: &mut Conn,
    user: &UserId,
) -> Result<Vec<InstallRecord>> {
    conn.fetch_all(
        &format!(
            "SELECT {INSTALL_COLUMNS} FROM oauth_installs WHERE approved_by = $1 AND user_id IS NULL \
             AND revoked_at IS NULL ORDER BY id"
        ),
        params![user.as_str()],
    )
    .await
}

/// The live installs that connect `user`: their personal ones and their account's.
pub async fn live_installs_for_user(
    conn: &mut Conn,
    account: &AccountId,
    user: &UserId,
) -> Result<Vec<InstallRecord>> {
    conn.fetch_all(
        &format!(
            "SELECT {INSTALL_COLUMNS} FROM oauth_installs WHERE account_id = $1 AND revoked_at IS NULL \
             AND (user_id = $2 OR user_id IS NULL) ORDER BY app_id, id"
        ),
        params![account.as_str(), user.as_str()],
    )
    .await
}

/// Disconnects an install: marks it revoked, deletes its access tokens and revokes its refresh
/// tokens. Returns whether it was live.
pub async fn revoke_install(
    conn: &mut Conn,
    id: &str,
    at: OffsetDateTime,
    reason: &str,
) -> Result<bool> {
    let n = conn
        .execute(
            "UPDATE oauth_installs SET revoked_at = $1, revoke_reason = $2 WHERE id = $3 AND revoked_at IS NULL",
            params![at, reason, id],
        )
        .await?;
    conn.execute(
        "DELETE FROM oauth_tokens WHERE install_id = $1",
        params![id],
    )
    .await?;
    conn.execute(
        "UPDATE oauth_refresh_tokens SET revoked_at = $1 WHERE install_id = $2 AND revoked_at IS NULL",
        params![at, id],
    )
    .await?;
    Ok(n > 0)
}

/// An authorization code as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRecord {
    pub code_hash: SecretHash,
    pub app_id: String,
    pub install_id: String,
    pub account_id: AccountId,
    pub user_id: UserId,
    pub redirect_uri: String,
    pub scopes: String,
    pub code_challenge: Option<String>,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub used_at: Option<OffsetDateTime>,
    pub family_id: Option<String>,
}

impl FromRow for CodeRecord {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            code_hash: SecretHash::from_stored(r.text(0)?),
            app_id: r.text(1)?,
            install_id: r.text(2)?,
            account_id: r.parse(3, AccountId::parse)?,
            user_id: UserId::from_stored(r.text(4)?),
            redirect_uri: r.text(5)?,
            scopes: r.text(6)?,
            code_challenge: r.opt_text(7)?,
            created_at: r.time(8)?,
            expires_at: r.time(9)?,
            used_at: r.opt_time(10)?,
            family_id: r.opt_text(11)?,
        })
    }
}

pub async fn insert_code(conn: &mut Conn, c: &CodeRecord) -> Result<()> {
    conn.execute(
        "INSERT INTO oauth_codes (code_hash, app_id, install_id, account_id, user_id, redirect_uri, \
         scopes, code_challenge, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        params![
            c.code_hash.as_str(),
            c.app_id.as_str(),
            c.install_id.as_str(),
            c.account_id.as_str(),
            c.user_id.as_str(),
            c.redirect_uri.as_str(),
            c.scopes.as_str(),
            c.code_challenge.as_deref(),
            c.created_at,
            c.expires_at,
        ],
    )
    .await
    .map(drop)
}

pub async fn find_code(conn: &mut Conn, hash: &SecretHash) -> Result<Option<CodeRecord>> {
    conn.fetch_optional(
        "SELECT code_hash, app_id, install_id, account_id, user_id, redirect_uri, scopes, code_challenge, \
         created_at, expires_at, used_at, family_id FROM oauth_codes WHERE code_hash = $1",
        params![hash.as_str()],
    )
    .await
}

/// Marks a code used, redeemed into `family`; `false` when it was already used (a race lost).
pub async fn use_code(
    conn: &mut Conn,
    hash: &SecretHash,
    at: OffsetDateTime,
    family: &str,
) -> Result<bool> {
    let n = conn
        .execute(
            "UPDATE oauth_codes SET used_at = $1, family_id = $2 WHERE code_hash = $3 AND used_at IS NULL",
            params![at, family, hash.as_str()],
        )
        .await?;
    Ok(n > 0)
}

/// A refresh token as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshRecord {
    pub token_hash: SecretHash,
    pub family_id: String,
    pub app_id: String,
    pub install_id: String,
    pub account_id: AccountId,
    pub user_id: UserId,
    pub scopes: String,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub used_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

impl FromRow for RefreshRecord {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            token_hash: SecretHash::from_stored(r.text(0)?),
            family_id: r.text(1)?,
            app_id: r.text(2)?,
            install_id: r.text(3)?,
            account_id: r.parse(4, AccountId::parse)?,
            user_id: UserId::from_stored(r.text(5)?),
            scopes: r.text(6)?,
            created_at: r.time(7)?,
            expires_at: r.time(8)?,
            used_at: r.opt_time(9)?,
            revoked_at: r.opt_time(10)?,
        })
    }
}

pub async fn insert_refresh(conn: &mut Conn, t: &RefreshRecord) -> Result<()> {
    conn.execute(
        "INSERT INTO oauth_refresh_tokens (token_hash, family_id, app_id, install_id, account_id, user_id, \
         scopes, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        params![
            t.token_hash.as_str(),
            t.family_id.as_str(),
            t.app_id.as_str(),
            t.install_id.as_str(),
            t.account_id.as_str(),
            t.user_id.as_str(),
            t.scopes.as_str(),
            t.created_at,
            t.expires_at,
        ],
    )
    .await
    .map(drop)
}

pub async fn find_refresh(conn: &mut Conn, hash: &SecretHash) -> Result<Option<RefreshRecord>> {
    conn.fetch_optional(
        "SELECT token_hash, family_id, app_id, install_id, account_id, user_id, scopes, created_at, \
         expires_at, used_at, revoked_at FROM oauth_refresh_tokens WHERE token_hash = $1",
        params![hash.as_str()],
    )
    .await
}

/// Marks a refresh token used; `false` when it was already used or revoked (a race lost).
pub async fn use_refresh(conn: &mut Conn, hash: &SecretHash, at: OffsetDateTime) -> Result<bool> {
    let n = conn
        .execute(
            "UPDATE oauth_refresh_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL \
             AND revoked_at IS NULL",
            params![at, hash.as_str()],
        )
        .await?;
    Ok(n > 0)
}

/// Revokes a refresh family: its refresh tokens and every access token issued in it.
pub async fn revoke_family(conn: &mut Conn, family: &str, at: OffsetDateTime) -> Result<()> {
    conn.execute(
        "UPDATE oauth_refresh_tokens SET revoked_at = $1 WHERE family_id = $2 AND revoked_at IS NULL",
        params![at, family],
    )
    .await?;
    conn.execute(
        "DELETE FROM oauth_tokens WHERE family_id = $1",
        params![family],
    )
    .await
    .map(drop)
}

/// The app and family of an access token, for revocation.
pub async fn find_access_token(
    conn: &mut Conn,
    hash: &SecretHash,
) -> Result<Option<(String, Option<String>)>> {
    let row: Option<AccessRef> = conn
        .fetch_optional(
            "SELECT app_id, family_id FROM oauth_tokens WHERE token_hash = $1",
            params![hash.as_str()],
        )
        .await?;
    Ok(row.map(|r| (r.0, r.1)))
}

struct AccessRef(String, Option<String>);

impl FromRow for AccessRef {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self(r.text(0)?, r.opt_text(1)?))
    }
}

pub async fn delete_access_token(conn: &mut Conn, hash: &SecretHash) -> Result<u64> {
    conn.execute(
        "DELETE FROM oauth_tokens WHERE token_hash = $1",
        params![hash.as_str()],
    )
    .await
}

/// One active user of an account with how an app reaches them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectedUser {
    pub id: UserId,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// Whether the user has a live personal install of the app.
    pub personal: bool,
}

impl FromRow for ConnectedUser {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            id: UserId::from_stored(r.text(0)?),
            email: r.text(1)?,
            first_name: r.text(2)?,
            last_name: r.text(3)?,
            personal: r.opt_text(4)?.is_some(),
        })
    }
}

/// A page of an account's active users, by id, each with whether they installed `app_id`
/// personally (the partial unique index makes the join at most one row per user).
pub async fn connected_users(
    conn: &mut Conn,
    account: &AccountId,
    app_id: &str,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<ConnectedUser>> {
    conn.fetch_all(
        "SELECT u.id, u.email, u.first_name, u.last_name, i.id FROM users u \
         LEFT JOIN oauth_installs i ON i.app_id = $1 AND i.user_id = u.id AND i.revoked_at IS NULL \
         WHERE u.account_id = $2 AND u.status = 'active' AND u.id > $3 ORDER BY u.id LIMIT $4",
        params![app_id, account.as_str(), after.unwrap_or_default(), limit],
    )
    .await
}
