//! Account and settings-group meeting settings and their locks (`/v2/accounts/{accountId}/…`
//! and `/v2/groups/{groupId}/…`, each `settings` and `lock_settings`). What an account or group
//! locks, its users cannot change, and its value is the one in effect for them (see
//! [`roster_domain::settings::effective`]). A user's own settings are in [`crate::users`].

use crate::events::{self, Event};
use crate::users::open_account;
use crate::{Actor, Error, Result, Service};
use roster_domain::settings::{LockedBy, Locks, LocksPatch, Settings, SettingsPatch};
use roster_domain::{AccountId, Principal, Privilege};
use roster_store::settings::{self as stored, Holder, LevelRecord};
use serde_json::{json, Map, Value};

/// What a `PATCH` of an account's or group's `settings` or `lock_settings` changes, parsed.
enum Change {
    Settings(SettingsPatch),
    Locks(LocksPatch),
}

impl Change {
    fn settings(doc: &Map<String, Value>) -> Result<Self> {
        Ok(Self::Settings(SettingsPatch::parse(doc)?))
    }

    fn locks(doc: &Map<String, Value>) -> Result<Self> {
        Ok(Self::Locks(LocksPatch::parse(doc)?))
    }

    /// The document's name in event payloads.
    fn name(&self) -> &'static str {
        match self {
            Self::Settings(_) => "settings",
            Self::Locks(_) => "lock_settings",
        }
    }

    /// Applies the change; returns the old and new document when anything changed.
    fn apply(&self, level: &mut LevelRecord) -> Option<(Value, Value)> {
        match self {
            Self::Settings(p) => {
                let old = level.settings.to_json();
                let changed = level.settings.apply(p);
                changed.then(|| (old.into(), level.settings.to_json().into()))
            }
            Self::Locks(p) => {
                let old = level.locks.to_json_full();
                let changed = level.locks.apply(p);
                changed.then(|| (old.into(), level.locks.to_json_full().into()))
            }
        }
    }
}

/// The caller's account, when `account_ref` names it (`me` or its id). Any other account is
/// reported as missing, whether or not it exists.
fn own_account<'a>(principal: &'a Principal, account_ref: &str) -> Result<&'a AccountId> {
    if account_ref == "me" || account_ref == principal.account_id.as_str() {
        Ok(&principal.account_id)
    } else {
        Err(Error::AccountNotFound(account_ref.to_owned()))
    }
}

fn require_group(principal: &Principal, p: Privilege, group: &str) -> Result<()> {
    if principal.may_for_group(p, group) {
        Ok(())
    } else {
        Err(Error::NoPrivilege)
    }
}

fn not_found(holder: Holder<'_>) -> Error {
    match holder {
        Holder::Account(a) => Error::AccountNotFound(a.to_string()),
        Holder::Group(_, g) => Error::GroupNotFound(g.to_owned()),
    }
}

impl Service {
    async fn read_level(&self, holder: Holder<'_>) -> Result<LevelRecord> {
        let mut conn = self.db.read().await?;
        stored::find(&mut conn, holder, false)
            .await?
            .ok_or_else(|| not_found(holder))
    }

