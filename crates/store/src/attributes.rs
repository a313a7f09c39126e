//! Custom attribute definitions (at most five per account, counted on `accounts` with a
//! conditional update, like a seat) and the users' values kept in `users.custom_attributes`
//! (a JSON array of `{"key","name","value"}`). Rewriting values inside that JSON is
//! backend-specific (SQLite `json_each`, PostgreSQL `jsonb_array_elements`) and lives here.

use crate::{params, Backend, Conn, FromRow, Result, Row};
use roster_domain::custom_attribute::MAX_DEFINITIONS;
use roster_domain::AccountId;
use time::OffsetDateTime;

/// A definition as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefinitionRecord {
    pub id: String,
    pub account_id: AccountId,
    pub name: String,
    /// `text`, `number` or `date`.
    pub kind: String,
    /// JSON array of strings.
    pub allowed_values: String,
    pub created_at: OffsetDateTime,
}

impl FromRow for DefinitionRecord {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            id: r.text(0)?,
            account_id: AccountId::from_stored(r.text(1)?),
            name: r.text(2)?,
            kind: r.text(3)?,
            allowed_values: r.text(4)?,
            created_at: r.time(5)?,
        })
    }
}

const SELECT: &str =
    "SELECT id, account_id, name, kind, allowed_values, created_at FROM custom_attributes";

/// An account's definitions, by name.
pub async fn list(conn: &mut Conn, account: &AccountId) -> Result<Vec<DefinitionRecord>> {
    conn.fetch_all(
        &format!("{SELECT} WHERE account_id = $1 ORDER BY lower(name), id"),
        params![account.as_str()],
    )
    .await
}

pub async fn find(
    conn: &mut Conn,
    account: &AccountId,
    id: &str,
) -> Result<Option<DefinitionRecord>> {
    conn.fetch_optional(
        &format!("{SELECT} WHERE id = $1 AND account_id = $2"),
        params![id, account.as_str()],
    )
    .await
}

/// Takes one of the account's five definition slots; `false` when all are taken.
pub async fn take_slot(conn: &mut Conn, account: &AccountId) -> Result<bool> {
    let max = i64::try_from(MAX_DEFINITIONS).unwrap_or(i64::MAX);
    Ok(conn
        .execute(
            "UPDATE accounts SET custom_attribute_count = custom_attribute_count + 1 \
             WHERE id = $1 AND custom_attribute_count < $2",
            params![account.as_str(), max],
        )
        .await?
        == 1)
}

/// Inserts a definition (after [`take_slot`]). A taken name fails with [`crate::Error::Unique`]
/// `"custom_attributes.account_id, custom_attributes.name"`.
pub async fn insert(conn: &mut Conn, d: &DefinitionRecord) -> Result<()> {
    conn.execute(
        "INSERT INTO custom_attributes (id, account_id, name, kind, allowed_values, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        params![
            d.id.as_str(),
            d.account_id.as_str(),
            d.name.as_str(),
            d.kind.as_str(),
            d.allowed_values.as_str(),
            d.created_at
        ],
    )
    .await
    .map(drop)
}

/// Whether another definition of the account has this name (case-insensitively).
pub async fn name_taken(
    conn: &mut Conn,
    account: &AccountId,
    name: &str,
    except_id: &str,
) -> Result<bool> {
    let found: Option<String> = conn
        .fetch_optional(
            "SELECT id FROM custom_attributes WHERE account_id = $1 AND lower(name) = lower($2) AND id <> $3",
            params![account.as_str(), name, except_id],
        )
        .await?;
    Ok(found.is_some())
}

/// Renames a definition and replaces its allowed values; the users' values carry the new name.
pub async fn update(
    conn: &mut Conn,
    account: &AccountId,
    id: &str,
    name: &str,
    allowed_values: &str,
) -> Result<u64> {
    let n = conn
        .execute(
            "UPDATE custom_attributes SET name = $1, allowed_values = $2 WHERE id = $3 AND account_id = $4",
            params![name, allowed_values, id, account.as_str()],
        )
        .await?;
    let rename = match conn.backend() {
        Backend::Sqlite => {
            "UPDATE users SET custom_attributes = (SELECT json_group_array(CASE \
             WHEN json_extract(e.value, '$.key') = $1 THEN json_set(e.value, '$.name', $2) \
             ELSE json(e.value) END) FROM json_each(users.custom_attributes) e) \
             WHERE account_id = $3 AND custom_attributes LIKE '%' || $1 || '%'"
        }
        Backend::Postgres => {
            "UPDATE users SET custom_attributes = (SELECT COALESCE(jsonb_agg(CASE \
             WHEN t.e ->> 'key' = $1 THEN jsonb_set(t.e, '{name}', to_jsonb(CAST($2 AS TEXT))) \
             ELSE t.e END ORDER BY t.ord), '[]'::jsonb)::text \
             FROM jsonb_array_elements(users.custom_attributes::jsonb) WITH ORDINALITY AS t(e, ord)) \
             WHERE account_id = $3 AND custom_attributes LIKE '%' || $1 || '%'"
        }
    };
    conn.execute(rename, params![id, name, account.as_str()])
        .await?;
    Ok(n)
}

/// Deletes a definition, frees its slot, and removes its values from every user of the
/// account (in the caller's transaction). Returns how many users lost a value.
pub async fn delete(conn: &mut Conn, account: &AccountId, id: &str) -> Result<Option<u64>> {
    let n = conn
        .execute(
            "DELETE FROM custom_attributes WHERE id = $1 AND account_id = $2",
            params![id, account.as_str()],
        )
        .await?;
    if n == 0 {
        return Ok(None);
    }
    conn.execute(
        "UPDATE accounts SET custom_attribute_count = custom_attribute_count - 1 WHERE id = $1",
        params![account.as_str()],
    )
    .await?;
    let strip = match conn.backend() {
        Backend::Sqlite => {
            "UPDATE users SET custom_attributes = (SELECT COALESCE(json_group_array(json(e.value)), '[]') \
             FROM json_each(users.custom_attributes) e WHERE json_extract(e.value, '$.key') <> $1) \
             WHERE account_id = $2 AND EXISTS (SELECT 1 FROM json_each(users.custom_attributes) f \
             WHERE json_extract(f.value, '$.key') = $1)"
        }
        Backend::Postgres => {
            "UPDATE users SET custom_attributes = (SELECT COALESCE(jsonb_agg(t.e ORDER BY t.ord), '[]'::jsonb)::text \
             FROM jsonb_array_elements(users.custom_attributes::jsonb) WITH ORDINALITY AS t(e, ord) \
             WHERE t.e ->> 'key' <> $1) \
             WHERE account_id = $2 AND EXISTS (SELECT 1 FROM jsonb_array_elements(users.custom_attributes::jsonb) f \
             WHERE f ->> 'key' = $1)"
        }
    };
    Ok(Some(
        conn.execute(strip, params![id, account.as_str()]).await?,
    ))
}
