//! A user's settings (`GET/PATCH /v2/users/{userId}/settings`): the `feature` object (the
//! add-on licences they hold; giving one takes a seat from its pool, taking it away returns
//! the seat) and their meeting settings, where the account's and their group's locks win.

use super::{move_seats, open_account, require_manage, resolve, target};
use crate::events::{self, Event};
use crate::{Actor, Error, Result, Service};
use roster_domain::settings::{effective, Level, Settings, SettingsPatch};
use roster_domain::{AddOns, Principal, Privilege, UserStatus, UserType};
use roster_store::settings::{self as stored, UserSettingsRecord};
use roster_store::users::{self, UserRecord};
use roster_store::Conn;
use serde_json::{json, Map, Value};

/// Zoom's `feature` settings object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureSettings {
    /// Participants a meeting of this user may hold.
    pub meeting_capacity: u32,
    pub large_meeting: bool,
    pub large_meeting_capacity: Option<u32>,
    pub webinar: bool,
    pub webinar_capacity: Option<u32>,
    /// Minutes a meeting this user hosts may last (Basic: 40).
    pub meeting_duration_limit: u32,
    pub user_type: UserType,
}

/// A user's settings as they apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSettings {
    pub feature: FeatureSettings,
    /// Every known meeting setting, with the value in effect (locks applied).
    pub effective: Settings,
}

/// Changes to a user's settings.
#[derive(Debug, Clone, Default)]
pub struct UserSettingsPatch {
    pub feature: Option<FeaturePatch>,
    /// The meeting-settings sections as sent (`in_meeting`, `recording` …); other keys are
    /// ignored.
    pub sections: Map<String, Value>,
}

/// Changes to `feature`; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct FeaturePatch {
    pub large_meeting: Option<bool>,
    pub large_meeting_capacity: Option<i64>,
    pub webinar: Option<bool>,
    pub webinar_capacity: Option<i64>,
}

fn capacity(field: &'static str, v: Option<i64>) -> Result<Option<u32>> {
    v.map(|c| u32::try_from(c).map_err(|_| Error::invalid(field, "capacity out of range")))
        .transpose()
}

/// The add-ons after `patch`, before any rule is checked.
fn apply(current: AddOns, patch: &FeaturePatch) -> Result<AddOns> {
    let lm_cap = capacity(
        "feature.large_meeting_capacity",
        patch.large_meeting_capacity,
    )?;
    let w_cap = capacity("feature.webinar_capacity", patch.webinar_capacity)?;
    let large_meeting = match (patch.large_meeting, lm_cap) {
        (Some(false), _) => None,
        (Some(true), cap) => Some(cap.or(current.large_meeting).unwrap_or(500)),
        (None, Some(cap)) if current.large_meeting.is_some() => Some(cap),
        (None, _) => current.large_meeting,
    };
    let webinar = match (patch.webinar, w_cap) {
        (Some(false), _) => None,
        (Some(true), cap) => Some(cap.or(current.webinar).unwrap_or(100)),
        (None, Some(cap)) if current.webinar.is_some() => Some(cap),
        (None, _) => current.webinar,
    };
    Ok(AddOns {
        large_meeting,
        webinar,
    })
}

/// The effective settings of a user whose settings, group's and account's are `r`.
fn resolve_effective(r: &UserSettingsRecord) -> Settings {
    let group = r.group.as_ref().map(|g| Level {
        settings: &g.settings,
        locks: &g.locks,
    });
    let account = Level {
        settings: &r.account.settings,
        locks: &r.account.locks,
    };
    effective(&r.own, group, account)
}

fn features(u: &UserRecord) -> FeatureSettings {
    FeatureSettings {
        meeting_capacity: u.add_ons.large_meeting.unwrap_or(100),
        large_meeting: u.add_ons.large_meeting.is_some(),
        large_meeting_capacity: u.add_ons.large_meeting,
        webinar: u.add_ons.webinar.is_some(),
        webinar_capacity: u.add_ons.webinar,
        meeting_duration_limit: u.user_type.max_meeting_minutes(),
        user_type: u.user_type,
    }
}

fn feature_json(a: AddOns) -> Value {
    json!({
        "large_meeting": a.large_meeting.is_some(),
        "large_meeting_capacity": a.large_meeting,
        "webinar": a.webinar.is_some(),
        "webinar_capacity": a.webinar,
    })
}

/// Gives or takes add-ons (the caller holds `User:Edit`); returns the old and new `feature`
/// when anything changed.
async fn update_features(
    conn: &mut Conn,
    old: &UserRecord,
    patch: &FeaturePatch,
) -> Result<Option<(Value, Value)>> {
    let add_ons = apply(old.add_ons, patch)?
        .check(old.user_type)
        .map_err(Error::AddOn)?;
    if add_ons == old.add_ons {
        return Ok(None);
    }
    let mut new = old.clone();
    new.add_ons = add_ons;
    new.updated_at = crate::record_time();
    if old.status != UserStatus::Inactive {
        move_seats(conn, old, -1).await?;
        move_seats(conn, &new, 1).await?;
    }
    users::update(conn, old, &new).await?;
    Ok(Some((feature_json(old.add_ons), feature_json(add_ons))))
}

