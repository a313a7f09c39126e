//! Defaults for new users (a settings group and a chat group every new user starts in) and
//! switches: every user of settings group A, or in none, into group B; every user of chat group
//! A, or in none, also into chat group B, optionally leaving A (chat groups are many per user).
//! Each switch is set-based SQL in one transaction with one summary event.

use super::{readable, writable, Admin};
use crate::events::{self, Event};
use crate::{Error, Result, Service};
use roster_domain::{AccountId, Privilege};
use roster_store::admin::{self, Defaults};
use roster_store::groups::{self, GroupKind};
use roster_store::Conn;
use serde_json::{json, Map};

/// The groups new users start in; `None`: none.
pub type UserDefaults = Defaults;

/// What [`apply_user_defaults`] gave the new users.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppliedDefaults {
    /// The settings group given to those who had none.
    pub group_id: Option<String>,
    /// The chat group they joined.
    pub chat_group_id: Option<String>,
}

/// Puts newly added users of `account` in the account's default settings group (those not
/// already in a group) and default chat group, in the caller's transaction. Every path that adds
/// users calls this after inserting them (`add_user`, and the CSV import per batch).
pub async fn apply_user_defaults(
    conn: &mut Conn,
    account: &AccountId,
    user_ids: &[&str],
) -> Result<AppliedDefaults> {
    let Some(d) = admin::defaults(conn, account).await? else {
        return Ok(AppliedDefaults::default());
    };
    if let Some(g) = &d.group_id {
        admin::put_groupless_in(conn, account, user_ids, g).await?;
    }
    if let Some(c) = &d.chat_group_id {
        admin::join_chat_group(conn, user_ids, c, crate::record_time()).await?;
    }
    Ok(AppliedDefaults {
        group_id: d.group_id,
        chat_group_id: d.chat_group_id,
    })
}

/// `Some("")` clears, `Some(id)` names a group of `kind`, `None` keeps.
async fn pick(
    conn: &mut Conn,
    account: &AccountId,
    kind: GroupKind,
    wanted: Option<&str>,
    current: Option<String>,
) -> Result<Option<String>> {
    match wanted.map(str::trim) {
        None => Ok(current),
        Some("") => Ok(None),
        Some(id) => group(conn, account, kind, id).await.map(Some),
    }
}

async fn group(conn: &mut Conn, account: &AccountId, kind: GroupKind, id: &str) -> Result<String> {
    groups::find(conn, account, kind, id.trim())
        .await?
        .map(|g| g.id)
        .ok_or_else(|| Error::GroupNotFound(id.trim().to_owned()))
}

/// A switch of settings groups.
#[derive(Debug, Clone, Default)]
pub struct GroupSwitch {
    /// The group whose users move; `None`: users in no group.
    pub from: Option<String>,
    pub to: String,
}

/// A switch of chat groups.
#[derive(Debug, Clone, Default)]
pub struct ChatSwitch {
    /// The chat group whose members also join `to`; `None`: users in no chat group.
    pub from: Option<String>,
    pub to: String,
    /// Whether they also leave `from`.
    pub leave: bool,
}

fn from_ref(from: Option<&str>) -> Option<&str> {
    from.map(str::trim).filter(|f| !f.is_empty())
}

impl Service {
    /// The account's defaults for new users.
    pub async fn user_defaults(&self, admin: Admin<'_>) -> Result<UserDefaults> {
        let mut conn = self.db.read().await?;
        let account = readable(&mut conn, &admin, Privilege::AccountSettingRead).await?;
        Ok(admin::defaults(&mut conn, &account.id)
            .await?
            .unwrap_or_default())
    }

