//! A Roster user as a SCIM User resource (core, enterprise and Roster extension), and a SCIM
//! User body back into what the service takes. Attribute names are matched
//! case-insensitively (RFC 7643 §2.1). Attributes of the RFC's schemas that Roster does not
//! keep (`nickName`, `locale`, `addresses` …) are ignored, as identity providers send them
//! unasked; a name no schema defines is refused with `invalidValue`.

use crate::scim::{etag, ScimError, ScimType, ENTERPRISE_SCHEMA, ROSTER_USER_SCHEMA, USER_SCHEMA};
use roster_domain::{AddOns, UserStatus};
use roster_service::scim::users::ScimUserInput;
use roster_service::scim::users::ScimUserRecord;
use serde_json::{json, Map, Value};
use time::format_description::well_known::Rfc3339;

/// Core attributes Roster keeps.
pub const CORE: &[&str] = &[
    "userName",
    "name",
    "displayName",
    "emails",
    "active",
    "externalId",
    "title",
    "preferredLanguage",
    "timezone",
    "phoneNumbers",
];
/// Core User attributes of RFC 7643 that Roster accepts and ignores.
const IGNORED: &[&str] = &[
    "nickName",
    "profileUrl",
    "userType",
    "locale",
    "ims",
    "photos",
    "addresses",
    "groups",
    "entitlements",
    "roles",
    "x509Certificates",
];
/// Read-only attributes a client may send back (ignored).
const READ_ONLY: &[&str] = &["id", "meta", "schemas"];

fn time(t: time::OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// The user as a SCIM resource.
pub fn to_json(r: &ScimUserRecord, base: &str) -> Value {
    let u = &r.user;
    let mut o = Map::new();
    o.insert(
        "schemas".into(),
        json!([USER_SCHEMA, ENTERPRISE_SCHEMA, ROSTER_USER_SCHEMA]),
    );
    o.insert("id".into(), json!(u.id.as_str()));
    if let Some(ext) = &r.external_id {
        o.insert("externalId".into(), json!(ext));
    }
    o.insert("userName".into(), json!(u.email.as_str()));
    let mut name = Map::new();
    for (k, v) in [("givenName", &u.first_name), ("familyName", &u.last_name)] {
        if !v.is_empty() {
            name.insert(k.into(), json!(v));
        }
    }
    if !name.is_empty() {
        o.insert("name".into(), Value::Object(name));
    }
    if !u.display_name.is_empty() {
        o.insert("displayName".into(), json!(u.display_name));
    }
    o.insert(
        "emails".into(),
        json!([{"value": u.email.as_str(), "type": "work", "primary": true}]),
    );
    o.insert("active".into(), json!(u.status != UserStatus::Inactive));
    if !u.job_title.is_empty() {
        o.insert("title".into(), json!(u.job_title));
    }
    o.insert("preferredLanguage".into(), json!(u.language));
    if !u.timezone.is_empty() {
        o.insert("timezone".into(), json!(u.timezone));
    }
    if !u.phone_number.is_empty() {
        o.insert(
            "phoneNumbers".into(),
            json!([{"value": u.phone_number, "type": "work"}]),
        );
    }
    let mut ent = Map::new();
    if !u.dept.is_empty() {
        ent.insert("department".into(), json!(u.dept));
    }
    if !r.employee_number.is_empty() {
        ent.insert("employeeNumber".into(), json!(r.employee_number));
    }
    if let Some(m) = &r.manager_id {
        ent.insert("manager".into(), json!({ "value": m }));
    }
    if !ent.is_empty() {
        o.insert(ENTERPRISE_SCHEMA.into(), Value::Object(ent));
    }
    let mut add_ons = Map::new();
    if let Some(c) = u.add_ons.large_meeting {
        add_ons.insert("largeMeeting".into(), json!(c));
    }
    if let Some(c) = u.add_ons.webinar {
        add_ons.insert("webinar".into(), json!(c));
    }
    let mut roster = Map::new();
    roster.insert("userType".into(), json!(u.user_type.code()));
    roster.insert("role".into(), json!(u.role.id()));
    if !add_ons.is_empty() {
        roster.insert("addOns".into(), Value::Object(add_ons));
    }
    o.insert(ROSTER_USER_SCHEMA.into(), Value::Object(roster));
    let location = format!("{base}/Users/{}", u.id);
    o.insert(
        "meta".into(),
        json!({
            "resourceType": "User",
            "created": time(u.created_at),
            "lastModified": time(u.updated_at),
            "location": location,
            "version": etag(&r.version.to_string()),
        }),
    );
    Value::Object(o)
}

/// The value of `key` in `o`, matched case-insensitively.
pub fn get<'a>(o: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    o.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

fn bad(detail: String) -> ScimError {
    ScimError::bad(ScimType::InvalidValue, detail)
}

fn string(o: &Map<String, Value>, key: &str, what: &str) -> Result<Option<String>, ScimError> {
    match get(o, key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(v) => Err(bad(format!("{what} must be a string, not {v}."))),
    }
}

/// A boolean, also as the strings `"true"`/`"false"` in any case (Entra sends `"False"`).
pub fn boolean(v: &Value, what: &str) -> Result<bool, ScimError> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        v => Err(bad(format!("{what} must be true or false, not {v}."))),
    }
}

