//! Managed (associated) domains and their proof of ownership. An Owner or Admin adds a domain:
//! it is *pending*, with a random token, and the answer names the DNS TXT record to publish.
//! Verifying looks the record up through a real resolver and, when the token is there, marks
//! the domain *verified*; only then does the account manage it (`autoCreate` on it, its users
//! cannot be unlinked, sign-ups with it join the account). A domain another account has
//! verified cannot be added; of two accounts verifying one domain, the database lets one win.
//! The operator (CLI) may record a domain as verified at once.

mod signup;
mod verify;

use crate::events::{self, Event};
use crate::{Actor, Error, Result, Service};
use roster_domain::managed_domain::zone_line;
use roster_domain::{
    AccountId, DomainName, DomainStatus, Principal, TypeError, UserType, VerificationToken,
};
use roster_store::accounts::{self, AccountRecord};
use roster_store::groups::{self, GroupKind};
use roster_store::managed_domains::{self as stored, DomainRecord};
use roster_store::Conn;
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

/// A domain to add, as the caller sent it.
#[derive(Debug, Clone, Default)]
pub struct NewDomain {
    pub domain: String,
    /// Zoom's numeric type for new users on the domain: 1, 2 or 3.
    pub default_type: Option<i64>,
    /// A settings group of the account for new users on the domain.
    pub default_group_id: Option<String>,
}

/// A change of a domain's defaults: `None` leaves a default as it is, `Some(None)` (or an empty
/// group id) removes it.
#[derive(Debug, Clone, Default)]
pub struct DomainPatch {
    pub default_type: Option<Option<i64>>,
    pub default_group_id: Option<Option<String>>,
}

/// A domain of an account, with the record that proves it.
#[derive(Debug, Clone)]
pub struct DomainView {
    pub domain: String,
    pub status: DomainStatus,
    /// Where the TXT record goes, e.g. `_roster-verification.example.edu`.
    pub record_name: String,
    /// The record's text: `roster-verification=TOKEN`.
    pub record_value: String,
    /// Both as one zone-file line, to copy.
    pub record: String,
    pub default_type: Option<i64>,
    pub default_group_id: Option<String>,
    pub created_at: OffsetDateTime,
    pub verified_at: Option<OffsetDateTime>,
}

impl DomainView {
    fn of(d: &DomainRecord) -> Self {
        Self {
            domain: d.domain.to_string(),
            status: d.status,
            record_name: d.domain.record_name().trim_end_matches('.').to_owned(),
            record_value: d.token.record_value(),
            record: zone_line(&d.domain, &d.token),
            default_type: d.default_type.map(UserType::code),
            default_group_id: d.default_group_id.clone(),
            created_at: d.created_at,
            verified_at: d.verified_at,
        }
    }

    /// The `object` of domain events.
    fn event_object(&self) -> Value {
        json!({
            "domain": self.domain,
            "status": self.status.as_str(),
            "default_type": self.default_type,
            "default_group_id": self.default_group_id,
        })
    }
}

/// Managing domains is for the Owner and Admins of the account `account_ref` names (`me` or its
/// id); any other account is reported missing, whether or not it exists.
fn require_admin(principal: &Principal, account_ref: &str) -> Result<()> {
    if account_ref != "me" && account_ref != principal.account_id.as_str() {
        return Err(Error::AccountNotFound(account_ref.to_owned()));
    }
    if principal.acts_as.is_admin() {
        Ok(())
    } else {
        Err(Error::NoPrivilege)
    }
}

fn parse_domain(raw: &str) -> Result<DomainName> {
    DomainName::parse(raw).map_err(|e| Error::invalid("domain", e))
}

fn parse_account_id(raw: &str) -> Result<AccountId> {
    AccountId::parse(raw.trim()).ok_or_else(|| Error::AccountNotFound(raw.to_owned()))
}

fn parse_type(account: &AccountRecord, code: i64) -> Result<UserType> {
    match UserType::from_code(code) {
        Some(t @ (UserType::Basic | UserType::Licensed)) => Ok(t),
        Some(UserType::OnPrem) if account.on_prem_enabled => Ok(UserType::OnPrem),
        Some(UserType::OnPrem) => Err(Error::invalid("default_type", TypeError::OnPremDisabled)),
        _ => Err(Error::invalid(
            "default_type",
            "default_type must be 1 (Basic), 2 (Licensed) or 3 (On-Prem)",
        )),
    }
}

async fn parse_group(conn: &mut Conn, account: &AccountId, id: &str) -> Result<Option<String>> {
    let id = id.trim();
    if id.is_empty() {
        return Ok(None);
    }
    groups::find(conn, account, GroupKind::Settings, id)
        .await?
        .map(|g| Some(g.id))
        .ok_or_else(|| Error::GroupNotFound(id.to_owned()))
}

