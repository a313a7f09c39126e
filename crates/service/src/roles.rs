//! Roles: the built-in Owner ("0"), Admin ("1") and Member ("2"), and custom roles with named
//! privileges, optionally limited to some groups. Giving a role follows the rules in
//! [`Principal::may_assign_role`]: only the Owner grants or revokes Admin, nobody changes their
//! own role, nobody grants more than they hold, and there is always exactly one Owner
//! (ownership moves by adding another user to the Owner role).

use crate::events::{self, Event};
use crate::groups::{settings_group_exists, MemberPage, MemberRef};
use crate::users::{event_object, open_account, require, resolve, target, text};
use crate::{Actor, Error, Result, Service};
use roster_domain::paging;
use roster_domain::{Principal, Privilege, Privileges, Role, UserId, UserStatus};
use roster_store::roles::{self, RoleRecord};
use roster_store::{accounts, users, Conn};
use serde_json::{json, Map};

/// A role as the API shows it.
#[derive(Debug, Clone)]
pub struct RoleView {
    pub id: String,
    pub name: String,
    pub description: String,
    pub privileges: Privileges,
    pub group_scope: Option<Vec<String>>,
    pub total_members: i64,
}

/// A custom role to create or the changes to one; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct RoleInput {
    pub name: Option<String>,
    pub description: Option<String>,
    pub privileges: Option<Vec<String>>,
    /// Settings groups to limit the role to; an empty list removes the limit.
    pub group_ids: Option<Vec<String>>,
}

const BUILTIN: [(Role, &str); 3] = [
    (
        Role::Owner,
        "The account's owner: every privilege, and the only one who grants Admin.",
    ),
    (
        Role::Admin,
        "Manages every user but the Owner and other Admins.",
    ),
    (Role::Member, "Manages only themselves."),
];

/// Whether `name` is a built-in role's (Owner, Admin, Member): no custom role may take one.
fn is_builtin_name(name: &str) -> bool {
    BUILTIN.iter().any(|(r, _)| r.builtin_name() == Some(name))
}

fn builtin_view(role: &Role, description: &str, total_members: i64) -> RoleView {
    RoleView {
        id: role.id().to_owned(),
        name: role.builtin_name().unwrap_or_default().to_owned(),
        description: description.to_owned(),
        privileges: role.builtin_privileges().unwrap_or_default(),
        group_scope: None,
        total_members,
    }
}

fn custom_view(r: RoleRecord, total_members: i64) -> RoleView {
    RoleView {
        id: r.id,
        name: r.name,
        description: r.description,
        privileges: r.privileges,
        group_scope: r.group_scope,
        total_members,
    }
}

/// The role `id` of the caller's account with its privileges, built-in or custom.
pub(crate) async fn role_of(
    conn: &mut Conn,
    principal: &Principal,
    id: &str,
) -> Result<(Role, Privileges)> {
    let role = Role::from_id(id);
    if let Some(p) = role.builtin_privileges() {
        return Ok((role, p));
    }
    let r = roles::find(conn, &principal.account_id, id)
        .await?
        .ok_or_else(|| Error::RoleNotFound(id.to_owned()))?;
    Ok((role, r.privileges))
}

fn parse_privileges(names: &[String]) -> Result<Privileges> {
    Privileges::parse(names.iter().map(String::as_str)).map_err(|e| Error::invalid("privileges", e))
}

async fn parse_scope(
    conn: &mut Conn,
    principal: &Principal,
    ids: &[String],
) -> Result<Option<Vec<String>>> {
    if ids.is_empty() {
        return Ok(None);
    }
    for g in ids {
        settings_group_exists(conn, principal, g).await?;
    }
    Ok(Some(ids.to_vec()))
}

impl Service {
    pub async fn list_roles(&self, principal: &Principal) -> Result<Vec<RoleView>> {
        require(principal, Privilege::RoleRead)?;
        let mut conn = self.db.read().await?;
        let counts = roles::member_counts(&mut conn, &principal.account_id).await?;
        let count = |id: &str| counts.iter().find(|(r, _)| r == id).map_or(0, |(_, n)| *n);
        let mut out: Vec<RoleView> = BUILTIN
            .iter()
            .map(|(r, d)| builtin_view(r, d, count(r.id())))
            .collect();
        for r in roles::list(&mut conn, &principal.account_id).await? {
            let n = count(&r.id);
            out.push(custom_view(r, n));
        }
        Ok(out)
    }

    pub async fn get_role(&self, principal: &Principal, id: &str) -> Result<RoleView> {
        self.list_roles(principal)
            .await?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or_else(|| Error::RoleNotFound(id.to_owned()))
    }

