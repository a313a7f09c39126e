//! Contacts: a user's own list of people, keyed by the user alone (it follows them between
//! accounts). A contact is *internal* while a user of the owner's account holds its email and
//! *external* otherwise; that is read, never stored, so it stays right when people join or
//! leave. Also the admin's view of an account's external contacts, and their removal.

use crate::{params, Conn, FromRow, Param, Result, Row};
use roster_domain::{AccountId, Email, UserId};
use time::OffsetDateTime;

/// A contact as its owner sees it. For an internal contact, the names are the user's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRecord {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub created_at: OffsetDateTime,
    /// The internal contact's user id; `None` for an external contact.
    pub user_id: Option<String>,
}

impl FromRow for ContactRecord {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            email: r.text(0)?,
            first_name: r.text(1)?,
            last_name: r.text(2)?,
            created_at: r.time(3)?,
            user_id: r.opt_text(4)?,
        })
    }
}

/// `$1` = the owner's account, `$2` = the owner.
const SELECT: &str = "SELECT c.email, COALESCE(x.first_name, c.first_name), \
     COALESCE(x.last_name, c.last_name), c.created_at, x.id FROM contacts c \
     LEFT JOIN users x ON x.account_id = $1 AND x.email = c.email WHERE c.user_id = $2";

/// One of `owner`'s contacts.
pub async fn find(
    conn: &mut Conn,
    account: &AccountId,
    owner: &UserId,
    email: &Email,
) -> Result<Option<ContactRecord>> {
    conn.fetch_optional(
        &format!("{SELECT} AND c.email = $3"),
        params![account.as_str(), owner.as_str(), email.as_str()],
    )
    .await
}

/// A page of `owner`'s internal or external contacts, by email after `after`.
pub async fn list(
    conn: &mut Conn,
    account: &AccountId,
    owner: &UserId,
    external: bool,
    after: &str,
    limit: u32,
) -> Result<Vec<ContactRecord>> {
    conn.fetch_all(
        &format!(
            "{SELECT} AND (CASE WHEN x.id IS NULL THEN 1 ELSE 0 END) = $3 AND c.email > $4 \
             ORDER BY c.email LIMIT $5"
        ),
        params![
            account.as_str(),
            owner.as_str(),
            i64::from(external),
            after,
            i64::from(limit)
        ],
    )
    .await
}

pub async fn insert(
    conn: &mut Conn,
    owner: &UserId,
    email: &Email,
    first_name: &str,
    last_name: &str,
    at: OffsetDateTime,
) -> Result<()> {
    conn.execute(
        "INSERT INTO contacts (user_id, email, first_name, last_name, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
        params![owner.as_str(), email.as_str(), first_name, last_name, at],
    )
    .await
    .map(drop)
}

/// Removes one of `owner`'s contacts; `false` when it was not there.
pub async fn delete(conn: &mut Conn, owner: &UserId, email: &Email) -> Result<bool> {
    Ok(conn
        .execute(
            "DELETE FROM contacts WHERE user_id = $1 AND email = $2",
            params![owner.as_str(), email.as_str()],
        )
        .await?
        == 1)
}

/// One user's external contact, as the admin view lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalContact {
    pub user_id: String,
    pub user_email: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub created_at: OffsetDateTime,
    /// Channels of the account that have both the user and the contact as members.
    pub shared_channels: i64,
}

impl FromRow for ExternalContact {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            user_id: r.text(0)?,
            user_email: r.text(1)?,
            email: r.text(2)?,
            first_name: r.text(3)?,
            last_name: r.text(4)?,
            created_at: r.time(5)?,
            shared_channels: r.int(6)?,
        })
    }
}

/// Which external contacts of an account to list, ordered by user email, then contact email.
#[derive(Debug, Clone)]
pub struct ExternalFilter<'a> {
    pub account: &'a AccountId,
    /// Only this user's.
    pub user: Option<&'a UserId>,
    /// Keyset: after this (user email, contact email).
    pub after: Option<(&'a str, &'a str)>,
    pub limit: u32,
}

/// The external-contact condition over `contacts c JOIN users u`, `$1` being the account.
const EXTERNAL: &str = "FROM contacts c JOIN users u ON u.id = c.user_id WHERE u.account_id = $1 \
     AND NOT EXISTS (SELECT 1 FROM users x WHERE x.account_id = $1 AND x.email = c.email)";

/// A page of an account's external contacts, each with its count of shared channels.
pub async fn list_external(
    conn: &mut Conn,
    f: &ExternalFilter<'_>,
) -> Result<Vec<ExternalContact>> {
    let mut sql = format!(
        "SELECT u.id, u.email, c.email, c.first_name, c.last_name, c.created_at, \
         (SELECT COUNT(*) FROM chat_channel_members me JOIN chat_channel_members them \
            ON them.channel_id = me.channel_id WHERE me.user_id = u.id AND them.email = c.email) \
         {EXTERNAL}"
    );
    let mut params: Vec<Param<'_>> = vec![f.account.as_str().into()];
    if let Some(u) = f.user {
        params.push(u.as_str().into());
        sql.push_str(&format!(" AND u.id = ${}", params.len()));
    }
    if let Some((user_email, email)) = f.after {
        params.push(user_email.into());
        let k = params.len();
        params.push(email.into());
        sql.push_str(&format!(
            " AND (u.email > ${k} OR (u.email = ${k} AND c.email > ${}))",
            k + 1
        ));
    }
    params.push(i64::from(f.limit).into());
    sql.push_str(&format!(
        " ORDER BY u.email, c.email LIMIT ${}",
        params.len()
    ));
    conn.fetch_all(&sql, &params).await
}

/// How many external contacts [`list_external`] would list without paging.
pub async fn count_external(
    conn: &mut Conn,
    account: &AccountId,
    user: Option<&UserId>,
) -> Result<i64> {
    match user {
        None => {
            conn.fetch_one(
                &format!("SELECT COUNT(*) {EXTERNAL}"),
                params![account.as_str()],
            )
            .await
        }
        Some(u) => {
            conn.fetch_one(
                &format!("SELECT COUNT(*) {EXTERNAL} AND u.id = $2"),
                params![account.as_str(), u.as_str()],
            )
            .await
        }
    }
}

/// The users of `account` who have `email` among their contacts.
pub async fn holders(conn: &mut Conn, account: &AccountId, email: &Email) -> Result<Vec<String>> {
    conn.fetch_all(
        "SELECT c.user_id FROM contacts c JOIN users u ON u.id = c.user_id \
         WHERE u.account_id = $1 AND c.email = $2 ORDER BY c.user_id",
        params![account.as_str(), email.as_str()],
    )
    .await
}

/// Removes `email` from the contact lists of every user of `account`.
pub async fn delete_from_account(
    conn: &mut Conn,
    account: &AccountId,
    email: &Email,
) -> Result<u64> {
    conn.execute(
        "DELETE FROM contacts WHERE email = $1 AND user_id IN \
         (SELECT id FROM users WHERE account_id = $2)",
        params![email.as_str(), account.as_str()],
    )
    .await
}
