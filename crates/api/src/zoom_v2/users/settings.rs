//! `GET/PATCH /v2/users/{userId}/settings`: the `feature` object (add-on licences) and the
//! meeting-settings sections (`schedule_meeting`, `in_meeting`, `recording`,
//! `email_notification`).

use crate::error::ErrorBody;
use crate::extract::{Caller, ZoomJson};
use crate::{AppState, ZoomError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use roster_service::{FeaturePatch, UserSettingsPatch};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Zoom's `feature` settings.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema, Default)]
pub struct FeatureObject {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting_capacity: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub large_meeting: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub large_meeting_capacity: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webinar: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webinar_capacity: Option<i64>,
    /// Roster extension: minutes a meeting this user hosts may last (Basic: 40).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting_duration_limit: Option<u32>,
}

/// Zoom's user settings: `feature`, and every known meeting setting with the value in effect
/// (where the account or the user's group locks a setting, theirs).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SettingsObject {
    pub feature: FeatureObject,
    /// `schedule_meeting`, `in_meeting`, `recording`, `email_notification`: key → value.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub sections: Map<String, Value>,
}

/// A settings update: `feature` and any meeting-settings sections. Unknown sections and keys
/// are ignored; `null` unsets the user's own value (it inherits again).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SettingsPatch {
    pub feature: Option<FeatureObject>,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub sections: Map<String, Value>,
}

#[utoipa::path(
    get, path = "/v2/users/{userId}/settings", tag = "users",
    params(("userId" = String, Path, description = "The user's id, email address, or `me`")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The user's settings", body = SettingsObject),
        (status = 404, description = "User does not exist (1001)", body = ErrorBody),
    )
)]
pub async fn get_settings(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(user_id): Path<String>,
) -> Result<Json<SettingsObject>, ZoomError> {
    let settings = state
        .service
        .get_user_settings(&principal, &user_id)
        .await?;
    let f = settings.feature;
    Ok(Json(SettingsObject {
        feature: FeatureObject {
            meeting_capacity: Some(f.meeting_capacity),
            large_meeting: Some(f.large_meeting),
            large_meeting_capacity: f.large_meeting_capacity.map(i64::from),
            webinar: Some(f.webinar),
            webinar_capacity: f.webinar_capacity.map(i64::from),
            meeting_duration_limit: Some(f.meeting_duration_limit),
        },
        sections: settings.effective.to_json_full(),
    }))
}

#[utoipa::path(
    patch, path = "/v2/users/{userId}/settings", tag = "users",
    params(("userId" = String, Path, description = "The user's id, email address, or `me`")),
    request_body = SettingsPatch,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Updated"),
        (status = 400, description = "Invalid, or a setting the account or group locks (300); add-on on a Basic user (1108); no add-on seat left (3412); add-ons without User:Edit (200)", body = ErrorBody),
        (status = 404, description = "User does not exist (1001)", body = ErrorBody),
    )
)]
pub async fn update_settings(
    State(state): State<AppState>,
    Caller(principal): Caller,
    Path(user_id): Path<String>,
    ZoomJson(body): ZoomJson<SettingsPatch>,
) -> Result<StatusCode, ZoomError> {
    let patch = UserSettingsPatch {
        feature: body.feature.map(|f| FeaturePatch {
            large_meeting: f.large_meeting,
            large_meeting_capacity: f.large_meeting_capacity,
            webinar: f.webinar,
            webinar_capacity: f.webinar_capacity,
        }),
        sections: body.sections,
    };
    state
        .service
        .update_user_settings(&principal, &user_id, patch)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
