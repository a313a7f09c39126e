//! `POST /v2/users`: add a user.

use crate::error::ErrorBody;
use crate::extract::{Caller, ZoomJson};
use crate::{AppState, ZoomError};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use roster_service::NewUser;
use serde::{Deserialize, Serialize};

/// Zoom's create-user body.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CreateUserBody {
    /// `create` (invite; pending until accepted), `autoCreate` (active, with a password; managed
    /// domains only), `custCreate` (active, no password) or `ssoCreate`.
    pub action: Option<String>,
    pub user_info: Option<UserInfo>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct UserInfo {
    pub email: Option<String>,
    /// 1 Basic, 2 Licensed, 3 On-Prem, 4 Unassigned, 99 None.
    #[serde(rename = "type")]
    pub user_type: Option<i64>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub display_name: Option<String>,
    /// Only for `autoCreate`.
    pub password: Option<String>,
}

/// Zoom's create-user response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedUser {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    #[serde(rename = "type")]
    pub user_type: i64,
}

#[utoipa::path(
    post, path = "/v2/users", tag = "users",
    request_body = CreateUserBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Added", body = CreatedUser),
        (status = 400, description = "Invalid (300), no privilege or no verified payment method (200), not a managed domain (1116), add-on or type not allowed (1108), no seat left (3412)", body = ErrorBody),
        (status = 401, description = "Invalid access token (124)", body = ErrorBody),
        (status = 409, description = "Email already used (1005)", body = ErrorBody),
    )
)]
pub async fn create_user(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ZoomJson(body): ZoomJson<CreateUserBody>,
) -> Result<(StatusCode, Json<CreatedUser>), ZoomError> {
    let info = body
        .user_info
        .ok_or_else(|| ZoomError::validation("user_info", "user_info is required"))?;
    let view = state
        .service
        .add_user(
            &principal,
            NewUser {
                action: body.action,
                email: info.email,
                user_type: info.user_type,
                first_name: info.first_name,
                last_name: info.last_name,
                display_name: info.display_name,
                password: info.password,
                add_ons: Default::default(),
            },
        )
        .await?;
    let u = view.user;
    Ok((
        StatusCode::CREATED,
        Json(CreatedUser {
            id: u.id.to_string(),
            first_name: u.first_name,
            last_name: u.last_name,
            email: u.email.to_string(),
            user_type: u.user_type.code(),
        }),
    ))
}
