//! Custom attribute definitions (up to five per account: name, kind text/number/date, optional
//! allowed values) and [`check_custom_attributes`], the one check every way of setting a user's
//! values goes through (PATCH, the CSV import, the portal). Deleting a definition removes its
//! values from every user in the same transaction.

use super::{readable, writable, Admin};
use crate::events::{self, Event};
use crate::users::CustomAttribute;
use crate::{Error, Result, Service};
use roster_domain::custom_attribute::{
    AttributeError, Definition, Definitions, RawValue, MAX_DEFINITIONS,
};
use roster_domain::{AccountId, Privilege, UserId};
use roster_store::attributes::{self, DefinitionRecord};
use roster_store::Conn;
use serde_json::{json, Map};

/// A definition, as callers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeDefinition {
    /// The key users' values carry (`custom_attributes[].key`).
    pub key: String,
    pub name: String,
    /// `text`, `number` or `date`.
    pub kind: &'static str,
    pub allowed_values: Vec<String>,
}

impl From<Definition> for AttributeDefinition {
    fn from(d: Definition) -> Self {
        Self {
            key: d.key,
            name: d.name,
            kind: d.kind.as_str(),
            allowed_values: d.allowed,
        }
    }
}

/// A new definition, as the caller sent it.
#[derive(Debug, Clone, Default)]
pub struct NewAttribute {
    pub name: String,
    /// `text`, `number` or `date`.
    pub kind: String,
    pub allowed_values: Vec<String>,
}

fn parse_record(r: DefinitionRecord) -> Result<Definition> {
    let allowed: Vec<String> = serde_json::from_str(&r.allowed_values)
        .map_err(|e| Error::Internal(format!("custom attribute {}: {e}", r.id)))?;
    Definition::parse(r.id, &r.name, &r.kind, &allowed)
        .map_err(|e| Error::Internal(format!("stored custom attribute: {e}")))
}

/// An account's definitions.
pub async fn definitions(conn: &mut Conn, account: &AccountId) -> Result<Definitions> {
    let rows = attributes::list(conn, account).await?;
    rows.into_iter()
        .map(parse_record)
        .collect::<Result<Vec<_>>>()
        .map(Definitions)
}

/// Checks a user's custom attribute values against the account's definitions (each names a
/// defined attribute by key or name, at most once, with a value of its kind and among its
/// allowed values) and returns them as stored: a JSON array of `{"key","name","value"}`.
pub async fn check_custom_attributes(
    conn: &mut Conn,
    account: &AccountId,
    values: &[CustomAttribute],
) -> Result<String> {
    let defs = definitions(conn, account).await?;
    check_against(&defs, values)
}

/// [`check_custom_attributes`] with the definitions already loaded: for paths that check many
/// users at once (the CSV import loads them once with [`definitions`]).
pub fn check_against(defs: &Definitions, values: &[CustomAttribute]) -> Result<String> {
    if values.len() > MAX_DEFINITIONS {
        return Err(Error::invalid(
            "custom_attributes",
            format!("at most {MAX_DEFINITIONS} custom attributes"),
        ));
    }
    let raw: Vec<RawValue<'_>> = values
        .iter()
        .map(|v| RawValue {
            key: &v.key,
            name: &v.name,
            value: &v.value,
        })
        .collect();
    let checked = defs.check(&raw).map_err(|e| match e {
        AttributeError::BadValue { key, name, reason } => {
            Error::AttributeValue { key, name, reason }
        }
        other => Error::invalid("custom_attributes", other),
    })?;
    let out: Vec<CustomAttribute> = checked
        .into_iter()
        .map(|v| CustomAttribute {
            key: v.key,
            name: v.name,
            value: v.value,
        })
        .collect();
    serde_json::to_string(&out).map_err(|e| Error::Internal(e.to_string()))
}

async fn emit(
    conn: &mut Conn,
    admin: &Admin<'_>,
    account: &AccountId,
    kind: &'static str,
    def: &AttributeDefinition,
    extra: Map<String, serde_json::Value>,
) -> Result<()> {
    let actor = admin.actor();
    let event = Event {
        account_id: account,
        kind,
        actor: &actor,
        target: &def.key,
        object: json!({"key": def.key, "name": def.name, "type": def.kind, "allowed_values": def.allowed_values}),
        extra,
    };
    events::emit(conn, event, crate::record_time()).await
}

fn taken(name: &str) -> Error {
    Error::AttributeNameTaken(name.to_owned())
}

impl Service {
    /// The account's custom attribute definitions, by name.
    pub async fn list_custom_attributes(
        &self,
        admin: Admin<'_>,
    ) -> Result<Vec<AttributeDefinition>> {
        let mut conn = self.db.read().await?;
        let account = readable(&mut conn, &admin, Privilege::UserRead).await?;
        Ok(definitions(&mut conn, &account.id)
            .await?
            .0
            .into_iter()
            .map(AttributeDefinition::from)
            .collect())
    }

