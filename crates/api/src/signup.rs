//! `/signup`: where the server allows it (`--allow-signup`), a person asks for their own free
//! account by email. Server-rendered, no JavaScript; the confirmation link leads to the same
//! `/activate` page as invitations.

use crate::activate::page;
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use roster_domain::html::escape;
use roster_service::Error;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct SignupForm {
    pub email: Option<String>,
}

fn closed() -> Response {
    (
        StatusCode::NOT_FOUND,
        Html(page(
            "Sign-up is not open",
            &format!("<p>{}</p>", escape(&Error::SignupClosed.to_string())),
        )),
    )
        .into_response()
}

fn form(email: &str, error: Option<&str>) -> String {
    let error = error
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(e)))
        .unwrap_or_default();
    page(
        "Create your Roster account",
        &format!(
            "<p>A free account of your own: meetings up to 40 minutes. We will mail you a link to \
             confirm your email and choose a password.</p>{error}\
             <form method=\"post\" action=\"/signup\">\
             <label for=\"email\">Email</label><input id=\"email\" name=\"email\" type=\"email\" value=\"{}\" required maxlength=\"128\">\
             <button type=\"submit\">Sign up</button></form>",
            escape(email)
        ),
    )
}

/// `GET /signup`
pub async fn show(State(state): State<AppState>) -> Response {
    if !state.service.signup_open() {
        return closed();
    }
    Html(form("", None)).into_response()
}

/// `POST /signup` (form)
pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<SignupForm>,
) -> Response {
    let email = f.email.unwrap_or_default();
    // The browser's first preference: `fr-CH,fr;q=0.9,en;q=0.8` gives `fr-CH`.
    let language = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split([',', ';']).next())
        .map(str::trim);
    match state.service.sign_up(&email, language).await {
        Ok(()) => Html(page(
            "Check your mail",
            &format!(
                "<p>If <strong>{}</strong> can be used for a new account, a message with a \
                 confirmation link is on its way there. The link works for 30 days.</p>",
                escape(email.trim())
            ),
        ))
        .into_response(),
        Err(Error::SignupClosed) => closed(),
        Err(Error::InvalidInput { message, .. }) => {
            (StatusCode::BAD_REQUEST, Html(form(&email, Some(&message)))).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "sign-up failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html(page(
                    "Something went wrong",
                    "<p class=\"error\" role=\"alert\">Something went wrong on our side. Try again in a moment.</p>",
                )),
            )
                .into_response()
        }
    }
}