fn only_known(o: &Map<String, Value>, known: &[&str], what: &str) -> Result<(), ScimError> {
    match o
        .keys()
        .find(|k| !known.iter().any(|n| n.eq_ignore_ascii_case(k)))
    {
        Some(k) => Err(bad(format!(
            "{what} has no attribute {k} that Roster accepts (it takes {}).",
            known.join(", ")
        ))),
        None => Ok(()),
    }
}

/// The one value of a multi-valued attribute Roster keeps one of (the primary, or the only).
fn single_value(o: &Map<String, Value>, key: &str) -> Result<Option<String>, ScimError> {
    let list = match get(o, key) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(a)) => a,
        Some(v) => return Err(bad(format!("{key} must be a list, not {v}."))),
    };
    let mut values = Vec::new();
    for item in list {
        let Some(item) = item.as_object() else {
            return Err(bad(format!("each of {key} must be an object.")));
        };
        only_known(item, &["value", "type", "primary", "display"], key)?;
        if let Some(v) = string(item, "value", &format!("{key}.value"))? {
            let primary = get(item, "primary").and_then(Value::as_bool) == Some(true);
            values.push((primary, v));
        }
    }
    if let Some((_, v)) = values.iter().find(|(p, _)| *p) {
        return Ok(Some(v.clone()));
    }
    match values.len() {
        0 => Ok(None),
        1 => Ok(values.pop().map(|(_, v)| v)),
        _ => Err(bad(format!(
            "Roster keeps one of {key} per user: mark one primary, or send one."
        ))),
    }
}

