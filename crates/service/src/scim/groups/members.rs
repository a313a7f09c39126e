//! Membership changes of a SCIM group: every listed id checked to be a user of the account,
//! then each change as set-based statements, with one event per member who joins or leaves.

use super::{as_record, ids_json, object, GroupRefusal, MembersChange, ScimGroup};
use crate::events::{self, Event};
use crate::{Actor, Result, Service};
use roster_domain::Principal;
use roster_store::groups::GroupRecord;
use roster_store::scim_groups::{self as store, Among, MemberKey};
use roster_store::Conn;
use serde_json::{json, Map};

impl Service {
    /// Applies membership changes with set-based statements, after checking every listed id
    /// is a user of the account; one event per member who joins or leaves, as the REST API
    /// writes.
    pub(super) async fn change_members(
        &self,
        conn: &mut Conn,
        principal: &Principal,
        g: &ScimGroup,
        changes: &[MembersChange],
    ) -> Result<()> {
        for change in changes {
            let listed = match change {
                MembersChange::Add(ids)
                | MembersChange::Remove(ids)
                | MembersChange::Replace(ids) => ids.as_slice(),
                // A filter selecting nobody is `noTarget`, checked as it runs.
                MembersChange::RemoveSelected { .. } | MembersChange::Clear => &[],
            };
            if listed.is_empty() {
                continue;
            }
            if let Some(unknown) =
                store::first_unknown_user(conn, &principal.account_id, &ids_json(listed)?).await?
            {
                return Err(GroupRefusal::UnknownMember(unknown).into());
            }
        }
        let at = self.now();
        let record = as_record(g, principal);
        for change in changes {
            let (joining, leaving) = match change {
                MembersChange::Add(ids) => (Some(ids_json(ids)?), None),
                MembersChange::Remove(ids) => (None, Some((ids_json(ids)?, Among::Listed))),
                MembersChange::RemoveSelected { ids, path } => {
                    let json = ids_json(ids)?;
                    let found = store::leaving(conn, &g.id, &json, Among::Listed).await?;
                    if found.len() < ids.len() {
                        return Err(GroupRefusal::NoTarget(format!(
                            "The path {path} selects no member of the group."
                        ))
                        .into());
                    }
                    (None, Some((json, Among::Listed)))
                }
                MembersChange::Replace(ids) => {
                    let json = ids_json(ids)?;
                    (Some(json.clone()), Some((json, Among::Unlisted)))
                }
                MembersChange::Clear => (None, Some(("[]".to_owned(), Among::Unlisted))),
            };
            if let Some((json, among)) = leaving {
                let gone = store::leaving(conn, &g.id, &json, among).await?;
                store::move_out(conn, &g.id, &json, among, at).await?;
                member_events(conn, principal, &record, "group.member_deleted", gone, at).await?;
            }
            if let Some(json) = joining {
                let come = store::joining(conn, &principal.account_id, &g.id, &json).await?;
                store::move_in(conn, &principal.account_id, &g.id, &json, at).await?;
                member_events(conn, principal, &record, "group.member_added", come, at).await?;
            }
        }
        Ok(())
    }
}

/// One event per member, as `add_group_members` and `remove_group_member` write them, in
/// multi-row statements.
async fn member_events(
    conn: &mut Conn,
    principal: &Principal,
    g: &GroupRecord,
    kind: &'static str,
    members: Vec<MemberKey>,
    at: time::OffsetDateTime,
) -> Result<()> {
    if members.is_empty() {
        return Ok(());
    }
    let actor = Actor::Principal(principal);
    let list = members
        .iter()
        .map(|m| {
            let mut extra = Map::new();
            extra.insert("member".into(), json!({ "id": m.id, "email": m.email }));
            Event {
                account_id: &principal.account_id,
                kind,
                actor: &actor,
                target: m.id.as_str(),
                object: object(&g.id, &g.name),
                extra,
            }
        })
        .collect();
    events::emit_many(conn, list, at).await
}
