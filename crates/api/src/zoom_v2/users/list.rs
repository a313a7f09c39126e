//! `GET /v2/users` and `GET /v2/users/email`.

use super::UserObject;
use crate::error::ErrorBody;
use crate::extract::{Caller, ZoomQuery};
use crate::{AppState, ZoomError};
use axum::extract::State;
use axum::Json;
use roster_service::ListQuery;
use serde::{Deserialize, Serialize};

/// `GET /users` query parameters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ListParams {
    /// `active` (default), `inactive` or `pending`.
    pub status: Option<String>,
    /// 1–2000, default 30.
    pub page_size: Option<i64>,
    /// Deprecated offset paging, from 1.
    pub page_number: Option<i64>,
    /// From the previous page; valid for 15 minutes.
    pub next_page_token: Option<String>,
    pub role_id: Option<String>,
    /// `custom_attributes` adds them to each user.
    pub include_fields: Option<String>,
    /// Roster extension: text to find in email, first, last or display name.
    pub search: Option<String>,
    /// Roster extension: only users whose value of this custom attribute (key or name) equals
    /// `custom_attribute_value`.
    pub custom_attribute: Option<String>,
    pub custom_attribute_value: Option<String>,
    /// Roster extension: `email` (default), `name`, `type`, `department` or `created`, then
    /// by email. Pages follow by keyset in every order.
    pub sort_by: Option<String>,
    /// Roster extension: sort by this custom attribute (key or name), users without a value
    /// last, then by email. Not with `sort_by`.
    pub sort_by_custom_attribute: Option<String>,
    /// Roster extension: `asc` (default) or `desc`.
    pub sort_order: Option<String>,
}

/// Zoom's list-users response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserList {
    pub page_count: u64,
    pub page_number: u32,
    pub page_size: u32,
    pub total_records: u64,
    pub next_page_token: String,
    pub users: Vec<UserObject>,
}

#[utoipa::path(
    get, path = "/v2/users", tag = "users",
    params(ListParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of users, ordered by email", body = UserList),
        (status = 400, description = "Bad parameter or page token (300), no privilege (200)", body = ErrorBody),
        (status = 401, description = "Invalid access token (124)", body = ErrorBody),
    )
)]
pub async fn list_users(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ZoomQuery(q): ZoomQuery<ListParams>,
) -> Result<Json<UserList>, ZoomError> {
    let with_attributes = q
        .include_fields
        .as_deref()
        .is_some_and(|f| f.split(',').any(|f| f.trim() == "custom_attributes"));
    let page = state
        .service
        .list_users(
            &principal,
            ListQuery {
                status: q.status,
                role_id: q.role_id,
                page_size: q.page_size,
                page_number: q.page_number,
                next_page_token: q.next_page_token,
                search: q.search,
                custom_attribute: q.custom_attribute,
                custom_attribute_value: q.custom_attribute_value,
                sort_by: q.sort_by,
                sort_by_custom_attribute: q.sort_by_custom_attribute,
                sort_order: q.sort_order,
                ..ListQuery::default()
            },
        )
        .await?;
    Ok(Json(UserList {
        page_count: page.page_count,
        page_number: page.page_number,
        page_size: page.page_size,
        total_records: page.total_records,
        next_page_token: page.next_page_token,
        users: page
            .users
            .into_iter()
            .map(|v| {
                let mut o = UserObject::from(v);
                if !with_attributes {
                    o.custom_attributes = None;
                }
                o
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct EmailParams {
    pub email: Option<String>,
}

/// `GET /users/email` response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EmailExists {
    pub existed_email: bool,
}

#[utoipa::path(
    get, path = "/v2/users/email", tag = "users",
    params(EmailParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Whether the email is registered in this installation", body = EmailExists),
        (status = 400, description = "Missing or invalid email (300)", body = ErrorBody),
    )
)]
pub async fn email_exists(
    State(state): State<AppState>,
    Caller(principal): Caller,
    ZoomQuery(q): ZoomQuery<EmailParams>,
) -> Result<Json<EmailExists>, ZoomError> {
    let email = q
        .email
        .ok_or_else(|| ZoomError::validation("email", "Email is required."))?;
    let existed_email = state.service.email_registered(&principal, &email).await?;
    Ok(Json(EmailExists { existed_email }))
}
