//! Roster extensions for bulk administration: `POST /v2/users/import` (a CSV file in, as the
//! body or as the part named `file` of a form; a per-row report out, as JSON or, with
//! `Accept: text/csv`, as CSV) and `GET /v2/users/export` (a CSV
//! file, streamed). The upload is spooled to a temporary file, which the import reads on a
//! blocking thread; the report is spooled too, so memory does not grow with the file.

use crate::error::{code, ErrorBody};
use crate::extract::{Caller, ZoomQuery};
use crate::{AppState, ZoomError};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use roster_service::users::import::{ImportOptions, ImportSink, ReportRow};
use roster_service::Error;
use roster_web::multipart::{self, Event};
use serde::Deserialize;
use std::io::{Read, Seek, Write};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ImportParams {
    /// How new users are added: `create` (invitations, the default) or `autoCreate` (active
    /// users, managed domains only).
    pub mode: Option<String>,
    /// `true`: report what would happen and change nothing.
    pub dry_run: Option<bool>,
}

/// Writes the report rows to a file, as CSV lines or as JSON array items.
struct Spool {
    file: std::io::BufWriter<std::fs::File>,
    csv: bool,
    first: bool,
}

impl ImportSink for Spool {
    fn row(&mut self, r: &ReportRow) -> std::io::Result<()> {
        if self.csv {
            let mut w = csv::WriterBuilder::new()
                .has_headers(false)
                .terminator(csv::Terminator::CRLF)
                .from_writer(&mut self.file);
            let line = r.line.to_string();
            w.write_record([
                line.as_str(),
                &roster_service::users::import::escape_cell(&r.email),
                r.outcome.as_str(),
                r.id.as_deref().unwrap_or_default(),
                &roster_service::users::import::escape_cell(&r.reason),
            ])?;
            w.flush()?;
        } else {
            if !self.first {
                self.file.write_all(b",")?;
            }
            let mut item = serde_json::Map::new();
            item.insert("line".into(), r.line.into());
            item.insert("email".into(), r.email.as_str().into());
            item.insert("outcome".into(), r.outcome.as_str().into());
            if let Some(id) = &r.id {
                item.insert("id".into(), id.as_str().into());
            }
            if !r.reason.is_empty() {
                item.insert("reason".into(), r.reason.as_str().into());
            }
            serde_json::to_writer(&mut self.file, &item)?;
        }
        self.first = false;
        Ok(())
    }
}

fn refused(message: &str) -> ZoomError {
    ZoomError::new(
        StatusCode::BAD_REQUEST,
        code::VALIDATION,
        message.to_owned(),
    )
}

/// Writes the uploaded CSV file to `to` as it arrives: the body itself (`text/csv`, or any
/// type but JSON, since tools label CSV files many ways), or the part named `file` of a
/// `multipart/form-data` body (`curl -F file=@users.csv`, an HTML form).
async fn spool_upload(
    headers: &HeaderMap,
    body: Body,
    to: &std::fs::File,
) -> Result<(), ZoomError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    // The boundary keeps its case; the type is compared without.
    let kind = content_type.to_ascii_lowercase();
    if kind.starts_with("application/json") {
        return Err(refused(
            "The request body should be the CSV file itself (Content-Type: text/csv), or a \
             multipart/form-data form whose part named file is the CSV file.",
        ));
    }
    let mut parser = if kind.starts_with("multipart/form-data") {
        let boundary = multipart::boundary(content_type).ok_or_else(|| {
            refused("The multipart/form-data Content-Type has no boundary parameter.")
        })?;
        Some(multipart::Parser::new(&boundary))
    } else {
        None
    };
    let malformed = || refused("The multipart/form-data body is malformed.");
    let mut writer = std::io::BufWriter::new(to);
    let mut in_file = false;
    let mut found = false;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| refused(&e.to_string()))?;
        let Some(parser) = parser.as_mut() else {
            writer.write_all(&chunk).map_err(internal)?;
            continue;
        };
        parser.feed(&chunk);
        while let Some(event) = parser.next_event().map_err(|_| malformed())? {
            match event {
                // The first part named `file`; any later one is ignored.
                Event::Part { name, .. } => {
                    in_file = name == "file" && !found;
                    found |= in_file;
                }
                Event::Data(data) if in_file => writer.write_all(&data).map_err(internal)?,
                Event::Data(_) => {}
                Event::PartEnd => in_file = false,
            }
        }
    }
    if let Some(parser) = &parser {
        parser.finish().map_err(|_| malformed())?;
        if !found {
            return Err(refused(
                "The multipart/form-data form has no part named file: send the CSV file as \
                 that part (curl -F file=@users.csv).",
            ));
        }
    }
    writer.flush().map_err(internal)?;
    Ok(())
}

