//! The SQLite and PostgreSQL migration trees must describe the same logical schema: the same
//! tables, columns, nullability and index names.

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
