//! Unlinking and deleting one user, from their edit page. Each first shows a confirm page that
//! says what will happen (a plain form: no script needed); deleting offers to transfer the
//! user's upcoming meetings and recordings to another active user of the account, or to delete
//! them with the user. The outcome shows on the Users tab; a refusal shows on the confirm page,
//! in the service's words (translated), and changes nothing.

use crate::admin::describe;
use crate::ctx::Ctx;
use crate::errors::{refused, signed_in, signed_in_post};
use crate::form::FormData;
use crate::users::{render as users_page, UsersQuery};
use crate::view::{page, Chrome};
use crate::WebState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use roster_domain::Privilege;
use roster_service::portal::Session;
use roster_service::{Error, RemoveAction, Removed, UserView};

#[derive(Template)]
#[template(path = "user_remove.html")]
struct Confirm {
    c: Chrome,
    id: String,
    email: String,
    /// `unlink` or `delete`.
    mode: &'static str,
    /// Deleting: whether to transfer the user's data (else it goes with them).
    transfer: bool,
    transfer_email: String,
    /// `transfer_email`, or `form` for an error about the whole request.
    error_field: &'static str,
    error: String,
}

/// The user to remove, when the caller may remove users at all.
async fn target(state: &WebState, s: &Session, id: &str) -> Result<UserView, Error> {
    roster_service::users::require(&s.principal, Privilege::UserDelete)?;
    state.service.get_user(&s.principal, id).await
}

/// The confirm page for `mode`, with what the form sent and its error, if any.
fn confirm(
    state: &WebState,
    ctx: &Ctx,
    v: &UserView,
    mode: &'static str,
    sent: Option<(&FormData, Error)>,
) -> Response {
    let title = if mode == "unlink" {
        "users.unlink_title"
    } else {
        "users.delete_title"
    };
    let id = v.user.id.to_string();
    let mut p = Confirm {
        c: Chrome::new(
            ctx,
            state,
            title,
            "users",
            &format!("/users/edit/{id}/{mode}"),
        ),
        id,
        email: v.user.email.to_string(),
        mode,
        transfer: true,
        transfer_email: String::new(),
        error_field: "",
        error: String::new(),
    };
    let mut status = StatusCode::OK;
    if let Some((form, e)) = sent {
        p.transfer = form.get("data") != "delete";
        form.get("transfer_email").clone_into(&mut p.transfer_email);
        p.error_field = match &e {
            Error::TransferUserNotFound(_)
            | Error::InvalidInput {
                field: "transfer_email",
                ..
            } => "transfer_email",
            _ => "form",
        };
        p.error = describe(ctx.lang, &e);
        status = StatusCode::BAD_REQUEST;
    }
    page(status, &p, &p.c, &[])
}

/// Shows the confirm page for `mode` (`GET /users/edit/{userId}/unlink` and `…/delete`).
async fn ask(state: &WebState, ctx: &Ctx, id: &str, mode: &'static str) -> Response {
    let s = match signed_in(ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    match target(state, s, id).await {
        Ok(v) => confirm(state, ctx, &v, mode, None),
        Err(e) => refused(ctx, state, &e),
    }
}

/// `GET /users/edit/{userId}/unlink`
pub async fn ask_unlink(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    ask(&state, &ctx, &id, "unlink").await
}

/// `GET /users/edit/{userId}/delete`
pub async fn ask_delete(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    ask(&state, &ctx, &id, "delete").await
}

/// What a removal says on the Users tab.
fn outcome(ctx: &Ctx, email: &str, to: Option<&str>, removed: &Removed) -> String {
    if removed.standalone.is_some() {
        return format!("{} {email}", ctx.t("users.unlinked"));
    }
    let mut text = format!("{} {email}", ctx.t("users.deleted"));
    if let Some(to) = to {
        text.push_str(&format!(
            ". {} {to}: {} {}, {} {}",
            ctx.t("users.moved_to"),
            removed.meetings_moved,
            ctx.t("users.moved_meetings"),
            removed.recordings_moved,
            ctx.t("users.moved_recordings"),
        ));
    }
    text
}

/// Unlinks or deletes as the confirm page for `mode` asked.
async fn remove(
    state: &WebState,
    ctx: &Ctx,
    id: &str,
    mode: &'static str,
    form: &FormData,
) -> Response {
    let s = match signed_in_post(ctx, state, form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let v = match target(state, s, id).await {
        Ok(v) => v,
        Err(e) => return refused(ctx, state, &e),
    };
    let transfer = mode == "delete" && form.get("data") != "delete";
    let to = Some(form.get("transfer_email")).filter(|_| transfer);
    let action = RemoveAction {
        action: Some(
            if mode == "delete" {
                "delete"
            } else {
                "disassociate"
            }
            .to_owned(),
        ),
        // Zoom requires the email to transfer: an empty one is refused by the service.
        transfer_email: to.map(str::to_owned),
        transfer_meeting: transfer,
        transfer_webinar: transfer,
        transfer_recording: transfer,
    };
    match state
        .service
        .remove_user(&s.principal, v.user.id.as_str(), action)
        .await
    {
        Ok(removed) => {
            let email = v.user.email.to_string();
            let notice = (true, outcome(ctx, &email, to, &removed));
            let query = UsersQuery::default();
            users_page(state, ctx, query, vec![notice], Default::default()).await
        }
        Err(e @ (Error::NoPrivilege | Error::UserNotFound(_) | Error::Internal(_))) => {
            refused(ctx, state, &e)
        }
        Err(e) => confirm(state, ctx, &v, mode, Some((form, e))),
    }
}

/// `POST /users/edit/{userId}/unlink`: the user leaves with their data as a standalone free
/// account.
pub async fn unlink(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> Response {
    remove(&state, &ctx, &id, "unlink", &form).await
}

/// `POST /users/edit/{userId}/delete`: `data` = `transfer` (with `transfer_email`) or
/// `delete`.
pub async fn delete(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> Response {
    remove(&state, &ctx, &id, "delete", &form).await
}
