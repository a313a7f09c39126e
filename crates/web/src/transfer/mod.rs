//! User management → Import / export: a CSV file uploaded in the browser is stored in the
//! database as it arrives and first run dry (the per-row report shows what would happen, and
//! nothing changes), then, on request, for real in the background while the page shows its
//! progress (htmx polls it; without JavaScript a `<noscript>` meta refresh reloads it); each
//! report downloads as CSV. The jobs live in the database (the service's `import::jobs`), so
//! any server answers the progress and the report. Exports stream the users of one status as
//! the API's export does.

mod export;
pub mod multipart;
mod upload;

pub use export::export;
pub use upload::upload;

use crate::ctx::Ctx;
use crate::errors::{describe, refused, signed_in, signed_in_post};
use crate::form::FormData;
use crate::view::{page, see_other, Chrome};
use crate::WebState;
use askama::Template;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use roster_service::admin::Admin;
use roster_service::users::import::jobs::JobPhase;
use roster_service::users::import::{escape_cell, ReportRow};
use roster_service::Error;

/// The largest file the form takes.
const MAX_UPLOAD: usize = 20 * 1024 * 1024;
/// Report rows shown on a page (all of them are in the download).
const SHOWN: u32 = 500;
/// Report rows read from the database at a time for the download.
const PAGE: u32 = 1000;

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    c: Chrome,
    /// Why the file was refused, next to the file input.
    error: String,
    notices: Vec<(bool, String)>,
}

#[derive(Template)]
#[template(path = "import_job.html")]
struct JobPage {
    c: Chrome,
    id: String,
    file_name: String,
    mode: String,
    /// `previewed`, `running`, `done`, `failed` or `stopped` (running, but its server died).
    phase: &'static str,
    total: u64,
    done: u64,
    /// Created, invited to join, updated, unchanged, errors.
    counts: [u64; 5],
    rows: Vec<ReportRow>,
    more: u64,
    error: String,
    notices: Vec<(bool, String)>,
}

fn import_page(state: &WebState, ctx: &Ctx, status: StatusCode, error: String) -> Response {
    let p = ImportPage {
        c: Chrome::new(ctx, state, "users.title", "users", "/users/import"),
        error,
        notices: Vec::new(),
    };
    page(status, &p, &p.c, &[])
}

