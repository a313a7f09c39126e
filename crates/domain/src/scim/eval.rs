//! Evaluates a [`Filter`] against a resource held as JSON, with SCIM's semantics
//! (RFC 7644 §3.4.2.2, RFC 7643 §2): attribute names match case-insensitively; strings compare
//! case-insensitively unless the attribute is caseExact; a multi-valued attribute matches if any
//! of its values does; a complex value without a named sub-attribute compares by its `value`;
//! dateTime attributes compare as instants. The API runs it for PATCH value filters; the store
//! translates the same semantics to SQL.
//!
//! Where the RFC leaves room, this evaluator chooses: `ne` is the negation of `eq` (an absent
//! attribute is `ne` anything); `eq null` matches an absent attribute and `ne null` a present
//! one; ordering and substring operators never match booleans, null, or values of another type.

use std::borrow::Cow;
use std::cmp::Ordering;

use serde_json::{Number, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::filter::{CompareOp, Filter};
use super::syntax::{AttrPath, CompValue};

/// Core schemas' URNs start so; their attributes sit at the top level of a resource.
const CORE_URN_PREFIX: &str = "urn:ietf:params:scim:schemas:core:";

/// What the evaluator must know of attribute types: which are caseExact and which are
/// dateTime. Attributes are named `name` or `name.sub`, case-insensitively, without URN.
#[derive(Debug, Clone, Default)]
pub struct AttributeTypes {
    case_exact: Vec<String>,
    date_time: Vec<String>,
}

impl AttributeTypes {
    /// No caseExact and no dateTime attributes.
    pub fn new() -> Self {
        Self::default()
    }

    /// The common attributes of RFC 7643 §3.1: `id`, `externalId`, `meta.location` and
    /// `meta.version` are caseExact; `meta.created` and `meta.lastModified` are dateTime.
    pub fn common() -> Self {
        Self::new()
            .case_exact("id")
            .case_exact("externalId")
            .case_exact("meta.location")
            .case_exact("meta.version")
            .date_time("meta.created")
            .date_time("meta.lastModified")
    }

    /// Marks `path` (`name` or `name.sub`) caseExact.
    pub fn case_exact(mut self, path: &str) -> Self {
        self.case_exact.push(path.to_ascii_lowercase());
        self
    }

    /// Marks `path` (`name` or `name.sub`) a dateTime.
    pub fn date_time(mut self, path: &str) -> Self {
        self.date_time.push(path.to_ascii_lowercase());
        self
    }

    fn lookup(list: &[String], name: &str, sub: Option<&str>) -> bool {
        let key = match sub {
            Some(sub) => format!("{name}.{sub}"),
            None => name.to_owned(),
        }
        .to_ascii_lowercase();
        list.contains(&key)
    }
}

/// Whether `resource` satisfies `filter`.
pub fn matches(filter: &Filter, resource: &Value, types: &AttributeTypes) -> bool {
    eval(filter, resource, None, types)
}

/// Whether one value of the multi-valued attribute `attr` satisfies a value filter (the
/// `filter` of [`super::PatchPath::Value`] or [`Filter::ValuePath`]): PATCH uses it to pick the
/// values an operation targets.
pub fn matches_value(
    filter: &Filter,
    attr: &AttrPath,
    value: &Value,
    types: &AttributeTypes,
) -> bool {
    eval(filter, value, Some(&attr.name), types)
}

/// Evaluates `filter` in `ctx`: the resource, or (with `parent` set) one value of the
/// multi-valued attribute `parent` inside a value filter.
fn eval(filter: &Filter, ctx: &Value, parent: Option<&str>, types: &AttributeTypes) -> bool {
    match filter {
        Filter::And(a, b) => eval(a, ctx, parent, types) && eval(b, ctx, parent, types),
        Filter::Or(a, b) => eval(a, ctx, parent, types) || eval(b, ctx, parent, types),
        Filter::Not(f) => !eval(f, ctx, parent, types),
        Filter::Present(path) => resolve(ctx, path).into_iter().any(present),
        Filter::ValuePath(path, inner) => resolve(ctx, path)
            .into_iter()
            .any(|v| eval(inner, v, Some(&path.name), types)),
        Filter::Compare(path, op, value) => {
            // Inside a value filter the path names a sub-attribute of `parent`.
            let (name, sub) = match parent {
                Some(parent) => (parent, Some(path.name.as_str())),
                None => (path.name.as_str(), path.sub.as_deref()),
            };
            let kind = Kind {
                case_exact: AttributeTypes::lookup(&types.case_exact, name, sub),
                date_time: AttributeTypes::lookup(&types.date_time, name, sub),
            };
            let values = resolve(ctx, path);
            let values = values.into_iter().map(simple_value);
            match (op, value) {
                (CompareOp::Eq, CompValue::Null) => values.filter(|v| present(v)).count() == 0,
                (CompareOp::Ne, CompValue::Null) => values.into_iter().any(present),
                (CompareOp::Ne, value) => !values.into_iter().any(|v| kind.eq(v, value)),
                (op, value) => values.into_iter().any(|v| kind.compare(v, *op, value)),
            }
        }
    }
}

/// The values `path` names in `ctx`, arrays flattened, nulls dropped.
fn resolve<'v>(ctx: &'v Value, path: &AttrPath) -> Vec<&'v Value> {
    let base = match &path.urn {
        None => Some(ctx),
        Some(urn) => get_ci(ctx, urn).or_else(|| {
            let core = urn
                .get(..CORE_URN_PREFIX.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(CORE_URN_PREFIX));
            core.then_some(ctx)
        }),
    };
    let mut out = Vec::new();
    let Some(top) = base.and_then(|b| get_ci(b, &path.name)) else {
        return out;
    };
    for v in flatten(top) {
        match &path.sub {
            None => out.push(v),
            Some(sub) => out.extend(get_ci(v, sub).into_iter().flat_map(flatten)),
        }
    }
    out.retain(|v| !v.is_null());
    out
}

