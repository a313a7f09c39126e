//! What one batch of rows would do: each row becomes a user to create, a change to an existing
//! user, nothing (unchanged), or an error with its reason. The same evaluation serves the
//! checking pass (seats, dry run) and the writing pass (inside the batch's transaction).

use super::file::{Column, Row};
use crate::users::update::{apply_type, Changes};
use crate::users::{require_manage, target, text, CustomAttribute};
use crate::{Error, Result};
use roster_domain::{
    CreateAction, Email, Principal, Privilege, Privileges, Role, UserId, UserStatus, UserType,
};
use roster_store::accounts::AccountRecord;
use roster_store::users::{self, UserRecord};
use roster_store::{groups, roles, Conn};
use serde_json::json;
use std::collections::HashMap;

/// What the import knows about the account, loaded once.
pub(super) struct Context<'a> {
    pub principal: &'a Principal,
    pub account: AccountRecord,
    /// How new users are added: `create` (invitations) or `autoCreate` (active).
    pub mode: CreateAction,
    /// Settings groups: lower-case name, id.
    groups: Vec<(String, String)>,
    /// Custom roles: lower-case name, id, privileges.
    roles: Vec<(String, String, Privileges)>,
    /// The account's verified domains, with their defaults for new users.
    managed: Vec<roster_store::managed_domains::DomainRecord>,
    /// The account's custom attribute definitions: values are checked as PATCH checks them.
    attributes: roster_domain::custom_attribute::Definitions,
}

impl<'a> Context<'a> {
    pub async fn load(
        conn: &mut Conn,
        principal: &'a Principal,
        account: AccountRecord,
        mode: CreateAction,
    ) -> Result<Self> {
        let groups = groups::list(conn, &account.id, groups::GroupKind::Settings)
            .await?
            .into_iter()
            .map(|g| (g.name.to_lowercase(), g.id))
            .collect();
        let roles = roles::list(conn, &account.id)
            .await?
            .into_iter()
            .map(|r| (r.name.to_lowercase(), r.id, r.privileges))
            .collect();
        let managed = roster_store::managed_domains::list(conn, &account.id)
            .await?
            .into_iter()
            .filter(|d| d.status == roster_domain::DomainStatus::Verified)
            .collect();
        let attributes = crate::admin::attributes::definitions(conn, &account.id).await?;
        Ok(Self {
            principal,
            account,
            mode,
            groups,
            roles,
            managed,
            attributes,
        })
    }

    fn group(&self, name: &str) -> Result<String> {
        let key = name.to_lowercase();
        self.groups
            .iter()
            .find(|(n, id)| *n == key || *id == name)
            .map(|(_, id)| id.clone())
            .ok_or_else(|| Error::GroupNotFound(name.to_owned()))
    }

    fn role(&self, name: &str) -> Result<(Role, Privileges)> {
        let key = name.to_lowercase();
        for builtin in [Role::Owner, Role::Admin, Role::Member] {
            if builtin.builtin_name().map(str::to_lowercase).as_deref() == Some(key.as_str()) {
                let privileges = builtin.builtin_privileges().unwrap_or_default();
                return Ok((builtin, privileges));
            }
        }
        self.roles
            .iter()
            .find(|(n, id, _)| *n == key || *id == name)
            .map(|(_, id, p)| (Role::Custom(id.clone()), *p))
            .ok_or_else(|| Error::RoleNotFound(name.to_owned()))
    }
}

/// What a row does.
pub(super) enum Plan {
    /// A new user, or (with `joins_user_id`) an invitation to join for a standalone Owner.
    Create(Box<UserRecord>),
    Update {
        old: Box<UserRecord>,
        new: Box<UserRecord>,
        changes: Changes,
    },
    /// The user's id.
    Unchanged(String),
    Error(String),
}

pub(super) struct Planned {
    pub line: u64,
    pub email: String,
    pub plan: Plan,
}

impl Planned {
    /// Licensed, Large Meeting and Webinar seats this row takes (negative: returns).
    pub fn seats(&self) -> [i64; 3] {
        fn held(u: &UserRecord) -> [i64; 3] {
            if u.status == UserStatus::Inactive {
                return [0; 3];
            }
            [
                i64::from(u.user_type.takes_licensed_seat()),
                i64::from(u.add_ons.large_meeting.is_some()),
                i64::from(u.add_ons.webinar.is_some()),
            ]
        }
        match &self.plan {
            Plan::Create(u) => held(u),
            Plan::Update { old, new, .. } => {
                let (o, n) = (held(old), held(new));
                [n[0] - o[0], n[1] - o[1], n[2] - o[2]]
            }
            Plan::Unchanged(_) | Plan::Error(_) => [0; 3],
        }
    }
}

