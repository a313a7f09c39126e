//! Import jobs in the database (the portal's import), so that any server answers a job and a
//! restart loses none. The uploaded file is stored as it arrives, in pieces of at most
//! [`CHUNK`] bytes, and read back piece by piece by both passes (memory does not grow with the
//! file); the report is written a batch at a time (in the real run, a commit at a time), and
//! the server running the real import renews the job's heartbeat after every commit. A running
//! job whose heartbeat is older than [`STALE`] lost its server: it is reported as stopped. A job
//! belongs to its uploader: anyone else gets [`Error::ImportJobNotFound`]. Jobs untouched for
//! [`KEEP`] are deleted.

use super::{ImportOptions, ImportSink, ImportSource, ImportSummary, Outcome, Pass, ReportRow};
use crate::users::require;
use crate::{Error, Result, Service};
use roster_domain::{Principal, Privilege};
use roster_store::import_jobs::{self, ImportJobRecord, JobCounts, JobRow};
use roster_store::Db;
use std::io::Read;
use time::Duration;

/// The largest piece of an uploaded file kept in one row.
pub const CHUNK: usize = 1024 * 1024;
/// How long a job is kept after its last change.
pub const KEEP: Duration = Duration::hours(6);
/// A running job whose heartbeat is older than this lost its server.
pub const STALE: Duration = Duration::minutes(2);

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobPhase {
    /// The file is being received.
    Uploading,
    /// The dry run is done; the real run may start.
    Previewed,
    Running,
    Done,
    /// The real run stopped on an error (the batches before it are written).
    Failed,
}

impl JobPhase {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Uploading => "uploading",
            Self::Previewed => "previewed",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "previewed" => Self::Previewed,
            "running" => Self::Running,
            "done" => Self::Done,
            "failed" => Self::Failed,
            _ => Self::Uploading,
        }
    }
}

/// A job as its owner sees it.
#[derive(Debug, Clone)]
pub struct ImportJob {
    pub id: String,
    pub file_name: String,
    /// `create` or `autoCreate`.
    pub mode: String,
    pub phase: JobPhase,
    /// Running, but its server stopped renewing the heartbeat (it died): the run will not end.
    pub stopped: bool,
    /// The file's rows (from the dry run).
    pub total: u64,
    /// Rows written so far by the real run.
    pub done: u64,
    /// The dry run's totals, or the real run's once done.
    pub summary: ImportSummary,
    /// Why the real run failed, in the starter's language.
    pub error: String,
    /// Lines in the report (0 while the run is live).
    pub reported: u64,
    /// The first line after the last one reported: every row before it was written (for a
    /// run that stopped).
    pub next_line: u64,
}

fn counts(s: &ImportSummary) -> JobCounts {
    let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    JobCounts {
        total: n(s.rows),
        created: n(s.created),
        invited_to_join: n(s.invited_to_join),
        updated: n(s.updated),
        unchanged: n(s.unchanged),
        errors: n(s.errors),
    }
}

