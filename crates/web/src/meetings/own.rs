//! My meetings: upcoming, live and previous, each with its join link (visible as text, with a
//! copy button when scripts run); schedule one; start, end and delete one.

use super::{describe, field_of, is_paging_error, Fields, Paging, Row};
use crate::ctx::Ctx;
use crate::errors::{refused, signed_in, signed_in_post};
use crate::form::FormData;
use crate::view::{page, see_other, Chrome};
use crate::WebState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use roster_service::meetings::{DeleteOptions, MeetingQuery};
use roster_service::{Actor, Error};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    /// `upcoming` (the default), `live` or `previous`.
    pub show: Option<String>,
    /// A notice to show after a redirect: `scheduled`, `deleted`, `ended`.
    pub done: Option<String>,
    /// The next-page token of the page before.
    pub after: Option<String>,
    /// Meetings a page: 1 to 300, 50 by default.
    pub size: Option<String>,
}

/// Meetings a page unless `size` says otherwise.
const PAGE_SIZE: i64 = 50;

#[derive(Template)]
#[template(path = "meetings.html")]
struct MeetingsPage {
    c: Chrome,
    show: &'static str,
    rows: Vec<Row>,
    total: i64,
    /// The next page's token; empty on the last page.
    next: String,
    /// Past the first page (or a refused page link): offer the first page.
    paged: bool,
    size_q: String,
    basic: bool,
    f: Fields,
    error_field: &'static str,
    error: String,
    notices: Vec<(bool, String)>,
}

fn show_of(raw: Option<&str>) -> &'static str {
    match raw {
        Some("live") => "live",
        Some("previous") => "previous",
        _ => "upcoming",
    }
}

