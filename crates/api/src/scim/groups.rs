//! `/scim2/Groups`: placeholder until the Groups resource lands.

use crate::AppState;
use axum::Router;

/// The Groups routes.
pub fn routes() -> Router<AppState> {
    Router::new()
}
