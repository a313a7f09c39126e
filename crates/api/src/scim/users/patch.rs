//! PATCH (RFC 7644 §3.5.2) applied to a User resource held as JSON: `add`, `replace` and
//! `remove` (operation names in any case, as Entra sends `Replace`), with and without `path`,
//! value paths such as `emails[type eq "work"].value`, and extension attributes by full URN
//! path. The result is then validated like a PUT body, so PATCH and PUT share every rule.
//!
//! Roster keeps one email (the userName) and one phone number, so `add` on `emails` or
//! `phoneNumbers` without a filter replaces the value rather than appending a second one.

use super::wire::{get, CORE};
use crate::scim::{
    ScimError, ScimType, ENTERPRISE_SCHEMA, PATCH_SCHEMA, ROSTER_USER_SCHEMA, USER_SCHEMA,
};
use roster_domain::scim::{matches_value, AttrPath, AttributeTypes, CompValue, CompareOp};
use roster_domain::scim::{Filter, PatchPath};
use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Add,
    Replace,
    Remove,
}

fn syntax(detail: impl Into<String>) -> ScimError {
    ScimError::bad(ScimType::InvalidSyntax, detail)
}

fn invalid_path(detail: impl Into<String>) -> ScimError {
    ScimError::bad(ScimType::InvalidPath, detail)
}

