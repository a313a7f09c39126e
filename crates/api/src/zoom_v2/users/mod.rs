//! `/v2/users`: Zoom's users API. `userId` is an id, an email, or `me`. This module holds the
//! user object and reading one user; the other verbs are in their own files.

pub mod bulk;
pub mod create;
pub mod import;
pub mod invitation;
pub mod list;
pub mod remove;
pub mod settings;
pub mod update;

pub use create::{create_user, CreateUserBody, CreatedUser, UserInfo};
pub use list::{email_exists, list_users, EmailExists, ListParams, UserList};
pub use remove::{delete_user, set_status, DeleteParams, StatusBody};
pub use settings::{get_settings, update_settings, FeatureObject, SettingsObject, SettingsPatch};
pub use update::{update_user, UpdateUserBody};

use super::zoom_time;
use crate::error::ErrorBody;
use crate::extract::{Caller, ZoomJson};
use crate::{AppState, ZoomError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use roster_domain::UserStatus;
use roster_service::UserView;
use serde::{Deserialize, Serialize};

/// Zoom's user object, as `GET /users/{userId}` returns it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserObject {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub display_name: String,
    pub email: String,
    /// 1 Basic, 2 Licensed, 3 On-Prem, 4 Unassigned, 99 None.
    #[serde(rename = "type")]
    pub user_type: i64,
    pub role_name: String,
    pub role_id: String,
    pub pmi: i64,
    pub use_pmi: bool,
    pub timezone: String,
    /// 1 when the user's email is verified (active users), else 0.
    pub verified: i64,
    pub dept: String,
    pub created_at: String,
    pub user_created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_login_time: Option<String>,
    pub language: String,
    pub phone_number: String,
    /// `active`, `inactive` or `pending`.
    pub status: String,
    pub account_id: String,
    pub job_title: String,
    pub company: String,
    pub location: String,
    pub manager: String,
    /// 100 (Zoom work email) when the user can sign in with a password.
    pub login_types: Vec<i64>,
    pub group_ids: Vec<String>,
    pub im_group_ids: Vec<String>,
    /// `[{"key","name","value"}]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub custom_attributes: Option<Vec<serde_json::Value>>,
    /// Roster extension, for pending users: when they were invited, when the link expires, and
    /// how often it was sent again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invitation: Option<InvitationObject>,
    /// The personal meeting room's link (`GET /users/{userId}` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub personal_meeting_url: Option<String>,
}

/// A pending user's invitation.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InvitationObject {
    pub invited_at: String,
    pub last_sent_at: Option<String>,
    pub expires_at: String,
    pub resend_count: i64,
    /// `activation` (a new person) or `join` (someone with a standalone account of their own,
    /// who joins with their data).
    pub kind: &'static str,
}

impl From<UserView> for UserObject {
    fn from(v: UserView) -> Self {
        let kind = if v.user.joins_user_id.is_some() {
            "join"
        } else {
            "activation"
        };
        let invitation = v.invitation.map(|i| InvitationObject {
            invited_at: zoom_time(i.invited_at),
            last_sent_at: i.last_sent_at.map(zoom_time),
            expires_at: zoom_time(i.expires_at),
            resend_count: i.resend_count,
            kind,
        });
        let u = v.user;
        let created_at = zoom_time(u.created_at);
        let display_name = if u.display_name.is_empty() {
            format!("{} {}", u.first_name, u.last_name)
                .trim()
                .to_owned()
        } else {
            u.display_name
        };
        Self {
            id: u.id.to_string(),
            first_name: u.first_name,
            last_name: u.last_name,
            display_name,
            email: u.email.to_string(),
            user_type: u.user_type.code(),
            role_name: v.role_name,
            role_id: u.role.id().to_owned(),
            pmi: u.pmi,
            use_pmi: u.use_pmi,
            timezone: u.timezone,
            verified: i64::from(u.status == UserStatus::Active),
            dept: u.dept,
            user_created_at: created_at.clone(),
            created_at,
            last_login_time: u.last_login_at.map(zoom_time),
            language: u.language,
            phone_number: u.phone_number,
            status: u.status.as_str().to_owned(),
            account_id: u.account_id.to_string(),
            job_title: u.job_title,
            company: u.company,
            location: u.location,
            manager: u.manager,
            login_types: if u.password_hash.is_some() {
                vec![100]
            } else {
                vec![]
            },
            group_ids: u.group_id.into_iter().collect(),
            im_group_ids: u.chat_group_ids,
            custom_attributes: Some(serde_json::from_str(&u.custom_attributes).unwrap_or_default()),
            invitation,
            personal_meeting_url: None,
        }
    }
}

#[utoipa::path(
    get, path = "/v2/users/{userId}", tag = "users",
    params(("userId" = String, Path, description = "The user's id, email address, or `me`")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The user", body = UserObject),
        (status = 401, description = "Invalid access token (code 124)", body = ErrorBody),
        (status = 404, description = "User does not exist (code 1001)", body = ErrorBody),
    )
)]
pub async fn get_user(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(user_id): Path<String>,
) -> Result<Json<UserObject>, ZoomError> {
    let view = state.service.get_user(&principal, &user_id).await?;
    let mut user: UserObject = view.into();
    user.personal_meeting_url = Some(format!(
        "{}/j/{}",
        state.public_url.trim_end_matches('/'),
        user.pmi
    ));
    Ok(Json(user))
}

/// `PUT /users/{userId}/password`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PasswordBody {
    /// 8–32 characters, a letter and a number, upper and lower case, not a repeated or
    /// consecutive run.
    pub password: Option<String>,
}

#[utoipa::path(
    put, path = "/v2/users/{userId}/password", tag = "users",
    params(("userId" = String, Path, description = "The user's id, email address, or `me`")),
    request_body = PasswordBody,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Password changed"),
        (status = 400, description = "Invalid password or body (code 300), or no privilege (code 200)", body = ErrorBody),
        (status = 401, description = "Invalid access token (code 124)", body = ErrorBody),
        (status = 404, description = "User does not exist (code 1001)", body = ErrorBody),
    )
)]
pub async fn set_password(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(user_id): Path<String>,
    ZoomJson(body): ZoomJson<PasswordBody>,
) -> Result<StatusCode, ZoomError> {
    let password = body
        .password
        .ok_or_else(|| ZoomError::validation("password", "password is required"))?;
    state
        .service
        .set_password(&principal, &user_id, &password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
