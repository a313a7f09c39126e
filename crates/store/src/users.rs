//! Users. Every lookup is scoped to an account in SQL, so a caller can never read another
//! account's user by accident: a user of another account simply is not found.

use crate::{params, Conn, Error, FromRow, Result, Row};
use roster_domain::{AccountId, Email, PasswordHash, Role, UserId, UserStatus, UserType};
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
    pub timezone: String,
    pub language: String,
    pub dept: String,
    pub job_title: String,
    pub location: String,
    pub company: String,
    pub manager: String,
    pub phone_number: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub last_login_at: Option<OffsetDateTime>,
}

macro_rules! select_user {
    ($where:literal) => {
        concat!(
            "SELECT id, account_id, email, type, role_id, status, first_name, last_name, display_name, \
             password_hash, pmi, timezone, language, dept, job_title, location, company, manager, \
             phone_number, created_at, updated_at, last_login_at FROM users ",
            $where
        )
    };
}

impl FromRow for UserRecord {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            id: r.parse(0, UserId::parse)?,
            account_id: r.parse(1, AccountId::parse)?,
            email: r.parse(2, |s| Email::parse(s).ok())?,
            user_type: UserType::from_code(r.int(3)?)
                .ok_or_else(|| Error::decode(3, "unknown user type"))?,
            role: Role::from_id(&r.text(4)?),
            status: r.parse(5, UserStatus::parse)?,
            first_name: r.text(6)?,
            last_name: r.text(7)?,
            display_name: r.text(8)?,
            password_hash: r.opt_text(9)?.map(PasswordHash::from_stored),
            pmi: r.int(10)?,
            timezone: r.text(11)?,
            language: r.text(12)?,
            dept: r.text(13)?,
            job_title: r.text(14)?,
            location: r.text(15)?,
            company: r.text(16)?,
            manager: r.text(17)?,
            phone_number: r.text(18)?,
            created_at: r.time(19)?,
            updated_at: r.time(20)?,
            last_login_at: r.opt_time(21)?,
        })
    }
}

/// Inserts a user. A taken email fails with [`Error::Unique`] `"users.email"`, a taken PMI with
/// `"users.pmi"`.
pub async fn insert(conn: &mut Conn, u: &UserRecord) -> Result<()> {
    conn.execute(
        "INSERT INTO users (id, account_id, email, type, role_id, status, first_name, last_name, \
         display_name, password_hash, pmi, timezone, language, dept, job_title, location, company, \
         manager, phone_number, created_at, updated_at, last_login_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)",
        params![
            u.id.as_str(),
            u.account_id.as_str(),
            u.email.as_str(),
            u.user_type.code(),
            u.role.id(),
            u.status.as_str(),
            u.first_name.as_str(),
            u.last_name.as_str(),
            u.display_name.as_str(),
            u.password_hash.as_ref().map(PasswordHash::as_str),
            u.pmi,
            u.timezone.as_str(),
            u.language.as_str(),
            u.dept.as_str(),
            u.job_title.as_str(),
            u.location.as_str(),
            u.company.as_str(),
            u.manager.as_str(),
            u.phone_number.as_str(),
            u.created_at,
            u.updated_at,
            u.last_login_at,
        ],
    )
    .await
    .map(drop)
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
