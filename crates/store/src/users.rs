//! Users. Every lookup is scoped to an account in SQL, so a caller can never read another
//! account's user by accident: a user of another account simply is not found. Every change goes
//! through [`insert`], [`update`] or [`delete`], which keep `user_counts` exact in the same
//! transaction.

use crate::{params, Backend, Conn, Error, FromRow, Param, Result, Row};
use roster_domain::{
    AccountId, AddOns, CreateAction, Email, PasswordHash, Role, UserId, UserStatus, UserType,
};
use time::OffsetDateTime;

/// A user as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: UserId,
    pub account_id: AccountId,
    pub email: Email,
    pub user_type: UserType,
    pub role: Role,
    pub status: UserStatus,
    pub first_name: String,
    pub last_name: String,
    pub display_name: String,
    pub password_hash: Option<PasswordHash>,
    pub pmi: i64,
    pub use_pmi: bool,
    pub timezone: String,
    pub language: String,
    pub dept: String,
    pub job_title: String,
    pub location: String,
    pub company: String,
    pub manager: String,
    pub phone_number: String,
    pub creation_type: CreateAction,
    pub add_ons: AddOns,
    /// JSON array of `{"key","name","value"}`.
    pub custom_attributes: String,
    pub group_id: Option<String>,
    /// The chat groups the user is in, kept by [`crate::groups`] (never written by [`update`]).
    pub chat_group_ids: Vec<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub last_login_at: Option<OffsetDateTime>,
    /// On a pending invitation for someone who already has a standalone account: their user.
    pub joins_user_id: Option<UserId>,
    /// When the user joined this account from a standalone one.
    pub joined_at: Option<OffsetDateTime>,
}

impl UserRecord {
    /// A new user with Zoom's defaults: an active Basic Member, added by `custCreate`, with
    /// an empty profile in en-US. Callers override what differs with struct update syntax.
    pub fn new(
        id: UserId,
        account_id: AccountId,
        email: Email,
        pmi: i64,
        at: OffsetDateTime,
    ) -> Self {
        Self {
            id,
            account_id,
            email,
            user_type: UserType::Basic,
            role: Role::Member,
            status: UserStatus::Active,
            first_name: String::new(),
            last_name: String::new(),
            display_name: String::new(),
            password_hash: None,
            pmi,
            use_pmi: false,
            timezone: String::new(),
            language: "en-US".to_owned(),
            dept: String::new(),
            job_title: String::new(),
            location: String::new(),
            company: String::new(),
            manager: String::new(),
            phone_number: String::new(),
            creation_type: CreateAction::CustCreate,
            add_ons: AddOns::default(),
            custom_attributes: "[]".to_owned(),
            group_id: None,
            chat_group_ids: Vec::new(),
            created_at: at,
            updated_at: at,
            last_login_at: None,
            joins_user_id: None,
            joined_at: None,
        }
    }
}

macro_rules! columns {
    () => {
        "id, account_id, email, type, role_id, status, first_name, last_name, display_name, \
         password_hash, pmi, use_pmi, timezone, language, dept, job_title, location, company, manager, \
         phone_number, creation_type, large_meeting_capacity, webinar_capacity, custom_attributes, \
         group_id, created_at, updated_at, last_login_at, chat_group_ids, joins_user_id, joined_at"
    };
}

macro_rules! select_user {
    ($where:literal) => {
        concat!("SELECT ", columns!(), " FROM users ", $where)
    };
}

// After the macros above, which it uses.
mod by_attribute;
mod list;
pub mod scim;
pub mod scim_filter;

pub use list::{
    count, list, list_sorted, AttributeFilter, Cursor, CursorValue, ListFilter, Listed, Sort,
    SortKey, LEAD_AT_MOST,
};

fn capacity(r: &Row<'_>, i: usize) -> Result<Option<u32>> {
    r.opt_int(i)?
        .map(|c| u32::try_from(c).map_err(|e| Error::decode(i, e)))
        .transpose()
}

