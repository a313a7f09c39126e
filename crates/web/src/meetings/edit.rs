//! Editing one meeting: the schedule form filled in with what is stored, in the reader's time
//! zone; saving changes the whole meeting (a recurring one's series).

use super::{describe, field_of, Fields};
use crate::ctx::Ctx;
use crate::errors::{message, refused, signed_in, signed_in_post};
use crate::form::FormData;
use crate::view::{page, see_other, Chrome};
use crate::WebState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use roster_service::{Actor, Error};

#[derive(Template)]
#[template(path = "meeting_edit.html")]
struct EditPage {
    c: Chrome,
    id: i64,
    join_url: String,
    f: Fields,
    error_field: &'static str,
    error: String,
}

async fn render(
    state: &WebState,
    ctx: &Ctx,
    id: &str,
    typed: Option<Fields>,
    error: Option<Error>,
) -> Response {
    let s = match signed_in(ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let v = match state
        .service
        .get_meeting(&Actor::Principal(&s.principal), id, None, true)
        .await
    {
        Ok(v) => v,
        Err(e @ Error::MeetingNotFound(_)) => {
            return message(
                ctx,
                state,
                StatusCode::NOT_FOUND,
                "err.not_found",
                &describe(ctx.lang, &e),
            )
        }
        Err(e) => return refused(ctx, state, &e),
    };
    let c = Chrome::new(
        ctx,
        state,
        "meetings.edit_title",
        "meetings",
        &format!("/meetings/{}/edit", v.meeting.id),
    );
    let (error_field, error) = match &error {
        Some(e) => (field_of(e), describe(ctx.lang, e)),
        None => ("", String::new()),
    };
    let p = EditPage {
        f: typed.unwrap_or_else(|| Fields::of(&v, &c)),
        c,
        id: v.meeting.id,
        join_url: v.join_url,
        error_field,
        error,
    };
    let status = if p.error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    page(status, &p, &p.c, &[])
}

/// `GET /meetings/{meetingId}/edit`
pub async fn show(State(state): State<WebState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    render(&state, &ctx, &id, None, None).await
}

/// `POST /meetings/{meetingId}/edit`
pub async fn save(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> Response {
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
                .update_meeting(&Actor::Principal(&s.principal), &id, None, &input)
                .await
        }
        Err(e) => Err(e),
    };
    match done {
        Ok(()) => see_other("/meetings?done=saved", &[]),
        Err(e @ Error::Internal(_)) => refused(&ctx, &state, &e),
        Err(e) => render(&state, &ctx, &id, Some(f), Some(e)).await,
    }
}
