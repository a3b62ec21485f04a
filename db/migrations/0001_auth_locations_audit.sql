-- Foundation: schemas, locations of the chain, users and their refresh tokens, the audit log.
CREATE SCHEMA IF NOT EXISTS auth;
CREATE SCHEMA IF NOT EXISTS catalog;
CREATE SCHEMA IF NOT EXISTS inventory;
CREATE SCHEMA IF NOT EXISTS sales;
CREATE SCHEMA IF NOT EXISTS production;
CREATE SCHEMA IF NOT EXISTS procurement;
CREATE SCHEMA IF NOT EXISTS messaging;
CREATE SCHEMA IF NOT EXISTS reporting;
CREATE SCHEMA IF NOT EXISTS scheduler;
CREATE SCHEMA IF NOT EXISTS audit;

CREATE TABLE inventory.locations (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code          text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{1,31}$'),
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind          text NOT NULL CHECK (kind IN ('factory', 'cfa', 'stockist', 'retail')),
  upstream_location_id bigint REFERENCES inventory.locations (id),
  is_active     boolean NOT NULL DEFAULT true,
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (upstream_location_id IS NULL OR upstream_location_id <> id),
  -- a factory heads the chain; everything else is supplied from upstream
  CHECK ((kind = 'factory') = (upstream_location_id IS NULL))
);

CREATE TABLE auth.users (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username      text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9._-]{3,64}$'),
  email         text NOT NULL CHECK (position('@' IN email) > 1),
  password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
  role          text NOT NULL CHECK (role IN ('admin', 'manufacturer', 'cfa', 'stockist', 'retailer')),
  location_id   bigint REFERENCES inventory.locations (id),
  is_active     boolean NOT NULL DEFAULT true,
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (role IN ('admin', 'manufacturer') OR location_id IS NOT NULL)
);
CREATE UNIQUE INDEX users_email_key ON auth.users (lower(email));

-- Refresh tokens are stored hashed. Each login starts a family; each refresh spends one token and
-- issues the next in the same family. Presenting a spent token revokes the whole family.
CREATE TABLE auth.refresh_tokens (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  family_id   uuid NOT NULL,
  user_id     bigint NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  token_hash  text NOT NULL UNIQUE,
  issued_at   timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  spent_at    timestamptz,
  revoked_at  timestamptz
);
CREATE INDEX refresh_tokens_family ON auth.refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON auth.refresh_tokens (user_id) WHERE revoked_at IS NULL;

CREATE TABLE audit.log (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  actor_id    bigint,
  action      text NOT NULL,
  entity      text NOT NULL,
  entity_id   text,
  before      jsonb,
  after       jsonb,
  request_id  text,
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_entity ON audit.log (entity, entity_id);
CREATE INDEX audit_log_at ON audit.log (at DESC);