async fn account(conn: &mut Conn, id: &AccountId) -> Result<AccountRecord> {
    accounts::find(conn, id)
        .await?
        .ok_or_else(|| Error::AccountNotFound(id.to_string()))
}

/// A claim refused because another account has the domain verified.
fn claimed(e: roster_store::Error, domain: &DomainName) -> Error {
    if e.is_unique("managed_domains.domain") {
        Error::DomainClaimed(domain.to_string())
    } else {
        e.into()
    }
}

async fn emit(
    conn: &mut Conn,
    actor: &Actor<'_>,
    account: &AccountId,
    kind: &'static str,
    view: &DomainView,
    extra: Map<String, Value>,
    at: OffsetDateTime,
) -> Result<()> {
    let event = Event {
        account_id: account,
        kind,
        actor,
        target: &view.domain,
        object: view.event_object(),
        extra,
    };
    events::emit(conn, event, at).await
}

impl Service {
    /// The caller's account's domains, pending and verified, by name.
    #[tracing::instrument(skip_all)]
    pub async fn list_domains(
        &self,
        principal: &Principal,
        account_ref: &str,
    ) -> Result<Vec<DomainView>> {
        require_admin(principal, account_ref)?;
        self.domains_of(&principal.account_id).await
    }

    /// An account's domains (an operator action).
    pub async fn list_domains_of(&self, account_id: &str) -> Result<Vec<DomainView>> {
        let id = parse_account_id(account_id)?;
        let mut conn = self.db.read().await?;
        account(&mut conn, &id).await?;
        drop(conn);
        self.domains_of(&id).await
    }

    async fn domains_of(&self, id: &AccountId) -> Result<Vec<DomainView>> {
        let mut conn = self.db.read().await?;
        let list = stored::list(&mut conn, id).await?;
        Ok(list.iter().map(DomainView::of).collect())
    }

    /// Adds a domain to the caller's account, pending until its TXT record is verified.
    #[tracing::instrument(skip_all)]
    pub async fn add_domain(
        &self,
        principal: &Principal,
        account_ref: &str,
        input: NewDomain,
    ) -> Result<DomainView> {
        require_admin(principal, account_ref)?;
        self.claim_domain(
            Actor::Principal(principal),
            &principal.account_id,
            &input,
            false,
        )
        .await
    }

    /// Adds a domain to an account as the operator: pending, or `verified` at once (operators
    /// are trusted). Adding a domain the account already has verified is harmless; one it has
    /// pending becomes verified.
    #[tracing::instrument(skip_all, fields(account_id = %account_id))]
    pub async fn add_domain_as_operator(
        &self,
        account_id: &str,
        input: NewDomain,
        verified: bool,
    ) -> Result<DomainView> {
        let id = parse_account_id(account_id)?;
        self.claim_domain(Actor::Operator, &id, &input, verified)
            .await
    }

    /// Records that an account manages an email domain, verified (the operator shortcut behind
    /// `roster account add-domain`). Returns the domain as stored.
    pub async fn add_managed_domain(
        &self,
        _actor: Actor<'_>,
        account_id: &str,
        domain: &str,
    ) -> Result<String> {
        let input = NewDomain {
            domain: domain.to_owned(),
            ..NewDomain::default()
        };
        Ok(self
            .add_domain_as_operator(account_id, input, true)
            .await?
            .domain)
    }

    async fn claim_domain(
        &self,
        actor: Actor<'_>,
        id: &AccountId,
        input: &NewDomain,
        verified: bool,
    ) -> Result<DomainView> {
        let domain = parse_domain(&input.domain)?;
        let at = self.now();
        let mut tx = self.db.begin().await?;
        let acct = account(&mut tx, id).await?;
        let default_type = input
            .default_type
            .map(|t| parse_type(&acct, t))
            .transpose()?;
        let default_group_id = match input.default_group_id.as_deref() {
            Some(g) => parse_group(&mut tx, id, g).await?,
            None => None,
        };
        if let Some(owner) = accounts::managing_account(&mut tx, domain.as_str()).await? {
            if &owner != id {
                return Err(Error::DomainClaimed(domain.to_string()));
            }
        }
        if let Some(existing) = stored::find(&mut tx, id, &domain).await? {
            return match (verified, existing.status) {
                (true, DomainStatus::Verified) => Ok(DomainView::of(&existing)),
                (true, DomainStatus::Pending) => {
                    self.finish_verification(tx, &actor, existing, at).await
                }
                (false, _) => Err(Error::DomainAlreadyAdded(domain.to_string())),
            };
        }
        let record = DomainRecord {
            account_id: id.clone(),
            domain: domain.clone(),
            status: if verified {
                DomainStatus::Verified
            } else {
                DomainStatus::Pending
            },
            token: VerificationToken::generate(),
            default_type,
            default_group_id,
            created_at: at,
            verified_at: verified.then_some(at),
        };
        if !stored::insert(&mut tx, &record)
            .await
            .map_err(|e| claimed(e, &domain))?
        {
            return Err(Error::DomainAlreadyAdded(domain.to_string()));
        }
        let view = DomainView::of(&record);
        let mut extra = Map::new();
        extra.insert("dns_record".into(), json!(view.record));
        emit(
            &mut tx,
            &actor,
            id,
            "account.managed_domain_added",
            &view,
            extra,
            at,
        )
        .await?;
        tx.commit().await?;
        tracing::info!(account_id = %id, domain = %view.domain, status = view.status.as_str(), "managed domain added");
        Ok(view)
    }