impl FromRow for UserRecord {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            id: UserId::from_stored(r.text(0)?),
            account_id: AccountId::from_stored(r.text(1)?),
            email: Email::from_stored(r.text(2)?),
            user_type: UserType::from_code(r.int(3)?)
                .ok_or_else(|| Error::decode(3, "unknown user type"))?,
            role: Role::from_id(&r.text(4)?),
            status: r.parse(5, UserStatus::parse)?,
            first_name: r.text(6)?,
            last_name: r.text(7)?,
            display_name: r.text(8)?,
            password_hash: r.opt_text(9)?.map(PasswordHash::from_stored),
            pmi: r.int(10)?,
            use_pmi: r.bool(11)?,
            timezone: r.text(12)?,
            language: r.text(13)?,
            dept: r.text(14)?,
            job_title: r.text(15)?,
            location: r.text(16)?,
            company: r.text(17)?,
            manager: r.text(18)?,
            phone_number: r.text(19)?,
            creation_type: r.parse(20, CreateAction::parse)?,
            add_ons: AddOns {
                large_meeting: capacity(r, 21)?,
                webinar: capacity(r, 22)?,
            },
            custom_attributes: r.text(23)?,
            group_id: r.opt_text(24)?,
            created_at: r.time(25)?,
            updated_at: r.time(26)?,
            last_login_at: r.opt_time(27)?,
            chat_group_ids: r
                .text(28)?
                .split(' ')
                .filter(|g| !g.is_empty())
                .map(str::to_owned)
                .collect(),
            joins_user_id: r.opt_text(29)?.map(UserId::from_stored),
            joined_at: r.opt_time(30)?,
        })
    }
}

pub(crate) async fn adjust_count(
    conn: &mut Conn,
    account: &AccountId,
    status: UserStatus,
    user_type: UserType,
    delta: i64,
) -> Result<()> {
    // The proposed row of an upsert must pass the CHECK (n >= 0) before any conflict is
    // resolved, so only increments can upsert; decrements update the row that must exist.
    if delta > 0 {
        conn.execute(
            "INSERT INTO user_counts (account_id, status, type, n) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (account_id, status, type) DO UPDATE SET n = user_counts.n + excluded.n",
            params![account.as_str(), status.as_str(), user_type.code(), delta],
        )
        .await
        .map(drop)
    } else {
        let n = conn
            .execute(
                "UPDATE user_counts SET n = n + $1 WHERE account_id = $2 AND status = $3 AND type = $4",
                params![delta, account.as_str(), status.as_str(), user_type.code()],
            )
            .await?;
        if n == 1 {
            Ok(())
        } else {
            Err(Error::Query(format!(
                "no user count for account {account}, {status}, type {}",
                user_type.code()
            )))
        }
    }
}

/// Inserts a user. A taken email fails with [`Error::Unique`] `"users.email"`, a taken PMI with
/// `"users.pmi"`.
pub async fn insert(conn: &mut Conn, u: &UserRecord) -> Result<()> {
    conn.execute(
        concat!(
            "INSERT INTO users (",
            columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
             $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31)"
        ),
        &row_params(u, &u.chat_group_ids.join(" ")),
    )
    .await?;
    insert_attribute_values(conn, std::slice::from_ref(u)).await?;
    adjust_count(conn, &u.account_id, u.status, u.user_type, 1).await
}

