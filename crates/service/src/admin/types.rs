//! Changing every user of one type to another, all or nothing: one set-based UPDATE in one
//! transaction, the seat pools checked once for the whole set (a full pool refuses it and
//! nothing changes), add-ons dropped and their seats returned when the new type is not paid.

use super::{writable, Admin};
use crate::events::{self, Event};
use crate::{Error, Result, Service};
use roster_domain::bulk::{type_change_seats, SeatDelta};
use roster_domain::{CreateAction, Privilege, TypeError, UserType};
use roster_store::accounts::{self, Pool};
use roster_store::Conn;
use serde_json::{json, Map};

/// What an account-wide type change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypeChange {
    pub from: UserType,
    pub to: UserType,
    /// Users whose type changed (every user of `from` but the Owner and Admins).
    pub changed: i64,
    /// Seats taken (> 0) or returned (< 0) per pool.
    pub seats: SeatDelta,
}

fn parse_type(field: &'static str, code: i64) -> Result<UserType> {
    UserType::from_code(code).ok_or_else(|| Error::invalid(field, TypeError::Unknown))
}

async fn move_pool(
    conn: &mut Conn,
    account: &roster_domain::AccountId,
    pool: Pool,
    delta: i64,
    name: &'static str,
) -> Result<()> {
    if accounts::adjust_seats(conn, account, pool, delta).await? {
        Ok(())
    } else {
        Err(Error::SeatsExhausted(name))
    }
}

impl Service {
    /// Gives every user of type `from` type `to`, except the Owner and Admins (custom roles are
    /// included). All or nothing: when the Licensed pool cannot seat every active and pending
    /// user moving to a paid type, nothing changes. Records one `account.users_type_changed`
    /// event with the counts (not one event per user).
    #[tracing::instrument(skip_all, fields(from, to))]
    pub async fn change_users_type(
        &self,
        admin: Admin<'_>,
        from: i64,
        to: i64,
    ) -> Result<TypeChange> {
        let from = parse_type("from", from)?;
        let to = parse_type("to", to)?;
        if from == to {
            return Err(Error::invalid("to", "to must differ from from"));
        }
        let mut tx = self.db.begin().await?;
        let account = writable(&mut tx, &admin, Privilege::UserEdit).await?;
        to.check_allowed(CreateAction::Create, account.on_prem_enabled)
            .map_err(Error::UserType)?;
        let at = self.now();
        let drop_add_ons = !to.takes_licensed_seat();
        let affected =
            roster_store::admin::change_type_all(&mut tx, &account.id, from, to, drop_add_ons, at)
                .await?;
        let changed = affected.holders + affected.inactive;
        let seats = type_change_seats(from, to, affected);
        if changed == 0 {
            return Ok(TypeChange {
                from,
                to,
                changed,
                seats,
            });
        }
        // Returns first, so a pool is never briefly over its size; a refusal drops the
        // transaction, and with it the UPDATE.
        move_pool(
            &mut tx,
            &account.id,
            Pool::LargeMeeting,
            seats.large_meeting,
            "Large Meeting",
        )
        .await?;
        move_pool(
            &mut tx,
            &account.id,
            Pool::Webinar,
            seats.webinar,
            "Webinar",
        )
        .await?;
        move_pool(
            &mut tx,
            &account.id,
            Pool::Licensed,
            seats.licensed,
            "Licensed",
        )
        .await?;
        let actor = admin.actor();
        let event = Event {
            account_id: &account.id,
            kind: "account.users_type_changed",
            actor: &actor,
            target: account.id.as_str(),
            object: json!({
                "id": account.id.as_str(),
                "from_type": from.code(),
                "to_type": to.code(),
                "changed": changed,
                "excluded_roles": ["0", "1"],
            }),
            extra: Map::from_iter([
                ("seat_holders".to_owned(), json!(affected.holders)),
                ("inactive".to_owned(), json!(affected.inactive)),
                (
                    "seats".to_owned(),
                    json!({
                        "licensed": seats.licensed,
                        "large_meeting": seats.large_meeting,
                        "webinar": seats.webinar,
                    }),
                ),
            ]),
        };
        events::emit(&mut tx, event, at).await?;
        tx.commit().await?;
        tracing::info!(changed, "users' type changed");
        Ok(TypeChange {
            from,
            to,
            changed,
            seats,
        })
    }
}
