//! `/v2/marketplace/apps/{appId}/…`: an app's event subscription (Zoom's webhook settings of a
//! Marketplace app, here over the API), its delivery log and manual redelivery. `appId` is the
//! app's id or its client id. For the Owner and Admins of the app's account.

use super::zoom_time;
use crate::error::ErrorBody;
use crate::extract::{Caller, ZoomJson, ZoomQuery};
use crate::{AppState, ZoomError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use roster_service::store::webhooks::{AttemptRecord, DeliveryRecord};
use roster_service::webhooks::log::DeliveryQuery;
use roster_service::webhooks::{SubscriptionInput, SubscriptionView};
use roster_service::Actor;
use serde::{Deserialize, Serialize};

/// An app's event subscription.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Subscription {
    pub app_id: String,
    pub client_id: String,
    /// Where events are POSTed.
    pub url: String,
    /// The key of `x-zm-signature` (and of the URL validation challenge).
    pub secret_token: String,
    pub events: Vec<String>,
    /// When the URL last passed the `endpoint.url_validation` challenge.
    pub validated_at: Option<String>,
}

impl From<SubscriptionView> for Subscription {
    fn from(v: SubscriptionView) -> Self {
        Self {
            app_id: v.app_id,
            client_id: v.client_id,
            url: v.url,
            secret_token: v.secret_token,
            events: v.events,
            validated_at: v.validated_at.map(zoom_time),
        }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SetSubscription {
    pub url: String,
    /// Absent: Roster generates one and returns it.
    pub secret_token: Option<String>,
    pub events: Vec<String>,
}

/// One delivery of one event to the app.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Delivery {
    pub id: i64,
    pub event: String,
    pub event_id: Option<i64>,
    /// `pending`, `delivered` or `failed` (gave up 24 hours after the first attempt).
    pub status: String,
    pub attempts: i64,
    /// Sent as `x-roster-idempotency-key` on every attempt and redelivery.
    pub idempotency_key: String,
    pub created_at: String,
    /// When the next attempt is due (pending deliveries).
    pub next_attempt_at: Option<String>,
    pub delivered_at: Option<String>,
    /// The receiver's HTTP status at the last attempt.
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
}

impl From<&DeliveryRecord> for Delivery {
    fn from(d: &DeliveryRecord) -> Self {
        Self {
            id: d.id,
            event: d.event_type.clone(),
            event_id: d.event_id,
            status: d.status.clone(),
            attempts: d.attempts,
            idempotency_key: d.idempotency_key.clone(),
            created_at: zoom_time(d.created_at),
            next_attempt_at: (d.status == "pending").then(|| zoom_time(d.next_attempt_at)),
            delivered_at: d.delivered_at.map(zoom_time),
            last_status_code: d.last_status,
            last_error: d.last_error.clone(),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AttemptObject {
    pub attempted_at: String,
    pub status_code: Option<i64>,
    pub error: Option<String>,
    pub duration_ms: i64,
}

impl From<&AttemptRecord> for AttemptObject {
    fn from(a: &AttemptRecord) -> Self {
        Self {
            attempted_at: zoom_time(a.attempted_at),
            status_code: a.status_code,
            error: a.error.clone(),
            duration_ms: a.duration_ms,
        }
    }
}

/// A delivery with what was sent and every attempt.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeliveryDetail {
    #[serde(flatten)]
    pub delivery: Delivery,
    /// The body sent on every attempt: Zoom's envelope `{event, event_ts, payload}`.
    #[schema(value_type = Object)]
    pub body: serde_json::Value,
    pub attempt_history: Vec<AttemptObject>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeliveryList {
    pub page_size: u32,
    pub next_page_token: String,
    pub deliveries: Vec<Delivery>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DeliveryParams {
    /// `pending`, `delivered` or `failed`.
    pub status: Option<String>,
    /// An event type, e.g. `user.created`.
    pub event: Option<String>,
    pub page_size: Option<i64>,
    pub next_page_token: Option<String>,
}

#[utoipa::path(put, path = "/v2/marketplace/apps/{appId}/event_subscription", tag = "webhooks",
    params(("appId" = String, Path, description = "The app's id or client id")),
    request_body = SetSubscription, security(("bearer" = [])),
    responses((status = 200, description = "Set, after the URL passed the endpoint.url_validation challenge", body = Subscription),
        (status = 400, description = "Bad URL (not http(s), userinfo, link-local or metadata address), unknown event or bad secret (300); the challenge failed (4802); not the Owner or an Admin (200)", body = ErrorBody),
        (status = 404, description = "No such app in the caller's account (4800)", body = ErrorBody)))]
pub async fn set_subscription(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(app): Path<String>,
    ZoomJson(body): ZoomJson<SetSubscription>,
) -> Result<Json<Subscription>, ZoomError> {
    let input = SubscriptionInput {
        url: body.url,
        secret_token: body.secret_token,
        events: body.events,
    };
    let view = state
        .service
        .set_event_subscription(Actor::Principal(&p), &app, input)
        .await?;
    Ok(Json(view.into()))
}

#[utoipa::path(get, path = "/v2/marketplace/apps/{appId}/event_subscription", tag = "webhooks",
    params(("appId" = String, Path, description = "The app's id or client id")), security(("bearer" = [])),
    responses((status = 200, description = "The subscription, with its secret token", body = Subscription),
        (status = 400, description = "Not the Owner or an Admin (200)", body = ErrorBody),
        (status = 404, description = "No such app (4800), or it has no subscription (4801)", body = ErrorBody)))]
pub async fn get_subscription(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(app): Path<String>,
) -> Result<Json<Subscription>, ZoomError> {
    let view = state
        .service
        .get_event_subscription(Actor::Principal(&p), &app)
        .await?;
    Ok(Json(view.into()))
}

#[utoipa::path(delete, path = "/v2/marketplace/apps/{appId}/event_subscription", tag = "webhooks",
    params(("appId" = String, Path, description = "The app's id or client id")), security(("bearer" = [])),
    responses((status = 204, description = "Removed: no new deliveries; pending ones fail"),
        (status = 400, description = "Not the Owner or an Admin (200)", body = ErrorBody),
        (status = 404, description = "No such app (4800), or it has no subscription (4801)", body = ErrorBody)))]
