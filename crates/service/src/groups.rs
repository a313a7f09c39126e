//! Groups and chat groups: create, rename, delete, and membership. A user is in at most one
//! settings group (whose settings apply to them) and in any number of chat groups.

use crate::events::{self, Event};
use crate::users::{open_account, require, require_manage, resolve, text};
use crate::{Actor, Error, Result, Service};
use roster_domain::paging;
use roster_domain::{Principal, Privilege, UserId};
use roster_store::groups::{self, GroupKind, GroupRecord, MemberRecord};
use serde_json::{json, Map};

pub use roster_store::groups::GroupKind as Kind;

/// One page of a group's members.
#[derive(Debug, Clone)]
pub struct MemberPage {
    pub members: Vec<MemberRecord>,
    pub page_size: u32,
    pub total_records: i64,
    pub next_page_token: String,
}

/// A member to add, by id or email.
#[derive(Debug, Clone, Default)]
pub struct MemberRef {
    pub id: Option<String>,
    pub email: Option<String>,
}

fn group_name(name: Option<&str>) -> Result<String> {
    let name = text("name", name.unwrap_or_default(), 128)?;
    if name.is_empty() {
        return Err(Error::invalid("name", "name is required"));
    }
    Ok(name)
}

fn group_event<'a>(
    principal: &'a Principal,
    actor: &'a Actor<'a>,
    kind: &'static str,
    g: &'a GroupRecord,
    object: serde_json::Value,
) -> Event<'a> {
    Event {
        account_id: &principal.account_id,
        kind,
        actor,
        target: &g.id,
        object,
        extra: Map::new(),
    }
}

/// Zoom names the events of chat groups like those of groups; the kind tells them apart.
/// Refuses unless the caller holds `p` for group `id`: a role limited to some settings groups
/// holds it for those only, and for no chat group.
fn require_for(principal: &Principal, p: Privilege, kind: GroupKind, id: &str) -> Result<()> {
    let ok = match kind {
        GroupKind::Settings => principal.may_for_group(p, id),
        GroupKind::Chat => principal.may_for_all_groups(p),
    };
    if ok {
        Ok(())
    } else {
        Err(Error::NoPrivilege)
    }
}

fn object(g: &GroupRecord) -> serde_json::Value {
    json!({ "id": g.id, "name": g.name, "kind": g.kind.as_str() })
}

impl Service {
    pub async fn list_groups(
        &self,
        principal: &Principal,
        kind: GroupKind,
    ) -> Result<Vec<GroupRecord>> {
        require(principal, Privilege::GroupRead)?;
        let mut conn = self.db.read().await?;
        let mut all = groups::list(&mut conn, &principal.account_id, kind).await?;
        // A role limited to some settings groups sees those.
        all.retain(|g| require_for(principal, Privilege::GroupRead, kind, &g.id).is_ok());
        Ok(all)
    }

    pub async fn get_group(
        &self,
        principal: &Principal,
        kind: GroupKind,
        id: &str,
    ) -> Result<GroupRecord> {
        require_for(principal, Privilege::GroupRead, kind, id)?;
        let mut conn = self.db.read().await?;
        groups::find(&mut conn, &principal.account_id, kind, id)
            .await?
            .ok_or_else(|| Error::GroupNotFound(id.to_owned()))
    }

    #[tracing::instrument(skip_all)]
    pub async fn create_group(
        &self,
        principal: &Principal,
        kind: GroupKind,
        name: Option<&str>,
    ) -> Result<GroupRecord> {
        if !principal.may_for_all_groups(Privilege::GroupEdit) {
            return Err(Error::NoPrivilege);
        }
        let name = group_name(name)?;
        let mut tx = self.db.begin().await?;
        open_account(&mut tx, principal).await?;
        if groups::name_taken(&mut tx, &principal.account_id, kind, &name).await? {
            return Err(Error::GroupNameTaken(name));
        }
        let g = GroupRecord {
            id: UserId::generate().to_string(),
            account_id: principal.account_id.clone(),
            kind,
            name,
            total_members: 0,
            created_at: self.now(),
        };
        groups::insert(&mut tx, &g).await.map_err(|e| {
            if e.is_unique("groups.account_id, groups.kind, groups.name") {
                Error::GroupNameTaken(g.name.clone())
            } else {
                e.into()
            }
        })?;
        let actor = Actor::Principal(principal);
        events::emit(
            &mut tx,
            group_event(principal, &actor, "group.created", &g, object(&g)),
            g.created_at,
        )
        .await?;
        tx.commit().await?;
        Ok(g)
    }

