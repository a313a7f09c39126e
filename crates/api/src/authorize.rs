//! `GET /oauth/authorize` and its forms (`POST /oauth/authorize/signin`, `POST
//! /oauth/authorize/consent`): server-rendered, small, no JavaScript. The request travels in a
//! signed hidden field (see the service's `authorize`), which is also the CSRF token.

use crate::activate::page;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use roster_domain::html::escape;
use roster_service::authorize::{AuthorizeError, AuthorizeParams, ConsentPage, Decision};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    pub flow: Option<String>,
    pub email: Option<String>,
    pub password: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ConsentForm {
    pub flow: Option<String>,
    /// `account`, `personal` or `deny`.
    pub decision: Option<String>,
}

fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::X_FRAME_OPTIONS, "DENY"),
        ],
        Html(body),
    )
        .into_response()
}

fn sign_in_form(app_name: &str, flow: &str, error: Option<&str>) -> String {
    let error = error
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(e)))
        .unwrap_or_default();
    page(
        "Sign in to Roster",
        &format!(
            "<p><strong>{}</strong> wants to connect to your Roster account. Sign in to continue.</p>{error}\
             <form method=\"post\" action=\"/oauth/authorize/signin\">\
             <input type=\"hidden\" name=\"flow\" value=\"{}\">\
             <label for=\"email\">Email</label>\
             <input id=\"email\" name=\"email\" type=\"email\" required autocomplete=\"username\">\
             <label for=\"password\">Password</label>\
             <input id=\"password\" name=\"password\" type=\"password\" required autocomplete=\"current-password\">\
             <button type=\"submit\">Sign in</button></form>",
            escape(app_name),
            escape(flow),
        ),
    )
}

fn consent(c: &ConsentPage) -> String {
    let scopes: String = c
        .scopes
        .iter()
        .map(|(s, words)| format!("<li>{} <small>({})</small></li>", escape(words), escape(s)))
        .collect();
    let mut buttons = String::new();
    if c.may_approve_account {
        buttons.push_str(
            "<button type=\"submit\" name=\"decision\" value=\"account\">Approve for everyone in the account</button> ",
        );
    }
    if c.may_approve_personal {
        buttons.push_str(
            "<button type=\"submit\" name=\"decision\" value=\"personal\">Approve just for me</button> ",
        );
    }
    buttons.push_str("<button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>");
    let admin = c
        .admin_link
        .as_ref()
        .map(|l| {
            format!(
                "<p>Only an Owner or Admin can install this app for everyone in the account. Send this link \
                 to an admin: <a href=\"{0}\">{0}</a></p>",
                escape(l)
            )
        })
        .unwrap_or_default();
    let description = if c.app_description.is_empty() {
        String::new()
    } else {
        format!("<p>{}</p>", escape(&c.app_description))
    };
    page(
        "Allow access?",
        &format!(
            "<p>Signed in as <strong>{}</strong>.</p><p><strong>{}</strong> asks to:</p>{description}\
             <ul>{scopes}</ul>{admin}\
             <form method=\"post\" action=\"/oauth/authorize/consent\">\
             <input type=\"hidden\" name=\"flow\" value=\"{}\">{buttons}</form>",
            escape(&c.email),
            escape(&c.app_name),
            escape(&c.flow),
        ),
    )
}

fn refused(e: AuthorizeError, app_name: &str) -> Response {
    match e {
        AuthorizeError::Page { status, message } => html(
            StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            page(
                "This request cannot go on",
                &format!("<p class=\"error\" role=\"alert\">{}</p>", escape(&message)),
            ),
        ),
        AuthorizeError::Redirect(to) => Redirect::to(&to).into_response(),
        AuthorizeError::SignIn { message, flow } => html(
            StatusCode::UNAUTHORIZED,
            sign_in_form(app_name, &flow, Some(&message)),
        ),
        AuthorizeError::Internal(e) => {
            tracing::error!(error = %e, "authorize failed");
            html(
                StatusCode::INTERNAL_SERVER_ERROR,
                page("Something went wrong", "<p>Try again later.</p>"),
            )
        }
    }
}

/// The web portal's session cookie (see roster-web), whose holder needs no second sign-in.
const PORTAL_SESSION_COOKIE: &str = "roster_session";

fn portal_session_id(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, v)| *k == PORTAL_SESSION_COOKIE && !v.is_empty())
        .map(|(_, v)| v)
}

/// `GET /oauth/authorize`: checks the request, then the sign-in form; a user signed in to the
/// web portal goes straight to the consent page.
pub async fn authorize(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<AuthorizeParams>,
) -> Response {
    if let Some(id) = portal_session_id(&headers) {
        match state.service.portal_session(id).await {
            Ok(Some(s)) => {
                return match state.service.authorize_signed_in(params, &s.user).await {
                    Ok(c) => html(StatusCode::OK, consent(&c)),
                    Err(e) => refused(e, "The app"),
                }
            }
            Ok(None) => {}
            Err(e) => return refused(AuthorizeError::Internal(e), "The app"),
        }
    }
    match state.service.begin_authorize(params).await {
        Ok(p) => html(StatusCode::OK, sign_in_form(&p.app_name, &p.flow, None)),
        Err(e) => refused(e, "The app"),
    }
}

/// `POST /oauth/authorize/signin`: the password check, then the consent page.
pub async fn sign_in(State(state): State<AppState>, Form(f): Form<SignInForm>) -> Response {
    let flow = f.flow.unwrap_or_default();
    match state
        .service
        .authorize_sign_in(
            &flow,
            f.email.as_deref().unwrap_or_default(),
            f.password.as_deref().unwrap_or_default(),
        )
        .await
    {
        Ok(c) => html(StatusCode::OK, consent(&c)),
        Err(e) => refused(e, "The app"),
    }
}

/// `POST /oauth/authorize/consent`: approve (for the account or just for me) or deny; either
/// way the browser goes back to the app.
pub async fn decide(State(state): State<AppState>, Form(f): Form<ConsentForm>) -> Response {
    let decision = match f.decision.as_deref() {
        Some("account") => Decision::Account,
        Some("personal") => Decision::Personal,
        _ => Decision::Deny,
    };
    match state
        .service
        .authorize_decide(&f.flow.unwrap_or_default(), decision)
        .await
    {
        Ok(to) => Redirect::to(&to).into_response(),
        Err(e) => refused(e, "The app"),
    }
}
