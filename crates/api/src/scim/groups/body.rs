//! Group bodies in: a resource (POST, PUT) and a PatchOp (RFC 7644 §3.5.2), turned into the
//! service's [`GroupChanges`]. PATCH takes what identity providers send: `add`/`remove`/
//! `replace` of `members` (a list of `{"value": id}`), `members[value eq "id"]` removal,
//! `displayName` and `externalId`, with or without a path, ops in any letter case.

use crate::scim::{ScimError, ScimType, GROUP_SCHEMA, PATCH_SCHEMA};
use roster_domain::scim::{AttrPath, CompValue, CompareOp, Filter, PatchPath};
use roster_service::scim::groups::{GroupChanges, MembersChange};
use serde_json::{Map, Value};

fn invalid(detail: impl Into<String>) -> ScimError {
    ScimError::bad(ScimType::InvalidValue, detail)
}

/// Refuses a body whose `schemas` is not exactly `[want]`.
pub fn check_schemas(body: &Value, want: &str) -> Result<(), ScimError> {
    let schemas = body.get("schemas").and_then(Value::as_array);
    let ok = schemas.is_some_and(|s| {
        !s.is_empty()
            && s.iter()
                .all(|v| v.as_str().is_some_and(|v| v.eq_ignore_ascii_case(want)))
    });
    if ok {
        Ok(())
    } else {
        Err(ScimError::bad(
            ScimType::InvalidSyntax,
            format!("schemas must be [\"{want}\"]."),
        ))
    }
}

fn object(body: &Value) -> Result<&Map<String, Value>, ScimError> {
    body.as_object()
        .ok_or_else(|| ScimError::bad(ScimType::InvalidSyntax, "The body must be a JSON object."))
}

/// The attribute a key or path names, the Group schema's URN allowed in front.
fn attr(name: &str) -> Result<String, ScimError> {
    let p = AttrPath::parse(name).map_err(|e| ScimError::invalid_path(&e))?;
    if let Some(urn) = &p.urn {
        if !urn.eq_ignore_ascii_case(GROUP_SCHEMA) {
            return Err(ScimError::bad(
                ScimType::InvalidPath,
                format!("A Group has no attribute {p}."),
            ));
        }
    }
    Ok(match &p.sub {
        Some(sub) => format!("{}.{sub}", p.name),
        None => p.name.clone(),
    }
    .to_ascii_lowercase())
}

fn string(v: &Value, name: &str) -> Result<String, ScimError> {
    v.as_str()
        .map(str::to_owned)
        .ok_or_else(|| invalid(format!("{name} must be a string.")))
}

/// The user ids of a `members` value: an array of `{"value": id}` (a single object too).
pub fn member_ids(v: &Value) -> Result<Vec<String>, ScimError> {
    let one = |m: &Value| {
        m.get("value")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| {
                invalid(format!(
                    "Each member must be an object with a string value (a user id), not {m}."
                ))
            })
    };
    match v {
        Value::Array(items) => items.iter().map(one).collect(),
        Value::Object(_) => Ok(vec![one(v)?]),
        Value::Null => Ok(Vec::new()),
        other => Err(invalid(format!(
            "members must be a list of {{\"value\": user id}}, not {other}."
        ))),
    }
}

/// A Group resource as POST and PUT send it: `(displayName, externalId, member ids)`.
pub fn resource(body: &Value) -> Result<(String, Option<String>, Vec<String>), ScimError> {
    check_schemas(body, GROUP_SCHEMA)?;
    let mut name = None;
    let mut ext = None;
    let mut members = Vec::new();
    for (k, v) in object(body)? {
        match attr(k).unwrap_or_default().as_str() {
            "displayname" => name = Some(string(v, "displayName")?),
            "externalid" if v.is_null() => ext = None,
            "externalid" => ext = Some(string(v, "externalId")?),
            "members" => members = member_ids(v)?,
            // Set by Roster; a client's copy is ignored (RFC 7643 §3.1, readOnly).
            "schemas" | "id" | "meta" => {}
            _ => {
                return Err(invalid(format!(
                    "A Group has no attribute {k}: it has displayName, externalId and members."
                )))
            }
        }
    }
    let name = name.ok_or_else(|| invalid("displayName is required."))?;
    Ok((name, ext, members))
}

/// The user ids a removal filter selects: `value eq "id"`, several joined by `or`.
fn selected_ids(f: &Filter, out: &mut Vec<String>) -> bool {
    match f {
        Filter::Or(a, b) => selected_ids(a, out) && selected_ids(b, out),
        Filter::Compare(p, CompareOp::Eq, CompValue::String(id))
            if p.name.eq_ignore_ascii_case("value") && p.sub.is_none() =>
        {
            out.push(id.clone());
            true
        }
        _ => false,
    }
}

