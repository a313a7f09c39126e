//! Versioned migrations, one tree per backend (`migrations/{sqlite,postgres}/NNNN_name.sql`),
//! embedded in the binary. [`run`] applies what is pending in one transaction, under an advisory
//! lock on PostgreSQL so that several servers starting together migrate once. An applied
//! migration whose text has changed since is refused: edit by adding a migration, never in place.

use crate::{params, Backend, Db, Error, FromRow, Result, Row};
use sha2::{Digest, Sha256};

/// One schema version, in both dialects.
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

impl Migration {
    fn sql(&self, backend: Backend) -> &'static str {
        match backend {
            Backend::Sqlite => self.sqlite,
            Backend::Postgres => self.postgres,
        }
    }

    fn checksum(&self, backend: Backend) -> String {
        hex::encode(Sha256::digest(self.sql(backend).as_bytes()))
    }
}

/// Every migration, oldest first. A test checks this list against the files on disk.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        sqlite: include_str!("../migrations/sqlite/0001_init.sql"),
        postgres: include_str!("../migrations/postgres/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "users",
        sqlite: include_str!("../migrations/sqlite/0002_users.sql"),
        postgres: include_str!("../migrations/postgres/0002_users.sql"),
    },
    Migration {
        version: 3,
        name: "groups_roles",
        sqlite: include_str!("../migrations/sqlite/0003_groups_roles.sql"),
        postgres: include_str!("../migrations/postgres/0003_groups_roles.sql"),
    },
    Migration {
        version: 4,
        name: "chat_group_ids",
        sqlite: include_str!("../migrations/sqlite/0004_chat_group_ids.sql"),
        postgres: include_str!("../migrations/postgres/0004_chat_group_ids.sql"),
    },
    Migration {
        version: 5,
        name: "mail",
        sqlite: include_str!("../migrations/sqlite/0005_mail.sql"),
        postgres: include_str!("../migrations/postgres/0005_mail.sql"),
    },
    Migration {
        version: 6,
        name: "invitation_tokens",
        sqlite: include_str!("../migrations/sqlite/0006_invitation_tokens.sql"),
        postgres: include_str!("../migrations/postgres/0006_invitation_tokens.sql"),
    },
    Migration {
        version: 7,
        name: "expired_invitations",
        sqlite: include_str!("../migrations/sqlite/0007_expired_invitations.sql"),
        postgres: include_str!("../migrations/postgres/0007_expired_invitations.sql"),
    },
    Migration {
        version: 8,
        name: "account_language",
        sqlite: include_str!("../migrations/sqlite/0008_account_language.sql"),
        postgres: include_str!("../migrations/postgres/0008_account_language.sql"),
    },
    Migration {
        version: 9,
        name: "settings",
        sqlite: include_str!("../migrations/sqlite/0009_settings.sql"),
        postgres: include_str!("../migrations/postgres/0009_settings.sql"),
    },
    Migration {
        version: 10,
        name: "joining",
        sqlite: include_str!("../migrations/sqlite/0010_joining.sql"),
        postgres: include_str!("../migrations/postgres/0010_joining.sql"),
    },
    Migration {
        version: 12,
        name: "admin_defaults_attributes",
        sqlite: include_str!("../migrations/sqlite/0012_admin_defaults_attributes.sql"),
        postgres: include_str!("../migrations/postgres/0012_admin_defaults_attributes.sql"),
    },
    Migration {
        version: 13,
        name: "managed_domain_proof",
        sqlite: include_str!("../migrations/sqlite/0013_managed_domain_proof.sql"),
        postgres: include_str!("../migrations/postgres/0013_managed_domain_proof.sql"),
    },
    Migration {
        version: 14,
        name: "external_contacts",
        sqlite: include_str!("../migrations/sqlite/0014_external_contacts.sql"),
        postgres: include_str!("../migrations/postgres/0014_external_contacts.sql"),
    },
    Migration {
        version: 15,
        name: "meetings",
        sqlite: include_str!("../migrations/sqlite/0015_meetings.sql"),
        postgres: include_str!("../migrations/postgres/0015_meetings.sql"),
    },
    Migration {
        version: 16,
        name: "live_meetings",
        sqlite: include_str!("../migrations/sqlite/0016_live_meetings.sql"),
        postgres: include_str!("../migrations/postgres/0016_live_meetings.sql"),
    },
    Migration {
        version: 17,
        name: "integrations",
        sqlite: include_str!("../migrations/sqlite/0017_integrations.sql"),
        postgres: include_str!("../migrations/postgres/0017_integrations.sql"),
    },
    Migration {
        version: 19,
        name: "s2s_scopes",
        sqlite: include_str!("../migrations/sqlite/0019_s2s_scopes.sql"),
        postgres: include_str!("../migrations/postgres/0019_s2s_scopes.sql"),
    },
    Migration {
        version: 20,
        name: "webhook_window",
        sqlite: include_str!("../migrations/sqlite/0020_webhook_window.sql"),
        postgres: include_str!("../migrations/postgres/0020_webhook_window.sql"),
    },
    Migration {
        version: 21,
        name: "portal",
        sqlite: include_str!("../migrations/sqlite/0021_portal.sql"),
        postgres: include_str!("../migrations/postgres/0021_portal.sql"),
    },
    Migration {
        version: 22,
        name: "scim_users",
        sqlite: include_str!("../migrations/sqlite/0022_scim_users.sql"),
        postgres: include_str!("../migrations/postgres/0022_scim_users.sql"),
    },
    Migration {
        version: 23,
        name: "scim_groups",
        sqlite: include_str!("../migrations/sqlite/0023_scim_groups.sql"),
        postgres: include_str!("../migrations/postgres/0023_scim_groups.sql"),
    },
    Migration {
        version: 24,
        name: "import_jobs",
        sqlite: include_str!("../migrations/sqlite/0024_import_jobs.sql"),
        postgres: include_str!("../migrations/postgres/0024_import_jobs.sql"),
    },
    Migration {
        version: 25,
        name: "mail_outbox_account",
        sqlite: include_str!("../migrations/sqlite/0025_mail_outbox_account.sql"),
        postgres: include_str!("../migrations/postgres/0025_mail_outbox_account.sql"),
    },
    Migration {
        version: 26,
        name: "users_sort",
        sqlite: include_str!("../migrations/sqlite/0026_users_sort.sql"),
        postgres: include_str!("../migrations/postgres/0026_users_sort.sql"),
    },
    Migration {
        version: 27,
        name: "import_writes",
        sqlite: include_str!("../migrations/sqlite/0027_import_writes.sql"),
        postgres: include_str!("../migrations/postgres/0027_import_writes.sql"),
    },
    Migration {
        version: 28,
        name: "attribute_numbers",
        sqlite: include_str!("../migrations/sqlite/0028_attribute_numbers.sql"),
        postgres: include_str!("../migrations/postgres/0028_attribute_numbers.sql"),
    },
];