/// Applies a PatchOp body to `resource`.
pub fn apply(resource: &mut Value, body: &Value) -> Result<(), ScimError> {
    let Some(body) = body.as_object() else {
        return Err(syntax("A PATCH body must be a JSON object."));
    };
    let schemas_ok = matches!(get(body, "schemas"), Some(Value::Array(a))
        if a.iter().any(|s| s.as_str().is_some_and(|s| s.eq_ignore_ascii_case(PATCH_SCHEMA))));
    if !schemas_ok {
        return Err(syntax(format!("schemas must list {PATCH_SCHEMA}.")));
    }
    let ops = match get(body, "Operations") {
        Some(Value::Array(ops)) if !ops.is_empty() => ops,
        _ => return Err(syntax("Operations must be a non-empty list.")),
    };
    let Some(res) = resource.as_object_mut() else {
        return Err(syntax("The resource is not an object."));
    };
    for (i, op) in ops.iter().enumerate() {
        let Some(op) = op.as_object() else {
            return Err(syntax(format!("Operation {i} must be an object.")));
        };
        let kind = match get(op, "op").and_then(Value::as_str) {
            Some(o) if o.eq_ignore_ascii_case("add") => Op::Add,
            Some(o) if o.eq_ignore_ascii_case("replace") => Op::Replace,
            Some(o) if o.eq_ignore_ascii_case("remove") => Op::Remove,
            other => {
                return Err(syntax(format!(
                    "Operation {i}: op must be add, replace or remove, not {}.",
                    other.unwrap_or("missing")
                )))
            }
        };
        let value = get(op, "value").cloned().unwrap_or(Value::Null);
        match get(op, "path").and_then(Value::as_str) {
            Some(p) => {
                let path = PatchPath::parse(p).map_err(|e| ScimError::invalid_path(&e))?;
                apply_path(res, kind, &path, value)?;
            }
            None if kind == Op::Remove => {
                return Err(ScimError::bad(
                    ScimType::NoTarget,
                    format!("Operation {i}: remove needs a path."),
                ))
            }
            None => {
                let Value::Object(values) = value else {
                    return Err(syntax(format!(
                        "Operation {i}: without a path, value must be an object of attributes."
                    )));
                };
                for (k, v) in values {
                    let ext = [ENTERPRISE_SCHEMA, ROSTER_USER_SCHEMA]
                        .into_iter()
                        .find(|u| u.eq_ignore_ascii_case(&k));
                    match (ext, v) {
                        (Some(urn), Value::Object(inner)) => {
                            for (k2, v2) in inner {
                                let attr = AttrPath {
                                    urn: Some(urn.to_owned()),
                                    ..AttrPath::new(&k2)
                                };
                                apply_path(res, kind, &PatchPath::Attr(attr), v2)?;
                            }
                        }
                        (_, v) if k.eq_ignore_ascii_case("schemas") => drop(v),
                        (_, v) => {
                            // Entra sends dotted and URN-qualified names as keys.
                            let path =
                                PatchPath::parse(&k).map_err(|e| ScimError::invalid_path(&e))?;
                            apply_path(res, kind, &path, v)?;
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

/// An attribute's container and its name there.
type Slot<'a> = (&'a mut Map<String, Value>, String);

/// Where an attribute lives: its container (the resource or an extension object) and its
/// canonical name; `None` for an RFC attribute Roster ignores.
fn locate<'a>(
    res: &'a mut Map<String, Value>,
    attr: &AttrPath,
) -> Result<Option<Slot<'a>>, ScimError> {
    let urn = attr.urn.as_deref();
    let (names, container): (&[&str], Option<&str>) = match urn {
        None => (CORE, None),
        Some(u) if u.eq_ignore_ascii_case(USER_SCHEMA) => (CORE, None),
        Some(u) if u.eq_ignore_ascii_case(ENTERPRISE_SCHEMA) => (
            &["department", "employeeNumber", "manager"],
            Some(ENTERPRISE_SCHEMA),
        ),
        Some(u) if u.eq_ignore_ascii_case(ROSTER_USER_SCHEMA) => {
            (&["userType", "role", "addOns"], Some(ROSTER_USER_SCHEMA))
        }
        Some(u) => return Err(invalid_path(format!("Users have no schema {u}."))),
    };
    let read_only = ["id", "meta", "schemas", "status"];
    if read_only.iter().any(|r| r.eq_ignore_ascii_case(&attr.name)) {
        return Err(ScimError::bad(
            ScimType::Mutability,
            format!("{attr} is read-only."),
        ));
    }
    let Some(name) = names
        .iter()
        .find(|n| n.eq_ignore_ascii_case(&attr.name))
        .copied()
    else {
        let ignored = [
            "nickName",
            "profileUrl",
            "userType",
            "locale",
            "ims",
            "photos",
        ];
        if container.is_none() && ignored.iter().any(|n| n.eq_ignore_ascii_case(&attr.name)) {
            return Ok(None);
        }
        return Err(invalid_path(format!(
            "Users have no attribute {attr} that Roster keeps (see /scim2/Schemas)."
        )));
    };
    let target = match container {
        None => res,
        Some(c) => {
            let key = res
                .keys()
                .find(|k| k.eq_ignore_ascii_case(c))
                .cloned()
                .unwrap_or_else(|| c.to_owned());
            let slot = res.entry(key).or_insert_with(|| Value::Object(Map::new()));
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            match slot.as_object_mut() {
                Some(m) => m,
                None => return Err(syntax("Extension is not an object.")),
            }
        }
    };
    let key = target
        .keys()
        .find(|k| k.eq_ignore_ascii_case(name))
        .cloned()
        .unwrap_or_else(|| name.to_owned());
    Ok(Some((target, key)))
}

fn is_multi(name: &str) -> bool {
    name == "emails" || name == "phoneNumbers"
}

fn merge(slot: &mut Value, value: Value) {
    match (slot.as_object_mut(), value) {
        (Some(o), Value::Object(v)) => o.extend(v),
        (_, value) => *slot = value,
    }
}

fn apply_path(
    res: &mut Map<String, Value>,
    op: Op,
    path: &PatchPath,
    value: Value,
) -> Result<(), ScimError> {
    let attr = path.attr();
    // A bare extension URN (`urn:…:enterprise:2.0:User`) parses as URN `urn:…:2.0` and name
    // `User`: it names the whole extension object.
    if let (PatchPath::Attr(a), Some(urn)) = (path, attr.urn.as_deref()) {
        let whole = format!("{urn}:{}", a.name);
        if let Some(ext) = [ENTERPRISE_SCHEMA, ROSTER_USER_SCHEMA]
            .into_iter()
            .find(|u| u.eq_ignore_ascii_case(&whole) && a.sub.is_none())
        {
            return apply_extension(res, op, ext, value);
        }
    }
    let Some((container, key)) = locate(res, attr)? else {
        return Ok(());
    };
    match path {
        PatchPath::Attr(a) => match (&a.sub, op) {
            (None, Op::Remove) => {
                container.remove(&key);
            }
            (None, _) if is_multi(&key) => {
                let list = match value {
                    Value::Array(a) => a,
                    v => vec![v],
                };
                container.insert(key, Value::Array(list));
            }
            (None, Op::Add | Op::Replace) => {
                let slot = container.entry(key).or_insert(Value::Null);
                merge(slot, value);
            }
            (Some(sub), _) => {
                let slot = container
                    .entry(key.clone())
                    .or_insert_with(|| Value::Object(Map::new()));
                let targets: Vec<&mut Value> = match slot {
                    Value::Array(items) => items.iter_mut().collect(),
                    other => {
                        if !other.is_object() {
                            *other = Value::Object(Map::new());
                        }
                        vec![other]
                    }
                };
                for t in targets {
                    if let Some(o) = t.as_object_mut() {
                        let k = o
                            .keys()
                            .find(|k| k.eq_ignore_ascii_case(sub))
                            .cloned()
                            .unwrap_or_else(|| sub.clone());
                        if op == Op::Remove {
                            o.remove(&k);
                        } else {
                            o.insert(k, value.clone());
                        }
                    }
                }
            }
        },
        PatchPath::Value { filter, sub, .. } => {
            if !is_multi(&key) {
                return Err(invalid_path(format!(
                    "{attr} is not multi-valued, so it takes no [filter]."
                )));
            }
            let types = AttributeTypes::common();
            let slot = container
                .entry(key.clone())
                .or_insert_with(|| Value::Array(Vec::new()));
            if !slot.is_array() {
                *slot = Value::Array(Vec::new());
            }
            let Value::Array(items) = slot else {
                return Ok(());
            };
            let attr_path = AttrPath::new(&key);
            let mut hits: Vec<usize> = (0..items.len())
                .filter(|i| {
                    items
                        .get(*i)
                        .is_some_and(|v| matches_value(filter, &attr_path, v, &types))
                })
                .collect();
            if hits.is_empty() && op != Op::Remove {
                // `phoneNumbers[type eq "work"].value` on a user without one: the value the
                // filter names is created (what Entra and Okta expect).
                if let Filter::Compare(p, CompareOp::Eq, CompValue::String(s)) = filter {
                    let mut o = Map::new();
                    o.insert(p.name.clone(), Value::String(s.clone()));
                    items.clear();
                    items.push(Value::Object(o));
                    hits.push(0);
                }
            }
            if hits.is_empty() {
                return Err(ScimError::bad(
                    ScimType::NoTarget,
                    format!("The path {path} matches no value of {key}."),
                ));
            }
            for i in hits.iter().rev() {
                match (sub, op) {
                    (None, Op::Remove) => {
                        items.remove(*i);
                    }
                    (Some(s), Op::Remove) if s.eq_ignore_ascii_case("value") => {
                        items.remove(*i);
                    }
                    (Some(s), _) => {
                        if let Some(o) = items.get_mut(*i).and_then(Value::as_object_mut) {
                            if op == Op::Remove {
                                o.remove(s);
                            } else {
                                o.insert(s.clone(), value.clone());
                            }
                        }
                    }
                    (None, _) => {
                        if let Some(item) = items.get_mut(*i) {
                            merge(item, value.clone());
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

/// An operation on a whole extension object: `add`/`replace` each attribute it carries,
/// `remove` all of them.
fn apply_extension(
    res: &mut Map<String, Value>,
    op: Op,
    ext: &str,
    value: Value,
) -> Result<(), ScimError> {
    if op == Op::Remove {
        if let Some(k) = res.keys().find(|k| k.eq_ignore_ascii_case(ext)).cloned() {
            res.insert(k, Value::Object(Map::new()));
        }
        return Ok(());
    }
    let Value::Object(values) = value else {
        return Err(syntax(format!("The value for {ext} must be an object.")));
    };
    for (k, v) in values {
        if k.eq_ignore_ascii_case("schemas") {
            continue;
        }
        let attr = AttrPath {
            urn: Some(ext.to_owned()),
            ..AttrPath::new(&k)
        };
        apply_path(res, op, &PatchPath::Attr(attr), v)?;
    }
    Ok(())
}
