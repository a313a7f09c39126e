//! Extractors that answer bad input in Zoom's shape: [`ZoomJson`] and [`ZoomQuery`] turn parse
//! failures into 400 code 300 (unknown fields are ignored, as Zoom's clients expect), and
//! [`Caller`] is the acting [`Principal`] the scope check admitted.

use crate::{AppState, ZoomError};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::{header, request::Parts};
use roster_domain::Principal;

/// A JSON body; malformed JSON is a 400 with code 300.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(ZoomError))]
pub struct ZoomJson<T>(pub T);

/// Query parameters; bad values are a 400 with code 300.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ZoomError))]
pub struct ZoomQuery<T>(pub T);

/// The authenticated caller, admitted by the endpoint's scope check
/// ([`crate::zoom_v2::scopes::require_scope`]), which sets how far it reaches.
#[derive(Debug, Clone)]
pub struct Caller(pub Principal);

/// The token of an `Authorization: Bearer …` header (the scheme is case-insensitive).
pub(crate) fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ZoomError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, ZoomError> {
        // Only the scope check makes a caller: a handler outside it serves nobody.
        parts.extensions.get::<Caller>().cloned().ok_or_else(|| {
            tracing::error!(path = %parts.uri.path(), "a handler asked for a caller outside the scope check");
            ZoomError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                crate::error::code::INTERNAL,
                "This endpoint declares no OAuth scope, so it is refused; tell the operator.",
            )
        })
    }
}
