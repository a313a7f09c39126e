//! SCIM 2.0 use cases: what `/scim2` does to users and groups, over the same rules, seats and
//! events as the REST API's use cases.

pub mod groups;
pub mod users;
