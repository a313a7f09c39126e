//! Reading users and setting a password. (Adding, editing and removing users is the
//! user-management capability.)

use crate::events::{self, Event};
use crate::{hashing, now, Actor, Error, Result, Service};
use roster_domain::{Email, Password, Principal, UserId};
use roster_store::users::{self, UserRecord};
use serde_json::{json, Map};

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

impl Service {
    /// Sets a user's password (Zoom's `PUT /users/{userId}/password`). The caller must manage
    /// the user (see [`Principal::may_manage_user`]); the password must meet Zoom's rules.
    #[tracing::instrument(skip_all)]
    pub async fn set_password(
        &self,
        principal: &Principal,
        user_ref: &str,
        password: &str,
    ) -> Result<()> {
        let password = Password::parse(password).map_err(|e| Error::invalid("password", e))?;
        let target = self.get_user(principal, user_ref).await?.user;
        if !principal.may_manage_user(&target.account_id, &target.id, &target.role) {
            return Err(Error::NoPrivilege);
        }
        let hash = hashing::hash_password(password).await?;
        let at = now();
        let mut tx = self.db.begin().await?;
        if users::set_password(&mut tx, &target.account_id, &target.id, &hash, at).await? == 0 {
            return Err(Error::UserNotFound(user_ref.to_owned()));
        }
        let mut extra = Map::new();
        extra.insert("operation".into(), json!("update"));
        extra.insert("time_stamp".into(), json!(at.unix_timestamp() * 1000));
        extra.insert("old_object".into(), json!({ "id": target.id.as_str() }));
        let event = Event {
            account_id: &target.account_id,
            kind: "user.updated",
            actor: &Actor::Principal(principal),
            target: target.id.as_str(),
            object: json!({ "id": target.id.as_str(), "password_changed": true }),
            extra,
        };
        events::emit(&mut tx, event, at).await?;
        tx.commit().await?;
        Ok(())
    }
}
