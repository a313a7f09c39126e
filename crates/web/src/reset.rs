//! Password reset: `/reset` asks for an email and mails a single-use link (the same answer
//! whether or not the email is known); `/reset/new?token=…` chooses the new password.

use crate::ctx::Ctx;
use crate::errors::{check_csrf, describe, internal, message};
use crate::form::FormData;
use crate::view::{page, see_other, Chrome};
use crate::WebState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    pub token: Option<String>,
}

#[derive(Template)]
#[template(path = "reset.html")]
struct ResetPage {
    c: Chrome,
    sent: bool,
    /// Empty on the request form; the link's token on the new-password form.
    token: String,
    error: String,
}

fn render(
    ctx: &Ctx,
    state: &WebState,
    title: &str,
    status: StatusCode,
    p: (bool, String, String),
) -> Response {
    let r = ResetPage {
        c: Chrome::new(ctx, state, title, "", "/reset"),
        sent: p.0,
        token: p.1,
        error: p.2,
    };
    page(status, &r, &r.c, &[])
}

fn dead_link(ctx: &Ctx, state: &WebState) -> Response {
    message(
        ctx,
        state,
        StatusCode::NOT_FOUND,
        "reset.title",
        ctx.t("reset.invalid"),
    )
}

/// `GET /reset`
pub async fn show(State(state): State<WebState>, ctx: Ctx) -> Response {
    render(
        &ctx,
        &state,
        "reset.title",
        StatusCode::OK,
        (false, String::new(), String::new()),
    )
}

/// `POST /reset`
pub async fn request(State(state): State<WebState>, ctx: Ctx, form: FormData) -> Response {
    if let Err(r) = check_csrf(&ctx, &state, &form) {
        return r;
    }
    if let Err(e) = state.service.portal_request_reset(form.get("email")).await {
        return internal(ctx.lang, &e);
    }
    render(
        &ctx,
        &state,
        "reset.title",
        StatusCode::OK,
        (true, String::new(), String::new()),
    )
}

/// `GET /reset/new?token=…`
pub async fn show_new(
    State(state): State<WebState>,
    ctx: Ctx,
    Query(q): Query<TokenQuery>,
) -> Response {
    let token = q.token.unwrap_or_default();
    match state.service.portal_reset_open(&token).await {
        Ok(true) if !token.is_empty() => render(
            &ctx,
            &state,
            "reset.new_title",
            StatusCode::OK,
            (false, token, String::new()),
        ),
        Ok(_) => dead_link(&ctx, &state),
        Err(e) => internal(ctx.lang, &e),
    }
}

/// `POST /reset/new`: sets the password and sends the person to sign in with it.
pub async fn choose(State(state): State<WebState>, ctx: Ctx, form: FormData) -> Response {
    if let Err(r) = check_csrf(&ctx, &state, &form) {
        return r;
    }
    let token = form.get("token").to_owned();
    match state
        .service
        .portal_reset_password(&token, form.get("password"))
        .await
    {
        Ok(()) => see_other("/signin?done=1", &[]),
        Err(roster_service::Error::InvalidInput { field: "token", .. }) => dead_link(&ctx, &state),
        Err(e @ roster_service::Error::Internal(_)) => internal(ctx.lang, &e),
        Err(e) => render(
            &ctx,
            &state,
            "reset.new_title",
            StatusCode::BAD_REQUEST,
            (false, token, describe(ctx.lang, &e)),
        ),
    }
}