/// `GET /users/import`
pub async fn show(State(state): State<WebState>, ctx: Ctx) -> Response {
    let s = match signed_in(&ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    // The tab is for those who manage the whole account's users (the import checks again).
    if let Err(e) = state.service.user_summary(Admin::me(&s.principal)).await {
        return refused(&ctx, &state, &e);
    }
    import_page(&state, &ctx, StatusCode::OK, String::new())
}

/// `POST /users/import/{job}/run`: starts the real run in the background.
pub async fn run(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> Response {
    let s = match signed_in_post(&ctx, &state, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    match state.service.start_import_job(&s.principal, &id).await {
        Ok(true) => {}
        // Started already (maybe from another server), or done: its page says which.
        Ok(false) => return see_other(&format!("/users/import/{id}"), &[]),
        Err(e) => return job_refused(&state, &ctx, &e),
    }
    let service = state.service.clone();
    let principal = s.principal.clone();
    let lang = ctx.lang;
    let job = id.clone();
    tokio::spawn(async move {
        let run = service.run_import_job(&principal, &job, |e| describe(lang, e));
        if let Err(e) = run.await {
            tracing::warn!(error = %e, "portal import stopped");
        }
    });
    see_other(&format!("/users/import/{id}"), &[])
}

/// The job is not the caller's (or no more), or another refusal.
fn job_refused(state: &WebState, ctx: &Ctx, e: &Error) -> Response {
    match e {
        Error::ImportJobNotFound(_) => crate::errors::message(
            ctx,
            state,
            StatusCode::NOT_FOUND,
            "err.not_found",
            ctx.t("csv.err_job"),
        ),
        _ => refused(ctx, state, e),
    }
}

/// `GET /users/import/{job}`: the dry run's report, the progress, or the final report.
pub async fn status(State(state): State<WebState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let s = match signed_in(&ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let job = match state.service.import_job(&s.principal, &id).await {
        // A file still arriving has no page yet.
        Ok(j) if j.phase == JobPhase::Uploading => {
            return job_refused(&state, &ctx, &Error::ImportJobNotFound(id))
        }
        Ok(j) => j,
        Err(e) => return job_refused(&state, &ctx, &e),
    };
    let running = job.phase == JobPhase::Running && !job.stopped;
    let rows = if running {
        Vec::new()
    } else {
        match state
            .service
            .import_job_rows(&s.principal, &id, 0, SHOWN)
            .await
        {
            Ok(rows) => rows,
            Err(e) => return job_refused(&state, &ctx, &e),
        }
    };
    let (phase, error) = match job.phase {
        JobPhase::Uploading | JobPhase::Previewed => ("previewed", String::new()),
        // Its server died: the counts are the dry run's, so only the message is shown.
        JobPhase::Running if job.stopped => (
            "stopped",
            ctx.t("csv.stopped")
                .replace("{line}", &job.next_line.to_string()),
        ),
        JobPhase::Running => ("running", String::new()),
        JobPhase::Done => ("done", String::new()),
        JobPhase::Failed => ("failed", job.error.clone()),
    };
    let m = &job.summary;
    let p = JobPage {
        c: Chrome::new(&ctx, &state, "csv.title", "users", "/users/import"),
        id: job.id.clone(),
        file_name: job.file_name.clone(),
        mode: job.mode.clone(),
        phase,
        total: job.total,
        done: job.done,
        counts: [
            m.created,
            m.invited_to_join,
            m.updated,
            m.unchanged,
            m.errors,
        ],
        more: job.reported.saturating_sub(rows.len() as u64),
        rows,
        error,
        notices: Vec::new(),
    };
    page(StatusCode::OK, &p, &p.c, &[])
}

/// One report line as CSV (the API's columns).
fn csv_line(r: &ReportRow) -> Vec<u8> {
    let mut out = csv::WriterBuilder::new()
        .has_headers(false)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let line = r.line.to_string();
    let written = out.write_record([
        line.as_str(),
        &escape_cell(&r.email),
        r.outcome.as_str(),
        r.id.as_deref().unwrap_or_default(),
        &escape_cell(&r.reason),
    ]);
    match (written, out.into_inner()) {
        (Ok(()), Ok(bytes)) => bytes,
        _ => Vec::new(),
    }
}

/// `GET /users/import/{job}/report.csv`: the report as CSV (the API's columns), streamed from
/// the database a page at a time.
pub async fn report(State(state): State<WebState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let s = match signed_in(&ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    if let Err(e) = state.service.import_job(&s.principal, &id).await {
        return job_refused(&state, &ctx, &e);
    }
    let service = state.service.clone();
    let principal = s.principal.clone();
    let head = b"Line,Email,Outcome,Id,Reason\r\n".to_vec();
    // (the last line sent, whether the report is finished)
    let pages = futures_util::stream::unfold((0u64, false), move |(after, finished)| {
        let (service, principal, id) = (service.clone(), principal.clone(), id.clone());
        async move {
            if finished {
                return None;
            }
            match service.import_job_rows(&principal, &id, after, PAGE).await {
                Ok(rows) if rows.is_empty() => None,
                Ok(rows) => {
                    let last = rows.last().map_or(after, |r| r.line);
                    let full = rows.len() == PAGE as usize;
                    let bytes: Vec<u8> = rows.iter().flat_map(csv_line).collect();
                    Some((Ok::<_, std::io::Error>(bytes), (last, !full)))
                }
                Err(e) => {
                    tracing::error!(error = %e, "portal import report failed midway");
                    Some((Err(std::io::Error::other(e.to_string())), (after, true)))
                }
            }
        }
    });
    let body = futures_util::StreamExt::chain(
        futures_util::stream::once(std::future::ready(Ok(head))),
        pages,
    );
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"import-report.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        Body::from_stream(body),
    )
        .into_response()
}
