//! CSV import (`POST /v2/users/import`, `roster users import`): new rows add users (invitations
//! or `autoCreate` on managed domains), rows naming a user of the account update the columns
//! they fill, identical rows are unchanged, and bad rows are reported with their reason.
//!
//! Two passes, both streaming: the first reads the file and checks every row (and, for a dry
//! run, reports) and sums the seats the file needs, refusing the whole file before anything is
//! written if any pool would be oversold; the second takes the rows in email order (see
//! [`order`]), evaluates each batch again inside a transaction and writes it with
//! `users::insert_many` and its events, committing after whole batches ([`COMMIT_ROWS`]). A
//! crash loses at most the transaction in flight, and running the same file again completes
//! it: the rows already written then come out unchanged.

mod file;
pub mod jobs;
mod order;
mod plan;
mod write;

pub use file::{escape_cell, Column};

use crate::users::{open_account, require};
use crate::{Actor, Error, Result, Service};
use file::{Reader, Row};
use plan::{Context, Plan, Planned};
use roster_domain::{AccountId, CreateAction, Principal, Privilege, Privileges, Role};
use roster_store::accounts;
use roster_store::users;
use roster_store::Conn;
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};

/// Rows evaluated and written together: one lookup, multi-row inserts.
pub const IMPORT_BATCH: usize = 2000;

/// The writing pass commits after whole batches, once its transaction holds this many rows or
/// has been open this long, whichever comes first; a crash loses at most that transaction.
/// Each commit writes every page the transaction dirtied, and new users land at random places
/// in some indexes (PMI, name), so rows per commit set how often such a page is written again:
/// at a million rows, commits of 20,000 rows took 30 s where commits of 2,000 took 44 s. The
/// time bound keeps other writers' wait for the store short on a slow machine.
pub const COMMIT_ROWS: usize = 20_000;
pub const COMMIT_AFTER: std::time::Duration = std::time::Duration::from_millis(500);

/// A file to import. The reader it opens is read on a blocking thread (`spawn_blocking`), so it
/// may block.
pub trait ImportSource: Sync {
    fn open(&self) -> std::io::Result<Box<dyn std::io::Read + Send>>;
}

impl ImportSource for std::path::PathBuf {
    fn open(&self) -> std::io::Result<Box<dyn std::io::Read + Send>> {
        Ok(Box::new(std::fs::File::open(self)?))
    }
}

/// How to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// How new users are added: `create` (the default: invitations) or `autoCreate`.
    pub mode: Option<String>,
    /// Report what would happen, and change nothing.
    pub dry_run: bool,
}

/// What happened to a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    /// The email is the Owner of a single-person standalone account: they are invited to join
    /// with their data (as `POST /users` does), `create` mode only.
    InvitedToJoin,
    Updated,
    Unchanged,
    Error,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::InvitedToJoin => "invited_to_join",
            Self::Updated => "updated",
            Self::Unchanged => "unchanged",
            Self::Error => "error",
        }
    }

    /// The outcome [`Outcome::as_str`] names.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Created,
            Self::InvitedToJoin,
            Self::Updated,
            Self::Unchanged,
            Self::Error,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
    }
}

/// One line of the report.
#[derive(Debug, Clone)]
pub struct ReportRow {
    pub line: u64,
    pub email: String,
    pub outcome: Outcome,
    /// The user's id (created, updated or unchanged); none for an error or for a user a dry run
    /// would create.
    pub id: Option<String>,
    /// Why the row is an error.
    pub reason: String,
}

/// Totals of an import.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub rows: u64,
    pub created: u64,
    pub invited_to_join: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub errors: u64,
    pub dry_run: bool,
}

/// Which pass is running, for progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    Check,
    Write,
}

/// Where the report goes, row by row, in file order.
pub trait ImportSink: Send {
    fn row(&mut self, row: &ReportRow) -> std::io::Result<()>;
    /// Whether the rows must come in the file's order. The write pass writes in email order,
    /// so such a sink gets the write pass's rows at its end, ordered by line (through
    /// temporary files); a sink that orders them itself (a job's, by line in the database)
    /// gets each transaction's rows once it is committed.
    fn in_file_order(&self) -> bool {
        true
    }
    /// `rows` of the file are done in `pass`.
    fn progress(&mut self, _pass: Pass, _rows: u64) {}
    /// Called after each batch of either pass, once its rows and progress are given: a sink
    /// that keeps them somewhere slow (the database) saves them here, once per batch.
    fn flush(&mut self) -> Flush<'_> {
        Box::pin(std::future::ready(Ok(())))
    }
}

