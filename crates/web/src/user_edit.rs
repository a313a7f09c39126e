//! One user's edit form (User management): type, role (for the Owner), profile fields and
//! group; deactivate and reactivate. Errors show next to the field they concern.

use crate::ctx::Ctx;
use crate::errors::{check_csrf, describe, field, refused, signed_in};
use crate::form::FormData;
use crate::users::{group_choices, Choice};
use crate::view::{page, see_other, Chrome};
use crate::WebState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use roster_domain::Role;
use roster_service::groups::Kind;
use roster_service::users::BulkChange;
use roster_service::{UserPatch, UserView};

#[derive(Template)]
#[template(path = "user_edit.html")]
struct EditPage {
    c: Chrome,
    id: String,
    email: String,
    active: bool,
    type_code: i64,
    role_id: String,
    /// Only the Owner changes roles here.
    may_change_role: bool,
    first_name: String,
    last_name: String,
    dept: String,
    job_title: String,
    location: String,
    manager: String,
    group_id: String,
    groups: Vec<Choice>,
    error_field: &'static str,
    error: String,
    saved: bool,
}

async fn render(
    state: &WebState,
    ctx: &Ctx,
    id: &str,
    error: Option<roster_service::Error>,
    saved: bool,
) -> Response {
    let s = match signed_in(ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let v: UserView = match state.service.get_user(&s.principal, id).await {
        Ok(v) => v,
        Err(e) => return refused(ctx, state, &e),
    };
    let u = v.user;
    let (error_field, error) = match &error {
        Some(e) => (field(e).unwrap_or("form"), describe(ctx.lang, e)),
        None => ("", String::new()),
    };
    let p = EditPage {
        c: Chrome::new(
            ctx,
            state,
            "users.edit",
            "users",
            &format!("/users/edit/{id}"),
        ),
        id: u.id.to_string(),
        email: u.email.to_string(),
        active: u.status == roster_domain::UserStatus::Active,
        type_code: u.user_type.code(),
        role_id: u.role.id().to_owned(),
        may_change_role: s.principal.acts_as == Role::Owner && u.role != Role::Owner,
        first_name: u.first_name,
        last_name: u.last_name,
        dept: u.dept,
        job_title: u.job_title,
        location: u.location,
        manager: u.manager,
        group_id: u.group_id.unwrap_or_default(),
        groups: group_choices(state, s, Kind::Settings).await,
        error_field,
        error,
        saved,
    };
    let status = if p.error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    page(status, &p, &p.c, &[])
}

/// `GET /users/edit/{userId}`
pub async fn show(State(state): State<WebState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    render(&state, &ctx, &id, None, false).await
}

/// `POST /users/edit/{userId}`: saves what changed.
pub async fn save(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> Response {
    if let Err(r) = check_csrf(&ctx, &state, &form) {
        return r;
    }
    let s = match signed_in(&ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let patch = UserPatch {
        first_name: Some(form.get("first_name").to_owned()),
        last_name: Some(form.get("last_name").to_owned()),
        user_type: form.get("type").parse().ok(),
        dept: Some(form.get("department").to_owned()),
        job_title: Some(form.get("job_title").to_owned()),
        location: Some(form.get("location").to_owned()),
        manager: Some(form.get("manager").to_owned()),
        group_id: Some(form.get("group").to_owned()),
        ..UserPatch::default()
    };
    if let Err(e) = state.service.update_user(&s.principal, &id, patch).await {
        return render(&state, &ctx, &id, Some(e), false).await;
    }
    if let Some(role) = form.opt("role") {
        let change = BulkChange {
            role_id: Some(role),
            ..BulkChange::default()
        };
        let outcome = state
            .service
            .bulk_update(&s.principal, std::slice::from_ref(&id), change)
            .await;
        let failed = match outcome {
            Ok(r) => r.outcomes.into_iter().find_map(|o| o.result.err()),
            Err(e) => Some(e),
        };
        if let Some(e) = failed {
            return render(&state, &ctx, &id, Some(e), false).await;
        }
    }
    render(&state, &ctx, &id, None, true).await
}

/// `POST /users/edit/{userId}/status`: `action` = `activate` or `deactivate`.
pub async fn status(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> Response {
    if let Err(r) = check_csrf(&ctx, &state, &form) {
        return r;
    }
    let s = match signed_in(&ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    match state
        .service
        .set_user_status(&s.principal, &id, Some(form.get("action")))
        .await
    {
        Ok(()) => see_other(&format!("/users/edit/{id}"), &[]),
        Err(e) => render(&state, &ctx, &id, Some(e), false).await,
    }
}
