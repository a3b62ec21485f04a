-- Idempotency keys are now recorded in the transaction of the request's effect (issue 9 #14): a
-- crash before that commit leaves no key behind, so the client's retry simply runs. The session
-- that committed the key is remembered, so a retry can tell a request still finishing from one
-- whose process died between its commit and storing its response.
ALTER TABLE messaging.idempotency_keys
  ADD COLUMN owner_pid integer,
  ADD COLUMN owner_started timestamptz;