fn unsigned(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

fn outcome(s: &str) -> Outcome {
    match s {
        "created" => Outcome::Created,
        "invited_to_join" => Outcome::InvitedToJoin,
        "updated" => Outcome::Updated,
        "unchanged" => Outcome::Unchanged,
        _ => Outcome::Error,
    }
}

/// An upload being stored: [`ImportUpload::write`] as the bytes arrive, then
/// [`ImportUpload::finish`], or [`ImportUpload::abort`] to remove it.
pub struct ImportUpload {
    db: Db,
    clock: crate::Clock,
    id: String,
    pending: Vec<u8>,
    seq: i64,
    bytes: u64,
}

impl ImportUpload {
    /// The job's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Bytes received so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Stores the next bytes of the file (a piece each time [`CHUNK`] bytes are pending).
    pub async fn write(&mut self, mut data: &[u8]) -> Result<()> {
        self.bytes += data.len() as u64;
        while !data.is_empty() {
            let room = CHUNK - self.pending.len();
            let (now, rest) = data.split_at(room.min(data.len()));
            self.pending.extend_from_slice(now);
            data = rest;
            if self.pending.len() == CHUNK {
                self.store_pending().await?;
            }
        }
        Ok(())
    }

    async fn store_pending(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let mut tx = self.db.begin().await?;
        import_jobs::insert_chunk(&mut tx, &self.id, self.seq, &self.pending).await?;
        tx.commit().await?;
        self.seq += 1;
        self.pending.clear();
        Ok(())
    }

    /// Stores what is left and records the file's name and the import's mode; returns the id.
    pub async fn finish(mut self, file_name: &str, mode: &str) -> Result<String> {
        self.store_pending().await?;
        let mut tx = self.db.begin().await?;
        let bytes = i64::try_from(self.bytes).unwrap_or(i64::MAX);
        import_jobs::set_uploaded(&mut tx, &self.id, file_name, mode, bytes, self.clock.now())
            .await?;
        tx.commit().await?;
        Ok(self.id)
    }

    /// Removes the job and what was stored of its file.
    pub async fn abort(self) -> Result<()> {
        let mut tx = self.db.begin().await?;
        import_jobs::delete_job(&mut tx, &self.id).await?;
        tx.commit().await.map_err(Error::from)
    }
}

/// A job's file, read back from the database one piece at a time. The reader blocks on the
/// database, so it is read on a blocking thread (as the import does).
pub struct JobFile {
    db: Db,
    id: String,
}

impl ImportSource for JobFile {
    fn open(&self) -> std::io::Result<Box<dyn Read + Send>> {
        let handle = tokio::runtime::Handle::try_current().map_err(std::io::Error::other)?;
        Ok(Box::new(ChunkReader {
            db: self.db.clone(),
            id: self.id.clone(),
            handle,
            next: 0,
            piece: Vec::new(),
            at: 0,
            end: false,
        }))
    }
}

struct ChunkReader {
    db: Db,
    id: String,
    handle: tokio::runtime::Handle,
    next: i64,
    piece: Vec<u8>,
    at: usize,
    end: bool,
}

impl Read for ChunkReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.at >= self.piece.len() {
            if self.end {
                return Ok(0);
            }
            let (db, id, seq) = (&self.db, self.id.as_str(), self.next);
            let found = self.handle.block_on(async move {
                let mut conn = db.read().await?;
                import_jobs::find_chunk(&mut conn, id, seq).await
            });
            match found.map_err(std::io::Error::other)? {
                Some(piece) => {
                    self.piece = piece;
                    self.at = 0;
                    self.next += 1;
                }
                None => self.end = true,
            }
        }
        let rest = self.piece.get(self.at..).unwrap_or_default();
        let n = rest.len().min(out.len());
        if let (Some(dst), Some(src)) = (out.get_mut(..n), rest.get(..n)) {
            dst.copy_from_slice(src);
        }
        self.at += n;
        Ok(n)
    }
}

/// Writes a run's report into its job a batch at a time, with the real run's progress and
/// heartbeat.
struct JobSink {
    db: Db,
    clock: crate::Clock,
    id: String,
    /// The real run (progress and heartbeat), not the dry run.
    running: bool,
    rows: Vec<JobRow>,
    written: u64,
}

impl ImportSink for JobSink {
    /// The job's report is read back by line from the database, whatever the order it was
    /// saved in, and saved as each transaction commits (a crash keeps it).
    fn in_file_order(&self) -> bool {
        false
    }

    fn row(&mut self, r: &ReportRow) -> std::io::Result<()> {
        self.rows.push(JobRow {
            line: i64::try_from(r.line).unwrap_or(i64::MAX),
            email: r.email.clone(),
            outcome: r.outcome.as_str().to_owned(),
            user_id: r.id.clone(),
            reason: r.reason.clone(),
        });
        Ok(())
    }

    fn progress(&mut self, pass: Pass, rows: u64) {
        if pass == Pass::Write {
            self.written = rows;
        }
    }

