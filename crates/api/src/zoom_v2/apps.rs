//! `/v2/marketplace/apps`: the app registry (Owner or Admin), each app's connected users and
//! its account-level install; `/v2/marketplace/users/{userId}/apps`: a user's connected apps
//! and disconnecting their personal install.

use super::zoom_time;
use crate::error::ErrorBody;
use crate::extract::{Caller, ZoomJson, ZoomQuery};
use crate::{AppState, ZoomError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use roster_domain::paging::page_size;
use roster_service::apps::{AppPatch, NewApp};
use roster_service::installs::UserApp;
use roster_service::store::oauth::AppRecord;
use roster_service::{Actor, Error};
use serde::{Deserialize, Serialize};

/// An app, as the registry shows it. Field names follow Zoom's Marketplace API where it has one.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AppObject {
    pub app_id: String,
    pub app_name: String,
    /// `user_managed`, `admin_managed` or `s2s_oauth`.
    pub app_type: &'static str,
    pub description: String,
    pub client_id: String,
    pub redirect_uris: Vec<String>,
    pub scopes: Vec<String>,
    pub public_client: bool,
    pub created_at: String,
    /// Only when the app was created or its secret rotated: shown this once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
}

pub(crate) fn app_type(app: &AppRecord) -> &'static str {
    match app.kind {
        roster_domain::AppKind::User => "user_managed",
        roster_domain::AppKind::Account => "admin_managed",
        roster_domain::AppKind::ServerToServer => "s2s_oauth",
    }
}

impl AppObject {
    fn new(app: AppRecord, secret: Option<String>) -> Self {
        Self {
            app_type: app_type(&app),
            app_id: app.id,
            app_name: app.name,
            description: app.description,
            client_id: app.client_id.as_str().to_owned(),
            redirect_uris: app.redirect_uris,
            scopes: app
                .scopes
                .split(' ')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            public_client: app.public_client,
            created_at: zoom_time(app.created_at),
            client_secret: secret,
        }
    }
}

/// `POST /v2/marketplace/apps`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CreateAppBody {
    pub app_name: Option<String>,
    /// `user_managed` (or `user`) or `admin_managed` (or `account`).
    pub app_type: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    /// Space-separated, or an array.
    pub scopes: Option<ScopeList>,
    #[serde(default)]
    pub public_client: bool,
}

/// Scopes as a space-separated string or an array of strings.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum ScopeList {
    Text(String),
    List(Vec<String>),
}

impl ScopeList {
    fn text(self) -> String {
        match self {
            Self::Text(t) => t,
            Self::List(l) => l.join(" "),
        }
    }
}

/// `PATCH /v2/marketplace/apps/{appId}`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct UpdateAppBody {
    pub app_name: Option<String>,
    pub description: Option<String>,
    pub redirect_uris: Option<Vec<String>>,
    pub scopes: Option<ScopeList>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PageParams {
    /// 1 to 300; 30 by default.
    pub page_size: Option<i64>,
    pub next_page_token: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AppList {
    pub page_size: u32,
    pub next_page_token: String,
    pub apps: Vec<AppObject>,
}

fn size(q: &PageParams) -> Result<u32, ZoomError> {
    page_size(q.page_size).map_err(|e| {
        Error::InvalidInput {
            field: "page_size",
            message: e.to_string(),
        }
        .into()
    })
}

#[utoipa::path(post, path = "/v2/marketplace/apps", tag = "marketplace", request_body = CreateAppBody, security(("bearer" = [])),
    responses((status = 201, body = AppObject), (status = 400, description = "Invalid (300); not an Owner or Admin (200)", body = ErrorBody)))]
pub async fn create_app(
    State(state): State<AppState>,
    Caller(p): Caller,
    ZoomJson(b): ZoomJson<CreateAppBody>,
) -> Result<(StatusCode, Json<AppObject>), ZoomError> {
    let input = NewApp {
        name: b.app_name,
        description: b.description,
        kind: b.app_type,
        redirect_uris: b.redirect_uris,
        scopes: b.scopes.map(ScopeList::text),
        public_client: b.public_client,
    };
    let (app, secret) = state
        .service
        .create_app(&Actor::Principal(&p), &p.account_id, input)
        .await?;
    let secret = secret.map(|s| s.expose().to_owned());
    Ok((StatusCode::CREATED, Json(AppObject::new(app, secret))))
}

#[utoipa::path(get, path = "/v2/marketplace/apps", tag = "marketplace", params(PageParams), security(("bearer" = [])),
    responses((status = 200, body = AppList)))]
pub async fn list_apps(
    State(state): State<AppState>,
    Caller(p): Caller,
    ZoomQuery(q): ZoomQuery<PageParams>,
) -> Result<Json<AppList>, ZoomError> {
    let size = size(&q)?;
    let page = state
        .service
        .list_apps(
            &Actor::Principal(&p),
            &p.account_id,
            size,
            q.next_page_token.as_deref(),
        )
        .await?;
    Ok(Json(AppList {
        page_size: size,
        next_page_token: page.next_page_token,
        apps: page
            .apps
            .into_iter()
            .map(|a| AppObject::new(a, None))
            .collect(),
    }))
}

