//! The portal's CSV import jobs (`import_jobs`): the uploaded file in pieces
//! (`import_job_chunks`), the per-row report (`import_job_rows`), the phase, progress and
//! totals, and the heartbeat of the server running the real import. A job is always read with
//! its account and owner, so a job id alone finds nothing.

use crate::{params, placeholders, Conn, FromRow, Param, Result, Row};
use time::OffsetDateTime;

/// A job as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportJobRecord {
    pub id: String,
    pub file_name: String,
    pub mode: String,
    /// `uploading`, `previewed`, `running`, `done` or `failed`.
    pub phase: String,
    pub file_bytes: i64,
    pub counts: JobCounts,
    /// Rows written so far by the real run.
    pub done: i64,
    pub error: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub heartbeat_at: Option<OffsetDateTime>,
}

/// A run's totals: the file's rows and each outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobCounts {
    pub total: i64,
    pub created: i64,
    pub invited_to_join: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub errors: i64,
}

const COLUMNS: &str = "id, file_name, mode, phase, file_bytes, total, created, invited_to_join, \
     updated, unchanged, errors, done, error, created_at, updated_at, heartbeat_at";

impl FromRow for ImportJobRecord {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            id: r.text(0)?,
            file_name: r.text(1)?,
            mode: r.text(2)?,
            phase: r.text(3)?,
            file_bytes: r.int(4)?,
            counts: JobCounts {
                total: r.int(5)?,
                created: r.int(6)?,
                invited_to_join: r.int(7)?,
                updated: r.int(8)?,
                unchanged: r.int(9)?,
                errors: r.int(10)?,
            },
            done: r.int(11)?,
            error: r.text(12)?,
            created_at: r.time(13)?,
            updated_at: r.time(14)?,
            heartbeat_at: r.opt_time(15)?,
        })
    }
}

/// One line of a job's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRow {
    pub line: i64,
    pub email: String,
    /// `created`, `invited_to_join`, `updated`, `unchanged` or `error`.
    pub outcome: String,
    pub user_id: Option<String>,
    pub reason: String,
}

impl FromRow for JobRow {
    fn from_row(r: &Row<'_>) -> Result<Self> {
        Ok(Self {
            line: r.int(0)?,
            email: r.text(1)?,
            outcome: r.text(2)?,
            user_id: r.opt_text(3)?,
            reason: r.text(4)?,
        })
    }
}

/// Records a new job in phase `uploading`.
pub async fn insert_job(
    conn: &mut Conn,
    id: &str,
    account_id: &str,
    owner_id: &str,
    file_name: &str,
    mode: &str,
    at: OffsetDateTime,
) -> Result<()> {
    conn.execute(
        "INSERT INTO import_jobs (id, account_id, owner_id, file_name, mode, phase, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'uploading', $6, $6)",
        params![id, account_id, owner_id, file_name, mode, at],
    )
    .await?;
    Ok(())
}

/// The job `id` of `owner_id` in `account_id`.
pub async fn find_job(
    conn: &mut Conn,
    account_id: &str,
    owner_id: &str,
    id: &str,
) -> Result<Option<ImportJobRecord>> {
    conn.fetch_optional(
        &format!(
            "SELECT {COLUMNS} FROM import_jobs WHERE id = $1 AND account_id = $2 AND owner_id = $3"
        ),
        params![id, account_id, owner_id],
    )
    .await
}

/// Appends piece `seq` of a job's file.
pub async fn insert_chunk(conn: &mut Conn, job_id: &str, seq: i64, data: &[u8]) -> Result<()> {
    conn.execute(
        "INSERT INTO import_job_chunks (job_id, seq, data) VALUES ($1, $2, $3)",
        params![job_id, seq, data],
    )
    .await?;
    Ok(())
}

/// Piece `seq` of a job's file; `None` past the last.
pub async fn find_chunk(conn: &mut Conn, job_id: &str, seq: i64) -> Result<Option<Vec<u8>>> {
    struct Bytes(Vec<u8>);
    impl FromRow for Bytes {
        fn from_row(r: &Row<'_>) -> Result<Self> {
            r.bytes(0).map(Self)
        }
    }
    let found: Option<Bytes> = conn
        .fetch_optional(
            "SELECT data FROM import_job_chunks WHERE job_id = $1 AND seq = $2",
            params![job_id, seq],
        )
        .await?;
    Ok(found.map(|b| b.0))
}

/// The upload is complete: its name, mode and size.
pub async fn set_uploaded(
    conn: &mut Conn,
    id: &str,
    file_name: &str,
    mode: &str,
    file_bytes: i64,
    at: OffsetDateTime,
) -> Result<u64> {
    conn.execute(
        "UPDATE import_jobs SET file_name = $1, mode = $2, file_bytes = $3, updated_at = $4 \
         WHERE id = $5 AND phase = 'uploading'",
        params![file_name, mode, file_bytes, at, id],
    )
    .await
}