/// What [`run`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Versions applied by this run.
    pub applied: Vec<i64>,
    /// The schema version now in force.
    pub current: i64,
}

struct Applied {
    version: i64,
    name: String,
    checksum: String,
}

impl FromRow for Applied {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            version: r.int(0)?,
            name: r.text(1)?,
            checksum: r.text(2)?,
        })
    }
}

/// An arbitrary constant naming Roster's migration lock.
const PG_LOCK_KEY: i64 = 0x526f_7374_6572;

const SQLITE_TABLE: &str = "CREATE TABLE IF NOT EXISTS roster_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at INTEGER NOT NULL)";
const PG_TABLE: &str = "CREATE TABLE IF NOT EXISTS roster_migrations (
    version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)";

/// Applies every pending migration: each one the database has not recorded, oldest first.
/// That is not only those above the newest applied: migrations developed side by side may merge
/// in any order (0009 before 0008), and a database migrated in between must still get the one
/// that merged later. Such migrations must therefore not depend on each other.
pub async fn run(db: &Db) -> Result<Report> {
    let backend = db.backend();
    let mut tx = db.begin().await?;
    match backend {
        Backend::Sqlite => tx.execute_script(SQLITE_TABLE).await?,
        Backend::Postgres => {
            tx.execute("SELECT pg_advisory_xact_lock($1)", params![PG_LOCK_KEY])
                .await?;
            tx.execute_script(PG_TABLE).await?;
        }
    }
    let applied: Vec<Applied> = tx
        .fetch_all(
            "SELECT version, name, checksum FROM roster_migrations ORDER BY version",
            &[],
        )
        .await?;
    check_applied(&applied, backend)?;

    let mut report = Report {
        applied: Vec::new(),
        current: applied.iter().map(|a| a.version).max().unwrap_or(0),
    };
    let pending = MIGRATIONS
        .iter()
        .filter(|m| !applied.iter().any(|a| a.version == m.version));
    for m in pending {
        tx.execute_script(m.sql(backend))
            .await
            .map_err(|e| Error::Migration(format!("{:04}_{} failed: {e}", m.version, m.name)))?;
        tx.execute(
            "INSERT INTO roster_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)",
            params![m.version, m.name, m.checksum(backend).as_str(), time::OffsetDateTime::now_utc()],
        )
        .await?;
        tracing::info!(version = m.version, name = m.name, "applied migration");
        report.applied.push(m.version);
        report.current = report.current.max(m.version);
    }
    tx.commit().await?;
    Ok(report)
}

fn check_applied(applied: &[Applied], backend: Backend) -> Result<()> {
    for a in applied {
        let Some(m) = MIGRATIONS.iter().find(|m| m.version == a.version) else {
            return Err(Error::Migration(format!(
                "the database has migration {} ({}), which this roster binary does not know: \
                 it was written by a newer Roster; run that version instead",
                a.version, a.name
            )));
        };
        if m.checksum(backend) != a.checksum {
            return Err(Error::Migration(format!(
                "migration {:04}_{} was changed after it was applied; restore it and add a new migration instead",
                m.version, m.name
            )));
        }
    }
    Ok(())
}

/// The newest schema version this binary knows.
pub fn latest() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn files(dir: &str) -> BTreeSet<String> {
        let path = format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_dir(path)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn list_matches_files_on_disk() {
        let listed: BTreeSet<String> = MIGRATIONS
            .iter()
            .map(|m| format!("{:04}_{}.sql", m.version, m.name))
            .collect();
        assert_eq!(files("sqlite"), listed);
        assert_eq!(files("postgres"), listed);
    }

    #[test]
    fn versions_increase() {
        assert!(MIGRATIONS.windows(2).all(|w| w[0].version < w[1].version));
        assert_eq!(MIGRATIONS.first().map(|m| m.version), Some(1));
    }
}
