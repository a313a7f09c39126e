//! Everyone's meetings, for admins: live ones first (who is live now), filtered by host or to
//! the live ones, each endable while live.

use super::{describe, Row};
use crate::ctx::Ctx;
use crate::errors::{refused, signed_in};
use crate::view::{page, Chrome};
use crate::WebState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use roster_service::meetings::AccountMeetingQuery;
use roster_service::Error;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct AllQuery {
    pub host: Option<String>,
    pub live: Option<String>,
    pub done: Option<String>,
}

#[derive(Template)]
#[template(path = "meetings_all.html")]
struct AllPage {
    c: Chrome,
    host: String,
    live_only: bool,
    rows: Vec<Row>,
    live_count: usize,
    error: String,
    notices: Vec<(bool, String)>,
}

/// The page; `error` (a failed end, an unknown host) shows at the top or by the host filter.
pub async fn render(
    state: &WebState,
    ctx: &Ctx,
    host: Option<String>,
    live_only: bool,
    error: Option<Error>,
    notices: Vec<(bool, String)>,
) -> Response {
    let s = match signed_in(ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let q = AccountMeetingQuery {
        host: host.clone(),
        live_only,
    };
    let (rows, filter_error) = match state.service.account_meetings(&s.principal, &q).await {
        Ok(list) => (list.iter().map(Row::of).collect::<Vec<_>>(), None),
        Err(e @ Error::UserNotFound(_)) => (Vec::new(), Some(e)),
        Err(e) => return refused(ctx, state, &e),
    };
    let error = filter_error.or(error);
    let p = AllPage {
        c: Chrome::new(
            ctx,
            state,
            "meetings.all_title",
            "meetings_all",
            "/meetings/all",
        ),
        host: host.unwrap_or_default(),
        live_only,
        live_count: rows.iter().filter(|r| r.live).count(),
        rows,
        error: error
            .as_ref()
            .map(|e| describe(ctx.lang, e))
            .unwrap_or_default(),
        notices,
    };
    let status = if p.error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    page(status, &p, &p.c, &[])
}

/// `GET /meetings/all?host=&live=1`
pub async fn list(State(state): State<WebState>, ctx: Ctx, Query(q): Query<AllQuery>) -> Response {
    let host = q.host.filter(|h| !h.trim().is_empty());
    let live = q.live.as_deref() == Some("1");
    let notices = match q.done.as_deref() {
        Some("ended") => vec![(true, ctx.t("meetings.ended").to_owned())],
        Some("deleted") => vec![(true, ctx.t("meetings.deleted").to_owned())],
        _ => Vec::new(),
    };
    render(&state, &ctx, host, live, None, notices).await
}
