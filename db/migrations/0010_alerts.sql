-- Issue 10: alerts that open and close with their condition, the emails they send, replenishment
-- drafts from the inventory check, and the escalation of requests pending past half their SLA.

-- One open alert per condition: (kind, product, location, subject). The subject tells apart
-- conditions of the same kind at the same place: a lot ('lot:42'), a request, a transfer line;
-- it is '' for stock.low and inventory.drift of the lot-less row.
ALTER TABLE reporting.alerts
  ADD COLUMN product_id      bigint REFERENCES catalog.products (id),
  ADD COLUMN subject         text NOT NULL DEFAULT '' CHECK (length(subject) <= 200),
  ADD COLUMN raised_count    integer NOT NULL DEFAULT 1 CHECK (raised_count >= 1),
  -- when the condition was last reported (the raising event's time): a check that looked before
  -- this may not close the alert
  ADD COLUMN last_raised_at  timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN raised_by_event text,
  ADD COLUMN updated_at      timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN closed_at       timestamptz,
  ADD COLUMN closed_by_event text,
  ADD COLUMN close_reason    text CHECK (length(close_reason) <= 500);
-- Alerts raised before: a discrepancy is closed by its acknowledgement; each keeps its own subject.
UPDATE reporting.alerts SET subject = 'alert:' || id,
       product_id = CASE WHEN data ? 'product_id' THEN (data->>'product_id')::bigint END;
UPDATE reporting.alerts SET closed_at = acked_at, close_reason = 'acknowledged' WHERE acked_at IS NOT NULL;
ALTER TABLE reporting.alerts ADD CONSTRAINT alerts_closed_with_reason CHECK ((closed_at IS NULL) = (close_reason IS NULL));
CREATE UNIQUE INDEX alerts_one_open ON reporting.alerts (kind, coalesce(product_id, 0), coalesce(location_id, 0), subject)
  WHERE closed_at IS NULL;
CREATE INDEX alerts_open_kind ON reporting.alerts (kind, id) WHERE closed_at IS NULL;

-- Each email an alert sends: written in the alert's transaction, sent after commit by the alerts
-- worker from these rows, so a crash between the two sends later and a sent row is never resent.
CREATE TABLE reporting.email_deliveries (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  alert_id        bigint NOT NULL REFERENCES reporting.alerts (id),
  user_id         bigint REFERENCES auth.users (id),
  recipient       text NOT NULL CHECK (position('@' IN recipient) > 1 AND recipient !~ '[\r\n]'),
  subject         text NOT NULL,
  body_text       text NOT NULL,
  body_html       text NOT NULL,
  message_id      text NOT NULL UNIQUE,
  status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
  attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error      text,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  created_at      timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz,
  CHECK ((status = 'sent') = (sent_at IS NOT NULL)),
  CHECK (status <> 'failed' OR last_error IS NOT NULL)
);
CREATE INDEX email_deliveries_due ON reporting.email_deliveries (next_attempt_at) WHERE status = 'queued';
CREATE INDEX email_deliveries_alert ON reporting.email_deliveries (alert_id);

-- A user's opt-out of alert email (in-app alerts stay).
ALTER TABLE auth.users ADD COLUMN email_alerts boolean NOT NULL DEFAULT true;

-- Drafts: replenishment and purchase orders the inventory check proposes for a person to confirm
-- (draft -> pending) or cancel. They have no author; the rule that proposed them is kept.
DO $$
DECLARE c record;
BEGIN
  FOR c IN SELECT conname FROM pg_constraint
            WHERE conrelid = 'sales.orders'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%''received''%' LOOP
    EXECUTE format('ALTER TABLE sales.orders DROP CONSTRAINT %I', c.conname);
  END LOOP;
END $$;
ALTER TABLE sales.orders
  ALTER COLUMN created_by DROP NOT NULL,  -- NULL only for what the inventory check drafted
  ADD COLUMN reorder_rule_id bigint REFERENCES inventory.reorder_rules (id) ON DELETE SET NULL,
  ADD CONSTRAINT orders_status_known CHECK (status IN ('draft', 'pending', 'confirmed', 'rejected', 'processing', 'shipped',
                                                       'delivered', 'canceled', 'ordered', 'received')),
  ADD CONSTRAINT orders_purchase_steps CHECK (kind = 'purchase' OR status NOT IN ('ordered', 'received')),
  ADD CONSTRAINT orders_purchase_statuses CHECK (kind <> 'purchase' OR status IN ('draft', 'pending', 'ordered', 'received', 'canceled')),
  ADD CONSTRAINT orders_drafts_restock CHECK (status <> 'draft' OR kind IN ('replenishment', 'purchase'));
-- Never two drafts for one rule.
CREATE UNIQUE INDEX orders_one_draft_per_rule ON sales.orders (reorder_rule_id) WHERE status = 'draft';

-- request.overdue is announced once, at half the SLA.
ALTER TABLE inventory.requests ADD COLUMN overdue_at timestamptz;
