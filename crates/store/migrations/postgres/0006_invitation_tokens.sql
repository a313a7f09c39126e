-- Schema v6 (PostgreSQL): activation links are looked up by their token's hash.
CREATE INDEX invitations_token ON invitations (token_hash);
