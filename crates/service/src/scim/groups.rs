//! SCIM Groups: Roster's settings groups (a user is in at most one, `users.group_id`) as an
//! identity provider manages them. The same rules and events as the REST group use cases
//! (`group.created`, `group.updated`, `group.deleted`, `group.member_added`,
//! `group.member_deleted`, the caller as actor), plus what SCIM adds: an external id unique in
//! the account, a version checked before every change (`If-Match`), and membership changed by
//! whole sets in a few statements, however many members.
//!
//! Adding a user who is in another group moves them (Zoom's rule, and the REST API's): the add
//! succeeds, as an identity provider expects, and the user leaves their former group.

use crate::events::{self, Event};
use crate::users::{open_account, require, text};
use crate::{Actor, Error, Result, Service};
use roster_domain::{Principal, Privilege, UserId};
use roster_store::groups::{self, GroupKind, GroupRecord};
use roster_store::scim_groups::{self as store, MemberRow};
use roster_store::Conn;
use serde_json::{json, Map};

pub use roster_store::scim_groups::{MemberRow as Member, ScimGroupRecord as ScimGroup};

mod members;

/// How many member rows are read at a time when a group is shown with its members.
pub const MEMBER_PAGE: i64 = 1000;

/// Why a SCIM group request was refused (besides the service's common outcomes).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GroupRefusal {
    /// `If-Match` named another version.
    #[error("The group has changed: its version is {current}. Read it again and retry. Nothing was changed.")]
    VersionMismatch { current: i64 },
    #[error("Another group of this account has the externalId \"{0}\". Nothing was changed.")]
    ExternalIdTaken(String),
    /// A PATCH path selected nothing.
    #[error("{0} Nothing was changed.")]
    NoTarget(String),
    /// A member value that is not a user of this account.
    #[error("members: \"{0}\" is not the id of a user of this account. Nothing was changed.")]
    UnknownMember(String),
}

impl From<GroupRefusal> for Error {
    fn from(r: GroupRefusal) -> Self {
        Error::ScimGroup(r)
    }
}

/// A change to a group's members, applied in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MembersChange {
    /// These users join (leaving their former group).
    Add(Vec<String>),
    /// These users leave; those who are not members are passed over.
    Remove(Vec<String>),
    /// These users leave, and each must be a member (a PATCH filter that must select them),
    /// else `noTarget` naming the path.
    RemoveSelected { ids: Vec<String>, path: String },
    /// Exactly these users are the members.
    Replace(Vec<String>),
    /// Every member leaves.
    Clear,
}

/// What a PUT or PATCH changes; `None` leaves an attribute as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupChanges {
    pub display_name: Option<String>,
    /// `Some(None)` removes the external id.
    pub external_id: Option<Option<String>>,
    pub members: Vec<MembersChange>,
}

/// Whether the version a caller holds allows the change (`If-Match`): `true` when absent.
pub type VersionCheck<'a> = &'a (dyn Fn(i64) -> bool + Send + Sync);

fn display_name(name: &str) -> Result<String> {
    let name = text("displayName", name, 128)?;
    if name.is_empty() {
        return Err(Error::invalid("displayName", "displayName is required"));
    }
    Ok(name)
}

fn external_id(id: Option<&str>) -> Result<Option<String>> {
    match id {
        None => Ok(None),
        Some(id) => {
            let id = text("externalId", id, 255)?;
            Ok((!id.is_empty()).then_some(id))
        }
    }
}

/// SCIM changes any group, so it needs Group:Edit over all of them.
fn require_edit(principal: &Principal) -> Result<()> {
    if principal.may_for_all_groups(Privilege::GroupEdit) {
        Ok(())
    } else {
        Err(Error::NoPrivilege)
    }
}

fn as_record(g: &ScimGroup, account: &Principal) -> GroupRecord {
    GroupRecord {
        id: g.id.clone(),
        account_id: account.account_id.clone(),
        kind: GroupKind::Settings,
        name: g.name.clone(),
        total_members: g.total_members,
        created_at: g.created_at,
    }
}

fn object(id: &str, name: &str) -> serde_json::Value {
    json!({ "id": id, "name": name, "kind": GroupKind::Settings.as_str() })
}

