//! SCIM Users: create, read, list, replace and delete, over the same rules, seats and events
//! as `/v2/users`. PATCH is a replace of the patched resource (the interface applies the
//! operations to what it read and sends the result with the version it read), so every change
//! goes through [`Service::scim_replace_user`] and its checks.
//!
//! A new user on one of the account's verified managed domains is created active
//! (`ssoCreate`: the identity provider is how they sign in); anyone else is invited
//! (`create`: pending until they accept), as the REST API would.

use crate::events::{self, Event};
use crate::users::{move_seats, require, text};
use crate::{Actor, Error, Service};
use roster_domain::scim::{AttrPath, Filter};
use roster_domain::{
    pmi, AddOns, CreateAction, Email, Principal, Privilege, Role, TypeError, UserId, UserStatus,
    UserType,
};
use roster_store::users::scim::{self as store, ScimQuery};
pub use roster_store::users::scim::{ScimPage, ScimUserRecord};
use roster_store::users::{self, UserRecord};
use roster_store::Conn;
use serde_json::{json, Map, Value};

/// Why a SCIM user request was refused: a service rule, or a SCIM-specific outcome.
#[derive(Debug)]
pub enum Refusal {
    Service(Error),
    /// `If-Match` named another version (412).
    Stale {
        current: i64,
    },
    /// An attribute that cannot change was changed (400 mutability).
    Mutability(String),
    /// `externalId` taken in the account (409 uniqueness).
    Uniqueness(String),
    /// A filter or sort Roster cannot run (400 invalidFilter).
    InvalidFilter(String),
    /// A value Roster cannot take (400 invalidValue).
    InvalidValue(String),
    /// Forbidden for SCIM (403), e.g. removing or deactivating the owner.
    Forbidden(String),
}

impl<E: Into<Error>> From<E> for Refusal {
    fn from(e: E) -> Self {
        Self::Service(e.into())
    }
}

type Result<T> = std::result::Result<T, Refusal>;

/// A user as the identity provider describes it (after PATCH operations were applied).
/// `None` leaves an optional attribute as it is.
#[derive(Debug, Clone, Default)]
pub struct ScimUserInput {
    pub user_name: String,
    pub given_name: String,
    pub family_name: String,
    pub display_name: String,
    /// `None`: unchanged (on create: active).
    pub active: Option<bool>,
    pub external_id: Option<String>,
    pub title: String,
    pub preferred_language: Option<String>,
    pub timezone: String,
    pub phone_number: String,
    pub department: String,
    pub employee_number: String,
    pub manager_id: Option<String>,
    /// Roster extension: Zoom's numeric type, role id and add-ons.
    pub user_type: Option<i64>,
    pub role: Option<String>,
    pub add_ons: Option<AddOns>,
}

/// A SCIM list request.
#[derive(Debug, Clone)]
pub struct ScimListQuery<'a> {
    pub filter: Option<&'a Filter>,
    pub sort_by: Option<&'a AttrPath>,
    pub descending: bool,
    pub offset: u64,
    pub limit: u32,
}

fn user_id(id: &str) -> Result<UserId> {
    UserId::parse(id).ok_or_else(|| Refusal::Service(Error::UserNotFound(id.to_owned())))
}

fn check_version(rec: &ScimUserRecord, if_match: Option<&[String]>) -> Result<()> {
    match if_match {
        Some(tags)
            if !tags
                .iter()
                .any(|t| t == "*" || *t == rec.version.to_string()) =>
        {
            Err(Refusal::Stale {
                current: rec.version,
            })
        }
        _ => Ok(()),
    }
}

async fn emit(
    conn: &mut Conn,
    principal: &Principal,
    kind: &'static str,
    user: &UserRecord,
    object: Value,
    extra: Map<String, Value>,
) -> Result<()> {
    let actor = Actor::Principal(principal);
    let event = Event {
        account_id: &user.account_id,
        kind,
        actor: &actor,
        target: user.id.as_str(),
        object,
        extra,
    };
    events::emit(conn, event, crate::record_time()).await?;
    Ok(())
}

