//! `/v2/roles`: list, create, read, change and delete roles; list, add and remove members.

use super::groups::{member_list, AddMembersBody, AddedMembers, MemberList, MemberParams};
use super::zoom_time;
use crate::error::ErrorBody;
use crate::extract::{Caller, ZoomJson, ZoomQuery};
use crate::{AppState, ZoomError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use roster_service::groups::MemberRef;
use roster_service::roles::{RoleInput, RoleView};
use serde::{Deserialize, Serialize};

/// A role, as Zoom shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RoleObject {
    pub id: String,
    pub name: String,
    pub description: String,
    pub total_members: i64,
    /// e.g. `User:Read`, `User:Edit`, `Group:Edit`, `Role:Edit`, `AuditLog:Read`.
    pub privileges: Vec<String>,
    /// Roster extension: the settings groups a custom role is limited to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_ids: Option<Vec<String>>,
}

impl From<RoleView> for RoleObject {
    fn from(r: RoleView) -> Self {
        Self {
            id: r.id,
            name: r.name,
            description: r.description,
            total_members: r.total_members,
            privileges: r
                .privileges
                .names()
                .into_iter()
                .map(str::to_owned)
                .collect(),
            group_ids: r.group_scope,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RoleList {
    pub total_records: usize,
    pub roles: Vec<RoleObject>,
}

/// Create or change a role.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RoleBody {
    pub name: Option<String>,
    pub description: Option<String>,
    pub privileges: Option<Vec<String>>,
    /// Roster extension: limit the role to these settings groups (empty: the whole account).
    pub group_ids: Option<Vec<String>>,
}

impl From<RoleBody> for RoleInput {
    fn from(b: RoleBody) -> Self {
        Self {
            name: b.name,
            description: b.description,
            privileges: b.privileges,
            group_ids: b.group_ids,
        }
    }
}

#[utoipa::path(get, path = "/v2/roles", tag = "roles", security(("bearer" = [])),
    responses((status = 200, body = RoleList), (status = 400, description = "No privilege (200)", body = ErrorBody)))]
pub async fn list_roles(
    State(state): State<AppState>,
    Caller(p): Caller,
) -> Result<Json<RoleList>, ZoomError> {
    let roles: Vec<RoleObject> = state
        .service
        .list_roles(&p)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok(Json(RoleList {
        total_records: roles.len(),
        roles,
    }))
}

#[utoipa::path(post, path = "/v2/roles", tag = "roles", request_body = RoleBody, security(("bearer" = [])),
    responses((status = 201, body = RoleObject), (status = 400, description = "Invalid (300), more privileges than the caller holds (200)", body = ErrorBody),
        (status = 409, description = "Name taken (1037)", body = ErrorBody)))]
pub async fn create_role(
    State(state): State<AppState>,
    Caller(p): Caller,
    ZoomJson(body): ZoomJson<RoleBody>,
) -> Result<(StatusCode, Json<RoleObject>), ZoomError> {
    let role = state.service.create_role(&p, body.into()).await?;
    Ok((StatusCode::CREATED, Json(role.into())))
}

#[utoipa::path(get, path = "/v2/roles/{roleId}", tag = "roles", params(("roleId" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = RoleObject), (status = 404, description = "Role does not exist (1036)", body = ErrorBody)))]
pub async fn get_role(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
) -> Result<Json<RoleObject>, ZoomError> {
    Ok(Json(state.service.get_role(&p, &id).await?.into()))
}

#[utoipa::path(patch, path = "/v2/roles/{roleId}", tag = "roles", params(("roleId" = String, Path)), request_body = RoleBody,
    security(("bearer" = [])), responses((status = 204), (status = 400, description = "Invalid or built-in (300)", body = ErrorBody),
        (status = 404, description = "Role does not exist (1036)", body = ErrorBody)))]
pub async fn update_role(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
    ZoomJson(body): ZoomJson<RoleBody>,
) -> Result<StatusCode, ZoomError> {
    state.service.update_role(&p, &id, body.into()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/v2/roles/{roleId}", tag = "roles", params(("roleId" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 400, description = "Built-in, or still has members (300)", body = ErrorBody),
        (status = 404, description = "Role does not exist (1036)", body = ErrorBody)))]
pub async fn delete_role(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ZoomError> {
    state.service.delete_role(&p, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/v2/roles/{roleId}/members", tag = "roles", params(("roleId" = String, Path), MemberParams),
    security(("bearer" = [])), responses((status = 200, body = MemberList), (status = 404, description = "Role does not exist (1036)", body = ErrorBody)))]
pub async fn list_members(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
    ZoomQuery(q): ZoomQuery<MemberParams>,
) -> Result<Json<MemberList>, ZoomError> {
    let page = state
        .service
        .list_role_members(&p, &id, q.page_size, q.next_page_token.as_deref())
        .await?;
    Ok(Json(member_list(page, false)))
}

#[utoipa::path(post, path = "/v2/roles/{roleId}/members", tag = "roles", params(("roleId" = String, Path)), request_body = AddMembersBody,
    security(("bearer" = [])), responses((status = 201, body = AddedMembers),
        (status = 400, description = "Not allowed (200): own role, Admin by a non-Owner, more privileges than the caller's, the Owner's role; invalid (300)", body = ErrorBody),
        (status = 404, description = "Role (1036) or user (1001) does not exist; nobody's role changes", body = ErrorBody)))]
pub async fn add_members(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
    ZoomJson(body): ZoomJson<AddMembersBody>,
) -> Result<(StatusCode, Json<AddedMembers>), ZoomError> {
    let refs: Vec<MemberRef> = body
        .members
        .into_iter()
        .map(|m| MemberRef {
            id: m.id,
            email: m.email,
        })
        .collect();
    let ids = state.service.assign_role(&p, &id, &refs).await?;
    Ok((
        StatusCode::CREATED,
        Json(AddedMembers {
            ids: ids.join(","),
            added_at: zoom_time(time::OffsetDateTime::now_utc()),
        }),
    ))
}

#[utoipa::path(delete, path = "/v2/roles/{roleId}/members/{memberId}", tag = "roles",
    params(("roleId" = String, Path), ("memberId" = String, Path)), security(("bearer" = [])),
    responses((status = 204, description = "The user is a Member again"), (status = 400, description = "Not allowed (200)", body = ErrorBody),
        (status = 404, description = "Role (1036) or member (1001) not found", body = ErrorBody)))]
pub async fn remove_member(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path((id, member)): Path<(String, String)>,
) -> Result<StatusCode, ZoomError> {
    state.service.unassign_role(&p, &id, &member).await?;
    Ok(StatusCode::NO_CONTENT)
}