fn ids_json(ids: &[String]) -> Result<String> {
    serde_json::to_string(ids).map_err(|e| Error::Internal(e.to_string()))
}

async fn find(conn: &mut Conn, principal: &Principal, id: &str) -> Result<ScimGroup> {
    store::find(conn, &principal.account_id, id)
        .await?
        .ok_or_else(|| Error::GroupNotFound(id.to_owned()))
}

impl Service {
    /// Every settings group of the account (without members), with, for each user of
    /// `member_ids` who is in a group, `(user id, group id)`: what a filter on `members.value`
    /// needs.
    pub async fn scim_list_groups(
        &self,
        principal: &Principal,
        member_ids: &[String],
    ) -> Result<(Vec<ScimGroup>, Vec<(String, String)>)> {
        require(principal, Privilege::GroupRead)?;
        let mut conn = self.db.read().await?;
        let mut all = store::list(&mut conn, &principal.account_id).await?;
        all.retain(|g| principal.may_for_group(Privilege::GroupRead, &g.id));
        let held = if member_ids.is_empty() {
            Vec::new()
        } else {
            store::groups_of(&mut conn, &principal.account_id, &ids_json(member_ids)?).await?
        };
        Ok((all, held))
    }

    /// One settings group, without its members.
    pub async fn scim_get_group(&self, principal: &Principal, id: &str) -> Result<ScimGroup> {
        if !principal.may_for_group(Privilege::GroupRead, id) {
            return Err(Error::NoPrivilege);
        }
        let mut conn = self.db.read().await?;
        find(&mut conn, principal, id).await
    }

    /// Reads a group's members a page of [`MEMBER_PAGE`] at a time, by email, handing each
    /// page to `visit`: no more than a page of rows is held at once.
    pub async fn scim_group_members(
        &self,
        principal: &Principal,
        id: &str,
        mut visit: impl FnMut(Vec<Member>),
    ) -> Result<()> {
        if !principal.may_for_group(Privilege::GroupRead, id) {
            return Err(Error::NoPrivilege);
        }
        let mut conn = self.db.read().await?;
        let mut after = String::new();
        loop {
            let page: Vec<MemberRow> =
                store::members_page(&mut conn, id, &after, MEMBER_PAGE).await?;
            let full = i64::try_from(page.len()).unwrap_or(i64::MAX) == MEMBER_PAGE;
            match page.last() {
                Some(last) => after.clone_from(&last.email),
                None => return Ok(()),
            }
            visit(page);
            if !full {
                return Ok(());
            }
        }
    }

