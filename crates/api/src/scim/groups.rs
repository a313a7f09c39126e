//! `/scim2/Groups`: Roster's settings groups as SCIM Group resources (RFC 7643 §4.2). Thin
//! handlers over `roster_service::scim::groups`; bodies in [`body`], JSON out in [`render`],
//! list queries in [`query`]. Every answer carries the group's `ETag`; `If-Match` guards PUT,
//! PATCH and DELETE.

mod body;
mod query;
mod render;

use super::{check_if_match, etag, Scim, ScimCaller, ScimError, ScimJson, LIST_SCHEMA};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use roster_service::scim::groups::ScimGroup;
use serde_json::{json, Value};
use std::collections::HashMap;

pub use render::Projection;

/// The Groups routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/Groups", get(list).post(create))
        .route(
            "/Groups/{id}",
            get(read).put(replace).patch(patch).delete(remove),
        )
}

type Params = Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>;

fn params(q: Params) -> Result<HashMap<String, String>, ScimError> {
    q.map(|Query(q)| q).map_err(|e| {
        ScimError::bad(
            super::ScimType::InvalidValue,
            format!("The query string is not valid: {e}."),
        )
    })
}

fn projection(q: &HashMap<String, String>) -> Result<Projection, ScimError> {
    Projection::parse(
        q.get("attributes").map(String::as_str),
        q.get("excludedAttributes").map(String::as_str),
    )
}

/// The group as JSON, with its members (read a page at a time) only if the answer shows them.
async fn show(
    state: &AppState,
    caller: &ScimCaller,
    g: &ScimGroup,
    projection: &Projection,
) -> Result<Value, ScimError> {
    let base = &state.public_url;
    let mut body = render::group(base, g);
    if projection.shows("members") {
        let mut members = Vec::with_capacity(usize::try_from(g.total_members).unwrap_or(0));
        state
            .service
            .scim_group_members(&caller.0, &g.id, |page| {
                render::members(base, &page, &mut members)
            })
            .await?;
        if let Some(obj) = body.as_object_mut() {
            obj.insert("members".into(), Value::Array(members));
        }
    }
    projection.apply(&mut body);
    Ok(body)
}

fn version_of(g: &ScimGroup) -> String {
    etag(&g.version.to_string())
}

async fn list(
    State(state): State<AppState>,
    caller: ScimCaller,
    q: Params,
) -> Result<Scim<Value>, ScimError> {
    let q = params(q)?;
    let projection = projection(&q)?;
    let query = query::ListQuery::parse(&q)?;
    let (groups, held) = state
        .service
        .scim_list_groups(&caller.0, &query.member_ids)
        .await?;
    let mut selected: Vec<(Value, &ScimGroup)> = Vec::new();
    for g in &groups {
        let mine: Vec<String> = held
            .iter()
            .filter(|(_, group)| *group == g.id)
            .map(|(user, _)| user.clone())
            .collect();
        let json = query::with_members(render::group(&state.public_url, g), &mine);
        if query.selects(&json) {
            selected.push((json, g));
        }
    }
    query.sort(&mut selected, |(json, _)| json);
    let total = selected.len();
    let mut resources = Vec::new();
    for (_, g) in selected.iter().skip(query.start - 1).take(query.count) {
        resources.push(show(&state, &caller, g, &projection).await?);
    }
    Ok(Scim::ok(json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": total,
        "startIndex": query.start,
        "itemsPerPage": resources.len(),
        "Resources": resources,
    })))
}

async fn read(
    State(state): State<AppState>,
    caller: ScimCaller,
    Path(id): Path<String>,
    q: Params,
) -> Result<Scim<Value>, ScimError> {
    let q = params(q)?;
    let projection = projection(&q)?;
    let g = state.service.scim_get_group(&caller.0, &id).await?;
    let body = show(&state, &caller, &g, &projection).await?;
    Ok(Scim::ok(body).with_etag(version_of(&g)))
}

async fn create(
    State(state): State<AppState>,
    caller: ScimCaller,
    q: Params,
    ScimJson(body): ScimJson<Value>,
) -> Result<Scim<Value>, ScimError> {
    let projection = projection(&params(q)?)?;
    let (name, ext, members) = body::resource(&body)?;
    let g = state
        .service
        .scim_create_group(&caller.0, &name, ext.as_deref(), members)
        .await?;
    let body = show(&state, &caller, &g, &projection).await?;
    let location = render::location(&state.public_url, &g.id);
    Ok(Scim::created(body, location).with_etag(version_of(&g)))
}

/// Runs a change if `If-Match` allows it, answering with the changed group.
async fn update(
    state: &AppState,
    caller: &ScimCaller,
    id: &str,
    headers: &HeaderMap,
    q: Params,
    changes: roster_service::scim::groups::GroupChanges,
) -> Result<Scim<Value>, ScimError> {
    let projection = projection(&params(q)?)?;
    let ok = |v: i64| check_if_match(headers, &etag(&v.to_string())).is_ok();
    let g = state
        .service
        .scim_update_group(&caller.0, id, &ok, changes)
        .await?;
    let body = show(state, caller, &g, &projection).await?;
    Ok(Scim::ok(body).with_etag(version_of(&g)))
}

async fn replace(
    State(state): State<AppState>,
    caller: ScimCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    q: Params,
    ScimJson(body): ScimJson<Value>,
) -> Result<Scim<Value>, ScimError> {
    let (name, ext, members) = body::resource(&body)?;
    if let Some(other) = body.get("id").and_then(Value::as_str).filter(|b| *b != id) {
        return Err(ScimError::bad(
            super::ScimType::Mutability,
            format!("id is {id}, not {other}: it cannot be changed."),
        ));
    }
    let changes = roster_service::scim::groups::GroupChanges {
        display_name: Some(name),
        external_id: Some(ext),
        members: vec![roster_service::scim::groups::MembersChange::Replace(
            members,
        )],
    };
    update(&state, &caller, &id, &headers, q, changes).await
}

async fn patch(
    State(state): State<AppState>,
    caller: ScimCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    q: Params,
    ScimJson(body): ScimJson<Value>,
) -> Result<Scim<Value>, ScimError> {
    let changes = body::patch(&body)?;
    update(&state, &caller, &id, &headers, q, changes).await
}

async fn remove(
    State(state): State<AppState>,
    caller: ScimCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ScimError> {
    let ok = |v: i64| check_if_match(&headers, &etag(&v.to_string())).is_ok();
    state.service.scim_delete_group(&caller.0, &id, &ok).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
