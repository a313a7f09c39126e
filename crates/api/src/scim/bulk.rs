//! `POST /scim2/Bulk` (RFC 7644 §3.7): many operations in one request. Each runs as an
//! in-process sub-request into [`super::resources`] (the very handlers single requests reach),
//! carrying the caller, so Bulk changes nothing about the rules. `bulkId:` references are
//! resolved as the resources they name are created, in whatever order that allows; a cycle
//! of references fails its operations with 409. `failOnErrors` stops after that many errors.
//! Limits: [`BULK_MAX_OPERATIONS`] operations and [`BULK_MAX_PAYLOAD`] bytes (413 beyond).

mod refs;

use super::{Scim, ScimCaller, ScimError, ScimType, BULK_MAX_OPERATIONS, BULK_MAX_PAYLOAD};
use crate::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use tower::ServiceExt;

/// The URN of a Bulk request.
pub const BULK_REQUEST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
/// The URN of a Bulk response.
pub const BULK_RESPONSE_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";

/// The Bulk route.
pub fn routes() -> Router<AppState> {
    Router::new().route("/Bulk", post(bulk))
}

/// One operation of the request, as sent.
struct Op {
    method: Method,
    bulk_id: Option<String>,
    version: Option<String>,
    path: String,
    data: Option<Value>,
    refs: Vec<String>,
}

fn bad_syntax(detail: impl Into<String>) -> ScimError {
    ScimError::bad(ScimType::InvalidSyntax, detail)
}

fn too_large(scim_type: Option<ScimType>, detail: String) -> ScimError {
    ScimError::new(StatusCode::PAYLOAD_TOO_LARGE, scim_type, detail)
}

fn parse_op(i: usize, v: &Value) -> Result<Op, ScimError> {
    let field = |k: &str| v.get(k);
    let text = |k: &str| field(k).and_then(Value::as_str).map(str::to_owned);
    let method = match text("method").map(|m| m.to_ascii_uppercase()).as_deref() {
        Some("POST") => Method::POST,
        Some("PUT") => Method::PUT,
        Some("PATCH") => Method::PATCH,
        Some("DELETE") => Method::DELETE,
        other => {
            return Err(bad_syntax(format!(
                "Operations[{i}].method must be POST, PUT, PATCH or DELETE, not {}.",
                other.unwrap_or("missing")
            )))
        }
    };
    let path =
        text("path").ok_or_else(|| bad_syntax(format!("Operations[{i}].path is required.")))?;
    let data = field("data").cloned().filter(|d| !d.is_null());
    if method != Method::DELETE && !data.as_ref().is_some_and(Value::is_object) {
        return Err(bad_syntax(format!(
            "Operations[{i}].data must be an object for {method}."
        )));
    }
    let refs = refs::referenced(&path, data.as_ref().unwrap_or(&Value::Null));
    Ok(Op {
        method,
        bulk_id: text("bulkId"),
        version: text("version"),
        path,
        data,
        refs,
    })
}

/// Whether `path` names a resource type (POST) or one resource (PUT, PATCH, DELETE).
fn path_fits(method: &Method, path: &str) -> bool {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let typed = matches!(parts.first(), Some(&"Users" | &"Groups"));
    let n = if *method == Method::POST { 1 } else { 2 };
    typed && parts.len() == n && parts.iter().all(|p| !p.is_empty())
}

/// An operation's outcome in the response.
fn outcome(
    op: &Op,
    status: StatusCode,
    location: Option<String>,
    version: Option<String>,
    response: Option<Value>,
) -> Value {
    let mut o = Map::new();
    o.insert("method".into(), json!(op.method.as_str()));
    if let Some(b) = &op.bulk_id {
        o.insert("bulkId".into(), json!(b));
    }
    if let Some(v) = version {
        o.insert("version".into(), json!(v));
    }
    if let Some(l) = location {
        o.insert("location".into(), json!(l));
    }
    o.insert("status".into(), json!(status.as_u16().to_string()));
    if let Some(r) = response {
        o.insert("response".into(), r);
    }
    Value::Object(o)
}