fn internal(e: impl std::fmt::Display) -> ZoomError {
    ZoomError::from(Error::Internal(e.to_string()))
}

/// A file's contents as a response body stream, after `prefix` and before `suffix`.
fn file_body(mut file: std::fs::File, prefix: Vec<u8>, suffix: Vec<u8>) -> Body {
    let chunks = futures_util::stream::unfold(Some(prefix), move |state| {
        let next = match state {
            Some(p) => Some((Ok::<_, std::io::Error>(p), None)),
            None => {
                let mut buf = vec![0u8; 64 * 1024];
                match file.read(&mut buf) {
                    Ok(0) => None,
                    Ok(n) => {
                        buf.truncate(n);
                        Some((Ok(buf), None))
                    }
                    Err(e) => Some((Err(e), None)),
                }
            }
        };
        std::future::ready(next)
    })
    .chain(futures_util::stream::iter([Ok(suffix)]));
    Body::from_stream(chunks)
}

#[utoipa::path(post, path = "/v2/users/import", tag = "users", params(ImportParams),
    request_body(content = String, content_type = "text/csv", description = "The CSV file as the body (or the part named file of a multipart/form-data form). Columns: Email, First Name, Last Name, Type, Department, Job Title, Location, Manager, Group, Role, Custom Attributes"),
    security(("bearer" = [])),
    responses((status = 200, description = "The per-row report: JSON, or CSV with `Accept: text/csv`"),
        (status = 400, description = "Malformed file, unknown column, wrong encoding (300, naming the line); oversold seats (3412); no privilege (200)", body = ErrorBody)))]
pub async fn import_users(
    State(state): State<AppState>,
    Caller(p): Caller,
    ZoomQuery(params): ZoomQuery<ImportParams>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ZoomError> {
    let want_csv = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/csv"));
    let upload = tempfile::NamedTempFile::new().map_err(internal)?;
    spool_upload(&headers, body, upload.as_file()).await?;
    let report = tempfile::tempfile().map_err(internal)?;
    let mut spool = Spool {
        file: std::io::BufWriter::new(report.try_clone().map_err(internal)?),
        csv: want_csv,
        first: true,
    };
    let options = ImportOptions {
        mode: params.mode,
        dry_run: params.dry_run.unwrap_or(false),
    };
    let summary = state
        .service
        .import_users(&p, &upload.path().to_path_buf(), &options, &mut spool)
        .await
        .map_err(|e| match e {
            Error::InvalidInput {
                field: "file",
                message,
            } => ZoomError::new(StatusCode::BAD_REQUEST, code::VALIDATION, message),
            other => other.into(),
        })?;
    spool.file.flush().map_err(internal)?;
    drop(spool);
    let mut report = report;
    report.rewind().map_err(internal)?;
    if want_csv {
        let head = b"Line,Email,Outcome,Id,Reason\r\n".to_vec();
        return Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"import-report.csv\"",
                ),
            ],
            file_body(report, head, Vec::new()),
        )
            .into_response());
    }
    let head = format!(
        "{{\"dry_run\":{},\"total_rows\":{},\"created\":{},\"invited_to_join\":{},\"updated\":{},\"unchanged\":{},\"errors\":{},\"rows\":[",
        summary.dry_run, summary.rows, summary.created, summary.invited_to_join, summary.updated, summary.unchanged, summary.errors
    );
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        file_body(report, head.into_bytes(), b"]}".to_vec()),
    )
        .into_response())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ExportParams {
    /// `active` (the default), `inactive` or `pending`.
    pub status: Option<String>,
}

#[utoipa::path(get, path = "/v2/users/export", tag = "users", params(ExportParams),
    security(("bearer" = [])),
    responses((status = 200, description = "The users as CSV (the import's columns), streamed", content_type = "text/csv"),
        (status = 400, description = "Bad status (300) or no privilege (200)", body = ErrorBody)))]
pub async fn export_users(
    State(state): State<AppState>,
    Caller(p): Caller,
    ZoomQuery(params): ZoomQuery<ExportParams>,
) -> Result<Response, ZoomError> {
    let exporter = state
        .service
        .export_users(&p, params.status.as_deref())
        .await?;
    let chunks = futures_util::stream::unfold(Some(exporter), |state| async move {
        let mut e = state?;
        match e.next_chunk().await {
            Ok(Some(chunk)) => Some((Ok::<_, std::io::Error>(chunk), Some(e))),
            Ok(None) => None,
            Err(err) => {
                tracing::error!(error = %err, "export failed midway");
                Some((Err(std::io::Error::other(err.to_string())), None))
            }
        }
    });
    let name = format!(
        "attachment; filename=\"users-{}.csv\"",
        params.status.as_deref().unwrap_or("active")
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, name),
        ],
        Body::from_stream(chunks),
    )
        .into_response())
}