/// Writes the `user_attribute_values` rows of newly inserted users: the copy of their custom
/// attribute values that sorting and filtering by an attribute read (migration 0026). Triggers
/// keep it right when users change or go; new users get theirs here, a batch at a time, because
/// a per-row trigger parsing each user's JSON in SQL took a fifth of an import (migration 0027).
/// `num` is a number attribute's value as a number (stored numbers are canonical: the service
/// checks them), else 0, as the triggers compute it.
async fn insert_attribute_values(conn: &mut Conn, users: &[UserRecord]) -> Result<()> {
    let with_values: Vec<&UserRecord> = users
        .iter()
        .filter(|u| !matches!(u.custom_attributes.trim(), "" | "[]"))
        .collect();
    let mut accounts: Vec<&AccountId> = with_values.iter().map(|u| &u.account_id).collect();
    accounts.sort_unstable_by(|a, b| a.as_str().cmp(b.as_str()));
    accounts.dedup();
    // The accounts' definitions: at most five each, so a value finds its own by a scan.
    let mut definitions = Vec::new();
    for account in accounts {
        definitions.extend(crate::attributes::list(conn, account).await?);
    }
    let mut rows: Vec<(&UserRecord, String, String, String)> = Vec::new();
    for u in with_values {
        let Ok(serde_json::Value::Array(values)) =
            serde_json::from_str::<serde_json::Value>(&u.custom_attributes)
        else {
            continue;
        };
        for v in values {
            let text = |field: &str| {
                v.get(field)
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or_default()
            };
            let (key, value) = (text("key"), text("value"));
            let Some(definition) = definitions
                .iter()
                .find(|d| d.account_id == u.account_id && d.id == key)
            else {
                continue;
            };
            if value.is_empty() {
                continue;
            }
            // `num`, the value as a number, is converted by the database, as its triggers and
            // the list's filters and cursors convert it (see `number_of`): SQLite's conversion
            // and Rust's can differ in the last bit, and an equality on `num` must hold.
            let num = if definition.kind == "number" && is_plain_number(value) {
                value.to_owned()
            } else {
                "0".to_owned()
            };
            rows.push((u, key.to_owned(), num, value.to_owned()));
        }
    }
    const VALUE_COLUMNS: usize = 7;
    for chunk in rows.chunks(BATCH_ROWS) {
        // Both databases name the columns of a VALUES list column1, column2, …
        let mut sql = format!(
            "INSERT INTO user_attribute_values \
             (user_id, account, attr_key, user_status, user_email, num, value) \
             SELECT column1, column2, column3, column4, column5, {}, column7 FROM (VALUES ",
            number_of(conn.backend(), "column6")
        );
        sql.push_str(&crate::value_rows(
            conn.backend(),
            chunk.len(),
            VALUE_COLUMNS,
        ));
        sql.push_str(") AS v");
        let mut params: Vec<Param<'_>> = Vec::with_capacity(chunk.len() * VALUE_COLUMNS);
        for (u, key, num, value) in chunk {
            params.extend([
                Param::from(u.id.as_str()),
                Param::from(u.account_id.as_str()),
                Param::from(key.as_str()),
                Param::from(u.status.as_str()),
                Param::from(u.email.as_str()),
                Param::from(num.as_str()),
                Param::from(value.as_str()),
            ]);
        }
        conn.execute(&sql, &params).await?;
    }
    Ok(())
}

/// SQL for the number that the text `expr` holds, as `user_attribute_values.num` stores it:
/// every writer of `num` (these inserts, the triggers of migrations 26 and 27) and every
/// comparison with it (the list's attribute filter and cursors) converts the same way, in the
/// database, so equal texts give equal numbers to the last bit.
pub(crate) fn number_of(backend: Backend, expr: &str) -> String {
    match backend {
        Backend::Sqlite => format!("CAST({expr} AS REAL)"),
        Backend::Postgres => format!("CAST({expr} AS DOUBLE PRECISION)"),
    }
}

/// SQL for the `num` stored with the value `expr` of an attribute: [`number_of`] for a number
/// attribute, else 0.
pub(crate) fn num_of_value(backend: Backend, numeric: bool, expr: &str) -> String {
    if numeric {
        number_of(backend, expr)
    } else {
        "0".to_owned()
    }
}

/// `-?[0-9]+(\.[0-9]+)?`: the form the service stores numbers in.
fn is_plain_number(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    all_digits(whole) && fraction.is_none_or(all_digits)
}

/// Rows per multi-row INSERT in [`insert_many`]: 31 parameters a row stays far below both
/// backends' parameter limits.
const BATCH_ROWS: usize = 500;

/// Columns a user row has.
const COLUMNS: usize = 31;

fn row_params<'a>(u: &'a UserRecord, chat_groups: &'a str) -> [Param<'a>; COLUMNS] {
    [
        u.id.as_str().into(),
        u.account_id.as_str().into(),
        u.email.as_str().into(),
        u.user_type.code().into(),
        u.role.id().into(),
        u.status.as_str().into(),
        u.first_name.as_str().into(),
        u.last_name.as_str().into(),
        u.display_name.as_str().into(),
        u.password_hash.as_ref().map(PasswordHash::as_str).into(),
        u.pmi.into(),
        u.use_pmi.into(),
        u.timezone.as_str().into(),
        u.language.as_str().into(),
        u.dept.as_str().into(),
        u.job_title.as_str().into(),
        u.location.as_str().into(),
        u.company.as_str().into(),
        u.manager.as_str().into(),
        u.phone_number.as_str().into(),
        u.creation_type.as_str().into(),
        u.add_ons.large_meeting.map(i64::from).into(),
        u.add_ons.webinar.map(i64::from).into(),
        u.custom_attributes.as_str().into(),
        u.group_id.as_deref().into(),
        u.created_at.into(),
        u.updated_at.into(),
        u.last_login_at.into(),
        chat_groups.into(),
        u.joins_user_id.as_ref().map(UserId::as_str).into(),
        u.joined_at.into(),
    ]
}

