//! Reading users. (Adding, changing and removing them is the user-management capability.)

use crate::{Error, Result, Service};
use roster_domain::{Email, Principal, UserId};
use roster_store::users::{self, UserRecord};

/// A user as the caller may see it.
#[derive(Debug, Clone)]
pub struct UserView {
    pub user: UserRecord,
    pub role_name: String,
}

impl Service {
    /// A user of the caller's account, by id, email, or `me`. A user of another account is
    /// reported exactly like a missing one.
    #[tracing::instrument(skip_all)]
    pub async fn get_user(&self, principal: &Principal, user_ref: &str) -> Result<UserView> {
        let not_found = || Error::UserNotFound(user_ref.to_owned());
        let mut conn = self.db.read().await?;
        let found = if user_ref == "me" {
            users::find_by_id(&mut conn, &principal.account_id, &principal.user_id).await?
        } else if user_ref.contains('@') {
            let email = Email::parse(user_ref).map_err(|_| not_found())?;
            users::find_by_email(&mut conn, &principal.account_id, &email).await?
        } else {
            let id = UserId::parse(user_ref).ok_or_else(not_found)?;
            users::find_by_id(&mut conn, &principal.account_id, &id).await?
        };
        let user = found.ok_or_else(not_found)?;
        if !principal.may_view_user(&user.account_id, &user.id) {
            return Err(Error::NoPrivilege);
        }
        let role_name = user
            .role
            .builtin_name()
            .unwrap_or(user.role.id())
            .to_owned();
        Ok(UserView { user, role_name })
    }
}
