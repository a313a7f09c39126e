//! `/v2/chat/external_contacts` (Roster's own; Zoom has no such admin API): the account's
//! external contacts per user, with the channels each shares with its user, and removing one
//! from the whole account.

use super::zoom_time;
use crate::error::ErrorBody;
use crate::extract::{Caller, ZoomQuery};
use crate::{AppState, ZoomError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use roster_service::chat::ExternalQuery;
use serde::{Deserialize, Serialize};

/// One user's external contact.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExternalContactObject {
    pub user_id: String,
    pub user_email: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub added_at: String,
    /// Channels (and group chats) of the account that have both the user and the contact.
    pub shared_channels: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExternalContactList {
    pub external_contacts: Vec<ExternalContactObject>,
    pub page_size: u32,
    pub total_records: i64,
    pub next_page_token: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ExternalParams {
    /// Only this user's (id or email).
    pub user_id: Option<String>,
    pub page_size: Option<i64>,
    pub next_page_token: Option<String>,
}

#[utoipa::path(get, path = "/v2/chat/external_contacts", tag = "chat", params(ExternalParams), security(("bearer" = [])),
    responses((status = 200, body = ExternalContactList), (status = 400, description = "No privilege (200)", body = ErrorBody)))]
pub async fn list_external_contacts(
    State(state): State<AppState>,
    Caller(p): Caller,
    ZoomQuery(q): ZoomQuery<ExternalParams>,
) -> Result<Json<ExternalContactList>, ZoomError> {
    let page = state
        .service
        .list_external_contacts(
            &p,
            &ExternalQuery {
                user: q.user_id,
                page_size: q.page_size,
                next_page_token: q.next_page_token,
            },
        )
        .await?;
    Ok(Json(ExternalContactList {
        external_contacts: page
            .contacts
            .into_iter()
            .map(|c| ExternalContactObject {
                added_at: zoom_time(c.created_at),
                user_id: c.user_id,
                user_email: c.user_email,
                email: c.email,
                first_name: c.first_name,
                last_name: c.last_name,
                shared_channels: c.shared_channels,
            })
            .collect(),
        page_size: page.page_size,
        total_records: page.total_records,
        next_page_token: page.next_page_token,
    }))
}

#[utoipa::path(delete, path = "/v2/chat/external_contacts/{email}", tag = "chat", params(("email" = String, Path)),
    security(("bearer" = [])), responses((status = 204), (status = 400, description = "No privilege (200)", body = ErrorBody),
        (status = 404, description = "Not an external contact of this account (5401)", body = ErrorBody)))]
pub async fn remove_external_contact(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(email): Path<String>,
) -> Result<StatusCode, ZoomError> {
    state.service.remove_external_contact(&p, &email).await?;
    Ok(StatusCode::NO_CONTENT)
}