/// Evaluates a batch. `duplicates` maps the line of a repeated email to the line it first
/// appeared on.
pub(super) async fn evaluate(
    conn: &mut Conn,
    ctx: &Context<'_>,
    rows: &[Row],
    duplicates: &HashMap<u64, u64>,
) -> Result<Vec<Planned>> {
    let emails: Vec<Option<Email>> = rows
        .iter()
        .map(|r| r.get(Column::Email).and_then(|e| Email::parse(e).ok()))
        .collect();
    let lookup: Vec<&str> = emails.iter().flatten().map(Email::as_str).collect();
    let found = users::find_by_emails(conn, &lookup).await?;
    // Placeholders of invitations to join share their person's email.
    let mut holders: HashMap<&str, Vec<&UserRecord>> = HashMap::with_capacity(found.len());
    for u in &found {
        holders.entry(u.email.as_str()).or_default().push(u);
    }
    let mut out = Vec::with_capacity(rows.len());
    for (row, email) in rows.iter().zip(emails) {
        let raw = row.get(Column::Email).unwrap_or_default().to_owned();
        let plan = match (email, duplicates.get(&row.line)) {
            (_, Some(first)) => Plan::Error(format!(
                "this email is already on line {first} of the file; each user may appear once"
            )),
            (None, _) if raw.is_empty() => Plan::Error("Email is required.".to_owned()),
            (None, _) => Plan::Error(format!("\"{raw}\" is not a valid email address")),
            (Some(email), None) => {
                let held_by = holders
                    .get(email.as_str())
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let mine = held_by
                    .iter()
                    .filter(|u| u.account_id == ctx.account.id)
                    .min_by_key(|u| u.joins_user_id.is_some());
                let elsewhere = held_by.iter().any(|u| u.joins_user_id.is_none());
                // Someone with a standalone account of their own is invited to join with their
                // data, as POST /users does (only in `create` mode); anyone else's email is taken.
                let person = if mine.is_none() && elsewhere && ctx.mode == CreateAction::Create {
                    crate::joining::standalone_owner(conn, &email, &ctx.account.id).await?
                } else {
                    None
                };
                let result = match (mine, person) {
                    (Some(old), _) => update(ctx, row, old),
                    (None, Some(person)) => join(ctx, row, email, &person),
                    (None, None) if elsewhere => Err(Error::EmailTaken(email)),
                    (None, None) => create(ctx, row, email),
                };
                result.unwrap_or_else(|e| Plan::Error(reason(&e)))
            }
        };
        out.push(Planned {
            line: row.line,
            email: raw,
            plan,
        });
    }
    Ok(out)
}

fn reason(e: &Error) -> String {
    match e {
        Error::EmailTaken(email) => {
            format!("{email} belongs to a user of another account; it cannot be imported here")
        }
        Error::NoPrivilege => "No privilege to add or change this user.".to_owned(),
        other => other.to_string(),
    }
}

fn create(ctx: &Context<'_>, row: &Row, email: Email) -> Result<Plan> {
    new_user(ctx, row, email).map(|u| Plan::Create(Box::new(u)))
}

/// An invitation for `person`, the Owner of a standalone account, to join with their data: a
/// pending placeholder pointing at their user (see `crate::joining`), named as they are unless
/// the row names them.
fn join(ctx: &Context<'_>, row: &Row, email: Email, person: &UserRecord) -> Result<Plan> {
    let mut user = new_user(ctx, row, email)?;
    if user.first_name.is_empty() && user.last_name.is_empty() {
        user.first_name.clone_from(&person.first_name);
        user.last_name.clone_from(&person.last_name);
        user.display_name.clone_from(&person.display_name);
    }
    // Mail to them speaks their language, not the organisation's.
    user.language.clone_from(&person.language);
    user.joins_user_id = Some(person.id.clone());
    Ok(Plan::Create(Box::new(user)))
}

fn new_user(ctx: &Context<'_>, row: &Row, email: Email) -> Result<UserRecord> {
    let domain = ctx
        .managed
        .iter()
        .find(|d| d.domain.as_str() == email.domain());
    if ctx.mode == CreateAction::AutoCreate && domain.is_none() {
        return Err(Error::NotManagedDomain);
    }
    let mut user = UserRecord {
        status: ctx.mode.initial_status(),
        creation_type: ctx.mode,
        language: ctx.account.language.clone(),
        ..UserRecord::new(
            UserId::generate(),
            ctx.account.id.clone(),
            email,
            0,
            crate::record_time(),
        )
    };
    // A managed domain's default type and group, unless the row says otherwise (as for one
    // added user); the check pass sees them, so seats are counted with them.
    if let Some(d) = domain {
        if let Some(t) = d.default_type {
            user.user_type = t;
        }
        user.group_id.clone_from(&d.default_group_id);
    }
    // A new user's changes are not reported: only its values are applied.
    let mut changes = Changes::default();
    apply(ctx, row, &mut user, &mut changes, false)?;
    user.user_type
        .check_allowed(ctx.mode, ctx.account.on_prem_enabled)
        .map_err(Error::UserType)?;
    if let Some(scope) = &ctx.principal.group_scope {
        if !user.group_id.as_ref().is_some_and(|g| scope.contains(g)) {
            return Err(Error::invalid(
                "group",
                "your role is limited to some groups: name one of them in the Group column",
            ));
        }
    }
    Ok(user)
}

