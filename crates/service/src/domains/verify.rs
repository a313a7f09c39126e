//! Verifying a managed domain: its `_roster-verification` TXT record is looked up through a real
//! resolver, outside any transaction; when the account's token is there, the claim becomes
//! verified in a conditional update, which the unique index on verified domains lets only one
//! account win.

use super::{claimed, emit, parse_account_id, parse_domain, require_admin, DomainView};
use crate::{dns, Actor, Error, Result, Service};
use roster_domain::{AccountId, DomainStatus, Principal};
use roster_store::accounts;
use roster_store::managed_domains::{self as stored, DomainRecord};
use serde_json::Map;
use time::OffsetDateTime;

impl Service {
    /// Looks up the caller's pending domain's TXT record and, when its token is there, marks
    /// the domain verified. A verified domain is returned as it is.
    #[tracing::instrument(skip_all, fields(domain = %domain))]
    pub async fn verify_domain(
        &self,
        principal: &Principal,
        account_ref: &str,
        domain: &str,
    ) -> Result<DomainView> {
        require_admin(principal, account_ref)?;
        self.verify(Actor::Principal(principal), &principal.account_id, domain)
            .await
    }

    /// [`Service::verify_domain`] for the operator.
    #[tracing::instrument(skip_all, fields(account_id = %account_id, domain = %domain))]
    pub async fn verify_domain_as_operator(
        &self,
        account_id: &str,
        domain: &str,
    ) -> Result<DomainView> {
        let id = parse_account_id(account_id)?;
        self.verify(Actor::Operator, &id, domain).await
    }

    async fn verify(&self, actor: Actor<'_>, id: &AccountId, domain: &str) -> Result<DomainView> {
        let domain = parse_domain(domain)?;
        let record = {
            let mut conn = self.db.read().await?;
            let found = stored::find(&mut conn, id, &domain).await?;
            let record = found.ok_or_else(|| Error::DomainNotFound(domain.to_string()))?;
            if record.status == DomainStatus::Verified {
                return Ok(DomainView::of(&record));
            }
            if accounts::managing_account(&mut conn, domain.as_str())
                .await?
                .is_some_and(|owner| &owner != id)
            {
                return Err(Error::DomainClaimed(domain.to_string()));
            }
            record
        };
        // The lookup runs outside any transaction: it may take seconds.
        let name = domain.record_name();
        let texts = dns::txt_texts(self.settings.dns_resolver, &name).await?;
        if !record.token.found_in(&texts) {
            return Err(Error::DomainNotVerified {
                record_name: name,
                expected: record.token.record_value(),
                found: texts,
            });
        }
        let tx = self.db.begin().await?;
        self.finish_verification(tx, &actor, record, self.now())
            .await
    }

    /// Marks a pending domain verified, in `tx`, with its event, and commits.
    pub(super) async fn finish_verification(
        &self,
        mut tx: roster_store::Tx,
        actor: &Actor<'_>,
        mut record: DomainRecord,
        at: OffsetDateTime,
    ) -> Result<DomainView> {
        let id = record.account_id.clone();
        let done = stored::mark_verified(&mut tx, &id, &record.domain, &record.token, at)
            .await
            .map_err(|e| claimed(e, &record.domain))?;
        if !done {
            // Removed, or verified by a concurrent request of this account.
            return match stored::find(&mut tx, &id, &record.domain).await? {
                Some(now) if now.status == DomainStatus::Verified => Ok(DomainView::of(&now)),
                _ => Err(Error::DomainNotFound(record.domain.to_string())),
            };
        }
        record.status = DomainStatus::Verified;
        record.verified_at = Some(at);
        let view = DomainView::of(&record);
        emit(
            &mut tx,
            actor,
            &id,
            "account.managed_domain_verified",
            &view,
            Map::new(),
            at,
        )
        .await?;
        tx.commit().await?;
        tracing::info!(account_id = %id, domain = %view.domain, "managed domain verified");
        Ok(view)
    }
}
