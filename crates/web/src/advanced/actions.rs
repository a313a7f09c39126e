//! The Advanced tab's account-wide actions on users: type change and unlink (each first shows
//! a confirm page with how many users it concerns), defaults for new users, group and chat-group
//! switches, and custom attribute definitions.

use super::{render, Note};
use crate::ctx::Ctx;
use crate::errors::{refused, signed_in_post};
use crate::form::FormData;
use crate::view::{page, Chrome};
use crate::WebState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use roster_service::admin::{Admin, ChatSwitch, GroupSwitch, NewAttribute};
use roster_service::portal::Session;

#[derive(Template)]
#[template(path = "advanced_confirm.html")]
struct Confirm {
    c: Chrome,
    action: &'static str,
    /// The hidden fields to post again: (name, value).
    fields: Vec<(&'static str, String)>,
    question: String,
    /// A caution under the question (who is never affected).
    caution: &'static str,
    button: &'static str,
}

/// A type code from a form field (0 when missing or not a number: the service refuses it).
fn code(form: &FormData, key: &str) -> i64 {
    form.get(key).parse().unwrap_or(0)
}

/// Users of `code` now, for the confirm page.
async fn users_of(state: &WebState, s: &Session, code: i64) -> Result<i64, roster_service::Error> {
    let summary = state.service.user_summary(Admin::me(&s.principal)).await?;
    Ok(summary
        .by_type
        .iter()
        .find(|(t, _)| t.code() == code)
        .map_or(0, |(_, n)| *n))
}

/// `POST /users/advanced/type`: from, to; without `confirm=yes` it asks first.
pub async fn change_type(State(state): State<WebState>, ctx: Ctx, form: FormData) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let (from, to) = (code(&form, "from"), code(&form, "to"));
    // A change the service refuses anyway (the same type twice) is not asked about first.
    if form.get("confirm") != "yes" && from != to {
        let n = match users_of(&state, s, from).await {
            Ok(n) => n,
            Err(e) => return refused(&ctx, &state, &e),
        };
        let c = Chrome::new(&ctx, &state, "users.title", "users", "/users/advanced");
        let question = format!(
            "{} {} → {}: {n} {}",
            ctx.t("adv.type_confirm"),
            c.type_name(&from),
            c.type_name(&to),
            ctx.t("adv.users")
        );
        let p = Confirm {
            c,
            action: "/users/advanced/type",
            fields: vec![("from", from.to_string()), ("to", to.to_string())],
            question,
            caution: ctx.t("adv.type_caution"),
            button: ctx.t("adv.type_submit"),
        };
        return page(StatusCode::OK, &p, &p.c, &[]);
    }
    let note = match state
        .service
        .change_users_type(Admin::me(&s.principal), from, to)
        .await
    {
        Ok(done) => Note::ok("type", format!("{} {}", ctx.t("adv.changed"), done.changed)),
        Err(e) => Note::error("type", ctx.lang, &e),
    };
    render(&state, &ctx, vec![note]).await
}

/// `POST /users/advanced/unlink`: type; without `confirm=yes` it asks first.
pub async fn unlink(State(state): State<WebState>, ctx: Ctx, form: FormData) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let ty = code(&form, "type");
    if form.get("confirm") != "yes" {
        let n = match users_of(&state, s, ty).await {
            Ok(n) => n,
            Err(e) => return refused(&ctx, &state, &e),
        };
        let c = Chrome::new(&ctx, &state, "users.title", "users", "/users/advanced");
        let question = format!(
            "{} {}: {n} {}",
            ctx.t("adv.unlink_confirm"),
            c.type_name(&ty),
            ctx.t("adv.users")
        );
        let p = Confirm {
            c,
            action: "/users/advanced/unlink",
            fields: vec![("type", ty.to_string())],
            question,
            caution: ctx.t("adv.unlink_never"),
            button: ctx.t("adv.unlink_submit"),
        };
        return page(StatusCode::OK, &p, &p.c, &[]);
    }
    let note = match state
        .service
        .unlink_users_of_type(Admin::me(&s.principal), ty)
        .await
    {
        Ok(r) => {
            let skipped: i64 = r.skipped.iter().map(|(_, n)| n).sum();
            Note::ok(
                "unlink",
                format!(
                    "{} {}; {} {skipped}",
                    ctx.t("adv.unlinked"),
                    r.unlinked,
                    ctx.t("adv.skipped")
                ),
            )
        }
        Err(e) => Note::error("unlink", ctx.lang, &e),
    };
    render(&state, &ctx, vec![note]).await
}