    /// Changes the caller's domain's defaults for new users on it.
    #[tracing::instrument(skip_all, fields(domain = %domain))]
    pub async fn update_domain(
        &self,
        principal: &Principal,
        account_ref: &str,
        domain: &str,
        patch: DomainPatch,
    ) -> Result<DomainView> {
        require_admin(principal, account_ref)?;
        self.update(
            Actor::Principal(principal),
            &principal.account_id,
            domain,
            patch,
        )
        .await
    }

    /// [`Service::update_domain`] for the operator.
    pub async fn update_domain_as_operator(
        &self,
        account_id: &str,
        domain: &str,
        patch: DomainPatch,
    ) -> Result<DomainView> {
        let id = parse_account_id(account_id)?;
        self.update(Actor::Operator, &id, domain, patch).await
    }

    async fn update(
        &self,
        actor: Actor<'_>,
        id: &AccountId,
        domain: &str,
        patch: DomainPatch,
    ) -> Result<DomainView> {
        let domain = parse_domain(domain)?;
        let mut tx = self.db.begin().await?;
        let acct = account(&mut tx, id).await?;
        let old = stored::find(&mut tx, id, &domain)
            .await?
            .ok_or_else(|| Error::DomainNotFound(domain.to_string()))?;
        let mut new = old.clone();
        if let Some(t) = patch.default_type {
            new.default_type = t.map(|t| parse_type(&acct, t)).transpose()?;
        }
        if let Some(g) = patch.default_group_id {
            new.default_group_id = match g {
                Some(g) => parse_group(&mut tx, id, &g).await?,
                None => None,
            };
        }
        let view = DomainView::of(&new);
        if new == old {
            return Ok(view);
        }
        if !stored::set_defaults(
            &mut tx,
            id,
            &domain,
            new.default_type,
            new.default_group_id.as_deref(),
        )
        .await?
        {
            return Err(Error::DomainNotFound(domain.to_string()));
        }
        let mut extra = Map::new();
        extra.insert("old_object".into(), DomainView::of(&old).event_object());
        emit(
            &mut tx,
            &actor,
            id,
            "account.managed_domain_updated",
            &view,
            extra,
            self.now(),
        )
        .await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Removes a domain from the caller's account. Its users stay, but are no longer managed.
    #[tracing::instrument(skip_all, fields(domain = %domain))]
    pub async fn remove_domain(
        &self,
        principal: &Principal,
        account_ref: &str,
        domain: &str,
    ) -> Result<()> {
        require_admin(principal, account_ref)?;
        self.remove(Actor::Principal(principal), &principal.account_id, domain)
            .await
    }

    /// [`Service::remove_domain`] for the operator.
    pub async fn remove_domain_as_operator(&self, account_id: &str, domain: &str) -> Result<()> {
        let id = parse_account_id(account_id)?;
        self.remove(Actor::Operator, &id, domain).await
    }

    async fn remove(&self, actor: Actor<'_>, id: &AccountId, domain: &str) -> Result<()> {
        let domain = parse_domain(domain)?;
        let mut tx = self.db.begin().await?;
        account(&mut tx, id).await?;
        let record = stored::find(&mut tx, id, &domain)
            .await?
            .ok_or_else(|| Error::DomainNotFound(domain.to_string()))?;
        if !stored::delete(&mut tx, id, &domain).await? {
            return Err(Error::DomainNotFound(domain.to_string()));
        }
        let view = DomainView::of(&record);
        emit(
            &mut tx,
            &actor,
            id,
            "account.managed_domain_removed",
            &view,
            Map::new(),
            self.now(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
