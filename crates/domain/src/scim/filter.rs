//! SCIM filter expressions (RFC 7644 §3.4.2.2) parsed into a [`Filter`] tree.
//!
//! Grammar, with `and` binding tighter than `or`, both left-associative; operators, keywords and
//! literals are case-insensitive, whitespace between tokens is free:
//! ```text
//! filter  = or
//! or      = and *("or" and)
//! and     = unary *("and" unary)
//! unary   = "not" "(" filter ")" / "(" filter ")" / attrPath "[" valFilter "]"
//!         / attrPath "pr" / attrPath compareOp compValue
//! ```
//! A value filter (`emails[type eq "work" and value co "@x"]`) is the same grammar over the
//! attribute's sub-attribute names; value filters do not nest (errata 4690).

use std::fmt;

use super::syntax::{AttrPath, CompValue, Cursor, SyntaxError, SyntaxErrorKind};

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompareOp {
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
}

impl CompareOp {
    pub const ALL: [CompareOp; 9] = [
        Self::Eq,
        Self::Ne,
        Self::Co,
        Self::Sw,
        Self::Ew,
        Self::Gt,
        Self::Ge,
        Self::Lt,
        Self::Le,
    ];

    /// Parses an operator name, case-insensitively (`pr` is not one: it takes no value).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|op| op.as_str().eq_ignore_ascii_case(s))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eq => "eq",
            Self::Ne => "ne",
            Self::Co => "co",
            Self::Sw => "sw",
            Self::Ew => "ew",
            Self::Gt => "gt",
            Self::Ge => "ge",
            Self::Lt => "lt",
            Self::Le => "le",
        }
    }
}

/// A parsed filter. Inside [`Filter::ValuePath`]'s inner filter, paths are bare sub-attribute
/// names of the outer attribute.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `attr pr`: the attribute has a non-empty value.
    Present(AttrPath),
    /// `attr op value`.
    Compare(AttrPath, CompareOp, CompValue),
    /// `attr[valFilter]`: some value of the multi-valued `attr` satisfies the inner filter.
    ValuePath(AttrPath, Box<Filter>),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
}

impl Filter {
    /// Parses a filter, refusing input longer than [`super::MAX_LEN`] or nested deeper than
    /// [`super::MAX_DEPTH`].
    pub fn parse(src: &str) -> Result<Self, SyntaxError> {
        let mut cur = Cursor::new(src)?;
        let filter = parse_or(&mut cur, false)?;
        cur.expect_end()?;
        Ok(filter)
    }

    /// Every attribute path the filter mentions, value filters' inner paths qualified by their
    /// attribute (`emails[type eq "work"]` yields `emails` and `emails.type`), so a caller can
    /// refuse unknown or unfilterable attributes before running it.
    pub fn paths(&self) -> Vec<AttrPath> {
        let mut out = Vec::new();
        self.collect_paths(None, &mut out);
        out
    }

    fn collect_paths(&self, parent: Option<&AttrPath>, out: &mut Vec<AttrPath>) {
        let qualify = |p: &AttrPath| match parent {
            Some(parent) => AttrPath {
                sub: Some(p.name.clone()),
                ..parent.clone()
            },
            None => p.clone(),
        };
        match self {
            Self::Present(p) | Self::Compare(p, _, _) => out.push(qualify(p)),
            Self::ValuePath(p, inner) => {
                out.push(p.clone());
                inner.collect_paths(Some(p), out);
            }
            Self::And(a, b) | Self::Or(a, b) => {
                a.collect_paths(parent, out);
                b.collect_paths(parent, out);
            }
            Self::Not(f) => f.collect_paths(parent, out),
        }
    }
}

pub(crate) fn parse_or(cur: &mut Cursor<'_>, inner: bool) -> Result<Filter, SyntaxError> {
    let mut left = parse_and(cur, inner)?;
    loop {
        cur.skip_ws();
        if !cur.keyword("or") {
            return Ok(left);
        }
        let right = parse_and(cur, inner)?;
        left = Filter::Or(Box::new(left), Box::new(right));
    }
}

fn parse_and(cur: &mut Cursor<'_>, inner: bool) -> Result<Filter, SyntaxError> {
    let mut left = parse_unary(cur, inner)?;
    loop {
        cur.skip_ws();
        if !cur.keyword("and") {
            return Ok(left);
        }
        let right = parse_unary(cur, inner)?;
        left = Filter::And(Box::new(left), Box::new(right));
    }
}

