//! `/activate`: the page an invited person reaches from their mail. Server-rendered, no
//! JavaScript: a form for name and password, then a confirmation, or a page that says why the
//! link cannot be used; in the portal's language (its switcher's cookie, else the browser's).

use crate::AppState;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use roster_domain::html::escape;
use roster_domain::language::Language;
use roster_service::activation::ActivationInfo;
use roster_service::joining::JoinInfo;
use roster_service::Error;
use roster_web::describe::describe;
use roster_web::i18n::{fill, of_request, text};
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

/// A small page in `lang`: the activation, sign-up, OAuth and meeting-join pages share it.
pub(crate) fn page_in(lang: Language, title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · Roster</title><style>body{{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}}\
         label{{display:block;margin:.8rem 0 .2rem}}input{{width:100%;padding:.4rem;box-sizing:border-box}}\
         button{{margin-top:1rem;padding:.5rem 1rem}}.error{{color:#a00;border:1px solid #a00;padding:.5rem}}</style></head>\
         <body><main><h1>{}</h1>{body}</main></body></html>",
        lang.code(),
        escape(title),
        escape(title)
    )
}

fn alert(error: Option<&str>) -> String {
    error
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(e)))
        .unwrap_or_default()
}

fn strong(s: &str) -> String {
    format!("<strong>{}</strong>", escape(s))
}

/// The page for someone who already has a standalone account: what moves, and a confirmation
/// with their current password.
fn join_form(
    lang: Language,
    token: &str,
    info: &ActivationInfo,
    join: &JoinInfo,
    error: Option<&str>,
) -> String {
    let t = |k: &str| text(lang, k);
    let error = alert(error);
    let refund = join
        .refund
        .as_ref()
        .map(|r| {
            format!(
                "<li>{}</li>",
                fill(lang, "act.join_refund", &[("amount", &strong(r))])
            )
        })
        .unwrap_or_default();
    let password = if join.needs_password {
        format!(
            "<label for=\"password\">{}</label>\
             <input id=\"password\" name=\"password\" type=\"password\" required autocomplete=\"current-password\">",
            t("act.join_password")
        )
    } else {
        String::new()
    };
    let account = strong(&info.account_name);
    page_in(
        lang,
        t("act.join_title"),
        &format!(
            "<p>{}</p>{error}\
             <ul><li>{}</li><li>{}</li><li>{}</li>{refund}</ul>\
             <form method=\"post\" action=\"/activate\">\
             <input type=\"hidden\" name=\"token\" value=\"{}\"><input type=\"hidden\" name=\"join\" value=\"1\">\
             {password}<button type=\"submit\">{}</button></form>",
            fill(
                lang,
                "act.join_intro",
                &[
                    ("account", &account),
                    ("email", &strong(info.email.as_str())),
                    ("own", &strong(&join.from_account_name)),
                ]
            ),
            t("act.join_data"),
            t("act.join_licences"),
            t("act.join_closed"),
            escape(token),
            fill(lang, "act.join_submit", &[("account", &escape(&info.account_name))]),
        ),
    )
}

/// The form for this link: a new person's name and password, or a join.
fn form_for(
    lang: Language,
    token: &str,
    info: &ActivationInfo,
    first: &str,
    last: &str,
    error: Option<&str>,
) -> String {
    match &info.joining {
        Some(join) => join_form(lang, token, info, join, error),
        None => form(lang, token, info, first, last, error),
    }
}

fn form(
    lang: Language,
    token: &str,
    info: &ActivationInfo,
    first: &str,
    last: &str,
    error: Option<&str>,
) -> String {
    let t = |k: &str| text(lang, k);
    let error = alert(error);
    let email = strong(info.email.as_str());
    let intro = if info.signup {
        fill(lang, "act.intro_signup", &[("email", &email)])
    } else {
        fill(
            lang,
            "act.intro_invited",
            &[("account", &escape(&info.account_name)), ("email", &email)],
        )
    };
    page_in(
        lang,
        t("act.title"),
        &format!(
            "<p>{intro}</p>{error}\
             <form method=\"post\" action=\"/activate\">\
             <input type=\"hidden\" name=\"token\" value=\"{}\">\
             <label for=\"first_name\">{}</label><input id=\"first_name\" name=\"first_name\" value=\"{}\" required maxlength=\"64\" autocomplete=\"given-name\">\
             <label for=\"last_name\">{}</label><input id=\"last_name\" name=\"last_name\" value=\"{}\" required maxlength=\"64\" autocomplete=\"family-name\">\
             <label for=\"password\">{}</label><input id=\"password\" name=\"password\" type=\"password\" required minlength=\"8\" maxlength=\"32\" autocomplete=\"new-password\" aria-describedby=\"password-hint\">\
             <label for=\"confirm\">{}</label><input id=\"confirm\" name=\"confirm\" type=\"password\" required autocomplete=\"new-password\">\
             <p id=\"password-hint\"><small>{}</small></p>\
             <button type=\"submit\">{}</button></form>",
            escape(token),
            t("act.first_name"),
            escape(first),
            t("act.last_name"),
            escape(last),
            t("act.password"),
            t("act.confirm"),
            t("act.password_hint"),
            t("act.submit"),
        ),
    )
}