    /// Patches one document of an account or group and records `kind`, in one transaction.
    async fn patch_level(
        &self,
        principal: &Principal,
        holder: Holder<'_>,
        change: Change,
        kind: &'static str,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        if let Holder::Group(..) = holder {
            // Like every other change to groups.
            open_account(&mut tx, principal).await?;
        }
        let mut level = stored::find(&mut tx, holder, true)
            .await?
            .ok_or_else(|| not_found(holder))?;
        if let (Holder::Group(account, _), Change::Settings(patch)) = (holder, &change) {
            // What the account locks, a group cannot change for its members.
            let account_level = stored::find(&mut tx, Holder::Account(account), false)
                .await?
                .ok_or_else(|| Error::AccountNotFound(account.to_string()))?;
            if let Some(field) = patch.first_locked(&account_level.locks) {
                return Err(Error::SettingLocked {
                    field,
                    by: LockedBy::Account.as_str(),
                });
            }
        }
        let Some((old, new)) = change.apply(&mut level) else {
            return Ok(());
        };
        if !stored::update(&mut tx, holder, &level).await? {
            return Err(not_found(holder));
        }
        let id = match holder {
            Holder::Account(a) => a.as_str(),
            Holder::Group(_, g) => g,
        };
        let name = change.name();
        let mut extra = Map::new();
        extra.insert("old_object".into(), json!({ "id": id, name: old }));
        let actor = Actor::Principal(principal);
        let event = Event {
            account_id: &principal.account_id,
            kind,
            actor: &actor,
            target: id,
            object: json!({ "id": id, name: new }),
            extra,
        };
        events::emit(&mut tx, event, self.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The account's meeting settings: what it set, else Zoom's defaults (render with
    /// [`Settings::to_json_full`]). Needs `AccountSetting:Read`.
    #[tracing::instrument(skip_all)]
    pub async fn get_account_settings(
        &self,
        principal: &Principal,
        account_ref: &str,
    ) -> Result<Settings> {
        let account = own_account(principal, account_ref)?;
        crate::users::require(principal, Privilege::AccountSettingRead)?;
        Ok(self.read_level(Holder::Account(account)).await?.settings)
    }

    /// Sets account meeting settings (a Zoom settings document; `null` unsets a key). Needs
    /// `AccountSetting:Edit`. Records `account.settings_updated`.
    #[tracing::instrument(skip_all)]
    pub async fn update_account_settings(
        &self,
        principal: &Principal,
        account_ref: &str,
        doc: &Map<String, Value>,
    ) -> Result<()> {
        let account = own_account(principal, account_ref)?;
        crate::users::require(principal, Privilege::AccountSettingEdit)?;
        let holder = Holder::Account(account);
        self.patch_level(
            principal,
            holder,
            Change::settings(doc)?,
            "account.settings_updated",
        )
        .await
    }

    /// Which settings the account locks for all its users. Needs `AccountSetting:Read`.
    #[tracing::instrument(skip_all)]
    pub async fn get_account_lock_settings(
        &self,
        principal: &Principal,
        account_ref: &str,
    ) -> Result<Locks> {
        let account = own_account(principal, account_ref)?;
        crate::users::require(principal, Privilege::AccountSettingRead)?;
        Ok(self.read_level(Holder::Account(account)).await?.locks)
    }

    /// Locks (`true`) or unlocks (`false`) account settings. Needs `AccountSetting:Edit`.
    /// Records `account.lock_settings_updated`.
    #[tracing::instrument(skip_all)]
    pub async fn update_account_lock_settings(
        &self,
        principal: &Principal,
        account_ref: &str,
        doc: &Map<String, Value>,
    ) -> Result<()> {
        let account = own_account(principal, account_ref)?;
        crate::users::require(principal, Privilege::AccountSettingEdit)?;
        let holder = Holder::Account(account);
        self.patch_level(
            principal,
            holder,
            Change::locks(doc)?,
            "account.lock_settings_updated",
        )
        .await
    }

    /// A settings group's meeting settings as its members inherit them: the group's values,
    /// else the account's, else Zoom's defaults. Needs `Group:Read` for this group.
    #[tracing::instrument(skip_all)]
    pub async fn get_group_settings(&self, principal: &Principal, group: &str) -> Result<Settings> {
        require_group(principal, Privilege::GroupRead, group)?;
        let mut conn = self.db.read().await?;
        let g = stored::find(
            &mut conn,
            Holder::Group(&principal.account_id, group),
            false,
        )
        .await?
        .ok_or_else(|| Error::GroupNotFound(group.to_owned()))?;
        let a = stored::find(&mut conn, Holder::Account(&principal.account_id), false)
            .await?
            .ok_or_else(|| Error::AccountNotFound(principal.account_id.to_string()))?;
        Ok(g.settings.over(&a.settings))
    }

    /// Sets a settings group's meeting settings. Needs `Group:Edit` for this group. Records
    /// `group.settings_updated`.
    #[tracing::instrument(skip_all)]
    pub async fn update_group_settings(
        &self,
        principal: &Principal,
        group: &str,
        doc: &Map<String, Value>,
    ) -> Result<()> {
        require_group(principal, Privilege::GroupEdit, group)?;
        let holder = Holder::Group(&principal.account_id, group);
        self.patch_level(
            principal,
            holder,
            Change::settings(doc)?,
            "group.settings_updated",
        )
        .await
    }

    /// Which settings a group locks for its members. Needs `Group:Read` for this group.
    #[tracing::instrument(skip_all)]
    pub async fn get_group_lock_settings(
        &self,
        principal: &Principal,
        group: &str,
    ) -> Result<Locks> {
        require_group(principal, Privilege::GroupRead, group)?;
        Ok(self
            .read_level(Holder::Group(&principal.account_id, group))
            .await?
            .locks)
    }

    /// Locks or unlocks settings for a group's members. Needs `Group:Edit` for this group.
    /// Records `group.lock_settings_updated`.
    #[tracing::instrument(skip_all)]
    pub async fn update_group_lock_settings(
        &self,
        principal: &Principal,
        group: &str,
        doc: &Map<String, Value>,
    ) -> Result<()> {
        require_group(principal, Privilege::GroupEdit, group)?;
        let holder = Holder::Group(&principal.account_id, group);
        self.patch_level(
            principal,
            holder,
            Change::locks(doc)?,
            "group.lock_settings_updated",
        )
        .await
    }
}
