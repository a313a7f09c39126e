//! SCIM filters (RFC 7644 §3.4.2.2) over users, translated to one SQL condition with bound
//! parameters (never interpolated values), so a filtered list is one query on the account's
//! rows on both backends. Attributes that are not caseExact (`userName`, `emails`, names) are
//! compared case-insensitively: emails are stored lower-case, the others through `lower()`.

use crate::{Backend, Param};
use roster_domain::scim::{AttrPath, CompValue, CompareOp, Filter};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// The core User schema's URN, which may prefix core attribute names.
const USER_URN: &str = "urn:ietf:params:scim:schemas:core:2.0:User";

/// A value bound to a compiled condition.
#[derive(Debug, Clone)]
pub enum Bound {
    Text(String),
    Time(OffsetDateTime),
}

impl Bound {
    /// As a query parameter.
    pub fn param(&self) -> Param<'_> {
        match self {
            Self::Text(t) => Param::from(t.as_str()),
            Self::Time(t) => Param::from(*t),
        }
    }
}

/// What a SCIM attribute is in the users table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    /// Text stored lower-case (email): compare against the lower-cased value.
    Lower(&'static str),
    /// Text compared case-insensitively through `lower()`.
    Insensitive(&'static str),
    /// Text compared exactly.
    Exact(&'static str),
    /// The `active` flag (any status but `inactive`).
    Active,
    /// A time column.
    Time(&'static str),
}

/// A filter Roster cannot run, with a sentence saying why (naming the attribute).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported(pub String);

/// The column of a filterable (or sortable) user attribute, by its SCIM path.
fn column(path: &AttrPath) -> Result<Column, Unsupported> {
    if let Some(urn) = &path.urn {
        if !urn.eq_ignore_ascii_case(USER_URN) {
            return Err(Unsupported(format!(
                "Roster cannot filter or sort users on {path}: only userName, emails.value, \
                 externalId, id, active, name.givenName, name.familyName, name.formatted, \
                 displayName, meta.created and meta.lastModified."
            )));
        }
    }
    let name = path.name.to_ascii_lowercase();
    let sub = path.sub.as_deref().map(str::to_ascii_lowercase);
    let col = match (name.as_str(), sub.as_deref()) {
        ("username", None) | ("emails", None | Some("value")) => Column::Lower("email"),
        ("externalid", None) => Column::Exact("external_id"),
        ("id", None) => Column::Exact("id"),
        ("active", None) => Column::Active,
        ("name", Some("givenname")) => Column::Insensitive("first_name"),
        ("name", Some("familyname")) => Column::Insensitive("last_name"),
        ("name", Some("formatted")) | ("displayname", None) => Column::Insensitive("display_name"),
        ("meta", Some("created")) => Column::Time("created_at"),
        ("meta", Some("lastmodified")) => Column::Time("updated_at"),
        _ => {
            return Err(Unsupported(format!(
                "Roster cannot filter or sort users on {path}: only userName, emails.value, \
                 externalId, id, active, name.givenName, name.familyName, name.formatted, \
                 displayName, meta.created and meta.lastModified."
            )))
        }
    };
    Ok(col)
}

/// The SQL expression to sort by for a `sortBy` path.
pub fn sort_expr(path: &AttrPath) -> Result<String, Unsupported> {
    Ok(match column(path)? {
        Column::Lower(c) | Column::Exact(c) | Column::Time(c) => c.to_owned(),
        Column::Insensitive(c) => format!("lower({c})"),
        Column::Active => "CASE WHEN status = 'inactive' THEN 0 ELSE 1 END".to_owned(),
    })
}

/// A filter compiled to a condition whose parameters start at `$first`.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub sql: String,
    pub params: Vec<Bound>,
}

/// Compiles `filter`; parameters are numbered from `first`.
pub fn compile(backend: Backend, filter: &Filter, first: usize) -> Result<Compiled, Unsupported> {
    let mut c = Compiler {
        backend,
        first,
        params: Vec::new(),
    };
    let sql = c.filter(filter, None)?;
    Ok(Compiled {
        sql,
        params: c.params,
    })
}

struct Compiler {
    backend: Backend,
    first: usize,
    params: Vec<Bound>,
}

impl Compiler {
    fn bind(&mut self, b: Bound) -> String {
        self.params.push(b);
        format!("${}", self.first + self.params.len() - 1)
    }

    /// `parent`: inside `emails[…]`, the multi-valued attribute whose sub-attributes the paths
    /// name.
    fn filter(&mut self, f: &Filter, parent: Option<&AttrPath>) -> Result<String, Unsupported> {
        let qualify = |p: &AttrPath| match parent {
            Some(parent) => AttrPath {
                sub: Some(p.name.clone()),
                ..parent.clone()
            },
            None => p.clone(),
        };
        Ok(match f {
            Filter::And(a, b) => format!(
                "({} AND {})",
                self.filter(a, parent)?,
                self.filter(b, parent)?
            ),
            Filter::Or(a, b) => format!(
                "({} OR {})",
                self.filter(a, parent)?,
                self.filter(b, parent)?
            ),
            Filter::Not(a) => format!("(NOT {})", self.filter(a, parent)?),
            Filter::ValuePath(p, inner) => {
                if parent.is_some() {
                    return Err(Unsupported("Value filters do not nest.".to_owned()));
                }
                // Users have one email: `emails[…]` holds when it satisfies the inner filter.
                column(p)?;
                self.filter(inner, Some(p))?
            }
            Filter::Present(p) => {
                let p = qualify(p);
                match column(&p)? {
                    Column::Lower(c) | Column::Insensitive(c) | Column::Exact(c) => {
                        format!("({c} IS NOT NULL AND {c} <> '')")
                    }
                    Column::Active | Column::Time(_) => "(1 = 1)".to_owned(),
                }
            }
            Filter::Compare(p, op, v) => {
                let p = qualify(p);
                self.compare(&p, *op, v)?
            }
        })
    }

    fn compare(
        &mut self,
        p: &AttrPath,
        op: CompareOp,
        v: &CompValue,
    ) -> Result<String, Unsupported> {
        let col = column(p)?;
        match col {
            Column::Active => {
                let CompValue::Bool(b) = v else {
                    return Err(Unsupported(format!(
                        "{p} is a boolean: compare it with true or false."
                    )));
                };
                let is_active = match op {
                    CompareOp::Eq => *b,
                    CompareOp::Ne => !*b,
                    _ => {
                        return Err(Unsupported(format!(
                            "{p} is a boolean: only eq and ne apply to it, not {}.",
                            op.as_str()
                        )))
                    }
                };
                // Invited (pending) users are not deactivated: SCIM shows them active.
                Ok(if is_active {
                    "(status <> 'inactive')".to_owned()
                } else {
                    "(status = 'inactive')".to_owned()
                })
            }
            Column::Time(c) => {
                let CompValue::String(s) = v else {
                    return Err(Unsupported(format!(
                        "{p} is a dateTime: compare it with a quoted RFC 3339 time."
                    )));
                };
                let t = OffsetDateTime::parse(s, &Rfc3339).map_err(|_| {
                    Unsupported(format!(
                        "{p} is a dateTime, and \"{s}\" is not an RFC 3339 time."
                    ))
                })?;
                let sym = match op {
                    CompareOp::Eq => "=",
                    CompareOp::Ne => "<>",
                    CompareOp::Gt => ">",
                    CompareOp::Ge => ">=",
                    CompareOp::Lt => "<",
                    CompareOp::Le => "<=",
                    _ => {
                        return Err(Unsupported(format!(
                            "{p} is a dateTime: {} does not apply to it.",
                            op.as_str()
                        )))
                    }
                };
                let n = self.bind(Bound::Time(t));
                Ok(format!("({c} {sym} {n})"))
            }
            Column::Lower(c) | Column::Insensitive(c) | Column::Exact(c) => {
                let text = match v {
                    CompValue::String(s) => s.clone(),
                    CompValue::Null if matches!(op, CompareOp::Eq | CompareOp::Ne) => {
                        let not = if op == CompareOp::Eq { "" } else { "NOT " };
                        return Ok(format!("({not}({c} IS NULL OR {c} = ''))"));
                    }
                    _ => {
                        return Err(Unsupported(format!(
                            "{p} is a string: compare it with a quoted value."
                        )))
                    }
                };
                let (expr, text) = match col {
                    Column::Lower(c) => (c.to_owned(), text.to_lowercase()),
                    Column::Insensitive(c) => (format!("lower({c})"), text.to_lowercase()),
                    _ => (c.to_owned(), text),
                };
                let n = self.bind(Bound::Text(text));
                // `col IS NOT NULL AND …` is never NULL, so `not (…)` means what it says.
                let cond = match op {
                    CompareOp::Eq => format!("{expr} = {n}"),
                    CompareOp::Ne => return Ok(format!("({c} IS NULL OR {expr} <> {n})")),
                    CompareOp::Gt => format!("{expr} > {n}"),
                    CompareOp::Ge => format!("{expr} >= {n}"),
                    CompareOp::Lt => format!("{expr} < {n}"),
                    CompareOp::Le => format!("{expr} <= {n}"),
                    CompareOp::Co => match self.backend {
                        Backend::Sqlite => format!("instr({expr}, {n}) > 0"),
                        Backend::Postgres => format!("strpos({expr}, {n}) > 0"),
                    },
                    CompareOp::Sw => format!("substr({expr}, 1, length({n})) = {n}"),
                    CompareOp::Ew => format!(
                        "length({expr}) >= length({n}) AND \
                         substr({expr}, length({expr}) - length({n}) + 1) = {n}"
                    ),
                };
                Ok(format!("({c} IS NOT NULL AND {cond})"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sql(f: &str) -> Result<Compiled, Unsupported> {
        let f = Filter::parse(f).map_err(|e| Unsupported(e.to_string()))?;
        compile(Backend::Postgres, &f, 2)
    }

    #[test]
    fn binds_values_and_lowers_case_insensitive_ones() {
        let c = sql(r#"userName eq "Ann@X.org" and not (externalId eq "E1")"#).unwrap();
        assert_eq!(
            c.sql,
            "((email IS NOT NULL AND email = $2) AND (NOT (external_id IS NOT NULL AND external_id = $3)))"
        );
        assert!(matches!(&c.params[0], Bound::Text(t) if t == "ann@x.org"));
        assert!(matches!(&c.params[1], Bound::Text(t) if t == "E1"));
    }

    #[test]
    fn refuses_unknown_attributes_by_name() {
        let e = sql(r#"nickName eq "x""#).unwrap_err();
        assert!(e.0.contains("nickName"), "{e:?}");
        assert!(sql(r#"active gt true"#).is_err());
        assert!(sql(r#"meta.created gt "yesterday""#).is_err());
    }

    #[test]
    fn value_paths_filter_the_email() {
        let c = sql(r#"emails[value ew "@x.org"]"#).unwrap();
        assert!(c.sql.contains("substr(email"), "{}", c.sql);
    }
}
