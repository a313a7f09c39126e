//! A user's `feature` settings: the add-on licences they hold (`GET/PATCH
//! /v2/users/{userId}/settings`). Giving an add-on takes a seat from its pool; taking it away
//! returns the seat.

use super::{move_seats, open_account, require_manage, resolve};
use crate::events::{self, Event};
use crate::{now, Actor, Error, Result, Service};
use roster_domain::{AddOns, Principal, UserStatus, UserType};
use roster_store::users;
use serde_json::{json, Map};

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

impl Service {
    /// A user's feature settings.
    pub async fn get_user_features(
        &self,
        principal: &Principal,
        user_ref: &str,
    ) -> Result<FeatureSettings> {
        let u = self.get_user(principal, user_ref).await?.user;
        Ok(FeatureSettings {
            meeting_capacity: u.add_ons.large_meeting.unwrap_or(100),
            large_meeting: u.add_ons.large_meeting.is_some(),
            large_meeting_capacity: u.add_ons.large_meeting,
            webinar: u.add_ons.webinar.is_some(),
            webinar_capacity: u.add_ons.webinar,
            meeting_duration_limit: u.user_type.max_meeting_minutes(),
            user_type: u.user_type,
        })
    }

    /// Gives or takes add-ons. Admins only; add-ons need a Licensed or On-Prem user, and a free
    /// seat in their pool.
    #[tracing::instrument(skip_all)]
    pub async fn update_user_features(
        &self,
        principal: &Principal,
        user_ref: &str,
        patch: FeaturePatch,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let old = resolve(&mut tx, principal, user_ref).await?;
        super::require(principal, roster_domain::Privilege::UserEdit)?;
        require_manage(principal, &old)?;
        open_account(&mut tx, principal).await?;
        let add_ons = apply(old.add_ons, &patch)?
            .check(old.user_type)
            .map_err(Error::AddOn)?;
        if add_ons == old.add_ons {
            return Ok(());
        }
        let mut new = old.clone();
        new.add_ons = add_ons;
        new.updated_at = now();
        if old.status != UserStatus::Inactive {
            move_seats(&mut tx, &old, -1).await?;
            move_seats(&mut tx, &new, 1).await?;
        }
        users::update(&mut tx, &old, &new).await?;
        let mut extra = Map::new();
        extra.insert(
            "old_object".into(),
            json!({ "id": old.id.as_str(), "settings": { "feature": {
                "large_meeting": old.add_ons.large_meeting.is_some(),
                "large_meeting_capacity": old.add_ons.large_meeting,
                "webinar": old.add_ons.webinar.is_some(),
                "webinar_capacity": old.add_ons.webinar,
            }}}),
        );
        let actor = Actor::Principal(principal);
        let event = Event {
            account_id: &new.account_id,
            kind: "user.settings_updated",
            actor: &actor,
            target: new.id.as_str(),
            object: json!({ "id": new.id.as_str(), "settings": { "feature": {
                "large_meeting": new.add_ons.large_meeting.is_some(),
                "large_meeting_capacity": new.add_ons.large_meeting,
                "webinar": new.add_ons.webinar.is_some(),
                "webinar_capacity": new.add_ons.webinar,
            }}}),
            extra,
        };
        events::emit(&mut tx, event, new.updated_at).await?;
        tx.commit().await?;
        Ok(())
    }
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