fn parse_unary(cur: &mut Cursor<'_>, inner: bool) -> Result<Filter, SyntaxError> {
    cur.skip_ws();
    if cur.eat('(') {
        return parenthesised(cur, inner);
    }
    let start = cur.pos();
    if cur.keyword("not") {
        cur.skip_ws();
        if cur.eat('(') {
            return Ok(Filter::Not(Box::new(parenthesised(cur, inner)?)));
        }
        // An attribute that happens to be called `not` (`not pr`, `not eq 1`) stays one.
        let op_follows = cur
            .peek_word()
            .is_some_and(|w| w.eq_ignore_ascii_case("pr") || CompareOp::parse(w).is_some());
        if !op_follows {
            return Err(cur.unexpected_or("`(` after `not`"));
        }
        cur.set_pos(start);
    }
    parse_attr_expr(cur, inner)
}

/// The rest of `( filter )` after the opening parenthesis.
fn parenthesised(cur: &mut Cursor<'_>, inner: bool) -> Result<Filter, SyntaxError> {
    cur.enter()?;
    let f = parse_or(cur, inner)?;
    cur.skip_ws();
    cur.expect(')', "`)`, `and` or `or`")?;
    cur.leave();
    Ok(f)
}

fn parse_attr_expr(cur: &mut Cursor<'_>, inner: bool) -> Result<Filter, SyntaxError> {
    let start = cur.pos();
    let path = cur.attr_path()?;
    if inner && (path.urn.is_some() || path.sub.is_some()) {
        return Err(Cursor::err_at(
            start,
            SyntaxErrorKind::QualifiedInValueFilter,
        ));
    }
    if cur.peek() == Some('[') {
        if inner {
            return Err(cur.err(SyntaxErrorKind::NestedValueFilter));
        }
        if path.sub.is_some() {
            return Err(Cursor::err_at(
                start,
                SyntaxErrorKind::ValueFilterOnSubAttribute,
            ));
        }
        let value_filter = value_filter(cur)?;
        return Ok(Filter::ValuePath(path, Box::new(value_filter)));
    }
    cur.skip_ws();
    let op_at = cur.pos();
    let Some(op) = cur.word() else {
        return Err(cur.unexpected_or("an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)"));
    };
    if op.eq_ignore_ascii_case("pr") {
        return Ok(Filter::Present(path));
    }
    let op = CompareOp::parse(op)
        .ok_or_else(|| Cursor::err_at(op_at, SyntaxErrorKind::UnknownOperator(op.to_owned())))?;
    cur.skip_ws();
    let value = cur.comp_value()?;
    Ok(Filter::Compare(path, op, value))
}

/// `[ valFilter ]` at the cursor (shared with PATCH paths).
pub(crate) fn value_filter(cur: &mut Cursor<'_>) -> Result<Filter, SyntaxError> {
    cur.expect('[', "`[`")?;
    cur.enter()?;
    let f = parse_or(cur, true)?;
    cur.skip_ws();
    cur.expect(']', "`]`, `and` or `or`")?;
    cur.leave();
    Ok(f)
}

impl fmt::Display for CompareOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Prints the filter in canonical form (lower-case keywords, single spaces, parentheses only
/// where precedence needs them); it parses back to the same tree.
impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Present(p) => write!(f, "{p} pr"),
            Self::Compare(p, op, v) => write!(f, "{p} {op} {v}"),
            Self::ValuePath(p, inner) => write!(f, "{p}[{inner}]"),
            Self::Not(inner) => write!(f, "not ({inner})"),
            Self::And(a, b) => {
                // `and` is left-associative and binds tighter than `or`.
                write_operand(f, a, matches!(**a, Self::Or(..)))?;
                f.write_str(" and ")?;
                write_operand(f, b, matches!(**b, Self::Or(..) | Self::And(..)))
            }
            Self::Or(a, b) => {
                write_operand(f, a, false)?;
                f.write_str(" or ")?;
                write_operand(f, b, matches!(**b, Self::Or(..)))
            }
        }
    }
}

fn write_operand(f: &mut fmt::Formatter<'_>, operand: &Filter, parens: bool) -> fmt::Result {
    if parens {
        write!(f, "({operand})")
    } else {
        write!(f, "{operand}")
    }
}
