//! The audit log: an account's events (every change, who made it, when, to what), for holders
//! of `AuditLog:Read`. Served as Zoom's operation-logs report.

use crate::users::require;
use crate::{Error, Result, Service};
use roster_domain::paging;
use roster_domain::{Principal, Privilege};
use roster_store::events::{self, EventFilter};
use time::macros::format_description;
use time::{Date, Duration, OffsetDateTime, Time};

/// Longest page of the audit log.
pub const MAX_AUDIT_PAGE: u32 = 300;

/// The query, as the caller sent it.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// `yyyy-mm-dd`, default 30 days before `to`.
    pub from: Option<String>,
    /// `yyyy-mm-dd` (inclusive), default today.
    pub to: Option<String>,
    /// `all` (default), `user`, `group`, `role`, `account`, `app`, `mail`, `meeting`, `chat`
    /// (or Zoom's `im`).
    pub category_type: Option<String>,
    pub page_size: Option<i64>,
    pub next_page_token: Option<String>,
}

/// One logged change.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub time: OffsetDateTime,
    /// The acting user's email, or `operator` for the local CLI.
    pub operator: String,
    /// `User`, `Group`, `Role`, `Account`, `App`, `Mail`.
    pub category_type: String,
    /// The event, e.g. `user.updated`.
    pub action: String,
    pub operation_detail: String,
    pub target: Option<String>,
}

#[derive(Debug, Clone)]
pub struct AuditPage {
    pub from: Date,
    pub to: Date,
    pub page_size: u32,
    pub next_page_token: String,
    pub entries: Vec<AuditEntry>,
}

fn date(field: &'static str, raw: Option<&str>, default: Date) -> Result<Date> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(s) => Date::parse(s, format_description!("[year]-[month]-[day]"))
            .map_err(|_| Error::invalid(field, "dates are yyyy-mm-dd")),
    }
}

/// The event type prefixes a `category_type` covers (`None`: every event).
fn category(raw: Option<&str>) -> Result<Option<&'static [&'static str]>> {
    Ok(match raw.map(str::trim).unwrap_or("all") {
        "" | "all" => None,
        "user" => Some(&["user."]),
        "group" => Some(&["group."]),
        "role" => Some(&["role."]),
        "account" => Some(&["account."]),
        // `app_deauthorized` (a disconnected install) belongs here too.
        "app" => Some(&["app.", "app_deauthorized"]),
        "mail" => Some(&["mail."]),
        "meeting" => Some(&["meeting."]),
        // Zoom calls chat `im` in its operation logs.
        "chat" | "im" => Some(&["contact.", "chat_channel.", "chat_message."]),
        _ => {
            return Err(Error::invalid(
                "category_type",
                "category_type must be all, user, group, role, account, app, mail, meeting or chat",
            ))
        }
    })
}

fn entry(e: events::EventRecord) -> AuditEntry {
    let payload: serde_json::Value = serde_json::from_str(&e.payload).unwrap_or_default();
    let object = payload.get("object");
    let what = ["email", "name", "domain", "to", "id"]
        .iter()
        .find_map(|k| object.and_then(|o| o.get(*k)).and_then(|v| v.as_str()))
        .map(str::to_owned)
        .or_else(|| e.target.clone())
        .unwrap_or_default();
    let noun = e.kind.split('.').next().unwrap_or_default();
    let mut category = noun.to_owned();
    if let Some(first) = category.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    AuditEntry {
        time: e.created_at,
        operator: payload
            .get("operator")
            .and_then(|v| v.as_str())
            .unwrap_or(&e.actor)
            .to_owned(),
        category_type: category,
        operation_detail: match payload.get("via") {
            Some(via) => format!(
                "{} {what} (through {} by app {} ({}))",
                e.kind,
                via["interface"].as_str().unwrap_or_default().to_uppercase(),
                via["app_name"].as_str().unwrap_or_default(),
                via["app_client_id"].as_str().unwrap_or_default(),
            ),
            None => format!("{} {what}", e.kind),
        },
        action: e.kind,
        target: e.target,
    }
}

impl Service {
    pub async fn audit_log(&self, principal: &Principal, q: AuditQuery) -> Result<AuditPage> {
        require(principal, Privilege::AuditLogRead)?;
        let today = self.now().date();
        let to = date("to", q.to.as_deref(), today)?;
        let from = date("from", q.from.as_deref(), to - Duration::days(30))?;
        if from > to {
            return Err(Error::invalid("from", "from must not be after to"));
        }
        let prefix = category(q.category_type.as_deref())?;
        let page_size = match q.page_size {
            Some(n) if n > i64::from(MAX_AUDIT_PAGE) => {
                return Err(Error::invalid(
                    "page_size",
                    format!("page_size must be between 1 and {MAX_AUDIT_PAGE}"),
                ))
            }
            n => paging::page_size(n).map_err(|e| Error::invalid("page_size", e))?,
        };
        let before_id = crate::paging::after(q.next_page_token.as_deref())?
            .map(|a| {
                a.parse::<i64>().map_err(|_| {
                    Error::invalid(
                        "next_page_token",
                        "The next page token is invalid or expired.",
                    )
                })
            })
            .transpose()?;
        let filter = EventFilter {
            account: &principal.account_id,
            from: from.with_time(Time::MIDNIGHT).assume_utc(),
            to: (to + Duration::days(1))
                .with_time(Time::MIDNIGHT)
                .assume_utc(),
            type_prefixes: prefix.unwrap_or_default(),
            before_id,
            limit: page_size + 1,
        };
        let mut conn = self.db.read().await?;
        let mut rows = events::page(&mut conn, &filter).await?;
        let next_page_token = crate::paging::finish(&mut rows, page_size, |e| e.id.to_string());
        Ok(AuditPage {
            from,
            to,
            page_size,
            next_page_token,
            entries: rows.into_iter().map(entry).collect(),
        })
    }
}
