//! What every portal request knows: its language, the signed-in session if any, the client's
//! address (for the sign-in throttle), and the cookies that carry them.

use crate::errors;
use crate::i18n;
use crate::WebState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use axum::response::Response;
use roster_domain::language::Language;
use roster_service::portal::Session;

pub const SESSION_COOKIE: &str = "roster_session";
pub const LANG_COOKIE: &str = "roster_lang";
/// The signed-out forms' CSRF token (double submit: cookie and hidden field must agree).
pub const CSRF_COOKIE: &str = "roster_csrf";

/// A cookie's value from the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value: always `Path=/`, `SameSite=Lax`; `HttpOnly` and `Secure` as asked.
pub fn set_cookie(name: &str, value: &str, max_age: i64, http_only: bool, secure: bool) -> String {
    let mut c = format!("{name}={value}; Path=/; Max-Age={max_age}; SameSite=Lax");
    if http_only {
        c.push_str("; HttpOnly");
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

/// The request's context.
pub struct Ctx {
    pub lang: Language,
    pub session: Option<Session>,
    pub session_id: Option<String>,
    /// The signed-out forms' token, from its cookie.
    pub csrf_cookie: Option<String>,
    pub address: String,
}

impl Ctx {
    pub fn t(&self, key: &str) -> &'static str {
        i18n::text(self.lang, key)
    }
}

impl FromRequestParts<WebState> for Ctx {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Response> {
        let headers = &parts.headers;
        let session_id = cookie(headers, SESSION_COOKIE).map(str::to_owned);
        let session = match &session_id {
            Some(id) => state
                .service
                .portal_session(id)
                .await
                .map_err(|e| errors::internal(Language::English, &e))?,
            None => None,
        };
        let accept = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok());
        let lang = i18n::choose(
            cookie(headers, LANG_COOKIE),
            session.as_ref().map(|s| s.user.language.as_str()),
            accept,
        );
        let address = parts
            .extensions
            .get::<ConnectInfo<std::net::SocketAddr>>()
            .map_or_else(
                || "unknown".to_owned(),
                |c| state.trusted_proxies.client(c.0.ip(), headers).to_string(),
            );
        Ok(Self {
            lang,
            session,
            session_id,
            csrf_cookie: cookie(headers, CSRF_COOKIE).map(str::to_owned),
            address,
        })
    }
}
