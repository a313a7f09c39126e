//! Roster's integration suite: one binary (so it links once), every test run against both
//! stores. Each test boots the real server on a random loopback port over a fresh database
//! (a temporary SQLite file, or a new PostgreSQL database on 127.0.0.1:5432) and drives it over
//! HTTP, or runs the real `roster` binary.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[macro_use]
mod support;

mod account_admin;
mod account_defaults;
mod accounts;
mod activation;
mod audit;
mod binary;
mod bulk;
mod concurrency;
mod contacts;
mod domains;
mod external_contacts;
mod groups;
mod import;
mod integrations;
mod invitation_link;
mod joining;
mod live_limits;
mod live_meetings;
mod mail;
mod mail_language;
mod meetings;
mod meetings_access;
mod oauth;
mod oauth_browser;
mod oauth_flow;
mod oauth_installs;
mod ops;
mod portal;
mod portal_browser;
mod privileges;
mod roles;
mod schema;
mod scopes;
mod settings;
mod smtp;
mod store;
mod user_mapping;
mod users;
mod users_manage;
mod webhooks;
mod webhooks_fanout;
