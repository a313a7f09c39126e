//! Chat messages: to a contact (one-to-one) or to a channel, and the history of either.
//!
//! A one-to-one message goes to a user of the sender's account or to one of the sender's
//! external contacts (who, when they are a Roster user elsewhere, must have the sender among
//! their contacts too). It records both participants by email, and the recipient's account when
//! they are a Roster user, so each participant lists it by who they are (an external person
//! with a Roster account elsewhere too, even after the account removed them as a contact), and
//! the admins of both accounts keep it. A channel message goes to a channel the sender belongs
//! to, internal member or external, and is written in the channel's account.

use super::{chat_user, emit};
use crate::{Actor, Error, Result, Service};
use roster_domain::chat::{self, Recipient};
use roster_domain::{paging, Principal, UserId};
use roster_store::chat::{self as store, MessageFilter, MessageRecord, Thread};
use roster_store::{contacts, users};
use serde_json::{json, Map};
use time::OffsetDateTime;

/// A message to send.
#[derive(Debug, Clone, Default)]
pub struct NewMessage {
    pub message: Option<String>,
    pub to_contact: Option<String>,
    pub to_channel: Option<String>,
}

/// Which history to list.
#[derive(Debug, Clone, Default)]
pub struct MessageQuery {
    pub to_contact: Option<String>,
    pub to_channel: Option<String>,
    pub page_size: Option<i64>,
    pub next_page_token: Option<String>,
}

/// One page of messages, newest first.
#[derive(Debug, Clone)]
pub struct MessagePage {
    pub messages: Vec<MessageRecord>,
    pub page_size: u32,
    pub next_page_token: String,
}

fn millis(t: OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// A page token's key: `{sent_at ms} {id}`.
fn parse_key(key: &str) -> Result<(OffsetDateTime, String)> {
    let bad = || Error::invalid("next_page_token", paging::PagingError::Token);
    let (ms, id) = key.split_once(' ').ok_or_else(bad)?;
    let ms: i64 = ms.parse().map_err(|_| bad())?;
    let at =
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).map_err(|_| bad())?;
    Ok((at, id.to_owned()))
}

impl Service {
    /// Sends a message as the caller (Zoom's `POST /chat/users/me/messages`).
    #[tracing::instrument(skip_all)]
    pub async fn send_message(
        &self,
        principal: &Principal,
        user_ref: &str,
        new: &NewMessage,
    ) -> Result<MessageRecord> {
        let text = chat::message_text(new.message.as_deref().unwrap_or_default())?;
        let to = chat::recipient(new.to_contact.as_deref(), new.to_channel.as_deref())?;
        let mut tx = self.db.begin().await?;
        let sender = chat_user(&mut tx, principal, user_ref).await?;
        if sender.id != principal.user_id {
            // Messages are sent as oneself only, whoever one manages.
            return Err(Error::NoPrivilege);
        }
        let mut m = MessageRecord {
            id: UserId::generate().to_string(),
            account_id: sender.account_id.to_string(),
            user_id: sender.id.to_string(),
            sender_email: sender.email.to_string(),
            to_contact: String::new(),
            to_channel: None,
            to_account_id: None,
            message: text,
            sent_at: self.now(),
        };
        let event_account = match &to {
            Recipient::Contact(email) => {
                if *email == sender.email {
                    return Err(Error::invalid(
                        "to_contact",
                        "you cannot send a message to yourself",
                    ));
                }
                m.to_account_id = if users::find_by_email(&mut tx, &sender.account_id, email)
                    .await?
                    .is_some()
                {
                    Some(sender.account_id.to_string())
                } else {
                    let has_them = contacts::find(&mut tx, &sender.account_id, &sender.id, email)
                        .await?
                        .is_some();
                    let them = users::find_registered(&mut tx, email).await?;
                    let they_have_sender = match &them {
                        Some(t) => contacts::find(&mut tx, &t.account_id, &t.id, &sender.email)
                            .await?
                            .is_some(),
                        None => false,
                    };
                    if !chat::may_message_external(has_them, them.is_some(), they_have_sender) {
                        return Err(Error::ContactNotFound(email.to_string()));
                    }
                    them.map(|t| t.account_id.to_string())
                };
                m.to_contact = email.to_string();
                sender.account_id.clone()
            }
            Recipient::Channel(id) => {
                let not_found = || Error::ChannelNotFound(id.clone());
                let channel = store::find_channel(&mut tx, id)
                    .await?
                    .ok_or_else(not_found)?;
                if !store::is_member(&mut tx, &channel.id, &sender.id, &sender.email).await? {
                    return Err(not_found());
                }
                m.account_id = channel.account_id.to_string();
                m.to_channel = Some(channel.id);
                channel.account_id
            }
        };
        store::insert_message(&mut tx, &m).await?;
        // The text stays out of the audit log.
        let mut extra = Map::new();
        extra.insert("user_id".into(), json!(sender.id.as_str()));
        emit(
            &mut tx,
            &event_account,
            &Actor::Principal(principal),
            "chat_message.sent",
            &m.id,
            json!({"id": m.id, "to_contact": m.to_contact, "to_channel": m.to_channel}),
            extra,
            m.sent_at,
        )
        .await?;
        tx.commit().await?;
        Ok(m)
    }

