//! Roles: the built-in Owner, Admin and Member and the account's custom roles with their
//! member counts; create, edit and delete a custom role (privileges from the service's list,
//! optionally limited to settings groups); a role's members with paging, add by email and
//! remove. The service's rules hold: only the Owner grants or revokes Admin, and a refusal
//! shows as a message next to the members form.

use super::{describe, form_error, FormError, Notice};
use crate::ctx::Ctx;
use crate::errors::{refused, signed_in, signed_in_post};
use crate::form::FormData;
use crate::users::{group_choices, Choice};
use crate::view::{page, see_other, Chrome};
use crate::WebState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use roster_domain::{Privilege, Role};
use roster_service::groups::{Kind, MemberRef};
use roster_service::roles::{RoleInput, RoleView};
use serde::Deserialize;

/// A role's editable fields as the form holds them.
#[derive(Debug, Default, Clone)]
pub struct RoleForm {
    pub name: String,
    pub description: String,
    pub privileges: Vec<String>,
    pub groups: Vec<String>,
}

impl RoleForm {
    fn from_form(form: &FormData) -> Self {
        Self {
            name: form.get("name").to_owned(),
            description: form.get("description").to_owned(),
            privileges: form.all("privileges"),
            groups: form.all("groups"),
        }
    }

    fn from_view(r: &RoleView) -> Self {
        Self {
            name: r.name.clone(),
            description: r.description.clone(),
            privileges: r
                .privileges
                .names()
                .into_iter()
                .map(str::to_owned)
                .collect(),
            groups: r.group_scope.clone().unwrap_or_default(),
        }
    }

    fn input(&self) -> RoleInput {
        RoleInput {
            name: Some(self.name.clone()),
            description: Some(self.description.clone()),
            privileges: Some(self.privileges.clone()),
            group_ids: Some(self.groups.clone()),
        }
    }

    pub fn has_privilege(&self, p: &&str) -> bool {
        self.privileges.iter().any(|x| x == p)
    }

    pub fn in_group(&self, g: &str) -> bool {
        self.groups.iter().any(|x| x == g)
    }
}

pub struct RoleRow {
    pub id: String,
    pub name: String,
    pub description: String,
    pub members: i64,
    pub builtin: bool,
}

/// Every privilege a role may name, as on the wire.
fn privilege_names() -> Vec<&'static str> {
    Privilege::ALL.iter().map(|p| p.name()).collect()
}

/// A role's name as shown: built-in ones in the page's language.
fn role_name(ctx: &Ctx, r: &RoleView) -> String {
    if Role::from_id(&r.id).is_builtin() {
        ctx.t(&format!("role.{}", r.id)).to_owned()
    } else {
        r.name.clone()
    }
}

#[derive(Template)]
#[template(path = "admin_roles.html")]
struct RolesPage {
    c: Chrome,
    rows: Vec<RoleRow>,
    privileges: Vec<&'static str>,
    groups: Vec<Choice>,
    form: RoleForm,
    /// (field, message) of the create form's error.
    error: FormError,
    notices: Vec<Notice>,
}

