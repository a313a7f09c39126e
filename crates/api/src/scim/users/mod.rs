//! `/scim2/Users`: create (POST), read (GET one), list (GET with `filter`, `startIndex`,
//! `count`, `sortBy`, `sortOrder`, `attributes`, `excludedAttributes`, or POST `.search`),
//! replace (PUT), patch (PATCH) and delete (DELETE). Thin handlers over
//! `roster_service::scim::users`; the wire format is in [`wire`], PATCH in [`patch`], list
//! parameters and attribute projection in [`query`].

mod patch;
mod query;
pub mod wire;

use super::{etag, Scim, ScimCaller, ScimError, ScimJson, ScimType};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use roster_service::scim::users::Refusal;
use serde_json::Value;

/// The Users routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/Users", get(list).post(create))
        .route("/Users/.search", post(search))
        .route(
            "/Users/{id}",
            get(read).put(replace).patch(patch_user).delete(remove),
        )
}

/// A refusal of the service as the RFC's error.
pub(crate) fn refusal(r: Refusal) -> ScimError {
    match r {
        Refusal::Service(e) => ScimError::from(e),
        Refusal::Stale { current } => ScimError::new(
            StatusCode::PRECONDITION_FAILED,
            None,
            format!(
                "The user has changed: its version is {}. Read it again and retry; nothing \
                 was changed.",
                etag(&current.to_string())
            ),
        ),
        Refusal::Mutability(d) => ScimError::bad(ScimType::Mutability, d),
        Refusal::Uniqueness(d) => ScimError::uniqueness(d),
        Refusal::InvalidFilter(d) => ScimError::bad(ScimType::InvalidFilter, d),
        Refusal::InvalidValue(d) => ScimError::bad(ScimType::InvalidValue, d),
        Refusal::Forbidden(d) => ScimError::new(StatusCode::FORBIDDEN, None, d),
    }
}

/// `/scim2` as the outside world reaches it.
pub(crate) fn base(state: &AppState) -> String {
    format!("{}/scim2", state.public_url.trim_end_matches('/'))
}

/// The versions `If-Match` accepts, bare (`W/"3"` → `3`); `None` without the header.
fn if_match(headers: &HeaderMap) -> Option<Vec<String>> {
    let v = headers.get(header::IF_MATCH)?.to_str().unwrap_or_default();
    Some(
        v.split(',')
            .map(|t| {
                t.trim()
                    .trim_start_matches("W/")
                    .trim_matches('"')
                    .to_owned()
            })
            .collect(),
    )
}

fn answer(state: &AppState, rec: &roster_service::scim::users::ScimUserRecord) -> Scim<Value> {
    Scim::ok(wire::to_json(rec, &base(state))).with_etag(etag(&rec.version.to_string()))
}

async fn create(
    State(state): State<AppState>,
    ScimCaller(p): ScimCaller,
    ScimJson(body): ScimJson<Value>,
) -> Result<Scim<Value>, ScimError> {
    let input = wire::from_json(&body)?;
    let rec = state
        .service
        .scim_create_user(&p, input)
        .await
        .map_err(refusal)?;
    let base = base(&state);
    let location = format!("{base}/Users/{}", rec.user.id);
    Ok(Scim::created(wire::to_json(&rec, &base), location)
        .with_etag(etag(&rec.version.to_string())))
}

async fn read(
    State(state): State<AppState>,
    ScimCaller(p): ScimCaller,
    Path(id): Path<String>,
    Query(q): Query<query::Projection>,
) -> Result<Scim<Value>, ScimError> {
    let rec = state
        .service
        .scim_get_user(&p, &id)
        .await
        .map_err(refusal)?;
    let projection = q.parse()?;
    let mut out = answer(&state, &rec);
    out.body = projection.apply(out.body);
    Ok(out)
}

async fn list(
    State(state): State<AppState>,
    ScimCaller(p): ScimCaller,
    Query(q): Query<query::ListParams>,
) -> Result<Scim<Value>, ScimError> {
    query::run(&state, &p, q).await
}

async fn search(
    State(state): State<AppState>,
    ScimCaller(p): ScimCaller,
    ScimJson(body): ScimJson<Value>,
) -> Result<Scim<Value>, ScimError> {
    let q = query::ListParams::from_search(&body)?;
    query::run(&state, &p, q).await
}

async fn replace(
    State(state): State<AppState>,
    ScimCaller(p): ScimCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    ScimJson(body): ScimJson<Value>,
) -> Result<Scim<Value>, ScimError> {
    let input = wire::from_json(&body)?;
    let tags = if_match(&headers);
    let rec = state
        .service
        .scim_replace_user(&p, &id, input, tags.as_deref())
        .await
        .map_err(refusal)?;
    Ok(answer(&state, &rec))
}

async fn patch_user(
    State(state): State<AppState>,
    ScimCaller(p): ScimCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    ScimJson(body): ScimJson<Value>,
) -> Result<Scim<Value>, ScimError> {
    let tags = if_match(&headers);
    // Read, apply, replace with the version read: a concurrent change in between is noticed
    // (and the PATCH applied again to the new version, a few times at most).
    let mut attempts = 0;
    loop {
        let current = state
            .service
            .scim_get_user(&p, &id)
            .await
            .map_err(refusal)?;
        let version = current.version.to_string();
        if let Some(tags) = &tags {
            if !tags.iter().any(|t| t == "*" || *t == version) {
                return Err(refusal(Refusal::Stale {
                    current: current.version,
                }));
            }
        }
        let mut resource = wire::to_json(&current, &base(&state));
        patch::apply(&mut resource, &body)?;
        let input = wire::from_json(&resource)?;
        let read = [version];
        match state
            .service
            .scim_replace_user(&p, &id, input, Some(&read))
            .await
        {
            Ok(rec) => return Ok(answer(&state, &rec)),
            Err(Refusal::Stale { .. }) if tags.is_none() && attempts < 3 => attempts += 1,
            Err(e) => return Err(refusal(e)),
        }
    }
}

async fn remove(
    State(state): State<AppState>,
    ScimCaller(p): ScimCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ScimError> {
    let tags = if_match(&headers);
    state
        .service
        .scim_delete_user(&p, &id, tags.as_deref())
        .await
        .map_err(refusal)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