pub async fn delete_subscription(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(app): Path<String>,
) -> Result<StatusCode, ZoomError> {
    state
        .service
        .delete_event_subscription(Actor::Principal(&p), &app)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/v2/marketplace/apps/{appId}/webhook_deliveries", tag = "webhooks",
    params(("appId" = String, Path, description = "The app's id or client id"), DeliveryParams),
    security(("bearer" = [])),
    responses((status = 200, description = "The app's deliveries, newest first", body = DeliveryList),
        (status = 400, description = "Bad filter or page token (300); not the Owner or an Admin (200)", body = ErrorBody),
        (status = 404, description = "No such app (4800)", body = ErrorBody)))]
pub async fn list_deliveries(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(app): Path<String>,
    ZoomQuery(q): ZoomQuery<DeliveryParams>,
) -> Result<Json<DeliveryList>, ZoomError> {
    let page = state
        .service
        .list_webhook_deliveries(
            Actor::Principal(&p),
            &app,
            DeliveryQuery {
                status: q.status,
                event: q.event,
                page_size: q.page_size,
                next_page_token: q.next_page_token,
            },
        )
        .await?;
    Ok(Json(DeliveryList {
        page_size: page.page_size,
        next_page_token: page.next_page_token,
        deliveries: page.deliveries.iter().map(Delivery::from).collect(),
    }))
}

/// A delivery with its body and attempts.
pub fn detail(d: &DeliveryRecord, attempts: &[AttemptRecord]) -> DeliveryDetail {
    DeliveryDetail {
        delivery: Delivery::from(d),
        body: serde_json::from_str(&d.body).unwrap_or(serde_json::Value::Null),
        attempt_history: attempts.iter().map(AttemptObject::from).collect(),
    }
}

#[utoipa::path(get, path = "/v2/marketplace/apps/{appId}/webhook_deliveries/{deliveryId}", tag = "webhooks",
    params(("appId" = String, Path), ("deliveryId" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, description = "The delivery, its body and every attempt", body = DeliveryDetail),
        (status = 400, description = "Not the Owner or an Admin (200)", body = ErrorBody),
        (status = 404, description = "No such app (4800) or delivery (4803)", body = ErrorBody)))]
pub async fn get_delivery(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path((app, id)): Path<(String, String)>,
) -> Result<Json<DeliveryDetail>, ZoomError> {
    let (d, attempts) = state
        .service
        .get_webhook_delivery(Actor::Principal(&p), &app, &id)
        .await?;
    Ok(Json(detail(&d, &attempts)))
}

#[utoipa::path(post, path = "/v2/marketplace/apps/{appId}/webhook_deliveries/{deliveryId}/redeliver", tag = "webhooks",
    params(("appId" = String, Path), ("deliveryId" = i64, Path)), security(("bearer" = [])),
    responses((status = 202, description = "Pending and due now; the same body and idempotency key", body = Delivery),
        (status = 400, description = "Not the Owner or an Admin (200)", body = ErrorBody),
        (status = 404, description = "No such app (4800) or delivery (4803)", body = ErrorBody)))]
pub async fn redeliver(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path((app, id)): Path<(String, String)>,
) -> Result<(StatusCode, Json<Delivery>), ZoomError> {
    let d = state
        .service
        .redeliver_webhook(Actor::Principal(&p), &app, &id)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(Delivery::from(&d))))
}
