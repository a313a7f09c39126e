//! Replacing a SCIM user (PUT, and PATCH once applied), deleting one, and the account's SCIM
//! delete action.

use super::{
    apply_profile, check_role, check_scim_fields, check_version, emit, parse_type, user_id,
    Refusal, Result, ScimUserInput,
};
use crate::admin::Admin;
use crate::users::{move_seats, open_account, require, require_manage, RemoveAction};
use crate::{Error, Service};
use roster_domain::{Email, Principal, Privilege, Role, UserStatus};
use roster_store::users;
use roster_store::users::scim::{self as store, ScimUserRecord};
use serde_json::{json, Map, Value};

/// What `DELETE /scim2/Users/{id}` does, an account setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteAction {
    /// The user and their data go (the default).
    Delete,
    /// The user leaves with their data as a standalone free account (REST `disassociate`).
    Disassociate,
}

impl DeleteAction {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "delete" => Some(Self::Delete),
            "disassociate" | "unlink" => Some(Self::Disassociate),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Delete => "delete",
            Self::Disassociate => "disassociate",
        }
    }
}

impl Service {
    /// Replaces a user with `input` (RFC 7644 PUT). `if_match`: the versions the caller
    /// accepts (`*` any); another version refuses with nothing changed. `userName` cannot
    /// change (Roster does not move a user to another email through SCIM).
    #[tracing::instrument(skip_all)]
    pub async fn scim_replace_user(
        &self,
        principal: &Principal,
        id: &str,
        input: ScimUserInput,
        if_match: Option<&[String]>,
    ) -> Result<ScimUserRecord> {
        require(principal, Privilege::UserEdit)?;
        let uid = user_id(id)?;
        let new_type = parse_type(input.user_type)?;
        let mut tx = self.db.begin().await?;
        let account = open_account(&mut tx, principal).await?;
        let rec = store::find(&mut tx, &principal.account_id, &uid)
            .await?
            .ok_or_else(|| Error::UserNotFound(id.to_owned()))?;
        require_manage(principal, &rec.user)?;
        check_version(&rec, if_match)?;
        let same_name = Email::parse(input.user_name.trim()).is_ok_and(|e| e == rec.user.email);
        if !same_name {
            return Err(Refusal::Mutability(format!(
                "userName (the user's email, {}) cannot be changed through SCIM.",
                rec.user.email
            )));
        }
        let old = rec.user.clone();
        let mut new = old.clone();
        let (mut was, mut now) = (Map::new(), Map::new());
        apply_profile(&input, &mut new, &mut was, &mut now)?;
        check_scim_fields(&mut tx, principal, &old.id, &input).await?;
        if let Some(t) = new_type {
            let mut changes = crate::users::update::Changes::default();
            crate::users::update::apply_type(t, account.on_prem_enabled, &mut new, &mut changes)?;
            was.extend(changes.old);
            now.extend(changes.new);
        }
        if let Some(add_ons) = input.add_ons {
            let checked = add_ons.check(new.user_type).map_err(Error::AddOn)?;
            if checked != new.add_ons {
                was.insert("add_ons".into(), json!(format!("{:?}", new.add_ons)));
                now.insert("add_ons".into(), json!(format!("{checked:?}")));
                new.add_ons = checked;
            }
        }
        if let Some(role) = input.role.as_deref() {
            let role = check_role(&mut tx, principal, &old, role).await?;
            if role != new.role {
                was.insert("role_id".into(), json!(new.role.id()));
                now.insert("role_id".into(), json!(role.id()));
                new.role = role;
            }
        }
        let status_event = match (input.active, old.status) {
            (Some(false), UserStatus::Active) => Some((UserStatus::Inactive, "user.deactivated")),
            (Some(true), UserStatus::Inactive) => Some((UserStatus::Active, "user.activated")),
            (Some(false), UserStatus::Pending) => {
                return Err(Refusal::InvalidValue(
                    "This user has not accepted their invitation yet, so they cannot be \
                     deactivated: delete them instead."
                        .into(),
                ))
            }
            _ => None,
        };
        if status_event.is_some() {
            if old.role == Role::Owner {
                return Err(Refusal::Forbidden(
                    "The account's owner cannot be deactivated or reactivated through SCIM.".into(),
                ));
            }
            if old.role.is_admin() {
                return Err(Error::AdminStatusLocked.into());
            }
            if old.id == principal.user_id {
                return Err(Refusal::Forbidden(
                    "The SCIM token acts as this user, who cannot deactivate themselves.".into(),
                ));
            }
        }
        if let Some((status, _)) = status_event {
            new.status = status;
        }
        let scim_changed = rec.external_id != input.external_id
            || rec.employee_number != input.employee_number.trim()
            || rec.manager_id != input.manager_id;
        if scim_changed {
            for (name, o, n) in [
                (
                    "external_id",
                    json!(rec.external_id),
                    json!(input.external_id),
                ),
                (
                    "employee_number",
                    json!(rec.employee_number),
                    json!(input.employee_number.trim()),
                ),
                ("manager_id", json!(rec.manager_id), json!(input.manager_id)),
            ] {
                if o != n {
                    was.insert(name.into(), o);
                    now.insert(name.into(), n);
                }
            }
        }
        if was.is_empty() && status_event.is_none() {
            return Ok(rec);
        }
        // Seats: what the old user held while not deactivated goes back, what the new one
        // holds is taken (a full pool refuses, and the transaction rolls back).
        if old.status != UserStatus::Inactive {
            move_seats(&mut tx, &old, -1).await?;
        }
        if new.status != UserStatus::Inactive {
            move_seats(&mut tx, &new, 1).await?;
        }
        if new.status == UserStatus::Inactive && old.status != UserStatus::Inactive {
            crate::users::status::revoke_tokens(&mut tx, &old).await?;
        }
        let at = crate::record_time();
        new.updated_at = at;
        if !users::update(&mut tx, &old, &new).await? {
            return Err(Error::UserNotFound(id.to_owned()).into());
        }
        if scim_changed {
            store::set_fields(
                &mut tx,
                &principal.account_id,
                &old.id,
                input.external_id.as_deref(),
                input.employee_number.trim(),
                input.manager_id.as_deref(),
            )
            .await
            .map_err(|e| {
                if store::is_external_id_taken(&e) {
                    Refusal::Uniqueness(
                        "externalId is already another user's in this account.".into(),
                    )
                } else {
                    e.into()
                }
            })?;
        }
        let actor = crate::Actor::Principal(principal);
        crate::installs::approver_hook(&mut tx, &actor, &old, Some(&new), at).await?;
        // Status changes are their own events (below), as with PUT /v2/users/{id}/status.
        if !now.is_empty() {
            now.insert("id".into(), json!(new.id.as_str()));
            was.insert("id".into(), json!(old.id.as_str()));
            let mut extra = Map::new();
            extra.insert("operation".into(), json!("update"));
            extra.insert("time_stamp".into(), json!(at.unix_timestamp() * 1000));
            extra.insert("old_object".into(), Value::Object(was));
            emit(
                &mut tx,
                principal,
                "user.updated",
                &new,
                Value::Object(now),
                extra,
            )
            .await?;
        }
        if let Some((_, kind)) = status_event {
            let object = crate::users::event_object(&new);
            emit(&mut tx, principal, kind, &new, object, Map::new()).await?;
        }
        let out = store::find(&mut tx, &principal.account_id, &old.id)
            .await?
            .ok_or_else(|| Error::UserNotFound(id.to_owned()))?;
        tx.commit().await?;
        Ok(out)
    }

