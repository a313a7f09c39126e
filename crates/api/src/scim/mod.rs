//! SCIM 2.0 (RFC 7643 resources, RFC 7644 protocol) at `/scim2`, for identity providers that
//! provision the account's users and groups. A thin adapter over the service layer, as `/v2` is:
//! every rule (seats, roles, managed domains, events) holds for SCIM changes too.
//!
//! Shared here: [`ScimError`] (the RFC's error body), the caller ([`ScimCaller`]: a bearer token
//! granted the `scim2` scope), bodies in and out ([`ScimJson`], [`Scim`]) and versions
//! ([`etag`], [`check_if_match`]). Each resource keeps its routes in its own module.

pub mod bulk;
pub mod discovery;
pub mod error;
pub mod extract;
pub mod groups;
pub mod users;

pub use error::{ScimError, ScimType};
pub use extract::{check_if_match, etag, Scim, ScimCaller, ScimJson, CONTENT_TYPE};

use crate::AppState;
use axum::http::StatusCode;
use axum::Router;

/// The URN of an error body (RFC 7644 §3.12).
pub const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
/// The URN of a list answer (RFC 7644 §3.4.2).
pub const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
/// The URN of a PATCH body (RFC 7644 §3.5.2).
pub const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
/// The core User schema (RFC 7643 §4.1).
pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// The enterprise User extension (RFC 7643 §4.3).
pub const ENTERPRISE_SCHEMA: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/// Roster's own User extension: user type, add-ons, role.
pub const ROSTER_USER_SCHEMA: &str = "urn:roster:params:scim:schemas:extension:roster:2.0:User";
/// The core Group schema (RFC 7643 §4.2).
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";

/// The most results one list answer holds (`filter.maxResults`); larger `count`s are cut to it.
pub const MAX_RESULTS: usize = 200;
/// The most operations one Bulk request may carry (`bulk.maxOperations`).
pub const BULK_MAX_OPERATIONS: usize = 1000;
/// The largest Bulk request body, in bytes (`bulk.maxPayloadSize`).
pub const BULK_MAX_PAYLOAD: usize = 1_048_576;

/// The resources (Users, Groups) and discovery, without Bulk: what a Bulk operation runs
/// against, one request at a time.
pub fn resources() -> Router<AppState> {
    Router::new()
        .merge(discovery::routes())
        .merge(users::routes())
        .merge(groups::routes())
}

/// Everything under `/scim2`, answering unknown paths and methods in the RFC's shape.
pub fn router() -> Router<AppState> {
    resources()
        .merge(bulk::routes())
        .fallback(|| async {
            ScimError::new(
                StatusCode::NOT_FOUND,
                None,
                "No such SCIM endpoint. Roster serves /scim2/Users, /scim2/Groups, /scim2/Bulk, \
                 /scim2/ServiceProviderConfig, /scim2/ResourceTypes and /scim2/Schemas.",
            )
        })
        .method_not_allowed_fallback(|| async {
            ScimError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                None,
                "This SCIM endpoint does not take that method.",
            )
        })
}