    #[tracing::instrument(skip_all)]
    pub async fn create_role(&self, principal: &Principal, input: RoleInput) -> Result<RoleView> {
        require(principal, Privilege::RoleEdit)?;
        let name = text("name", input.name.as_deref().unwrap_or_default(), 64)?;
        if name.is_empty() {
            return Err(Error::invalid("name", "name is required"));
        }
        let description = text(
            "description",
            input.description.as_deref().unwrap_or_default(),
            255,
        )?;
        let privileges = parse_privileges(input.privileges.as_deref().unwrap_or_default())?;
        if !privileges.is_subset_of(principal.privileges) {
            return Err(Error::RoleChange(
                roster_domain::RoleChangeError::MorePrivileges,
            ));
        }
        let mut tx = self.db.begin().await?;
        open_account(&mut tx, principal).await?;
        let group_scope = parse_scope(
            &mut tx,
            principal,
            input.group_ids.as_deref().unwrap_or_default(),
        )
        .await?;
        if is_builtin_name(&name)
            || roles::name_taken(&mut tx, &principal.account_id, &name, None).await?
        {
            return Err(Error::RoleNameTaken(name));
        }
        let role = RoleRecord {
            id: UserId::generate().to_string(),
            account_id: principal.account_id.clone(),
            name,
            description,
            privileges,
            group_scope,
            created_at: self.now(),
        };
        roles::insert(&mut tx, &role).await?;
        let actor = Actor::Principal(principal);
        let event = Event {
            account_id: &principal.account_id,
            kind: "role.created",
            actor: &actor,
            target: &role.id,
            object: json!({ "id": role.id, "name": role.name, "privileges": role.privileges.names(), "group_ids": role.group_scope }),
            extra: Map::new(),
        };
        events::emit(&mut tx, event, role.created_at).await?;
        tx.commit().await?;
        Ok(custom_view(role, 0))
    }