/// Inserts many users with multi-row statements, adjusting the counts once per batch (the bulk
/// path: imports and seeding). Like [`insert`], a taken email or PMI fails the whole call.
pub async fn insert_many(conn: &mut Conn, users: &[UserRecord]) -> Result<()> {
    for chunk in users.chunks(BATCH_ROWS) {
        let mut sql = String::from(concat!("INSERT INTO users (", columns!(), ") VALUES "));
        let chat: Vec<String> = chunk.iter().map(|u| u.chat_group_ids.join(" ")).collect();
        sql.push_str(&crate::value_rows(conn.backend(), chunk.len(), COLUMNS));
        let mut params: Vec<Param<'_>> = Vec::with_capacity(chunk.len() * COLUMNS);
        for (u, chat) in chunk.iter().zip(&chat) {
            params.extend(row_params(u, chat));
        }
        conn.execute(&sql, &params).await?;
        let mut counts: Vec<(&AccountId, UserStatus, UserType, i64)> = Vec::new();
        for u in chunk {
            match counts
                .iter_mut()
                .find(|(a, s, t, _)| *a == &u.account_id && *s == u.status && *t == u.user_type)
            {
                Some(c) => c.3 += 1,
                None => counts.push((&u.account_id, u.status, u.user_type, 1)),
            }
        }
        for (account, status, user_type, n) in counts {
            adjust_count(conn, account, status, user_type, n).await?;
        }
    }
    insert_attribute_values(conn, users).await
}

/// Writes every mutable field of `new` over the stored user `old` (the same id; `account_id`
/// may differ, to move the user), keeping the counts exact. Returns `false` when the user is
/// gone.
pub async fn update(conn: &mut Conn, old: &UserRecord, new: &UserRecord) -> Result<bool> {
    let n = conn
        .execute(
            "UPDATE users SET email = $1, type = $2, role_id = $3, status = $4, first_name = $5, \
             last_name = $6, display_name = $7, password_hash = $8, pmi = $9, use_pmi = $10, \
             timezone = $11, language = $12, dept = $13, job_title = $14, location = $15, \
             company = $16, manager = $17, phone_number = $18, large_meeting_capacity = $19, \
             webinar_capacity = $20, custom_attributes = $21, group_id = $22, updated_at = $23, \
             last_login_at = $24, account_id = $25, joined_at = $26 WHERE id = $27 AND account_id = $28",
            &[
                new.email.as_str().into(),
                new.user_type.code().into(),
                new.role.id().into(),
                new.status.as_str().into(),
                new.first_name.as_str().into(),
                new.last_name.as_str().into(),
                new.display_name.as_str().into(),
                new.password_hash.as_ref().map(PasswordHash::as_str).into(),
                new.pmi.into(),
                new.use_pmi.into(),
                new.timezone.as_str().into(),
                new.language.as_str().into(),
                new.dept.as_str().into(),
                new.job_title.as_str().into(),
                new.location.as_str().into(),
                new.company.as_str().into(),
                new.manager.as_str().into(),
                new.phone_number.as_str().into(),
                new.add_ons.large_meeting.map(i64::from).into(),
                new.add_ons.webinar.map(i64::from).into(),
                new.custom_attributes.as_str().into(),
                new.group_id.as_deref().into(),
                new.updated_at.into(),
                new.last_login_at.into(),
                new.account_id.as_str().into(),
                new.joined_at.into(),
                old.id.as_str().into(),
                old.account_id.as_str().into(),
            ],
        )
        .await?;
    if n == 0 {
        return Ok(false);
    }
    if (&old.account_id, old.status, old.user_type) != (&new.account_id, new.status, new.user_type)
    {
        adjust_count(conn, &old.account_id, old.status, old.user_type, -1).await?;
        adjust_count(conn, &new.account_id, new.status, new.user_type, 1).await?;
    }
    Ok(true)
}

