//! `PUT /v2/users/{userId}/status` and `DELETE /v2/users/{userId}`.

use crate::error::ErrorBody;
use crate::extract::{Caller, ZoomJson, ZoomQuery};
use crate::{AppState, ZoomError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use roster_service::RemoveAction;
use serde::Deserialize;

/// `PUT /users/{userId}/status` body.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct StatusBody {
    /// `activate` or `deactivate`.
    pub action: Option<String>,
}

#[utoipa::path(
    put, path = "/v2/users/{userId}/status", tag = "users",
    params(("userId" = String, Path, description = "The user's id, email address, or `me`")),
    request_body = StatusBody,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Done"),
        (status = 400, description = "Invalid action (300), Owner or Admin (200), no seat left to reactivate (3412)", body = ErrorBody),
        (status = 404, description = "User does not exist (1001)", body = ErrorBody),
    )
)]
pub async fn set_status(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(user_id): Path<String>,
    ZoomJson(body): ZoomJson<StatusBody>,
) -> Result<StatusCode, ZoomError> {
    state
        .service
        .set_user_status(&principal, &user_id, body.action.as_deref())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post, path = "/v2/users/{userId}/invitation", tag = "users",
    params(("userId" = String, Path, description = "A pending user's id or email")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Sent again: a new link (the old one no longer works), valid for 30 days from now"),
        (status = 400, description = "Not pending (300), no privilege (200)", body = ErrorBody),
        (status = 404, description = "User does not exist (1001)", body = ErrorBody),
    )
)]
/// Roster extension: send a pending user's invitation again.
pub async fn resend_invitation(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(user_id): Path<String>,
) -> Result<StatusCode, ZoomError> {
    state
        .service
        .resend_invitation(&principal, &user_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /users/{userId}` query parameters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DeleteParams {
    /// `disassociate` (default: the user leaves with their data as a standalone free account;
    /// for a pending user, withdraws the invitation) or `delete`.
    pub action: Option<String>,
    /// The active user of this account who receives transferred data.
    pub transfer_email: Option<String>,
    #[serde(default)]
    pub transfer_meeting: bool,
    #[serde(default)]
    pub transfer_webinar: bool,
    #[serde(default)]
    pub transfer_recording: bool,
}

#[utoipa::path(
    delete, path = "/v2/users/{userId}", tag = "users",
    params(("userId" = String, Path, description = "The user's id, email address, or `me`"), DeleteParams),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Unlinked or deleted"),
        (status = 400, description = "Invalid (300), the Owner or no privilege (200), an admin (1117), a managed-domain user (1107)", body = ErrorBody),
        (status = 404, description = "User or transfer user does not exist (1001)", body = ErrorBody),
    )
)]
pub async fn delete_user(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(user_id): Path<String>,
    ZoomQuery(q): ZoomQuery<DeleteParams>,
) -> Result<StatusCode, ZoomError> {
    state
        .service
        .remove_user(
            &principal,
            &user_id,
            RemoveAction {
                action: q.action,
                transfer_email: q.transfer_email,
                transfer_meeting: q.transfer_meeting,
                transfer_webinar: q.transfer_webinar,
                transfer_recording: q.transfer_recording,
            },
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
