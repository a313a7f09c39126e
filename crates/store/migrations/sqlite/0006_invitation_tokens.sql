-- Schema v6 (SQLite): activation links are looked up by their token's hash.
CREATE INDEX invitations_token ON invitations (token_hash);