    #[tracing::instrument(skip_all)]
    pub async fn rename_group(
        &self,
        principal: &Principal,
        kind: GroupKind,
        id: &str,
        name: Option<&str>,
    ) -> Result<()> {
        require_for(principal, Privilege::GroupEdit, kind, id)?;
        let name = group_name(name)?;
        let mut tx = self.db.begin().await?;
        open_account(&mut tx, principal).await?;
        let g = groups::find(&mut tx, &principal.account_id, kind, id)
            .await?
            .ok_or_else(|| Error::GroupNotFound(id.to_owned()))?;
        if g.name == name {
            return Ok(());
        }
        if groups::name_taken(&mut tx, &principal.account_id, kind, &name).await? {
            return Err(Error::GroupNameTaken(name));
        }
        groups::rename(&mut tx, &principal.account_id, id, &name).await?;
        let actor = Actor::Principal(principal);
        let mut ev = group_event(
            principal,
            &actor,
            "group.updated",
            &g,
            json!({ "id": g.id, "name": name, "kind": kind.as_str() }),
        );
        ev.extra.insert("old_object".into(), object(&g));
        events::emit(&mut tx, ev, self.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    pub async fn delete_group(
        &self,
        principal: &Principal,
        kind: GroupKind,
        id: &str,
    ) -> Result<()> {
        require_for(principal, Privilege::GroupEdit, kind, id)?;
        let mut tx = self.db.begin().await?;
        open_account(&mut tx, principal).await?;
        let g = groups::find(&mut tx, &principal.account_id, kind, id)
            .await?
            .ok_or_else(|| Error::GroupNotFound(id.to_owned()))?;
        groups::delete(&mut tx, &principal.account_id, id).await?;
        let actor = Actor::Principal(principal);
        events::emit(
            &mut tx,
            group_event(principal, &actor, "group.deleted", &g, object(&g)),
            self.now(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds users to a group, all or none: an unknown user refuses the whole request.
    /// Returns the ids of users who were not already members.
    #[tracing::instrument(skip_all)]
    pub async fn add_group_members(
        &self,
        principal: &Principal,
        kind: GroupKind,
        id: &str,
        members: &[MemberRef],
    ) -> Result<Vec<String>> {
        require_for(principal, Privilege::GroupEdit, kind, id)?;
        if members.is_empty() {
            return Err(Error::invalid(
                "members",
                "members must list at least one user",
            ));
        }
        if members.len() > 30 {
            return Err(Error::invalid("members", "at most 30 members per request"));
        }
        let mut tx = self.db.begin().await?;
        open_account(&mut tx, principal).await?;
        let g = groups::find(&mut tx, &principal.account_id, kind, id)
            .await?
            .ok_or_else(|| Error::GroupNotFound(id.to_owned()))?;
        let at = self.now();
        let actor = Actor::Principal(principal);
        let mut added = Vec::new();
        for m in members {
            let user_ref = m.id.as_deref().or(m.email.as_deref()).unwrap_or_default();
            let user = resolve(&mut tx, principal, user_ref).await?;
            if kind == GroupKind::Settings && !principal.may_for_all_groups(Privilege::GroupEdit) {
                // A role limited to some groups brings in only users it already manages.
                require_manage(principal, &user)?;
            }
            if groups::add_member(&mut tx, kind, &g.id, &user.id, at).await? {
                let mut ev = group_event(principal, &actor, "group.member_added", &g, object(&g));
                ev.target = user.id.as_str();
                ev.extra.insert(
                    "member".into(),
                    json!({ "id": user.id.as_str(), "email": user.email.as_str() }),
                );
                events::emit(&mut tx, ev, at).await?;
                added.push(user.id.to_string());
            }
        }
        tx.commit().await?;
        Ok(added)
    }

    #[tracing::instrument(skip_all)]
    pub async fn remove_group_member(
        &self,
        principal: &Principal,
        kind: GroupKind,
        id: &str,
        member: &str,
    ) -> Result<()> {
        require_for(principal, Privilege::GroupEdit, kind, id)?;
        let mut tx = self.db.begin().await?;
        open_account(&mut tx, principal).await?;
        let g = groups::find(&mut tx, &principal.account_id, kind, id)
            .await?
            .ok_or_else(|| Error::GroupNotFound(id.to_owned()))?;
        let user = resolve(&mut tx, principal, member).await?;
        if !groups::remove_member(&mut tx, kind, &g.id, &user.id).await? {
            return Err(Error::UserNotFound(member.to_owned()));
        }
        let actor = Actor::Principal(principal);
        let mut ev = group_event(principal, &actor, "group.member_deleted", &g, object(&g));
        ev.target = user.id.as_str();
        ev.extra.insert(
            "member".into(),
            json!({ "id": user.id.as_str(), "email": user.email.as_str() }),
        );
        events::emit(&mut tx, ev, self.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn list_group_members(
        &self,
        principal: &Principal,
        kind: GroupKind,
        id: &str,
        page_size: Option<i64>,
        next_page_token: Option<&str>,
    ) -> Result<MemberPage> {
        require_for(principal, Privilege::GroupRead, kind, id)?;
        let page_size = paging::page_size(page_size).map_err(|e| Error::invalid("page_size", e))?;
        let after = crate::paging::after(next_page_token)?.unwrap_or_default();
        let mut conn = self.db.read().await?;
        let g = groups::find(&mut conn, &principal.account_id, kind, id)
            .await?
            .ok_or_else(|| Error::GroupNotFound(id.to_owned()))?;
        let mut members = groups::members(&mut conn, kind, &g.id, &after, page_size + 1).await?;
        let next_page_token = crate::paging::finish(&mut members, page_size, |m| m.email.clone());
        Ok(MemberPage {
            members,
            page_size,
            total_records: g.total_members,
            next_page_token,
        })
    }
}

/// Refuses a settings group that is not the caller's account's.
pub async fn settings_group_exists(
    conn: &mut roster_store::Conn,
    principal: &Principal,
    id: &str,
) -> Result<()> {
    groups::find(conn, &principal.account_id, GroupKind::Settings, id)
        .await?
        .map(drop)
        .ok_or_else(|| Error::GroupNotFound(id.to_owned()))
}

/// Puts `user` in exactly the chat groups `wanted` (ids of the caller's account; blanks are
/// ignored), joining and leaving with the same events as adding and removing members one by
/// one. Changing anything needs `Group:Edit` for every group, as adding a member does.
/// Returns whether anything changed.
pub(crate) async fn set_chat_groups(
    conn: &mut roster_store::Conn,
    principal: &Principal,
    user: &roster_store::users::UserRecord,
    wanted: &[String],
    at: time::OffsetDateTime,
) -> Result<bool> {
    let mut wanted: Vec<&str> = wanted
        .iter()
        .map(|g| g.trim())
        .filter(|g| !g.is_empty())
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    let current = &user.chat_group_ids;
    let join: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|g| !current.iter().any(|c| c == g))
        .collect();
    let leave: Vec<&str> = current
        .iter()
        .map(String::as_str)
        .filter(|c| !wanted.contains(c))
        .collect();
    if join.is_empty() && leave.is_empty() {
        return Ok(false);
    }
    if !principal.may_for_all_groups(Privilege::GroupEdit) {
        return Err(Error::NoPrivilege);
    }
    let actor = Actor::Principal(principal);
    let moves = join
        .iter()
        .map(|g| (*g, true))
        .chain(leave.iter().map(|g| (*g, false)));
    for (id, joining) in moves {
        let g = groups::find(conn, &principal.account_id, GroupKind::Chat, id)
            .await?
            .ok_or_else(|| Error::GroupNotFound(id.to_owned()))?;
        let changed = if joining {
            groups::add_member(conn, GroupKind::Chat, &g.id, &user.id, at).await?
        } else {
            groups::remove_member(conn, GroupKind::Chat, &g.id, &user.id).await?
        };
        if changed {
            let kind = if joining {
                "group.member_added"
            } else {
                "group.member_deleted"
            };
            let mut ev = group_event(principal, &actor, kind, &g, object(&g));
            ev.target = user.id.as_str();
            ev.extra.insert(
                "member".into(),
                json!({ "id": user.id.as_str(), "email": user.email.as_str() }),
            );
            events::emit(conn, ev, at).await?;
        }
    }
    Ok(true)
}
