//! What belongs to a person rather than to an account, and moves with them when they join
//! another account: the meetings they host, their recordings' metadata. Their contacts and
//! settings are keyed by the user alone and need no move; their chat history keeps the account
//! it was written in, so the new account's admins do not see it. Channels belong to an
//! account: a person leaving it leaves its channels.

use crate::{params, Conn, Result};
use roster_domain::{AccountId, UserId};

/// What [`move_to_account`] moved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Moved {
    pub meetings: u64,
    pub recordings: u64,
}

/// Moves a person's meetings and recordings from one account to another.
pub async fn move_to_account(
    conn: &mut Conn,
    user: &UserId,
    from: &AccountId,
    to: &AccountId,
) -> Result<Moved> {
    let meetings = conn
        .execute(
            "UPDATE meetings SET account_id = $1 WHERE host_id = $2 AND account_id = $3",
            params![to.as_str(), user.as_str(), from.as_str()],
        )
        .await?;
    let recordings = conn
        .execute(
            "UPDATE recordings SET account_id = $1 WHERE user_id = $2 AND account_id = $3",
            params![to.as_str(), user.as_str(), from.as_str()],
        )
        .await?;
    // Scheduling assistants are colleagues: the relation ends when either leaves the account.
    crate::meetings::forget_delegations(conn, user).await?;
    conn.execute(
        "DELETE FROM chat_channel_members WHERE user_id = $1 AND channel_id IN \
         (SELECT id FROM chat_channels WHERE account_id = $2)",
        params![user.as_str(), from.as_str()],
    )
    .await?;
    Ok(Moved {
        meetings,
        recordings,
    })
}

/// Gives a leaving user's meetings and/or recordings to another user of the same account.
/// Only meetings still to come move (waiting, with a start from `now` on or no fixed time);
/// past, live and instant ones stay with the leaving user (and go when they are deleted).
pub async fn transfer(
    conn: &mut Conn,
    from: &UserId,
    to: &UserId,
    meetings: bool,
    recordings: bool,
    now: time::OffsetDateTime,
) -> Result<Moved> {
    let mut moved = Moved::default();
    if meetings {
        moved.meetings = crate::meetings::transfer_upcoming(conn, from, to, now).await?;
    }
    if recordings {
        moved.recordings = conn
            .execute(
                "UPDATE recordings SET user_id = $1 WHERE user_id = $2",
                params![to.as_str(), from.as_str()],
            )
            .await?;
    }
    Ok(moved)
}

/// Deletes everything that is a user's own (when the user is deleted): what they host, their
/// contacts, chat history and channel memberships; and the user leaves their colleagues'
/// contact lists (where they would otherwise turn into an external contact). Call it before
/// the user's row goes.
pub async fn delete_all(conn: &mut Conn, user: &UserId) -> Result<()> {
    conn.execute(
        "DELETE FROM contacts WHERE email = \
         (SELECT email FROM users WHERE id = $1 AND joins_user_id IS NULL) \
         AND user_id IN (SELECT id FROM users WHERE account_id = \
         (SELECT account_id FROM users WHERE id = $1))",
        params![user.as_str()],
    )
    .await?;
    crate::meetings::forget_delegations(conn, user).await?;
    for sql in [
        "DELETE FROM meetings WHERE host_id = $1",
        "DELETE FROM recordings WHERE user_id = $1",
        "DELETE FROM contacts WHERE user_id = $1",
        "DELETE FROM chat_messages WHERE user_id = $1",
        "DELETE FROM chat_channel_members WHERE user_id = $1",
    ] {
        conn.execute(sql, params![user.as_str()]).await?;
    }
    Ok(())
}
