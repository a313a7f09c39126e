//! `PUT /v2/meetings/{meetingId}/status`: ending a live meeting (its host, or an admin of its
//! account). Starting is not an API call: the host opens the meeting's `start_url`.

use crate::error::ErrorBody;
use crate::extract::{Caller, ZoomJson};
use crate::{AppState, ZoomError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;

/// The body of `PUT /v2/meetings/{meetingId}/status`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MeetingStatusBody {
    /// `end`. (Zoom's `recover`, for deleted meetings, is not supported.)
    pub action: Option<String>,
}

/// A meeting id from the path: Zoom's are numbers.
pub(crate) fn meeting_id(raw: &str) -> Result<i64, ZoomError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| {
            ZoomError::validation("meetingId", "Invalid meetingId: a number is expected.")
        })
}

#[utoipa::path(put, path = "/v2/meetings/{meetingId}/status", tag = "meetings",
    params(("meetingId" = i64, Path, description = "The meeting's id")),
    request_body = MeetingStatusBody, security(("bearer" = [])),
    responses((status = 204, description = "Ended"),
        (status = 400, description = "Not in progress (3061), bad action (300)", body = ErrorBody),
        (status = 404, description = "No such meeting in the caller's account (3001)", body = ErrorBody)))]
pub async fn update_meeting_status(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(raw): Path<String>,
    ZoomJson(body): ZoomJson<MeetingStatusBody>,
) -> Result<StatusCode, ZoomError> {
    let id = meeting_id(&raw)?;
    match body.action.as_deref().map(str::trim) {
        Some("end") => {}
        Some(other) => {
            return Err(ZoomError::validation(
                "action",
                format!("action must be end (got {other:?})"),
            ))
        }
        None => return Err(ZoomError::validation("action", "action is required: end")),
    }
    state.service.end_meeting(&p, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
