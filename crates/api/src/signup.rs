//! `/signup`: where the server allows it (`--allow-signup`), a person asks for their own free
//! account by email. Server-rendered, no JavaScript; the confirmation link leads to the same
//! `/activate` page as invitations. In the portal's language (its switcher's cookie, else the
//! browser's).

use crate::activate::page_in;
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use roster_domain::html::escape;
use roster_domain::language::Language;
use roster_service::Error;
use roster_web::describe::describe;
use roster_web::i18n::{fill, of_request, text};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct SignupForm {
    pub email: Option<String>,
}

fn closed(lang: Language) -> Response {
    (
        StatusCode::NOT_FOUND,
        Html(page_in(
            lang,
            text(lang, "signup.closed_title"),
            &format!("<p>{}</p>", text(lang, "err.signup_closed")),
        )),
    )
        .into_response()
}

fn form(lang: Language, email: &str, error: Option<&str>) -> String {
    let t = |k: &str| text(lang, k);
    let error = error
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(e)))
        .unwrap_or_default();
    page_in(
        lang,
        t("signup.title"),
        &format!(
            "<p>{}</p>{error}\
             <form method=\"post\" action=\"/signup\">\
             <label for=\"email\">{}</label><input id=\"email\" name=\"email\" type=\"email\" value=\"{}\" required maxlength=\"128\" autocomplete=\"email\">\
             <button type=\"submit\">{}</button></form>",
            t("signup.intro"),
            t("signin.email"),
            escape(email),
            t("signup.submit"),
        ),
    )
}

/// `GET /signup`
pub async fn show(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let lang = of_request(&headers, None);
    if !state.service.signup_open() {
        return closed(lang);
    }
    Html(form(lang, "", None)).into_response()
}

/// `POST /signup` (form)
pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<SignupForm>,
) -> Response {
    let lang = of_request(&headers, None);
    let email = f.email.unwrap_or_default();
    // The browser's first preference: `fr-CH,fr;q=0.9,en;q=0.8` gives `fr-CH`.
    let language = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split([',', ';']).next())
        .map(str::trim);
    match state.service.sign_up(&email, language).await {
        Ok(()) => Html(page_in(
            lang,
            text(lang, "signup.sent_title"),
            &format!(
                "<p>{}</p>",
                fill(
                    lang,
                    "signup.sent",
                    &[(
                        "email",
                        &format!("<strong>{}</strong>", escape(email.trim()))
                    )]
                )
            ),
        ))
        .into_response(),
        Err(Error::SignupClosed) => closed(lang),
        Err(e @ Error::InvalidInput { .. }) => (
            StatusCode::BAD_REQUEST,
            Html(form(lang, &email, Some(&describe(lang, &e)))),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "sign-up failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html(page_in(
                    lang,
                    text(lang, "oauth.failed_title"),
                    &format!(
                        "<p class=\"error\" role=\"alert\">{}</p>",
                        text(lang, "common.error")
                    ),
                )),
            )
                .into_response()
        }
    }
}
