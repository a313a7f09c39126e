//! Groups (first cut): the account's settings groups and chat groups with their member counts,
//! and a form to create one. Renaming, deleting and members come with the full Groups page.

use crate::ctx::Ctx;
use crate::errors::{check_csrf, describe, refused, signed_in};
use crate::form::FormData;
use crate::view::{page, Chrome};
use crate::WebState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use roster_service::groups::Kind;

#[derive(Template)]
#[template(path = "groups.html")]
struct GroupsPage {
    c: Chrome,
    /// (name, kind label, members)
    groups: Vec<(String, &'static str, i64)>,
    name: String,
    error: String,
    created: bool,
}

async fn render(
    state: &WebState,
    ctx: &Ctx,
    name: String,
    error: String,
    created: bool,
) -> Response {
    let s = match signed_in(ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let mut groups = Vec::new();
    for (kind, label) in [
        (Kind::Settings, "groups.settings"),
        (Kind::Chat, "groups.chat"),
    ] {
        match state.service.list_groups(&s.principal, kind).await {
            Ok(gs) => groups.extend(
                gs.into_iter()
                    .map(|g| (g.name, ctx.t(label), g.total_members)),
            ),
            Err(e) => return refused(ctx, state, &e),
        }
    }
    let p = GroupsPage {
        c: Chrome::new(ctx, state, "groups.title", "groups", "/groups"),
        groups,
        name,
        error,
        created,
    };
    let status = if p.error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    page(status, &p, &p.c, &[])
}

/// `GET /groups`
pub async fn list(State(state): State<WebState>, ctx: Ctx) -> Response {
    render(&state, &ctx, String::new(), String::new(), false).await
}

/// `POST /groups`: creates a settings group (`kind` = `settings`) or a chat group (`chat`).
pub async fn create(State(state): State<WebState>, ctx: Ctx, form: FormData) -> Response {
    if let Err(r) = check_csrf(&ctx, &state, &form) {
        return r;
    }
    let s = match signed_in(&ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let kind = if form.get("kind") == "chat" {
        Kind::Chat
    } else {
        Kind::Settings
    };
    let name = form.get("name").to_owned();
    match state
        .service
        .create_group(&s.principal, kind, Some(&name))
        .await
    {
        Ok(_) => render(&state, &ctx, String::new(), String::new(), true).await,
        Err(e) => {
            let error = describe(ctx.lang, &e);
            render(&state, &ctx, name, error, false).await
        }
    }
}
