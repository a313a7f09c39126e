//! List parameters (RFC 7644 §3.4.2: `filter`, `startIndex`, `count`, `sortBy`, `sortOrder`,
//! `attributes`, `excludedAttributes`), from the query string or a `.search` body, and the
//! attribute projection applied to every answer.

use super::{base, refusal, wire};
use crate::scim::{Scim, ScimError, ScimType, LIST_SCHEMA, MAX_RESULTS, USER_SCHEMA};
use crate::AppState;
use roster_domain::scim::{AttrPath, Filter, SortOrder};
use roster_domain::Principal;
use roster_service::scim::users::ScimListQuery;
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// The search request's URN (RFC 7644 §3.4.3).
const SEARCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

fn bad(detail: impl Into<String>) -> ScimError {
    ScimError::bad(ScimType::InvalidValue, detail)
}

/// `attributes` / `excludedAttributes`, comma-separated.
#[derive(Debug, Default, Deserialize)]
pub struct Projection {
    pub attributes: Option<String>,
    #[serde(rename = "excludedAttributes")]
    pub excluded_attributes: Option<String>,
}

/// A parsed projection.
#[derive(Debug, Default)]
pub struct Parsed {
    include: Vec<AttrPath>,
    exclude: Vec<AttrPath>,
}

fn paths(list: Option<&str>) -> Result<Vec<AttrPath>, ScimError> {
    list.unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            AttrPath::parse(s)
                .map_err(|e| bad(format!("The attribute list names {s}, which it {e}.")))
        })
        .collect()
}

impl Projection {
    pub fn parse(&self) -> Result<Parsed, ScimError> {
        Ok(Parsed {
            include: paths(self.attributes.as_deref())?,
            exclude: paths(self.excluded_attributes.as_deref())?,
        })
    }
}

/// The object a path's attribute sits in (the resource or an extension) and its name.
fn container_key(resource: &Map<String, Value>, p: &AttrPath) -> (Option<String>, String) {
    let urn = p
        .urn
        .as_deref()
        .filter(|u| !u.eq_ignore_ascii_case(USER_SCHEMA));
    // `urn:…:enterprise:2.0:User` alone parses as URN `urn:…:2.0` and name `User`.
    let whole = format!("{}:{}", p.urn.as_deref().unwrap_or_default(), p.name);
    if resource.keys().any(|k| k.eq_ignore_ascii_case(&whole)) && p.sub.is_none() {
        return (None, whole);
    }
    (urn.map(str::to_owned), p.name.clone())
}

fn find_key(o: &Map<String, Value>, name: &str) -> Option<String> {
    o.keys().find(|k| k.eq_ignore_ascii_case(name)).cloned()
}

impl Parsed {
    /// The resource with only the asked attributes (`id` and `schemas` always stay).
    pub fn apply(&self, resource: Value) -> Value {
        let Value::Object(full) = resource else {
            return resource;
        };
        if !self.include.is_empty() {
            let mut out = Map::new();
            for k in ["schemas", "id"] {
                if let Some(v) = full.get(k) {
                    out.insert(k.to_owned(), v.clone());
                }
            }
            for p in &self.include {
                let (urn, name) = container_key(&full, p);
                let src = match &urn {
                    Some(u) => find_key(&full, u)
                        .and_then(|k| full.get(&k))
                        .and_then(Value::as_object),
                    None => Some(&full),
                };
                let Some(src) = src else { continue };
                let Some(k) = find_key(src, &name) else {
                    continue;
                };
                let Some(v) = src.get(&k) else { continue };
                let v = match (&p.sub, v) {
                    (Some(sub), Value::Object(o)) => match find_key(o, sub) {
                        Some(sk) => {
                            let mut m = match urn
                                .as_ref()
                                .and_then(|u| out.get(u))
                                .and_then(|c| c.get(&k))
                            {
                                Some(Value::Object(m)) => m.clone(),
                                _ => match out.get(&k) {
                                    Some(Value::Object(m)) if urn.is_none() => m.clone(),
                                    _ => Map::new(),
                                },
                            };
                            m.insert(sk.clone(), o.get(&sk).cloned().unwrap_or(Value::Null));
                            Value::Object(m)
                        }
                        None => continue,
                    },
                    (_, v) => v.clone(),
                };
                match &urn {
                    Some(u) => {
                        let uk = find_key(&full, u).unwrap_or_else(|| u.clone());
                        let slot = out.entry(uk).or_insert_with(|| json!({}));
                        if let Some(o) = slot.as_object_mut() {
                            o.insert(k, v);
                        }
                    }
                    None => {
                        out.insert(k, v);
                    }
                }
            }
            return Value::Object(out);
        }
        let mut out = full;
        for p in &self.exclude {
            let (urn, name) = container_key(&out, p);
            if urn.is_none() && (name == "id" || name == "schemas") {
                continue;
            }
            let target = match &urn {
                Some(u) => find_key(&out, u)
                    .and_then(|k| out.get_mut(&k))
                    .and_then(Value::as_object_mut),
                None => Some(&mut out),
            };
            let Some(target) = target else { continue };
            let Some(k) = find_key(target, &name) else {
                continue;
            };
            match &p.sub {
                Some(sub) => {
                    if let Some(o) = target.get_mut(&k).and_then(Value::as_object_mut) {
                        if let Some(sk) = find_key(o, sub) {
                            o.remove(&sk);
                        }
                    }
                }
                None => {
                    target.remove(&k);
                }
            }
        }
        Value::Object(out)
    }
}

