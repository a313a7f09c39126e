//! SQLite through rusqlite. One writer connection behind an async mutex, so in-process writers
//! queue without SQLITE_BUSY; read-only connections in a small pool, used inline because a point
//! read is faster than any hand-off to another thread. WAL lets readers run beside the writer.

use crate::{DbOptions, Error, FromRow, Param, Result, Row};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

/// The path in `sqlite://PATH` or `sqlite:PATH`; `None` when the URL is not SQLite's.
pub(crate) fn path_from_url(url: &str) -> Result<Option<PathBuf>> {
    let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    else {
        return Ok(None);
    };
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Err(Error::Url(
            "SQLite needs a file: use sqlite://PATH (for example sqlite://roster.db)".into(),
        ));
    }
    Ok(Some(PathBuf::from(path)))
}

/// What every connection of one database shares.
pub struct Shared {
    path: PathBuf,
    writer: Arc<AsyncMutex<Connection>>,
    readers: Mutex<Vec<Connection>>,
    max_idle: usize,
    busy_timeout: Duration,
    /// The bulk writes running (imports may overlap) and their background checkpointer.
    bulk: Mutex<Bulk>,
    /// The WAL's length in frames as the background checkpointer last saw it (0 outside bulk
    /// writes): see [`Shared::begin`].
    wal_frames: Arc<AtomicI64>,
}

/// The writer stays tuned for bulk writes while any runs: the first to start tunes it, the last
/// to end tunes it back.
#[derive(Default)]
struct Bulk {
    running: usize,
    checkpointer: Option<Checkpointer>,
}

/// Copies a bulk write's WAL back into the database on a thread (and so another core) of its
/// own, with PASSIVE checkpoints that never block the writer, so the writer's commits no longer
/// stop to checkpoint.
struct Checkpointer {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<()>,
}

impl Checkpointer {
    /// How often the thread checkpoints what the writer has committed.
    const EVERY: Duration = Duration::from_millis(100);

    /// Starts the thread, which keeps `wal_frames` up to date.
    fn start(path: &Path, wal_frames: &Arc<AtomicI64>) -> Result<Self> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_millis(50))?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let frames = Arc::clone(wal_frames);
        let thread = std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    std::thread::sleep(Self::EVERY);
                    // A busy or failed passive checkpoint is retried on the next round, and the
                    // bulk write's end checkpoints whatever is left. The row is (busy, frames in
                    // the WAL, frames checkpointed).
                    match conn
                        .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(1))
                    {
                        Ok(n) => frames.store(n, Ordering::Relaxed),
                        Err(e) => tracing::debug!(error = %e, "background checkpoint"),
                    }
                }
            })
            .map_err(|e| Error::Query(format!("starting the checkpoint thread: {e}")))?;
        Ok(Self { stop, thread })
    }

    fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
    }
}

const STATEMENT_CACHE: usize = 128;

/// Every connection's page cache (16 MB), the WAL's size in pages at which a commit
/// checkpoints (SQLite's default), and the size a WAL file is cut back to when it restarts
/// (64 MiB, so the file a bulk write grew does not stay), outside bulk writes.
const NORMAL: &str = "PRAGMA cache_size = -16000; PRAGMA temp_store = DEFAULT; \
                      PRAGMA wal_autocheckpoint = 1000; PRAGMA journal_size_limit = 67108864;";

/// The writer during a bulk write ([`Shared::bulk_writes`]): a 64 MiB page cache, so that
/// the indexes a million new users touch at random places (id, PMI) stay in memory; statement
/// journals in memory rather than spilled to temporary files (a multi-row insert into a table
/// with unique indexes keeps one); and no automatic checkpoints: a [`Checkpointer`] thread
/// copies the WAL back on the other core without stopping the writer's commits. Ending the
/// bulk write checkpoints what is left, so the next ordinary request does not pay for it.
const BULK: &str = "PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY; \
                    PRAGMA wal_autocheckpoint = 0;";

