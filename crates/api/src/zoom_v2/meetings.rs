//! `/v2/users/{userId}/meetings` and `/v2/meetings/{meetingId}`: Zoom's Meetings API, field for
//! field. The live side (`PUT …/status`, start and join pages) is the live-state module's.

use super::zoom_time;
use crate::error::ErrorBody;
use crate::extract::{Caller, ZoomJson, ZoomQuery};
use crate::{AppState, ZoomError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use roster_service::meetings::{MeetingInput, MeetingView, Occurrence};
use roster_service::Actor;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One occurrence of a recurring meeting.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OccurrenceObject {
    pub occurrence_id: String,
    pub start_time: String,
    pub duration: i64,
    pub status: String,
}

impl From<&Occurrence> for OccurrenceObject {
    fn from(o: &Occurrence) -> Self {
        Self {
            occurrence_id: o.occurrence_id.clone(),
            start_time: zoom_time(o.start_time),
            duration: o.duration,
            status: o.status.to_owned(),
        }
    }
}

/// Zoom's meeting object.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MeetingObject {
    pub uuid: String,
    pub id: i64,
    pub host_id: String,
    pub host_email: String,
    pub topic: String,
    #[serde(rename = "type")]
    pub meeting_type: i64,
    /// `waiting`, `started` or `finished`.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    pub duration: i64,
    pub timezone: String,
    pub agenda: String,
    pub created_at: String,
    pub start_url: String,
    pub join_url: String,
    pub password: String,
    pub encrypted_password: String,
    pub pre_schedule: bool,
    #[schema(value_type = Object)]
    pub settings: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub recurrence: Option<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub occurrences: Vec<OccurrenceObject>,
}

impl From<MeetingView> for MeetingObject {
    fn from(v: MeetingView) -> Self {
        let start_time = v.has_start_time().then(|| zoom_time(v.meeting.start_time));
        let m = v.meeting;
        Self {
            uuid: m.uuid,
            id: m.id,
            host_id: m.host_id.to_string(),
            host_email: m.host_email,
            topic: m.topic,
            meeting_type: m.meeting_type,
            status: m.status,
            start_time,
            duration: m.duration,
            timezone: m.timezone,
            agenda: m.agenda,
            created_at: zoom_time(m.created_at),
            start_url: v.start_url,
            join_url: v.join_url,
            password: m.password,
            encrypted_password: m.encrypted_password,
            pre_schedule: false,
            settings: v.settings,
            recurrence: v.recurrence,
            occurrences: v.occurrences.iter().map(OccurrenceObject::from).collect(),
        }
    }
}

/// A meeting to schedule, or the changes to one.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct MeetingBody {
    pub topic: Option<String>,
    /// 1 instant, 2 scheduled (the default), 3 recurring with no fixed time, 8 recurring.
    #[serde(rename = "type")]
    pub meeting_type: Option<i64>,
    /// `yyyy-MM-ddTHH:mm:ssZ` (UTC) or local `yyyy-MM-ddTHH:mm:ss` in `timezone`.
    pub start_time: Option<String>,
    /// Minutes, 1 to 1440.
    pub duration: Option<i64>,
    /// An IANA name; the host's time zone when absent.
    pub timezone: Option<String>,
    pub password: Option<String>,
    pub agenda: Option<String>,
    pub schedule_for: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub recurrence: Option<Value>,
    #[schema(value_type = Option<Object>)]
    pub settings: Option<Value>,
}

impl From<MeetingBody> for MeetingInput {
    fn from(b: MeetingBody) -> Self {
        Self {
            topic: b.topic,
            meeting_type: b.meeting_type,
            start_time: b.start_time,
            duration: b.duration,
            timezone: b.timezone,
            password: b.password,
            agenda: b.agenda,
            schedule_for: b.schedule_for,
            recurrence: b.recurrence,
            settings: b.settings,
        }
    }
}

#[utoipa::path(post, path = "/v2/users/{userId}/meetings", tag = "meetings", params(("userId" = String, Path)),
    request_body = MeetingBody, security(("bearer" = [])),
    responses((status = 201, body = MeetingObject), (status = 400, description = "Bad input (300), no privilege (200), host not active (3010)", body = ErrorBody),
        (status = 404, description = "User does not exist (1001)", body = ErrorBody)))]
pub async fn create_meeting(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(user): Path<String>,
    ZoomJson(body): ZoomJson<MeetingBody>,
) -> Result<(StatusCode, Json<MeetingObject>), ZoomError> {
    let view = state
        .service
        .schedule_meeting(&Actor::Principal(&p), &user, &body.into())
        .await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct GetParams {
    pub occurrence_id: Option<String>,
    pub show_previous_occurrences: Option<bool>,
}

#[utoipa::path(get, path = "/v2/meetings/{meetingId}", tag = "meetings", params(("meetingId" = String, Path), GetParams),
    security(("bearer" = [])), responses((status = 200, body = MeetingObject), (status = 404, description = "Meeting is not found (3001)", body = ErrorBody)))]
pub async fn get_meeting(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
    ZoomQuery(q): ZoomQuery<GetParams>,
) -> Result<Json<MeetingObject>, ZoomError> {
    let view = state
        .service
        .get_meeting(
            &Actor::Principal(&p),
            &id,
            q.occurrence_id.as_deref(),
            q.show_previous_occurrences.unwrap_or(false),
        )
        .await?;
    Ok(Json(view.into()))
}
