//! `POST /users/import` (multipart: csrf, file, mode): the file is written to the database as
//! the body arrives (the service's `ImportUpload`, in pieces of at most 1 MiB), never held
//! whole; then the dry run, and a redirect to its report. The form token must come before the
//! file (browsers send fields in page order). A refused upload removes what was stored.

use super::multipart::{self, Event, Parser};
use super::{import_page, MAX_UPLOAD};
use crate::ctx::Ctx;
use crate::errors::{check_csrf, describe, refused, signed_in};
use crate::form::FormData;
use crate::view::see_other;
use crate::WebState;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use futures_util::StreamExt;
use roster_service::users::import::jobs::ImportUpload;

/// A text field may not be longer than this.
const MAX_FIELD: usize = 4096;

/// What the form said besides the file.
#[derive(Default)]
struct Fields {
    csrf: String,
    mode: String,
    file_name: String,
    /// The form token was checked (before the file).
    checked: bool,
}

/// The part being read.
enum Current {
    Text(String, String),
    File,
    Other,
}

fn bad(state: &WebState, ctx: &Ctx, key: &str) -> Response {
    import_page(state, ctx, StatusCode::BAD_REQUEST, ctx.t(key).into())
}

fn check(state: &WebState, ctx: &Ctx, f: &mut Fields) -> Result<(), Response> {
    if !f.checked {
        check_csrf(
            ctx,
            state,
            &FormData(vec![("csrf".to_owned(), f.csrf.clone())]),
        )?;
        f.checked = true;
    }
    Ok(())
}

/// Reads the body into `fields` and `upload` (made at the file's first byte).
async fn receive(
    state: &WebState,
    ctx: &Ctx,
    body: Body,
    boundary: &str,
    fields: &mut Fields,
    upload: &mut Option<ImportUpload>,
) -> Result<(), Response> {
    let mut parser = Parser::new(boundary);
    let mut stream = body.into_data_stream();
    let mut current = Current::Other;
    let mut received = 0usize;
    while let Some(piece) = stream.next().await {
        let piece = piece.map_err(|_| bad(state, ctx, "csv.err_form"))?;
        received += piece.len();
        if received > MAX_UPLOAD {
            return Err(bad(state, ctx, "csv.err_size"));
        }
        parser.feed(&piece);
        while let Some(event) = parser
            .next_event()
            .map_err(|multipart::Malformed| bad(state, ctx, "csv.err_form"))?
        {
            match event {
                Event::Part { name, filename } if name == "file" => {
                    check(state, ctx, fields)?;
                    fields.file_name = filename.unwrap_or_default();
                    current = Current::File;
                }
                Event::Part { name, .. } => current = Current::Text(name, String::new()),
                Event::Data(data) => match &mut current {
                    Current::File => {
                        let u = match upload {
                            Some(u) => u,
                            None => {
                                let s = signed_in(ctx)?;
                                let u = state
                                    .service
                                    .begin_import_upload(&s.principal)
                                    .await
                                    .map_err(|e| refused(ctx, state, &e))?;
                                upload.insert(u)
                            }
                        };
                        u.write(&data).await.map_err(|e| refused(ctx, state, &e))?;
                    }
                    Current::Text(_, text) => {
                        if text.len() + data.len() > MAX_FIELD {
                            return Err(bad(state, ctx, "csv.err_form"));
                        }
                        text.push_str(&String::from_utf8_lossy(&data));
                    }
                    Current::Other => {}
                },
                Event::PartEnd => {
                    if let Current::Text(name, text) =
                        std::mem::replace(&mut current, Current::Other)
                    {
                        match name.as_str() {
                            "csrf" => fields.csrf = text,
                            "mode" => fields.mode = text,
                            _ => {}
                        }
                    }
                }
            }
        }
    }
    parser
        .finish()
        .map_err(|multipart::Malformed| bad(state, ctx, "csv.err_form"))
}

/// `POST /users/import`
pub async fn upload(
    State(state): State<WebState>,
    ctx: Ctx,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Some(boundary) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(multipart::boundary)
    else {
        return bad(&state, &ctx, "csv.err_form");
    };
    let mut fields = Fields::default();
    let mut upload = None;
    let received = receive(&state, &ctx, body, &boundary, &mut fields, &mut upload).await;
    let received = received.and_then(|()| check(&state, &ctx, &mut fields));
    let (s, upload) = match (received, upload) {
        (Err(r), upload) => {
            if let Some(u) = upload {
                if let Err(e) = u.abort().await {
                    tracing::error!(error = %e, "removing a refused upload");
                }
            }
            return r;
        }
        (Ok(()), None) => {
            return match signed_in(&ctx) {
                Ok(_) => bad(&state, &ctx, "csv.err_empty"),
                Err(r) => r,
            }
        }
        (Ok(()), Some(u)) => match signed_in(&ctx) {
            Ok(s) => (s, u),
            Err(r) => return r,
        },
    };
    let mode = match fields.mode.trim() {
        "autoCreate" => "autoCreate",
        _ => "create",
    };
    let id = match upload.finish(&fields.file_name, mode).await {
        Ok(id) => id,
        Err(e) => return refused(&ctx, &state, &e),
    };
    match state.service.preview_import_job(&s.principal, &id).await {
        Ok(_) => see_other(&format!("/users/import/{id}"), &[]),
        // The service removed the job: nothing is kept of a refused file.
        Err(e) => import_page(
            &state,
            &ctx,
            StatusCode::BAD_REQUEST,
            describe(ctx.lang, &e),
        ),
    }
}
