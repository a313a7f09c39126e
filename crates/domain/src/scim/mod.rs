//! SCIM 2.0's small languages, pure: filter expressions (RFC 7644 §3.4.2.2), PATCH paths
//! (§3.5.2) and `sortBy`/`sortOrder` (§3.4.2.3) parse into ASTs, and [`matches`] evaluates a
//! filter against a resource held as JSON. The `/scim2` endpoints map a [`SyntaxError`] from
//! [`Filter::parse`] to `scimType: invalidFilter` and one from [`PatchPath::parse`] to
//! `invalidPath`; the store translates the subset it supports to SQL.

mod eval;
mod filter;
mod path;
mod syntax;

pub use eval::{matches, matches_value, AttributeTypes};
pub use filter::{CompareOp, Filter};
pub use path::{PatchPath, SortOrder};
pub use syntax::{AttrPath, CompValue, SyntaxError, SyntaxErrorKind};

/// Longest filter or path accepted, in bytes; longer input is refused before parsing.
pub const MAX_LEN: usize = 4096;
/// Deepest nesting of parentheses, `not ( … )` and value filters accepted.
pub const MAX_DEPTH: usize = 16;

#[cfg(test)]
mod eval_tests;
#[cfg(test)]
mod filter_tests;
