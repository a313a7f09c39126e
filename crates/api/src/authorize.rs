//! `GET /oauth/authorize` and its forms (`POST /oauth/authorize/signin`, `POST
//! /oauth/authorize/consent`): server-rendered, small, no JavaScript, in the portal's language
//! (its switcher's cookie, the signed-in user's profile, else the browser's). The request
//! travels in a signed hidden field (see the service's `authorize`), which is also the CSRF
//! token.

use crate::activate::page_in;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use roster_domain::html::escape;
use roster_domain::language::Language;
use roster_service::authorize::{AuthorizeError, AuthorizeParams, ConsentPage, Decision, Refusal};
use roster_web::i18n::{fill, of_request, scope_words, text};
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

fn sign_in_form(lang: Language, app_name: &str, flow: &str, error: Option<&str>) -> String {
    let t = |k: &str| text(lang, k);
    let error = error
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(e)))
        .unwrap_or_default();
    let app = format!("<strong>{}</strong>", escape(app_name));
    page_in(
        lang,
        t("oauth.signin_title"),
        &format!(
            "<p>{}</p>{error}\
             <form method=\"post\" action=\"/oauth/authorize/signin\">\
             <input type=\"hidden\" name=\"flow\" value=\"{}\">\
             <label for=\"email\">{}</label>\
             <input id=\"email\" name=\"email\" type=\"email\" required autocomplete=\"username\">\
             <label for=\"password\">{}</label>\
             <input id=\"password\" name=\"password\" type=\"password\" required autocomplete=\"current-password\">\
             <button type=\"submit\">{}</button></form>",
            fill(lang, "oauth.signin_intro", &[("app", &app)]),
            escape(flow),
            t("signin.email"),
            t("signin.password"),
            t("signin.submit"),
        ),
    )
}

fn consent(lang: Language, c: &ConsentPage) -> String {
    let t = |k: &str| text(lang, k);
    let scopes: String = c
        .scopes
        .iter()
        .map(|(s, _)| {
            format!(
                "<li>{} <small>({})</small></li>",
                escape(&scope_words(lang, s)),
                escape(s)
            )
        })
        .collect();
    let mut buttons = String::new();
    let mut button = |value: &str, key: &str| {
        buttons.push_str(&format!(
            "<button type=\"submit\" name=\"decision\" value=\"{value}\">{}</button> ",
            t(key)
        ));
    };
    if c.may_approve_account {
        button("account", "oauth.approve_account");
    }
    if c.may_approve_personal {
        button("personal", "oauth.approve_personal");
    }
    button("deny", "oauth.deny");
    let admin = c
        .admin_link
        .as_ref()
        .map(|l| {
            format!(
                "<p>{} <a href=\"{1}\">{1}</a></p>",
                t("oauth.admin_link"),
                escape(l)
            )
        })
        .unwrap_or_default();
    let description = if c.app_description.is_empty() {
        String::new()
    } else {
        format!("<p>{}</p>", escape(&c.app_description))
    };
    let email = format!("<strong>{}</strong>", escape(&c.email));
    let app = format!("<strong>{}</strong>", escape(&c.app_name));
    page_in(
        lang,
        t("oauth.consent_title"),
        &format!(
            "<p>{}</p><p>{}</p>{description}\
             <ul>{scopes}</ul>{admin}\
             <form method=\"post\" action=\"/oauth/authorize/consent\">\
             <input type=\"hidden\" name=\"flow\" value=\"{}\">{buttons}</form>",
            fill(lang, "oauth.signed_in_as", &[("email", &email)]),
            fill(lang, "oauth.asks", &[("app", &app)]),
            escape(&c.flow),
        ),
    )
}

/// The catalog key of a refusal's words.
fn refusal_key(r: Refusal) -> &'static str {
    match r {
        Refusal::FormInvalid => "oauth.refusal.form_invalid",
        Refusal::FormExpired => "oauth.refusal.form_expired",
        Refusal::UnknownClient => "oauth.refusal.unknown_client",
        Refusal::RedirectMismatch => "oauth.refusal.redirect_mismatch",
        Refusal::WrongCredentials => "signin.wrong",
        Refusal::Throttled => "oauth.refusal.throttled",
        Refusal::NotActive => "oauth.refusal.not_active",
        Refusal::RedirectsChanged => "oauth.refusal.redirects_changed",
        Refusal::SignInFirst => "oauth.refusal.sign_in_first",
        Refusal::AccountNeedsAdmin => "oauth.refusal.account_needs_admin",
        Refusal::ApprovedElsewhere => "oauth.refusal.approved_elsewhere",
    }
}

fn refused(lang: Language, e: AuthorizeError) -> Response {
    let t = |k: &str| text(lang, k);
    match e {
        AuthorizeError::Page { status, refusal } => html(
            StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            page_in(
                lang,
                t("oauth.refused_title"),
                &format!(
                    "<p class=\"error\" role=\"alert\">{}</p>",
                    t(refusal_key(refusal))
                ),
            ),
        ),
        AuthorizeError::Redirect(to) => Redirect::to(&to).into_response(),
        AuthorizeError::SignIn { refusal, flow } => html(
            StatusCode::UNAUTHORIZED,
            sign_in_form(
                lang,
                t("oauth.the_app"),
                &flow,
                Some(t(refusal_key(refusal))),
            ),
        ),
        AuthorizeError::Internal(e) => {
            tracing::error!(error = %e, "authorize failed");
            html(
                StatusCode::INTERNAL_SERVER_ERROR,
                page_in(
                    lang,
                    t("oauth.failed_title"),
                    &format!("<p>{}</p>", t("common.error")),
                ),
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
                let lang = of_request(&headers, Some(&s.user.language));
                return match state.service.authorize_signed_in(params, &s.user).await {
                    Ok(c) => html(StatusCode::OK, consent(lang, &c)),
                    Err(e) => refused(lang, e),
                };
            }
            Ok(None) => {}
            Err(e) => return refused(of_request(&headers, None), AuthorizeError::Internal(e)),
        }
    }
    let lang = of_request(&headers, None);
    match state.service.begin_authorize(params).await {
        Ok(p) => html(
            StatusCode::OK,
            sign_in_form(lang, &p.app_name, &p.flow, None),
        ),
        Err(e) => refused(lang, e),
    }
}

/// `POST /oauth/authorize/signin`: the password check, then the consent page.
pub async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<SignInForm>,
) -> Response {
    let lang = of_request(&headers, None);
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
        Ok(c) => html(StatusCode::OK, consent(lang, &c)),
        Err(e) => refused(lang, e),
    }
}

/// `POST /oauth/authorize/consent`: approve (for the account or just for me) or deny; either
/// way the browser goes back to the app.
pub async fn decide(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<ConsentForm>,
) -> Response {
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
        Err(e) => refused(of_request(&headers, None), e),
    }
}
