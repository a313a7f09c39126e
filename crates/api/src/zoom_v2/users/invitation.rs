//! `POST /v2/users/{userId}/invitation/link`: Roster's way to hand over a pending user's
//! activation link when mail does not arrive. Sending it again by mail is
//! `POST /v2/users/{userId}/invitation` (in `remove.rs`, beside the other status changes).

use super::super::zoom_time;
use crate::error::ErrorBody;
use crate::extract::Caller;
use crate::{AppState, ZoomError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;

/// A fresh activation link.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InvitationLinkObject {
    /// The activation page with the new token; the previous link no longer works.
    pub activation_url: String,
    /// When the link stops working (30 days from now), RFC 3339 in UTC.
    pub expires_at: String,
}

#[utoipa::path(
    post, path = "/v2/users/{userId}/invitation/link", tag = "users",
    params(("userId" = String, Path, description = "A pending user's id or email")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "A new link was issued (the previous one no longer works), valid for 30 days from now; no mail is sent", body = InvitationLinkObject),
        (status = 400, description = "Not pending (300), no privilege (200)", body = ErrorBody),
        (status = 404, description = "User does not exist (1001)", body = ErrorBody),
    )
)]
/// Roster extension: a pending user's current activation link, a fresh one, to hand over by
/// other means. 201: each call creates a new link.
pub async fn issue_invitation_link(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(user_id): Path<String>,
) -> Result<(StatusCode, Json<InvitationLinkObject>), ZoomError> {
    let link = state
        .service
        .issue_invitation_link(&principal, &user_id)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(InvitationLinkObject {
            activation_url: link.activation_url,
            expires_at: zoom_time(link.expires_at),
        }),
    ))
}