/// What [`ImportSink::flush`] returns.
pub type Flush<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + Send + 'a>>;

fn parse_mode(mode: Option<&str>) -> Result<CreateAction> {
    match mode.map(str::trim) {
        None | Some("" | "create") => Ok(CreateAction::Create),
        Some("autoCreate") => Ok(CreateAction::AutoCreate),
        Some(_) => Err(Error::invalid("mode", "mode must be create or autoCreate")),
    }
}

/// A blocking read that did not finish: cancelled only when the runtime shuts down (nothing
/// aborts these tasks), else it panicked.
fn joined(e: tokio::task::JoinError) -> Error {
    if e.is_cancelled() {
        Error::ShuttingDown
    } else {
        Error::Internal(format!("reading the import file: {e}"))
    }
}

/// Opens `source` and reads its header, on a blocking thread (see [`ImportSource`]).
async fn open_source(source: &dyn ImportSource) -> Result<Reader> {
    let input = source
        .open()
        .map_err(|e| Error::Internal(format!("opening the import file: {e}")))?;
    tokio::task::spawn_blocking(move || Reader::open(input))
        .await
        .map_err(joined)?
}

/// Where a pass's rows come from: the file (the check pass), or the check pass's rows in
/// email order (the write pass; see [`order`]). Read on a blocking thread.
trait NextRow: Send + 'static {
    fn next_row(&mut self) -> Result<Option<Row>>;
}

impl NextRow for Reader {
    fn next_row(&mut self) -> Result<Option<Row>> {
        Reader::next_row(self)
    }
}

impl NextRow for order::Merged<Row> {
    fn next_row(&mut self) -> Result<Option<Row>> {
        self.next_record().map_err(temporary)
    }
}

fn temporary(e: std::io::Error) -> Error {
    Error::Internal(format!("a temporary file of the import: {e}"))
}

/// The rows a batch at a time, read one batch ahead on a blocking thread: while one batch is
/// evaluated and written, the next is read on another core.
struct Batches {
    next: Option<Reading>,
}

/// A batch being read, and the reader to read the next one with.
type Reading = tokio::task::JoinHandle<Result<(Box<dyn NextRow>, Vec<Row>)>>;

impl Batches {
    fn new(reader: Box<dyn NextRow>) -> Self {
        Self {
            next: Some(Self::read(reader)),
        }
    }

    fn read(mut reader: Box<dyn NextRow>) -> Reading {
        tokio::task::spawn_blocking(move || {
            let mut batch = Vec::with_capacity(IMPORT_BATCH);
            while batch.len() < IMPORT_BATCH {
                match reader.next_row()? {
                    Some(row) => batch.push(row),
                    None => break,
                }
            }
            Ok((reader, batch))
        })
    }

    /// The next batch of rows, empty at the end.
    async fn next(&mut self) -> Result<Vec<Row>> {
        let Some(reading) = self.next.take() else {
            return Ok(Vec::new());
        };
        let (reader, batch) = reading.await.map_err(joined)??;
        if !batch.is_empty() {
            self.next = Some(Self::read(reader));
        }
        Ok(batch)
    }
}

fn report(p: Planned, summary: &mut ImportSummary, id: Option<String>) -> ReportRow {
    summary.rows += 1;
    let (outcome, reason) = match p.plan {
        Plan::Create(u) if u.joins_user_id.is_some() => (Outcome::InvitedToJoin, String::new()),
        Plan::Create(_) => (Outcome::Created, String::new()),
        Plan::Update { .. } => (Outcome::Updated, String::new()),
        Plan::Unchanged(_) => (Outcome::Unchanged, String::new()),
        Plan::Error(reason) => (Outcome::Error, reason),
    };
    match outcome {
        Outcome::Created => summary.created += 1,
        Outcome::InvitedToJoin => summary.invited_to_join += 1,
        Outcome::Updated => summary.updated += 1,
        Outcome::Unchanged => summary.unchanged += 1,
        Outcome::Error => summary.errors += 1,
    }
    ReportRow {
        line: p.line,
        email: p.email,
        outcome,
        id,
        reason,
    }
}

/// How the write pass takes the rows in email order.
enum EmailOrder {
    /// The file is in email order (so far; `last` is its last email): it is read again.
    File { last: String },
    /// It is not: the rows go through sorted runs.
    Runs(order::Runs<Row>),
}