    /// Removes a user as the account's SCIM delete action says (delete, or disassociate).
    /// The owner and the token's own user cannot be removed.
    #[tracing::instrument(skip_all)]
    pub async fn scim_delete_user(
        &self,
        principal: &Principal,
        id: &str,
        if_match: Option<&[String]>,
    ) -> Result<()> {
        require(principal, Privilege::UserDelete)?;
        let uid = user_id(id)?;
        let action = {
            let mut conn = self.db.read().await?;
            let rec = store::find(&mut conn, &principal.account_id, &uid)
                .await?
                .ok_or_else(|| Error::UserNotFound(id.to_owned()))?;
            if rec.user.role == Role::Owner {
                return Err(Refusal::Forbidden(
                    "The account's owner cannot be deleted through SCIM.".into(),
                ));
            }
            check_version(&rec, if_match)?;
            store::delete_action(&mut conn, &principal.account_id).await?
        };
        let remove = RemoveAction {
            action: Some(action),
            ..RemoveAction::default()
        };
        // The same use case as DELETE /v2/users/{id}: seats, tokens, data and events.
        self.remove_user(principal, uid.as_str(), remove).await?;
        Ok(())
    }

    /// The account's SCIM delete action.
    #[tracing::instrument(skip_all)]
    pub async fn scim_delete_action(&self, admin: Admin<'_>) -> crate::Result<DeleteAction> {
        let mut conn = self.db.read().await?;
        let account =
            crate::admin::readable(&mut conn, &admin, Privilege::AccountSettingRead).await?;
        let stored = store::delete_action(&mut conn, &account.id).await?;
        Ok(DeleteAction::parse(&stored).unwrap_or(DeleteAction::Delete))
    }

    /// Sets what `DELETE /scim2/Users/{id}` does in the account.
    #[tracing::instrument(skip_all)]
    pub async fn set_scim_delete_action(
        &self,
        admin: Admin<'_>,
        action: &str,
    ) -> crate::Result<DeleteAction> {
        let action = DeleteAction::parse(action).ok_or_else(|| {
            Error::invalid("scim_delete_action", "must be delete or disassociate")
        })?;
        let mut tx = self.db.begin().await?;
        let account =
            crate::admin::readable(&mut tx, &admin, Privilege::AccountSettingEdit).await?;
        if !store::set_delete_action(&mut tx, &account.id, action.as_str()).await? {
            return Err(Error::AccountNotFound(account.id.to_string()));
        }
        tx.commit().await?;
        Ok(action)
    }
}