    /// Defines a custom attribute. A sixth is refused (`TooManyAttributes`), so is a name the
    /// account already uses (case-insensitively); nothing is stored then.
    #[tracing::instrument(skip_all)]
    pub async fn create_custom_attribute(
        &self,
        admin: Admin<'_>,
        input: NewAttribute,
    ) -> Result<AttributeDefinition> {
        let key = UserId::generate().to_string();
        let def = Definition::parse(key, &input.name, &input.kind, &input.allowed_values)
            .map_err(|e| Error::invalid("custom_attribute", e))?;
        let mut tx = self.db.begin().await?;
        let account = writable(&mut tx, &admin, Privilege::AccountSettingEdit).await?;
        if attributes::name_taken(&mut tx, &account.id, &def.name, "").await? {
            return Err(taken(&def.name));
        }
        if !attributes::take_slot(&mut tx, &account.id).await? {
            return Err(Error::TooManyAttributes(MAX_DEFINITIONS));
        }
        let record = DefinitionRecord {
            id: def.key.clone(),
            account_id: account.id.clone(),
            name: def.name.clone(),
            kind: def.kind.as_str().to_owned(),
            allowed_values: serde_json::to_string(&def.allowed)
                .map_err(|e| Error::Internal(e.to_string()))?,
            created_at: self.now(),
        };
        attributes::insert(&mut tx, &record).await.map_err(|e| {
            if e.is_unique("custom_attributes.account_id, custom_attributes.name") {
                taken(&def.name)
            } else {
                e.into()
            }
        })?;
        let view = AttributeDefinition::from(def);
        emit(
            &mut tx,
            &admin,
            &account.id,
            "account.custom_attribute_created",
            &view,
            Map::new(),
        )
        .await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Renames a definition and/or replaces its allowed values (its kind cannot change: delete
    /// and define it again). Values users already hold keep their value; they carry the new name.
    #[tracing::instrument(skip_all)]
    pub async fn update_custom_attribute(
        &self,
        admin: Admin<'_>,
        key: &str,
        name: Option<&str>,
        allowed_values: Option<&[String]>,
    ) -> Result<AttributeDefinition> {
        let mut tx = self.db.begin().await?;
        let account = writable(&mut tx, &admin, Privilege::AccountSettingEdit).await?;
        let old = attributes::find(&mut tx, &account.id, key.trim())
            .await?
            .ok_or_else(|| Error::AttributeNotFound(key.trim().to_owned()))
            .and_then(parse_record)?;
        let def = Definition::parse(
            old.key.clone(),
            name.unwrap_or(&old.name),
            old.kind.as_str(),
            allowed_values.unwrap_or(&old.allowed),
        )
        .map_err(|e| Error::invalid("custom_attribute", e))?;
        if def == old {
            return Ok(def.into());
        }
        if attributes::name_taken(&mut tx, &account.id, &def.name, &def.key).await? {
            return Err(taken(&def.name));
        }
        let allowed =
            serde_json::to_string(&def.allowed).map_err(|e| Error::Internal(e.to_string()))?;
        attributes::update(&mut tx, &account.id, &def.key, &def.name, &allowed)
            .await
            .map_err(|e| {
                if e.is_unique("custom_attributes.account_id, custom_attributes.name") {
                    taken(&def.name)
                } else {
                    e.into()
                }
            })?;
        let old_view = AttributeDefinition::from(old);
        let view = AttributeDefinition::from(def);
        let extra = Map::from_iter([(
            "old_object".to_owned(),
            json!({"key": old_view.key, "name": old_view.name, "allowed_values": old_view.allowed_values}),
        )]);
        emit(
            &mut tx,
            &admin,
            &account.id,
            "account.custom_attribute_updated",
            &view,
            extra,
        )
        .await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Deletes a definition and, in the same transaction, every user's value of it. Returns how
    /// many users lost a value.
    #[tracing::instrument(skip_all)]
    pub async fn delete_custom_attribute(&self, admin: Admin<'_>, key: &str) -> Result<u64> {
        let mut tx = self.db.begin().await?;
        let account = writable(&mut tx, &admin, Privilege::AccountSettingEdit).await?;
        let def = attributes::find(&mut tx, &account.id, key.trim())
            .await?
            .ok_or_else(|| Error::AttributeNotFound(key.trim().to_owned()))
            .and_then(parse_record)?;
        let cleared = attributes::delete(&mut tx, &account.id, &def.key)
            .await?
            .ok_or_else(|| Error::AttributeNotFound(key.trim().to_owned()))?;
        let view = AttributeDefinition::from(def);
        let extra = Map::from_iter([("users_cleared".to_owned(), json!(cleared))]);
        emit(
            &mut tx,
            &admin,
            &account.id,
            "account.custom_attribute_deleted",
            &view,
            extra,
        )
        .await?;
        tx.commit().await?;
        Ok(cleared)
    }
}
