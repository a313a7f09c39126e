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

/// A meeting as Zoom lists it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MeetingListItem {
    pub uuid: String,
    pub id: i64,
    pub host_id: String,
    pub topic: String,
    #[serde(rename = "type")]
    pub meeting_type: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    pub duration: i64,
    pub timezone: String,
    pub agenda: String,
    pub created_at: String,
    pub join_url: String,
}

impl From<MeetingView> for MeetingListItem {
    fn from(v: MeetingView) -> Self {
        // A recurring meeting lists its next occurrence's start.
        let start = v
            .occurrences
            .first()
            .map_or(v.meeting.start_time, |o| o.start_time);
        let start_time = v.has_start_time().then(|| zoom_time(start));
        let m = v.meeting;
        Self {
            uuid: m.uuid,
            id: m.id,
            host_id: m.host_id.to_string(),
            topic: m.topic,
            meeting_type: m.meeting_type,
            start_time,
            duration: m.duration,
            timezone: m.timezone,
            agenda: m.agenda,
            created_at: zoom_time(m.created_at),
            join_url: v.join_url,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MeetingList {
    pub page_count: i64,
    pub page_number: u32,
    pub page_size: u32,
    pub total_records: i64,
    pub next_page_token: String,
    pub meetings: Vec<MeetingListItem>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ListParams {
    /// `scheduled` (the default), `live`, `upcoming`, `upcoming_meetings`, `previous_meetings`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// 1 to 300; 30 by default.
    pub page_size: Option<i64>,
    pub next_page_token: Option<String>,
    pub page_number: Option<i64>,
}

#[utoipa::path(get, path = "/v2/users/{userId}/meetings", tag = "meetings", params(("userId" = String, Path), ListParams),
    security(("bearer" = [])), responses((status = 200, body = MeetingList), (status = 404, description = "User does not exist (1001)", body = ErrorBody)))]
pub async fn list_meetings(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(user): Path<String>,
    ZoomQuery(q): ZoomQuery<ListParams>,
) -> Result<Json<MeetingList>, ZoomError> {
    let page = state
        .service
        .list_meetings(
            &Actor::Principal(&p),
            &user,
            &roster_service::meetings::MeetingQuery {
                kind: q.kind,
                page_size: q.page_size,
                next_page_token: q.next_page_token,
                page_number: q.page_number,
            },
        )
        .await?;
    Ok(Json(MeetingList {
        page_count: page.page_count,
        page_number: page.page_number,
        page_size: page.page_size,
        total_records: page.total_records,
        next_page_token: page.next_page_token,
        meetings: page.meetings.into_iter().map(Into::into).collect(),
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct OccurrenceParams {
    pub occurrence_id: Option<String>,
}

#[utoipa::path(patch, path = "/v2/meetings/{meetingId}", tag = "meetings", params(("meetingId" = String, Path), OccurrenceParams),
    request_body = MeetingBody, security(("bearer" = [])),
    responses((status = 204), (status = 400, description = "Bad input (300), not meeting host (3003)", body = ErrorBody),
        (status = 404, description = "Meeting is not found (3001)", body = ErrorBody)))]
pub async fn update_meeting(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
    ZoomQuery(q): ZoomQuery<OccurrenceParams>,
    ZoomJson(body): ZoomJson<MeetingBody>,
) -> Result<StatusCode, ZoomError> {
    state
        .service
        .update_meeting(
            &Actor::Principal(&p),
            &id,
            q.occurrence_id.as_deref(),
            &body.into(),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/v2/meetings/{meetingId}", tag = "meetings", params(("meetingId" = String, Path), OccurrenceParams),
    security(("bearer" = [])),
    responses((status = 204), (status = 400, description = "Meeting in progress (3002), not meeting host (3003)", body = ErrorBody),
        (status = 404, description = "Meeting is not found (3001)", body = ErrorBody)))]
pub async fn delete_meeting(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
    ZoomQuery(q): ZoomQuery<OccurrenceParams>,
) -> Result<StatusCode, ZoomError> {
    state
        .service
        .delete_meeting(
            &Actor::Principal(&p),
            &id,
            &roster_service::meetings::DeleteOptions {
                occurrence_id: q.occurrence_id,
            },
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A scheduling assistant, or a user one schedules for.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DelegateObject {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct AssistantsBody {
    #[serde(default)]
    pub assistants: Vec<DelegateObject>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AssistantsAdded {
    pub ids: String,
    pub add_at: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AssistantList {
    pub assistants: Vec<DelegateObject>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SchedulerList {
    pub schedulers: Vec<DelegateObject>,
}

fn delegates(list: Vec<roster_service::store::meetings::Delegate>) -> Vec<DelegateObject> {
    list.into_iter()
        .map(|d| DelegateObject {
            id: Some(d.id),
            email: Some(d.email),
        })
        .collect()
}

#[utoipa::path(post, path = "/v2/users/{userId}/assistants", tag = "meetings", params(("userId" = String, Path)),
    request_body = AssistantsBody, security(("bearer" = [])),
    responses((status = 201, body = AssistantsAdded), (status = 404, description = "User does not exist (1001)", body = ErrorBody)))]
pub async fn add_assistants(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(user): Path<String>,
    ZoomJson(body): ZoomJson<AssistantsBody>,
) -> Result<(StatusCode, Json<AssistantsAdded>), ZoomError> {
    let refs: Vec<String> = body
        .assistants
        .into_iter()
        .map(|a| {
            a.id.filter(|i| !i.trim().is_empty())
                .or(a.email)
                .unwrap_or_default()
        })
        .collect();
    let added = state
        .service
        .add_assistants(&Actor::Principal(&p), &user, &refs)
        .await?;
    let ids: Vec<String> = added.into_iter().map(|d| d.id).collect();
    Ok((
        StatusCode::CREATED,
        Json(AssistantsAdded {
            ids: ids.join(","),
            add_at: zoom_time(time::OffsetDateTime::now_utc()),
        }),
    ))
}

#[utoipa::path(get, path = "/v2/users/{userId}/assistants", tag = "meetings", params(("userId" = String, Path)),
    security(("bearer" = [])), responses((status = 200, body = AssistantList)))]
pub async fn list_assistants(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(user): Path<String>,
) -> Result<Json<AssistantList>, ZoomError> {
    let list = state
        .service
        .list_assistants(&Actor::Principal(&p), &user)
        .await?;
    Ok(Json(AssistantList {
        assistants: delegates(list),
    }))
}

#[utoipa::path(delete, path = "/v2/users/{userId}/assistants", tag = "meetings", params(("userId" = String, Path)),
    security(("bearer" = [])), responses((status = 204)))]
pub async fn remove_all_assistants(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(user): Path<String>,
) -> Result<StatusCode, ZoomError> {
    state
        .service
        .remove_assistants(&Actor::Principal(&p), &user, None)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/v2/users/{userId}/assistants/{assistantId}", tag = "meetings",
    params(("userId" = String, Path), ("assistantId" = String, Path)),
    security(("bearer" = [])), responses((status = 204), (status = 404, description = "Not an assistant (1001)", body = ErrorBody)))]
pub async fn remove_assistant(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path((user, assistant)): Path<(String, String)>,
) -> Result<StatusCode, ZoomError> {
    state
        .service
        .remove_assistants(&Actor::Principal(&p), &user, Some(&assistant))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/v2/users/{userId}/schedulers", tag = "meetings", params(("userId" = String, Path)),
    security(("bearer" = [])), responses((status = 200, body = SchedulerList)))]
pub async fn list_schedulers(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(user): Path<String>,
) -> Result<Json<SchedulerList>, ZoomError> {
    let list = state
        .service
        .list_schedulers(&Actor::Principal(&p), &user)
        .await?;
    Ok(Json(SchedulerList {
        schedulers: delegates(list),
    }))
}