/// A list request as sent.
#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    pub filter: Option<String>,
    #[serde(rename = "startIndex")]
    pub start_index: Option<String>,
    pub count: Option<String>,
    #[serde(rename = "sortBy")]
    pub sort_by: Option<String>,
    #[serde(rename = "sortOrder")]
    pub sort_order: Option<String>,
    #[serde(flatten)]
    pub projection: Projection,
}

impl ListParams {
    /// From a `POST /Users/.search` body.
    pub fn from_search(body: &Value) -> Result<Self, ScimError> {
        let Some(o) = body.as_object() else {
            return Err(ScimError::bad(
                ScimType::InvalidSyntax,
                "A search must be an object.",
            ));
        };
        let ok = matches!(wire::get(o, "schemas"), Some(Value::Array(a))
            if a.iter().any(|s| s.as_str().is_some_and(|s| s.eq_ignore_ascii_case(SEARCH_SCHEMA))));
        if !ok {
            return Err(ScimError::bad(
                ScimType::InvalidSyntax,
                format!("schemas must list {SEARCH_SCHEMA}."),
            ));
        }
        let text = |k: &str| -> Option<String> {
            match wire::get(o, k)? {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                Value::Array(a) => Some(
                    a.iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(","),
                ),
                _ => None,
            }
        };
        Ok(Self {
            filter: text("filter"),
            start_index: text("startIndex"),
            count: text("count"),
            sort_by: text("sortBy"),
            sort_order: text("sortOrder"),
            projection: Projection {
                attributes: text("attributes"),
                excluded_attributes: text("excludedAttributes"),
            },
        })
    }
}

fn number(v: Option<&str>, what: &str) -> Result<Option<i64>, ScimError> {
    v.map(|s| {
        s.trim()
            .parse::<i64>()
            .map_err(|_| bad(format!("{what} must be a whole number, not {s}.")))
    })
    .transpose()
}

/// Runs a list request.
pub async fn run(state: &AppState, p: &Principal, q: ListParams) -> Result<Scim<Value>, ScimError> {
    let filter = q
        .filter
        .as_deref()
        .filter(|f| !f.trim().is_empty())
        .map(|f| Filter::parse(f).map_err(|e| ScimError::invalid_filter(&e)))
        .transpose()?;
    // RFC 7644 §3.4.2.4: below 1 means 1; a negative count means 0.
    let start = number(q.start_index.as_deref(), "startIndex")?
        .unwrap_or(1)
        .max(1);
    let max = i64::try_from(MAX_RESULTS).unwrap_or(200);
    let count = number(q.count.as_deref(), "count")?
        .unwrap_or(max)
        .clamp(0, max);
    let sort_by = q
        .sort_by
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            AttrPath::parse(s)
                .map_err(|e| ScimError::bad(ScimType::InvalidValue, format!("sortBy {s}: it {e}.")))
        })
        .transpose()?;
    let descending = match q.sort_order.as_deref().map(str::trim) {
        None | Some("") => false,
        Some(o) => match SortOrder::parse(o) {
            Some(SortOrder::Descending) => true,
            Some(_) => false,
            None => {
                return Err(bad(format!(
                    "sortOrder must be ascending or descending, not {o}."
                )))
            }
        },
    };
    let projection = q.projection.parse()?;
    let page = state
        .service
        .scim_list_users(
            p,
            ScimListQuery {
                filter: filter.as_ref(),
                sort_by: sort_by.as_ref(),
                descending,
                offset: u64::try_from(start - 1).unwrap_or(0),
                limit: u32::try_from(count).unwrap_or(0),
            },
        )
        .await
        .map_err(refusal)?;
    let base = base(state);
    let resources: Vec<Value> = page
        .users
        .iter()
        .map(|u| projection.apply(wire::to_json(u, &base)))
        .collect();
    Ok(Scim::ok(json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": page.total,
        "startIndex": start,
        "itemsPerPage": resources.len(),
        "Resources": resources,
    })))
}