    /// A page of a user's history with a contact or in a channel, newest first. The user sees
    /// everything they took part in; an admin reading another user's sees what was written in
    /// or sent into the admin's account.
    pub async fn list_messages(
        &self,
        principal: &Principal,
        user_ref: &str,
        q: &MessageQuery,
    ) -> Result<MessagePage> {
        let to = chat::recipient(q.to_contact.as_deref(), q.to_channel.as_deref())?;
        let page_size =
            paging::page_size(q.page_size).map_err(|e| Error::invalid("page_size", e))?;
        let before = crate::paging::after(q.next_page_token.as_deref())?
            .map(|k| parse_key(&k))
            .transpose()?;
        let mut conn = self.db.read().await?;
        let user = chat_user(&mut conn, principal, user_ref).await?;
        let thread = match &to {
            Recipient::Contact(with) => Thread::Contact {
                user: &user.id,
                user_email: &user.email,
                with,
            },
            Recipient::Channel(id) => {
                let not_found = || Error::ChannelNotFound(id.clone());
                let channel = store::find_channel(&mut conn, id)
                    .await?
                    .ok_or_else(not_found)?;
                if !store::is_member(&mut conn, &channel.id, &user.id, &user.email).await? {
                    return Err(not_found());
                }
                Thread::Channel(id)
            }
        };
        let admin_view = user.id != principal.user_id;
        let mut messages = store::messages(
            &mut conn,
            &MessageFilter {
                thread,
                account: admin_view.then_some(&principal.account_id),
                before: before.as_ref().map(|(t, id)| (*t, id.as_str())),
                limit: page_size + 1,
            },
        )
        .await?;
        let next_page_token = crate::paging::finish(&mut messages, page_size, |m| {
            format!("{} {}", millis(m.sent_at), m.id)
        });
        Ok(MessagePage {
            messages,
            page_size,
            next_page_token,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use roster_domain::chat::ChatError;

    #[test]
    fn page_keys_round_trip() {
        let t = OffsetDateTime::from_unix_timestamp_nanos(1_700_000_000_123_000_000).unwrap();
        let (at, id) = parse_key(&format!("{} abc", millis(t))).unwrap();
        assert_eq!((at, id.as_str()), (t, "abc"));
        assert!(parse_key("nonsense").is_err());
    }

    #[test]
    fn chat_errors_name_their_field() {
        match Error::from(ChatError::Recipient) {
            Error::InvalidInput { field, .. } => assert_eq!(field, "to_contact"),
            other => panic!("{other:?}"),
        }
    }
}
