//! The Advanced tab's managed domains: add one (the page then shows the TXT record to
//! publish), verify it, set its defaults for new users on it (type and group), remove it.

use super::{render, Note};
use crate::ctx::Ctx;
use crate::errors::signed_in_post;
use crate::form::FormData;
use crate::WebState;
use axum::extract::{Path, State};
use axum::response::Response;
use roster_service::domains::{DomainPatch, NewDomain};

/// A default type from a form: empty is none; not a number is 0 (the service refuses it).
fn default_type(form: &FormData) -> Option<i64> {
    form.opt("default_type").map(|t| t.parse().unwrap_or(0))
}

/// `POST /users/advanced/domains`: domain, default_type, default_group.
pub async fn domain_add(State(state): State<WebState>, ctx: Ctx, form: FormData) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let input = NewDomain {
        domain: form.get("domain").to_owned(),
        default_type: default_type(&form),
        default_group_id: form.opt("default_group"),
    };
    let note = match state.service.add_domain(&s.principal, "me", input).await {
        Ok(d) => Note::ok(
            "domains",
            format!("{} {}", ctx.t("adv.domain_added"), d.record),
        ),
        Err(e) => Note::error("domains", ctx.lang, &e),
    };
    render(&state, &ctx, vec![note]).await
}

/// `POST /users/advanced/domains/{domain}/verify`
pub async fn domain_verify(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(domain): Path<String>,
    form: FormData,
) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let note = match state
        .service
        .verify_domain(&s.principal, "me", &domain)
        .await
    {
        Ok(_) => Note::ok(
            "domains",
            format!("{} {domain}", ctx.t("adv.domain_verified")),
        ),
        Err(e) => Note::error("domains", ctx.lang, &e),
    };
    render(&state, &ctx, vec![note]).await
}

/// `POST /users/advanced/domains/{domain}`: default_type, default_group (empty: none).
pub async fn domain_update(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(domain): Path<String>,
    form: FormData,
) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let patch = DomainPatch {
        default_type: Some(default_type(&form)),
        default_group_id: Some(form.opt("default_group")),
    };
    let note = match state
        .service
        .update_domain(&s.principal, "me", &domain, patch)
        .await
    {
        Ok(_) => Note::ok("domains", ctx.t("adv.saved").to_owned()),
        Err(e) => Note::error("domains", ctx.lang, &e),
    };
    render(&state, &ctx, vec![note]).await
}

/// `POST /users/advanced/domains/{domain}/remove`
pub async fn domain_remove(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(domain): Path<String>,
    form: FormData,
) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let note = match state
        .service
        .remove_domain(&s.principal, "me", &domain)
        .await
    {
        Ok(()) => Note::ok(
            "domains",
            format!("{} {domain}", ctx.t("adv.domain_removed")),
        ),
        Err(e) => Note::error("domains", ctx.lang, &e),
    };
    render(&state, &ctx, vec![note]).await
}
