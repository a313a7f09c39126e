//! Background workers. Each is a tokio task that ends when told to shut down; none keeps state
//! the database does not have, so any number of servers can run them side by side.

pub mod caps;
pub mod mail;
pub mod periodic;
pub mod webhooks;
