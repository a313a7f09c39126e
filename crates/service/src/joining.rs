//! Joining an organisation with a standalone account. When an admin invites an email that
//! belongs to the Owner of a single-person account, the invitation is a pending placeholder user
//! in the inviting account that points at the person's user. Accepting it moves that user into
//! the organisation with their profile, meetings, recordings, contacts, chat history and
//! settings (the organisation's locks apply to settings as they are read); licences come from
//! the invitation, and reports and history stay with the old account, which is closed. A paid
//! standalone account gets a prorated refund in its billing ledger. All of it is one
//! transaction: any refusal leaves both accounts as they were.

use crate::activation::ActivationInfo;
use crate::events::{self, Event};
use crate::users::{event_object, move_seats};
use crate::{hashing, Actor, Error, Result, Service};
use roster_domain::billing::{format_cents, prorated_refund};
use roster_domain::{AccountId, Email, Role, Secret, UserStatus};
use roster_store::users::{self, UserRecord};
use roster_store::{accounts, billing, groups, invitations, personal, Conn};
use serde_json::{json, Map};
use time::OffsetDateTime;

/// What the activation page says about a join before it is accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinInfo {
    /// The standalone account the person leaves.
    pub from_account_name: String,
    /// Whether they must confirm with their current password.
    pub needs_password: bool,
    /// The refund they would get now, formatted with its currency (`12.34 USD`).
    pub refund: Option<String>,
}

/// The user behind `email` if they are the Owner of an open standalone account (sign-up or
/// unlinked) with nobody else in it: someone who can join `inviting`.
pub(crate) async fn standalone_owner(
    conn: &mut Conn,
    email: &Email,
    inviting: &AccountId,
) -> Result<Option<UserRecord>> {
    let Some(u) = users::find_registered(conn, email).await? else {
        return Ok(None);
    };
    let standalone = u.role == Role::Owner
        && u.status == UserStatus::Active
        && &u.account_id != inviting
        && accounts::is_open_standalone(conn, &u.account_id).await?
        && accounts::user_total(conn, &u.account_id).await? == 1;
    Ok(standalone.then_some(u))
}

/// The refund owed if the account's paid period ended at `at`: (cents, currency).
async fn refund_due(
    conn: &mut Conn,
    account: &AccountId,
    at: OffsetDateTime,
) -> Result<Option<(i64, String, billing::Subscription)>> {
    let Some(sub) = billing::find_subscription(conn, account).await? else {
        return Ok(None);
    };
    if sub.status != "active" {
        return Ok(None);
    }
    let cents = prorated_refund(sub.amount_cents, sub.period_start, sub.period_end, at);
    Ok(Some((cents, sub.currency.clone(), sub)))
}

/// The join an invitation placeholder stands for, as the page shows it.
pub(crate) async fn join_info(conn: &mut Conn, placeholder: &UserRecord) -> Result<JoinInfo> {
    let person = standalone_owner(conn, &placeholder.email, &placeholder.account_id)
        .await?
        .filter(|p| Some(&p.id) == placeholder.joins_user_id.as_ref())
        .ok_or_else(|| Error::JoinUnavailable(placeholder.email.to_string()))?;
    let from = accounts::find(conn, &person.account_id)
        .await?
        .ok_or_else(|| Error::JoinUnavailable(placeholder.email.to_string()))?;
    let refund = refund_due(conn, &person.account_id, crate::record_time())
        .await?
        .filter(|(cents, ..)| *cents > 0)
        .map(|(cents, currency, _)| format!("{} {currency}", format_cents(cents)));
    Ok(JoinInfo {
        from_account_name: from.name,
        needs_password: person.password_hash.is_some(),
        refund,
    })
}

impl Service {
    /// Accepts an invitation to join: the person confirms with their current password (when
    /// they have one) and their account moves into the organisation.
    #[tracing::instrument(skip_all)]
    pub async fn accept_join(&self, token: &str, password: &str) -> Result<ActivationInfo> {
        let info = self.check_activation(token).await?;
        if info.joining.is_none() {
            return Err(Error::invalid(
                "token",
                "this link activates a new account: choose a name and password instead",
            ));
        }
        {
            let person = {
                let mut conn = self.db.read().await?;
                users::find_registered(&mut conn, &info.email).await?
            }
            .ok_or_else(|| Error::JoinUnavailable(info.email.to_string()))?;
            // The read connection is back in the pool before the slow hash check.
            if let Some(hash) = person.password_hash {
                if !hashing::verify_password(hash, password.to_owned()).await? {
                    return Err(Error::invalid(
                        "current_password",
                        "That is not the password of your Roster account.",
                    ));
                }
            }
        }
        let hash = Secret::presented(token.trim()).hash();
        let at = self.now();
        let mut tx = self.db.begin().await?;
        let Some(p) = invitations::take_by_token(&mut tx, &hash, at).await? else {
            return Err(Error::InvitationNotFound);
        };
        let placeholder = users::find_by_id(&mut tx, &p.account_id, &p.user_id)
            .await?
            .filter(|u| u.status == UserStatus::Pending && u.joins_user_id.is_some())
            .ok_or(Error::InvitationNotFound)?;
        let person = standalone_owner(&mut tx, &placeholder.email, &placeholder.account_id)
            .await?
            .filter(|u| Some(&u.id) == placeholder.joins_user_id.as_ref())
            .ok_or_else(|| Error::JoinUnavailable(placeholder.email.to_string()))?;
        let joined = join(&mut tx, &placeholder, &person, at).await?;
        let account = accounts::find(&mut tx, &joined.account_id)
            .await?
            .ok_or(Error::InvitationNotFound)?;
        crate::mail::enqueue_welcome(
            &mut tx,
            &self.settings.public_url,
            &joined,
            &account.name,
            at,
        )
        .await?;
        tx.commit().await?;
        tracing::info!(user_id = %joined.id, "joined an organisation with a standalone account");
        Ok(ActivationInfo {
            email: joined.email,
            account_name: account.name,
            first_name: joined.first_name,
            last_name: joined.last_name,
            joining: None,
            signup: false,
        })
    }
}