    fn flush(&mut self) -> super::Flush<'_> {
        Box::pin(async move {
            let mut tx = self.db.begin().await?;
            import_jobs::insert_rows(&mut tx, &self.id, &self.rows).await?;
            if self.running {
                let done = i64::try_from(self.written).unwrap_or(i64::MAX);
                import_jobs::set_progress(&mut tx, &self.id, done, self.clock.now()).await?;
            }
            tx.commit().await?;
            self.rows.clear();
            Ok(())
        })
    }
}

impl Service {
    async fn find_import_job(&self, principal: &Principal, id: &str) -> Result<ImportJobRecord> {
        let mut conn = self.db.read().await?;
        import_jobs::find_job(
            &mut conn,
            principal.account_id.as_str(),
            principal.user_id.as_str(),
            id,
        )
        .await?
        .ok_or_else(|| Error::ImportJobNotFound(id.to_owned()))
    }

    /// Starts storing an uploaded file for an import by `principal` (who needs User:Add);
    /// jobs older than [`KEEP`] are deleted first.
    #[tracing::instrument(skip_all)]
    pub async fn begin_import_upload(&self, principal: &Principal) -> Result<ImportUpload> {
        require(principal, Privilege::UserAdd)?;
        self.sweep_import_jobs().await?;
        let id = roster_domain::Secret::token().expose().to_owned();
        let mut tx = self.db.begin().await?;
        import_jobs::insert_job(
            &mut tx,
            &id,
            principal.account_id.as_str(),
            principal.user_id.as_str(),
            "",
            "create",
            self.clock.now(),
        )
        .await?;
        tx.commit().await?;
        Ok(ImportUpload {
            db: self.db.clone(),
            clock: self.clock.clone(),
            id,
            pending: Vec::with_capacity(CHUNK),
            seq: 0,
            bytes: 0,
        })
    }

    /// The dry run of an uploaded job: its report is stored and it may then run. A file the
    /// import refuses is deleted with its job, and the error returned.
    #[tracing::instrument(skip_all)]
    pub async fn preview_import_job(&self, principal: &Principal, id: &str) -> Result<ImportJob> {
        let job = self.find_import_job(principal, id).await?;
        if JobPhase::parse(&job.phase) != JobPhase::Uploading {
            return self.import_job(principal, id).await;
        }
        let options = ImportOptions {
            mode: Some(job.mode.clone()),
            dry_run: true,
        };
        let mut sink = self.job_sink(id, false);
        let source = JobFile {
            db: self.db.clone(),
            id: id.to_owned(),
        };
        match self
            .import_users(principal, &source, &options, &mut sink)
            .await
        {
            Ok(summary) => {
                let mut tx = self.db.begin().await?;
                import_jobs::set_outcome(
                    &mut tx,
                    id,
                    "previewed",
                    &counts(&summary),
                    "",
                    self.clock.now(),
                )
                .await?;
                tx.commit().await?;
                self.import_job(principal, id).await
            }
            Err(e) => {
                let mut tx = self.db.begin().await?;
                import_jobs::delete_job(&mut tx, id).await?;
                tx.commit().await?;
                Err(e)
            }
        }
    }

    fn job_sink(&self, id: &str, running: bool) -> JobSink {
        JobSink {
            db: self.db.clone(),
            clock: self.clock.clone(),
            id: id.to_owned(),
            running,
            rows: Vec::new(),
            written: 0,
        }
    }

    /// Marks a previewed job running (its dry-run report is dropped). `false` when it was not
    /// previewed (already started, here or on another server): nothing changes then.
    #[tracing::instrument(skip_all)]
    pub async fn start_import_job(&self, principal: &Principal, id: &str) -> Result<bool> {
        self.find_import_job(principal, id).await?;
        let mut tx = self.db.begin().await?;
        let started = import_jobs::start_run(&mut tx, id, self.clock.now()).await?;
        tx.commit().await?;
        Ok(started > 0)
    }

