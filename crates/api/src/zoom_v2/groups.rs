//! `/v2/groups` (settings groups) and `/v2/im/groups` (chat groups): the same handlers, one
//! router each, told apart by [`Kind`].

use super::{settings, zoom_time};
use crate::error::ErrorBody;
use crate::extract::{Caller, ZoomJson, ZoomQuery};
use crate::{AppState, ZoomError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use roster_service::groups::{Kind, MemberRef};
use serde::{Deserialize, Serialize};

/// A group, as Zoom shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GroupObject {
    pub id: String,
    pub name: String,
    pub total_members: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GroupList {
    pub total_records: usize,
    pub groups: Vec<GroupObject>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct GroupBody {
    pub name: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MemberObject {
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    #[serde(rename = "type")]
    pub user_type: i64,
    pub primary_group: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MemberList {
    pub members: Vec<MemberObject>,
    pub page_size: u32,
    pub total_records: i64,
    pub next_page_token: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct MemberParams {
    pub page_size: Option<i64>,
    pub next_page_token: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MemberItem {
    pub id: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct AddMembersBody {
    /// Up to 30 users, each by `id` or `email`.
    #[serde(default)]
    pub members: Vec<MemberItem>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AddedMembers {
    /// Comma-separated ids of the users added.
    pub ids: String,
    pub added_at: String,
}

/// A page of members on the wire; `primary_group` is whether the group is the members'
/// settings group.
pub(crate) fn member_list(
    page: roster_service::groups::MemberPage,
    primary_group: bool,
) -> MemberList {
    MemberList {
        members: page
            .members
            .into_iter()
            .map(|m| MemberObject {
                id: m.id,
                email: m.email,
                first_name: m.first_name,
                last_name: m.last_name,
                user_type: m.user_type,
                primary_group,
            })
            .collect(),
        page_size: page.page_size,
        total_records: page.total_records,
        next_page_token: page.next_page_token,
    }
}

fn object(g: roster_service::store::groups::GroupRecord) -> GroupObject {
    GroupObject {
        id: g.id,
        name: g.name,
        total_members: g.total_members,
    }
}

/// The routes of one kind of group, to nest under `/groups` or `/im/groups`. Only settings
/// groups have settings.
pub fn routes(kind: Kind) -> Router<AppState> {
    let router = Router::new()
        .route(
            "/",
            get(move |s, c| list(s, c, kind)).post(move |s, c, b| create(s, c, b, kind)),
        )
        .route(
            "/{groupId}",
            get(move |s, c, p| read(s, c, p, kind))
                .patch(move |s, c, p, b| rename(s, c, p, b, kind))
                .delete(move |s, c, p| remove(s, c, p, kind)),
        )
        .route(
            "/{groupId}/members",
            get(move |s, c, p, q| members(s, c, p, q, kind))
                .post(move |s, c, p, b| add_members(s, c, p, b, kind)),
        )
        .route(
            "/{groupId}/members/{memberId}",
            delete(move |s, c, p| remove_member(s, c, p, kind)),
        );
    match kind {
        Kind::Settings => router
            .route(
                "/{groupId}/settings",
                get(settings::get_group_settings).patch(settings::update_group_settings),
            )
            .route(
                "/{groupId}/lock_settings",
                get(settings::get_group_lock_settings).patch(settings::update_group_lock_settings),
            ),
        Kind::Chat => router,
    }
}

#[utoipa::path(get, path = "/v2/groups", tag = "groups", security(("bearer" = [])),
    responses((status = 200, body = GroupList), (status = 400, description = "No privilege (200)", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(p): Caller,
    kind: Kind,
) -> Result<Json<GroupList>, ZoomError> {
    let groups: Vec<GroupObject> = state
        .service
        .list_groups(&p, kind)
        .await?
        .into_iter()
        .map(object)
        .collect();
    Ok(Json(GroupList {
        total_records: groups.len(),
        groups,
    }))
}

#[utoipa::path(post, path = "/v2/groups", tag = "groups", request_body = GroupBody, security(("bearer" = [])),
    responses((status = 201, body = GroupObject), (status = 400, description = "Invalid (300)", body = ErrorBody),
        (status = 409, description = "Name taken (4132)", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Caller(p): Caller,
    ZoomJson(body): ZoomJson<GroupBody>,
    kind: Kind,
) -> Result<(StatusCode, Json<GroupObject>), ZoomError> {
    let g = state
        .service
        .create_group(&p, kind, body.name.as_deref())
        .await?;
    Ok((StatusCode::CREATED, Json(object(g))))
}

#[utoipa::path(get, path = "/v2/groups/{groupId}", tag = "groups", params(("groupId" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = GroupObject), (status = 404, description = "Group does not exist (4130)", body = ErrorBody)))]
pub async fn read(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
    kind: Kind,
) -> Result<Json<GroupObject>, ZoomError> {
    Ok(Json(object(state.service.get_group(&p, kind, &id).await?)))
}

#[utoipa::path(patch, path = "/v2/groups/{groupId}", tag = "groups", params(("groupId" = String, Path)), request_body = GroupBody,
    security(("bearer" = [])), responses((status = 204), (status = 404, description = "Group does not exist (4130)", body = ErrorBody),
        (status = 409, description = "Name taken (4132)", body = ErrorBody)))]
pub async fn rename(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
    ZoomJson(body): ZoomJson<GroupBody>,
    kind: Kind,
) -> Result<StatusCode, ZoomError> {
    state
        .service
        .rename_group(&p, kind, &id, body.name.as_deref())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/v2/groups/{groupId}", tag = "groups", params(("groupId" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 404, description = "Group does not exist (4130)", body = ErrorBody)))]
pub async fn remove(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
    kind: Kind,
) -> Result<StatusCode, ZoomError> {
    state.service.delete_group(&p, kind, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/v2/groups/{groupId}/members", tag = "groups", params(("groupId" = String, Path), MemberParams),
    security(("bearer" = [])), responses((status = 200, body = MemberList), (status = 404, description = "Group does not exist (4130)", body = ErrorBody)))]
pub async fn members(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
    ZoomQuery(q): ZoomQuery<MemberParams>,
    kind: Kind,
) -> Result<Json<MemberList>, ZoomError> {
    let page = state
        .service
        .list_group_members(&p, kind, &id, q.page_size, q.next_page_token.as_deref())
        .await?;
    Ok(Json(member_list(page, kind == Kind::Settings)))
}

#[utoipa::path(post, path = "/v2/groups/{groupId}/members", tag = "groups", params(("groupId" = String, Path)), request_body = AddMembersBody,
    security(("bearer" = [])), responses((status = 201, body = AddedMembers), (status = 400, description = "Invalid (300)", body = ErrorBody),
        (status = 404, description = "Group (4130) or user (1001) does not exist; nothing is added", body = ErrorBody)))]
pub async fn add_members(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<String>,
    ZoomJson(body): ZoomJson<AddMembersBody>,
    kind: Kind,
) -> Result<(StatusCode, Json<AddedMembers>), ZoomError> {
    let refs: Vec<MemberRef> = body
        .members
        .into_iter()
        .map(|m| MemberRef {
            id: m.id,
            email: m.email,
        })
        .collect();
    let ids = state
        .service
        .add_group_members(&p, kind, &id, &refs)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(AddedMembers {
            ids: ids.join(","),
            added_at: zoom_time(time::OffsetDateTime::now_utc()),
        }),
    ))
}

#[utoipa::path(delete, path = "/v2/groups/{groupId}/members/{memberId}", tag = "groups",
    params(("groupId" = String, Path), ("memberId" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 404, description = "Group (4130) or member (1001) not found", body = ErrorBody)))]
pub async fn remove_member(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path((id, member)): Path<(String, String)>,
    kind: Kind,
) -> Result<StatusCode, ZoomError> {
    state
        .service
        .remove_group_member(&p, kind, &id, &member)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
