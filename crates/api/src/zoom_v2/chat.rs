//! `/v2/chat/users/{userId}/…`: a user's contacts, channels and messages, in the shapes of
//! Zoom's Team Chat API. Adding and removing a contact are Roster's own (Zoom has no API for
//! them); the admin's external-contact view is in [`super::external`].

use super::zoom_time;
use crate::error::ErrorBody;
use crate::extract::{Caller, ZoomJson, ZoomQuery};
use crate::{AppState, ZoomError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use roster_service::chat::{MessageQuery, NewChannel, NewContact, NewMessage};
use roster_service::store::chat::{MemberRecord, MessageRecord};
use roster_service::store::contacts::ContactRecord;
use serde::{Deserialize, Serialize};

/// A contact as Zoom lists it; an external contact's `id` is empty, as in Zoom.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ContactObject {
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// Roster: whether the contact is outside the user's account.
    pub is_external: bool,
}

impl From<ContactRecord> for ContactObject {
    fn from(c: ContactRecord) -> Self {
        Self {
            is_external: c.user_id.is_none(),
            id: c.user_id.unwrap_or_default(),
            email: c.email,
            first_name: c.first_name,
            last_name: c.last_name,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ContactList {
    pub contacts: Vec<ContactObject>,
    pub page_size: u32,
    pub next_page_token: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ContactParams {
    /// `company` (the default) or `external`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub page_size: Option<i64>,
    pub next_page_token: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ContactBody {
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

#[utoipa::path(get, path = "/v2/chat/users/{userId}/contacts", tag = "chat", params(("userId" = String, Path), ContactParams),
    security(("bearer" = [])), responses((status = 200, body = ContactList), (status = 404, description = "User does not exist (1001)", body = ErrorBody)))]
pub async fn list_contacts(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(user): Path<String>,
    ZoomQuery(q): ZoomQuery<ContactParams>,
) -> Result<Json<ContactList>, ZoomError> {
    let page = state
        .service
        .list_contacts(
            &p,
            &user,
            q.kind.as_deref(),
            q.page_size,
            q.next_page_token.as_deref(),
        )
        .await?;
    Ok(Json(ContactList {
        contacts: page.contacts.into_iter().map(Into::into).collect(),
        page_size: page.page_size,
        next_page_token: page.next_page_token,
    }))
}

#[utoipa::path(post, path = "/v2/chat/users/{userId}/contacts", tag = "chat", params(("userId" = String, Path)), request_body = ContactBody,
    security(("bearer" = [])), responses((status = 201, body = ContactObject),
        (status = 400, description = "Invalid email, or your own (300)", body = ErrorBody),
        (status = 409, description = "Already a contact (5403)", body = ErrorBody)))]
pub async fn add_contact(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(user): Path<String>,
    ZoomJson(body): ZoomJson<ContactBody>,
) -> Result<(StatusCode, Json<ContactObject>), ZoomError> {
    let new = NewContact {
        email: body.email,
        first_name: body.first_name,
        last_name: body.last_name,
    };
    let c = state.service.add_contact(&p, &user, &new).await?;
    Ok((StatusCode::CREATED, Json(c.into())))
}

#[utoipa::path(delete, path = "/v2/chat/users/{userId}/contacts/{contactEmail}", tag = "chat",
    params(("userId" = String, Path), ("contactEmail" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 404, description = "Not a contact (5401)", body = ErrorBody)))]
pub async fn remove_contact(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path((user, contact)): Path<(String, String)>,
) -> Result<StatusCode, ZoomError> {
    state.service.remove_contact(&p, &user, &contact).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A member reference, as Zoom's `members` items (`email`; Roster also takes a user `id`).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MemberItem {
    pub id: Option<String>,
    pub email: Option<String>,
}