/// The WAL length (in frames: 256 MiB of 4 KiB pages) past which a bulk write's next
/// transaction first catches the checkpoint up, so that the WAL starts over (see
/// [`Shared::begin`]).
const WAL_CATCH_UP: i64 = 65_536;

/// A bulk write whose [`Checkpointer`] could not start checkpoints on the writer, every 10,000
/// pages.
const BULK_WITHOUT_CHECKPOINTER: &str = "PRAGMA wal_autocheckpoint = 10000;";

fn configure(conn: &Connection, busy_timeout: Duration) -> Result<()> {
    conn.busy_timeout(busy_timeout)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")?;
    conn.execute_batch(NORMAL)?;
    Ok(())
}

impl Shared {
    pub(crate) fn open(path: &Path, opts: &DbOptions) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.is_dir() {
                return Err(Error::Url(format!(
                    "the directory {} for the SQLite file does not exist",
                    dir.display()
                )));
            }
        }
        let writer = Connection::open(path)?;
        configure(&writer, opts.acquire_timeout)?;
        // WAL is a property of the file: set once, it lets readers work beside the writer.
        let mode: String = writer.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(%mode, "SQLite did not switch to WAL; readers will wait for writers");
        }
        Ok(Self {
            path: path.to_owned(),
            writer: Arc::new(AsyncMutex::new(writer)),
            readers: Mutex::new(Vec::new()),
            max_idle: usize::try_from(opts.max_connections).unwrap_or(16),
            busy_timeout: opts.acquire_timeout,
            bulk: Mutex::new(Bulk::default()),
            wal_frames: Arc::new(AtomicI64::new(0)),
        })
    }

    pub(crate) fn reader(self: &Arc<Self>) -> Result<Reader> {
        let pooled = self.readers.lock().map_or(None, |mut idle| idle.pop());
        let conn = match pooled {
            Some(c) => c,
            None => {
                let c = Connection::open_with_flags(
                    &self.path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY
                        | OpenFlags::SQLITE_OPEN_NO_MUTEX
                        | OpenFlags::SQLITE_OPEN_URI,
                )?;
                configure(&c, self.busy_timeout)?;
                c
            }
        };
        Ok(Reader {
            conn: Some(conn),
            shared: Arc::clone(self),
        })
    }

    /// Takes the writer and opens an IMMEDIATE transaction (so the write lock is held from the
    /// start and no read-then-write upgrade can fail halfway).
    ///
    /// During a bulk write the background checkpointer copies commits back without ever
    /// catching up at the moment the next transaction begins, and only a transaction that
    /// begins with the whole WAL copied back starts the WAL over: so the WAL grew by every
    /// commit, to 2 GB over a million-row import. Once it holds more than [`WAL_CATCH_UP`]
    /// frames, the writer checkpoints the rest itself before it begins.
    pub(crate) async fn begin(&self) -> Result<Writer> {
        let guard = tokio::time::timeout(self.busy_timeout, Arc::clone(&self.writer).lock_owned())
            .await
            .map_err(|_| Error::Timeout)?;
        if self.wal_frames.load(Ordering::Relaxed) > WAL_CATCH_UP {
            guard.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
            self.wal_frames.store(0, Ordering::Relaxed);
        }
        guard.execute_batch("BEGIN IMMEDIATE")?;
        Ok(Writer {
            conn: guard,
            open: true,
        })
    }
}

