//! Roster extension: custom attribute definitions, `/v2/accounts/{accountId}/custom_attributes`
//! (up to five per account). Users' values are set with `PATCH /v2/users/{userId}`
//! (`custom_attributes`), checked against these definitions.

use crate::error::ErrorBody;
use crate::extract::{Caller, ZoomJson};
use crate::{AppState, ZoomError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use roster_service::admin::{Admin, AttributeDefinition, NewAttribute};
use serde::{Deserialize, Serialize};

/// A custom attribute definition.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AttributeObject {
    /// The key users' values carry.
    pub key: String,
    pub name: String,
    /// `text`, `number` or `date` (`YYYY-MM-DD`).
    #[serde(rename = "type")]
    pub kind: String,
    /// Empty: any value of the type.
    pub allowed_values: Vec<String>,
}

impl From<AttributeDefinition> for AttributeObject {
    fn from(d: AttributeDefinition) -> Self {
        Self {
            key: d.key,
            name: d.name,
            kind: d.kind.to_owned(),
            allowed_values: d.allowed_values,
        }
    }
}

/// The list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AttributeList {
    pub total_records: usize,
    pub custom_attributes: Vec<AttributeObject>,
}

/// A new definition.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CreateBody {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub allowed_values: Vec<String>,
}

/// Changes to a definition (its type cannot change).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct UpdateBody {
    pub name: Option<String>,
    pub allowed_values: Option<Vec<String>>,
}

fn admin<'a>(principal: &'a roster_domain::Principal, account: &'a str) -> Admin<'a> {
    Admin::Principal { principal, account }
}

#[utoipa::path(get, path = "/v2/accounts/{accountId}/custom_attributes", tag = "accounts",
    params(("accountId" = String, Path, description = "`me` or the caller's account id")), security(("bearer" = [])),
    responses((status = 200, description = "The definitions, by name", body = AttributeList),
        (status = 400, description = "No privilege (200)", body = ErrorBody),
        (status = 404, description = "Account does not exist (2001)", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(account): Path<String>,
) -> Result<Json<AttributeList>, ZoomError> {
    let defs = state
        .service
        .list_custom_attributes(admin(&p, &account))
        .await?;
    Ok(Json(AttributeList {
        total_records: defs.len(),
        custom_attributes: defs.into_iter().map(AttributeObject::from).collect(),
    }))
}

#[utoipa::path(post, path = "/v2/accounts/{accountId}/custom_attributes", tag = "accounts",
    params(("accountId" = String, Path, description = "`me` or the caller's account id")), request_body = CreateBody,
    security(("bearer" = [])),
    responses((status = 201, description = "Defined", body = AttributeObject),
        (status = 400, description = "A sixth (1042); bad name, type or allowed value (300); no privilege (200)", body = ErrorBody),
        (status = 409, description = "Name taken (1041)", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(account): Path<String>,
    ZoomJson(b): ZoomJson<CreateBody>,
) -> Result<(StatusCode, Json<AttributeObject>), ZoomError> {
    let d = state
        .service
        .create_custom_attribute(
            admin(&p, &account),
            NewAttribute {
                name: b.name,
                kind: b.kind,
                allowed_values: b.allowed_values,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(d.into())))
}

#[utoipa::path(patch, path = "/v2/accounts/{accountId}/custom_attributes/{key}", tag = "accounts",
    params(("accountId" = String, Path, description = "`me` or the caller's account id"), ("key" = String, Path, description = "The definition's key")),
    request_body = UpdateBody, security(("bearer" = [])),
    responses((status = 200, description = "The definition now", body = AttributeObject),
        (status = 400, description = "Bad name or allowed value (300); no privilege (200)", body = ErrorBody),
        (status = 404, description = "No such definition (1040)", body = ErrorBody),
        (status = 409, description = "Name taken (1041)", body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path((account, key)): Path<(String, String)>,
    ZoomJson(b): ZoomJson<UpdateBody>,
) -> Result<Json<AttributeObject>, ZoomError> {
    let d = state
        .service
        .update_custom_attribute(
            admin(&p, &account),
            &key,
            b.name.as_deref(),
            b.allowed_values.as_deref(),
        )
        .await?;
    Ok(Json(d.into()))
}

#[utoipa::path(delete, path = "/v2/accounts/{accountId}/custom_attributes/{key}", tag = "accounts",
    params(("accountId" = String, Path, description = "`me` or the caller's account id"), ("key" = String, Path, description = "The definition's key")),
    security(("bearer" = [])),
    responses((status = 204, description = "Deleted, with every user's value of it"),
        (status = 400, description = "No privilege (200)", body = ErrorBody),
        (status = 404, description = "No such definition (1040)", body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path((account, key)): Path<(String, String)>,
) -> Result<StatusCode, ZoomError> {
    state
        .service
        .delete_custom_attribute(admin(&p, &account), &key)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
