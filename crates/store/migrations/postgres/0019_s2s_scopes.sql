-- Every /v2 endpoint now checks its OAuth scope. Server-to-server apps were all created with the
-- old default (the user and meeting :admin scopes) while the rest of /v2 checked none; they get
-- the new default, every :admin scope Roster serves, so they keep reaching what they reached.
-- Their live tokens carry the scopes too. Data only: no schema change.
UPDATE oauth_apps
SET scopes = 'user:read:admin user:write:admin meeting:read:admin meeting:write:admin group:read:admin group:write:admin imgroup:read:admin imgroup:write:admin role:read:admin role:write:admin account:read:admin account:write:admin report:read:admin chat_contact:read:admin chat_contact:write:admin chat_channel:read:admin chat_channel:write:admin chat_message:read:admin chat_message:write:admin marketplace_app:read:admin marketplace_app:write:admin'
WHERE kind = 's2s'
  AND scopes = 'user:read:admin user:write:admin meeting:read:admin meeting:write:admin';

UPDATE oauth_tokens
SET scopes = 'user:read:admin user:write:admin meeting:read:admin meeting:write:admin group:read:admin group:write:admin imgroup:read:admin imgroup:write:admin role:read:admin role:write:admin account:read:admin account:write:admin report:read:admin chat_contact:read:admin chat_contact:write:admin chat_channel:read:admin chat_channel:write:admin chat_message:read:admin chat_message:write:admin marketplace_app:read:admin marketplace_app:write:admin'
WHERE scopes = 'user:read:admin user:write:admin meeting:read:admin meeting:write:admin'
  AND app_id IN (SELECT id FROM oauth_apps WHERE kind = 's2s');