/// Deletes a user (with their invitation, chat group memberships and everything that is their
/// own: meetings, recordings, contacts, chat history), keeping the counts exact.
pub async fn delete(conn: &mut Conn, u: &UserRecord) -> Result<bool> {
    conn.execute(
        "DELETE FROM invitations WHERE user_id = $1",
        params![u.id.as_str()],
    )
    .await?;
    crate::groups::leave_chat_groups(conn, &u.id).await?;
    crate::personal::delete_all(conn, &u.id).await?;
    // Server-to-server apps act as the user who created them: they go with that user, with
    // every token they issued, and so do tokens issued to the user by other apps. User and
    // account apps the user registered stay (others have installed them): the account's owner
    // becomes their registrant.
    for sql in [
        "DELETE FROM oauth_tokens WHERE user_id = $1 OR app_id IN \
         (SELECT id FROM oauth_apps WHERE created_by = $1 AND kind = 's2s')",
        "DELETE FROM oauth_apps WHERE created_by = $1 AND kind = 's2s'",
        "UPDATE oauth_apps SET created_by = (SELECT owner_id FROM accounts \
         WHERE accounts.id = oauth_apps.account_id) WHERE created_by = $1",
    ] {
        conn.execute(sql, params![u.id.as_str()]).await?;
    }
    let n = conn
        .execute(
            "DELETE FROM users WHERE id = $1 AND account_id = $2",
            params![u.id.as_str(), u.account_id.as_str()],
        )
        .await?;
    if n == 0 {
        return Ok(false);
    }
    adjust_count(conn, &u.account_id, u.status, u.user_type, -1).await?;
    Ok(true)
}

pub async fn find_by_id(
    conn: &mut Conn,
    account: &AccountId,
    id: &UserId,
) -> Result<Option<UserRecord>> {
    conn.fetch_optional(
        select_user!("WHERE id = $1 AND account_id = $2"),
        params![id.as_str(), account.as_str()],
    )
    .await
}

/// A user by id alone, whatever their account (a portal reset link names only the user).
pub async fn find_by_id_anywhere(conn: &mut Conn, id: &UserId) -> Result<Option<UserRecord>> {
    conn.fetch_optional(select_user!("WHERE id = $1"), params![id.as_str()])
        .await
}

pub async fn find_by_email(
    conn: &mut Conn,
    account: &AccountId,
    email: &Email,
) -> Result<Option<UserRecord>> {
    conn.fetch_optional(
        select_user!("WHERE email = $1 AND account_id = $2"),
        params![email.as_str(), account.as_str()],
    )
    .await
}

/// The user who holds `email` in whatever account (emails are unique across the installation,
/// pending invitations to join aside).
pub async fn find_registered(conn: &mut Conn, email: &Email) -> Result<Option<UserRecord>> {
    conn.fetch_optional(
        select_user!("WHERE email = $1 AND joins_user_id IS NULL"),
        params![email.as_str()],
    )
    .await
}

/// Every user holding one of `emails`, in any account (placeholders of invitations to join
/// included): the import's lookup, one statement per batch.
pub async fn find_by_emails(conn: &mut Conn, emails: &[&str]) -> Result<Vec<UserRecord>> {
    if emails.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        concat!("SELECT ", columns!(), " FROM users WHERE email IN ({})"),
        crate::placeholders(conn.backend(), 1, emails.len())
    );
    let params: Vec<Param<'_>> = emails.iter().map(|e| (*e).into()).collect();
    conn.fetch_all(&sql, &params).await
}

/// Asks PostgreSQL to plan the statements that follow in the current transaction for their
/// actual parameters and table size (`on`), or to go back to its usual choice (nothing on
/// SQLite). A bulk write grows `users` under the generic plan cached while it was small, and
/// that plan's sequential scan of an `IN` list of parameters costs seconds a batch once the
/// table is large: so an import's transactions run with it on. Its multi-row inserts, whose
/// plan does not depend on the table's size, run with it off: planning a 500-row insert again
/// on every execution took a sixth of a 100k import.
pub async fn plan_for_growth(conn: &mut Conn, on: bool) -> Result<()> {
    if conn.backend() == crate::Backend::Postgres {
        conn.execute(
            if on {
                "SET LOCAL plan_cache_mode = force_custom_plan"
            } else {
                "SET LOCAL plan_cache_mode = DEFAULT"
            },
            &[],
        )
        .await?;
    }
    Ok(())
}

