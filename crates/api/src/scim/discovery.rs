//! ``/scim2/ServiceProviderConfig`, `/ResourceTypes`, `/Schemas`: placeholder until discovery lands.

use crate::AppState;
use axum::Router;

/// The discovery routes.
pub fn routes() -> Router<AppState> {
    Router::new()
}
