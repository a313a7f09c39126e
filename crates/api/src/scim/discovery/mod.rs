//! `/scim2/ServiceProviderConfig`, `/scim2/ResourceTypes[/{id}]` and `/scim2/Schemas[/{id}]`
//! (RFC 7644 §4): what Roster's SCIM supports, truthfully. They need the same `scim2` token as
//! everything else under `/scim2` (RFC 7644 §4 allows it; nothing under `/scim2` is public).

mod schemas;

use super::{Scim, ScimCaller, ScimError, LIST_SCHEMA};
use super::{BULK_MAX_OPERATIONS, BULK_MAX_PAYLOAD, MAX_RESULTS};
use super::{ENTERPRISE_SCHEMA, GROUP_SCHEMA, ROSTER_USER_SCHEMA, USER_SCHEMA};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

const SPC_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
const RESOURCE_TYPE_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";

/// The discovery routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ServiceProviderConfig", get(config))
        .route("/ResourceTypes", get(resource_types))
        .route("/ResourceTypes/{id}", get(resource_type))
        .route("/Schemas", get(list_schemas))
        .route("/Schemas/{id}", get(schema))
}

fn base(state: &AppState) -> String {
    super::users::base(state)
}

async fn config(State(state): State<AppState>, _: ScimCaller) -> Scim<Value> {
    let base = base(&state);
    Scim::ok(json!({
        "schemas": [SPC_SCHEMA],
        "documentationUri": format!("{}/openapi.json", state.public_url.trim_end_matches('/')),
        "patch": {"supported": true},
        "bulk": {
            "supported": true,
            "maxOperations": BULK_MAX_OPERATIONS,
            "maxPayloadSize": BULK_MAX_PAYLOAD,
        },
        "filter": {"supported": true, "maxResults": MAX_RESULTS},
        // Roster never takes passwords through SCIM: people sign in through the identity
        // provider (managed domains) or set their own when accepting an invitation.
        "changePassword": {"supported": false},
        "sort": {"supported": true},
        "etag": {"supported": true},
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "OAuth Bearer Token",
            "description": "An access token of an account-level OAuth app granted the scim2 scope.",
            "specUri": "https://www.rfc-editor.org/info/rfc6750",
            "primary": true,
        }],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": format!("{base}/ServiceProviderConfig"),
        },
    }))
}

fn resource_types_json(base: &str) -> Vec<Value> {
    vec![
        json!({
            "schemas": [RESOURCE_TYPE_SCHEMA],
            "id": "User",
            "name": "User",
            "endpoint": "/Users",
            "description": "A member of the Roster account.",
            "schema": USER_SCHEMA,
            "schemaExtensions": [
                {"schema": ENTERPRISE_SCHEMA, "required": false},
                {"schema": ROSTER_USER_SCHEMA, "required": false},
            ],
            "meta": {"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/User")},
        }),
        json!({
            "schemas": [RESOURCE_TYPE_SCHEMA],
            "id": "Group",
            "name": "Group",
            "endpoint": "/Groups",
            "description": "A Roster group.",
            "schema": GROUP_SCHEMA,
            "schemaExtensions": [],
            "meta": {"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/Group")},
        }),
    ]
}

fn list_of(items: Vec<Value>) -> Value {
    json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": items.len(),
        "startIndex": 1,
        "itemsPerPage": items.len(),
        "Resources": items,
    })
}

async fn resource_types(State(state): State<AppState>, _: ScimCaller) -> Scim<Value> {
    Scim::ok(list_of(resource_types_json(&base(&state))))
}

async fn resource_type(
    State(state): State<AppState>,
    _: ScimCaller,
    Path(id): Path<String>,
) -> Result<Scim<Value>, ScimError> {
    resource_types_json(&base(&state))
        .into_iter()
        .find(|r| {
            r["id"]
                .as_str()
                .is_some_and(|i| i.eq_ignore_ascii_case(&id))
        })
        .map(Scim::ok)
        .ok_or_else(|| not_found("resource type", &id))
}

fn not_found(what: &str, id: &str) -> ScimError {
    ScimError::new(
        StatusCode::NOT_FOUND,
        None,
        format!("No {what} {id}: see the list without an id."),
    )
}

async fn list_schemas(State(state): State<AppState>, _: ScimCaller) -> Scim<Value> {
    Scim::ok(list_of(schemas::all(&base(&state))))
}

async fn schema(
    State(state): State<AppState>,
    _: ScimCaller,
    Path(id): Path<String>,
) -> Result<Scim<Value>, ScimError> {
    schemas::all(&base(&state))
        .into_iter()
        .find(|s| {
            s["id"]
                .as_str()
                .is_some_and(|i| i.eq_ignore_ascii_case(&id))
        })
        .map(Scim::ok)
        .ok_or_else(|| not_found("schema", &id))
}
