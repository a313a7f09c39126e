//! User management → Pending: invited users with when they were invited and when the
//! invitation expires; resend and delete (withdraw) each.

use crate::ctx::Ctx;
use crate::errors::{describe, refused, signed_in, signed_in_post};
use crate::form::FormData;
use crate::users::display_name;
use crate::view::{page, Chrome};
use crate::WebState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use roster_service::{ListQuery, RemoveAction};
use serde::Deserialize;
use time::OffsetDateTime;

#[derive(Debug, Default, Deserialize)]
pub struct PendingQuery {
    pub after: Option<String>,
}

pub struct Row {
    pub id: String,
    pub email: String,
    pub name: String,
    pub type_code: i64,
    pub sent: Option<OffsetDateTime>,
    pub expires: Option<OffsetDateTime>,
}

#[derive(Template)]
#[template(path = "pending.html")]
struct PendingPage {
    c: Chrome,
    rows: Vec<Row>,
    total: u64,
    next: String,
    notices: Vec<(bool, String)>,
}

async fn render(
    state: &WebState,
    ctx: &Ctx,
    after: Option<String>,
    notices: Vec<(bool, String)>,
) -> Response {
    let s = match signed_in(ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let list = state
        .service
        .list_users(
            &s.principal,
            ListQuery {
                status: Some("pending".to_owned()),
                page_size: Some(50),
                next_page_token: after.filter(|a| !a.is_empty()),
                ..ListQuery::default()
            },
        )
        .await;
    let list = match list {
        Ok(l) => l,
        Err(e) => return refused(ctx, state, &e),
    };
    let rows = list
        .users
        .iter()
        .map(|v| Row {
            id: v.user.id.to_string(),
            email: v.user.email.to_string(),
            name: display_name(v),
            type_code: v.user.user_type.code(),
            sent: v
                .invitation
                .as_ref()
                .map(|i| i.last_sent_at.unwrap_or(i.invited_at)),
            expires: v.invitation.as_ref().map(|i| i.expires_at),
        })
        .collect();
    let p = PendingPage {
        c: Chrome::new(ctx, state, "users.title", "users", "/users/pending"),
        rows,
        total: list.total_records,
        next: list.next_page_token,
        notices,
    };
    page(StatusCode::OK, &p, &p.c, &[])
}

/// `GET /users/pending`
pub async fn list(
    State(state): State<WebState>,
    ctx: Ctx,
    Query(q): Query<PendingQuery>,
) -> Response {
    render(&state, &ctx, q.after, Vec::new()).await
}

/// `POST /users/pending/{userId}/resend`
pub async fn resend(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let notice = match state.service.resend_invitation(&s.principal, &id).await {
        Ok(()) => (true, ctx.t("pending.resent").to_owned()),
        Err(e) => (false, describe(ctx.lang, &e)),
    };
    render(&state, &ctx, None, vec![notice]).await
}

/// `POST /users/pending/{userId}/delete`: withdraws the invitation.
pub async fn delete(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let action = RemoveAction {
        action: Some("delete".to_owned()),
        ..RemoveAction::default()
    };
    let notice = match state.service.remove_user(&s.principal, &id, action).await {
        Ok(_) => (true, ctx.t("pending.deleted").to_owned()),
        Err(e) => (false, describe(ctx.lang, &e)),
    };
    render(&state, &ctx, None, vec![notice]).await
}
