//! The `roster` binary's library half: configuration, telemetry, the CLI and server start-up.
//! Integration tests drive the same entry points `main` uses.

pub mod app_cli;
pub mod chat_cli;
pub mod cli;
pub mod config;
mod csv_cli;
pub mod meeting_cli;
pub mod startup;
pub mod telemetry;

pub use config::Config;
pub use startup::Application;