async fn render(
    state: &WebState,
    ctx: &Ctx,
    show: &'static str,
    paging: &Paging,
    f: Fields,
    error: Option<Error>,
    mut notices: Vec<(bool, String)>,
) -> Response {
    let s = match signed_in(ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let q = MeetingQuery {
        kind: Some(
            match show {
                "previous" => "previous_meetings",
                other => other,
            }
            .to_owned(),
        ),
        page_size: paging.page_size(PAGE_SIZE),
        next_page_token: paging.after.clone(),
        ..MeetingQuery::default()
    };
    let mut bad_page = false;
    let list = match state
        .service
        .list_meetings(&Actor::Principal(&s.principal), "me", &q)
        .await
    {
        Ok(l) => Some(l),
        Err(e) if is_paging_error(&e) => {
            notices.push((false, ctx.t("meetings.bad_page").to_owned()));
            bad_page = true;
            None
        }
        Err(e) => return refused(ctx, state, &e),
    };
    let (error_field, error) = match &error {
        Some(e) => (field_of(e), describe(ctx.lang, e)),
        None => ("", String::new()),
    };
    let p = MeetingsPage {
        c: Chrome::new(ctx, state, "meetings.title", "meetings", "/meetings"),
        show,
        rows: list
            .as_ref()
            .map(|l| l.meetings.iter().map(Row::of).collect())
            .unwrap_or_default(),
        total: list.as_ref().map_or(0, |l| l.total_records),
        next: list.map(|l| l.next_page_token).unwrap_or_default(),
        // A refused page link offers the first page, at the default size.
        paged: paging.paged() || bad_page,
        size_q: if bad_page {
            String::new()
        } else {
            paging.size_query()
        },
        basic: s.user.user_type.code() == 1,
        f,
        error_field,
        error,
        notices,
    };
    let status = if p.error.is_empty() && !bad_page {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    page(status, &p, &p.c, &[])
}

/// The notice a redirect asked for.
fn done_notice(ctx: &Ctx, done: Option<&str>) -> Vec<(bool, String)> {
    match done {
        Some("scheduled") => vec![(true, ctx.t("meetings.scheduled").to_owned())],
        Some("saved") => vec![(true, ctx.t("meetings.saved").to_owned())],
        Some("deleted") => vec![(true, ctx.t("meetings.deleted").to_owned())],
        Some("ended") => vec![(true, ctx.t("meetings.ended").to_owned())],
        _ => Vec::new(),
    }
}

/// `GET /meetings`
pub async fn list(State(state): State<WebState>, ctx: Ctx, Query(q): Query<ShowQuery>) -> Response {
    let notices = done_notice(&ctx, q.done.as_deref());
    let show = show_of(q.show.as_deref());
    let paging = Paging::new(q.after, q.size);
    render(&state, &ctx, show, &paging, Fields::blank(), None, notices).await
}

/// `POST /meetings`: schedules a meeting hosted by the signed-in user, in their time zone.
pub async fn schedule(State(state): State<WebState>, ctx: Ctx, form: FormData) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let f = Fields::from_form(&form);
    let tz = Chrome::new(&ctx, &state, "meetings.title", "meetings", "/meetings").tz;
    let done = match f.input(&tz) {
        Ok(input) => {
            state
                .service
                .schedule_meeting(&Actor::Principal(&s.principal), "me", &input)
                .await
        }
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => see_other("/meetings?done=scheduled", &[]),
        Err(e @ Error::Internal(_)) => refused(&ctx, &state, &e),
        Err(e) => {
            render(
                &state,
                &ctx,
                "upcoming",
                &Paging::default(),
                f,
                Some(e),
                Vec::new(),
            )
            .await
        }
    }
}

/// `POST /meetings/{meetingId}/delete`
pub async fn delete(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> Response {
    act(state, ctx, form, move |st, p| {
        Box::pin(async move {
            st.service
                .delete_meeting(&Actor::Principal(&p), &id, &DeleteOptions::default())
                .await
                .map(|()| "deleted")
        })
    })
    .await
}

/// `POST /meetings/{meetingId}/end`: ends a live meeting (its host, or an admin).
pub async fn end(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> Response {
    act(state, ctx, form, move |st, p| {
        Box::pin(async move {
            let n: i64 = id
                .trim()
                .parse()
                .map_err(|_| Error::MeetingNotFound(id.clone()))?;
            st.service.end_meeting(&p, n).await.map(|()| "ended")
        })
    })
    .await
}

type Fut = std::pin::Pin<Box<dyn std::future::Future<Output = Result<&'static str, Error>> + Send>>;

/// A POST that changes one meeting: CSRF, the signed-in principal, then back to where the
/// form came from (`back`: the list or the admin view) with a notice, or the error shown there.
async fn act(
    state: WebState,
    ctx: Ctx,
    form: FormData,
    run: impl FnOnce(WebState, roster_domain::Principal) -> Fut,
) -> Response {
    let principal = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s.principal.clone(),
        Err(r) => return r,
    };
    let back_all = form.get("back") == "all";
    match run(state.clone(), principal).await {
        Ok(done) if back_all => see_other(&format!("/meetings/all?done={done}"), &[]),
        Ok(done) => see_other(&format!("/meetings?done={done}"), &[]),
        Err(e @ Error::Internal(_)) => refused(&ctx, &state, &e),
        Err(e) if back_all => {
            super::all::render(
                &state,
                &ctx,
                None,
                false,
                &Paging::default(),
                Some(e),
                Vec::new(),
            )
            .await
        }
        Err(e) => {
            let notice = vec![(false, describe(ctx.lang, &e))];
            let status = render(
                &state,
                &ctx,
                "upcoming",
                &Paging::default(),
                Fields::blank(),
                None,
                notice,
            )
            .await;
            with_status(status, StatusCode::BAD_REQUEST)
        }
    }
}

fn with_status(mut r: Response, s: StatusCode) -> Response {
    if r.status() == StatusCode::OK {
        *r.status_mut() = s;
    }
    r
}

/// `POST /meetings/{meetingId}/start`: the host's start link the API gives (`start_url`, with
/// the host token), opened by a redirect.
pub async fn start(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    match state
        .service
        .get_meeting(&Actor::Principal(&s.principal), &id, None, false)
        .await
    {
        Ok(v) => see_other(&v.start_url, &[]),
        Err(e @ Error::Internal(_)) => refused(&ctx, &state, &e),
        Err(e) => {
            let notice = vec![(false, describe(ctx.lang, &e))];
            let r = render(
                &state,
                &ctx,
                "upcoming",
                &Paging::default(),
                Fields::blank(),
                None,
                notice,
            )
            .await;
            with_status(r, StatusCode::NOT_FOUND)
        }
    }
}