/// `POST /users/advanced/defaults`: group, chat_group (empty: none).
pub async fn defaults(State(state): State<WebState>, ctx: Ctx, form: FormData) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let note = match state
        .service
        .set_user_defaults(
            Admin::me(&s.principal),
            Some(form.get("group")),
            Some(form.get("chat_group")),
        )
        .await
    {
        Ok(_) => Note::ok("defaults", ctx.t("adv.saved").to_owned()),
        Err(e) => Note::error("defaults", ctx.lang, &e),
    };
    render(&state, &ctx, vec![note]).await
}

/// `POST /users/advanced/switch-group`: from (empty: users in no group), to.
pub async fn switch_group(State(state): State<WebState>, ctx: Ctx, form: FormData) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let switch = GroupSwitch {
        from: form.opt("from"),
        to: form.get("to").to_owned(),
    };
    let note = match state
        .service
        .switch_users_group(Admin::me(&s.principal), switch)
        .await
    {
        Ok(n) => Note::ok("switch", format!("{} {n}", ctx.t("adv.moved"))),
        Err(e) => Note::error("switch", ctx.lang, &e),
    };
    render(&state, &ctx, vec![note]).await
}

/// `POST /users/advanced/switch-chat`: from (empty: users in no chat group), to, leave.
pub async fn switch_chat(State(state): State<WebState>, ctx: Ctx, form: FormData) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let switch = ChatSwitch {
        from: form.opt("from"),
        to: form.get("to").to_owned(),
        leave: form.get("leave") == "yes",
    };
    let note = match state
        .service
        .switch_users_chat_group(Admin::me(&s.principal), switch)
        .await
    {
        Ok((joined, left)) => Note::ok(
            "switch_chat",
            format!(
                "{} {joined}; {} {left}",
                ctx.t("adv.joined"),
                ctx.t("adv.left")
            ),
        ),
        Err(e) => Note::error("switch_chat", ctx.lang, &e),
    };
    render(&state, &ctx, vec![note]).await
}

/// Allowed values, one per line or comma-separated.
fn allowed(form: &FormData) -> Vec<String> {
    form.get("allowed")
        .split([',', '\n'])
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `POST /users/advanced/attributes`: name, kind, allowed.
pub async fn attribute_add(State(state): State<WebState>, ctx: Ctx, form: FormData) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let input = NewAttribute {
        name: form.get("name").to_owned(),
        kind: form.get("kind").to_owned(),
        allowed_values: allowed(&form),
    };
    let note = match state
        .service
        .create_custom_attribute(Admin::me(&s.principal), input)
        .await
    {
        Ok(_) => Note::ok("attributes", ctx.t("adv.saved").to_owned()),
        Err(e) => Note::error("attributes", ctx.lang, &e),
    };
    render(&state, &ctx, vec![note]).await
}

/// `POST /users/advanced/attributes/{key}`: name, allowed.
pub async fn attribute_edit(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(key): Path<String>,
    form: FormData,
) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let values = allowed(&form);
    let note = match state
        .service
        .update_custom_attribute(
            Admin::me(&s.principal),
            &key,
            Some(form.get("name")),
            Some(&values),
        )
        .await
    {
        Ok(_) => Note::ok("attributes", ctx.t("adv.saved").to_owned()),
        Err(e) => Note::error("attributes", ctx.lang, &e),
    };
    render(&state, &ctx, vec![note]).await
}

/// `POST /users/advanced/attributes/{key}/delete`
pub async fn attribute_delete(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(key): Path<String>,
    form: FormData,
) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let note = match state
        .service
        .delete_custom_attribute(Admin::me(&s.principal), &key)
        .await
    {
        Ok(n) => Note::ok("attributes", format!("{} {n}", ctx.t("adv.attr_deleted"))),
        Err(e) => Note::error("attributes", ctx.lang, &e),
    };
    render(&state, &ctx, vec![note]).await
}
