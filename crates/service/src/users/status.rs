//! Leaving and coming back: activate / deactivate (`PUT /v2/users/{userId}/status`), unlink
//! (`DELETE …?action=disassociate`: the user leaves with their data as a standalone free account)
//! and delete (`DELETE …?action=delete`, optionally transferring data to another user).

use super::{event_object, move_seats, open_account, require_manage, resolve};
use crate::events::{self, Event};
use crate::{Actor, Error, Result, Service};
use roster_domain::{
    AccountId, AddOns, Email, Plan, Principal, Role, SeatPools, UserStatus, UserType,
};
use roster_store::accounts::{self, AccountRecord};
use roster_store::users::{self, UserRecord};
use roster_store::Conn;
use serde_json::{json, Map};

/// `PUT /users/{userId}/status` actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusAction {
    Activate,
    Deactivate,
}

impl StatusAction {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "activate" => Some(Self::Activate),
            "deactivate" => Some(Self::Deactivate),
            _ => None,
        }
    }
}

/// `DELETE /users/{userId}` parameters, as the caller sent them.
#[derive(Debug, Clone, Default)]
pub struct RemoveAction {
    /// `disassociate` (the default) or `delete`.
    pub action: Option<String>,
    pub transfer_email: Option<String>,
    pub transfer_meeting: bool,
    pub transfer_webinar: bool,
    pub transfer_recording: bool,
}

/// What a removal did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Removed {
    /// Unlinked: the user's own new standalone account. `None` when deleted.
    pub standalone: Option<AccountId>,
    /// Deleted with a transfer: upcoming meetings the transfer user received.
    pub meetings_moved: u64,
    /// Deleted with a transfer: recordings the transfer user received.
    pub recordings_moved: u64,
}

async fn emit_user_event(
    conn: &mut Conn,
    principal: &Principal,
    kind: &'static str,
    user: &UserRecord,
    extra: Map<String, serde_json::Value>,
) -> Result<()> {
    let actor = Actor::Principal(principal);
    let event = Event {
        account_id: &principal.account_id,
        kind,
        actor: &actor,
        target: user.id.as_str(),
        object: event_object(user),
        extra,
    };
    events::emit(conn, event, crate::record_time()).await
}

/// Removes a user's live tokens (they belong to the account's apps).
pub(crate) async fn revoke_tokens(conn: &mut Conn, user: &UserRecord) -> Result<()> {
    conn.execute(
        "DELETE FROM oauth_tokens WHERE user_id = $1",
        roster_store::params![user.id.as_str()],
    )
    .await?;
    Ok(())
}