fn refused(lang: Language, e: &Error) -> Response {
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
    (
        status,
        Html(page_in(
            lang,
            text(lang, "act.refused_title"),
            &format!(
                "<p class=\"error\" role=\"alert\">{}</p>",
                escape(&describe(lang, e))
            ),
        )),
    )
        .into_response()
}

/// `GET /activate?token=…`
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<TokenQuery>,
) -> Response {
    let lang = of_request(&headers, None);
    let token = q.token.unwrap_or_default();
    match state.service.check_activation(&token).await {
        Ok(info) => Html(form_for(
            lang,
            &token,
            &info,
            &info.first_name,
            &info.last_name,
            None,
        ))
        .into_response(),
        Err(e) => refused(lang, &e),
    }
}

/// The form again, with what was typed and what was wrong.
async fn again(
    lang: Language,
    state: &AppState,
    token: &str,
    first: &str,
    last: &str,
    message: &str,
) -> Response {
    match state.service.check_activation(token).await {
        Ok(info) => (
            StatusCode::BAD_REQUEST,
            Html(form_for(lang, token, &info, first, last, Some(message))),
        )
            .into_response(),
        Err(e) => refused(lang, &e),
    }
}

/// `POST /activate` (form).
pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<ActivateForm>,
) -> Response {
    let lang = of_request(&headers, None);
    let t = |k: &str| text(lang, k);
    let token = f.token.unwrap_or_default();
    let first = f.first_name.unwrap_or_default();
    let last = f.last_name.unwrap_or_default();
    let password = f.password.unwrap_or_default();
    if f.join.is_some() {
        return match state.service.accept_join(&token, &password).await {
            Ok(info) => Html(page_in(
                lang,
                t("act.welcome_join_title"),
                &format!(
                    "<p>{}</p>",
                    fill(
                        lang,
                        "act.welcome_join",
                        &[
                            ("email", &escape(info.email.as_str())),
                            ("account", &strong(&info.account_name)),
                        ]
                    )
                ),
            ))
            .into_response(),
            Err(e @ Error::InvalidInput { .. }) => {
                again(lang, &state, &token, &first, &last, &describe(lang, &e)).await
            }
            Err(e) => refused(lang, &e),
        };
    }
    if f.confirm.as_deref() != Some(password.as_str()) {
        return again(lang, &state, &token, &first, &last, t("act.mismatch")).await;
    }
    match state
        .service
        .accept_invitation(&token, &first, &last, &password)
        .await
    {
        Ok(info) if info.signup => Html(page_in(
            lang,
            t("act.ready_title"),
            &format!(
                "<p>{}</p>",
                fill(
                    lang,
                    "act.ready",
                    &[
                        ("name", &escape(&info.first_name)),
                        ("email", &escape(info.email.as_str())),
                    ]
                )
            ),
        ))
        .into_response(),
        Ok(info) => Html(page_in(
            lang,
            t("act.active_title"),
            &format!(
                "<p>{}</p>",
                fill(
                    lang,
                    "act.active",
                    &[
                        ("name", &escape(&info.first_name)),
                        ("account", &strong(&info.account_name)),
                        ("email", &escape(info.email.as_str())),
                    ]
                )
            ),
        ))
        .into_response(),
        Err(e @ Error::InvalidInput { .. }) => {
            again(lang, &state, &token, &first, &last, &describe(lang, &e)).await
        }
        Err(e) => refused(lang, &e),
    }
}