/// Where a row goes in email order: its email as stored, or first (empty) when it has none.
/// The check pass also finds repeated emails by it.
fn email_key(row: &Row) -> String {
    row.get(Column::Email)
        .and_then(|e| roster_domain::Email::parse(e).ok())
        .map(|e| e.as_str().to_owned())
        .unwrap_or_default()
}

/// A batch's rows keyed for email order, from the check pass's `keys` ([`email_key`]).
fn by_email(keys: Vec<String>, batch: Vec<Row>) -> impl Iterator<Item = ((String, u64), Row)> {
    keys.into_iter().zip(batch).map(|(k, r)| ((k, r.line), r))
}

/// Whether a batch's `keys` follow `last` in email order.
fn in_order(last: &str, keys: &[String]) -> bool {
    keys.first().is_none_or(|k| k.as_str() >= last)
        && keys.windows(2).all(|w| matches!(w, [a, b] if a <= b))
}

/// Adds records to the runs (sorting and spilling full ones on a blocking thread).
async fn spill<T: order::Spill>(
    mut runs: order::Runs<T>,
    records: impl IntoIterator<Item = ((String, u64), T)> + Send + 'static,
) -> Result<order::Runs<T>> {
    tokio::task::spawn_blocking(move || {
        for (key, record) in records {
            runs.push(key, record)?;
        }
        Ok::<_, std::io::Error>(runs)
    })
    .await
    .map_err(joined)?
    .map_err(temporary)
}

/// Hands `sink` the report rows gathered in `report`, in the file's order, a batch at a time.
async fn report_in_order(report: order::Runs<ReportRow>, sink: &mut dyn ImportSink) -> Result<()> {
    let mut merged = tokio::task::spawn_blocking(move || report.merge())
        .await
        .map_err(joined)?
        .map_err(temporary)?;
    loop {
        let (rest, chunk) = tokio::task::spawn_blocking(move || {
            let mut chunk = Vec::with_capacity(IMPORT_BATCH);
            while chunk.len() < IMPORT_BATCH {
                match merged.next_record()? {
                    Some(r) => chunk.push(r),
                    None => break,
                }
            }
            Ok::<_, std::io::Error>((merged, chunk))
        })
        .await
        .map_err(joined)?
        .map_err(temporary)?;
        merged = rest;
        if chunk.is_empty() {
            return Ok(());
        }
        for row in &chunk {
            sink.row(row).map_err(sink_error)?;
        }
        sink.flush().await?;
    }
}

/// The id a report row shows: the user's; none for an error, nor for a user the dry run would
/// create (the id drawn for it is never stored, and the real run draws another).
fn planned_id(p: &Planned, dry_run: bool) -> Option<String> {
    match &p.plan {
        Plan::Create(_) if dry_run => None,
        Plan::Create(u) => Some(u.id.to_string()),
        Plan::Update { new, .. } => Some(new.id.to_string()),
        Plan::Unchanged(id) => Some(id.clone()),
        Plan::Error(_) => None,
    }
}

fn sink_error(e: std::io::Error) -> Error {
    Error::Internal(format!("writing the import report: {e}"))
}

impl Service {
    /// Imports a CSV file into the caller's account (see the module's documentation).
    #[tracing::instrument(skip_all)]
    pub async fn import_users(
        &self,
        principal: &Principal,
        source: &dyn ImportSource,
        options: &ImportOptions,
        sink: &mut dyn ImportSink,
    ) -> Result<ImportSummary> {
        self.import(
            &Actor::Principal(principal),
            principal,
            source,
            options,
            sink,
        )
        .await
    }

    /// Imports as the operator (the CLI), with the Owner's powers in `account_id`; events name
    /// the operator.
    #[tracing::instrument(skip_all)]
    pub async fn import_users_as_operator(
        &self,
        account_id: &str,
        source: &dyn ImportSource,
        options: &ImportOptions,
        sink: &mut dyn ImportSink,
    ) -> Result<ImportSummary> {
        let principal = self.operator_principal(account_id).await?;
        self.import(&Actor::Operator, &principal, source, options, sink)
            .await
    }

