//! Imports started from the portal, kept in memory while the server runs: the uploaded file
//! (the import reads it twice), its dry-run report, and, once the real run is started in the
//! background, its progress and report. A job belongs to the user who uploaded it; jobs older
//! than [`KEEP`] are dropped when a new one is made.

use roster_service::users::import::{ImportSink, ImportSource, ImportSummary, Pass, ReportRow};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// How long a job is kept.
const KEEP: Duration = Duration::from_secs(6 * 3600);

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The dry run is done; the real run may start.
    Previewed,
    Running,
    Done,
    /// The real run stopped on an error (the batches before it are written).
    Failed,
}

#[derive(Debug)]
pub struct Job {
    /// The user id of who uploaded it.
    pub owner: String,
    created: Instant,
    pub file: Arc<[u8]>,
    pub file_name: String,
    /// `create` or `autoCreate`.
    pub mode: String,
    pub phase: Phase,
    /// The file's rows (from the dry run).
    pub total: u64,
    /// Rows written so far by the real run.
    pub done: u64,
    pub rows: Vec<ReportRow>,
    pub summary: ImportSummary,
    /// Why the real run failed, in the starter's language.
    pub error: String,
}

pub type Shared = Arc<Mutex<Job>>;

static JOBS: LazyLock<Mutex<HashMap<String, Shared>>> = LazyLock::new(Default::default);

/// A lock that survives a panicked holder (the data is plain counters and rows).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Keeps a previewed job; returns its id.
pub fn insert(
    owner: String,
    file: Arc<[u8]>,
    file_name: String,
    mode: String,
    rows: Vec<ReportRow>,
    summary: ImportSummary,
) -> String {
    let id = roster_domain::Secret::token().expose().to_owned();
    let job = Job {
        owner,
        created: Instant::now(),
        file,
        file_name,
        mode,
        phase: Phase::Previewed,
        total: summary.rows,
        done: 0,
        rows,
        summary,
        error: String::new(),
    };
    let mut all = lock(&JOBS);
    all.retain(|_, j| {
        let j = lock(j);
        j.created.elapsed() < KEEP || j.phase == Phase::Running
    });
    all.insert(id.clone(), Arc::new(Mutex::new(job)));
    id
}

/// The job `id` when it belongs to `owner`.
pub fn find(id: &str, owner: &str) -> Option<Shared> {
    lock(&JOBS)
        .get(id)
        .filter(|j| lock(j).owner == owner)
        .cloned()
}

/// An uploaded file, read from memory as often as the import needs.
pub struct Upload(pub Arc<[u8]>);

impl ImportSource for Upload {
    fn open(&self) -> std::io::Result<Box<dyn std::io::Read + Send>> {
        Ok(Box::new(std::io::Cursor::new(Arc::clone(&self.0))))
    }
}

/// Collects a dry run's report.
#[derive(Default)]
pub struct Collect(pub Vec<ReportRow>);

impl ImportSink for Collect {
    fn row(&mut self, row: &ReportRow) -> std::io::Result<()> {
        self.0.push(row.clone());
        Ok(())
    }
}

/// Writes a real run's report and progress into its job, for the progress page.
pub struct Progress(pub Shared);

impl ImportSink for Progress {
    fn row(&mut self, row: &ReportRow) -> std::io::Result<()> {
        lock(&self.0).rows.push(row.clone());
        Ok(())
    }

    fn progress(&mut self, pass: Pass, rows: u64) {
        if pass == Pass::Write {
            lock(&self.0).done = rows;
        }
    }
}
