//! Scheduling assistants (`/v2/users/{userId}/assistants`) and the users one schedules for
//! (`/v2/users/{userId}/schedulers`). An assistant is another active user of the same
//! account; they may schedule (`schedule_for`), see and change the user's meetings. A user
//! names their own assistants; admins with `Meeting:Edit` name anyone's.

use super::{may, user_of};
use crate::{Actor, Error, Result, Service};
use roster_domain::UserStatus;
use roster_store::meetings::{self, Delegate};

/// Zoom's bound on assistants added in one request.
pub const MAX_ASSISTANTS: usize = 30;

impl Service {
    /// Adds assistants (by id or email) to `user_ref`; all or none.
    #[tracing::instrument(skip_all)]
    pub async fn add_assistants(
        &self,
        actor: &Actor<'_>,
        user_ref: &str,
        assistants: &[String],
    ) -> Result<Vec<Delegate>> {
        if assistants.is_empty() || assistants.len() > MAX_ASSISTANTS {
            return Err(Error::invalid(
                "assistants",
                format!("assistants must list 1 to {MAX_ASSISTANTS} users (id or email)"),
            ));
        }
        let mut tx = self.db.begin().await?;
        let user = user_of(&mut tx, actor, user_ref).await?;
        if !may(&mut tx, actor, &user, true).await? {
            return Err(Error::NoPrivilege);
        }
        let at = self.now();
        let mut added = Vec::new();
        for a in assistants {
            let assistant = user_of(&mut tx, actor, a.trim()).await?;
            if assistant.account_id != user.account_id {
                return Err(Error::UserNotFound(a.clone()));
            }
            if assistant.id == user.id {
                return Err(Error::invalid(
                    "assistants",
                    "a user cannot be their own assistant",
                ));
            }
            if assistant.status != UserStatus::Active {
                return Err(Error::invalid(
                    "assistants",
                    format!("{} is not an active user", assistant.email),
                ));
            }
            meetings::add_assistant(&mut tx, &user.id, &assistant.id, at).await?;
            added.push(Delegate {
                id: assistant.id.to_string(),
                email: assistant.email.to_string(),
            });
        }
        tx.commit().await?;
        Ok(added)
    }

    /// `user_ref`'s scheduling assistants.
    pub async fn list_assistants(
        &self,
        actor: &Actor<'_>,
        user_ref: &str,
    ) -> Result<Vec<Delegate>> {
        let mut conn = self.db.read().await?;
        let user = user_of(&mut conn, actor, user_ref).await?;
        if !may(&mut conn, actor, &user, false).await? {
            return Err(Error::NoPrivilege);
        }
        Ok(meetings::assistants(&mut conn, &user.id).await?)
    }

    /// The users `user_ref` is a scheduling assistant of.
    pub async fn list_schedulers(
        &self,
        actor: &Actor<'_>,
        user_ref: &str,
    ) -> Result<Vec<Delegate>> {
        let mut conn = self.db.read().await?;
        let user = user_of(&mut conn, actor, user_ref).await?;
        if !may(&mut conn, actor, &user, false).await? {
            return Err(Error::NoPrivilege);
        }
        Ok(meetings::schedulers(&mut conn, &user.id).await?)
    }

    /// Removes one assistant (`Some`, by id or email) or all of them from `user_ref`.
    #[tracing::instrument(skip_all)]
    pub async fn remove_assistants(
        &self,
        actor: &Actor<'_>,
        user_ref: &str,
        assistant: Option<&str>,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let user = user_of(&mut tx, actor, user_ref).await?;
        if !may(&mut tx, actor, &user, true).await? {
            return Err(Error::NoPrivilege);
        }
        match assistant {
            None => {
                meetings::remove_assistants(&mut tx, &user.id, None).await?;
            }
            Some(a) => {
                let assistant = user_of(&mut tx, actor, a).await?;
                if meetings::remove_assistants(&mut tx, &user.id, Some(&assistant.id)).await? == 0 {
                    return Err(Error::UserNotFound(a.to_owned()));
                }
            }
        }
        tx.commit().await?;
        Ok(())
    }
}
