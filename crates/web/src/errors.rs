//! Service errors as the portal shows them, in the page's language, and the pages for what
//! stops a request altogether: a refused form (403), a missing page, a failure of ours (500).

use crate::ctx::Ctx;
use crate::form::{token_matches, FormData};
use crate::i18n;
use crate::view::{page, see_other, Chrome};
use crate::WebState;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use roster_domain::language::Language;
use roster_service::portal::Session;
use roster_service::Error;

pub use crate::describe::describe;

/// The field a service error concerns, when it names one (to show the message next to it).
pub fn field(e: &Error) -> Option<&'static str> {
    match e {
        Error::InvalidInput { field, .. } => Some(field),
        _ => None,
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct Message<'a> {
    c: Chrome,
    body: &'a str,
}

/// A page with one message, under `title_key`.
pub fn message(
    ctx: &Ctx,
    state: &WebState,
    status: StatusCode,
    title_key: &str,
    body: &str,
) -> Response {
    let m = Message {
        c: Chrome::new(ctx, state, title_key, "", "/"),
        body,
    };
    page(status, &m, &m.c, &[])
}

/// A failure of ours: logged, and a generic page.
pub fn internal(lang: Language, e: &Error) -> Response {
    tracing::error!(error = %e, "portal request failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        axum::response::Html(format!(
            "<!doctype html><html lang=\"{}\"><title>Roster</title><p>{}</p></html>",
            lang.code(),
            i18n::text(lang, "common.error")
        )),
    )
        .into_response()
}

/// A service error that stops the page (not one to show next to a field).
pub fn refused(ctx: &Ctx, state: &WebState, e: &Error) -> Response {
    match e {
        Error::Internal(_) => internal(ctx.lang, e),
        Error::NoPrivilege => message(
            ctx,
            state,
            StatusCode::FORBIDDEN,
            "err.no_privilege",
            &describe(ctx.lang, e),
        ),
        Error::UserNotFound(_) => message(
            ctx,
            state,
            StatusCode::NOT_FOUND,
            "err.not_found",
            &describe(ctx.lang, e),
        ),
        _ => message(
            ctx,
            state,
            StatusCode::BAD_REQUEST,
            "err.invalid",
            &describe(ctx.lang, e),
        ),
    }
}

/// The signed-in session, or a redirect to the sign-in page.
pub fn signed_in(ctx: &Ctx) -> Result<&Session, Response> {
    ctx.session
        .as_ref()
        .ok_or_else(|| see_other("/signin", &[]))
}

/// A signed-in user's POST: the form token checked ([`check_csrf`]), then the session
/// ([`signed_in`]), in that order, so a forged form is refused before anything else.
pub fn signed_in_post<'a>(
    ctx: &'a Ctx,
    state: &WebState,
    form: &FormData,
) -> Result<&'a Session, Response> {
    check_csrf(ctx, state, form)?;
    signed_in(ctx)
}

/// Refuses a POST whose form token is not the session's (or, signed out, the cookie's): a
/// clear 403 page, and nothing done.
pub fn check_csrf(ctx: &Ctx, state: &WebState, form: &FormData) -> Result<(), Response> {
    let expected = match (&ctx.session, &ctx.csrf_cookie) {
        (Some(s), _) => s.csrf.as_str(),
        (None, Some(c)) => c.as_str(),
        (None, None) => "",
    };
    if token_matches(expected, form.get("csrf")) {
        Ok(())
    } else {
        Err(message(
            ctx,
            state,
            StatusCode::FORBIDDEN,
            "csrf.title",
            i18n::text(ctx.lang, "csrf.body"),
        ))
    }
}
