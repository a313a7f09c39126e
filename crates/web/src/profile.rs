//! My profile: where members land. Name, time zone (dates in the portal follow it) and
//! language (the portal follows it unless the switcher chose another).

use crate::ctx::Ctx;
use crate::errors::{describe, field, signed_in, signed_in_post};
use crate::form::FormData;
use crate::view::{page, Chrome};
use crate::WebState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use roster_service::UserPatch;

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    c: Chrome,
    email: String,
    type_code: i64,
    role: String,
    first_name: String,
    last_name: String,
    timezone: String,
    language: String,
    error_field: &'static str,
    error: String,
    saved: bool,
}

fn render(
    ctx: &Ctx,
    state: &WebState,
    error: Option<roster_service::Error>,
    saved: bool,
) -> Response {
    let s = match signed_in(ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let u = &s.user;
    let (error_field, error) = match &error {
        Some(e) => (field(e).unwrap_or("form"), describe(ctx.lang, e)),
        None => ("", String::new()),
    };
    let p = ProfilePage {
        c: Chrome::new(ctx, state, "profile.title", "profile", "/profile"),
        email: u.email.to_string(),
        type_code: u.user_type.code(),
        role: ctx.t(&format!("role.{}", u.role.id())).to_owned(),
        first_name: u.first_name.clone(),
        last_name: u.last_name.clone(),
        timezone: u.timezone.clone(),
        language: u.language.clone(),
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

/// `GET /profile`
pub async fn show(State(state): State<WebState>, ctx: Ctx) -> Response {
    render(&ctx, &state, None, false)
}

/// `POST /profile`
pub async fn save(State(state): State<WebState>, mut ctx: Ctx, form: FormData) -> Response {
    let principal = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s.principal.clone(),
        Err(r) => return r,
    };
    let patch = UserPatch {
        first_name: Some(form.get("first_name").to_owned()),
        last_name: Some(form.get("last_name").to_owned()),
        timezone: Some(form.get("timezone").to_owned()),
        language: form.opt("language"),
        ..UserPatch::default()
    };
    if let Err(e) = state.service.update_user(&principal, "me", patch).await {
        return render(&ctx, &state, Some(e), false);
    }
    // Show what was stored.
    if let Some(id) = ctx.session_id.clone() {
        if let Ok(Some(s)) = state.service.portal_session(&id).await {
            ctx.session = Some(s);
        }
    }
    render(&ctx, &state, None, true)
}
