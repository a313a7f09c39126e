//! The portal's static files, compiled into the binary: vendored htmx, one stylesheet, the icon.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

const HTMX: &str = include_str!("../static/htmx.min.js");
const CSS: &str = include_str!("../static/portal.css");
const ICON: &str = include_str!("../static/favicon.svg");
const MEETINGS_JS: &str = include_str!("../static/meetings.js");

/// `GET /static/{file}`
pub async fn file(Path(name): Path<String>) -> Response {
    let (body, kind) = match name.as_str() {
        "htmx.min.js" => (HTMX, "text/javascript; charset=utf-8"),
        "portal.css" => (CSS, "text/css; charset=utf-8"),
        "favicon.svg" => (ICON, "image/svg+xml"),
        "meetings.js" => (MEETINGS_JS, "text/javascript; charset=utf-8"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// `GET /favicon.ico`, which browsers ask for on pages without an icon link (the API's own
/// pages, such as `/activate`): the same icon.
pub async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        ICON,
    )
        .into_response()
}