/// Fills the profile of `u` from `input`, noting old and new values of what changed.
fn apply_profile(
    input: &ScimUserInput,
    u: &mut UserRecord,
    old: &mut Map<String, Value>,
    new: &mut Map<String, Value>,
) -> Result<()> {
    let mut set = |name: &'static str, slot: &mut String, value: &str, max: usize| {
        let value = text(name, value, max)?;
        if *slot != value {
            old.insert(name.into(), json!(slot));
            new.insert(name.into(), json!(value));
            *slot = value;
        }
        Ok::<(), Refusal>(())
    };
    set("first_name", &mut u.first_name, &input.given_name, 64)?;
    set("last_name", &mut u.last_name, &input.family_name, 64)?;
    let display = if input.display_name.trim().is_empty() {
        format!("{} {}", input.given_name.trim(), input.family_name.trim())
            .trim()
            .to_owned()
    } else {
        input.display_name.clone()
    };
    set("display_name", &mut u.display_name, &display, 128)?;
    set("job_title", &mut u.job_title, &input.title, 128)?;
    set("timezone", &mut u.timezone, &input.timezone, 64)?;
    set("phone_number", &mut u.phone_number, &input.phone_number, 32)?;
    set("dept", &mut u.dept, &input.department, 128)?;
    if let Some(lang) = &input.preferred_language {
        let lang = roster_domain::LanguageTag::parse(lang.trim())
            .map(|l| l.to_string())
            .map_err(|e| Refusal::InvalidValue(format!("preferredLanguage: {e}.")))?;
        set("language", &mut u.language, &lang, 16)?;
    }
    Ok(())
}

/// Checks `externalId`, `employeeNumber` and `manager` for `user` in the account.
async fn check_scim_fields(
    conn: &mut Conn,
    principal: &Principal,
    user: &UserId,
    input: &ScimUserInput,
) -> Result<()> {
    if let Some(ext) = input.external_id.as_deref() {
        if ext.is_empty() || ext.chars().count() > 255 || ext.chars().any(char::is_control) {
            return Err(Refusal::InvalidValue(
                "externalId must be 1 to 255 characters without control characters.".into(),
            ));
        }
        if let Some(other) = store::find_by_external_id(conn, &principal.account_id, ext).await? {
            if other != *user {
                return Err(Refusal::Uniqueness(format!(
                    "externalId \"{ext}\" is already another user's in this account."
                )));
            }
        }
    }
    text("employeeNumber", &input.employee_number, 64)?;
    if let Some(m) = input.manager_id.as_deref() {
        let found = match UserId::parse(m) {
            Some(id) if id != *user => users::find_by_id(conn, &principal.account_id, &id).await?,
            _ => None,
        };
        if found.is_none() {
            return Err(Refusal::InvalidValue(format!(
                "manager.value \"{m}\" is not the id of another user of this account."
            )));
        }
    }
    Ok(())
}

/// The role `input` asks for, checked as the REST roles endpoint checks it.
async fn check_role(
    conn: &mut Conn,
    principal: &Principal,
    user: &UserRecord,
    role: &str,
) -> Result<Role> {
    let (role, privileges) = crate::roles::role_of(conn, principal, role).await?;
    if role == user.role {
        return Ok(role);
    }
    if role == Role::Owner || user.role == Role::Owner {
        return Err(Refusal::Forbidden(
            "Ownership moves only through the portal or REST (PATCH /v2/roles), not SCIM.".into(),
        ));
    }
    principal
        .may_assign_role(crate::users::target(user), &role, privileges)
        .map_err(Error::RoleChange)?;
    Ok(role)
}

fn parse_type(t: Option<i64>) -> Result<Option<UserType>> {
    Ok(t.map(|t| {
        UserType::from_code(t).ok_or_else(|| Error::invalid("userType", TypeError::Unknown))
    })
    .transpose()?)
}

