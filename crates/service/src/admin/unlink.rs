//! Unlinking every user of one type: each leaves with their data as a standalone free account,
//! exactly as `DELETE /users/{userId}?action=disassociate` does it (the same
//! [`crate::users::status::unlink`]), with a `user.disassociated` event each. Never the Owner,
//! admins, users on a managed domain, pending users or the caller. Users are taken in batches of
//! [`BATCH`], each batch one transaction, so a failure part-way keeps the batches already done
//! (each of them complete) and running it again finishes the rest.

use super::{writable, Admin};
use crate::events::{self, Event};
use crate::users::status::{revoke_tokens, unlink};
use crate::users::{event_object, move_seats};
use crate::{Error, Result, Service};
use roster_domain::bulk::{unlink_skip, UnlinkSkip};
use roster_domain::{Privilege, TypeError, UserStatus, UserType};
use roster_store::{accounts, users};
use serde_json::{json, Map};
use std::collections::HashMap;

/// Users per transaction.
const BATCH: u32 = 200;
/// Skipped users listed by name in a report (all are counted).
pub const MAX_SKIPPED_LISTED: usize = 1000;

/// A user left in the account, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedUser {
    pub id: String,
    pub email: String,
    pub reason: UnlinkSkip,
}

/// What an unlink of every user of one type did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnlinkReport {
    pub unlinked: i64,
    /// How many were skipped, per reason.
    pub skipped: Vec<(UnlinkSkip, i64)>,
    /// The first [`MAX_SKIPPED_LISTED`] skipped users, in email order.
    pub skipped_users: Vec<SkippedUser>,
}

impl UnlinkReport {
    fn skip(&mut self, user: &users::UserRecord, reason: UnlinkSkip) {
        match self.skipped.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, n)) => *n += 1,
            None => self.skipped.push((reason, 1)),
        }
        if self.skipped_users.len() < MAX_SKIPPED_LISTED {
            self.skipped_users.push(SkippedUser {
                id: user.id.to_string(),
                email: user.email.to_string(),
                reason,
            });
        }
    }
}

impl Service {
    /// Unlinks every user of type `user_type` that may be unlinked; reports how many left and
    /// who stayed, and why.
    #[tracing::instrument(skip_all, fields(user_type))]
    pub async fn unlink_users_of_type(
        &self,
        admin: Admin<'_>,
        user_type: i64,
    ) -> Result<UnlinkReport> {
        let user_type = UserType::from_code(user_type)
            .ok_or_else(|| Error::invalid("type", TypeError::Unknown))?;
        let caller = match admin {
            Admin::Principal { principal, .. } => Some(principal.user_id.clone()),
            Admin::Operator { .. } => None,
        };
        let actor = admin.actor();
        let mut report = UnlinkReport::default();
        let mut managed: HashMap<String, bool> = HashMap::new();
        let mut after = String::new();
        loop {
            let mut tx = self.db.begin().await?;
            let account = writable(&mut tx, &admin, Privilege::UserDelete).await?;
            let batch = users::list_of_type(&mut tx, &account.id, user_type, &after, BATCH).await?;
            let Some(last) = batch.last() else { break };
            after = last.email.to_string();
            let done = batch.len() < usize::try_from(BATCH).unwrap_or(usize::MAX);
            for user in &batch {
                let domain = user.email.domain().to_owned();
                let on_managed = match managed.get(&domain) {
                    Some(m) => *m,
                    None => {
                        let m = accounts::managing_account(&mut tx, &domain).await?.as_ref()
                            == Some(&account.id);
                        managed.insert(domain, m);
                        m
                    }
                };
                let skip = if caller.as_ref() == Some(&user.id) {
                    Some(UnlinkSkip::Yourself)
                } else {
                    unlink_skip(&user.role, user.status, on_managed)
                };
                if let Some(reason) = skip {
                    report.skip(user, reason);
                    continue;
                }
                if user.status != UserStatus::Inactive {
                    move_seats(&mut tx, user, -1).await?;
                }
                revoke_tokens(&mut tx, user).await?;
                let standalone = unlink(&mut tx, user).await?;
                let event = Event {
                    account_id: &account.id,
                    kind: "user.disassociated",
                    actor: &actor,
                    target: user.id.as_str(),
                    object: event_object(user),
                    extra: Map::from_iter([
                        ("new_account_id".to_owned(), json!(standalone.as_str())),
                        ("bulk".to_owned(), json!(true)),
                    ]),
                };
                events::emit(&mut tx, event, self.now()).await?;
                report.unlinked += 1;
            }
            tx.commit().await?;
            if done {
                break;
            }
        }
        tracing::info!(unlinked = report.unlinked, "users of a type unlinked");
        Ok(report)
    }
}
