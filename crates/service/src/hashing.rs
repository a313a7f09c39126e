//! Password hashing off the async threads, with at most one hash per core at a time, so a burst
//! of sign-ups or sign-ins cannot starve request handling (argon2id costs ~60 ms of CPU).

use crate::{Error, Result};
use roster_domain::{Password, PasswordHash};
use std::sync::OnceLock;
use tokio::sync::Semaphore;

fn permits() -> &'static Semaphore {
    static SEM: OnceLock<Semaphore> = OnceLock::new();
    SEM.get_or_init(|| {
        Semaphore::new(std::thread::available_parallelism().map_or(1, std::num::NonZero::get))
    })
}

pub(crate) async fn hash_password(password: Password) -> Result<PasswordHash> {
    let _permit = permits()
        .acquire()
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    tokio::task::spawn_blocking(move || password.hash())
        .await
        .map_err(|e| Error::Internal(e.to_string()))?
        .map_err(|e| Error::Internal(e.to_string()))
}

/// Checks a password against a stored hash, off the async threads like [`hash_password`].
pub(crate) async fn verify_password(hash: PasswordHash, candidate: String) -> Result<bool> {
    let _permit = permits()
        .acquire()
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    tokio::task::spawn_blocking(move || hash.verify(&candidate))
        .await
        .map_err(|e| Error::Internal(e.to_string()))
}
