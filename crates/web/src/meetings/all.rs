//! Everyone's meetings, for admins: how many are live now and every live one first (who is
//! live now), then the rest a page at a time (Next / First page); filtered by host or to the
//! live ones, the filters kept across pages; each endable while live.

use super::{describe, is_paging_error, Paging, Row};
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
    /// The next-page token of the page before.
    pub after: Option<String>,
    /// Meetings not live a page: 1 to 300, 50 by default.
    pub size: Option<String>,
}

/// Meetings not live a page unless `size` says otherwise.
const PAGE_SIZE: i64 = 50;

#[derive(Template)]
#[template(path = "meetings_all.html")]
struct AllPage {
    c: Chrome,
    host: String,
    live_only: bool,
    rows: Vec<Row>,
    live_count: usize,
    /// Live meetings and the rest, over every page.
    total: i64,
    /// The next page's token; empty on the last page.
    next: String,
    /// Past the first page (or a refused page link): offer the first page.
    paged: bool,
    /// The filters (and page size) as a query string, kept by the pager's links.
    filters: String,
    error: String,
    notices: Vec<(bool, String)>,
}

/// The filters and page size as a query string (`host=…&live=1&size=…`).
fn filters(host: Option<&str>, live_only: bool, size: Option<&str>) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    if let Some(h) = host {
        q.append_pair("host", h);
    }
    if live_only {
        q.append_pair("live", "1");
    }
    if let Some(s) = size {
        q.append_pair("size", s);
    }
    q.finish()
}

/// The page; `error` (a failed end, an unknown host) shows at the top or by the host filter.
pub async fn render(
    state: &WebState,
    ctx: &Ctx,
    host: Option<String>,
    live_only: bool,
    paging: &Paging,
    error: Option<Error>,
    mut notices: Vec<(bool, String)>,
) -> Response {
    let s = match signed_in(ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let q = AccountMeetingQuery {
        host: host.clone(),
        live_only,
        page_size: paging.page_size(PAGE_SIZE),
        next_page_token: paging.after.clone(),
    };
    let mut bad_page = false;
    let (list, filter_error) = match state.service.account_meetings(&s.principal, &q).await {
        Ok(list) => (Some(list), None),
        Err(e @ Error::UserNotFound(_)) => (None, Some(e)),
        Err(e) if is_paging_error(&e) => {
            notices.push((false, ctx.t("meetings.bad_page").to_owned()));
            bad_page = true;
            (None, None)
        }
        Err(e) => return refused(ctx, state, &e),
    };
    let error = filter_error.or(error);
    let (rows, live_count, total, next) = match list {
        Some(l) => {
            let live_count = l.live.len();
            // Live meetings head the first page only, so paging shows each meeting once.
            let live = if paging.paged() { &[][..] } else { &l.live[..] };
            let rows = live.iter().chain(&l.rest).map(Row::of).collect();
            let total = i64::try_from(live_count).unwrap_or(i64::MAX) + l.rest_total;
            (rows, live_count, total, l.next_page_token)
        }
        None => (Vec::new(), 0, 0, String::new()),
    };
    let size = if bad_page {
        None
    } else {
        paging.size.as_deref()
    };
    let p = AllPage {
        c: Chrome::new(
            ctx,
            state,
            "meetings.all_title",
            "meetings_all",
            "/meetings/all",
        ),
        filters: filters(host.as_deref(), live_only, size),
        host: host.unwrap_or_default(),
        live_only,
        live_count,
        rows,
        total,
        next,
        paged: paging.paged() || bad_page,
        error: error
            .as_ref()
            .map(|e| describe(ctx.lang, e))
            .unwrap_or_default(),
        notices,
    };
    let status = if p.error.is_empty() && !bad_page {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    page(status, &p, &p.c, &[])
}

/// `GET /meetings/all?host=&live=1&size=&after=`
pub async fn list(State(state): State<WebState>, ctx: Ctx, Query(q): Query<AllQuery>) -> Response {
    let host = q.host.filter(|h| !h.trim().is_empty());
    let live = q.live.as_deref() == Some("1");
    let notices = match q.done.as_deref() {
        Some("ended") => vec![(true, ctx.t("meetings.ended").to_owned())],
        Some("deleted") => vec![(true, ctx.t("meetings.deleted").to_owned())],
        _ => Vec::new(),
    };
    let paging = Paging::new(q.after, q.size);
    render(&state, &ctx, host, live, &paging, None, notices).await
}