/// Applies meeting-settings changes the locks allow (refusing the rest); returns the user's
/// old and new own settings when anything changed.
async fn update_sections(
    conn: &mut Conn,
    u: &UserRecord,
    patch: &SettingsPatch,
) -> Result<Option<(Map<String, Value>, Map<String, Value>)>> {
    let current = stored::find_for_user(conn, &u.account_id, &u.id, true)
        .await?
        .ok_or_else(|| Error::UserNotFound(u.id.to_string()))?;
    let allowed = patch
        .within_locks(
            &resolve_effective(&current),
            current.group.as_ref().map(|g| &g.locks),
            &current.account.locks,
        )
        .map_err(|(field, by)| Error::SettingLocked {
            field,
            by: by.as_str(),
        })?;
    let mut own = current.own.clone();
    if !own.apply(&allowed) {
        return Ok(None);
    }
    if !stored::update_for_user(conn, &u.account_id, &u.id, &own, crate::record_time()).await? {
        return Err(Error::UserNotFound(u.id.to_string()));
    }
    Ok(Some((current.own.to_json(), own.to_json())))
}

impl Service {
    /// A user's settings: their add-ons, and their meeting settings as they apply (the
    /// account's and their settings group's locks win over their own values).
    #[tracing::instrument(skip_all)]
    pub async fn get_user_settings(
        &self,
        principal: &Principal,
        user_ref: &str,
    ) -> Result<UserSettings> {
        let mut conn = self.db.read().await?;
        let u = resolve(&mut conn, principal, user_ref).await?;
        if !principal.may_view_user(target(&u)) {
            return Err(Error::NoPrivilege);
        }
        let r = stored::find_for_user(&mut conn, &u.account_id, &u.id, false)
            .await?
            .ok_or_else(|| Error::UserNotFound(user_ref.to_owned()))?;
        Ok(UserSettings {
            feature: features(&u),
            effective: resolve_effective(&r),
        })
    }

    /// Changes a user's settings, all or nothing. Everyone changes their own meeting settings
    /// (and those of users they manage), except what the account or their group locks.
    /// Add-ons (`feature`) need `User:Edit`, a Licensed or On-Prem user, and a free seat.
    #[tracing::instrument(skip_all)]
    pub async fn update_user_settings(
        &self,
        principal: &Principal,
        user_ref: &str,
        patch: UserSettingsPatch,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        settings_in(&mut tx, principal, user_ref, patch, self.now()).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// [`Service::update_user_settings`] inside the caller's transaction.
pub(crate) async fn settings_in(
    tx: &mut Conn,
    principal: &Principal,
    user_ref: &str,
    patch: UserSettingsPatch,
    at: time::OffsetDateTime,
) -> Result<()> {
    let sections = SettingsPatch::parse(&patch.sections)?;
    let old = resolve(tx, principal, user_ref).await?;
    if patch.feature.is_some() {
        super::require(principal, Privilege::UserEdit)?;
    }
    require_manage(principal, &old)?;
    if patch.feature.is_some() || old.id != principal.user_id {
        open_account(tx, principal).await?;
    }
    let mut old_settings = Map::new();
    let mut new_settings = Map::new();
    if let Some(f) = &patch.feature {
        if let Some((was, is)) = update_features(tx, &old, f).await? {
            old_settings.insert("feature".into(), was);
            new_settings.insert("feature".into(), is);
        }
    }
    if !sections.is_empty() {
        if let Some((was, is)) = update_sections(tx, &old, &sections).await? {
            old_settings.extend(was);
            new_settings.extend(is);
        }
    }
    if new_settings.is_empty() {
        return Ok(());
    }
    let mut extra = Map::new();
    extra.insert(
        "old_object".into(),
        json!({ "id": old.id.as_str(), "settings": old_settings }),
    );
    let actor = Actor::Principal(principal);
    let event = Event {
        account_id: &old.account_id,
        kind: "user.settings_updated",
        actor: &actor,
        target: old.id.as_str(),
        object: json!({ "id": old.id.as_str(), "settings": new_settings }),
        extra,
    };
    events::emit(tx, event, at).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patches() {
        let none = AddOns::default();
        let on = FeaturePatch {
            large_meeting: Some(true),
            ..Default::default()
        };
        assert_eq!(apply(none, &on).unwrap().large_meeting, Some(500));
        let cap = FeaturePatch {
            large_meeting_capacity: Some(1000),
            ..Default::default()
        };
        // A capacity alone does not give the add-on…
        assert_eq!(apply(none, &cap).unwrap().large_meeting, None);
        // …but changes it when held.
        let held = AddOns {
            large_meeting: Some(500),
            webinar: None,
        };
        assert_eq!(apply(held, &cap).unwrap().large_meeting, Some(1000));
        let off = FeaturePatch {
            large_meeting: Some(false),
            ..Default::default()
        };
        assert_eq!(apply(held, &off).unwrap().large_meeting, None);
        let w = FeaturePatch {
            webinar: Some(true),
            webinar_capacity: Some(500),
            ..Default::default()
        };
        assert_eq!(apply(none, &w).unwrap().webinar, Some(500));
    }
}
