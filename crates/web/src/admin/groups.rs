//! Groups: the account's settings groups (whose settings apply to their members) and chat
//! groups, each listed with its member count; create, rename, delete; a group's members with
//! paging, add members by email (all or none) and remove one.

use super::roles::member_refs;
use super::{describe, form_error, FormError, Notice};
use crate::ctx::Ctx;
use crate::errors::{message, refused, signed_in, signed_in_post};
use crate::form::FormData;
use crate::view::{page, see_other, Chrome};
use crate::WebState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use roster_service::groups::Kind;
use roster_service::Error;
use serde::Deserialize;

/// A group kind as the portal's URLs name it.
fn kind_of(raw: &str) -> Option<Kind> {
    match raw {
        "" | "settings" => Some(Kind::Settings),
        "chat" => Some(Kind::Chat),
        _ => None,
    }
}

fn slug(kind: Kind) -> &'static str {
    match kind {
        Kind::Settings => "settings",
        Kind::Chat => "chat",
    }
}

fn unknown_kind(state: &WebState, ctx: &Ctx) -> Response {
    message(
        ctx,
        state,
        StatusCode::NOT_FOUND,
        "err.not_found",
        ctx.t("err.not_found"),
    )
}

pub struct GroupRow {
    pub id: String,
    pub name: String,
    pub members: i64,
}

#[derive(Template)]
#[template(path = "admin_groups.html")]
struct GroupsPage {
    c: Chrome,
    kind: &'static str,
    rows: Vec<GroupRow>,
    name: String,
    error: FormError,
    notices: Vec<Notice>,
}

