//! Users: adding ([`create`]), listing ([`list`]), editing ([`update`]), status and removal
//! ([`status`]) and add-on settings ([`settings`]). Shared here: resolving `userId` (id, email
//! or `me`) within the caller's account, and the checks every change makes.

mod bulk;
pub(crate) mod create;
mod edit;
pub mod export;
pub mod import;
mod list;
mod resend;
mod settings;
pub(crate) mod status;
pub(crate) mod update;

pub use bulk::{BulkChange, BulkOutcome, BulkReport, MAX_BULK};
pub use create::{apply_domain_defaults, AddedUser, NewUser};
pub use edit::UserEdit;
pub use list::{ListQuery, UserPage};
pub use resend::InvitationLink;
pub use settings::{FeaturePatch, FeatureSettings, UserSettings, UserSettingsPatch};
pub use status::{RemoveAction, Removed, StatusAction};
pub use update::{CustomAttribute, UserPatch, MAX_CUSTOM_ATTRIBUTES};

use crate::{Error, Result, Service};
use roster_domain::principal::Target;
use roster_domain::{account::may_manage_users, Email, Principal, Privilege, UserId};
use roster_store::accounts::{self, AccountRecord};
use roster_store::users::{self, UserRecord};
use roster_store::Conn;

/// A user as the caller may see it.
#[derive(Debug, Clone)]
pub struct UserView {
    pub user: UserRecord,
    pub role_name: String,
    /// For a pending user: their invitation.
    pub invitation: Option<roster_store::invitations::InvitationInfo>,
}

impl UserView {
    pub(crate) fn of(user: UserRecord) -> Self {
        let role_name = user
            .role
            .builtin_name()
            .unwrap_or(user.role.id())
            .to_owned();
        Self {
            user,
            role_name,
            invitation: None,
        }
    }
}

/// Views of a page of users with their roles' names (custom roles' names take one query for
/// the whole page, and only when a custom role appears on it).
pub(crate) async fn views(conn: &mut Conn, users: Vec<UserRecord>) -> Result<Vec<UserView>> {
    let custom = match users.iter().find(|u| !u.role.is_builtin()) {
        Some(u) => roster_store::roles::list(conn, &u.account_id).await?,
        None => Vec::new(),
    };
    let pending: Vec<&UserId> = users
        .iter()
        .filter(|u| u.status == roster_domain::UserStatus::Pending)
        .map(|u| &u.id)
        .collect();
    let mut invitations = roster_store::invitations::for_users(conn, &pending).await?;
    Ok(users
        .into_iter()
        .map(|u| {
            let mut v = UserView::of(u);
            if let Some(r) = custom.iter().find(|r| r.id == v.user.role.id()) {
                v.role_name.clone_from(&r.name);
            }
            if let Some(i) = invitations
                .iter()
                .position(|i| i.user_id == v.user.id.as_str())
            {
                v.invitation = Some(invitations.swap_remove(i));
            }
            v
        })
        .collect())
}

/// Finds a user of the caller's account by id, email, or `me`; another account's user is
/// reported exactly like a missing one.
pub async fn resolve(conn: &mut Conn, principal: &Principal, user_ref: &str) -> Result<UserRecord> {
    let not_found = || Error::UserNotFound(user_ref.to_owned());
    let found = if user_ref == "me" {
        users::find_by_id(conn, &principal.account_id, &principal.user_id).await?
    } else if user_ref.contains('@') {
        let email = Email::parse(user_ref).map_err(|_| not_found())?;
        users::find_by_email(conn, &principal.account_id, &email).await?
    } else {
        let id = UserId::parse(user_ref).ok_or_else(not_found)?;
        users::find_by_id(conn, &principal.account_id, &id).await?
    };
    found.ok_or_else(not_found)
}

/// The caller's account, refusing when the payment gate is closed.
pub async fn open_account(conn: &mut Conn, principal: &Principal) -> Result<AccountRecord> {
    let account = accounts::find(conn, &principal.account_id)
        .await?
        .ok_or_else(|| Error::AccountNotFound(principal.account_id.to_string()))?;
    if !may_manage_users(account.plan, account.payment_verified) {
        return Err(Error::PaymentMethodRequired);
    }
    Ok(account)
}

/// A user as the access rules see them.
pub fn target(u: &UserRecord) -> Target<'_> {
    Target {
        account_id: &u.account_id,
        id: &u.id,
        role: &u.role,
        group_id: u.group_id.as_deref(),
    }
}

/// Refuses unless the caller manages `target`.
pub(crate) fn require_manage(principal: &Principal, u: &UserRecord) -> Result<()> {
    if principal.may_manage_user(target(u)) {
        Ok(())
    } else {
        Err(Error::NoPrivilege)
    }
}

/// Refuses unless the caller holds `p`.
pub fn require(principal: &Principal, p: Privilege) -> Result<()> {
    if principal.has(p) {
        Ok(())
    } else {
        Err(Error::NoPrivilege)
    }
}

/// A free-text field: trimmed, at most `max` characters, no control characters.
pub fn text(field: &'static str, value: &str, max: usize) -> Result<String> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(Error::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if v.chars().any(char::is_control) {
        return Err(Error::invalid(field, "must not contain control characters"));
    }
    Ok(v.to_owned())
}

impl Service {
    /// A user of the caller's account, by id, email, or `me`.
    #[tracing::instrument(skip_all)]
    pub async fn get_user(&self, principal: &Principal, user_ref: &str) -> Result<UserView> {
        let mut conn = self.db.read().await?;
        let user = resolve(&mut conn, principal, user_ref).await?;
        if !principal.may_view_user(target(&user)) {
            return Err(Error::NoPrivilege);
        }
        views(&mut conn, vec![user])
            .await?
            .pop()
            .ok_or_else(|| Error::UserNotFound(user_ref.to_owned()))
    }
}

/// The `object` of user events, as Zoom sends it.
pub fn event_object(u: &UserRecord) -> serde_json::Value {
    serde_json::json!({
        "id": u.id.as_str(),
        "first_name": u.first_name,
        "last_name": u.last_name,
        "display_name": u.display_name,
        "email": u.email.as_str(),
        "type": u.user_type.code(),
    })
}

/// Takes (`sign` = 1) or returns (`sign` = -1) the seats `u` occupies while active: a Licensed
/// seat for a paid type, and one per add-on.
pub(crate) async fn move_seats(conn: &mut Conn, u: &UserRecord, sign: i64) -> Result<()> {
    use roster_store::accounts::Pool;
    if u.user_type.takes_licensed_seat()
        && !accounts::adjust_seats(conn, &u.account_id, Pool::Licensed, sign).await?
    {
        return Err(Error::SeatsExhausted("Licensed"));
    }
    if u.add_ons.large_meeting.is_some()
        && !accounts::adjust_seats(conn, &u.account_id, Pool::LargeMeeting, sign).await?
    {
        return Err(Error::SeatsExhausted("Large Meeting"));
    }
    if u.add_ons.webinar.is_some()
        && !accounts::adjust_seats(conn, &u.account_id, Pool::Webinar, sign).await?
    {
        return Err(Error::SeatsExhausted("Webinar"));
    }
    Ok(())
}
