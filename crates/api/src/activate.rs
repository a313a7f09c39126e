//! `/activate`: the page an invited person reaches from their mail. Server-rendered, no
//! JavaScript: a form for name and password, then a confirmation, or a page that says why the
//! link cannot be used.

use crate::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use roster_domain::html::escape;
use roster_service::activation::ActivationInfo;
use roster_service::joining::JoinInfo;
use roster_service::Error;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    pub token: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ActivateForm {
    pub token: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub password: Option<String>,
    pub confirm: Option<String>,
    /// Set by the join form: the person moves their existing account.
    pub join: Option<String>,
}

pub(crate) fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · Roster</title><style>body{{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}}\
         label{{display:block;margin:.8rem 0 .2rem}}input{{width:100%;padding:.4rem;box-sizing:border-box}}\
         button{{margin-top:1rem;padding:.5rem 1rem}}.error{{color:#a00;border:1px solid #a00;padding:.5rem}}</style></head>\
         <body><h1>{}</h1>{body}</body></html>",
        escape(title),
        escape(title)
    )
}

fn alert(error: Option<&str>) -> String {
    error
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(e)))
        .unwrap_or_default()
}

/// The page for someone who already has a standalone account: what moves, and a confirmation
/// with their current password.
fn join_form(token: &str, info: &ActivationInfo, join: &JoinInfo, error: Option<&str>) -> String {
    let error = alert(error);
    let refund = join
        .refund
        .as_ref()
        .map(|r| {
            format!(
                "<li>The unused part of your paid plan is refunded: <strong>{}</strong>.</li>",
                escape(r)
            )
        })
        .unwrap_or_default();
    let password = if join.needs_password {
        "<label for=\"password\">Your current Roster password</label>\
         <input id=\"password\" name=\"password\" type=\"password\" required autocomplete=\"current-password\">"
    } else {
        ""
    };
    page(
        "Join an organisation",
        &format!(
            "<p><strong>{}</strong> invites you (<strong>{}</strong>) to join their account. You already have \
             a Roster account, <strong>{}</strong>; accepting moves it into theirs.</p>{error}\
             <ul><li>Your profile, meetings, recordings, contacts, chat history and settings come with you \
             (where the organisation locks a setting, its choice applies).</li>\
             <li>Your licences and reports stay behind; the organisation gives you its own.</li>\
             <li>Your current account is closed.</li>{refund}</ul>\
             <form method=\"post\" action=\"/activate\">\
             <input type=\"hidden\" name=\"token\" value=\"{}\"><input type=\"hidden\" name=\"join\" value=\"1\">\
             {password}<button type=\"submit\">Join {}</button></form>",
            escape(&info.account_name),
            escape(info.email.as_str()),
            escape(&join.from_account_name),
            escape(token),
            escape(&info.account_name),
        ),
    )
}

/// The form for this link: a new person's name and password, or a join.
fn form_for(
    token: &str,
    info: &ActivationInfo,
    first: &str,
    last: &str,
    error: Option<&str>,
) -> String {
    match &info.joining {
        Some(join) => join_form(token, info, join, error),
        None => form(token, info, first, last, error),
    }
}

fn form(
    token: &str,
    info: &ActivationInfo,
    first: &str,
    last: &str,
    error: Option<&str>,
) -> String {
    let error = alert(error);
    let intro = if info.signup {
        format!(
            "Your own Roster account for <strong>{}</strong> is one step away. Choose your name and a password.",
            escape(info.email.as_str())
        )
    } else {
        format!(
            "{} invited <strong>{}</strong> to Roster. Choose your name and a password.",
            escape(&info.account_name),
            escape(info.email.as_str())
        )
    };
    page(
        "Activate your account",
        &format!(
            "<p>{}</p>{error}\
             <form method=\"post\" action=\"/activate\">\
             <input type=\"hidden\" name=\"token\" value=\"{}\">\
             <label for=\"first_name\">First name</label><input id=\"first_name\" name=\"first_name\" value=\"{}\" required maxlength=\"64\">\
             <label for=\"last_name\">Last name</label><input id=\"last_name\" name=\"last_name\" value=\"{}\" required maxlength=\"64\">\
             <label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" required minlength=\"8\" maxlength=\"32\">\
             <label for=\"confirm\">Password again</label><input id=\"confirm\" name=\"confirm\" type=\"password\" required>\
             <p><small>8 to 32 characters, with a letter and a number, upper- and lower-case letters.</small></p>\
             <button type=\"submit\">Activate</button></form>",
            intro,
            escape(token),
            escape(first),
            escape(last),
        ),
    )
}

