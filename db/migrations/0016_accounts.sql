-- Issue 13: accounts people ask for themselves (registration, email verification, activation by an
-- admin), short PINs for shop-floor staff at registered terminals, and the customers a store sells to.

-- A registered account waits in `pending_activation` with the role it asked for and no location:
-- it cannot sign in until an admin activates it with the role and location the admin decides.
ALTER TABLE auth.users
  ADD COLUMN status                text NOT NULL DEFAULT 'active' CHECK (status IN ('pending_activation', 'active')),
  ADD COLUMN email_verified_at     timestamptz,
  ADD COLUMN requested_location_id bigint REFERENCES inventory.locations (id) ON DELETE SET NULL,
  ADD COLUMN registration_note     text CHECK (length(registration_note) <= 500),
  -- The shop-floor PIN: argon2id like passwords; 5 wrong PINs in a row lock it (not the password)
  -- until the user or an admin sets a new one.
  ADD COLUMN pin_hash              text CHECK (pin_hash LIKE '$argon2id$%'),
  ADD COLUMN pin_failures          integer NOT NULL DEFAULT 0 CHECK (pin_failures >= 0),
  ADD COLUMN pin_locked_at         timestamptz;
DO $$
DECLARE c record;
BEGIN
  FOR c IN SELECT conname FROM pg_constraint
            WHERE conrelid = 'auth.users'::regclass AND contype = 'c'
              AND pg_get_constraintdef(oid) LIKE '%location_id IS NOT NULL%' LOOP
    EXECUTE format('ALTER TABLE auth.users DROP CONSTRAINT %I', c.conname);
  END LOOP;
END $$;
ALTER TABLE auth.users
  ADD CONSTRAINT users_bound_to_location CHECK (role IN ('admin', 'manufacturer') OR location_id IS NOT NULL
                                                OR status = 'pending_activation'),
  ADD CONSTRAINT users_requests_store_roles CHECK (status <> 'pending_activation' OR role IN ('cfa', 'stockist', 'retailer'));
CREATE INDEX users_pending ON auth.users (id) WHERE status = 'pending_activation';

-- Single-use links proving an address: only the SHA-256 of the token is kept.
CREATE TABLE auth.email_verifications (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id     bigint NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  token_hash  text NOT NULL UNIQUE,
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX email_verifications_user ON auth.email_verifications (user_id);

-- Shared shop-floor devices of a location. PIN sign-in presents the terminal's secret (hashed here)
-- when IMS_PIN_REQUIRE_TERMINAL is on, or whenever one is given.
CREATE TABLE auth.terminals (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  location_id  bigint NOT NULL REFERENCES inventory.locations (id),
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  secret_hash  text NOT NULL UNIQUE,
  created_by   bigint REFERENCES auth.users (id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);
CREATE INDEX terminals_location ON auth.terminals (location_id, id) WHERE revoked_at IS NULL;

-- Customers belong to the location that sells to them (a store's regulars are its own; their
-- phone and email are personal data only that location's users and admins see). A phone is one
-- customer per location, so a sale naming a known phone finds its customer.
CREATE TABLE sales.customers (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  location_id   bigint NOT NULL REFERENCES inventory.locations (id),
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  phone         text CHECK (phone ~ '^\+?[0-9]{6,20}$'),
  email         text CHECK (length(email) <= 254 AND position('@' IN email) > 1),
  address       text CHECK (length(address) <= 500),
  tax_id        text CHECK (length(tax_id) <= 64),
  notes         text CHECK (length(notes) <= 2000),
  is_active     boolean NOT NULL DEFAULT true,
  anonymized_at timestamptz,
  version       integer NOT NULL DEFAULT 1,
  created_by    bigint REFERENCES auth.users (id) ON DELETE SET NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (anonymized_at IS NULL OR (phone IS NULL AND email IS NULL AND address IS NULL AND tax_id IS NULL AND notes IS NULL))
);
CREATE UNIQUE INDEX customers_phone ON sales.customers (location_id, phone) WHERE phone IS NOT NULL;
CREATE INDEX customers_email ON sales.customers (location_id, lower(email)) WHERE email IS NOT NULL;
CREATE INDEX customers_location ON sales.customers (location_id, id);

ALTER TABLE sales.orders ADD COLUMN customer_id bigint REFERENCES sales.customers (id);
CREATE INDEX orders_customer ON sales.orders (customer_id, id) WHERE customer_id IS NOT NULL;

-- Account emails (verification link, activation, rejection, a sign-up with a taken name) are rows
-- of reporting.email_deliveries like alert emails, written in the transaction of their cause and
-- sent by the alerts worker's sender. A rejected account is deleted; its email stays.
ALTER TABLE reporting.email_deliveries
  ADD COLUMN account_event text CHECK (account_event IN ('verify', 'taken', 'activated', 'rejected')),
  DROP CONSTRAINT email_deliveries_one_cause,
  ADD CONSTRAINT email_deliveries_one_cause CHECK (num_nonnulls(alert_id, report_id, account_event) = 1),
  DROP CONSTRAINT email_deliveries_user_id_fkey,
  ADD CONSTRAINT email_deliveries_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users (id) ON DELETE SET NULL;