    /// Sets the account's default settings group and chat group for new users (`Some("")`
    /// clears one, `None` keeps it). A group of another kind or account is 4130.
    #[tracing::instrument(skip_all)]
    pub async fn set_user_defaults(
        &self,
        admin: Admin<'_>,
        group_id: Option<&str>,
        chat_group_id: Option<&str>,
    ) -> Result<UserDefaults> {
        let mut tx = self.db.begin().await?;
        let account = writable(&mut tx, &admin, Privilege::AccountSettingEdit).await?;
        let old = admin::defaults(&mut tx, &account.id)
            .await?
            .unwrap_or_default();
        let new = Defaults {
            group_id: pick(
                &mut tx,
                &account.id,
                GroupKind::Settings,
                group_id,
                old.group_id.clone(),
            )
            .await?,
            chat_group_id: pick(
                &mut tx,
                &account.id,
                GroupKind::Chat,
                chat_group_id,
                old.chat_group_id.clone(),
            )
            .await?,
        };
        if new == old {
            return Ok(new);
        }
        admin::set_defaults(&mut tx, &account.id, &new).await?;
        let actor = admin.actor();
        let event = Event {
            account_id: &account.id,
            kind: "account.user_defaults_updated",
            actor: &actor,
            target: account.id.as_str(),
            object: json!({"id": account.id.as_str(), "group_id": new.group_id, "im_group_id": new.chat_group_id}),
            extra: Map::from_iter([(
                "old_object".to_owned(),
                json!({"id": account.id.as_str(), "group_id": old.group_id, "im_group_id": old.chat_group_id}),
            )]),
        };
        events::emit(&mut tx, event, self.now()).await?;
        tx.commit().await?;
        Ok(new)
    }

    /// Moves every user of settings group `from` (or in no group) into group `to`; returns how
    /// many moved.
    #[tracing::instrument(skip_all)]
    pub async fn switch_users_group(&self, admin: Admin<'_>, s: GroupSwitch) -> Result<u64> {
        let from = from_ref(s.from.as_deref());
        if from == Some(s.to.trim()) {
            return Err(Error::invalid("to", "to must differ from from"));
        }
        let mut tx = self.db.begin().await?;
        let account = writable(&mut tx, &admin, Privilege::UserEdit).await?;
        if let Some(f) = from {
            group(&mut tx, &account.id, GroupKind::Settings, f).await?;
        }
        let to = group(&mut tx, &account.id, GroupKind::Settings, &s.to).await?;
        let at = self.now();
        let moved = admin::move_to_group(&mut tx, &account.id, from, &to, at).await?;
        if moved > 0 {
            let actor = admin.actor();
            let event = Event {
                account_id: &account.id,
                kind: "account.users_group_switched",
                actor: &actor,
                target: &to,
                object: json!({"id": account.id.as_str(), "from_group_id": from, "to_group_id": to, "moved": moved}),
                extra: Map::new(),
            };
            events::emit(&mut tx, event, at).await?;
        }
        tx.commit().await?;
        Ok(moved)
    }

    /// Makes every member of chat group `from` (or every user in no chat group) a member of chat
    /// group `to` too, and with `leave` takes them out of `from`; returns how many joined and
    /// how many left.
    #[tracing::instrument(skip_all)]
    pub async fn switch_users_chat_group(
        &self,
        admin: Admin<'_>,
        s: ChatSwitch,
    ) -> Result<(u64, u64)> {
        let from = from_ref(s.from.as_deref());
        if from == Some(s.to.trim()) {
            return Err(Error::invalid("to", "to must differ from from"));
        }
        if s.leave && from.is_none() {
            return Err(Error::invalid("leave", "leave needs a from chat group"));
        }
        let mut tx = self.db.begin().await?;
        let account = writable(&mut tx, &admin, Privilege::UserEdit).await?;
        if let Some(f) = from {
            group(&mut tx, &account.id, GroupKind::Chat, f).await?;
        }
        let to = group(&mut tx, &account.id, GroupKind::Chat, &s.to).await?;
        let at = self.now();
        let (joined, left) =
            admin::switch_chat_group(&mut tx, &account.id, from, &to, s.leave, at).await?;
        if joined + left > 0 {
            let actor = admin.actor();
            let event = Event {
                account_id: &account.id,
                kind: "account.users_chat_group_switched",
                actor: &actor,
                target: &to,
                object: json!({"id": account.id.as_str(), "from_im_group_id": from, "to_im_group_id": to,
                    "joined": joined, "left": left}),
                extra: Map::new(),
            };
            events::emit(&mut tx, event, at).await?;
        }
        tx.commit().await?;
        Ok((joined, left))
    }
}