    #[tracing::instrument(skip_all)]
    pub async fn update_role(
        &self,
        principal: &Principal,
        id: &str,
        input: RoleInput,
    ) -> Result<()> {
        require(principal, Privilege::RoleEdit)?;
        if Role::from_id(id).is_builtin() {
            return Err(Error::invalid(
                "roleId",
                "the built-in Owner, Admin and Member roles cannot be changed",
            ));
        }
        let mut tx = self.db.begin().await?;
        open_account(&mut tx, principal).await?;
        let old = roles::find(&mut tx, &principal.account_id, id)
            .await?
            .ok_or_else(|| Error::RoleNotFound(id.to_owned()))?;
        let mut new = old.clone();
        if let Some(name) = &input.name {
            new.name = text("name", name, 64)?;
            if new.name.is_empty() {
                return Err(Error::invalid("name", "name must not be empty"));
            }
            if new.name != old.name
                && (is_builtin_name(&new.name)
                    || roles::name_taken(&mut tx, &principal.account_id, &new.name, Some(id))
                        .await?)
            {
                return Err(Error::RoleNameTaken(new.name));
            }
        }
        if let Some(d) = &input.description {
            new.description = text("description", d, 255)?;
        }
        if let Some(p) = &input.privileges {
            new.privileges = parse_privileges(p)?;
            if !new.privileges.is_subset_of(principal.privileges) {
                return Err(Error::RoleChange(
                    roster_domain::RoleChangeError::MorePrivileges,
                ));
            }
        }
        if let Some(g) = &input.group_ids {
            new.group_scope = parse_scope(&mut tx, principal, g).await?;
        }
        if new == old {
            return Ok(());
        }
        roles::update(&mut tx, &new).await?;
        let actor = Actor::Principal(principal);
        let mut extra = Map::new();
        extra.insert("old_object".into(), json!({ "id": old.id, "name": old.name, "privileges": old.privileges.names(), "group_ids": old.group_scope }));
        let event = Event {
            account_id: &principal.account_id,
            kind: "role.updated",
            actor: &actor,
            target: &new.id,
            object: json!({ "id": new.id, "name": new.name, "privileges": new.privileges.names(), "group_ids": new.group_scope }),
            extra,
        };
        events::emit(&mut tx, event, self.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a custom role that nobody holds.
    #[tracing::instrument(skip_all)]
    pub async fn delete_role(&self, principal: &Principal, id: &str) -> Result<()> {
        require(principal, Privilege::RoleEdit)?;
        if Role::from_id(id).is_builtin() {
            return Err(Error::invalid(
                "roleId",
                "the built-in Owner, Admin and Member roles cannot be deleted",
            ));
        }
        let mut tx = self.db.begin().await?;
        open_account(&mut tx, principal).await?;
        let role = roles::find(&mut tx, &principal.account_id, id)
            .await?
            .ok_or_else(|| Error::RoleNotFound(id.to_owned()))?;
        let held = roles::member_counts(&mut tx, &principal.account_id)
            .await?
            .into_iter()
            .any(|(r, n)| r == id && n > 0);
        if held {
            return Err(Error::invalid(
                "roleId",
                "the role still has members: give them another role first",
            ));
        }
        roles::delete(&mut tx, &principal.account_id, id).await?;
        let actor = Actor::Principal(principal);
        let event = Event {
            account_id: &principal.account_id,
            kind: "role.deleted",
            actor: &actor,
            target: &role.id,
            object: json!({ "id": role.id, "name": role.name }),
            extra: Map::new(),
        };
        events::emit(&mut tx, event, self.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn list_role_members(
        &self,
        principal: &Principal,
        id: &str,
        page_size: Option<i64>,
        next_page_token: Option<&str>,
    ) -> Result<MemberPage> {
        require(principal, Privilege::RoleRead)?;
        let page_size = paging::page_size(page_size).map_err(|e| Error::invalid("page_size", e))?;
        let after = crate::paging::after(next_page_token)?.unwrap_or_default();
        let role = self.get_role(principal, id).await?;
        let mut conn = self.db.read().await?;
        let mut members =
            roles::members(&mut conn, &principal.account_id, id, &after, page_size + 1).await?;
        let next_page_token = crate::paging::finish(&mut members, page_size, |m| m.email.clone());
        Ok(MemberPage {
            members,
            page_size,
            total_records: role.total_members,
            next_page_token,
        })
    }

    /// Gives users a role, all or none. Adding a user to the Owner role transfers ownership
    /// (the previous Owner becomes an Admin).
    #[tracing::instrument(skip_all)]
    pub async fn assign_role(
        &self,
        principal: &Principal,
        id: &str,
        members: &[MemberRef],
    ) -> Result<Vec<String>> {
        if members.is_empty() {
            return Err(Error::invalid(
                "members",
                "members must list at least one user",
            ));
        }
        if members.len() > 30 {
            return Err(Error::invalid("members", "at most 30 members per request"));
        }
        let mut tx = self.db.begin().await?;
        open_account(&mut tx, principal).await?;
        let (role, privileges) = role_of(&mut tx, principal, id).await?;
        if role == Role::Owner && members.len() != 1 {
            return Err(Error::invalid(
                "members",
                "ownership moves to exactly one user",
            ));
        }
        let mut changed = Vec::new();
        for m in members {
            let user_ref = m.id.as_deref().or(m.email.as_deref()).unwrap_or_default();
            let user = resolve(&mut tx, principal, user_ref).await?;
            principal
                .may_assign_role(target(&user), &role, privileges)
                .map_err(Error::RoleChange)?;
            if user.role == role {
                continue;
            }
            if role == Role::Owner {
                if user.status != UserStatus::Active {
                    return Err(Error::invalid(
                        "members",
                        "ownership moves only to an active user",
                    ));
                }
                // The previous Owner (the caller) becomes an Admin.
                let old_owner = resolve(&mut tx, principal, "me").await?;
                set_role(&mut tx, principal, &old_owner, Role::Admin).await?;
                accounts::set_owner(&mut tx, &principal.account_id, &user.id).await?;
            }
            set_role(&mut tx, principal, &user, role.clone()).await?;
            changed.push(user.id.to_string());
        }
        tx.commit().await?;
        Ok(changed)
    }

    /// Takes a role from a user, who becomes a Member. The Owner keeps theirs (ownership moves
    /// only by transfer).
    #[tracing::instrument(skip_all)]
    pub async fn unassign_role(&self, principal: &Principal, id: &str, member: &str) -> Result<()> {
        let mut tx = self.db.begin().await?;
        open_account(&mut tx, principal).await?;
        let (role, _) = role_of(&mut tx, principal, id).await?;
        let user = resolve(&mut tx, principal, member).await?;
        if user.role != role {
            return Err(Error::UserNotFound(member.to_owned()));
        }
        principal
            .may_assign_role(target(&user), &Role::Member, Privileges::none())
            .map_err(Error::RoleChange)?;
        set_role(&mut tx, principal, &user, Role::Member).await?;
        tx.commit().await?;
        Ok(())
    }
}

pub(crate) async fn set_role(
    conn: &mut Conn,
    principal: &Principal,
    user: &users::UserRecord,
    role: Role,
) -> Result<()> {
    let mut new = user.clone();
    new.role = role;
    new.updated_at = crate::record_time();
    users::update(conn, user, &new).await?;
    let actor = Actor::Principal(principal);
    crate::installs::approver_hook(conn, &actor, user, Some(&new), new.updated_at).await?;
    let mut extra = Map::new();
    extra.insert("operation".into(), json!("update"));
    extra.insert(
        "old_object".into(),
        json!({ "id": user.id.as_str(), "role_id": user.role.id() }),
    );
    let mut object = event_object(&new);
    if let Some(o) = object.as_object_mut() {
        o.insert("role_id".into(), json!(new.role.id()));
    }
    let event = Event {
        account_id: &user.account_id,
        kind: "user.updated",
        actor: &actor,
        target: user.id.as_str(),
        object,
        extra,
    };
    events::emit(conn, event, new.updated_at).await
}