fn flatten(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    }
}

/// A member of an object, its key matched case-insensitively (exact match preferred).
fn get_ci<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    let obj = v.as_object()?;
    obj.get(key).or_else(|| {
        obj.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// A complex value compares by its `value` sub-attribute (RFC 7643 §2.4).
fn simple_value(v: &Value) -> &Value {
    match v {
        Value::Object(_) => get_ci(v, "value").unwrap_or(v),
        other => other,
    }
}

/// `pr`: a non-empty value (RFC 7644: "has a non-empty value, or … a non-empty node").
fn present(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => a.iter().any(present),
        Value::Object(o) => o.values().any(present),
        Value::Bool(_) | Value::Number(_) => true,
    }
}

/// How one attribute's values compare.
struct Kind {
    case_exact: bool,
    date_time: bool,
}

impl Kind {
    fn fold<'s>(&self, s: &'s str) -> Cow<'s, str> {
        if self.case_exact {
            Cow::Borrowed(s)
        } else {
            Cow::Owned(s.to_lowercase())
        }
    }

    fn eq(&self, v: &Value, c: &CompValue) -> bool {
        match (v, c) {
            (Value::Bool(a), CompValue::Bool(b)) => a == b,
            (Value::Number(a), CompValue::Number(b)) => cmp_numbers(a, b) == Some(Ordering::Equal),
            (Value::String(a), CompValue::String(b)) if self.date_time => {
                cmp_instants(a, b) == Some(Ordering::Equal)
            }
            (Value::String(a), CompValue::String(b)) => self.fold(a) == self.fold(b),
            _ => false,
        }
    }

    fn compare(&self, v: &Value, op: CompareOp, c: &CompValue) -> bool {
        match op {
            CompareOp::Eq => self.eq(v, c),
            CompareOp::Ne => !self.eq(v, c),
            CompareOp::Co | CompareOp::Sw | CompareOp::Ew => {
                let (Value::String(a), CompValue::String(b)) = (v, c) else {
                    return false;
                };
                let (a, b) = (self.fold(a), self.fold(b));
                match op {
                    CompareOp::Co => a.contains(b.as_ref()),
                    CompareOp::Sw => a.starts_with(b.as_ref()),
                    _ => a.ends_with(b.as_ref()),
                }
            }
            CompareOp::Gt | CompareOp::Ge | CompareOp::Lt | CompareOp::Le => {
                let ord = match (v, c) {
                    (Value::Number(a), CompValue::Number(b)) => cmp_numbers(a, b),
                    (Value::String(a), CompValue::String(b)) if self.date_time => {
                        cmp_instants(a, b)
                    }
                    (Value::String(a), CompValue::String(b)) => {
                        Some(self.fold(a).cmp(&self.fold(b)))
                    }
                    _ => None,
                };
                ord.is_some_and(|o| match op {
                    CompareOp::Gt => o == Ordering::Greater,
                    CompareOp::Ge => o != Ordering::Less,
                    CompareOp::Lt => o == Ordering::Less,
                    _ => o != Ordering::Greater,
                })
            }
        }
    }
}

fn cmp_numbers(a: &Number, b: &Number) -> Option<Ordering> {
    if let (Some(a), Some(b)) = (a.as_i64(), b.as_i64()) {
        return Some(a.cmp(&b));
    }
    if let (Some(a), Some(b)) = (a.as_u64(), b.as_u64()) {
        return Some(a.cmp(&b));
    }
    a.as_f64()?.partial_cmp(&b.as_f64()?)
}

/// Two RFC 3339 timestamps compared as instants; `None` if either is not one.
fn cmp_instants(a: &str, b: &str) -> Option<Ordering> {
    let a = OffsetDateTime::parse(a, &Rfc3339).ok()?;
    let b = OffsetDateTime::parse(b, &Rfc3339).ok()?;
    Some(a.cmp(&b))
}
