-- Schema v20 (PostgreSQL): webhook retry windows. Keep in step with
-- ../sqlite/0020_webhook_window.sql.

-- When the current run of attempts began: the first attempt after the delivery was created or
-- manually redelivered. Retries stop (status `failed`) 24 hours after it. 0017 has no column
-- for it (`created_at` does not move on redelivery).
ALTER TABLE webhook_deliveries ADD COLUMN first_attempt_at TIMESTAMPTZ;
-- The delivery log filters by event type.
CREATE INDEX webhook_deliveries_app_event ON webhook_deliveries (app_id, event_type, id);
