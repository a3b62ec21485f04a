-- The scheduler (issue 10 §2): cron jobs kept in the database, and every run of them. The leader
-- (one ims-scheduler at a time, by advisory lock) runs a due job once for its slot; the UNIQUE
-- (job_name, slot) makes a second run of a slot impossible even if two schedulers ever ran at once.
CREATE SCHEMA IF NOT EXISTS scheduler;  -- made by 0001; kept so this file stands on its own

CREATE TABLE scheduler.jobs (
  name          text PRIMARY KEY CHECK (length(name) BETWEEN 2 AND 64 AND name ~ '^[a-z][a-z0-9]*(-[a-z0-9]+)*$'),
  cron          text NOT NULL CHECK (length(cron) BETWEEN 1 AND 200),  -- 5 fields, read in IMS_TIMEZONE
  enabled       boolean NOT NULL DEFAULT true,
  command       text NOT NULL CHECK (command IN ('inventory_check', 'daily_sales_report', 'expire_requests', 'prune')),
  params        jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(params) = 'object'),
  last_run_at   timestamptz,
  last_outcome  text CHECK (last_outcome IN ('succeeded', 'failed')),
  next_run_at   timestamptz,           -- NULL while disabled (and before the scheduler first plans it)
  version       integer NOT NULL DEFAULT 1 CHECK (version >= 1),  -- bumped by changes to cron/enabled only
  updated_at    timestamptz NOT NULL DEFAULT now(),
  updated_by    bigint REFERENCES auth.users (id) ON DELETE SET NULL,
  CHECK ((last_run_at IS NULL) = (last_outcome IS NULL))
);
CREATE INDEX jobs_due ON scheduler.jobs (next_run_at) WHERE enabled;

CREATE TABLE scheduler.job_runs (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_name      text NOT NULL REFERENCES scheduler.jobs (name) ON DELETE CASCADE,
  slot          timestamptz,           -- the scheduled minute; NULL for a manual run
  trigger       text NOT NULL CHECK (trigger IN ('schedule', 'manual')),
  requested_by  bigint REFERENCES auth.users (id) ON DELETE SET NULL,
  requested_at  timestamptz NOT NULL DEFAULT now(),
  started_at    timestamptz,
  finished_at   timestamptz,
  outcome       text NOT NULL DEFAULT 'queued' CHECK (outcome IN ('queued', 'running', 'succeeded', 'failed')),
  detail        jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(detail) = 'object'),
  UNIQUE (job_name, slot),
  CHECK ((trigger = 'schedule') = (slot IS NOT NULL)),
  CHECK (trigger = 'manual' OR requested_by IS NULL),
  CHECK ((outcome IN ('succeeded', 'failed')) = (finished_at IS NOT NULL)),
  CHECK (outcome IN ('queued', 'failed') OR started_at IS NOT NULL)
);
-- One queued manual run per job: asking again while it waits returns that run.
CREATE UNIQUE INDEX job_runs_one_queued_manual ON scheduler.job_runs (job_name) WHERE trigger = 'manual' AND outcome = 'queued';
CREATE INDEX job_runs_recent ON scheduler.job_runs (job_name, id DESC);
CREATE INDEX job_runs_finished ON scheduler.job_runs (finished_at) WHERE finished_at IS NOT NULL;

-- The prune job deletes inbox rows past the retention period.
CREATE INDEX inbox_processed ON messaging.inbox (processed_at);

-- next_run_at stays NULL: the leader plans each enabled job from the current minute when it first
-- sees it, so a fresh database does not fire yesterday's report at once.
INSERT INTO scheduler.jobs (name, cron, command, params) VALUES
  ('inventory-check', '*/5 * * * *', 'inventory_check', '{}'),
  ('daily-sales-report', '5 0 * * *', 'daily_sales_report', '{"format": "csv"}'),
  ('expire-requests', '* * * * *', 'expire_requests', '{}'),
  ('prune', '0 * * * *', 'prune', '{"idempotency_key_hours": 24, "job_run_days": 30}');
