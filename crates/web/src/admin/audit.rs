//! The audit log: the account's operation log (as `/v2/report/operationlogs`), newest first,
//! filtered by a date range and a category, in pages; times in the reader's time zone.

use super::{describe, field};
use crate::ctx::Ctx;
use crate::errors::{refused, signed_in};
use crate::view::{page, Chrome};
use crate::WebState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use roster_service::audit::{AuditEntry, AuditQuery};
use roster_service::Error;
use serde::Deserialize;

/// The categories the filter offers (the service's `category_type` values).
pub(crate) const CATEGORIES: [&str; 9] = [
    "all", "user", "group", "role", "account", "app", "mail", "meeting", "chat",
];

#[derive(Debug, Default, Deserialize)]
pub struct LogQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub category: Option<String>,
    pub after: Option<String>,
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    c: Chrome,
    from: String,
    to: String,
    category: String,
    categories: Vec<(&'static str, &'static str, &'static str)>,
    entries: Vec<AuditEntry>,
    next: String,
    /// The filter's error: (field, message).
    error_field: String,
    error: String,
}

/// `GET /audit?from=&to=&category=&after=`
pub async fn list(State(state): State<WebState>, ctx: Ctx, Query(q): Query<LogQuery>) -> Response {
    let s = match signed_in(&ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let category = q.category.clone().unwrap_or_else(|| "all".to_owned());
    let query = AuditQuery {
        from: q.from.clone().filter(|v| !v.trim().is_empty()),
        to: q.to.clone().filter(|v| !v.trim().is_empty()),
        category_type: Some(category.clone()),
        page_size: Some(50),
        next_page_token: q.after.clone().filter(|a| !a.is_empty()),
    };
    let (log, error_field, error) = match state.service.audit_log(&s.principal, query).await {
        Ok(l) => (Some(l), String::new(), String::new()),
        Err(e @ Error::InvalidInput { .. }) => (
            None,
            field(&e).unwrap_or("from").to_owned(),
            describe(ctx.lang, &e),
        ),
        Err(e) => return refused(&ctx, &state, &e),
    };
    let (from, to) = match &log {
        Some(l) => (l.from.to_string(), l.to.to_string()),
        None => (
            q.from.clone().unwrap_or_default(),
            q.to.clone().unwrap_or_default(),
        ),
    };
    let categories = CATEGORIES
        .iter()
        .map(|k| {
            let sel = if *k == category { "selected" } else { "" };
            (*k, ctx.t(&format!("adm.audit.cat.{k}")), sel)
        })
        .collect();
    let status = if error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let (entries, next) = log.map_or_else(Default::default, |l| (l.entries, l.next_page_token));
    let p = AuditPage {
        c: Chrome::new(&ctx, &state, "adm.audit.title", "audit", "/audit"),
        from,
        to,
        category,
        categories,
        entries,
        next,
        error_field,
        error,
    };
    page(status, &p, &p.c, &[])
}
