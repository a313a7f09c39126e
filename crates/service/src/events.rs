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
            Self::Host { id, email } => ((*email).to_owned(), (*id).to_owned()),
        }
    }
}

fn payload(e: Event<'_>) -> String {
    let (operator, operator_id) = e.actor.operator();
    let mut payload = Map::new();
    payload.insert("account_id".into(), json!(e.account_id.as_str()));
    payload.insert("operator".into(), json!(operator));
    payload.insert("operator_id".into(), json!(operator_id));
    payload.insert("object".into(), e.object);
    // A change that came through an interface worth naming (SCIM) says so, with its app.
    if let Actor::Principal(p) = e.actor {
        if let Some(app) = p.app.as_ref().filter(|a| a.interface.is_some()) {
            payload.insert(
                "via".into(),
                json!({
                    "interface": app.interface,
                    "app_client_id": app.client_id,
                    "app_name": app.name,
                }),
            );
        }
    }
    payload.extend(e.extra);
    Value::Object(payload).to_string()
}

/// Records many events at once (multi-row statements), each exactly as [`emit`] would.
pub(crate) async fn emit_many(
    conn: &mut Conn,
    list: Vec<Event<'_>>,
    at: OffsetDateTime,
) -> Result<()> {
    let rows: Vec<(&AccountId, &'static str, String, String, String)> = list
        .into_iter()
        .map(|e| {
            let (account, kind, actor, target) = (
                e.account_id,
                e.kind,
                e.actor.audit_name(),
                e.target.to_owned(),
            );
            (account, kind, actor, target, payload(e))
        })
        .collect();
    let events: Vec<NewEvent<'_>> = rows
        .iter()
        .map(|(account, kind, actor, target, payload)| NewEvent {
            account_id: Some(*account),
            kind,
            actor,
            target: Some(target),
            payload,
            created_at: at,
        })
        .collect();
    events::append_many(conn, &events).await?;
    Ok(())
}

pub(crate) async fn emit(conn: &mut Conn, e: Event<'_>, at: OffsetDateTime) -> Result<()> {
    let (account_id, kind, actor, target) = (e.account_id, e.kind, e.actor.audit_name(), e.target);
    let payload = payload(e);
    events::append(
        conn,
        &NewEvent {
            account_id: Some(account_id),
            kind,
            actor: &actor,
            target: Some(target),
            payload: &payload,
            created_at: at,
        },
    )
    .await?;
    Ok(())
}
