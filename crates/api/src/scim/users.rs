//! `/scim2/Users`: placeholder until the Users resource lands.

use crate::AppState;
use axum::Router;

/// The Users routes.
pub fn routes() -> Router<AppState> {
    Router::new()
}
