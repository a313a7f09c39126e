//! `/setup`: on an empty database, the one-time link `roster serve` prints leads here; the form
//! creates the first account and its Owner and signs the Owner in.

use crate::auth::session_cookie;
use crate::ctx::Ctx;
use crate::errors::{check_csrf, describe, field, internal, message};
use crate::form::FormData;
use crate::view::{page, see_other, Chrome};
use crate::WebState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use roster_service::NewAccount;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct SetupQuery {
    pub token: Option<String>,
}

#[derive(Template)]
#[template(path = "setup.html")]
struct Setup {
    c: Chrome,
    token: String,
    name: String,
    email: String,
    plan: String,
    seats: String,
    /// The field an error concerns (`name`, `owner_email`, `owner_password`) and its message.
    error_field: &'static str,
    error: String,
}

fn invalid_link(ctx: &Ctx, state: &WebState) -> Response {
    message(
        ctx,
        state,
        StatusCode::NOT_FOUND,
        "setup.title",
        ctx.t("setup.invalid"),
    )
}

/// `GET /setup?token=…`
pub async fn show(
    State(state): State<WebState>,
    ctx: Ctx,
    Query(q): Query<SetupQuery>,
) -> Response {
    let token = q.token.unwrap_or_default();
    match state.service.portal_setup_open(&token).await {
        Ok(true) => {}
        Ok(false) => return invalid_link(&ctx, &state),
        Err(e) => return internal(ctx.lang, &e),
    }
    let p = Setup {
        c: Chrome::new(&ctx, &state, "setup.title", "", "/setup"),
        token,
        name: String::new(),
        email: String::new(),
        plan: "business".to_owned(),
        seats: "10".to_owned(),
        error_field: "",
        error: String::new(),
    };
    page(StatusCode::OK, &p, &p.c, &[])
}

/// `POST /setup`: creates the account and its Owner, then signs the Owner in.
pub async fn submit(State(state): State<WebState>, ctx: Ctx, form: FormData) -> Response {
    if let Err(r) = check_csrf(&ctx, &state, &form) {
        return r;
    }
    let token = form.get("token").to_owned();
    let input = NewAccount {
        name: form.get("name").to_owned(),
        owner_email: form.get("email").to_owned(),
        owner_password: Some(form.get("password").to_owned()),
        plan: Some(form.get("plan").to_owned()),
        licensed_seats: match form.get("seats") {
            "" => 0,
            n => n.parse().unwrap_or(u32::MAX),
        },
        language: Some(ctx.lang.default_tag().to_owned()),
        ..NewAccount::default()
    };
    match state.service.portal_complete_setup(&token, input).await {
        Ok(_) => {}
        Err(roster_service::Error::InvalidInput { field: "token", .. }) => {
            return invalid_link(&ctx, &state)
        }
        Err(roster_service::Error::Internal(e)) => {
            return internal(ctx.lang, &roster_service::Error::Internal(e))
        }
        Err(e) => {
            let p = Setup {
                c: Chrome::new(&ctx, &state, "setup.title", "", "/setup"),
                token,
                name: form.get("name").to_owned(),
                email: form.get("email").to_owned(),
                plan: form.get("plan").to_owned(),
                seats: form.get("seats").to_owned(),
                error_field: field(&e).unwrap_or("name"),
                error: describe(ctx.lang, &e),
            };
            return page(StatusCode::BAD_REQUEST, &p, &p.c, &[]);
        }
    }
    match state
        .service
        .portal_sign_in(form.get("email"), form.get("password"), &ctx.address)
        .await
    {
        Ok(s) => see_other("/users", &[session_cookie(&state, s.id.expose())]),
        Err(_) => see_other("/signin", &[]),
    }
}