/// A SCIM User body (POST, PUT, or the result of PATCH) as the service's input. `schemas`
/// must name the core User schema and may name the enterprise and Roster extensions.
pub fn from_json(body: &Value) -> Result<ScimUserInput, ScimError> {
    let Some(o) = body.as_object() else {
        return Err(ScimError::bad(
            ScimType::InvalidSyntax,
            "A User must be a JSON object.",
        ));
    };
    let schemas: Vec<&str> = match get(o, "schemas") {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !schemas.iter().any(|s| s.eq_ignore_ascii_case(USER_SCHEMA)) {
        return Err(ScimError::bad(
            ScimType::InvalidSyntax,
            format!("schemas must list {USER_SCHEMA}."),
        ));
    }
    let all = [USER_SCHEMA, ENTERPRISE_SCHEMA, ROSTER_USER_SCHEMA];
    if let Some(s) = schemas
        .iter()
        .find(|s| !all.iter().any(|a| a.eq_ignore_ascii_case(s)))
    {
        return Err(bad(format!(
            "schemas lists {s}, which Roster does not know for Users."
        )));
    }
    let known: Vec<&str> = CORE
        .iter()
        .chain(IGNORED)
        .chain(READ_ONLY)
        .chain(&[ENTERPRISE_SCHEMA, ROSTER_USER_SCHEMA])
        .copied()
        .collect();
    only_known(o, &known, "A User")?;
    let user_name = string(o, "userName", "userName")?
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| bad("userName (the user's email) is required.".into()))?;
    let mut input = ScimUserInput {
        user_name,
        ..ScimUserInput::default()
    };
    match get(o, "name") {
        None | Some(Value::Null) => {}
        Some(Value::Object(n)) => {
            only_known(
                n,
                &[
                    "givenName",
                    "familyName",
                    "formatted",
                    "middleName",
                    "honorificPrefix",
                    "honorificSuffix",
                ],
                "name",
            )?;
            input.given_name = string(n, "givenName", "name.givenName")?.unwrap_or_default();
            input.family_name = string(n, "familyName", "name.familyName")?.unwrap_or_default();
            if let Some(f) = string(n, "formatted", "name.formatted")? {
                input.display_name = f;
            }
        }
        Some(v) => return Err(bad(format!("name must be an object, not {v}."))),
    }
    if let Some(d) = string(o, "displayName", "displayName")? {
        input.display_name = d;
    }
    // `emails` is read-only (always the userName): what a client sends is ignored, as
    // RFC 7643 §7 says of read-only attributes.
    input.active = get(o, "active")
        .filter(|v| !v.is_null())
        .map(|v| boolean(v, "active"))
        .transpose()?;
    input.external_id = string(o, "externalId", "externalId")?;
    input.title = string(o, "title", "title")?.unwrap_or_default();
    input.preferred_language = string(o, "preferredLanguage", "preferredLanguage")?;
    input.timezone = string(o, "timezone", "timezone")?.unwrap_or_default();
    input.phone_number = single_value(o, "phoneNumbers")?.unwrap_or_default();
    match get(o, ENTERPRISE_SCHEMA) {
        None | Some(Value::Null) => {}
        Some(Value::Object(e)) => enterprise(e, &mut input)?,
        Some(v) => {
            return Err(bad(format!(
                "{ENTERPRISE_SCHEMA} must be an object, not {v}."
            )))
        }
    }
    match get(o, ROSTER_USER_SCHEMA) {
        None | Some(Value::Null) => {}
        Some(Value::Object(r)) => roster(r, &mut input)?,
        Some(v) => {
            return Err(bad(format!(
                "{ROSTER_USER_SCHEMA} must be an object, not {v}."
            )))
        }
    }
    Ok(input)
}

fn enterprise(e: &Map<String, Value>, input: &mut ScimUserInput) -> Result<(), ScimError> {
    only_known(
        e,
        &[
            "department",
            "employeeNumber",
            "manager",
            "costCenter",
            "organization",
            "division",
        ],
        ENTERPRISE_SCHEMA,
    )?;
    input.department = string(e, "department", "department")?.unwrap_or_default();
    input.employee_number = string(e, "employeeNumber", "employeeNumber")?.unwrap_or_default();
    input.manager_id = match get(e, "manager") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Object(m)) => string(m, "value", "manager.value")?,
        Some(v) => return Err(bad(format!("manager must be an object, not {v}."))),
    }
    .filter(|m| !m.is_empty());
    Ok(())
}

fn roster(r: &Map<String, Value>, input: &mut ScimUserInput) -> Result<(), ScimError> {
    only_known(
        r,
        &["userType", "role", "addOns", "status"],
        ROSTER_USER_SCHEMA,
    )?;
    input.user_type = match get(r, "userType") {
        None | Some(Value::Null) => None,
        Some(v) => Some(v.as_i64().ok_or_else(|| {
            bad(format!(
                "userType must be a number (1, 2, 3, 4 or 99), not {v}."
            ))
        })?),
    };
    input.role = string(r, "role", "role")?;
    // Inside the extension, no addOns means none (a client that leaves the extension out
    // leaves type, role and add-ons alone).
    input.add_ons = match get(r, "addOns") {
        None | Some(Value::Null) => Some(AddOns::default()),
        Some(Value::Object(a)) => {
            only_known(a, &["largeMeeting", "webinar"], "addOns")?;
            let cap = |k: &str| -> Result<Option<u32>, ScimError> {
                match get(a, k) {
                    None | Some(Value::Null) => Ok(None),
                    Some(v) => v
                        .as_u64()
                        .and_then(|c| u32::try_from(c).ok())
                        .map(Some)
                        .ok_or_else(|| bad(format!("addOns.{k} must be a capacity, not {v}."))),
                }
            };
            Some(AddOns {
                large_meeting: cap("largeMeeting")?,
                webinar: cap("webinar")?,
            })
        }
        Some(v) => return Err(bad(format!("addOns must be an object, not {v}."))),
    };
    Ok(())
}
