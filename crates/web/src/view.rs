//! What every page's template shares ([`Chrome`]: language, title, navigation, the form token,
//! the reader's time zone) and how a page becomes a response (security headers, cookies).

use crate::ctx::{set_cookie, Ctx, CSRF_COOKIE};
use crate::i18n;
use crate::WebState;
use askama::Template;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use roster_domain::language::Language;
use time::OffsetDateTime;

/// The layout's data: every template has it as `c`.
pub struct Chrome {
    pub lang: Language,
    pub title: &'static str,
    /// The signed-in user's email; `None` on signed-out pages.
    pub user_email: Option<String>,
    pub is_admin: bool,
    pub show_outbox: bool,
    /// The token every form carries.
    pub csrf: String,
    /// The active navigation entry (`users`, `profile`, `outbox`).
    pub nav: &'static str,
    /// The reader's IANA time zone; dates are shown in it.
    pub tz: String,
    /// Where the language switcher returns to.
    pub here: String,
    /// A cookie the response must set (a fresh signed-out form token).
    pub new_cookie: Option<String>,
}

impl Chrome {
    pub fn new(
        ctx: &Ctx,
        state: &WebState,
        title_key: &str,
        nav: &'static str,
        here: &str,
    ) -> Self {
        let mut new_cookie = None;
        let csrf = match (&ctx.session, &ctx.csrf_cookie) {
            (Some(s), _) => s.csrf.clone(),
            (None, Some(c)) => c.clone(),
            (None, None) => {
                let token = roster_domain::Secret::token().expose().to_owned();
                new_cookie = Some(set_cookie(
                    CSRF_COOKIE,
                    &token,
                    86_400,
                    true,
                    state.secure_cookies,
                ));
                token
            }
        };
        let user = ctx.session.as_ref().map(|s| &s.user);
        let is_admin = user.is_some_and(|u| u.role.is_admin());
        Self {
            lang: ctx.lang,
            title: i18n::text(ctx.lang, title_key),
            user_email: user.map(|u| u.email.to_string()),
            is_admin,
            show_outbox: is_admin && !state.smtp_configured,
            csrf,
            nav,
            tz: user
                .map(|u| u.timezone.clone())
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| "UTC".to_owned()),
            here: here.to_owned(),
            new_cookie,
        }
    }

    /// The text of `key` in the page's language.
    pub fn t(&self, key: &str) -> &'static str {
        i18n::text(self.lang, key)
    }

    /// `n` and the word after it in the form the number takes (`1 user`, `2 users`; see
    /// [`i18n::count`]).
    pub fn count(&self, key: &str, n: &u64) -> String {
        i18n::count(self.lang, key, *n)
    }

    /// The page's language code, for `lang`.
    pub fn code(&self) -> &'static str {
        self.lang.code()
    }

    /// The switcher's choices: (code, own name, whether chosen).
    pub fn languages(&self) -> Vec<(&'static str, &'static str, bool)> {
        Language::ALL
            .iter()
            .map(|l| (l.code(), l.native_name(), *l == self.lang))
            .collect()
    }

    /// A time in the reader's time zone: `2026-12-02 09:30 CET`.
    pub fn when(&self, t: &OffsetDateTime) -> String {
        let Ok(ts) = jiff::Timestamp::from_second(t.unix_timestamp()) else {
            return t.to_string();
        };
        match ts.in_tz(&self.tz) {
            Ok(z) => z.strftime("%Y-%m-%d %H:%M %Z").to_string(),
            Err(_) => ts.strftime("%Y-%m-%d %H:%M UTC").to_string(),
        }
    }

    /// The user types a form offers, each with its name and whether it is `current`.
    pub fn type_options(&self, current: i64) -> Vec<(i64, &'static str, &'static str)> {
        [1_i64, 2, 4]
            .into_iter()
            .map(|code| {
                let sel = if code == current { "selected" } else { "" };
                (code, self.type_name(&code), sel)
            })
            .collect()
    }

    /// A select's options: (value, label, `selected` or empty).
    pub fn options(
        &self,
        choices: &[(String, String)],
        current: &str,
    ) -> Vec<(String, String, &'static str)> {
        choices
            .iter()
            .map(|(v, l)| {
                let sel = if v == current { "selected" } else { "" };
                (v.clone(), l.clone(), sel)
            })
            .collect()
    }

    /// `s` for a URL's query string.
    pub fn enc(&self, s: &str) -> String {
        url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
    }

    /// A user type's name (`type.2` → Licensed).
    pub fn type_name(&self, code: &i64) -> &'static str {
        i18n::text(self.lang, &format!("type.{code}"))
    }
}

/// A rendered page with the portal's headers; `cookies` are added as `Set-Cookie`.
pub fn page<T: Template>(
    status: StatusCode,
    t: &T,
    chrome: &Chrome,
    cookies: &[String],
) -> Response {
    let body = match t.render() {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            return (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response();
        }
    };
    let mut resp = (status, axum::response::Html(body)).into_response();
    let h = resp.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
        ),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    for c in chrome.new_cookie.iter().chain(cookies) {
        if let Ok(v) = HeaderValue::from_str(c) {
            h.append(header::SET_COOKIE, v);
        }
    }
    resp
}

/// A redirect after a POST (303: the browser GETs the target), setting `cookies`.
pub fn see_other(to: &str, cookies: &[String]) -> Response {
    let mut resp = Redirect::to(to).into_response();
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(c) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}