    /// Creates a settings group with an external id and members, in one transaction.
    #[tracing::instrument(skip_all)]
    pub async fn scim_create_group(
        &self,
        principal: &Principal,
        name: &str,
        ext_id: Option<&str>,
        members: Vec<String>,
    ) -> Result<ScimGroup> {
        require_edit(principal)?;
        let name = display_name(name)?;
        let ext_id = external_id(ext_id)?;
        let mut tx = self.db.begin().await?;
        open_account(&mut tx, principal).await?;
        if groups::name_taken(&mut tx, &principal.account_id, GroupKind::Settings, &name).await? {
            return Err(Error::GroupNameTaken(name));
        }
        let id = UserId::generate().to_string();
        if let Some(ext) = &ext_id {
            if store::external_id_taken(&mut tx, &principal.account_id, ext, &id).await? {
                return Err(GroupRefusal::ExternalIdTaken(ext.clone()).into());
            }
        }
        let at = self.now();
        let g = GroupRecord {
            id: id.clone(),
            account_id: principal.account_id.clone(),
            kind: GroupKind::Settings,
            name: name.clone(),
            total_members: 0,
            created_at: at,
        };
        groups::insert(&mut tx, &g)
            .await
            .map_err(|e| unique(e, &name, None))?;
        store::update(
            &mut tx,
            &principal.account_id,
            &id,
            &name,
            ext_id.as_deref(),
            at,
        )
        .await
        .map_err(|e| unique(e, &name, ext_id.as_deref()))?;
        let actor = Actor::Principal(principal);
        events::emit(
            &mut tx,
            Event {
                account_id: &principal.account_id,
                kind: "group.created",
                actor: &actor,
                target: &id,
                object: object(&id, &name),
                extra: Map::new(),
            },
            at,
        )
        .await?;
        if !members.is_empty() {
            let record = find(&mut tx, principal, &id).await?;
            let change = [MembersChange::Add(members)];
            self.change_members(&mut tx, principal, &record, &change)
                .await?;
        }
        let created = find(&mut tx, principal, &id).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Changes a group (PUT and PATCH): name, external id and members, in one transaction,
    /// if `version_ok` accepts its current version.
    #[tracing::instrument(skip_all)]
    pub async fn scim_update_group(
        &self,
        principal: &Principal,
        id: &str,
        version_ok: VersionCheck<'_>,
        changes: GroupChanges,
    ) -> Result<ScimGroup> {
        require_edit(principal)?;
        let name = changes
            .display_name
            .as_deref()
            .map(display_name)
            .transpose()?;
        let ext_id = match &changes.external_id {
            Some(ext) => Some(external_id(ext.as_deref())?),
            None => None,
        };
        let mut tx = self.db.begin().await?;
        open_account(&mut tx, principal).await?;
        let g = find(&mut tx, principal, id).await?;
        if !version_ok(g.version) {
            return Err(GroupRefusal::VersionMismatch { current: g.version }.into());
        }
        let new_name = name.unwrap_or_else(|| g.name.clone());
        let new_ext = ext_id.unwrap_or_else(|| g.external_id.clone());
        if new_name != g.name
            && groups::name_taken(
                &mut tx,
                &principal.account_id,
                GroupKind::Settings,
                &new_name,
            )
            .await?
        {
            return Err(Error::GroupNameTaken(new_name));
        }
        if let Some(ext) = new_ext
            .as_deref()
            .filter(|e| Some(*e) != g.external_id.as_deref())
        {
            if store::external_id_taken(&mut tx, &principal.account_id, ext, id).await? {
                return Err(GroupRefusal::ExternalIdTaken(ext.to_owned()).into());
            }
        }
        let at = self.now();
        if new_name != g.name || new_ext != g.external_id {
            store::update(
                &mut tx,
                &principal.account_id,
                id,
                &new_name,
                new_ext.as_deref(),
                at,
            )
            .await
            .map_err(|e| unique(e, &new_name, new_ext.as_deref()))?;
            let actor = Actor::Principal(principal);
            let mut extra = Map::new();
            extra.insert("old_object".into(), object(id, &g.name));
            events::emit(
                &mut tx,
                Event {
                    account_id: &principal.account_id,
                    kind: "group.updated",
                    actor: &actor,
                    target: id,
                    object: object(id, &new_name),
                    extra,
                },
                at,
            )
            .await?;
        }
        self.change_members(&mut tx, principal, &g, &changes.members)
            .await?;
        let changed = find(&mut tx, principal, id).await?;
        tx.commit().await?;
        Ok(changed)
    }

    /// Deletes a group if `version_ok` accepts its version; its members stay, in no group.
    #[tracing::instrument(skip_all)]
    pub async fn scim_delete_group(
        &self,
        principal: &Principal,
        id: &str,
        version_ok: VersionCheck<'_>,
    ) -> Result<()> {
        require_edit(principal)?;
        let mut tx = self.db.begin().await?;
        open_account(&mut tx, principal).await?;
        let g = find(&mut tx, principal, id).await?;
        if !version_ok(g.version) {
            return Err(GroupRefusal::VersionMismatch { current: g.version }.into());
        }
        groups::delete(&mut tx, &principal.account_id, id).await?;
        let actor = Actor::Principal(principal);
        events::emit(
            &mut tx,
            Event {
                account_id: &principal.account_id,
                kind: "group.deleted",
                actor: &actor,
                target: id,
                object: object(id, &g.name),
                extra: Map::new(),
            },
            self.now(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// A unique violation a concurrent writer caused between the check and the write.
fn unique(e: roster_store::Error, name: &str, ext: Option<&str>) -> Error {
    if e.is_unique("groups.account_id, groups.kind, groups.name") {
        Error::GroupNameTaken(name.to_owned())
    } else if e.is_unique("groups.account_id, groups.kind, groups.external_id") {
        GroupRefusal::ExternalIdTaken(ext.unwrap_or_default().to_owned()).into()
    } else {
        e.into()
    }
}
