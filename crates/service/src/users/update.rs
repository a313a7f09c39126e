//! Editing a user: `PATCH /v2/users/{userId}` (profile, type, PMI, custom attributes) and
//! `PUT /v2/users/{userId}/password`.

use super::{event_object, move_seats, open_account, require_manage, resolve, text};
use crate::events::{self, Event};
use crate::{hashing, Actor, Error, Result, Service};
use roster_domain::{CreateAction, Password, Principal, TypeError, UserStatus, UserType};
use roster_store::users::{self, UserRecord};
use roster_store::Conn;
use serde_json::{json, Map, Value};

/// Fields to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserPatch {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub display_name: Option<String>,
    pub user_type: Option<i64>,
    pub pmi: Option<i64>,
    pub use_pmi: Option<bool>,
    pub timezone: Option<String>,
    pub language: Option<String>,
    pub dept: Option<String>,
    pub job_title: Option<String>,
    pub company: Option<String>,
    pub location: Option<String>,
    pub manager: Option<String>,
    pub phone_number: Option<String>,
    /// `[{"key","name","value"}]`, at most 5.
    pub custom_attributes: Option<Vec<CustomAttribute>>,
    pub group_id: Option<String>,
}

/// One custom attribute value.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CustomAttribute {
    /// The definition's key; may be empty when `name` names it.
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub name: String,
    pub value: String,
}

/// Most custom attributes a user may carry (one per definition of the account).
pub const MAX_CUSTOM_ATTRIBUTES: usize = roster_domain::custom_attribute::MAX_DEFINITIONS;

/// Old and new values of the fields a patch changed, for `user.updated`.
#[derive(Default)]
pub(crate) struct Changes {
    pub(crate) old: Map<String, Value>,
    pub(crate) new: Map<String, Value>,
}

impl Changes {
    fn text(&mut self, name: &str, slot: &mut String, value: String) {
        if *slot != value {
            self.old.insert(name.into(), json!(slot));
            self.new.insert(name.into(), json!(value));
            *slot = value;
        }
    }
}

