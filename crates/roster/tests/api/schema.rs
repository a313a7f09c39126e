//! The SQLite and PostgreSQL migration trees must describe the same logical schema: the same
//! tables, columns, nullability and index names. And a migration that merged after a newer one
//! had been applied is still applied.

use crate::support::{Backend, TestDb};
use roster_store::{FromRow, Result, Row};
use std::collections::BTreeSet;

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Column(String, String, bool);

impl FromRow for Column {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self(r.text(0)?, r.text(1)?, r.int(2)? != 0))
    }
}

#[tokio::test]
async fn sqlite_and_postgres_schemas_match() {
    let sqlite = TestDb::new(Backend::Sqlite).await;
    let pg = TestDb::new(Backend::Postgres).await;
    let (s, p) = (sqlite.open().await, pg.open().await);
    s.migrate().await.unwrap();
    p.migrate().await.unwrap();

    let s_cols: BTreeSet<Column> = s
        .read()
        .await
        .unwrap()
        .fetch_all(
            // SQLite reports primary keys as nullable; they are not (INTEGER PRIMARY KEY is the
            // rowid, and the others are declared NOT NULL).
            "SELECT m.name, c.name, CASE WHEN c.\"notnull\" = 1 OR c.pk > 0 THEN 1 ELSE 0 END \
             FROM sqlite_master m JOIN pragma_table_info(m.name) c \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
            &[],
        )
        .await
        .unwrap()
        .into_iter()
        .collect();
    let p_cols: BTreeSet<Column> = p
        .read()
        .await
        .unwrap()
        .fetch_all(
            "SELECT table_name::text, column_name::text, CASE WHEN is_nullable = 'NO' THEN 1::bigint ELSE 0::bigint END \
             FROM information_schema.columns WHERE table_schema = 'public'",
            &[],
        )
        .await
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(s_cols, p_cols);

    let s_idx: BTreeSet<String> = s
        .read()
        .await
        .unwrap()
        .fetch_all(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex_%'",
            &[],
        )
        .await
        .unwrap()
        .into_iter()
        .collect();
    let p_idx: BTreeSet<String> = p
        .read()
        .await
        .unwrap()
        .fetch_all(
            "SELECT indexname::text FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%_pkey'",
            &[],
        )
        .await
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(s_idx, p_idx);
    s.close().await;
    p.close().await;
}

/// A database migrated while 0007 was not yet merged (simulated by removing it) gets 0007 from
/// a later binary, although it already has the newer versions.
async fn a_migration_merged_late_is_still_applied(b: Backend) {
    let test_db = TestDb::new(b).await;
    let db = test_db.open().await;
    db.migrate().await.unwrap();
    let mut tx = db.begin().await.unwrap();
    tx.execute("DROP TABLE expired_invitations", &[])
        .await
        .unwrap();
    tx.execute("DELETE FROM roster_migrations WHERE version = 7", &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let report = db.migrate().await.unwrap();
    assert_eq!(report.applied, [7]);
    assert_eq!(report.current, roster_store::migrate::latest());
    let n: i64 = db
        .read()
        .await
        .unwrap()
        .fetch_one("SELECT COUNT(*) FROM expired_invitations", &[])
        .await
        .unwrap();
    assert_eq!(n, 0);
    assert!(db.migrate().await.unwrap().applied.is_empty());
    db.close().await;
}

both_backends!(a_migration_merged_late_is_still_applied);