async fn render_list(
    state: &WebState,
    ctx: &Ctx,
    kind: Kind,
    name: String,
    error: FormError,
    notices: Vec<Notice>,
) -> Response {
    let s = match signed_in(ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let groups = match state.service.list_groups(&s.principal, kind).await {
        Ok(g) => g,
        Err(e) => return refused(ctx, state, &e),
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let here = format!("/groups?kind={}", slug(kind));
    let p = GroupsPage {
        c: Chrome::new(ctx, state, "adm.groups.title", "groups", &here),
        kind: slug(kind),
        rows: groups
            .into_iter()
            .map(|g| GroupRow {
                id: g.id,
                name: g.name,
                members: g.total_members,
            })
            .collect(),
        name,
        error,
        notices,
    };
    page(status, &p, &p.c, &[])
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub kind: Option<String>,
}

/// `GET /groups?kind=settings|chat`
pub async fn list(State(state): State<WebState>, ctx: Ctx, Query(q): Query<ListQuery>) -> Response {
    let Some(kind) = kind_of(q.kind.as_deref().unwrap_or_default()) else {
        return unknown_kind(&state, &ctx);
    };
    render_list(
        &state,
        &ctx,
        kind,
        String::new(),
        FormError::default(),
        Vec::new(),
    )
    .await
}

/// `POST /groups`: creates a group of the form's `kind`.
pub async fn create(State(state): State<WebState>, ctx: Ctx, form: FormData) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Some(kind) = kind_of(form.get("kind")) else {
        return unknown_kind(&state, &ctx);
    };
    let name = form.get("name").to_owned();
    match state
        .service
        .create_group(&s.principal, kind, Some(&name))
        .await
    {
        Ok(g) => see_other(&format!("/groups/{}/{}?created=1", slug(kind), g.id), &[]),
        Err(e) => {
            let err = form_error(ctx.lang, &e);
            render_list(&state, &ctx, kind, name, err, Vec::new()).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct GroupQuery {
    pub after: Option<String>,
    pub created: Option<String>,
}

pub struct MemberRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub type_code: i64,
}

#[derive(Template)]
#[template(path = "admin_group.html")]
struct GroupPage {
    c: Chrome,
    kind: &'static str,
    id: String,
    name: String,
    total: i64,
    error: FormError,
    notices: Vec<Notice>,
    members: Vec<MemberRow>,
    next: String,
    add_email: String,
    member_error: String,
}

#[derive(Default)]
struct Extra {
    name: Option<String>,
    error: FormError,
    notices: Vec<Notice>,
    after: Option<String>,
    add_email: String,
    member_error: String,
}

async fn render_group(state: &WebState, ctx: &Ctx, kind: Kind, id: &str, x: Extra) -> Response {
    let s = match signed_in(ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let g = match state.service.get_group(&s.principal, kind, id).await {
        Ok(g) => g,
        Err(Error::GroupNotFound(_)) => return unknown_kind(state, ctx),
        Err(e) => return refused(ctx, state, &e),
    };
    let after = x.after.filter(|a| !a.is_empty());
    let members = match state
        .service
        .list_group_members(&s.principal, kind, id, Some(50), after.as_deref())
        .await
    {
        Ok(m) => m,
        Err(e) => return refused(ctx, state, &e),
    };
    let status = if x.error.is_some() || !x.member_error.is_empty() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let here = format!("/groups/{}/{id}", slug(kind));
    let p = GroupPage {
        c: Chrome::new(ctx, state, "adm.group.title", "groups", &here),
        kind: slug(kind),
        id: g.id,
        name: x.name.unwrap_or(g.name),
        total: g.total_members,
        error: x.error,
        notices: x.notices,
        members: members
            .members
            .into_iter()
            .map(|m| MemberRow {
                name: format!("{} {}", m.first_name, m.last_name)
                    .trim()
                    .to_owned(),
                id: m.id,
                email: m.email,
                type_code: m.user_type,
            })
            .collect(),
        next: members.next_page_token,
        add_email: x.add_email,
        member_error: x.member_error,
    };
    page(status, &p, &p.c, &[])
}

/// `GET /groups/{kind}/{groupId}`
pub async fn show(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((kind, id)): Path<(String, String)>,
    Query(q): Query<GroupQuery>,
) -> Response {
    let Some(kind) = kind_of(&kind) else {
        return unknown_kind(&state, &ctx);
    };
    let mut notices = Vec::new();
    if q.created.is_some() {
        notices.push((true, ctx.t("adm.groups.created").to_owned()));
    }
    let x = Extra {
        after: q.after,
        notices,
        ..Extra::default()
    };
    render_group(&state, &ctx, kind, &id, x).await
}

/// `POST /groups/{kind}/{groupId}/rename`
pub async fn rename(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((kind, id)): Path<(String, String)>,
    form: FormData,
) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Some(kind) = kind_of(&kind) else {
        return unknown_kind(&state, &ctx);
    };
    let name = form.get("name").to_owned();
    let x = match state
        .service
        .rename_group(&s.principal, kind, &id, Some(&name))
        .await
    {
        Ok(()) => Extra {
            notices: vec![(true, ctx.t("users.saved").to_owned())],
            ..Extra::default()
        },
        Err(e) => Extra {
            name: Some(name),
            error: form_error(ctx.lang, &e),
            ..Extra::default()
        },
    };
    render_group(&state, &ctx, kind, &id, x).await
}

/// `POST /groups/{kind}/{groupId}/delete`
pub async fn delete(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((kind, id)): Path<(String, String)>,
    form: FormData,
) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Some(kind) = kind_of(&kind) else {
        return unknown_kind(&state, &ctx);
    };
    match state.service.delete_group(&s.principal, kind, &id).await {
        Ok(()) => {
            let n = vec![(true, ctx.t("adm.groups.deleted").to_owned())];
            render_list(&state, &ctx, kind, String::new(), FormError::default(), n).await
        }
        Err(e) => {
            let x = Extra {
                error: FormError {
                    field: "general".to_owned(),
                    message: describe(ctx.lang, &e),
                },
                ..Extra::default()
            };
            render_group(&state, &ctx, kind, &id, x).await
        }
    }
}

/// `POST /groups/{kind}/{groupId}/members`: adds the users of an email list, all or none.
pub async fn add_members(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((kind, id)): Path<(String, String)>,
    form: FormData,
) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Some(kind) = kind_of(&kind) else {
        return unknown_kind(&state, &ctx);
    };
    let raw = form.get("emails");
    let members = member_refs(raw);
    let x = match state
        .service
        .add_group_members(&s.principal, kind, &id, &members)
        .await
    {
        Ok(added) => Extra {
            notices: vec![(
                true,
                format!("{} {}", ctx.t("adm.members.added"), added.len()),
            )],
            ..Extra::default()
        },
        Err(e) => Extra {
            add_email: raw.to_owned(),
            member_error: describe(ctx.lang, &e),
            ..Extra::default()
        },
    };
    render_group(&state, &ctx, kind, &id, x).await
}

/// `POST /groups/{kind}/{groupId}/members/{userId}/remove`
pub async fn remove_member(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((kind, id, user)): Path<(String, String, String)>,
    form: FormData,
) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Some(kind) = kind_of(&kind) else {
        return unknown_kind(&state, &ctx);
    };
    let x = match state
        .service
        .remove_group_member(&s.principal, kind, &id, &user)
        .await
    {
        Ok(()) => Extra {
            notices: vec![(true, ctx.t("adm.members.removed").to_owned())],
            ..Extra::default()
        },
        Err(e) => Extra {
            member_error: describe(ctx.lang, &e),
            ..Extra::default()
        },
    };
    render_group(&state, &ctx, kind, &id, x).await
}
