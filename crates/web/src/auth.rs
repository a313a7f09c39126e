//! Signing in and out, the landing page, and the language switcher. Members land on their own
//! profile, Owners and Admins on User management.

use crate::ctx::{set_cookie, Ctx, LANG_COOKIE, SESSION_COOKIE};
use crate::errors::{check_csrf, internal};
use crate::form::FormData;
use crate::view::{page, see_other, Chrome};
use crate::WebState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use roster_domain::language::Language;
use roster_service::portal::{lands_on_users, SignInError, SESSION_TTL};

#[derive(Template)]
#[template(path = "signin.html")]
struct SignIn {
    c: Chrome,
    email: String,
    error: Option<&'static str>,
    notice: Option<&'static str>,
}

fn landing(admin: bool) -> &'static str {
    if admin {
        "/users"
    } else {
        "/profile"
    }
}

/// `GET /`: the landing page of whoever is signed in, else the sign-in page.
pub async fn home(ctx: Ctx) -> Response {
    match &ctx.session {
        Some(s) => see_other(landing(lands_on_users(&s.user.role)), &[]),
        None => see_other("/signin", &[]),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct SignInQuery {
    /// Set after a password reset.
    pub done: Option<String>,
}

/// `GET /signin`
pub async fn show(
    State(state): State<WebState>,
    ctx: Ctx,
    axum::extract::Query(q): axum::extract::Query<SignInQuery>,
) -> Response {
    if let Some(s) = &ctx.session {
        return see_other(landing(lands_on_users(&s.user.role)), &[]);
    }
    let p = SignIn {
        c: Chrome::new(&ctx, &state, "signin.title", "", "/signin"),
        email: String::new(),
        error: None,
        notice: q.done.is_some().then(|| ctx.t("reset.done")),
    };
    page(StatusCode::OK, &p, &p.c, &[])
}

/// The session cookie for a new session.
pub fn session_cookie(state: &WebState, id: &str) -> String {
    set_cookie(
        SESSION_COOKIE,
        id,
        SESSION_TTL.whole_seconds(),
        true,
        state.secure_cookies,
    )
}

/// `POST /signin`: email and password; wrong ones and throttling show the form again.
pub async fn sign_in(State(state): State<WebState>, ctx: Ctx, form: FormData) -> Response {
    if let Err(r) = check_csrf(&ctx, &state, &form) {
        return r;
    }
    let email = form.get("email").to_owned();
    let result = state
        .service
        .portal_sign_in(&email, form.get("password"), &ctx.address)
        .await;
    let (status, error) = match result {
        Ok(s) => {
            let cookie = session_cookie(&state, s.id.expose());
            return see_other(landing(lands_on_users(&s.user.role)), &[cookie]);
        }
        Err(SignInError::WrongCredentials) => (StatusCode::UNAUTHORIZED, "signin.wrong"),
        Err(SignInError::Throttled) => (StatusCode::TOO_MANY_REQUESTS, "signin.throttled"),
        Err(SignInError::Internal(e)) => return internal(ctx.lang, &e),
    };
    let c = Chrome::new(&ctx, &state, "signin.title", "", "/signin");
    let p = SignIn {
        error: Some(c.t(error)),
        notice: None,
        c,
        email,
    };
    page(status, &p, &p.c, &[])
}

/// `POST /signout`: ends the session and forgets its cookie.
pub async fn sign_out(State(state): State<WebState>, ctx: Ctx, form: FormData) -> Response {
    if let Err(r) = check_csrf(&ctx, &state, &form) {
        return r;
    }
    if let Some(id) = &ctx.session_id {
        if let Err(e) = state.service.portal_sign_out(id).await {
            return internal(ctx.lang, &e);
        }
    }
    let gone = set_cookie(SESSION_COOKIE, "", 0, true, state.secure_cookies);
    see_other("/signin", &[gone])
}

/// `POST /language`: the switcher; remembers the choice for a year and goes back.
pub async fn set_language(State(state): State<WebState>, ctx: Ctx, form: FormData) -> Response {
    if let Err(r) = check_csrf(&ctx, &state, &form) {
        return r;
    }
    let lang = Language::of_tag(form.get("lang")).unwrap_or(Language::English);
    let back = form.get("back");
    // Only a path of this site: never an open redirect.
    let back = if back.starts_with('/') && !back.starts_with("//") {
        back
    } else {
        "/"
    };
    let cookie = set_cookie(
        LANG_COOKIE,
        lang.code(),
        365 * 86_400,
        false,
        state.secure_cookies,
    );
    see_other(back, &[cookie])
}