fn refused(e: &Error) -> Response {
    let status = match e {
        Error::InvitationNotFound => StatusCode::NOT_FOUND,
        Error::InvitationExpired(_) => StatusCode::GONE,
        Error::JoinUnavailable(_) => StatusCode::CONFLICT,
        Error::Internal(detail) => {
            tracing::error!(%detail, "internal error");
            StatusCode::INTERNAL_SERVER_ERROR
        }
        _ => StatusCode::BAD_REQUEST,
    };
    let message = match e {
        Error::Internal(_) => "Something went wrong on our side. Try again in a moment.".to_owned(),
        other => other.to_string(),
    };
    (
        status,
        Html(page(
            "This link cannot be used",
            &format!("<p class=\"error\" role=\"alert\">{}</p>", escape(&message)),
        )),
    )
        .into_response()
}

/// `GET /activate?token=…`
pub async fn show(State(state): State<AppState>, Query(q): Query<TokenQuery>) -> Response {
    let token = q.token.unwrap_or_default();
    match state.service.check_activation(&token).await {
        Ok(info) => Html(form_for(
            &token,
            &info,
            &info.first_name,
            &info.last_name,
            None,
        ))
        .into_response(),
        Err(e) => refused(&e),
    }
}

/// The form again, with what was typed and what was wrong.
async fn again(state: &AppState, token: &str, first: &str, last: &str, message: &str) -> Response {
    match state.service.check_activation(token).await {
        Ok(info) => (
            StatusCode::BAD_REQUEST,
            Html(form_for(token, &info, first, last, Some(message))),
        )
            .into_response(),
        Err(e) => refused(&e),
    }
}

/// `POST /activate` (form).
pub async fn submit(State(state): State<AppState>, Form(f): Form<ActivateForm>) -> Response {
    let token = f.token.unwrap_or_default();
    let first = f.first_name.unwrap_or_default();
    let last = f.last_name.unwrap_or_default();
    let password = f.password.unwrap_or_default();
    if f.join.is_some() {
        return match state.service.accept_join(&token, &password).await {
            Ok(info) => Html(page(
                "Welcome to your organisation",
                &format!(
                    "<p>You ({}) are now a member of <strong>{}</strong>, with your data.</p>",
                    escape(info.email.as_str()),
                    escape(&info.account_name)
                ),
            ))
            .into_response(),
            Err(Error::InvalidInput { message, .. }) => {
                again(&state, &token, &first, &last, &message).await
            }
            Err(e) => refused(&e),
        };
    }
    if f.confirm.as_deref() != Some(password.as_str()) {
        return again(
            &state,
            &token,
            &first,
            &last,
            "The two passwords are not the same.",
        )
        .await;
    }
    match state
        .service
        .accept_invitation(&token, &first, &last, &password)
        .await
    {
        Ok(info) if info.signup => Html(page(
            "Your account is ready",
            &format!(
                "<p>Welcome, {}. Your own Roster account ({}) is active.</p>",
                escape(&info.first_name),
                escape(info.email.as_str())
            ),
        ))
        .into_response(),
        Ok(info) => Html(page(
            "Your account is active",
            &format!(
                "<p>Welcome, {}. You are now a member of <strong>{}</strong> as {}.</p>",
                escape(&info.first_name),
                escape(&info.account_name),
                escape(info.email.as_str())
            ),
        ))
        .into_response(),
        Err(Error::InvalidInput { message, .. }) => {
            again(&state, &token, &first, &last, &message).await
        }
        Err(e) => refused(&e),
    }
}
