-- Issue 11, webhooks: subscriptions of outside systems to IMS events, the deliveries the webhooks
-- worker makes of each matching event (written in the transaction of its inbox row, sent after
-- commit), and every attempt of each (status code, duration, the first 1 KiB of the answer).
CREATE TABLE messaging.webhooks (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  url             text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2000),
  event_types     text[] NOT NULL CHECK (cardinality(event_types) BETWEEN 1 AND 50),
  secret          text NOT NULL CHECK (secret ~ '^whsec_[A-Za-z0-9+/]+=*$' AND length(secret) <= 200),
  description     text CHECK (length(description) <= 500),
  disabled_at     timestamptz,
  disabled_reason text CHECK (length(disabled_reason) <= 1000),
  created_by      bigint REFERENCES auth.users (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  version         integer NOT NULL DEFAULT 1,
  CHECK ((disabled_at IS NULL) = (disabled_reason IS NULL))
);

CREATE TABLE messaging.webhook_deliveries (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  webhook_id        bigint NOT NULL REFERENCES messaging.webhooks (id) ON DELETE CASCADE,
  event_id          text NOT NULL,             -- the webhook-id header: receivers dedupe on it
  event_type        text NOT NULL,
  body              text NOT NULL,             -- the envelope exactly as published
  status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts          integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  series_started_at timestamptz NOT NULL DEFAULT now(),  -- a replay starts a new series
  next_attempt_at   timestamptz NOT NULL DEFAULT now(),
  last_status_code  integer,
  last_error        text CHECK (length(last_error) <= 1000),
  created_at        timestamptz NOT NULL DEFAULT now(),
  delivered_at      timestamptz,
  UNIQUE (webhook_id, event_id),
  CHECK ((status = 'delivered') = (delivered_at IS NOT NULL))
);
CREATE INDEX webhook_deliveries_due ON messaging.webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_of ON messaging.webhook_deliveries (webhook_id, id DESC);

CREATE TABLE messaging.webhook_attempts (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id   bigint NOT NULL REFERENCES messaging.webhook_deliveries (id) ON DELETE CASCADE,
  attempted_at  timestamptz NOT NULL DEFAULT now(),
  status_code   integer CHECK (status_code BETWEEN 100 AND 999),
  duration_ms   integer NOT NULL CHECK (duration_ms >= 0),
  response_body text CHECK (octet_length(response_body) <= 4096),
  error         text CHECK (length(error) <= 1000)
);
CREATE INDEX webhook_attempts_of ON messaging.webhook_attempts (delivery_id, id);