    /// The real run of a job [`Service::start_import_job`] started: its report and progress go
    /// into the job batch by batch, and it ends `done`. If the run fails, the job ends failed
    /// with the error in the words `describe` gives it (the portal's language); except when the
    /// server is shutting down, which records nothing: the job shows as stopped once its
    /// heartbeat is old, as if the server had been killed, and the rows committed so far stay.
    #[tracing::instrument(skip_all)]
    pub async fn run_import_job(
        &self,
        principal: &Principal,
        id: &str,
        describe: impl FnOnce(&Error) -> String + Send,
    ) -> Result<ImportSummary> {
        // Someone else's job, or none: refused, and nothing recorded.
        let job = self.find_import_job(principal, id).await?;
        let run = self.import_job_run(principal, job).await;
        if let Err(e) = &run {
            if !matches!(e, Error::ShuttingDown) {
                let mut tx = self.db.begin().await?;
                import_jobs::set_failed(&mut tx, id, &describe(e), self.clock.now()).await?;
                tx.commit().await?;
            }
        }
        run
    }

    async fn import_job_run(
        &self,
        principal: &Principal,
        job: ImportJobRecord,
    ) -> Result<ImportSummary> {
        let id = job.id.as_str();
        let options = ImportOptions {
            mode: Some(job.mode),
            dry_run: false,
        };
        let mut sink = self.job_sink(id, true);
        let source = JobFile {
            db: self.db.clone(),
            id: id.to_owned(),
        };
        let summary = self
            .import_users(principal, &source, &options, &mut sink)
            .await?;
        let mut tx = self.db.begin().await?;
        import_jobs::set_outcome(&mut tx, id, "done", &counts(&summary), "", self.clock.now())
            .await?;
        tx.commit().await?;
        Ok(summary)
    }

    /// One of the caller's jobs.
    pub async fn import_job(&self, principal: &Principal, id: &str) -> Result<ImportJob> {
        let r = self.find_import_job(principal, id).await?;
        let phase = JobPhase::parse(&r.phase);
        let stopped = phase == JobPhase::Running
            && r.heartbeat_at
                .is_none_or(|beat| self.clock.now() - beat > STALE);
        // A live run is polled every second: its report is not counted until it ends.
        let (reported, last) = if phase == JobPhase::Running && !stopped {
            (0, 0)
        } else {
            let mut conn = self.db.read().await?;
            import_jobs::count_rows(&mut conn, id).await?
        };
        let c = r.counts;
        Ok(ImportJob {
            id: r.id,
            file_name: r.file_name,
            mode: r.mode,
            phase,
            stopped,
            total: unsigned(c.total),
            done: unsigned(r.done),
            summary: ImportSummary {
                rows: unsigned(c.total),
                created: unsigned(c.created),
                invited_to_join: unsigned(c.invited_to_join),
                updated: unsigned(c.updated),
                unchanged: unsigned(c.unchanged),
                errors: unsigned(c.errors),
                dry_run: phase == JobPhase::Previewed,
            },
            error: r.error,
            reported: unsigned(reported),
            // Line 1 is the header.
            next_line: unsigned(last).max(1) + 1,
        })
    }

    /// Up to `limit` lines of a job's report after line `after`, in file order.
    pub async fn import_job_rows(
        &self,
        principal: &Principal,
        id: &str,
        after: u64,
        limit: u32,
    ) -> Result<Vec<ReportRow>> {
        self.find_import_job(principal, id).await?;
        let mut conn = self.db.read().await?;
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        let rows = import_jobs::list_rows(&mut conn, id, after, i64::from(limit)).await?;
        Ok(rows
            .into_iter()
            .map(|r| ReportRow {
                line: unsigned(r.line),
                email: r.email,
                outcome: outcome(&r.outcome),
                id: r.user_id,
                reason: r.reason,
            })
            .collect())
    }

    /// Deletes the jobs untouched for [`KEEP`], with their files and reports; returns how many.
    pub async fn sweep_import_jobs(&self) -> Result<usize> {
        let mut tx = self.db.begin().await?;
        let n = import_jobs::delete_older_than(&mut tx, self.clock.now() - KEEP).await?;
        tx.commit().await?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }
}
