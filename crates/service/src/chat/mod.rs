//! Team chat, as far as external contacts need it: a user's contacts ([`contacts`]), channels
//! with internal and external members ([`channels`]), one-to-one and channel messages
//! ([`messages`]), and the admin's view and removal of an account's external contacts
//! ([`external`]). Calls name the chat's user as Zoom does (`/chat/users/{userId}/…`): `me`,
//! or another user the caller manages.

mod channels;
mod contacts;
mod external;
mod messages;

pub use channels::{ChannelMemberPage, NewChannel};
pub use contacts::{ContactPage, NewContact};
pub use external::{ExternalPage, ExternalQuery, ExternalRemoval};
pub use messages::{MessagePage, MessageQuery, NewMessage};

use crate::events::{self, Event};
use crate::users::{require_manage, resolve};
use crate::{Actor, Result};
use roster_domain::{AccountId, Principal};
use roster_store::users::UserRecord;
use roster_store::Conn;
use serde_json::{Map, Value};
use time::OffsetDateTime;

/// The user whose chat a call acts on: one of the caller's account that the caller manages
/// (everyone manages themselves).
async fn chat_user(conn: &mut Conn, principal: &Principal, user_ref: &str) -> Result<UserRecord> {
    let user = resolve(conn, principal, user_ref).await?;
    require_manage(principal, &user)?;
    Ok(user)
}

/// Records a chat event in `account`.
#[allow(clippy::too_many_arguments)]
async fn emit(
    conn: &mut Conn,
    account: &AccountId,
    actor: &Actor<'_>,
    kind: &'static str,
    target: &str,
    object: Value,
    extra: Map<String, Value>,
    at: OffsetDateTime,
) -> Result<()> {
    events::emit(
        conn,
        Event {
            account_id: account,
            kind,
            actor,
            target,
            object,
            extra,
        },
        at,
    )
    .await
}
