//! `PATCH /v2/users/{userId}`.

use crate::error::ErrorBody;
use crate::extract::{Caller, ZoomJson};
use crate::{AppState, ZoomError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use roster_service::UserPatch;
use serde::Deserialize;

/// Zoom's update-user body; every field is optional.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct UpdateUserBody {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// Derived from the first and last names when empty.
    pub display_name: Option<String>,
    /// 1 Basic, 2 Licensed, 3 On-Prem, 4 Unassigned. Admins only; takes or returns a seat.
    #[serde(rename = "type")]
    pub user_type: Option<i64>,
    pub pmi: Option<i64>,
    pub use_pmi: Option<bool>,
    pub timezone: Option<String>,
    pub language: Option<String>,
    pub dept: Option<String>,
    pub job_title: Option<String>,
    pub company: Option<String>,
    pub location: Option<String>,
    pub manager: Option<String>,
    pub phone_number: Option<String>,
    /// `[{"key","name","value"}]`, at most 5. Admins only.
    #[schema(value_type = Option<Vec<Object>>)]
    pub custom_attributes: Option<Vec<roster_service::users::CustomAttribute>>,
    /// The group whose settings apply. Admins only.
    pub group_id: Option<String>,
}

#[utoipa::path(
    patch, path = "/v2/users/{userId}", tag = "users",
    params(("userId" = String, Path, description = "The user's id, email address, or `me`")),
    request_body = UpdateUserBody,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Updated"),
        (status = 400, description = "Invalid (300), no privilege (200), type not allowed (1108), no seat left (3412)", body = ErrorBody),
        (status = 404, description = "User does not exist (1001), group does not exist (4130)", body = ErrorBody),
    )
)]
pub async fn update_user(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(user_id): Path<String>,
    ZoomJson(b): ZoomJson<UpdateUserBody>,
) -> Result<StatusCode, ZoomError> {
    let patch = UserPatch {
        first_name: b.first_name,
        last_name: b.last_name,
        display_name: b.display_name,
        user_type: b.user_type,
        pmi: b.pmi,
        use_pmi: b.use_pmi,
        timezone: b.timezone,
        language: b.language,
        dept: b.dept,
        job_title: b.job_title,
        company: b.company,
        location: b.location,
        manager: b.manager,
        phone_number: b.phone_number,
        custom_attributes: b.custom_attributes,
        group_id: b.group_id,
    };
    state
        .service
        .update_user(&principal, &user_id, patch)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