impl Service {
    /// Adds a user for the identity provider.
    #[tracing::instrument(skip_all)]
    pub async fn scim_create_user(
        &self,
        principal: &Principal,
        input: ScimUserInput,
    ) -> Result<ScimUserRecord> {
        require(principal, Privilege::UserAdd)?;
        let email = Email::parse(input.user_name.trim())
            .map_err(|e| Refusal::InvalidValue(format!("userName must be an email: {e}.")))?;
        let user_type = parse_type(input.user_type)?;
        let at = self.now();
        let mut tx = self.db.begin().await?;
        let managed = roster_store::accounts::managing_account(&mut tx, email.domain())
            .await?
            .as_ref()
            == Some(&principal.account_id);
        // The type asked for, else the managed domain's default, else Basic (an identity
        // provider rarely names one).
        let domain_type = roster_store::managed_domains::verified_defaults(
            &mut tx,
            &principal.account_id,
            email.domain(),
        )
        .await?
        .and_then(|d| d.default_type);
        let user_type = Some(user_type.or(domain_type).unwrap_or(UserType::Basic));
        let action = if managed {
            CreateAction::SsoCreate
        } else {
            CreateAction::Create
        };
        let mut user = UserRecord {
            status: action.initial_status(),
            creation_type: action,
            ..UserRecord::new(
                UserId::generate(),
                principal.account_id.clone(),
                email,
                pmi::generate(),
                at,
            )
        };
        let (mut old, mut new) = (Map::new(), Map::new());
        apply_profile(&input, &mut user, &mut old, &mut new)?;
        check_scim_fields(&mut tx, principal, &user.id, &input).await?;
        if let Some(role) = input.role.as_deref() {
            user.role = check_role(&mut tx, principal, &user, role).await?;
        }
        let wanted = user.clone();
        let mut user = self
            .insert_new_user(
                &mut tx,
                principal,
                user,
                user_type,
                input.add_ons.unwrap_or_default(),
                Map::new(),
            )
            .await
            .map_err(|e| match e {
                Error::EmailTaken(e) => Refusal::Uniqueness(format!(
                    "userName {e} is already taken (by a user of this or another account)."
                )),
                e => Refusal::Service(e),
            })?;
        // The profile fields insert_new_user does not set (it starts users in the account's
        // language, so an explicit preferredLanguage is applied here).
        let mut full = user.clone();
        full.job_title.clone_from(&wanted.job_title);
        full.timezone.clone_from(&wanted.timezone);
        full.phone_number.clone_from(&wanted.phone_number);
        full.dept.clone_from(&wanted.dept);
        if input.preferred_language.is_some() {
            full.language.clone_from(&wanted.language);
        }
        if full != user {
            users::update(&mut tx, &user, &full).await?;
            user = full;
        }
        store::set_fields(
            &mut tx,
            &principal.account_id,
            &user.id,
            input.external_id.as_deref(),
            input.employee_number.trim(),
            input.manager_id.as_deref(),
        )
        .await
        .map_err(|e| {
            if store::is_external_id_taken(&e) {
                Refusal::Uniqueness("externalId is already another user's in this account.".into())
            } else {
                e.into()
            }
        })?;
        if input.active == Some(false) {
            if user.status == UserStatus::Pending {
                return Err(Refusal::InvalidValue(
                    "A user outside the account's managed domains starts as an invitation \
                     (active); create them with active true, or add their domain first."
                        .into(),
                ));
            }
            let mut inactive = user.clone();
            inactive.status = UserStatus::Inactive;
            move_seats(&mut tx, &user, -1).await?;
            users::update(&mut tx, &user, &inactive).await?;
            let object = crate::users::event_object(&inactive);
            emit(
                &mut tx,
                principal,
                "user.deactivated",
                &inactive,
                object,
                Map::new(),
            )
            .await?;
        }
        let created = store::find(&mut tx, &principal.account_id, &user.id)
            .await?
            .ok_or_else(|| Error::UserNotFound(user.id.to_string()))?;
        tx.commit().await?;
        Ok(created)
    }

    /// One user of the caller's account.
    #[tracing::instrument(skip_all)]
    pub async fn scim_get_user(&self, principal: &Principal, id: &str) -> Result<ScimUserRecord> {
        require(principal, Privilege::UserRead)?;
        let uid = user_id(id)?;
        let mut conn = self.db.read().await?;
        let rec = store::find(&mut conn, &principal.account_id, &uid)
            .await?
            .ok_or_else(|| Error::UserNotFound(id.to_owned()))?;
        if !principal.may_view_user(crate::users::target(&rec.user)) {
            return Err(Error::NoPrivilege.into());
        }
        Ok(rec)
    }

    /// A filtered, sorted page of the caller's account's users (one COUNT and one page query).
    #[tracing::instrument(skip_all)]
    pub async fn scim_list_users(
        &self,
        principal: &Principal,
        q: ScimListQuery<'_>,
    ) -> Result<ScimPage> {
        require(principal, Privilege::UserRead)?;
        if principal.group_scope.is_some() {
            return Err(Error::NoPrivilege.into());
        }
        let mut conn = self.db.read().await?;
        let query = ScimQuery {
            account: &principal.account_id,
            filter: q.filter,
            sort_by: q.sort_by,
            descending: q.descending,
            offset: q.offset,
            limit: q.limit,
        };
        store::list(&mut conn, &query)
            .await?
            .map_err(|e| Refusal::InvalidFilter(e.0))
    }
}

mod replace;
pub use replace::DeleteAction;
