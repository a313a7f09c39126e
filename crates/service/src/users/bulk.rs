//! Bulk edit: change the role, type or settings group of many users in one call. All or
//! nothing: every user is checked and changed inside one transaction, and if any of them cannot
//! be, nothing is stored and the report says what went wrong for whom.

use super::update::{apply_group, apply_type, write_changes, Changes};
use super::{open_account, require, require_manage, resolve, target};
use crate::roles::{role_of, set_role};
use crate::{Error, Result, Service};
use roster_domain::{Principal, Privilege, TypeError, UserType};

/// Most users one bulk edit may change.
pub const MAX_BULK: usize = 300;

/// What to change; at least one field.
#[derive(Debug, Clone, Default)]
pub struct BulkChange {
    pub role_id: Option<String>,
    pub user_type: Option<i64>,
    /// A settings group id; empty takes the users out of their group.
    pub group_id: Option<String>,
}

/// What happened, or would have happened, to one user.
#[derive(Debug)]
pub struct BulkOutcome {
    /// The user as the caller named them.
    pub user: String,
    pub id: Option<String>,
    /// `Ok(true)`: changed; `Ok(false)`: already so.
    pub result: Result<bool>,
}

/// The report of a bulk edit. When `applied` is false nothing was stored.
#[derive(Debug)]
pub struct BulkReport {
    pub applied: bool,
    pub outcomes: Vec<BulkOutcome>,
}

impl Service {
    #[tracing::instrument(skip_all, fields(users = users.len()))]
    pub async fn bulk_update(
        &self,
        principal: &Principal,
        users: &[String],
        change: BulkChange,
    ) -> Result<BulkReport> {
        require(principal, Privilege::UserEdit)?;
        if users.is_empty() {
            return Err(Error::invalid("users", "users must list at least one user"));
        }
        if users.len() > MAX_BULK {
            return Err(Error::invalid(
                "users",
                format!("at most {MAX_BULK} users per bulk edit"),
            ));
        }
        if change.role_id.is_none() && change.user_type.is_none() && change.group_id.is_none() {
            return Err(Error::invalid("change", "give role_id, type or group_id"));
        }
        let new_type = change
            .user_type
            .map(|t| {
                UserType::from_code(t).ok_or_else(|| Error::invalid("type", TypeError::Unknown))
            })
            .transpose()?;
        let mut tx = self.db.begin().await?;
        let account = open_account(&mut tx, principal).await?;
        let role = match change.role_id.as_deref().map(str::trim) {
            Some("0") => {
                return Err(Error::invalid(
                    "role_id",
                    "ownership moves to one user at a time: add them to the Owner role",
                ))
            }
            Some(id) => Some(role_of(&mut tx, principal, id).await?),
            None => None,
        };
        if let Some(g) = change
            .group_id
            .as_deref()
            .map(str::trim)
            .filter(|g| !g.is_empty())
        {
            crate::groups::settings_group_exists(&mut tx, principal, g).await?;
        }
        let mut outcomes = Vec::with_capacity(users.len());
        for user_ref in users {
            let mut id = None;
            let result: Result<bool> = async {
                let old = resolve(&mut tx, principal, user_ref).await?;
                id = Some(old.id.to_string());
                require_manage(principal, &old)?;
                let mut new = old.clone();
                let mut changes = Changes::default();
                if let Some(t) = new_type {
                    apply_type(t, account.on_prem_enabled, &mut new, &mut changes)?;
                }
                if let Some(g) = change.group_id.as_deref() {
                    apply_group(&mut tx, principal, g, &mut new, &mut changes).await?;
                }
                let mut changed =
                    write_changes(&mut tx, principal, &old, new.clone(), changes).await?;
                if let Some((role, privileges)) = &role {
                    if new.role != *role {
                        principal
                            .may_assign_role(target(&new), role, *privileges)
                            .map_err(Error::RoleChange)?;
                        let current = resolve(&mut tx, principal, old.id.as_str()).await?;
                        set_role(&mut tx, principal, &current, role.clone()).await?;
                        changed = true;
                    }
                }
                Ok(changed)
            }
            .await;
            // A database failure ends the whole edit; a refusal is reported with the rest.
            if let Err(Error::Internal(detail)) = &result {
                return Err(Error::Internal(detail.clone()));
            }
            outcomes.push(BulkOutcome {
                user: user_ref.clone(),
                id,
                result,
            });
        }
        let applied = outcomes.iter().all(|o| o.result.is_ok());
        if applied {
            tx.commit().await?;
        }
        Ok(BulkReport { applied, outcomes })
    }
}
