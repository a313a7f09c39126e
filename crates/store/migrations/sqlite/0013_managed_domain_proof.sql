-- Schema v13 (SQLite): managed domains are claimed, then proven with a DNS TXT record. Keep in
-- step with ../postgres/0013_managed_domain_proof.sql.
--
-- One row per account and domain. Several accounts may have the same domain pending; only one
-- can have it verified (the partial unique index "managed_domains.domain"), so of two accounts
-- verifying at once exactly one wins. The token is published in public DNS, so it is kept in
-- the clear. A domain's defaults (user type, settings group) apply to new users on it.
CREATE TABLE managed_domains_v13 (
    account_id       TEXT NOT NULL REFERENCES accounts (id),
    domain           TEXT NOT NULL,
    status           TEXT NOT NULL,
    token            TEXT NOT NULL,
    default_type     INTEGER,
    default_group_id TEXT REFERENCES groups (id) ON DELETE SET NULL,
    created_at       INTEGER NOT NULL,
    verified_at      INTEGER,
    PRIMARY KEY (account_id, domain)
);
-- Domains recorded before proof existed were recorded by the operator: they stay verified.
INSERT INTO managed_domains_v13 (account_id, domain, status, token, created_at, verified_at)
    SELECT account_id, domain, 'verified', lower(hex(randomblob(16))), created_at, created_at
    FROM managed_domains;
DROP TABLE managed_domains;
ALTER TABLE managed_domains_v13 RENAME TO managed_domains;
CREATE UNIQUE INDEX "managed_domains.domain" ON managed_domains (domain) WHERE status = 'verified';
