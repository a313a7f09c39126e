//! What every SCIM handler extracts and answers with: the caller ([`ScimCaller`]), a JSON body
//! sent as `application/scim+json` or plain `application/json` ([`ScimJson`]), an answer in
//! `application/scim+json` with an optional `ETag` ([`Scim`]), and versions ([`etag`],
//! [`check_if_match`]).

use super::{ScimError, ScimType};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, request::Parts, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use roster_domain::Principal;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The media type of SCIM bodies (RFC 7644 §3.1).
pub const CONTENT_TYPE: &str = "application/scim+json";

/// The scope a token needs for anything under `/scim2`. Only an account-level install can hold
/// it (it is an admin scope), so the token acts for the account through the admin who approved.
pub const SCOPE: &str = "scim2";

/// The identity provider calling: a bearer token granted the `scim2` scope. The principal is
/// the admin behind the install; their role's privileges still apply to every change.
#[derive(Debug, Clone)]
pub struct ScimCaller(pub Principal);

impl FromRequestParts<AppState> for ScimCaller {
    type Rejection = ScimError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ScimError> {
        if let Some(caller) = parts.extensions.get::<ScimCaller>() {
            return Ok(caller.clone());
        }
        let principal = state
            .service
            .authenticate(crate::extract::bearer(parts))
            .await?;
        if !principal.scopes.contains(SCOPE) {
            return Err(ScimError::new(
                StatusCode::FORBIDDEN,
                None,
                "This access token was not granted the scim2 scope, so it cannot reach /scim2. \
                 Install an account-level app with the scim2 scope and use its token.",
            ));
        }
        let mut principal = principal;
        // Events of SCIM changes name the interface and the identity provider's app.
        if let Some(app) = principal.app.as_mut() {
            app.interface = Some("scim2");
        }
        let caller = ScimCaller(principal);
        parts.extensions.insert(caller.clone());
        Ok(caller)
    }
}

/// A JSON body, as `application/scim+json` or `application/json` (a missing content type is
/// taken as JSON too, as many clients omit it). Anything else, or JSON that is malformed or of
/// the wrong shape, is a 400 `invalidSyntax` naming what was wrong.
#[derive(Debug)]
pub struct ScimJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ScimJson<T> {
    type Rejection = ScimError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ScimError> {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|ct| ct.to_str().unwrap_or_default().to_owned());
        // The body is read before any refusal: a connection whose request body was left unread
        // is closed after the answer, and a client that sends its next request on it meanwhile
        // sees "server disconnected" (it did, under load, for the refusal of text/plain).
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            ScimError::bad(
                ScimType::InvalidSyntax,
                format!("The body could not be read: {e}"),
            )
        })?;
        if let Some(ct) = content_type {
            let essence = ct.split(';').next().unwrap_or_default().trim();
            let json = essence.eq_ignore_ascii_case(CONTENT_TYPE)
                || essence.eq_ignore_ascii_case("application/json");
            if !json {
                return Err(ScimError::bad(
                    ScimType::InvalidSyntax,
                    format!("The body must be {CONTENT_TYPE} (or application/json), not {ct}."),
                ));
            }
        }
        serde_json::from_slice(&bytes).map(ScimJson).map_err(|e| {
            ScimError::bad(
                ScimType::InvalidSyntax,
                format!("The body is not valid JSON of the expected shape: {e}."),
            )
        })
    }
}

/// An answer in `application/scim+json`, with the resource's `ETag` when it has a version.
#[derive(Debug)]
pub struct Scim<T> {
    pub status: StatusCode,
    pub body: T,
    /// The `ETag` header, as made by [`etag`].
    pub etag: Option<String>,
    /// The `Location` header (for a 201).
    pub location: Option<String>,
}

impl<T> Scim<T> {
    /// A 200 with `body`.
    pub fn ok(body: T) -> Self {
        Self {
            status: StatusCode::OK,
            body,
            etag: None,
            location: None,
        }
    }

    /// A 201 with `body` and its `Location`.
    pub fn created(body: T, location: String) -> Self {
        Self {
            status: StatusCode::CREATED,
            body,
            etag: None,
            location: Some(location),
        }
    }

    /// The same answer with an `ETag` header.
    pub fn with_etag(mut self, etag: String) -> Self {
        self.etag = Some(etag);
        self
    }
}

impl<T: Serialize> IntoResponse for Scim<T> {
    fn into_response(self) -> Response {
        let body = match serde_json::to_vec(&self.body) {
            Ok(b) => b,
            Err(e) => {
                return ScimError::from(roster_service::Error::Internal(e.to_string()))
                    .into_response()
            }
        };
        let mut res = (self.status, body).into_response();
        let headers = res.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        for (name, value) in [(header::ETAG, self.etag), (header::LOCATION, self.location)] {
            if let Some(v) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
                headers.insert(name, v);
            }
        }
        res
    }
}

/// The weak entity tag of a resource version (`meta.version` and the `ETag` header):
/// `W/"<version>"`.
pub fn etag(version: &str) -> String {
    format!("W/\"{version}\"")
}

/// Checks `If-Match` against the resource's current tag (as made by [`etag`]): absent or `*`
/// passes; otherwise one of the listed tags must match (weak comparison, RFC 7232 §2.3.2),
/// else a 412 that changes nothing.
pub fn check_if_match(headers: &HeaderMap, current: &str) -> Result<(), ScimError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(());
    };
    let value = value.to_str().unwrap_or_default().trim();
    if value == "*" {
        return Ok(());
    }
    let opaque = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    if value.split(',').any(|t| opaque(t) == opaque(current)) {
        return Ok(());
    }
    Err(ScimError::new(
        StatusCode::PRECONDITION_FAILED,
        None,
        format!(
            "The resource has changed: its version is {current}, not {value}. Read it again \
             and retry. Nothing was changed."
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_compares_weakly_and_lists() {
        let tag = etag("abc");
        let mut h = HeaderMap::new();
        assert!(check_if_match(&h, &tag).is_ok());
        h.insert(header::IF_MATCH, HeaderValue::from_static("\"abc\""));
        assert!(check_if_match(&h, &tag).is_ok());
        h.insert(
            header::IF_MATCH,
            HeaderValue::from_static("W/\"x\", W/\"abc\""),
        );
        assert!(check_if_match(&h, &tag).is_ok());
        h.insert(header::IF_MATCH, HeaderValue::from_static("W/\"x\""));
        let e = check_if_match(&h, &tag).err();
        assert_eq!(e.map(|e| e.status), Some(StatusCode::PRECONDITION_FAILED));
        h.insert(header::IF_MATCH, HeaderValue::from_static("*"));
        assert!(check_if_match(&h, &tag).is_ok());
    }
}
