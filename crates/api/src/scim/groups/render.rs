//! A group as SCIM shows it (RFC 7643 §4.2), and `attributes` / `excludedAttributes`
//! (RFC 7644 §3.4.2.5): which attributes an answer keeps. `id` and `schemas` are always
//! returned; `members` is read only when the answer keeps it.

use crate::scim::{ScimError, ScimType, GROUP_SCHEMA};
use roster_domain::scim::AttrPath;
use roster_service::scim::groups::{Member, ScimGroup};
use serde_json::{json, Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A dateTime as SCIM writes it (RFC 3339, UTC).
pub fn date_time(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// Where a group lives: `{public_url}/scim2/Groups/{id}`.
pub fn location(base: &str, id: &str) -> String {
    format!("{}/scim2/Groups/{id}", base.trim_end_matches('/'))
}

/// Where a user lives: `{public_url}/scim2/Users/{id}`.
pub fn user_location(base: &str, id: &str) -> String {
    format!("{}/scim2/Users/{id}", base.trim_end_matches('/'))
}

/// The group without `members`.
pub fn group(base: &str, g: &ScimGroup) -> Value {
    let mut body = json!({
        "schemas": [GROUP_SCHEMA],
        "id": g.id,
        "displayName": g.name,
        "meta": {
            "resourceType": "Group",
            "created": date_time(g.created_at),
            "lastModified": date_time(g.updated_at),
            "location": location(base, &g.id),
            "version": crate::scim::etag(&g.version.to_string()),
        },
    });
    if let (Some(ext), Some(obj)) = (&g.external_id, body.as_object_mut()) {
        obj.insert("externalId".into(), json!(ext));
    }
    body
}

/// Members as `members` values: `value`, `$ref` and `type`, the sub-attributes RFC 7643
/// §8.7.1's Group schema gives them (and discovery describes).
pub fn members(base: &str, page: &[Member], out: &mut Vec<Value>) {
    out.extend(page.iter().map(|m| {
        json!({
            "value": m.id,
            "$ref": user_location(base, &m.id),
            "type": "User",
        })
    }));
}

/// `attributes` or `excludedAttributes`, as asked for.
#[derive(Debug, Clone, Default)]
pub struct Projection {
    only: Vec<AttrPath>,
    excluded: Vec<AttrPath>,
}

fn paths(list: Option<&str>, param: &str) -> Result<Vec<AttrPath>, ScimError> {
    let Some(list) = list else {
        return Ok(Vec::new());
    };
    list.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let path = AttrPath::parse(p).map_err(|e| {
                ScimError::bad(
                    ScimType::InvalidValue,
                    format!("{param}: \"{p}\" is not an attribute path: it {e}."),
                )
            })?;
            match &path.urn {
                Some(urn) if !urn.eq_ignore_ascii_case(GROUP_SCHEMA) => Err(ScimError::bad(
                    ScimType::InvalidValue,
                    format!("{param}: a Group has no attributes of the schema {urn}."),
                )),
                _ => Ok(AttrPath { urn: None, ..path }),
            }
        })
        .collect()
}

impl Projection {
    pub fn parse(attributes: Option<&str>, excluded: Option<&str>) -> Result<Self, ScimError> {
        Ok(Self {
            only: paths(attributes, "attributes")?,
            excluded: paths(excluded, "excludedAttributes")?,
        })
    }

    /// Whether the answer shows `name` at all (or a sub-attribute of it).
    pub fn shows(&self, name: &str) -> bool {
        if self
            .excluded
            .iter()
            .any(|p| p.sub.is_none() && p.name.eq_ignore_ascii_case(name))
        {
            return false;
        }
        self.only.is_empty() || self.only.iter().any(|p| p.name.eq_ignore_ascii_case(name))
    }

    /// Keeps what was asked for in `body` (a group).
    pub fn apply(&self, body: &mut Value) {
        let Some(obj) = body.as_object_mut() else {
            return;
        };
        let always = |k: &str| k == "id" || k == "schemas";
        if !self.only.is_empty() {
            obj.retain(|k, _| {
                always(k) || self.only.iter().any(|p| p.name.eq_ignore_ascii_case(k))
            });
            for p in &self.only {
                if let Some(sub) = &p.sub {
                    keep_sub(obj, &p.name, sub, &self.only);
                }
            }
        }
        for p in &self.excluded {
            match &p.sub {
                None => obj.retain(|k, _| always(k) || !p.name.eq_ignore_ascii_case(k)),
                Some(sub) => drop_sub(obj, &p.name, sub),
            }
        }
    }
}

fn each_object(v: &mut Value, mut f: impl FnMut(&mut Map<String, Value>)) {
    match v {
        Value::Object(o) => f(o),
        Value::Array(items) => items
            .iter_mut()
            .filter_map(Value::as_object_mut)
            .for_each(f),
        _ => {}
    }
}

fn keep_sub(obj: &mut Map<String, Value>, name: &str, sub: &str, only: &[AttrPath]) {
    // `attributes=meta` and `attributes=meta.version` together keep all of meta.
    if only
        .iter()
        .any(|p| p.sub.is_none() && p.name.eq_ignore_ascii_case(name))
    {
        return;
    }
    let wanted: Vec<&str> = only
        .iter()
        .filter(|p| p.name.eq_ignore_ascii_case(name))
        .filter_map(|p| p.sub.as_deref())
        .collect();
    let _ = sub;
    for (k, v) in obj.iter_mut() {
        if k.eq_ignore_ascii_case(name) {
            each_object(v, |o| {
                o.retain(|k, _| wanted.iter().any(|w| w.eq_ignore_ascii_case(k)))
            });
        }
    }
}

fn drop_sub(obj: &mut Map<String, Value>, name: &str, sub: &str) {
    for (k, v) in obj.iter_mut() {
        if k.eq_ignore_ascii_case(name) {
            each_object(v, |o| o.retain(|k, _| !k.eq_ignore_ascii_case(sub)));
        }
    }
}
