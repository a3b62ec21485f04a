-- Issue 11, reports: files are kept IMS_REPORT_RETENTION_DAYS, then the reports worker marks the
-- report `expired` and deletes its file (the row stays, with its name, row count and size, so a
-- download says why it is gone and a crash between marking and deleting is mended on the next
-- pass). The nightly daily_sales reports email a link to the location's users: those deliveries
-- are rows of reporting.email_deliveries written with the report, naming the report instead of an
-- alert, sent by the alerts worker's sender like every other email.
ALTER TABLE reporting.reports DROP CONSTRAINT reports_status_check;
DO $$
DECLARE c record;
BEGIN
  FOR c IN SELECT conname FROM pg_constraint
            WHERE conrelid = 'reporting.reports'::regclass AND contype = 'c'
              AND pg_get_constraintdef(oid) LIKE '%file_name IS NOT NULL%' LOOP
    EXECUTE format('ALTER TABLE reporting.reports DROP CONSTRAINT %I', c.conname);
  END LOOP;
END $$;
ALTER TABLE reporting.reports
  ADD COLUMN expired_at timestamptz,
  ADD CONSTRAINT reports_status_known CHECK (status IN ('pending', 'ready', 'failed', 'expired')),
  ADD CONSTRAINT reports_file_kept CHECK ((status IN ('ready', 'expired')) =
                                          (file_name IS NOT NULL AND row_count IS NOT NULL AND size_bytes IS NOT NULL)),
  ADD CONSTRAINT reports_expired_at CHECK ((status = 'expired') = (expired_at IS NOT NULL));
CREATE INDEX reports_ready_finished ON reporting.reports (finished_at) WHERE status = 'ready';
CREATE INDEX reports_expired ON reporting.reports (expired_at) WHERE status = 'expired';

ALTER TABLE reporting.email_deliveries
  ALTER COLUMN alert_id DROP NOT NULL,
  ADD COLUMN report_id bigint REFERENCES reporting.reports (id),
  ADD CONSTRAINT email_deliveries_one_cause CHECK (num_nonnulls(alert_id, report_id) = 1);
CREATE INDEX email_deliveries_report ON reporting.email_deliveries (report_id) WHERE report_id IS NOT NULL;
