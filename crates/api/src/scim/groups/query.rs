//! Listing groups (RFC 7644 §3.4.2): `filter` on `id`, `externalId`, `displayName`, `meta.*`
//! and `members.value eq "…"` ("which group holds this user"), `sortBy`/`sortOrder`,
//! `startIndex`/`count`. An account has few settings groups, so they are filtered and sorted
//! as JSON (without their members); a filter on members looks up only the users it names.

use crate::scim::{ScimError, ScimType, MAX_RESULTS};
use roster_domain::scim::{
    matches, AttrPath, AttributeTypes, CompValue, CompareOp, Filter, SortOrder,
};
use serde_json::{json, Value};
use std::collections::HashMap;

/// Attributes a filter or `sortBy` may name.
const FILTERABLE: [&str; 8] = [
    "id",
    "externalid",
    "displayname",
    "meta.created",
    "meta.lastmodified",
    "meta.version",
    "meta.resourcetype",
    "meta.location",
];

/// The list query, parsed.
#[derive(Debug)]
pub struct ListQuery {
    pub filter: Option<Filter>,
    /// The user ids a `members.value eq` names.
    pub member_ids: Vec<String>,
    pub sort_by: Option<String>,
    pub order: SortOrder,
    /// 1-based.
    pub start: usize,
    pub count: usize,
}

fn key(p: &AttrPath) -> String {
    match &p.sub {
        Some(sub) => format!("{}.{sub}", p.name),
        None => p.name.clone(),
    }
    .to_ascii_lowercase()
}

fn number(q: &HashMap<String, String>, name: &str, default: i64) -> Result<i64, ScimError> {
    match q.get(name) {
        None => Ok(default),
        Some(v) => v.trim().parse().map_err(|_| {
            ScimError::bad(
                ScimType::InvalidValue,
                format!("{name} must be an integer, not \"{v}\"."),
            )
        }),
    }
}

/// Collects the user ids of `members.value eq "…"` / `members[value eq "…"]`, refusing any
/// other use of `members` (Roster answers only "which group holds this user").
fn member_ids(f: &Filter, out: &mut Vec<String>) -> Result<(), ScimError> {
    let refuse = || {
        ScimError::bad(
            ScimType::InvalidFilter,
            "A filter on members must be members.value eq \"<user id>\" (or \
             members[value eq \"<user id>\"]): Roster finds the group that holds a user.",
        )
    };
    let is_members = |p: &AttrPath| p.name.eq_ignore_ascii_case("members");
    match f {
        Filter::And(a, b) | Filter::Or(a, b) => {
            member_ids(a, out)?;
            member_ids(b, out)
        }
        Filter::Not(inner) => member_ids(inner, out),
        Filter::Compare(p, op, v) if is_members(p) => match (p.sub.as_deref(), op, v) {
            (Some(sub), CompareOp::Eq, CompValue::String(id))
                if sub.eq_ignore_ascii_case("value") =>
            {
                out.push(id.clone());
                Ok(())
            }
            _ => Err(refuse()),
        },
        Filter::ValuePath(p, inner) if is_members(p) => match inner.as_ref() {
            Filter::Compare(v, CompareOp::Eq, CompValue::String(id))
                if v.name.eq_ignore_ascii_case("value") && v.sub.is_none() =>
            {
                out.push(id.clone());
                Ok(())
            }
            _ => Err(refuse()),
        },
        Filter::Present(p) | Filter::Compare(p, _, _) | Filter::ValuePath(p, _) => {
            if is_members(p) {
                return Err(refuse());
            }
            if FILTERABLE.contains(&key(p).as_str()) {
                Ok(())
            } else {
                Err(ScimError::bad(
                    ScimType::InvalidFilter,
                    format!(
                        "A Group cannot be filtered on {p}: use id, externalId, displayName, \
                         meta.created, meta.lastModified, meta.version or members.value."
                    ),
                ))
            }
        }
    }
}

impl ListQuery {
    pub fn parse(q: &HashMap<String, String>) -> Result<Self, ScimError> {
        let mut ids = Vec::new();
        let filter = match q.get("filter").map(|f| f.trim()).filter(|f| !f.is_empty()) {
            None => None,
            Some(src) => {
                let f = Filter::parse(src).map_err(|e| ScimError::invalid_filter(&e))?;
                member_ids(&f, &mut ids)?;
                Some(f)
            }
        };
        let sort_by = match q.get("sortBy").map(|s| s.trim()).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => {
                let p = AttrPath::parse(s).ok().map(|p| key(&p));
                match p {
                    Some(k) if FILTERABLE.contains(&k.as_str()) => Some(k),
                    _ => {
                        return Err(ScimError::bad(
                            ScimType::InvalidValue,
                            format!(
                                "Groups cannot be sorted by \"{s}\": use id, externalId, \
                                 displayName, meta.created, meta.lastModified or meta.version."
                            ),
                        ))
                    }
                }
            }
        };
        let order = match q.get("sortOrder") {
            None => SortOrder::Ascending,
            Some(o) => SortOrder::parse(o).ok_or_else(|| {
                ScimError::bad(
                    ScimType::InvalidValue,
                    format!("sortOrder must be ascending or descending, not \"{o}\"."),
                )
            })?,
        };
        let max = i64::try_from(MAX_RESULTS).unwrap_or(i64::MAX);
        let start = usize::try_from(number(q, "startIndex", 1)?.max(1)).unwrap_or(1);
        let count = usize::try_from(number(q, "count", max)?.clamp(0, max)).unwrap_or(0);
        Ok(Self {
            filter,
            member_ids: ids,
            sort_by,
            order,
            start,
            count,
        })
    }

    /// Whether `group` (as JSON, with the filter's members it holds) is selected.
    pub fn selects(&self, group: &Value) -> bool {
        let types = AttributeTypes::common().case_exact("members.value");
        self.filter
            .as_ref()
            .is_none_or(|f| matches(f, group, &types))
    }

    /// Sorts groups by `sortBy` on their JSON (`json_of`); those without the attribute go
    /// last.
    pub fn sort<T>(&self, groups: &mut [T], json_of: impl Fn(&T) -> &Value) {
        let Some(by) = &self.sort_by else {
            return;
        };
        let value = |g: &Value| -> Option<String> {
            let mut v = g;
            for part in by.split('.') {
                let obj = v.as_object()?;
                v = obj.iter().find(|(k, _)| k.eq_ignore_ascii_case(part))?.1;
            }
            match v {
                Value::String(s) if by == "displayname" => Some(s.to_lowercase()),
                Value::String(s) => Some(s.clone()),
                Value::Null => None,
                other => Some(other.to_string()),
            }
        };
        groups.sort_by(|a, b| match (value(json_of(a)), value(json_of(b))) {
            (Some(x), Some(y)) => match self.order {
                SortOrder::Ascending => x.cmp(&y),
                SortOrder::Descending => y.cmp(&x),
            },
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
    }
}

/// A filter's view of `members`: the named users the group holds.
pub fn with_members(mut group: Value, held: &[String]) -> Value {
    if let Some(obj) = group.as_object_mut() {
        let values: Vec<Value> = held.iter().map(|id| json!({ "value": id })).collect();
        obj.insert("members".into(), Value::Array(values));
    }
    group
}
