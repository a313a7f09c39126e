//! Account and group meeting settings and locks: `GET/PATCH /v2/accounts/{accountId}/settings`
//! and `…/lock_settings` (`accountId` is `me` or the caller's account id), and the same under
//! `/v2/groups/{groupId}` for settings groups. Documents are Zoom's: section → key → value, and
//! for locks section → key → `true` when locked.

use crate::error::ErrorBody;
use crate::extract::{Caller, ZoomJson};
use crate::{AppState, ZoomError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::{Map, Value};

/// A settings or lock-settings document.
type Document = Json<Map<String, Value>>;

#[utoipa::path(get, path = "/v2/accounts/{accountId}/settings", tag = "accounts",
    params(("accountId" = String, Path, description = "`me` or the caller's account id")), security(("bearer" = [])),
    responses((status = 200, description = "Every known setting: the account's value, else Zoom's default", body = Object),
        (status = 400, description = "No privilege (200)", body = ErrorBody),
        (status = 404, description = "Account does not exist (2001)", body = ErrorBody)))]
pub async fn get_account_settings(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(account): Path<String>,
) -> Result<Document, ZoomError> {
    let s = state.service.get_account_settings(&p, &account).await?;
    Ok(Json(s.to_json_full()))
}

#[utoipa::path(patch, path = "/v2/accounts/{accountId}/settings", tag = "accounts",
    params(("accountId" = String, Path, description = "`me` or the caller's account id")), request_body = Object,
    security(("bearer" = [])),
    responses((status = 204, description = "Updated"),
        (status = 400, description = "Invalid (300, naming `section.key`); no privilege (200)", body = ErrorBody),
        (status = 404, description = "Account does not exist (2001)", body = ErrorBody)))]
pub async fn update_account_settings(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(account): Path<String>,
    ZoomJson(doc): ZoomJson<Map<String, Value>>,
) -> Result<StatusCode, ZoomError> {
    state
        .service
        .update_account_settings(&p, &account, &doc)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/v2/accounts/{accountId}/lock_settings", tag = "accounts",
    params(("accountId" = String, Path, description = "`me` or the caller's account id")), security(("bearer" = [])),
    responses((status = 200, description = "Every known setting: `true` when locked", body = Object),
        (status = 400, description = "No privilege (200)", body = ErrorBody),
        (status = 404, description = "Account does not exist (2001)", body = ErrorBody)))]
pub async fn get_account_lock_settings(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(account): Path<String>,
) -> Result<Document, ZoomError> {
    let l = state
        .service
        .get_account_lock_settings(&p, &account)
        .await?;
    Ok(Json(l.to_json_full()))
}

#[utoipa::path(patch, path = "/v2/accounts/{accountId}/lock_settings", tag = "accounts",
    params(("accountId" = String, Path, description = "`me` or the caller's account id")), request_body = Object,
    security(("bearer" = [])),
    responses((status = 204, description = "Updated"),
        (status = 400, description = "Invalid (300, naming `section.key`); no privilege (200)", body = ErrorBody),
        (status = 404, description = "Account does not exist (2001)", body = ErrorBody)))]
pub async fn update_account_lock_settings(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(account): Path<String>,
    ZoomJson(doc): ZoomJson<Map<String, Value>>,
) -> Result<StatusCode, ZoomError> {
    state
        .service
        .update_account_lock_settings(&p, &account, &doc)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/v2/groups/{groupId}/settings", tag = "groups",
    params(("groupId" = String, Path)), security(("bearer" = [])),
    responses((status = 200, description = "Every known setting as members inherit it: the group's value, else the account's, else Zoom's default", body = Object),
        (status = 400, description = "No privilege (200)", body = ErrorBody),
        (status = 404, description = "Group does not exist (4130)", body = ErrorBody)))]
pub async fn get_group_settings(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(group): Path<String>,
) -> Result<Document, ZoomError> {
    let s = state.service.get_group_settings(&p, &group).await?;
    Ok(Json(s.to_json_full()))
}

#[utoipa::path(patch, path = "/v2/groups/{groupId}/settings", tag = "groups",
    params(("groupId" = String, Path)), request_body = Object, security(("bearer" = [])),
    responses((status = 204, description = "Updated"),
        (status = 400, description = "Invalid (300, naming `section.key`); no privilege (200)", body = ErrorBody),
        (status = 404, description = "Group does not exist (4130)", body = ErrorBody)))]
pub async fn update_group_settings(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(group): Path<String>,
    ZoomJson(doc): ZoomJson<Map<String, Value>>,
) -> Result<StatusCode, ZoomError> {
    state
        .service
        .update_group_settings(&p, &group, &doc)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/v2/groups/{groupId}/lock_settings", tag = "groups",
    params(("groupId" = String, Path)), security(("bearer" = [])),
    responses((status = 200, description = "Every known setting: `true` when the group locks it", body = Object),
        (status = 400, description = "No privilege (200)", body = ErrorBody),
        (status = 404, description = "Group does not exist (4130)", body = ErrorBody)))]
pub async fn get_group_lock_settings(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(group): Path<String>,
) -> Result<Document, ZoomError> {
    let l = state.service.get_group_lock_settings(&p, &group).await?;
    Ok(Json(l.to_json_full()))
}

#[utoipa::path(patch, path = "/v2/groups/{groupId}/lock_settings", tag = "groups",
    params(("groupId" = String, Path)), request_body = Object, security(("bearer" = [])),
    responses((status = 204, description = "Updated"),
        (status = 400, description = "Invalid (300, naming `section.key`); no privilege (200)", body = ErrorBody),
        (status = 404, description = "Group does not exist (4130)", body = ErrorBody)))]
pub async fn update_group_lock_settings(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(group): Path<String>,
    ZoomJson(doc): ZoomJson<Map<String, Value>>,
) -> Result<StatusCode, ZoomError> {
    state
        .service
        .update_group_lock_settings(&p, &group, &doc)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