#[utoipa::path(get, path = "/v2/marketplace/apps/{appId}", tag = "marketplace", params(("appId" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = AppObject), (status = 404, description = "No such app (4720)", body = ErrorBody)))]
pub async fn get_app(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
) -> Result<Json<AppObject>, ZoomError> {
    let app = state
        .service
        .get_app(&Actor::Principal(&p), &p.account_id, &id)
        .await?;
    Ok(Json(AppObject::new(app, None)))
}

#[utoipa::path(patch, path = "/v2/marketplace/apps/{appId}", tag = "marketplace", params(("appId" = String, Path)), request_body = UpdateAppBody,
    security(("bearer" = [])), responses((status = 204), (status = 404, description = "No such app (4720)", body = ErrorBody)))]
pub async fn update_app(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
    ZoomJson(b): ZoomJson<UpdateAppBody>,
) -> Result<StatusCode, ZoomError> {
    let patch = AppPatch {
        name: b.app_name,
        description: b.description,
        redirect_uris: b.redirect_uris,
        scopes: b.scopes.map(ScopeList::text),
    };
    state
        .service
        .update_app(&Actor::Principal(&p), &p.account_id, &id, patch)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/v2/marketplace/apps/{appId}", tag = "marketplace", params(("appId" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 404, description = "No such app (4720)", body = ErrorBody)))]
pub async fn delete_app(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ZoomError> {
    state
        .service
        .delete_app(&Actor::Principal(&p), &p.account_id, &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/v2/marketplace/apps/{appId}/client_secret", tag = "marketplace", params(("appId" = String, Path)), security(("bearer" = [])),
    responses((status = 201, body = AppObject, description = "The new secret, shown once"), (status = 404, description = "No such app (4720)", body = ErrorBody)))]
pub async fn rotate_secret(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<AppObject>), ZoomError> {
    let (app, secret) = state
        .service
        .rotate_app_secret(&Actor::Principal(&p), &p.account_id, &id)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(AppObject::new(app, Some(secret.expose().to_owned()))),
    ))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ConnectedUserObject {
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// `personal`, `account` or `none`.
    pub connection: &'static str,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ConnectedUserList {
    pub page_size: u32,
    pub next_page_token: String,
    pub users: Vec<ConnectedUserObject>,
}

#[utoipa::path(get, path = "/v2/marketplace/apps/{appId}/connected_users", tag = "marketplace", params(("appId" = String, Path), PageParams),
    security(("bearer" = [])), responses((status = 200, body = ConnectedUserList), (status = 404, description = "No such app (4720)", body = ErrorBody)))]
pub async fn connected_users(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
    ZoomQuery(q): ZoomQuery<PageParams>,
) -> Result<Json<ConnectedUserList>, ZoomError> {
    let size = size(&q)?;
    let page = state
        .service
        .connected_users(
            &Actor::Principal(&p),
            &p.account_id,
            &id,
            size,
            q.next_page_token.as_deref(),
        )
        .await?;
    Ok(Json(ConnectedUserList {
        page_size: size,
        next_page_token: page.next_page_token,
        users: page
            .users
            .into_iter()
            .map(|u| ConnectedUserObject {
                id: u.id.to_string(),
                email: u.email,
                first_name: u.first_name,
                last_name: u.last_name,
                connection: u.connection.as_str(),
            })
            .collect(),
    }))
}

#[utoipa::path(delete, path = "/v2/marketplace/apps/{appId}/installation", tag = "marketplace", params(("appId" = String, Path)),
    security(("bearer" = [])), responses((status = 204), (status = 404, description = "No such app (4720) or no account-level install (4721)", body = ErrorBody)))]
pub async fn disconnect_account(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ZoomError> {
    state
        .service
        .disconnect_account_install(&Actor::Principal(&p), &p.account_id, &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserAppObject {
    pub app_id: String,
    pub app_name: String,
    pub app_type: &'static str,
    pub client_id: String,
    /// `personal` or `account`.
    pub connection: &'static str,
    pub scopes: Vec<String>,
    pub installed_at: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserAppList {
    pub total_records: usize,
    pub apps: Vec<UserAppObject>,
}

fn user_app(a: UserApp) -> UserAppObject {
    UserAppObject {
        app_type: app_type(&a.app),
        app_id: a.app.id,
        app_name: a.app.name,
        client_id: a.app.client_id.as_str().to_owned(),
        connection: a.connection.as_str(),
        scopes: a
            .scopes
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        installed_at: zoom_time(a.installed_at),
    }
}

#[utoipa::path(get, path = "/v2/marketplace/users/{userId}/apps", tag = "marketplace", params(("userId" = String, Path)),
    security(("bearer" = [])), responses((status = 200, body = UserAppList)))]
pub async fn user_apps(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(user): Path<String>,
) -> Result<Json<UserAppList>, ZoomError> {
    let apps: Vec<UserAppObject> = state
        .service
        .user_apps(&p, &user)
        .await?
        .into_iter()
        .map(user_app)
        .collect();
    Ok(Json(UserAppList {
        total_records: apps.len(),
        apps,
    }))
}

#[utoipa::path(delete, path = "/v2/marketplace/users/me/apps/{appId}", tag = "marketplace", params(("appId" = String, Path)),
    security(("bearer" = [])), responses((status = 204), (status = 404, description = "No personal install (4721)", body = ErrorBody)))]
pub async fn disconnect_personal(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ZoomError> {
    state.service.disconnect_personal_install(&p, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
