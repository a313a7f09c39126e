//! The portal's per-user edit form as one use case: profile, type, settings group, custom
//! attributes, add-ons, chat groups and role change together or not at all, each by the same
//! rules (and with the same events) as its own API call.

use super::settings::settings_in;
use super::update::update_in;
use super::{require, require_manage, resolve, target};
use crate::roles::{role_of, set_role};
use crate::{Error, Result, Service};
use roster_domain::{Principal, Privilege};

/// What the form changes; `None` leaves a part as it is.
#[derive(Debug, Clone, Default)]
pub struct UserEdit {
    /// Profile, type, settings group and custom attributes (`PATCH /users/{userId}`).
    pub patch: super::UserPatch,
    /// Add-ons (`PATCH /users/{userId}/settings`, `feature`).
    pub feature: Option<super::FeaturePatch>,
    /// Every chat group the user is to be in; they leave the others.
    pub chat_groups: Option<Vec<String>>,
    /// A built-in or custom role id; the Owner role moves only by an ownership transfer.
    pub role_id: Option<String>,
}

impl Service {
    /// Applies `edit` to one user in one transaction: the first refusal (a full seat pool, a
    /// bad custom attribute value, a role the caller may not give …) stores nothing at all.
    #[tracing::instrument(skip_all)]
    pub async fn edit_user(
        &self,
        principal: &Principal,
        user_ref: &str,
        edit: UserEdit,
    ) -> Result<()> {
        let at = self.now();
        let mut tx = self.db.begin().await?;
        update_in(&mut tx, principal, user_ref, edit.patch).await?;
        if let Some(f) = edit.feature {
            let patch = super::UserSettingsPatch {
                feature: Some(f),
                ..Default::default()
            };
            settings_in(&mut tx, principal, user_ref, patch, at).await?;
        }
        if let Some(groups) = edit.chat_groups {
            let user = resolve(&mut tx, principal, user_ref).await?;
            require_manage(principal, &user)?;
            crate::groups::set_chat_groups(&mut tx, principal, &user, &groups, at).await?;
        }
        // Last: once someone becomes an admin, an Admin no longer manages them.
        if let Some(id) = edit.role_id.as_deref().map(str::trim) {
            require(principal, Privilege::UserEdit)?;
            if id == "0" {
                return Err(Error::invalid(
                    "role_id",
                    "ownership moves to one user at a time: add them to the Owner role",
                ));
            }
            let (role, privileges) = role_of(&mut tx, principal, id).await?;
            let user = resolve(&mut tx, principal, user_ref).await?;
            if user.role != role {
                require_manage(principal, &user)?;
                principal
                    .may_assign_role(target(&user), &role, privileges)
                    .map_err(Error::RoleChange)?;
                set_role(&mut tx, principal, &user, role).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}