/// A failed operation: its error, and (but for a POST, which made nothing) its location, as
/// RFC 7644 §3.7 requires.
fn failed(op: &Op, public_url: &str, e: &ScimError) -> Value {
    let location = (op.method != Method::POST).then(|| location(public_url, &op.path));
    outcome(op, e.status, location, None, Some(e.body()))
}

fn location(public_url: &str, path: &str) -> String {
    format!(
        "{}/scim2/{}",
        public_url.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

/// Runs one operation through the resources' router, as its own request.
async fn run(
    router: &Router,
    caller: &ScimCaller,
    public_url: &str,
    op: &Op,
    ids: &HashMap<String, String>,
) -> (Value, Option<String>, bool) {
    let path = refs::resolve_path(&op.path, ids);
    if !path_fits(&op.method, &path) {
        let e = ScimError::bad(
            ScimType::InvalidPath,
            format!(
                "{} {path}: a Bulk operation POSTs to /Users or /Groups, and PUTs, PATCHes or \
                 DELETEs /Users/{{id}} or /Groups/{{id}}.",
                op.method
            ),
        );
        return (failed(op, public_url, &e), None, false);
    }
    let mut data = op.data.clone();
    if let Some(d) = data.as_mut() {
        refs::resolve_data(d, ids);
    }
    let body = data.map_or_else(Body::empty, |d| Body::from(d.to_string()));
    let mut req = Request::new(body);
    *req.method_mut() = op.method.clone();
    let uri = if path.starts_with('/') {
        path.clone()
    } else {
        format!("/{path}")
    };
    match uri.parse() {
        Ok(u) => *req.uri_mut() = u,
        Err(_) => {
            let e = ScimError::bad(
                ScimType::InvalidPath,
                format!("{path} is not a valid path."),
            );
            return (failed(op, public_url, &e), None, false);
        }
    }
    let headers = req.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(super::CONTENT_TYPE),
    );
    if let Some(v) = op
        .version
        .as_deref()
        .and_then(|v| HeaderValue::from_str(v).ok())
    {
        headers.insert(header::IF_MATCH, v);
    }
    req.extensions_mut().insert(caller.clone());
    let res = match router.clone().oneshot(req).await {
        Ok(res) => res,
        Err(never) => match never {},
    };
    let status = res.status();
    let (parts, body) = res.into_parts();
    let header_of = |h: header::HeaderName| {
        parts
            .headers
            .get(h)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let version = header_of(header::ETAG);
    let mut location = header_of(header::LOCATION);
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    if location.is_none() && op.method != Method::POST {
        location = Some(self::location(public_url, &uri));
    }
    if !status.is_success() {
        return (outcome(op, status, location, None, Some(body)), None, false);
    }
    let created = body.get("id").and_then(Value::as_str).map(str::to_owned);
    (outcome(op, status, location, version, None), created, true)
}

async fn bulk(
    State(state): State<AppState>,
    caller: ScimCaller,
    req: Request,
) -> Result<Scim<Value>, ScimError> {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, BULK_MAX_PAYLOAD).await.map_err(|_| {
        too_large(
            None,
            format!("A Bulk request may carry at most {BULK_MAX_PAYLOAD} bytes (maxPayloadSize). Nothing was changed."),
        )
    })?;
    let req = Request::from_parts(parts, Body::from(bytes));
    let super::ScimJson(body) =
        <super::ScimJson<Value> as axum::extract::FromRequest<()>>::from_request(req, &()).await?;
    let schemas_ok = body
        .get("schemas")
        .and_then(Value::as_array)
        .is_some_and(|s| s.iter().any(|v| v.as_str() == Some(BULK_REQUEST_SCHEMA)));
    if !schemas_ok {
        return Err(bad_syntax(format!(
            "schemas must be [\"{BULK_REQUEST_SCHEMA}\"]."
        )));
    }
    let list = body
        .get("Operations")
        .and_then(Value::as_array)
        .ok_or_else(|| bad_syntax("Operations must be a list of operations."))?;
    if list.len() > BULK_MAX_OPERATIONS {
        return Err(too_large(
            Some(ScimType::TooMany),
            format!(
                "A Bulk request may carry at most {BULK_MAX_OPERATIONS} operations \
                 (maxOperations), not {}. Nothing was changed.",
                list.len()
            ),
        ));
    }
    let fail_on = match body.get("failOnErrors") {
        None | Some(Value::Null) => None,
        Some(v) => Some(v.as_u64().filter(|n| *n > 0).ok_or_else(|| {
            ScimError::bad(
                ScimType::InvalidValue,
                "failOnErrors must be a positive integer.",
            )
        })?),
    };
    let ops = list
        .iter()
        .enumerate()
        .map(|(i, v)| parse_op(i, v))
        .collect::<Result<Vec<Op>, ScimError>>()?;
    let defined: HashMap<&str, usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, op)| op.method == Method::POST)
        .filter_map(|(i, op)| op.bulk_id.as_deref().map(|b| (b, i)))
        .collect();

    let router = super::resources().with_state(state.clone());
    let mut ids: HashMap<String, String> = HashMap::new();
    let mut failed_ids: Vec<String> = Vec::new();
    let mut done = vec![false; ops.len()];
    let mut results = Vec::new();
    let mut errors = 0_u64;
    // Runs whatever is ready, in request order, until nothing more can run: an operation
    // waits for the POSTs its bulkIds name.
    'passes: loop {
        let mut progressed = false;
        for (i, op) in ops.iter().enumerate() {
            if done.get(i).copied().unwrap_or(true) {
                continue;
            }
            let unknown = op.refs.iter().find(|r| !defined.contains_key(r.as_str()));
            let broken = op.refs.iter().find(|r| failed_ids.contains(r));
            let waiting = op.refs.iter().any(|r| !ids.contains_key(r));
            let result = if let Some(r) = unknown {
                Some((
                    failed(
                        op,
                        &state.public_url,
                        &ScimError::bad(
                            ScimType::InvalidValue,
                            format!("bulkId:{r} names no POST operation of this request."),
                        ),
                    ),
                    None,
                    false,
                ))
            } else if let Some(r) = broken {
                Some((failed(op, &state.public_url, &ScimError::new(
                    StatusCode::CONFLICT,
                    None,
                    format!("bulkId:{r} names an operation that failed, so this one cannot run."),
                )), None, false))
            } else if waiting {
                None
            } else {
                Some(run(&router, &caller, &state.public_url, op, &ids).await)
            };
            let Some((value, created, ok)) = result else {
                continue;
            };
            progressed = true;
            if let Some(d) = done.get_mut(i) {
                *d = true;
            }
            results.push(value);
            if let Some(b) = op.bulk_id.clone() {
                match created {
                    Some(id) if ok => {
                        ids.insert(b, id);
                    }
                    _ => failed_ids.push(b),
                }
            }
            if !ok {
                errors += 1;
                if fail_on.is_some_and(|n| errors >= n) {
                    break 'passes;
                }
            }
        }
        if !progressed {
            break;
        }
    }
    // What is left waits on a cycle of bulkId references.
    if fail_on.is_none_or(|n| errors < n) {
        for (i, op) in ops.iter().enumerate() {
            if !done.get(i).copied().unwrap_or(true) {
                let e = ScimError::new(
                    StatusCode::CONFLICT,
                    None,
                    format!(
                        "The bulkId references of this operation ({}) form a cycle that cannot \
                         be resolved. It was not run.",
                        op.refs.join(", ")
                    ),
                );
                results.push(failed(op, &state.public_url, &e));
                errors += 1;
                if fail_on.is_some_and(|n| errors >= n) {
                    break;
                }
            }
        }
    }
    Ok(Scim::ok(json!({
        "schemas": [BULK_RESPONSE_SCHEMA],
        "Operations": results,
    })))
}