async fn render_list(
    state: &WebState,
    ctx: &Ctx,
    form: RoleForm,
    error: FormError,
    notices: Vec<Notice>,
) -> Response {
    let s = match signed_in(ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let roles = match state.service.list_roles(&s.principal).await {
        Ok(r) => r,
        Err(e) => return refused(ctx, state, &e),
    };
    let rows = roles
        .iter()
        .map(|r| RoleRow {
            id: r.id.clone(),
            name: role_name(ctx, r),
            description: r.description.clone(),
            members: r.total_members,
            builtin: Role::from_id(&r.id).is_builtin(),
        })
        .collect();
    let status = if !error.is_some() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let p = RolesPage {
        c: Chrome::new(ctx, state, "adm.roles.title", "roles", "/roles"),
        rows,
        privileges: privilege_names(),
        groups: group_choices(state, s, Kind::Settings).await,
        form,
        error,
        notices,
    };
    page(status, &p, &p.c, &[])
}

/// `GET /roles`
pub async fn list(State(state): State<WebState>, ctx: Ctx) -> Response {
    render_list(
        &state,
        &ctx,
        RoleForm::default(),
        Default::default(),
        Vec::new(),
    )
    .await
}

/// `POST /roles`: creates a custom role; an error shows next to its field, nothing stored.
pub async fn create(State(state): State<WebState>, ctx: Ctx, form: FormData) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let f = RoleForm::from_form(&form);
    match state.service.create_role(&s.principal, f.input()).await {
        Ok(r) => see_other(&format!("/roles/{}?created=1", r.id), &[]),
        Err(e) => {
            let err = form_error(ctx.lang, &e);
            render_list(&state, &ctx, f, err, Vec::new()).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct RoleQuery {
    pub after: Option<String>,
    pub created: Option<String>,
}

pub struct MemberRow {
    pub id: String,
    pub email: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "admin_role.html")]
struct RolePage {
    c: Chrome,
    id: String,
    title: String,
    builtin: bool,
    total: i64,
    privileges: Vec<&'static str>,
    groups: Vec<Choice>,
    form: RoleForm,
    error: FormError,
    notices: Vec<Notice>,
    members: Vec<MemberRow>,
    next: String,
    add_email: String,
    member_error: String,
}

/// What the role page shows besides the role itself.
#[derive(Default)]
struct Extra {
    form: Option<RoleForm>,
    error: FormError,
    notices: Vec<Notice>,
    after: Option<String>,
    add_email: String,
    member_error: String,
}

async fn render_role(state: &WebState, ctx: &Ctx, id: &str, x: Extra) -> Response {
    let s = match signed_in(ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let role = match state.service.get_role(&s.principal, id).await {
        Ok(r) => r,
        Err(e) => return not_found_or_refused(state, ctx, &e),
    };
    let after = x.after.filter(|a| !a.is_empty());
    let page_members = state
        .service
        .list_role_members(&s.principal, id, Some(50), after.as_deref())
        .await;
    let members = match page_members {
        Ok(m) => m,
        Err(e) => return refused(ctx, state, &e),
    };
    let failed = x.error.is_some() || !x.member_error.is_empty();
    let p = RolePage {
        c: Chrome::new(
            ctx,
            state,
            "adm.role.title",
            "roles",
            &format!("/roles/{id}"),
        ),
        id: role.id.clone(),
        title: role_name(ctx, &role),
        builtin: Role::from_id(&role.id).is_builtin(),
        total: role.total_members,
        privileges: privilege_names(),
        groups: group_choices(state, s, Kind::Settings).await,
        form: x.form.unwrap_or_else(|| RoleForm::from_view(&role)),
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
            })
            .collect(),
        next: members.next_page_token,
        add_email: x.add_email,
        member_error: x.member_error,
    };
    let status = if failed {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    page(status, &p, &p.c, &[])
}

fn not_found_or_refused(state: &WebState, ctx: &Ctx, e: &roster_service::Error) -> Response {
    match e {
        roster_service::Error::RoleNotFound(_) | roster_service::Error::GroupNotFound(_) => {
            crate::errors::message(
                ctx,
                state,
                StatusCode::NOT_FOUND,
                "err.not_found",
                &describe(ctx.lang, e),
            )
        }
        _ => refused(ctx, state, e),
    }
}

/// `GET /roles/{roleId}`
pub async fn show(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<RoleQuery>,
) -> Response {
    let mut notices = Vec::new();
    if q.created.is_some() {
        notices.push((true, ctx.t("adm.roles.created").to_owned()));
    }
    let x = Extra {
        after: q.after,
        notices,
        ..Extra::default()
    };
    render_role(&state, &ctx, &id, x).await
}

/// `POST /roles/{roleId}`: saves a custom role's name, description, privileges and scope.
pub async fn save(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let f = RoleForm::from_form(&form);
    let x = match state
        .service
        .update_role(&s.principal, &id, f.input())
        .await
    {
        Ok(()) => Extra {
            notices: vec![(true, ctx.t("users.saved").to_owned())],
            ..Extra::default()
        },
        Err(e) => Extra {
            form: Some(f),
            error: form_error(ctx.lang, &e),
            ..Extra::default()
        },
    };
    render_role(&state, &ctx, &id, x).await
}

/// `POST /roles/{roleId}/delete`: deletes a custom role nobody holds.
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
    match state.service.delete_role(&s.principal, &id).await {
        Ok(()) => {
            let n = vec![(true, ctx.t("adm.roles.deleted").to_owned())];
            render_list(&state, &ctx, RoleForm::default(), Default::default(), n).await
        }
        Err(e) => {
            let x = Extra {
                error: FormError {
                    field: "general".to_owned(),
                    message: describe(ctx.lang, &e),
                },
                ..Extra::default()
            };
            render_role(&state, &ctx, &id, x).await
        }
    }
}

/// `POST /roles/{roleId}/members`: gives the role to the users of a comma-separated email
/// list, all or none.
pub async fn add_members(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let raw = form.get("emails");
    let members = member_refs(raw);
    let x = match state.service.assign_role(&s.principal, &id, &members).await {
        Ok(changed) => Extra {
            notices: vec![(
                true,
                format!("{} {}", ctx.t("adm.members.added"), changed.len()),
            )],
            ..Extra::default()
        },
        Err(e) => Extra {
            add_email: raw.to_owned(),
            member_error: describe(ctx.lang, &e),
            ..Extra::default()
        },
    };
    render_role(&state, &ctx, &id, x).await
}

/// The users of a comma-, semicolon- or space-separated email list.
pub fn member_refs(raw: &str) -> Vec<MemberRef> {
    raw.split([',', ';', ' ', '\n', '\r', '\t'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|e| MemberRef {
            id: None,
            email: Some(e.to_owned()),
        })
        .collect()
}

/// `POST /roles/{roleId}/members/{userId}/remove`: the user becomes a Member.
pub async fn remove_member(
    State(state): State<WebState>,
    ctx: Ctx,
    Path((id, user)): Path<(String, String)>,
    form: FormData,
) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let x = match state.service.unassign_role(&s.principal, &id, &user).await {
        Ok(()) => Extra {
            notices: vec![(true, ctx.t("adm.members.removed").to_owned())],
            ..Extra::default()
        },
        Err(e) => Extra {
            member_error: describe(ctx.lang, &e),
            ..Extra::default()
        },
    };
    render_role(&state, &ctx, &id, x).await
}