/// Which of `pmis` are taken.
pub async fn taken_pmis(conn: &mut Conn, pmis: &[i64]) -> Result<Vec<i64>> {
    if pmis.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT pmi FROM users WHERE pmi IN ({})",
        crate::placeholders(conn.backend(), 1, pmis.len())
    );
    let params: Vec<Param<'_>> = pmis.iter().map(|p| (*p).into()).collect();
    conn.fetch_all(&sql, &params).await
}

/// Whether any account already uses `email` (emails are unique across the installation).
pub async fn email_exists(conn: &mut Conn, email: &Email) -> Result<bool> {
    let n: Option<i64> = conn
        .fetch_optional(
            "SELECT 1 FROM users WHERE email = $1",
            params![email.as_str()],
        )
        .await?;
    Ok(n.is_some())
}

/// Whether a PMI is taken.
pub async fn pmi_exists(conn: &mut Conn, pmi: i64) -> Result<bool> {
    let n: Option<i64> = conn
        .fetch_optional("SELECT 1 FROM users WHERE pmi = $1", params![pmi])
        .await?;
    Ok(n.is_some())
}

/// Counts by status and type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeCount {
    pub status: UserStatus,
    pub user_type: UserType,
    pub n: i64,
}

impl FromRow for TypeCount {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            status: r.parse(0, UserStatus::parse)?,
            user_type: UserType::from_code(r.int(1)?)
                .ok_or_else(|| Error::decode(1, "unknown user type"))?,
            n: r.int(2)?,
        })
    }
}

/// The maintained counts of an account, non-zero ones only.
pub async fn counts(conn: &mut Conn, account: &AccountId) -> Result<Vec<TypeCount>> {
    conn.fetch_all(
        "SELECT status, type, n FROM user_counts WHERE account_id = $1 AND n > 0 ORDER BY status, type",
        params![account.as_str()],
    )
    .await
}

/// A page of the account's users of one type, ordered by email after `after` (keyset; for
/// account-wide actions that work through them in batches).
pub async fn list_of_type(
    conn: &mut Conn,
    account: &AccountId,
    user_type: UserType,
    after: &str,
    limit: u32,
) -> Result<Vec<UserRecord>> {
    conn.fetch_all(
        select_user!("WHERE account_id = $1 AND type = $2 AND email > $3 ORDER BY email LIMIT $4"),
        params![account.as_str(), user_type.code(), after, i64::from(limit)],
    )
    .await
}

/// Moves the users of an account whose language is `old` (they never chose their own) to
/// `new`; returns how many moved.
pub async fn follow_language(
    conn: &mut Conn,
    account: &AccountId,
    old: &str,
    new: &str,
) -> Result<u64> {
    conn.execute(
        "UPDATE users SET language = $1 WHERE account_id = $2 AND language = $3",
        params![new, account.as_str(), old],
    )
    .await
}

/// The account of the user with this email, in any account (emails are unique across the
/// installation): for the operator's CLI, which names users by email alone.
pub async fn account_of_email(conn: &mut Conn, email: &Email) -> Result<Option<AccountId>> {
    let found: Option<String> = conn
        .fetch_optional(
            "SELECT account_id FROM users WHERE email = $1",
            params![email.as_str()],
        )
        .await?;
    Ok(found.map(AccountId::from_stored))
}

/// Replaces a user's password hash.
pub async fn set_password(
    conn: &mut Conn,
    account: &AccountId,
    id: &UserId,
    hash: &PasswordHash,
    at: OffsetDateTime,
) -> Result<u64> {
    conn.execute(
        "UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3 AND account_id = $4",
        params![hash.as_str(), at, id.as_str(), account.as_str()],
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::is_plain_number;

    #[test]
    fn plain_numbers_are_the_stored_form() {
        for yes in ["0", "42", "-2", "9.5", "-0.25", "0012"] {
            assert!(is_plain_number(yes), "{yes}");
        }
        for no in [
            "", "-", ".5", "5.", "1e3", "+1", "1.2.3", " 1", "NaN", "--1",
        ] {
            assert!(!is_plain_number(no), "{no}");
        }
    }
}