fn apply_profile(p: &UserPatch, u: &mut UserRecord, c: &mut Changes) -> Result<()> {
    let fields: [(&'static str, &Option<String>, usize); 11] = [
        ("first_name", &p.first_name, 64),
        ("last_name", &p.last_name, 64),
        ("display_name", &p.display_name, 128),
        ("timezone", &p.timezone, 64),
        ("language", &p.language, 16),
        ("dept", &p.dept, 128),
        ("job_title", &p.job_title, 128),
        ("company", &p.company, 128),
        ("location", &p.location, 128),
        ("manager", &p.manager, 128),
        ("phone_number", &p.phone_number, 32),
    ];
    for (name, value, max) in fields {
        let Some(value) = value else { continue };
        let value = text(name, value, max)?;
        let slot = match name {
            "first_name" => &mut u.first_name,
            "last_name" => &mut u.last_name,
            "display_name" => &mut u.display_name,
            "timezone" => &mut u.timezone,
            "language" => &mut u.language,
            "dept" => &mut u.dept,
            "job_title" => &mut u.job_title,
            "company" => &mut u.company,
            "location" => &mut u.location,
            "manager" => &mut u.manager,
            _ => &mut u.phone_number,
        };
        c.text(name, slot, value);
    }
    // Zoom: an empty display name is derived from the first and last names.
    if u.display_name.is_empty() {
        let derived = format!("{} {}", u.first_name, u.last_name)
            .trim()
            .to_owned();
        c.text("display_name", &mut u.display_name, derived);
    }
    if let Some(use_pmi) = p.use_pmi {
        if use_pmi != u.use_pmi {
            c.old.insert("use_pmi".into(), json!(u.use_pmi));
            c.new.insert("use_pmi".into(), json!(use_pmi));
            u.use_pmi = use_pmi;
        }
    }
    Ok(())
}

fn parse_pmi(pmi: i64) -> Result<i64> {
    if (2_000_000_000..=9_999_999_999).contains(&pmi) {
        Ok(pmi)
    } else {
        Err(Error::invalid(
            "pmi",
            "pmi must be 10 digits and not start with 0 or 1",
        ))
    }
}

/// Moves `new` into settings group `group` (empty: out of any group).
pub(crate) async fn apply_group(
    conn: &mut Conn,
    principal: &Principal,
    group: &str,
    new: &mut UserRecord,
    changes: &mut Changes,
) -> Result<()> {
    let group = Some(group.trim())
        .filter(|g| !g.is_empty())
        .map(str::to_owned);
    if let Some(g) = &group {
        crate::groups::settings_group_exists(conn, principal, g).await?;
    }
    if group != new.group_id {
        changes.old.insert("group_id".into(), json!(new.group_id));
        changes.new.insert("group_id".into(), json!(group));
        new.group_id = group;
    }
    Ok(())
}

/// Gives `new` type `t`; add-ons need a paid type, so a downgrade gives them back.
pub(crate) fn apply_type(
    t: UserType,
    on_prem_enabled: bool,
    new: &mut UserRecord,
    changes: &mut Changes,
) -> Result<()> {
    if t == new.user_type {
        return Ok(());
    }
    t.check_allowed(CreateAction::Create, on_prem_enabled)
        .map_err(Error::UserType)?;
    changes
        .old
        .insert("type".into(), json!(new.user_type.code()));
    changes.new.insert("type".into(), json!(t.code()));
    new.user_type = t;
    if !t.takes_licensed_seat() {
        new.add_ons = roster_domain::AddOns::default();
    }
    Ok(())
}

/// Stores `new` over `old` when anything changed: moves seats (active and pending users hold
/// them, deactivated ones do not) and records `user.updated` with the old values. Returns
/// whether anything changed.
pub(crate) async fn write_changes(
    conn: &mut Conn,
    principal: &Principal,
    old: &UserRecord,
    mut new: UserRecord,
    changes: Changes,
) -> Result<bool> {
    if changes.new.is_empty() {
        return Ok(false);
    }
    if old.status != UserStatus::Inactive {
        move_seats(conn, old, -1).await?;
        move_seats(conn, &new, 1).await?;
    }
    let at = crate::record_time();
    new.updated_at = at;
    if !users::update(conn, old, &new).await? {
        return Err(Error::UserNotFound(old.id.to_string()));
    }
    let actor = crate::Actor::Principal(principal);
    crate::installs::approver_hook(conn, &actor, old, Some(&new), at).await?;
    let mut object = changes.new;
    object.insert("id".into(), json!(new.id.as_str()));
    let mut old_object = changes.old;
    old_object.insert("id".into(), json!(old.id.as_str()));
    let mut extra = Map::new();
    extra.insert("operation".into(), json!("update"));
    extra.insert("time_stamp".into(), json!(at.unix_timestamp() * 1000));
    extra.insert("old_object".into(), Value::Object(old_object));
    let actor = Actor::Principal(principal);
    let event = Event {
        account_id: &new.account_id,
        kind: "user.updated",
        actor: &actor,
        target: new.id.as_str(),
        object: Value::Object(object),
        extra,
    };
    events::emit(conn, event, at).await?;
    Ok(true)
}

/// [`Service::update_user`] inside the caller's transaction (the portal's edit form joins it
/// with other changes, all or nothing).
pub(crate) async fn update_in(
    tx: &mut Conn,
    principal: &Principal,
    user_ref: &str,
    patch: UserPatch,
) -> Result<()> {
    let new_type = patch
        .user_type
        .map(|t| UserType::from_code(t).ok_or_else(|| Error::invalid("type", TypeError::Unknown)))
        .transpose()?;
    let pmi = patch.pmi.map(parse_pmi).transpose()?;
    if patch
        .custom_attributes
        .as_ref()
        .is_some_and(|a| a.len() > MAX_CUSTOM_ATTRIBUTES)
    {
        return Err(Error::invalid(
            "custom_attributes",
            format!("at most {MAX_CUSTOM_ATTRIBUTES} custom attributes"),
        ));
    }
    let old = resolve(tx, principal, user_ref).await?;
    require_manage(principal, &old)?;
    let admin_fields =
        new_type.is_some() || patch.custom_attributes.is_some() || patch.group_id.is_some();
    if admin_fields {
        super::require(principal, roster_domain::Privilege::UserEdit)?;
    }
    if admin_fields || old.id != principal.user_id {
        open_account(tx, principal).await?;
    }
    let mut new = old.clone();
    let mut changes = Changes::default();
    if let Some(group) = patch.group_id.as_deref() {
        apply_group(tx, principal, group, &mut new, &mut changes).await?;
    }
    apply_profile(&patch, &mut new, &mut changes)?;
    if let Some(pmi) = pmi.filter(|p| *p != old.pmi) {
        if users::pmi_exists(tx, pmi).await? {
            return Err(Error::invalid("pmi", "this PMI is already in use"));
        }
        changes.old.insert("pmi".into(), json!(old.pmi));
        changes.new.insert("pmi".into(), json!(pmi));
        new.pmi = pmi;
    }
    let attributes = match patch.custom_attributes.as_deref() {
        Some(values) => Some(
            crate::admin::attributes::check_custom_attributes(tx, &old.account_id, values).await?,
        ),
        None => None,
    };
    if let Some(attrs) = attributes.filter(|a| *a != old.custom_attributes) {
        changes.old.insert(
            "custom_attributes".into(),
            serde_json::from_str(&old.custom_attributes).unwrap_or(Value::Null),
        );
        changes.new.insert(
            "custom_attributes".into(),
            serde_json::from_str(&attrs).unwrap_or(Value::Null),
        );
        new.custom_attributes = attrs;
    }
    if let Some(t) = new_type {
        let account = open_account(tx, principal).await?;
        apply_type(t, account.on_prem_enabled, &mut new, &mut changes)?;
    }
    write_changes(tx, principal, &old, new, changes).await?;
    Ok(())
}

impl Service {
    /// Changes a user's profile; admins may also change type, custom attributes and group.
    #[tracing::instrument(skip_all)]
    pub async fn update_user(
        &self,
        principal: &Principal,
        user_ref: &str,
        patch: UserPatch,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        update_in(&mut tx, principal, user_ref, patch).await?;
        tx.commit().await?;
        Ok(())
    }

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
        require_manage(principal, &target)?;
        let hash = hashing::hash_password(password).await?;
        let at = self.now();
        let mut tx = self.db.begin().await?;
        if users::set_password(&mut tx, &target.account_id, &target.id, &hash, at).await? == 0 {
            return Err(Error::UserNotFound(user_ref.to_owned()));
        }
        let mut extra = Map::new();
        extra.insert("operation".into(), json!("update"));
        extra.insert("time_stamp".into(), json!(at.unix_timestamp() * 1000));
        extra.insert("old_object".into(), json!({ "id": target.id.as_str() }));
        let actor = Actor::Principal(principal);
        let mut object = event_object(&target);
        if let Some(o) = object.as_object_mut() {
            o.insert("password_changed".into(), json!(true));
        }
        let event = Event {
            account_id: &target.account_id,
            kind: "user.updated",
            actor: &actor,
            target: target.id.as_str(),
            object,
            extra,
        };
        events::emit(&mut tx, event, at).await?;
        tx.commit().await?;
        Ok(())
    }
}