/// Sets `name`/`externalId`/`members` from an add or replace without a path (or one naming
/// an attribute): `members` is added for `add`, replaced for `replace`.
fn set(changes: &mut GroupChanges, name: &str, v: &Value, replace: bool) -> Result<(), ScimError> {
    match name {
        "displayname" => changes.display_name = Some(string(v, "displayName")?),
        "externalid" if v.is_null() => changes.external_id = Some(None),
        "externalid" => changes.external_id = Some(Some(string(v, "externalId")?)),
        "members" if replace => changes.members.push(MembersChange::Replace(member_ids(v)?)),
        "members" => changes.members.push(MembersChange::Add(member_ids(v)?)),
        "id" | "meta" | "schemas" => {
            return Err(ScimError::bad(
                ScimType::Mutability,
                format!("{name} is set by Roster and cannot be changed."),
            ))
        }
        other => {
            return Err(ScimError::bad(
                ScimType::InvalidPath,
                format!(
                    "A Group has no attribute {other}: it has displayName, externalId and members."
                ),
            ))
        }
    }
    Ok(())
}

/// A PatchOp body as the changes it asks for, in order.
pub fn patch(body: &Value) -> Result<GroupChanges, ScimError> {
    check_schemas(body, PATCH_SCHEMA)?;
    let ops = object(body)?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("Operations"))
        .and_then(|(_, v)| v.as_array())
        .filter(|ops| !ops.is_empty())
        .ok_or_else(|| {
            ScimError::bad(
                ScimType::InvalidSyntax,
                "Operations must list at least one operation.",
            )
        })?;
    let mut changes = GroupChanges::default();
    for op in ops {
        let get = |k: &str| {
            op.as_object()
                .and_then(|o| o.iter().find(|(key, _)| key.eq_ignore_ascii_case(k)))
                .map(|(_, v)| v)
        };
        let kind = get("op")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_ascii_lowercase();
        let path = get("path")
            .and_then(Value::as_str)
            .filter(|p| !p.trim().is_empty());
        let value = get("value").unwrap_or(&Value::Null);
        match (kind.as_str(), path) {
            ("add" | "replace", None) => {
                let obj = value.as_object().ok_or_else(|| {
                    invalid("An add or replace without a path takes an object of attributes.")
                })?;
                for (k, v) in obj {
                    set(&mut changes, &attr(k)?, v, kind == "replace")?;
                }
            }
            ("add" | "replace", Some(path)) => match PatchPath::parse(path)
                .map_err(|e| ScimError::invalid_path(&e))?
            {
                PatchPath::Attr(_) => set(&mut changes, &attr(path)?, value, kind == "replace")?,
                PatchPath::Value { .. } => {
                    return Err(ScimError::bad(
                        ScimType::InvalidPath,
                        format!(
                            "{path}: add or replace members as a whole list (path \"members\"); \
                             a filter selects members only to remove them."
                        ),
                    ))
                }
            },
            ("remove", None) => {
                return Err(ScimError::bad(
                    ScimType::NoTarget,
                    "A remove operation needs a path.",
                ))
            }
            ("remove", Some(path)) => {
                match PatchPath::parse(path).map_err(|e| ScimError::invalid_path(&e))? {
                    PatchPath::Attr(_) => match attr(path)?.as_str() {
                        "members" if value.is_null() => changes.members.push(MembersChange::Clear),
                        "members" => changes
                            .members
                            .push(MembersChange::Remove(member_ids(value)?)),
                        "externalid" => changes.external_id = Some(None),
                        "displayname" => {
                            return Err(ScimError::bad(
                                ScimType::Mutability,
                                "displayName is required and cannot be removed.",
                            ))
                        }
                        other => {
                            return Err(ScimError::bad(
                                ScimType::InvalidPath,
                                format!("A Group has no attribute {other} to remove."),
                            ))
                        }
                    },
                    PatchPath::Value {
                        attr: a,
                        filter,
                        sub,
                    } => {
                        let mut ids = Vec::new();
                        if !a.name.eq_ignore_ascii_case("members")
                            || sub.is_some()
                            || !selected_ids(&filter, &mut ids)
                        {
                            return Err(ScimError::bad(
                                ScimType::InvalidPath,
                                format!(
                                    "{path}: Roster removes members selected as \
                                     members[value eq \"<user id>\"] (several joined by or)."
                                ),
                            ));
                        }
                        changes.members.push(MembersChange::RemoveSelected {
                            ids,
                            path: path.to_owned(),
                        });
                    }
                }
            }
            (other, _) => {
                return Err(ScimError::bad(
                    ScimType::InvalidSyntax,
                    format!("op must be add, remove or replace, not \"{other}\"."),
                ))
            }
        }
    }
    Ok(changes)
}
