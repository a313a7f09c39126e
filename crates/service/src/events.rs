//! Writing events: Zoom's webhook envelope payload (`account_id`, `operator`, `operator_id`,
//! `object`, plus event-specific keys such as `creation_type` or `old_object`), appended in the
//! caller's transaction.

use crate::{Actor, Result};
use roster_domain::AccountId;
use roster_store::events::{self, NewEvent};
use roster_store::Conn;
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

/// An event about to be recorded.
pub(crate) struct Event<'a> {
    pub account_id: &'a AccountId,
    /// Zoom's event name, e.g. `user.updated`.
    pub kind: &'static str,
    pub actor: &'a Actor<'a>,
    /// The id of what the event is about.
    pub target: &'a str,
    pub object: Value,
    /// Further top-level payload keys.
    pub extra: Map<String, Value>,
}

impl Actor<'_> {
    /// Zoom's `operator` (an email) and `operator_id`.
    fn operator(&self) -> (String, String) {
        match self {
            Self::Operator => ("operator".to_owned(), String::new()),
            Self::System => ("system".to_owned(), String::new()),
            Self::Principal(p) => (p.email.to_string(), p.user_id.to_string()),
        }
    }
}

pub(crate) async fn emit(conn: &mut Conn, e: Event<'_>, at: OffsetDateTime) -> Result<()> {
    let (operator, operator_id) = e.actor.operator();
    let mut payload = Map::new();
    payload.insert("account_id".into(), json!(e.account_id.as_str()));
    payload.insert("operator".into(), json!(operator));
    payload.insert("operator_id".into(), json!(operator_id));
    payload.insert("object".into(), e.object);
    payload.extend(e.extra);
    let payload = Value::Object(payload).to_string();
    events::append(
        conn,
        &NewEvent {
            account_id: Some(e.account_id),
            kind: e.kind,
            actor: &e.actor.audit_name(),
            target: Some(e.target),
            payload: &payload,
            created_at: at,
        },
    )
    .await?;
    Ok(())
}