impl Shared {
    /// Starts (`on`) or ends a bulk write: the first to start tunes the writer (see [`BULK`]),
    /// the last to end tunes it back and checkpoints what is left. Waits for the writer as
    /// [`Shared::begin`] does, and runs outside any transaction (SQLite refuses to change
    /// `temp_store` inside one).
    pub(crate) async fn bulk_writes(&self, on: bool) -> Result<()> {
        // Holding the writer orders every start and end.
        let guard = tokio::time::timeout(self.busy_timeout, Arc::clone(&self.writer).lock_owned())
            .await
            .map_err(|_| Error::Timeout)?;
        let lock = || {
            self.bulk
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        if on {
            if lock().running == 0 {
                guard.execute_batch(BULK)?;
                match Checkpointer::start(&self.path, &self.wal_frames) {
                    Ok(c) => lock().checkpointer = Some(c),
                    // Without the thread the writer checkpoints as it commits, less often.
                    Err(e) => {
                        tracing::warn!(error = %e, "no background checkpointer; the writer checkpoints");
                        guard.execute_batch(BULK_WITHOUT_CHECKPOINTER)?;
                    }
                }
            }
            lock().running += 1;
            return Ok(());
        }
        let checkpointer = {
            let mut bulk = lock();
            // An end without a start changes nothing; an end before the last leaves the mode on.
            if bulk.running == 0 {
                return Ok(());
            }
            bulk.running -= 1;
            if bulk.running > 0 {
                return Ok(());
            }
            bulk.checkpointer.take()
        };
        guard.execute_batch(NORMAL)?;
        if let Some(running) = checkpointer {
            tokio::task::spawn_blocking(move || running.stop())
                .await
                .map_err(|e| Error::Query(format!("stopping the checkpoint thread: {e}")))?;
        }
        self.wal_frames.store(0, Ordering::Relaxed);
        // Readers still on old pages can keep part of it (SQLITE_BUSY is reported as a row,
        // not an error); the next checkpoint finishes it.
        guard.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Whether the writer is tuned for bulk writes (its page cache), for tests.
    #[cfg(test)]
    async fn writer_cache_size(&self) -> i64 {
        let guard = self.writer.lock().await;
        guard
            .query_row("PRAGMA cache_size", [], |r| r.get(0))
            .unwrap_or_default()
    }
}

/// A pooled read-only connection; goes back to the pool when dropped.
pub struct Reader {
    conn: Option<Connection>,
    shared: Arc<Shared>,
}

impl Reader {
    pub(crate) fn conn(&self) -> Result<&Connection> {
        self.conn.as_ref().ok_or(Error::NotFound)
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        if let (Some(conn), Ok(mut idle)) = (self.conn.take(), self.shared.readers.lock()) {
            if idle.len() < self.shared.max_idle {
                idle.push(conn);
            }
        }
    }
}

/// The writer connection inside an open transaction; rolls back when dropped uncommitted.
pub struct Writer {
    conn: OwnedMutexGuard<Connection>,
    open: bool,
}

impl Writer {
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn commit(mut self) -> Result<()> {
        self.conn.execute_batch("COMMIT")?;
        self.open = false;
        Ok(())
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        if self.open {
            if let Err(e) = self.conn.execute_batch("ROLLBACK") {
                tracing::error!(error = %e, "SQLite rollback failed");
            }
        }
    }
}

/// In debug builds, checks that `$1, $2, …` appear in order, so binding by position is binding
/// by number (SQLite numbers `$N` parameters by first appearance). A bare `?` (see
/// [`crate::placeholders`]) is positional by definition.
fn check_params(stmt: &rusqlite::Statement<'_>, sql: &str, given: usize) -> Result<()> {
    let count = stmt.parameter_count();
    if count != given {
        return Err(Error::Query(format!(
            "query expects {count} parameters, got {given}: {sql}"
        )));
    }
    if cfg!(debug_assertions) {
        for i in 1..=count {
            let expected = format!("${i}");
            let name = stmt.parameter_name(i);
            if name.is_some() && name != Some(expected.as_str()) {
                return Err(Error::Query(format!(
                    "parameter {i} must be written {expected} and appear in order: {sql}"
                )));
            }
        }
    }
    Ok(())
}

pub(crate) fn fetch_all<T: FromRow>(
    conn: &Connection,
    sql: &str,
    params: &[Param<'_>],
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql)?;
    check_params(&stmt, sql, params.len())?;
    let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(T::from_row(&Row::Sqlite(r))?);
    }
    Ok(out)
}

pub(crate) fn fetch_optional<T: FromRow>(
    conn: &Connection,
    sql: &str,
    params: &[Param<'_>],
) -> Result<Option<T>> {
    let mut stmt = conn.prepare_cached(sql)?;
    check_params(&stmt, sql, params.len())?;
    let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
    match rows.next()? {
        Some(r) => Ok(Some(T::from_row(&Row::Sqlite(r))?)),
        None => Ok(None),
    }
}

pub(crate) fn execute(conn: &Connection, sql: &str, params: &[Param<'_>]) -> Result<u64> {
    let mut stmt = conn.prepare_cached(sql)?;
    check_params(&stmt, sql, params.len())?;
    let n = stmt.execute(rusqlite::params_from_iter(params))?;
    Ok(u64::try_from(n).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            path_from_url("sqlite://roster.db").unwrap(),
            Some(PathBuf::from("roster.db"))
        );
        assert_eq!(
            path_from_url("sqlite:///tmp/x.db?mode=rwc").unwrap(),
            Some(PathBuf::from("/tmp/x.db"))
        );
        assert_eq!(
            path_from_url("sqlite:data.db").unwrap(),
            Some(PathBuf::from("data.db"))
        );
        assert!(path_from_url("sqlite::memory:").is_err());
        assert_eq!(path_from_url("postgres://x").unwrap(), None);
    }

    /// Overlapping bulk writes (two imports at once): the writer stays tuned, and its
    /// checkpointer running, until the last one ends.
    #[tokio::test]
    async fn bulk_writes_end_with_the_last() {
        let dir = tempfile::tempdir().unwrap();
        let shared = Shared::open(&dir.path().join("bulk.db"), &DbOptions::default()).unwrap();
        let running = |s: &Shared| {
            let bulk = s.bulk.lock().unwrap();
            (bulk.running, bulk.checkpointer.is_some())
        };
        assert_eq!(shared.writer_cache_size().await, -16000);
        shared.bulk_writes(true).await.unwrap();
        shared.bulk_writes(true).await.unwrap();
        assert_eq!(running(&shared), (2, true));
        shared.bulk_writes(false).await.unwrap();
        assert_eq!(running(&shared), (1, true), "the other import still runs");
        assert_eq!(shared.writer_cache_size().await, -65536);
        shared.bulk_writes(false).await.unwrap();
        assert_eq!(running(&shared), (0, false));
        assert_eq!(shared.writer_cache_size().await, -16000);
        // An end without a start changes nothing.
        shared.bulk_writes(false).await.unwrap();
        assert_eq!(running(&shared), (0, false));
        assert_eq!(shared.writer_cache_size().await, -16000);
    }

    /// A bulk write dropped without its end (an import whose client hung up): it still ends,
    /// on a task of its own, and the writer is tuned back.
    #[tokio::test]
    async fn a_dropped_bulk_write_still_ends() {
        let dir = tempfile::tempdir().unwrap();
        let shared =
            Arc::new(Shared::open(&dir.path().join("bulk.db"), &DbOptions::default()).unwrap());
        let db = crate::Db::Sqlite(Arc::clone(&shared));
        let running = |s: &Shared| {
            let bulk = s.bulk.lock().unwrap();
            (bulk.running, bulk.checkpointer.is_some())
        };
        let ended = db.bulk_write().await.unwrap();
        ended.end().await.unwrap();
        assert_eq!(running(&shared), (0, false));

        let abandoned = db.bulk_write().await.unwrap();
        assert_eq!(running(&shared), (1, true));
        assert_eq!(shared.writer_cache_size().await, -65536);
        drop(abandoned);
        // The end runs on a spawned task: wait for it (not a timing assertion; the bound only
        // keeps a broken build from hanging).
        for _ in 0..500 {
            if running(&shared) == (0, false) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(running(&shared), (0, false));
        assert_eq!(shared.writer_cache_size().await, -16000);
    }
}