    /// The writing pass over the rows in email order: each batch evaluated again and written,
    /// in transactions of whole batches ([`COMMIT_ROWS`], [`COMMIT_AFTER`]); rows are
    /// reported once they are committed, to the sink, or to `ordered` (to be reported in the
    /// file's order at the end) when there is one.
    #[allow(clippy::too_many_arguments)]
    async fn write_pass(
        &self,
        actor: &Actor<'_>,
        ctx: &Context<'_>,
        rows: Box<dyn NextRow>,
        duplicates: &HashMap<u64, u64>,
        summary: &mut ImportSummary,
        sink: &mut dyn ImportSink,
        ordered: &mut Option<order::Runs<ReportRow>>,
    ) -> Result<()> {
        let mut batches = Batches::new(rows);
        let mut done = 0u64;
        let mut batch = batches.next().await?;
        while !batch.is_empty() {
            let mut tx = self.db.begin().await?;
            users::plan_for_growth(&mut tx, true).await?;
            let began = std::time::Instant::now();
            // The report of the rows written so far (small: the users themselves are gone).
            let mut written = Vec::new();
            while !batch.is_empty() {
                let planned = plan::evaluate(&mut tx, ctx, &batch, duplicates).await?;
                for p in self.write(&mut tx, ctx, actor, planned).await? {
                    let id = planned_id(&p, false);
                    written.push(report(p, summary, id));
                }
                batch = batches.next().await?;
                if written.len() >= COMMIT_ROWS || began.elapsed() >= COMMIT_AFTER {
                    break;
                }
            }
            tx.commit().await?;
            done += written.len() as u64;
            match ordered.take() {
                Some(runs) => {
                    let by_line = written.into_iter().map(|r| ((String::new(), r.line), r));
                    *ordered = Some(spill(runs, by_line).await?);
                }
                None => {
                    for row in &written {
                        sink.row(row).map_err(sink_error)?;
                    }
                }
            }
            sink.progress(Pass::Write, done);
            sink.flush().await?;
        }
        Ok(())
    }

    /// The account the operator's CLI means without `--account-id`: the only one there is.
    pub async fn sole_account_id(&self) -> Result<String> {
        let mut conn = self.db.read().await?;
        let ids = accounts::first_ids(&mut conn, 2).await?;
        match ids.as_slice() {
            [only] => Ok(only.clone()),
            [] => Err(Error::AccountNotFound("(none yet)".to_owned())),
            _ => Err(Error::invalid(
                "account_id",
                "there are several accounts: say which one",
            )),
        }
    }

    /// The Owner's powers in `account_id`, for the operator's CLI.
    pub(crate) async fn operator_principal(&self, account_id: &str) -> Result<Principal> {
        let not_found = || Error::AccountNotFound(account_id.trim().to_owned());
        let id = AccountId::parse(account_id.trim()).ok_or_else(not_found)?;
        let mut conn = self.db.read().await?;
        let account = accounts::find(&mut conn, &id)
            .await?
            .ok_or_else(not_found)?;
        let owner_id = account.owner_id.ok_or_else(not_found)?;
        let owner = users::find_by_id(&mut conn, &id, &owner_id)
            .await?
            .ok_or_else(not_found)?;
        Ok(Principal {
            account_id: id,
            user_id: owner.id,
            email: owner.email,
            acts_as: Role::Owner,
            privileges: Privileges::all(),
            group_scope: None,
            scopes: roster_domain::Scopes::default(),
            reach: roster_domain::Reach::Account,
            app: None,
        })
    }

