//! `GET /users/export?status=`: the users of one status as the API's CSV export, streamed as a
//! download (the service's [`roster_service::users::export::Exporter`], page by page).

use crate::ctx::Ctx;
use crate::errors::{refused, signed_in};
use crate::WebState;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct ExportQuery {
    pub status: Option<String>,
}

/// `GET /users/export`
pub async fn export(
    State(state): State<WebState>,
    ctx: Ctx,
    Query(q): Query<ExportQuery>,
) -> Response {
    let s = match signed_in(&ctx) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let status = q.status.filter(|v| !v.is_empty());
    let exporter = match state
        .service
        .export_users(&s.principal, status.as_deref())
        .await
    {
        Ok(e) => e,
        Err(e) => return refused(&ctx, &state, &e),
    };
    let chunks = futures_util::stream::unfold(Some(exporter), |state| async move {
        let mut e = state?;
        match e.next_chunk().await {
            Ok(Some(chunk)) => Some((Ok::<_, std::io::Error>(chunk), Some(e))),
            Ok(None) => None,
            Err(err) => {
                tracing::error!(error = %err, "portal export failed midway");
                Some((Err(std::io::Error::other(err.to_string())), None))
            }
        }
    });
    let name = format!(
        "attachment; filename=\"users-{}.csv\"",
        status.as_deref().unwrap_or("active")
    );
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, name),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        Body::from_stream(chunks),
    )
        .into_response()
}
