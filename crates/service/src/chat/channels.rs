//! Channels of an account: create (the creator is its owner), add and remove members, list
//! them. A member is a user of the account, or one of the acting user's external contacts;
//! anyone else (a user of another account who is not a contact) is refused.

use super::{chat_user, emit};
use crate::{Actor, Error, Result, Service};
use roster_domain::chat::{self, ChannelType, ContactKind, MAX_MEMBERS_PER_REQUEST};
use roster_domain::{paging, Email, Principal, UserId};
use roster_store::chat::{self as store, ChannelRecord, Member, MemberRecord};
use roster_store::users::UserRecord;
use roster_store::{contacts, users, Conn};
use serde_json::{json, Map};

/// A channel to create.
#[derive(Debug, Clone, Default)]
pub struct NewChannel {
    pub name: Option<String>,
    /// Zoom's type: 1 private (default), 2 this account's users only, 3 public, 4 group chat.
    pub channel_type: Option<i64>,
    /// Members to add besides the creator, each `(id, email)` as Zoom's `members` items.
    pub members: Vec<(Option<String>, Option<String>)>,
}

/// One page of a channel's members.
#[derive(Debug, Clone)]
pub struct ChannelMemberPage {
    pub members: Vec<MemberRecord>,
    pub page_size: u32,
    pub next_page_token: String,
}

/// A member to be, as resolved against the account and the acting user's contacts.
enum Resolved {
    /// A user of the account: id and email.
    User(UserId, Email),
    External(Email),
}

impl From<UserRecord> for Resolved {
    fn from(u: UserRecord) -> Self {
        Self::User(u.id, u.email)
    }
}

impl Resolved {
    fn member(&self) -> Member<'_> {
        match self {
            Self::User(id, _) => Member::User(id),
            Self::External(e) => Member::External(e),
        }
    }

    fn key(&self) -> String {
        match self {
            Self::User(id, _) => id.to_string(),
            Self::External(e) => e.to_string(),
        }
    }

    fn email(&self) -> &str {
        match self {
            Self::User(_, e) => e.as_str(),
            Self::External(e) => e.as_str(),
        }
    }
}

/// A user of `actor`'s account by id or email, else (by email) one of `actor`'s external
/// contacts. A user id from another account is "no such user".
async fn resolve_member(
    conn: &mut Conn,
    actor: &UserRecord,
    id: Option<&str>,
    email: Option<&str>,
) -> Result<Resolved> {
    match (id.map(str::trim).filter(|s| !s.is_empty()), email) {
        (Some(id), _) => {
            let not_found = || Error::UserNotFound(id.to_owned());
            let uid = UserId::parse(id).ok_or_else(not_found)?;
            users::find_by_id(conn, &actor.account_id, &uid)
                .await?
                .map(Resolved::from)
                .ok_or_else(not_found)
        }
        (None, Some(raw)) => {
            let email = Email::parse(raw).map_err(|e| Error::invalid("members", e))?;
            if let Some(u) = users::find_by_email(conn, &actor.account_id, &email).await? {
                return Ok(u.into());
            }
            match contacts::find(conn, &actor.account_id, &actor.id, &email).await? {
                Some(c) if c.user_id.is_none() => Ok(Resolved::External(email)),
                _ => Err(Error::ContactNotFound(format!(
                    "{email} (add them to your contacts before inviting them)"
                ))),
            }
        }
        (None, None) => Err(Error::invalid(
            "members",
            "each member needs an id or an email",
        )),
    }
}

/// Adds members to `channel`; all or nothing (the caller's transaction). Returns the keys (user
/// id, or email for an external member) of those who were not members yet.
async fn admit_all(
    conn: &mut Conn,
    principal: &Principal,
    actor: &UserRecord,
    channel: &ChannelRecord,
    members: &[(Option<String>, Option<String>)],
) -> Result<Vec<String>> {
    if members.len() > MAX_MEMBERS_PER_REQUEST {
        return Err(Error::invalid(
            "members",
            format!("at most {MAX_MEMBERS_PER_REQUEST} members per request"),
        ));
    }
    let channel_type = ChannelType::from_code(Some(channel.channel_type))?;
    let at = crate::record_time();
    let mut added = Vec::new();
    for (id, email) in members {
        let m = resolve_member(conn, actor, id.as_deref(), email.as_deref()).await?;
        if let Resolved::External(e) = &m {
            channel_type.admit(e, ContactKind::External)?;
        }
        if store::add_member(conn, &channel.id, m.member(), "member", at).await? {
            let mut extra = Map::new();
            extra.insert(
                "member".into(),
                json!({"email": m.email(), "is_external": matches!(m, Resolved::External(_))}),
            );
            emit(
                conn,
                &channel.account_id,
                &Actor::Principal(principal),
                "chat_channel.member_invited",
                &channel.id,
                object(channel),
                extra,
                at,
            )
            .await?;
            added.push(m.key());
        }
    }
    Ok(added)
}

fn object(c: &ChannelRecord) -> serde_json::Value {
    json!({"id": c.id, "name": c.name, "type": c.channel_type})
}