/// Moves `person` (the Owner of a standalone account) into the placeholder's account.
async fn join(
    tx: &mut Conn,
    placeholder: &UserRecord,
    person: &UserRecord,
    at: OffsetDateTime,
) -> Result<UserRecord> {
    let from = person.account_id.clone();
    let to = placeholder.account_id.clone();
    let actor = Actor::Operator;

    // Billing first: the unused part of a paid period is owed back.
    if let Some((cents, currency, sub)) = refund_due(tx, &from, at).await? {
        billing::end_subscription(tx, &from, at).await?;
        if cents > 0 {
            let description = format!(
                "Prorated refund of the {} plan: the account joined another organisation before its paid period ended",
                sub.plan
            );
            billing::record(
                tx,
                &billing::NewEntry {
                    account_id: &from,
                    kind: "prorated_refund",
                    amount_cents: cents,
                    currency: &currency,
                    description: &description,
                    period: Some((at, sub.period_end)),
                    at,
                },
            )
            .await?;
            let mut extra = Map::new();
            extra.insert(
                "refund".into(),
                json!({"amount_cents": cents, "currency": currency, "plan": sub.plan}),
            );
            events::emit(
                tx,
                Event {
                    account_id: &from,
                    kind: "billing.refund_recorded",
                    actor: &actor,
                    target: from.as_str(),
                    object: json!({"id": from.as_str()}),
                    extra,
                },
                at,
            )
            .await?;
        }
    }

    // The placeholder gives back what it held; the person leaves their own account's seats
    // and chat groups, then takes the invitation's type, add-ons, role and group.
    let chat_groups = placeholder.chat_group_ids.clone();
    move_seats(tx, placeholder, -1).await?;
    users::delete(tx, placeholder).await?;
    move_seats(tx, person, -1).await?;
    groups::leave_chat_groups(tx, &person.id).await?;
    let mut joined = person.clone();
    joined.account_id = to.clone();
    joined.user_type = placeholder.user_type;
    joined.add_ons = placeholder.add_ons;
    joined.role = placeholder.role.clone();
    joined.group_id = placeholder.group_id.clone();
    joined.status = UserStatus::Active;
    joined.joined_at = Some(at);
    joined.updated_at = at;
    // Conditional on the person still being in their own account: of two organisations'
    // invitations accepted at once, the second finds them gone and rolls back.
    if !users::update(tx, person, &joined).await? {
        return Err(Error::JoinUnavailable(person.email.to_string()));
    }
    crate::installs::approver_hook(tx, &crate::Actor::System, person, Some(&joined), at).await?;
    move_seats(tx, &joined, 1).await?;
    for g in &chat_groups {
        groups::add_member(tx, groups::GroupKind::Chat, g, &joined.id, at).await?;
    }
    joined.chat_group_ids = chat_groups;
    let moved = personal::move_to_account(tx, &joined.id, &from, &to).await?;
    accounts::close(tx, &from, at).await?;

    let mut extra = Map::new();
    extra.insert("joined_from_standalone_account".into(), json!(true));
    extra.insert("invitation_user_id".into(), json!(placeholder.id.as_str()));
    extra.insert(
        "moved".into(),
        json!({"meetings": moved.meetings, "recordings": moved.recordings}),
    );
    events::emit(
        tx,
        Event {
            account_id: &to,
            kind: "user.invitation_accepted",
            actor: &actor,
            target: joined.id.as_str(),
            object: event_object(&joined),
            extra,
        },
        at,
    )
    .await?;
    let mut extra = Map::new();
    extra.insert("reason".into(), json!("joined_another_account"));
    events::emit(
        tx,
        Event {
            account_id: &from,
            kind: "account.closed",
            actor: &actor,
            target: from.as_str(),
            object: json!({"id": from.as_str(), "owner_id": joined.id.as_str()}),
            extra,
        },
        at,
    )
    .await?;
    Ok(joined)
}
