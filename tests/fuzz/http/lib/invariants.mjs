// The stack's invariants, read straight from PostgreSQL with psql once the fuzzing is over:
// every stock row's on_hand equals the sum of its ledger movements, every ledger group has its
// stock row, and no stock quantity is negative (nor reserved above on hand). Movements are applied
// asynchronously by the stock worker, so it first waits for the outbox to drain and the ledger to
// stop changing.
import { spawnSync } from 'node:child_process';

const GROUPS = `SELECT product_id, location_id, coalesce(lot_id, 0) AS lot, sum(quantity) AS total
                FROM inventory.movements GROUP BY 1, 2, 3`;
const SUMMARY = `SELECT
  (SELECT count(*) FROM messaging.outbox WHERE published_at IS NULL),
  (SELECT count(*) FROM inventory.movements),
  (SELECT coalesce(sum(quantity), 0) FROM inventory.movements),
  (SELECT coalesce(sum(on_hand), 0) || '/' || coalesce(sum(reserved), 0) FROM inventory.stock),
  (SELECT count(*) FROM inventory.stock s LEFT JOIN (${GROUPS}) m
     ON m.product_id = s.product_id AND m.location_id = s.location_id AND m.lot = coalesce(s.lot_id, 0)
   WHERE s.on_hand <> coalesce(m.total, 0)),
  (SELECT count(*) FROM (${GROUPS}) m WHERE m.total <> 0 AND NOT EXISTS (
     SELECT 1 FROM inventory.stock s WHERE s.product_id = m.product_id AND s.location_id = m.location_id
       AND coalesce(s.lot_id, 0) = m.lot)),
  (SELECT count(*) FROM inventory.stock WHERE on_hand < 0 OR reserved < 0 OR reserved > on_hand),
  (SELECT count(*) FROM inventory.adjustments WHERE status = 'pending' AND created_at < now() - interval '20 seconds')`;
const DRIFT_ROWS = `SELECT s.id, s.product_id, s.location_id, s.lot_id, s.on_hand, coalesce(m.total, 0) AS movements
  FROM inventory.stock s LEFT JOIN (${GROUPS}) m
    ON m.product_id = s.product_id AND m.location_id = s.location_id AND m.lot = coalesce(s.lot_id, 0)
  WHERE s.on_hand <> coalesce(m.total, 0) ORDER BY s.id LIMIT 10`;
const ORPHAN_ROWS = `SELECT m.* FROM (${GROUPS}) m WHERE m.total <> 0 AND NOT EXISTS (
     SELECT 1 FROM inventory.stock s WHERE s.product_id = m.product_id AND s.location_id = m.location_id
       AND coalesce(s.lot_id, 0) = m.lot) LIMIT 10`;
const NEGATIVE_ROWS = `SELECT id, product_id, location_id, lot_id, on_hand, reserved FROM inventory.stock
  WHERE on_hand < 0 OR reserved < 0 OR reserved > on_hand ORDER BY id LIMIT 10`;

function psql(url, sql) {
  const r = spawnSync('psql', ['-X', '-q', '-A', '-t', '-F', '|', '-v', 'ON_ERROR_STOP=1', url, '-c', sql],
    { encoding: 'utf8', timeout: 20000, env: { ...process.env, PGCONNECT_TIMEOUT: '5' } });
  if (r.error) return { error: r.error.code === 'ENOENT' ? 'psql is not installed' : r.error.message };
  if (r.status !== 0) return { error: (r.stderr || '').trim() || `psql exited with ${r.status}` };
  return { rows: r.stdout.split('\n').filter((l) => l.length).map((l) => l.split('|')) };
}

const sleep = (ms) => new Promise((f) => setTimeout(f, ms));

export async function checkInvariants({ databaseUrl, log, maxWaitMs = 60000 }) {
  const url = databaseUrl || 'postgresql://ims:ims@127.0.0.1:25432/ims';
  const failures = [];
  const notes = [];
  const until = Date.now() + maxWaitMs;
  let last = null;
  let stable = null;
  log(`checking the stock invariants in ${url.replace(/\/\/[^@/]*@/, '//…@')} once the outbox is drained`);
  for (;;) {
    const r = psql(url, SUMMARY);
    if (r.error) {
      failures.push({ kind: 'invariants-unavailable', detail: `cannot query PostgreSQL: ${r.error}` });
      return { failures, notes };
    }
    const [unpublished, count, sum, stockSums, drift, orphans, negative, stuck] = r.rows[0];
    const now = { unpublished: Number(unpublished), count, sum, stockSums, drift: Number(drift), orphans: Number(orphans), negative: Number(negative), stuck: Number(stuck) };
    if (now.unpublished === 0 && last && last.unpublished === 0 && last.count === now.count && last.sum === now.sum && last.stockSums === now.stockSums) {
      stable = now;
      break;
    }
    if (Date.now() > until) {
      if (now.unpublished > 0) failures.push({ kind: 'outbox-not-drained', detail: `${now.unpublished} outbox events still unpublished after ${maxWaitMs / 1000} s` });
      else notes.push(`the ledger was still changing after ${maxWaitMs / 1000} s; checked its last state`);
      stable = now;
      break;
    }
    last = now;
    await sleep(now.unpublished > 0 ? 1000 : 2000);
  }
  log(`ledger: ${stable.count} movements (sum ${stable.sum}), stock on hand/reserved ${stable.stockSums}`);
  if (stable.drift > 0) {
    const rows = psql(url, DRIFT_ROWS).rows || [];
    failures.push({ kind: 'ledger-drift', detail: `${stable.drift} stock rows whose on_hand differs from the sum of their movements`,
      rows: ['stock id|product|location|lot|on_hand|sum(movements)', ...rows.map((x) => x.join('|'))] });
  }
  if (stable.orphans > 0) {
    const rows = psql(url, ORPHAN_ROWS).rows || [];
    failures.push({ kind: 'ledger-orphans', detail: `${stable.orphans} (product, location, lot) groups of movements with a non-zero sum and no stock row`,
      rows: ['product|location|lot|sum(movements)', ...rows.map((x) => x.join('|'))] });
  }
  if (stable.negative > 0) {
    const rows = psql(url, NEGATIVE_ROWS).rows || [];
    failures.push({ kind: 'negative-stock', detail: `${stable.negative} stock rows with a negative quantity or reserved above on hand`,
      rows: ['stock id|product|location|lot|on_hand|reserved', ...rows.map((x) => x.join('|'))] });
  }
  if (stable.stuck > 0) notes.push(`${stable.stuck} stock adjustments still pending more than 20 s after they were requested (dead-lettered by the stock worker?)`);
  return { failures, notes, summary: stable };
}