/// The channel `id` of `user`'s account, which `user` is a member of; anything else is "no
/// such channel".
async fn member_channel(conn: &mut Conn, user: &UserRecord, id: &str) -> Result<ChannelRecord> {
    let not_found = || Error::ChannelNotFound(id.to_owned());
    let channel = store::find_channel(conn, id).await?.ok_or_else(not_found)?;
    if channel.account_id != user.account_id
        || !store::is_member(conn, &channel.id, &user.id, &user.email).await?
    {
        return Err(not_found());
    }
    Ok(channel)
}

impl Service {
    /// Creates a channel in the user's account with the user as its owner, and its members.
    #[tracing::instrument(skip_all)]
    pub async fn create_channel(
        &self,
        principal: &Principal,
        user_ref: &str,
        new: &NewChannel,
    ) -> Result<ChannelRecord> {
        let name = chat::channel_name(new.name.as_deref().unwrap_or_default())?;
        let channel_type = ChannelType::from_code(new.channel_type)?;
        let mut tx = self.db.begin().await?;
        let owner = chat_user(&mut tx, principal, user_ref).await?;
        let channel = ChannelRecord {
            id: UserId::generate().to_string(),
            account_id: owner.account_id.clone(),
            name,
            channel_type: channel_type.code(),
            created_by: owner.id.to_string(),
            created_at: self.now(),
        };
        store::insert_channel(&mut tx, &channel).await?;
        store::add_member(
            &mut tx,
            &channel.id,
            Member::User(&owner.id),
            "owner",
            channel.created_at,
        )
        .await?;
        emit(
            &mut tx,
            &channel.account_id,
            &Actor::Principal(principal),
            "chat_channel.created",
            &channel.id,
            object(&channel),
            Map::new(),
            channel.created_at,
        )
        .await?;
        admit_all(&mut tx, principal, &owner, &channel, &new.members).await?;
        tx.commit().await?;
        Ok(channel)
    }

    /// Adds members to a channel the user belongs to, all or none.
    #[tracing::instrument(skip_all)]
    pub async fn add_channel_members(
        &self,
        principal: &Principal,
        user_ref: &str,
        channel_id: &str,
        members: &[(Option<String>, Option<String>)],
    ) -> Result<Vec<String>> {
        if members.is_empty() {
            return Err(Error::invalid(
                "members",
                "members must list at least one member",
            ));
        }
        let mut tx = self.db.begin().await?;
        let user = chat_user(&mut tx, principal, user_ref).await?;
        let channel = member_channel(&mut tx, &user, channel_id).await?;
        let added = admit_all(&mut tx, principal, &user, &channel, members).await?;
        tx.commit().await?;
        Ok(added)
    }

    /// Takes a member (by user id or email) out of a channel the user belongs to.
    #[tracing::instrument(skip_all)]
    pub async fn remove_channel_member(
        &self,
        principal: &Principal,
        user_ref: &str,
        channel_id: &str,
        member: &str,
    ) -> Result<()> {
        let not_found = || Error::UserNotFound(member.to_owned());
        let mut tx = self.db.begin().await?;
        let user = chat_user(&mut tx, principal, user_ref).await?;
        let channel = member_channel(&mut tx, &user, channel_id).await?;
        let resolved = if member.contains('@') {
            let email = Email::parse(member).map_err(|_| not_found())?;
            match users::find_by_email(&mut tx, &channel.account_id, &email).await? {
                Some(u) => u.into(),
                None => Resolved::External(email),
            }
        } else {
            let id = UserId::parse(member).ok_or_else(not_found)?;
            users::find_by_id(&mut tx, &channel.account_id, &id)
                .await?
                .ok_or_else(not_found)?
                .into()
        };
        if !store::remove_member(&mut tx, &channel.id, resolved.member()).await? {
            return Err(not_found());
        }
        let mut extra = Map::new();
        extra.insert(
            "member".into(),
            json!({"email": resolved.email(), "is_external": matches!(resolved, Resolved::External(_))}),
        );
        emit(
            &mut tx,
            &channel.account_id,
            &Actor::Principal(principal),
            "chat_channel.member_removed",
            &channel.id,
            object(&channel),
            extra,
            self.now(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A page of a channel's members, for a user who belongs to it.
    pub async fn list_channel_members(
        &self,
        principal: &Principal,
        user_ref: &str,
        channel_id: &str,
        page_size: Option<i64>,
        next_page_token: Option<&str>,
    ) -> Result<ChannelMemberPage> {
        let page_size = paging::page_size(page_size).map_err(|e| Error::invalid("page_size", e))?;
        let after = crate::paging::after(next_page_token)?.unwrap_or_default();
        let mut conn = self.db.read().await?;
        let user = chat_user(&mut conn, principal, user_ref).await?;
        let channel = member_channel(&mut conn, &user, channel_id).await?;
        let mut members = store::members(&mut conn, &channel.id, &after, page_size + 1).await?;
        let next_page_token = crate::paging::finish(&mut members, page_size, |m| m.email.clone());
        Ok(ChannelMemberPage {
            members,
            page_size,
            next_page_token,
        })
    }
}
