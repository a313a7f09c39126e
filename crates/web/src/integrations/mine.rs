//! A user's own connected apps (members and admins alike): each app with how it reaches them
//! (their personal connection, or the account install) and the scopes granted; they can
//! disconnect a personal connection (an account install is the admins' to remove).

use super::describe;
use crate::ctx::Ctx;
use crate::errors::{refused, signed_in, signed_in_post};
use crate::form::FormData;
use crate::i18n;
use crate::view::{page, Chrome};
use crate::WebState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use roster_domain::oauth_grant::describe_scope;
use roster_service::installs::Connection;
use time::OffsetDateTime;

pub struct Row {
    pub id: String,
    pub name: String,
    pub personal: bool,
    pub scopes: Vec<String>,
    pub since: OffsetDateTime,
}

#[derive(Template)]
#[template(path = "integrations_mine.html")]
struct MinePage {
    c: Chrome,
    rows: Vec<Row>,
    notices: Vec<(bool, String)>,
}

async fn render(ctx: &Ctx, state: &WebState, notices: Vec<(bool, String)>) -> Response {
    let s = match signed_in(ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let apps = match state.service.user_apps(&s.principal, "me").await {
        Ok(a) => a,
        Err(e) => return refused(ctx, state, &e),
    };
    let failed = notices.iter().any(|(ok, _)| !ok);
    let p = MinePage {
        c: Chrome::new(
            ctx,
            state,
            "int.mine_title",
            "integrations",
            "/integrations/mine",
        ),
        rows: apps
            .into_iter()
            .map(|a| Row {
                id: a.app.id,
                name: a.app.name,
                personal: a.connection == Connection::Personal,
                scopes: a
                    .scopes
                    .split_whitespace()
                    .map(|s| {
                        describe_scope(s)
                            .map(|_| i18n::scope_words(ctx.lang, s))
                            .unwrap_or_else(|| s.to_owned())
                    })
                    .collect(),
                since: a.installed_at,
            })
            .collect(),
        notices,
    };
    let code = if failed {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    page(code, &p, &p.c, &[])
}

/// `GET /integrations/mine`
pub async fn list(State(state): State<WebState>, ctx: Ctx) -> Response {
    render(&ctx, &state, Vec::new()).await
}

/// `POST /integrations/mine/{appId}/disconnect`: ends the user's personal connection.
pub async fn disconnect(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let notice = match state
        .service
        .disconnect_personal_install(&s.principal, &id)
        .await
    {
        Ok(()) => (true, ctx.t("int.disconnected").to_owned()),
        Err(e) => (false, describe(ctx.lang, &e)),
    };
    render(&ctx, &state, vec![notice]).await
}
