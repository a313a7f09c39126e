//! The write pass of an import: one evaluated batch stored in the caller's transaction (seats,
//! new users with multi-row statements, their invitations and events, then the updates).

use super::plan::{Context, Plan, Planned};
use crate::events::{self, Event};
use crate::users::create::INVITATION_TTL;
use crate::users::event_object;
use crate::users::update::Changes;
use crate::{Actor, Error, Result, Service};
use roster_domain::{pmi, CreateAction, Secret};
use roster_store::accounts::{self, Pool};
use roster_store::invitations::{self, NewInvitation};
use roster_store::users::{self, UserRecord};
use roster_store::Conn;
use serde_json::{json, Map, Value};

impl Service {
    /// Writes one evaluated batch: seats, new users (multi-row), their invitations and events,
    /// then the updates with theirs.
    pub(super) async fn write(
        &self,
        tx: &mut Conn,
        ctx: &Context<'_>,
        actor: &Actor<'_>,
        mut planned: Vec<Planned>,
    ) -> Result<Vec<Planned>> {
        let mut seats = [0i64; 3];
        for p in &planned {
            for (total, n) in seats.iter_mut().zip(p.seats()) {
                *total += n;
            }
        }
        let pools = [
            (Pool::Licensed, "Licensed"),
            (Pool::LargeMeeting, "Large Meeting"),
            (Pool::Webinar, "Webinar"),
        ];
        for ((pool, name), delta) in pools.into_iter().zip(seats) {
            if !accounts::adjust_seats(tx, &ctx.account.id, pool, delta).await? {
                return Err(Error::SeatsExhausted(name));
            }
        }
        let mut created: Vec<UserRecord> = Vec::new();
        for p in &mut planned {
            if let Plan::Create(u) = &p.plan {
                created.push(u.as_ref().clone());
            }
        }
        // In email order: most indexes of `users` end in the email (and within a batch their
        // other columns mostly repeat), so they take the batch as ascending runs instead of at
        // random places. A 100k file in random order took 4.8-5.0 s, 3.9-4.2 s sorted here.
        created.sort_unstable_by(|a, b| a.email.as_str().cmp(b.email.as_str()));
        assign_pmis(tx, &mut created).await?;
        // The multi-row inserts keep PostgreSQL's cached plan (see `users::plan_for_growth`).
        users::plan_for_growth(tx, false).await?;
        users::insert_many(tx, &created).await.map_err(|e| {
            // A racing invitation to join: PostgreSQL names the index, SQLite its columns.
            let join_taken =
                e.is_unique("users.joins") || e.is_unique("users.account_id, users.email");
            if e.is_unique("users.email") || join_taken {
                Error::invalid(
                    "file",
                    "another request added one of these emails meanwhile; run the import again",
                )
            } else {
                e.into()
            }
        })?;
        users::plan_for_growth(tx, true).await?;
        if let Some(first) = created.first() {
            // The account's default settings group and chat group, as for one added user.
            let ids: Vec<&str> = created.iter().map(|u| u.id.as_str()).collect();
            crate::admin::apply_user_defaults(tx, &first.account_id, &ids).await?;
        }
        let at = self.now();
        let mut list = Vec::with_capacity(created.len());
        for u in &created {
            if ctx.mode == CreateAction::Create {
                self.invite(tx, ctx, actor, u).await?;
            }
            let mut extra = Map::new();
            extra.insert("creation_type".into(), json!(u.creation_type.as_str()));
            extra.insert("operation".into(), json!("import"));
            list.push(Event {
                account_id: &u.account_id,
                kind: "user.created",
                actor,
                target: u.id.as_str(),
                object: event_object(u),
                extra,
            });
        }
        // One event per user, written with multi-row statements.
        users::plan_for_growth(tx, false).await?;
        events::emit_many(tx, list, at).await?;
        users::plan_for_growth(tx, true).await?;
        for p in &mut planned {
            if let Plan::Update { old, new, changes } = &mut p.plan {
                new.updated_at = at;
                if !users::update(tx, old, new).await? {
                    return Err(Error::UserNotFound(old.id.to_string()));
                }
                crate::installs::approver_hook(tx, actor, old, Some(new), at).await?;
                emit_update(tx, actor, old, new, std::mem::take(changes), at).await?;
            }
        }
        Ok(planned)
    }

    /// The invitation and activation mail of a user created pending.
    async fn invite(
        &self,
        tx: &mut Conn,
        ctx: &Context<'_>,
        actor: &Actor<'_>,
        user: &UserRecord,
    ) -> Result<()> {
        let token = Secret::token();
        let at = self.now();
        let expires_at = at + INVITATION_TTL;
        invitations::insert(
            tx,
            &NewInvitation {
                user_id: &user.id,
                account_id: &user.account_id,
                invited_by: &actor.audit_name(),
                token_hash: &token.hash(),
                created_at: at,
                expires_at,
            },
        )
        .await?;
        crate::mail::enqueue_activation(
            tx,
            &self.settings.public_url,
            &crate::mail::Activation {
                kind: crate::mail::InviteKind::of(user),
                account_id: &user.account_id,
                reminder: false,
                user,
                account_name: &ctx.account.name,
                token: &token,
                expires_at,
                at,
            },
        )
        .await
    }
}

async fn emit_update(
    tx: &mut Conn,
    actor: &Actor<'_>,
    old: &UserRecord,
    new: &UserRecord,
    changes: Changes,
    at: time::OffsetDateTime,
) -> Result<()> {
    let mut object = changes.new;
    object.insert("id".into(), json!(new.id.as_str()));
    let mut old_object = changes.old;
    old_object.insert("id".into(), json!(old.id.as_str()));
    let mut extra = Map::new();
    extra.insert("operation".into(), json!("import"));
    extra.insert("time_stamp".into(), json!(at.unix_timestamp() * 1000));
    extra.insert("old_object".into(), Value::Object(old_object));
    let event = Event {
        account_id: &new.account_id,
        kind: "user.updated",
        actor,
        target: new.id.as_str(),
        object: Value::Object(object),
        extra,
    };
    events::emit(tx, event, at).await
}

/// Gives each new user a PMI nobody holds: random ones, drawn again for the few that are taken
/// (checked a batch at a time).
async fn assign_pmis(tx: &mut Conn, created: &mut [UserRecord]) -> Result<()> {
    let mut todo: Vec<usize> = (0..created.len()).collect();
    while !todo.is_empty() {
        for &i in &todo {
            if let Some(u) = created.get_mut(i) {
                u.pmi = pmi::generate();
            }
        }
        let mut drawn: Vec<i64> = created.iter().map(|u| u.pmi).collect();
        let taken = users::taken_pmis(tx, &drawn).await?;
        drawn.sort_unstable();
        let twice: Vec<i64> = drawn
            .windows(2)
            .filter_map(|w| match w {
                [a, b] if a == b => Some(*a),
                _ => None,
            })
            .collect();
        todo = created
            .iter()
            .enumerate()
            .filter(|(_, u)| taken.contains(&u.pmi) || twice.contains(&u.pmi))
            .map(|(i, _)| i)
            .collect();
    }
    Ok(())
}
