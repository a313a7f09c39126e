//! `/scim2/Bulk`: placeholder until Bulk lands.

use crate::AppState;
use axum::Router;

/// The Bulk route.
pub fn routes() -> Router<AppState> {
    Router::new()
}
