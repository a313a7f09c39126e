//! User management → Import / export: a CSV file uploaded in the browser is first run dry (the
//! per-row report shows what would happen, and nothing changes), then, on request, for real in
//! the background while the page shows its progress (htmx polls it; without JavaScript a
//! `<noscript>` meta refresh reloads it); each report downloads as CSV. Exports stream the
//! users of one status as the API's export does.

mod export;
mod jobs;
mod multipart;

pub use export::export;

use crate::ctx::Ctx;
use crate::errors::{check_csrf, describe, refused, signed_in};
use crate::form::FormData;
use crate::view::{page, see_other, Chrome};
use crate::WebState;
use askama::Template;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jobs::{lock, Collect, Phase, Progress, Upload};
use roster_service::admin::Admin;
use roster_service::users::import::{escape_cell, ImportOptions, ReportRow};
use std::sync::Arc;

/// The largest file the form takes.
const MAX_UPLOAD: usize = 20 * 1024 * 1024;
/// Report rows shown on a page (all of them are in the download).
const SHOWN: usize = 500;

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
    /// `previewed`, `running`, `done` or `failed`.
    phase: &'static str,
    total: u64,
    done: u64,
    /// Created, invited to join, updated, unchanged, errors.
    counts: [u64; 5],
    rows: Vec<ReportRow>,
    more: usize,
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

/// `POST /users/import` (multipart: csrf, file, mode): the dry run, then its report page.
pub async fn upload(
    State(state): State<WebState>,
    ctx: Ctx,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let bad = |key: &str| import_page(&state, &ctx, StatusCode::BAD_REQUEST, ctx.t(key).into());
    let Some(boundary) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(multipart::boundary)
    else {
        return bad("csv.err_form");
    };
    let Ok(bytes) = axum::body::to_bytes(body, MAX_UPLOAD).await else {
        return bad("csv.err_size");
    };
    let Some(parts) = multipart::parse(&bytes, &boundary) else {
        return bad("csv.err_form");
    };
    let text = |name: &str| {
        parts
            .iter()
            .find(|p| p.name == name && p.filename.is_none())
            .map(|p| String::from_utf8_lossy(&p.data).into_owned())
            .unwrap_or_default()
    };
    let form = FormData(vec![("csrf".to_owned(), text("csrf"))]);
    let mode = match text("mode").as_str() {
        "autoCreate" => "autoCreate",
        _ => "create",
    };
    if let Err(r) = check_csrf(&ctx, &state, &form) {
        return r;
    }
    let s = match signed_in(&ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Some(file) = parts
        .into_iter()
        .find(|p| p.name == "file" && !p.data.is_empty())
    else {
        return bad("csv.err_empty");
    };
    let data: Arc<[u8]> = Arc::from(file.data);
    let options = ImportOptions {
        mode: Some(mode.to_owned()),
        dry_run: true,
    };
    let mut sink = Collect::default();
    let summary = state
        .service
        .import_users(
            &s.principal,
            &Upload(Arc::clone(&data)),
            &options,
            &mut sink,
        )
        .await;
    match summary {
        Ok(summary) => {
            let id = jobs::insert(
                s.user.id.to_string(),
                data,
                file.filename.unwrap_or_default(),
                mode.to_owned(),
                sink.0,
                summary,
            );
            see_other(&format!("/users/import/{id}"), &[])
        }
        Err(e) => import_page(
            &state,
            &ctx,
            StatusCode::BAD_REQUEST,
            describe(ctx.lang, &e),
        ),
    }
}

/// `POST /users/import/{job}/run`: starts the real run in the background.
pub async fn run(
    State(state): State<WebState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> Response {
    if let Err(r) = check_csrf(&ctx, &state, &form) {
        return r;
    }
    let s = match signed_in(&ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Some(job) = jobs::find(&id, &s.user.id.to_string()) else {
        return not_found(&state, &ctx);
    };
    let (file, mode) = {
        let mut j = lock(&job);
        if j.phase != Phase::Previewed {
            return see_other(&format!("/users/import/{id}"), &[]);
        }
        j.phase = Phase::Running;
        j.rows.clear();
        j.done = 0;
        (Arc::clone(&j.file), j.mode.clone())
    };
    let service = state.service.clone();
    let principal = s.principal.clone();
    let lang = ctx.lang;
    tokio::spawn(async move {
        let options = ImportOptions {
            mode: Some(mode),
            dry_run: false,
        };
        let mut sink = Progress(Arc::clone(&job));
        let result = service
            .import_users(&principal, &Upload(file), &options, &mut sink)
            .await;
        let mut j = lock(&job);
        match result {
            Ok(summary) => {
                j.summary = summary;
                j.phase = Phase::Done;
            }
            Err(e) => {
                tracing::warn!(error = %e, "portal import stopped");
                j.error = describe(lang, &e);
                j.phase = Phase::Failed;
            }
        }
    });
    see_other(&format!("/users/import/{id}"), &[])
}

fn not_found(state: &WebState, ctx: &Ctx) -> Response {
    crate::errors::message(
        ctx,
        state,
        StatusCode::NOT_FOUND,
        "err.not_found",
        ctx.t("csv.err_job"),
    )
}

/// `GET /users/import/{job}`: the dry run's report, the progress, or the final report.
pub async fn status(State(state): State<WebState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let s = match signed_in(&ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Some(job) = jobs::find(&id, &s.user.id.to_string()) else {
        return not_found(&state, &ctx);
    };
    let p = {
        let j = lock(&job);
        let m = &j.summary;
        JobPage {
            c: Chrome::new(&ctx, &state, "csv.title", "users", "/users/import"),
            id: id.clone(),
            file_name: j.file_name.clone(),
            mode: j.mode.clone(),
            phase: match j.phase {
                Phase::Previewed => "previewed",
                Phase::Running => "running",
                Phase::Done => "done",
                Phase::Failed => "failed",
            },
            total: j.total,
            done: j.done,
            counts: [
                m.created,
                m.invited_to_join,
                m.updated,
                m.unchanged,
                m.errors,
            ],
            rows: j.rows.iter().take(SHOWN).cloned().collect(),
            more: j.rows.len().saturating_sub(SHOWN),
            error: j.error.clone(),
            notices: Vec::new(),
        }
    };
    page(StatusCode::OK, &p, &p.c, &[])
}

/// `GET /users/import/{job}/report.csv`: the report as CSV (the API's columns).
pub async fn report(State(state): State<WebState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let s = match signed_in(&ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Some(job) = jobs::find(&id, &s.user.id.to_string()) else {
        return not_found(&state, &ctx);
    };
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut ok = out
        .write_record(["Line", "Email", "Outcome", "Id", "Reason"])
        .is_ok();
    for r in &lock(&job).rows {
        let line = r.line.to_string();
        ok &= out
            .write_record([
                line.as_str(),
                &escape_cell(&r.email),
                r.outcome.as_str(),
                r.id.as_deref().unwrap_or_default(),
                &escape_cell(&r.reason),
            ])
            .is_ok();
    }
    let Some(body) = out.into_inner().ok().filter(|_| ok) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"import-report.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}