fn member_refs(items: Vec<MemberItem>) -> Vec<(Option<String>, Option<String>)> {
    items.into_iter().map(|m| (m.id, m.email)).collect()
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ChannelBody {
    pub name: Option<String>,
    /// 1 private (default), 2 this account's users only, 3 public, 4 group chat.
    #[serde(rename = "type")]
    pub channel_type: Option<i64>,
    #[serde(default)]
    pub members: Vec<MemberItem>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChannelObject {
    pub id: String,
    pub jid: String,
    pub name: String,
    #[serde(rename = "type")]
    pub channel_type: i64,
}

#[utoipa::path(post, path = "/v2/chat/users/{userId}/channels", tag = "chat", params(("userId" = String, Path)), request_body = ChannelBody,
    security(("bearer" = [])), responses((status = 201, body = ChannelObject),
        (status = 400, description = "Invalid name, type or member (300)", body = ErrorBody),
        (status = 404, description = "Member not in the account (1001) or not a contact (5401); nothing is created", body = ErrorBody)))]
pub async fn create_channel(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(user): Path<String>,
    ZoomJson(body): ZoomJson<ChannelBody>,
) -> Result<(StatusCode, Json<ChannelObject>), ZoomError> {
    let new = NewChannel {
        name: body.name,
        channel_type: body.channel_type,
        members: member_refs(body.members),
    };
    let c = state.service.create_channel(&p, &user, &new).await?;
    Ok((
        StatusCode::CREATED,
        Json(ChannelObject {
            jid: format!("{}@conference.roster", c.id),
            id: c.id,
            name: c.name,
            channel_type: c.channel_type,
        }),
    ))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChannelMemberObject {
    /// Empty for an external member, as in Zoom.
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// `owner` or `member`.
    pub role: String,
    pub is_external: bool,
}

impl From<MemberRecord> for ChannelMemberObject {
    fn from(m: MemberRecord) -> Self {
        Self {
            is_external: m.user_id.is_none(),
            id: m.user_id.unwrap_or_default(),
            email: m.email,
            first_name: m.first_name,
            last_name: m.last_name,
            role: m.role,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChannelMemberList {
    pub members: Vec<ChannelMemberObject>,
    pub page_size: u32,
    pub next_page_token: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PageParams {
    pub page_size: Option<i64>,
    pub next_page_token: Option<String>,
}

#[utoipa::path(get, path = "/v2/chat/users/{userId}/channels/{channelId}/members", tag = "chat",
    params(("userId" = String, Path), ("channelId" = String, Path), PageParams), security(("bearer" = [])),
    responses((status = 200, body = ChannelMemberList), (status = 404, description = "No such channel of yours (5402)", body = ErrorBody)))]
pub async fn list_channel_members(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path((user, channel)): Path<(String, String)>,
    ZoomQuery(q): ZoomQuery<PageParams>,
) -> Result<Json<ChannelMemberList>, ZoomError> {
    let page = state
        .service
        .list_channel_members(
            &p,
            &user,
            &channel,
            q.page_size,
            q.next_page_token.as_deref(),
        )
        .await?;
    Ok(Json(ChannelMemberList {
        members: page.members.into_iter().map(Into::into).collect(),
        page_size: page.page_size,
        next_page_token: page.next_page_token,
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MembersBody {
    #[serde(default)]
    pub members: Vec<MemberItem>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AddedMembers {
    /// Comma-separated: user ids, and emails of external members.
    pub ids: String,
    pub added_at: String,
}

#[utoipa::path(post, path = "/v2/chat/users/{userId}/channels/{channelId}/members", tag = "chat",
    params(("userId" = String, Path), ("channelId" = String, Path)), request_body = MembersBody, security(("bearer" = [])),
    responses((status = 201, body = AddedMembers), (status = 400, description = "Invalid (300)", body = ErrorBody),
        (status = 404, description = "Channel (5402), user (1001) or contact (5401) not found; nothing is added", body = ErrorBody)))]
pub async fn add_channel_members(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path((user, channel)): Path<(String, String)>,
    ZoomJson(body): ZoomJson<MembersBody>,
) -> Result<(StatusCode, Json<AddedMembers>), ZoomError> {
    let ids = state
        .service
        .add_channel_members(&p, &user, &channel, &member_refs(body.members))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(AddedMembers {
            ids: ids.join(","),
            added_at: zoom_time(time::OffsetDateTime::now_utc()),
        }),
    ))
}

#[utoipa::path(delete, path = "/v2/chat/users/{userId}/channels/{channelId}/members/{memberId}", tag = "chat",
    params(("userId" = String, Path), ("channelId" = String, Path), ("memberId" = String, Path, description = "user id or email")),
    security(("bearer" = [])), responses((status = 204), (status = 404, description = "Channel (5402) or member (1001) not found", body = ErrorBody)))]
pub async fn remove_channel_member(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path((user, channel, member)): Path<(String, String, String)>,
) -> Result<StatusCode, ZoomError> {
    state
        .service
        .remove_channel_member(&p, &user, &channel, &member)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MessageBody {
    pub message: Option<String>,
    pub to_contact: Option<String>,
    pub to_channel: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SentMessage {
    pub id: String,
}

#[utoipa::path(post, path = "/v2/chat/users/{userId}/messages", tag = "chat", params(("userId" = String, Path)), request_body = MessageBody,
    security(("bearer" = [])), responses((status = 201, body = SentMessage),
        (status = 400, description = "Invalid (300); sending as someone else (200)", body = ErrorBody),
        (status = 404, description = "Not a contact (5401) or no such channel of yours (5402)", body = ErrorBody)))]
pub async fn send_message(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(user): Path<String>,
    ZoomJson(body): ZoomJson<MessageBody>,
) -> Result<(StatusCode, Json<SentMessage>), ZoomError> {
    let new = NewMessage {
        message: body.message,
        to_contact: body.to_contact,
        to_channel: body.to_channel,
    };
    let m = state.service.send_message(&p, &user, &new).await?;
    Ok((StatusCode::CREATED, Json(SentMessage { id: m.id })))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MessageObject {
    pub id: String,
    pub message: String,
    /// The sender's email.
    pub sender: String,
    pub date_time: String,
    /// Milliseconds since the epoch.
    pub timestamp: i64,
}

impl From<MessageRecord> for MessageObject {
    fn from(m: MessageRecord) -> Self {
        Self {
            timestamp: i64::try_from(m.sent_at.unix_timestamp_nanos() / 1_000_000)
                .unwrap_or_default(),
            date_time: zoom_time(m.sent_at),
            id: m.id,
            message: m.message,
            sender: m.sender_email,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MessageList {
    pub messages: Vec<MessageObject>,
    pub page_size: u32,
    pub next_page_token: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct MessageParams {
    pub to_contact: Option<String>,
    pub to_channel: Option<String>,
    pub page_size: Option<i64>,
    pub next_page_token: Option<String>,
}

#[utoipa::path(get, path = "/v2/chat/users/{userId}/messages", tag = "chat", params(("userId" = String, Path), MessageParams),
    security(("bearer" = [])), responses((status = 200, body = MessageList),
        (status = 404, description = "No such channel of the user's (5402)", body = ErrorBody)))]
pub async fn list_messages(
    State(state): State<AppState>,
    Caller(p): Caller,
    Path(user): Path<String>,
    ZoomQuery(q): ZoomQuery<MessageParams>,
) -> Result<Json<MessageList>, ZoomError> {
    let query = MessageQuery {
        to_contact: q.to_contact,
        to_channel: q.to_channel,
        page_size: q.page_size,
        next_page_token: q.next_page_token,
    };
    let page = state.service.list_messages(&p, &user, &query).await?;
    Ok(Json(MessageList {
        messages: page.messages.into_iter().map(Into::into).collect(),
        page_size: page.page_size,
        next_page_token: page.next_page_token,
    }))
}