/// Sets a job's phase and totals (the dry run's, or the real run's at its end) and error.
pub async fn set_outcome(
    conn: &mut Conn,
    id: &str,
    phase: &str,
    counts: &JobCounts,
    error: &str,
    at: OffsetDateTime,
) -> Result<u64> {
    conn.execute(
        "UPDATE import_jobs SET phase = $1, total = $2, created = $3, invited_to_join = $4, \
         updated = $5, unchanged = $6, errors = $7, error = $8, updated_at = $9, heartbeat_at = NULL \
         WHERE id = $10",
        params![
            phase,
            counts.total,
            counts.created,
            counts.invited_to_join,
            counts.updated,
            counts.unchanged,
            counts.errors,
            error,
            at,
            id
        ],
    )
    .await
}

/// Marks a failed job (the totals stay as they were).
pub async fn set_failed(conn: &mut Conn, id: &str, error: &str, at: OffsetDateTime) -> Result<u64> {
    conn.execute(
        "UPDATE import_jobs SET phase = 'failed', error = $1, updated_at = $2, heartbeat_at = NULL \
         WHERE id = $3",
        params![error, at, id],
    )
    .await
}

/// Starts the real run of a previewed job: `running`, nothing done, the dry run's report
/// removed. Returns 0 when the job was not `previewed` (already started, here or on another
/// server), and then changes nothing.
pub async fn start_run(conn: &mut Conn, id: &str, at: OffsetDateTime) -> Result<u64> {
    let n = conn
        .execute(
            "UPDATE import_jobs SET phase = 'running', done = 0, updated_at = $1, heartbeat_at = $1 \
             WHERE id = $2 AND phase = 'previewed'",
            params![at, id],
        )
        .await?;
    if n > 0 {
        conn.execute("DELETE FROM import_job_rows WHERE job_id = $1", params![id])
            .await?;
    }
    Ok(n)
}

/// The running server's progress after a batch: `done` rows written, and its heartbeat.
pub async fn set_progress(conn: &mut Conn, id: &str, done: i64, at: OffsetDateTime) -> Result<u64> {
    conn.execute(
        "UPDATE import_jobs SET done = $1, updated_at = $2, heartbeat_at = $2 \
         WHERE id = $3 AND phase = 'running'",
        params![done, at, id],
    )
    .await
}

/// Rows per statement of [`insert_rows`] (5 parameters each).
const ROWS_PER_INSERT: usize = 500;

/// Appends report lines.
pub async fn insert_rows(conn: &mut Conn, job_id: &str, rows: &[JobRow]) -> Result<()> {
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| format!("($1, {})", placeholders(conn.backend(), 2 + i * 5, 5)))
            .collect();
        let sql = format!(
            "INSERT INTO import_job_rows (job_id, line, email, outcome, user_id, reason) VALUES {}",
            values.join(", ")
        );
        let mut p: Vec<Param<'_>> = Vec::with_capacity(1 + chunk.len() * 5);
        p.push(job_id.into());
        for r in chunk {
            p.extend([
                Param::from(r.line),
                Param::from(r.email.as_str()),
                Param::from(r.outcome.as_str()),
                Param::from(r.user_id.as_deref()),
                Param::from(r.reason.as_str()),
            ]);
        }
        conn.execute(&sql, &p).await?;
    }
    Ok(())
}

/// Up to `limit` report lines after line `after`, in file order.
pub async fn list_rows(
    conn: &mut Conn,
    job_id: &str,
    after: i64,
    limit: i64,
) -> Result<Vec<JobRow>> {
    conn.fetch_all(
        "SELECT line, email, outcome, user_id, reason FROM import_job_rows \
         WHERE job_id = $1 AND line > $2 ORDER BY line LIMIT $3",
        params![job_id, after, limit],
    )
    .await
}

/// Report lines of a job, and the last line reported (0 when none).
pub async fn count_rows(conn: &mut Conn, job_id: &str) -> Result<(i64, i64)> {
    struct Counted(i64, i64);
    impl FromRow for Counted {
        fn from_row(r: &Row<'_>) -> Result<Self> {
            Ok(Self(r.int(0)?, r.opt_int(1)?.unwrap_or(0)))
        }
    }
    let c: Counted = conn
        .fetch_one(
            "SELECT COUNT(*), MAX(line) FROM import_job_rows WHERE job_id = $1",
            params![job_id],
        )
        .await?;
    Ok((c.0, c.1))
}

/// Removes a job with its file and report.
pub async fn delete_job(conn: &mut Conn, id: &str) -> Result<u64> {
    conn.execute("DELETE FROM import_jobs WHERE id = $1", params![id])
        .await
}

/// Removes the jobs untouched since `before`, with their files and reports.
pub async fn delete_older_than(conn: &mut Conn, before: OffsetDateTime) -> Result<u64> {
    conn.execute(
        "DELETE FROM import_jobs WHERE updated_at < $1",
        params![before],
    )
    .await
}
