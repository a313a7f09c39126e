//! External contacts: the people outside the account that its users keep as contacts, per
//! user, with the number of the account's channels they share; removing one takes it out of
//! every user's contacts and every channel at once (messages stay, see the README's
//! "External contacts").

use super::{describe, Notice};
use crate::ctx::Ctx;
use crate::errors::{refused, signed_in, signed_in_post};
use crate::form::FormData;
use crate::view::{page, Chrome};
use crate::WebState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use roster_service::chat::ExternalQuery;
use serde::Deserialize;
use time::OffsetDateTime;

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    pub user: Option<String>,
    pub after: Option<String>,
}

pub struct Row {
    pub user_email: String,
    pub email: String,
    pub name: String,
    pub shared: i64,
    pub added: OffsetDateTime,
}

#[derive(Template)]
#[template(path = "admin_external.html")]
struct ExternalPage {
    c: Chrome,
    user: String,
    rows: Vec<Row>,
    total: i64,
    next: String,
    notices: Vec<Notice>,
    /// The user filter's error.
    user_error: String,
}

async fn render(
    state: &WebState,
    ctx: &Ctx,
    q: PageQuery,
    notices: Vec<Notice>,
    failed: bool,
) -> Response {
    let s = match signed_in(ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let user = q.user.unwrap_or_default().trim().to_owned();
    let query = ExternalQuery {
        user: Some(user.clone()).filter(|u| !u.is_empty()),
        page_size: Some(50),
        next_page_token: q.after.filter(|a| !a.is_empty()),
    };
    let (list, user_error) = match state
        .service
        .list_external_contacts(&s.principal, &query)
        .await
    {
        Ok(l) => (l, String::new()),
        Err(e @ roster_service::Error::UserNotFound(_)) => {
            // An unknown user in the filter: say so next to it and show everyone's.
            let all = ExternalQuery {
                page_size: Some(50),
                ..ExternalQuery::default()
            };
            match state
                .service
                .list_external_contacts(&s.principal, &all)
                .await
            {
                Ok(l) => (l, describe(ctx.lang, &e)),
                Err(e) => return refused(ctx, state, &e),
            }
        }
        Err(e) => return refused(ctx, state, &e),
    };
    let status = if failed || !user_error.is_empty() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let p = ExternalPage {
        c: Chrome::new(
            ctx,
            state,
            "adm.ext.title",
            "external",
            "/external-contacts",
        ),
        user,
        rows: list
            .contacts
            .into_iter()
            .map(|c| Row {
                name: format!("{} {}", c.first_name, c.last_name)
                    .trim()
                    .to_owned(),
                user_email: c.user_email,
                email: c.email,
                shared: c.shared_channels,
                added: c.created_at,
            })
            .collect(),
        total: list.total_records,
        next: list.next_page_token,
        notices,
        user_error,
    };
    page(status, &p, &p.c, &[])
}

/// `GET /external-contacts?user=&after=`
pub async fn list(State(state): State<WebState>, ctx: Ctx, Query(q): Query<PageQuery>) -> Response {
    render(&state, &ctx, q, Vec::new(), false).await
}

/// `POST /external-contacts/remove`: removes `email` from the whole account.
pub async fn remove(State(state): State<WebState>, ctx: Ctx, form: FormData) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let email = form.get("email");
    let (notice, failed) = match state
        .service
        .remove_external_contact(&s.principal, email)
        .await
    {
        Ok(r) => (
            (
                true,
                format!(
                    "{} {email} ({} / {})",
                    ctx.t("adm.ext.removed"),
                    r.user_ids.len(),
                    r.channel_ids.len()
                ),
            ),
            false,
        ),
        Err(roster_service::Error::NoPrivilege) => {
            return refused(&ctx, &state, &roster_service::Error::NoPrivilege)
        }
        Err(e) => ((false, describe(ctx.lang, &e)), true),
    };
    render(&state, &ctx, PageQuery::default(), vec![notice], failed).await
}