    async fn import(
        &self,
        actor: &Actor<'_>,
        principal: &Principal,
        source: &dyn ImportSource,
        options: &ImportOptions,
        sink: &mut dyn ImportSink,
    ) -> Result<ImportSummary> {
        require(principal, Privilege::UserAdd)?;
        let mode = parse_mode(options.mode.as_deref())?;
        // On PostgreSQL the check pass reads inside a transaction (it writes nothing) so that
        // its batch lookups get plans for the table's real size; on SQLite a transaction would
        // hold the writer, so it reads from the pool.
        let mut read_tx;
        let mut read_conn;
        let conn: &mut Conn = if self.db.backend() == roster_store::Backend::Postgres {
            read_tx = self.db.begin().await?;
            users::plan_for_growth(&mut read_tx, true).await?;
            &mut read_tx
        } else {
            read_conn = self.db.read().await?;
            &mut read_conn
        };
        let account = open_account(conn, principal).await?;
        let ctx = Context::load(conn, principal, account, mode).await?;

        // Pass 1: check every row, find repeated emails, sum the seats.
        let hasher = RandomState::new();
        let mut seen: HashMap<u64, u32> = HashMap::new();
        let mut duplicates: HashMap<u64, u64> = HashMap::new();
        let mut seats = [0i64; 3];
        let mut summary = ImportSummary {
            dry_run: options.dry_run,
            ..ImportSummary::default()
        };
        let mut batches = Batches::new(Box::new(open_source(source).await?));
        // How the write pass will take the rows in email order (see `order`).
        let mut email_order = (!options.dry_run).then(|| EmailOrder::File {
            last: String::new(),
        });
        let mut done = 0u64;
        loop {
            let batch = batches.next().await?;
            if batch.is_empty() {
                break;
            }
            let mut keys = Vec::with_capacity(batch.len());
            for row in &batch {
                let email = email_key(row);
                if email.is_empty() {
                    keys.push(email);
                    continue;
                }
                let line = u32::try_from(row.line).unwrap_or(u32::MAX);
                match seen.entry(hasher.hash_one(email.as_str())) {
                    std::collections::hash_map::Entry::Occupied(first) => {
                        duplicates.insert(row.line, u64::from(*first.get()));
                    }
                    std::collections::hash_map::Entry::Vacant(v) => {
                        v.insert(line);
                    }
                }
                keys.push(email);
            }
            let planned = plan::evaluate(conn, &ctx, &batch, &duplicates).await?;
            done += planned.len() as u64;
            for p in planned {
                for (total, n) in seats.iter_mut().zip(p.seats()) {
                    *total += n;
                }
                if options.dry_run {
                    let id = planned_id(&p, true);
                    sink.row(&report(p, &mut summary, id)).map_err(sink_error)?;
                }
            }
            email_order = match email_order.take() {
                None => None,
                Some(EmailOrder::File { last }) if in_order(&last, &keys) => {
                    let last = keys.last().cloned().unwrap_or(last);
                    Some(EmailOrder::File { last })
                }
                Some(EmailOrder::File { .. }) => {
                    // The first row out of email order: the rows before this batch go to the
                    // runs too, read again from the file.
                    let before = batch.first().map_or(0, |r| r.line);
                    let mut reader = open_source(source).await?;
                    let runs = tokio::task::spawn_blocking(move || {
                        let mut runs = order::Runs::new();
                        while let Some(row) = reader.next_row()? {
                            if row.line >= before {
                                break;
                            }
                            let line = row.line;
                            runs.push((email_key(&row), line), row).map_err(temporary)?;
                        }
                        Ok::<_, Error>(runs)
                    })
                    .await
                    .map_err(joined)??;
                    Some(EmailOrder::Runs(spill(runs, by_email(keys, batch)).await?))
                }
                Some(EmailOrder::Runs(runs)) => {
                    Some(EmailOrder::Runs(spill(runs, by_email(keys, batch)).await?))
                }
            };
            sink.progress(Pass::Check, done);
            sink.flush().await?;
        }
        drop(seen);
        drop(batches);
        let a = &ctx.account;
        let pools = [
            ("Licensed", a.licensed_used, a.seats.licensed),
            ("Large Meeting", a.large_meeting_used, a.seats.large_meeting),
            ("Webinar", a.webinar_used, a.seats.webinar),
        ];
        for ((name, used, total), need) in pools.into_iter().zip(seats) {
            if need > 0 && used + need > i64::from(total) {
                return Err(Error::FileNeedsSeats {
                    pool: name,
                    needed: need,
                    free: i64::from(total) - used,
                });
            }
        }
        if options.dry_run {
            return Ok(summary);
        }

        // Pass 2: the rows in email order, in transactions of whole batches.
        let reordered = matches!(email_order, Some(EmailOrder::Runs(_)));
        let rows: Box<dyn NextRow> = match email_order {
            None => return Ok(summary),
            Some(EmailOrder::File { .. }) => Box::new(open_source(source).await?),
            Some(EmailOrder::Runs(runs)) => Box::new(
                tokio::task::spawn_blocking(move || runs.merge())
                    .await
                    .map_err(joined)?
                    .map_err(temporary)?,
            ),
        };
        // Reordered rows are reported in the file's order at the end, if the sink needs it: also
        // when the pass fails, as what was committed is reported.
        let mut ordered = (reordered && sink.in_file_order()).then(order::Runs::new);
        let bulk = self.db.bulk_write().await?;
        let written = self
            .write_pass(
                actor,
                &ctx,
                rows,
                &duplicates,
                &mut summary,
                sink,
                &mut ordered,
            )
            .await;
        bulk.end().await?;
        let reported = match ordered {
            Some(runs) => report_in_order(runs, sink).await,
            None => Ok(()),
        };
        written.and(reported)?;
        tracing::info!(
            created = summary.created,
            invited_to_join = summary.invited_to_join,
            updated = summary.updated,
            unchanged = summary.unchanged,
            errors = summary.errors,
            "import done"
        );
        Ok(summary)
    }
}
