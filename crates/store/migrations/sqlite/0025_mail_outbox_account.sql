-- Schema v25 (sqlite): the portal's Mail outbox lists one account's newest messages.
CREATE INDEX mail_outbox_account ON mail_outbox (account_id, id);