fn update(ctx: &Context<'_>, row: &Row, old: &UserRecord) -> Result<Plan> {
    if !ctx.principal.has(Privilege::UserEdit) {
        return Err(Error::invalid(
            "email",
            "this user exists, and changing users needs the User:Edit privilege",
        ));
    }
    require_manage(ctx.principal, old)?;
    let mut new = old.clone();
    let mut changes = Changes::default();
    apply(ctx, row, &mut new, &mut changes, true)?;
    if let Some(scope) = &ctx.principal.group_scope {
        if !new.group_id.as_ref().is_some_and(|g| scope.contains(g)) {
            return Err(Error::NoPrivilege);
        }
    }
    if changes.new.is_empty() {
        return Ok(Plan::Unchanged(old.id.to_string()));
    }
    Ok(Plan::Update {
        old: Box::new(old.clone()),
        new: Box::new(new),
        changes,
    })
}

/// Sets `slot` to `value`, recording the change in `changes` when `record` is set.
fn set(changes: &mut Changes, record: bool, name: &str, slot: &mut String, value: String) {
    if !record {
        *slot = value;
    } else if *slot != value {
        changes.old.insert(name.into(), json!(slot));
        changes.new.insert(name.into(), json!(value));
        *slot = value;
    }
}

/// Applies the row's non-empty cells to `u`, recording each change in `changes` when `record`
/// is set (an update reports them; a new user's are not needed).
fn apply(
    ctx: &Context<'_>,
    row: &Row,
    u: &mut UserRecord,
    changes: &mut Changes,
    record: bool,
) -> Result<()> {
    let derived = format!("{} {}", u.first_name, u.last_name)
        .trim()
        .to_owned();
    let texts: [(Column, &'static str, usize); 6] = [
        (Column::FirstName, "first_name", 64),
        (Column::LastName, "last_name", 64),
        (Column::Department, "dept", 128),
        (Column::JobTitle, "job_title", 128),
        (Column::Location, "location", 128),
        (Column::Manager, "manager", 128),
    ];
    for (column, name, max) in texts {
        let Some(value) = row.get(column) else {
            continue;
        };
        let value = text(name, value, max)?;
        let slot = match column {
            Column::FirstName => &mut u.first_name,
            Column::LastName => &mut u.last_name,
            Column::Department => &mut u.dept,
            Column::JobTitle => &mut u.job_title,
            Column::Location => &mut u.location,
            _ => &mut u.manager,
        };
        set(changes, record, name, slot, value);
    }
    // A display name that was derived from the names follows them.
    if u.display_name.is_empty() || u.display_name == derived {
        let now_derived = format!("{} {}", u.first_name, u.last_name)
            .trim()
            .to_owned();
        set(
            changes,
            record,
            "display_name",
            &mut u.display_name,
            now_derived,
        );
    }
    if let Some(t) = row.get(Column::Type) {
        let t = UserType::parse_name(t).ok_or_else(|| {
            Error::invalid(
                "type",
                format!("unknown type \"{t}\": use Basic, Licensed, On-Prem or Unassigned"),
            )
        })?;
        apply_type(t, ctx.account.on_prem_enabled, u, changes)?;
    }
    if let Some(g) = row.get(Column::Group) {
        let id = Some(ctx.group(g)?);
        if id != u.group_id {
            changes.old.insert("group_id".into(), json!(u.group_id));
            changes.new.insert("group_id".into(), json!(id));
            u.group_id = id;
        }
    }
    if let Some(r) = row.get(Column::Role) {
        let (role, privileges) = ctx.role(r)?;
        if role != u.role {
            if role == Role::Owner {
                return Err(Error::invalid(
                    "role",
                    "ownership moves to one user at a time: add them to the Owner role",
                ));
            }
            ctx.principal
                .may_assign_role(target(u), &role, privileges)
                .map_err(Error::RoleChange)?;
            changes.old.insert("role_id".into(), json!(u.role.id()));
            changes.new.insert("role_id".into(), json!(role.id()));
            u.role = role;
        }
    }
    if let Some(a) = row.get(Column::CustomAttributes) {
        let mut attrs = Vec::new();
        for pair in a.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').ok_or_else(|| {
                Error::invalid(
                    "custom_attributes",
                    format!("\"{pair}\" is not name=value (separate attributes with ;)"),
                )
            })?;
            // A cell names each attribute by its key or its name, as PATCH does.
            attrs.push(CustomAttribute {
                key: key.trim().to_owned(),
                name: String::new(),
                value: value.trim().to_owned(),
            });
        }
        let json_text = crate::admin::attributes::check_against(&ctx.attributes, &attrs)?;
        if record && json_text != u.custom_attributes {
            changes.old.insert(
                "custom_attributes".into(),
                serde_json::from_str(&u.custom_attributes).unwrap_or_default(),
            );
            changes.new.insert(
                "custom_attributes".into(),
                serde_json::from_str(&json_text).unwrap_or_default(),
            );
        }
        u.custom_attributes = json_text;
    }
    Ok(())
}
