//! An app's webhook delivery log for Owners and Admins: its subscription (URL and events), the
//! deliveries newest first (filtered by status, paged) with their status and attempts, one
//! delivery with its body and every attempt, and redelivery.

use super::{describe, stop};
use crate::ctx::Ctx;
use crate::errors::{signed_in, signed_in_post};
use crate::form::FormData;
use crate::view::{page, Chrome};
use crate::WebState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use roster_service::webhooks::log::DeliveryQuery;
use roster_service::{Actor, Error};
use serde::Deserialize;
use time::OffsetDateTime;

pub struct Row {
    pub id: i64,
    pub event: String,
    pub status_label: &'static str,
    pub attempts: i64,
    pub created: OffsetDateTime,
    pub last_status: Option<i64>,
}

pub struct Attempt {
    pub at: OffsetDateTime,
    pub status: Option<i64>,
    pub error: String,
    pub ms: i64,
}

#[derive(Template)]
#[template(path = "integrations_deliveries.html")]
struct LogPage {
    c: Chrome,
    app_id: String,
    url: Option<String>,
    events: Vec<String>,
    rows: Vec<Row>,
    status: String,
    /// The filter's choices: (value, label, chosen).
    statuses: Vec<(&'static str, &'static str, bool)>,
    next: String,
    error: String,
}

#[derive(Template)]
#[template(path = "integrations_delivery.html")]
struct OnePage {
    c: Chrome,
    app_id: String,
    row: Row,
    key: String,
    body: String,
    last_error: String,
    attempts: Vec<Attempt>,
    notices: Vec<(bool, String)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct LogQuery {
    pub status: Option<String>,
    pub after: Option<String>,
}

/// `GET /integrations/apps/{appId}/deliveries`
pub async fn list(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(app_id): Path<String>,
    Query(q): Query<LogQuery>,
) -> Response {
    let s = match signed_in(&ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let actor = Actor::Principal(&s.principal);
    let status = q.status.clone().unwrap_or_default();
    let query = DeliveryQuery {
        status: q.status.filter(|s| !s.is_empty()),
        event: None,
        page_size: Some(50),
        next_page_token: q.after.filter(|a| !a.is_empty()),
    };
    let (rows, next, error) = match state
        .service
        .list_webhook_deliveries(actor, &app_id, query)
        .await
    {
        Ok(p) => (
            p.deliveries.iter().map(|d| row(&ctx, d)).collect(),
            p.next_page_token,
            String::new(),
        ),
        // A bad filter is shown next to the filter; a missing app stops the page.
        Err(e @ Error::InvalidInput { .. }) => (Vec::new(), String::new(), describe(ctx.lang, &e)),
        Err(e) => return stop(&ctx, &state, &e),
    };
    let sub = state
        .service
        .get_event_subscription(Actor::Principal(&s.principal), &app_id)
        .await
        .ok();
    let here = format!("/integrations/apps/{app_id}/deliveries");
    let p = LogPage {
        c: Chrome::new(&ctx, &state, "int.log_title", "integrations", &here),
        app_id,
        url: sub.as_ref().map(|s| s.url.clone()),
        events: sub.map(|s| s.events).unwrap_or_default(),
        rows,
        statuses: ["pending", "delivered", "failed"]
            .into_iter()
            .map(|v| (v, ctx.t(&format!("int.st_{v}")), v == status))
            .collect(),
        status,
        next,
        error,
    };
    let code = if p.error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    page(code, &p, &p.c, &[])
}

fn row(ctx: &Ctx, d: &roster_service::store::webhooks::DeliveryRecord) -> Row {
    Row {
        id: d.id,
        event: d.event_type.clone(),
        status_label: ctx.t(&format!("int.st_{}", d.status)),
        attempts: d.attempts,
        created: d.created_at,
        last_status: d.last_status,
    }
}

async fn render_one(
    ctx: &Ctx,
    state: &WebState,
    app_id: &str,
    id: &str,
    notices: Vec<(bool, String)>,
) -> Response {
    let s = match signed_in(ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let actor = Actor::Principal(&s.principal);
    let (d, attempts) = match state.service.get_webhook_delivery(actor, app_id, id).await {
        Ok(x) => x,
        Err(e) => return stop(ctx, state, &e),
    };
    let here = format!("/integrations/apps/{app_id}/deliveries/{id}");
    let p = OnePage {
        c: Chrome::new(ctx, state, "int.delivery_title", "integrations", &here),
        app_id: app_id.to_owned(),
        row: row(ctx, &d),
        key: d.idempotency_key.clone(),
        body: d.body.clone(),
        last_error: d.last_error.clone().unwrap_or_default(),
        attempts: attempts
            .into_iter()
            .map(|a| Attempt {
                at: a.attempted_at,
                status: a.status_code,
                error: a.error.unwrap_or_default(),
                ms: a.duration_ms,
            })
            .collect(),
        notices,
    };
    page(StatusCode::OK, &p, &p.c, &[])
}

/// `GET /integrations/apps/{appId}/deliveries/{deliveryId}`
pub async fn show(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((app_id, id)): Path<(String, String)>,
) -> Response {
    render_one(&ctx, &state, &app_id, &id, Vec::new()).await
}

/// `POST /integrations/apps/{appId}/deliveries/{deliveryId}/redeliver`
pub async fn redeliver(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((app_id, id)): Path<(String, String)>,
    form: FormData,
) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let actor = Actor::Principal(&s.principal);
    match state.service.redeliver_webhook(actor, &app_id, &id).await {
        Ok(_) => {
            let n = ctx.t("int.redelivered").to_owned();
            render_one(&ctx, &state, &app_id, &id, vec![(true, n)]).await
        }
        Err(e) => stop(&ctx, &state, &e),
    }
}