impl Service {
    /// Activates or deactivates a user. Deactivated users cannot sign in or use tokens, and
    /// give their seats back; activation takes the same seats again, or fails when a pool is full.
    #[tracing::instrument(skip_all)]
    pub async fn set_user_status(
        &self,
        principal: &Principal,
        user_ref: &str,
        action: Option<&str>,
    ) -> Result<()> {
        let action = action
            .and_then(StatusAction::parse)
            .ok_or_else(|| Error::invalid("action", "action must be activate or deactivate"))?;
        super::require(principal, roster_domain::Privilege::UserEdit)?;
        let mut tx = self.db.begin().await?;
        let old = resolve(&mut tx, principal, user_ref).await?;
        if old.role.is_admin() {
            return Err(Error::AdminStatusLocked);
        }
        require_manage(principal, &old)?;
        open_account(&mut tx, principal).await?;
        if old.status == UserStatus::Pending {
            return Err(Error::invalid(
                "action",
                "a pending user has not accepted the invitation yet: resend or delete the invitation instead",
            ));
        }
        let (target, kind) = match action {
            StatusAction::Activate => (UserStatus::Active, "user.activated"),
            StatusAction::Deactivate => (UserStatus::Inactive, "user.deactivated"),
        };
        if old.status == target {
            return Ok(());
        }
        match action {
            StatusAction::Activate => move_seats(&mut tx, &old, 1).await?,
            StatusAction::Deactivate => {
                move_seats(&mut tx, &old, -1).await?;
                revoke_tokens(&mut tx, &old).await?;
            }
        }
        let mut new = old.clone();
        new.status = target;
        new.updated_at = self.now();
        users::update(&mut tx, &old, &new).await?;
        let actor = crate::Actor::Principal(principal);
        crate::installs::approver_hook(&mut tx, &actor, &old, Some(&new), new.updated_at).await?;
        emit_user_event(&mut tx, principal, kind, &new, Map::new()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Unlinks or deletes a user; says what it did.
    #[tracing::instrument(skip_all)]
    pub async fn remove_user(
        &self,
        principal: &Principal,
        user_ref: &str,
        req: RemoveAction,
    ) -> Result<Removed> {
        let delete = match req
            .action
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            None | Some("disassociate") => false,
            Some("delete") => true,
            Some(_) => {
                return Err(Error::invalid(
                    "action",
                    "action must be disassociate or delete",
                ))
            }
        };
        let transfer_email = req
            .transfer_email
            .as_deref()
            .filter(|e| !e.trim().is_empty())
            .map(|e| Email::parse(e).map_err(|err| Error::invalid("transfer_email", err)))
            .transpose()?;
        let transfers = req.transfer_meeting || req.transfer_webinar || req.transfer_recording;
        if transfers && transfer_email.is_none() {
            return Err(Error::invalid(
                "transfer_email",
                "transfer_email is required to transfer meetings, webinars or recordings",
            ));
        }
        super::require(principal, roster_domain::Privilege::UserDelete)?;
        let mut tx = self.db.begin().await?;
        let user = resolve(&mut tx, principal, user_ref).await?;
        if user.role == Role::Owner {
            return Err(Error::CannotRemoveOwner);
        }
        if user.id == principal.user_id {
            return Err(Error::NoPrivilege);
        }
        require_manage(principal, &user)?;
        open_account(&mut tx, principal).await?;
        let to = match &transfer_email {
            Some(email) => {
                let to = users::find_by_email(&mut tx, &principal.account_id, email)
                    .await?
                    .filter(|t| t.status == UserStatus::Active && t.id != user.id)
                    .ok_or_else(|| Error::TransferUserNotFound(email.to_string()))?;
                Some(to)
            }
            None => None,
        };
        let unlinking = !delete && user.status != UserStatus::Pending;
        if unlinking {
            if user.role.is_admin() {
                return Err(Error::CannotUnlinkAdmin);
            }
            if accounts::managing_account(&mut tx, user.email.domain())
                .await?
                .as_ref()
                == Some(&principal.account_id)
            {
                return Err(Error::CannotUnlinkManaged);
            }
        }
        if user.status != UserStatus::Inactive {
            move_seats(&mut tx, &user, -1).await?;
        }
        revoke_tokens(&mut tx, &user).await?;
        let mut removed = Removed::default();
        if !unlinking {
            // Deleting, or withdrawing an invitation: the user and their invitation go, and
            // whatever was not transferred goes with them.
            let moved = match &to {
                Some(to) => {
                    roster_store::personal::transfer(
                        &mut tx,
                        &user.id,
                        &to.id,
                        req.transfer_meeting,
                        req.transfer_recording,
                        self.now(),
                    )
                    .await?
                }
                None => roster_store::personal::Moved::default(),
            };
            removed.meetings_moved = moved.meetings;
            removed.recordings_moved = moved.recordings;
            users::delete(&mut tx, &user).await?;
            let actor = crate::Actor::Principal(principal);
            crate::installs::approver_hook(&mut tx, &actor, &user, None, self.now()).await?;
            let mut extra = Map::new();
            if let Some(to) = &to {
                extra.insert(
                    "transfer".into(),
                    json!({
                        "to_user_id": to.id.as_str(),
                        "to_email": to.email.as_str(),
                        "meeting": req.transfer_meeting,
                        "webinar": req.transfer_webinar,
                        "recording": req.transfer_recording,
                        "meetings_moved": moved.meetings,
                        "recordings_moved": moved.recordings,
                    }),
                );
            }
            emit_user_event(&mut tx, principal, "user.deleted", &user, extra).await?;
        } else {
            let standalone = unlink(&mut tx, &user).await?;
            let mut extra = Map::new();
            extra.insert("new_account_id".into(), json!(standalone.as_str()));
            emit_user_event(&mut tx, principal, "user.disassociated", &user, extra).await?;
            removed.standalone = Some(standalone);
        }
        tx.commit().await?;
        Ok(removed)
    }
}

/// Moves `user` into a new standalone free account of their own, as its Owner, keeping their
/// profile and data; licences stay with the organisation.
pub(crate) async fn unlink(conn: &mut Conn, user: &UserRecord) -> Result<AccountId> {
    let at = crate::record_time();
    let name = if user.display_name.is_empty() {
        user.email.to_string()
    } else {
        user.display_name.clone()
    };
    let account = AccountRecord {
        id: AccountId::generate(),
        name,
        plan: Plan::Free,
        payment_verified: false,
        owner_id: Some(user.id.clone()),
        seats: SeatPools::default(),
        licensed_used: 0,
        large_meeting_used: 0,
        webinar_used: 0,
        on_prem_enabled: false,
        // Their own account speaks their language, when Roster writes it.
        language: roster_domain::LanguageTag::parse(&user.language)
            .unwrap_or_default()
            .to_string(),
        created_at: at,
    };
    accounts::insert(conn, &account).await?;
    accounts::mark_standalone(conn, &account.id).await?;
    let mut moved = user.clone();
    moved.account_id = account.id.clone();
    moved.role = Role::Owner;
    moved.user_type = UserType::Basic;
    moved.add_ons = AddOns::default();
    moved.group_id = None;
    // They sign in to their own account from now on, whatever the organisation had set.
    moved.status = UserStatus::Active;
    moved.updated_at = at;
    users::update(conn, user, &moved).await?;
    crate::installs::approver_hook(conn, &crate::Actor::System, user, Some(&moved), at).await?;
    roster_store::groups::leave_chat_groups(conn, &user.id).await?;
    roster_store::personal::move_to_account(conn, &user.id, &user.account_id, &account.id).await?;
    Ok(account.id)
}
