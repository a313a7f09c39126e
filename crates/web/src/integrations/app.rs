//! One app's page for Owners and Admins: its client id (and, right after registering or
//! rotating, its secret, shown once), redirect URIs and scopes in plain words, the link that
//! installs it for the account through `/oauth/authorize`, who is connected (personally or
//! through the account install) with disconnect, and its webhook subscription.

use super::{describe, kind_key, stop};
use crate::ctx::Ctx;
use crate::errors::{signed_in, signed_in_post};
use crate::form::FormData;
use crate::i18n;
use crate::view::{page, see_other, Chrome};
use crate::WebState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use roster_domain::oauth_grant::describe_scope;
use roster_domain::{AppKind, Secret};
use roster_service::installs::Connection;
use roster_service::{Actor, Error};
use serde::Deserialize;

pub struct UserRow {
    pub id: String,
    pub email: String,
    pub name: String,
    /// `personal`, `account` or `none`.
    pub connection: &'static str,
}

#[derive(Template)]
#[template(path = "integrations_app.html")]
struct AppPage {
    c: Chrome,
    id: String,
    name: String,
    description: String,
    kind: &'static str,
    account_level: bool,
    client_id: String,
    public_client: bool,
    secret: Option<String>,
    redirect_uris: Vec<String>,
    scopes: Vec<(String, String)>,
    /// The authorize URL that installs the app for the account (account apps, confidential).
    install_link: Option<String>,
    users: Vec<UserRow>,
    has_account_install: bool,
    users_next: String,
    webhook_url: Option<String>,
    webhook_events: Vec<String>,
    notices: Vec<(bool, String)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct AppQuery {
    pub users_after: Option<String>,
}

pub(crate) fn install_link(client_id: &str, redirect: &str) -> String {
    let q: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("response_type", "code")
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", redirect)
        .finish();
    format!("/oauth/authorize?{q}")
}

/// The app's page, with `secret` shown once when there is one.
pub async fn render(
    ctx: &Ctx,
    state: &WebState,
    id: &str,
    secret: Option<Secret>,
    notices: Vec<(bool, String)>,
) -> Response {
    render_page(ctx, state, id, None, secret, notices).await
}

async fn render_page(
    ctx: &Ctx,
    state: &WebState,
    id: &str,
    users_after: Option<String>,
    secret: Option<Secret>,
    notices: Vec<(bool, String)>,
) -> Response {
    let s = match signed_in(ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let p = &s.principal;
    let actor = Actor::Principal(p);
    let app = match state.service.get_app(&actor, &p.account_id, id).await {
        Ok(a) => a,
        Err(e) => return stop(ctx, state, &e),
    };
    let (users, users_next) = if app.kind == AppKind::ServerToServer {
        (Vec::new(), String::new())
    } else {
        let after = users_after.filter(|a| !a.is_empty());
        match state
            .service
            .connected_users(&actor, &p.account_id, &app.id, 50, after.as_deref())
            .await
        {
            Ok(page) => (
                page.users
                    .into_iter()
                    .map(|u| UserRow {
                        id: u.id.to_string(),
                        email: u.email,
                        name: format!("{} {}", u.first_name, u.last_name)
                            .trim()
                            .to_owned(),
                        connection: match u.connection {
                            Connection::Personal => "personal",
                            Connection::Account => "account",
                            Connection::None => "none",
                        },
                    })
                    .collect(),
                page.next_page_token,
            ),
            Err(e) => return stop(ctx, state, &e),
        }
    };
    let subscription = state
        .service
        .get_event_subscription(Actor::Principal(p), &app.id)
        .await
        .ok();
    let account_level = app.kind == AppKind::Account;
    let install = (account_level && !app.public_client)
        .then(|| app.redirect_uris.first())
        .flatten()
        .map(|r| install_link(app.client_id.as_str(), r));
    let here = format!("/integrations/apps/{}", app.id);
    let p = AppPage {
        c: Chrome::new(ctx, state, "int.app_title", "integrations", &here),
        id: app.id.clone(),
        name: app.name.clone(),
        description: app.description.clone(),
        kind: ctx.t(kind_key(app.kind)),
        account_level,
        client_id: app.client_id.as_str().to_owned(),
        public_client: app.public_client,
        secret: secret.map(|s| s.expose().to_owned()),
        redirect_uris: app.redirect_uris.clone(),
        scopes: app
            .scopes
            .split_whitespace()
            .map(|s| {
                let words = describe_scope(s).map(|_| i18n::scope_words(ctx.lang, s));
                (s.to_owned(), words.unwrap_or_default())
            })
            .collect(),
        install_link: install,
        has_account_install: users.iter().any(|u| u.connection == "account"),
        users,
        users_next,
        webhook_url: subscription.as_ref().map(|s| s.url.clone()),
        webhook_events: subscription.map(|s| s.events).unwrap_or_default(),
        notices,
    };
    page(StatusCode::OK, &p, &p.c, &[])
}

/// `GET /integrations/apps/{appId}`
pub async fn show(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<AppQuery>,
) -> Response {
    render_page(&ctx, &state, &id, q.users_after, None, Vec::new()).await
}

/// `POST /integrations/apps/{appId}/rotate`: a new client secret, shown once.
pub async fn rotate(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let p = &s.principal;
    match state
        .service
        .rotate_app_secret(&Actor::Principal(p), &p.account_id, &id)
        .await
    {
        Ok((_, secret)) => {
            let n = ctx.t("int.rotated").to_owned();
            render(&ctx, &state, &id, Some(secret), vec![(true, n)]).await
        }
        Err(e) => failed(&ctx, &state, &id, &e).await,
    }
}

/// `POST /integrations/apps/{appId}/delete`: every install is revoked, back to the list.
pub async fn delete(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let p = &s.principal;
    match state
        .service
        .delete_app(&Actor::Principal(p), &p.account_id, &id)
        .await
    {
        Ok(()) => see_other("/integrations", &[]),
        Err(e) => failed(&ctx, &state, &id, &e).await,
    }
}

/// `POST /integrations/apps/{appId}/disconnect`: `user` is a user's id (their personal
/// connection) or `account` (the account install, for everyone).
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
    let p = &s.principal;
    let actor = Actor::Principal(p);
    let result = match form.get("user") {
        "account" => {
            state
                .service
                .disconnect_account_install(&actor, &p.account_id, &id)
                .await
        }
        user => {
            state
                .service
                .disconnect_user_install(&actor, &p.account_id, &id, user)
                .await
        }
    };
    match result {
        Ok(()) => {
            let n = ctx.t("int.disconnected").to_owned();
            render(&ctx, &state, &id, None, vec![(true, n)]).await
        }
        Err(e) => failed(&ctx, &state, &id, &e).await,
    }
}

/// An action on the app failed: its page again with the message, or the stop page when the
/// app itself cannot be shown.
async fn failed(ctx: &Ctx, state: &WebState, id: &str, e: &Error) -> Response {
    match e {
        Error::AppNotFound(_) | Error::NoPrivilege | Error::Internal(_) => stop(ctx, state, e),
        _ => {
            let mut r = render(ctx, state, id, None, vec![(false, describe(ctx.lang, e))]).await;
            if r.status() == StatusCode::OK {
                *r.status_mut() = StatusCode::BAD_REQUEST;
            }
            r
        }
    }
}
