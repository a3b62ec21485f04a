// The manufacturer's first screen: production batches from plan to completion, raw materials
// against their reorder minimum, requests to approve, alerts, finished goods by location and the
// inventory check's draft replenishments.
import { useMemo, useState } from 'preact/hooks';
import { get, getAll, post, put } from '../api.js';
import { BarChart } from '../chart.jsx';
import { LabelButton } from '../labels.jsx';
import {
  Action, Dialog, Field, FormProblem, LoadError, Pager, Section, Status, Table, fmtDate, fmtQty, fmtTime,
  locationName, productName, useForm, useLoad, useNotice, usePaged, useRefs,
} from '../ui.jsx';
import { AlertsPanel, OrdersPanel, STOCK_EVENTS } from './common.jsx';
import { RequestsPanel, TransfersPanel } from './transfers.jsx';

const BATCH_EVENTS = ['production.'];

function PlanForm({ onPlanned }) {
  const refs = useRefs();
  const notify = useNotice();
  const products = useMemo(() => [...refs.products.values()].filter((p) => p.kind === 'finished_good' && p.is_active)
    .sort((a, b) => a.sku.localeCompare(b.sku)).map((p) => ({ value: String(p.id), label: `${p.sku} — ${p.name}` })), [refs.products]);
  const factories = useMemo(() => [...refs.locations.values()].filter((l) => l.kind === 'factory' && l.is_active)
    .map((l) => ({ value: String(l.id), label: `${l.name} (${l.code})` })), [refs.locations]);
  const form = useForm({ product_id: products[0]?.value || '', location_id: factories[0]?.value || '', planned_quantity: '100' });
  const submit = form.submit(async (v) => {
    const b = await post('/production/batches', {
      product_id: Number(v.product_id), location_id: Number(v.location_id), planned_quantity: Number(v.planned_quantity),
    });
    notify(`Batch ${b.number} planned`);
    onPlanned?.();
  });
  return (
    <form class="inline" id="plan-form" onSubmit={submit}>
      <Field form={form} name="product_id" label="Product" options={products} />
      <Field form={form} name="location_id" label="Factory" options={factories} />
      <Field form={form} name="planned_quantity" label="Quantity" type="number" min="0.001" step="any" required />
      <button type="submit" disabled={form.busy}>Plan batch</button>
      <FormProblem form={form} />
    </form>
  );
}

function CompleteBatch({ batch, onClose, onDone }) {
  const refs = useRefs();
  const today = new Date();
  const expiry = new Date(today.getTime() + 365 * 86400000).toISOString().slice(0, 10);
  const lot = `L${today.toISOString().slice(2, 10).replace(/-/g, '')}-${batch.number.replace(/\D/g, '').slice(-4)}`;
  const form = useForm({ quantity_produced: String(batch.planned_quantity), lot_code: lot, expires_on: expiry });
  const submit = form.submit(async (v) => {
    await put(`/production/batches/${batch.id}/complete`, {
      quantity_produced: Number(v.quantity_produced), lot_code: v.lot_code.trim(), expires_on: v.expires_on || null,
    });
    onDone();
    onClose();
  });
  const shortages = (form.problem?.problem?.errors || []).filter((e) => e.field?.startsWith('materials.'));
  return (
    <Dialog title={`Complete ${batch.number} — ${productName(refs, batch.product_id)}`} open onClose={onClose}>
      <form class="stack" id="complete-form" onSubmit={submit}>
        <Field form={form} name="quantity_produced" label="Quantity produced" type="number" min="0.001" step="any" required />
        <Field form={form} name="lot_code" label="Lot code" required maxlength="64" />
        <Field form={form} name="expires_on" label="Expires on" type="date" />
        {shortages.length > 0 ? (
          <div class="error" role="alert" id="shortages">
            <p>Not enough material to complete this batch:</p>
            <ul>{shortages.map((e) => {
              const id = Number(e.field.slice('materials.'.length));
              const p = refs.products.get(id);
              return <li key={e.field} data-material={p?.sku || id}><strong>{p ? `${p.sku} (${p.name})` : `material #${id}`}</strong>: {e.message}</li>;
            })}</ul>
          </div>
        ) : <FormProblem form={form} />}
        <div class="buttons">
          <button type="submit" disabled={form.busy}>Complete</button>
          <button type="button" class="ghost" onClick={onClose}>Back</button>
        </div>
      </form>
    </Dialog>
  );
}

function QcFail({ batch, onClose, onDone }) {
  const form = useForm({ reason: '' });
  const submit = form.submit(async (v) => {
    await put(`/production/batches/${batch.id}/qc-fail`, { reason: v.reason.trim() });
    onDone();
    onClose();
  });
  return (
    <Dialog title={`QC failure — ${batch.number}`} open onClose={onClose}>
      <form class="stack" onSubmit={submit}>
        <Field form={form} name="reason" label="What failed" required maxlength="500" />
        <FormProblem form={form} />
        <div class="buttons">
          <button type="submit" class="danger" disabled={form.busy}>Record QC failure</button>
          <button type="button" class="ghost" onClick={onClose}>Back</button>
        </div>
      </form>
    </Dialog>
  );
}

export function ProductionPanel() {
  const refs = useRefs();
  const [status, setStatus] = useState('');
  const list = usePaged('/production/batches', { status }, BATCH_EVENTS, 8);
  const [dialog, setDialog] = useState(null);
  return (
    <Section title="Production batches" id="production-panel" wide actions={
      <label>Status <select value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
        <option value="">all</option>{['planned', 'in_progress', 'completed', 'qc_failed', 'canceled'].map((s) => <option key={s} value={s}>{s.replace('_', ' ')}</option>)}
      </select></label>}>
      <PlanForm onPlanned={list.reload} />
      <LoadError error={list.error} />
      <Table id="batches" loading={list.loading} rows={list.items} empty="No batches."
        rowProps={(b) => ({ 'data-batch': b.number, 'data-status': b.status })} columns={[
          { key: 'number', label: 'Batch' },
          { key: 'product_id', label: 'Product', render: (b) => productName(refs, b.product_id) },
          { key: 'planned_quantity', label: 'Planned', num: true, render: (b) => fmtQty(b.planned_quantity) },
          { key: 'produced_quantity', label: 'Produced', num: true, render: (b) => fmtQty(b.produced_quantity) },
          { key: 'status', label: 'Status', render: (b) => <><Status value={b.status} />{b.completion === 'requested' ? <span class="muted"> booking…</span> : ''}{b.failure_reason ? <span class="error"> {b.failure_reason}</span> : ''}{b.qc_reason ? <span class="muted"> {b.qc_reason}</span> : ''}</> },
          { key: 'lot_code', label: 'Lot', render: (b) => (b.lot_code ? `${b.lot_code} (exp. ${fmtDate(b.expires_on)})` : '—') },
          { key: 'updated_at', label: 'Updated', render: (b) => fmtTime(b.updated_at) },
          { key: 'act', label: 'Actions', nosort: true, render: (b) => (
            <div class="row-actions">
              {b.status === 'planned' && <Action label="Start" of={b.number} run={() => put(`/production/batches/${b.id}/start`)} onDone={list.reload} />}
              {b.status === 'in_progress' && b.completion !== 'requested' && <button type="button" class="small" aria-label={`Complete… ${b.number}`} onClick={() => setDialog({ kind: 'complete', batch: b })}>Complete…</button>}
              {(b.status === 'in_progress' || (b.status === 'completed' && b.lot_id)) && <button type="button" class="small danger" aria-label={`QC fail… ${b.number}`} onClick={() => setDialog({ kind: 'qc', batch: b })}>QC fail…</button>}
              {b.status === 'planned' && <Action label="Cancel" of={b.number} class="small danger" confirm={`Cancel ${b.number}?`} run={() => put(`/production/batches/${b.id}/cancel`)} onDone={list.reload} />}
              {b.lot_id && <LabelButton subject="lot" id={b.lot_id} name={`lot ${b.lot_code}`} />}
            </div>
          ) },
        ]} />
      <Pager list={list} />
      {dialog?.kind === 'complete' && <CompleteBatch batch={dialog.batch} onClose={() => setDialog(null)} onDone={list.reload} />}
      {dialog?.kind === 'qc' && <QcFail batch={dialog.batch} onClose={() => setDialog(null)} onDone={list.reload} />}
    </Section>
  );
}

/** Raw materials on hand at the factory against their reorder minimum. */
function RawMaterialsChart() {
  const refs = useRefs();
  const data = useLoad(async () => {
    const [stock, rules] = await Promise.all([getAll('/stock', { kind: 'raw_material' }), getAll('/reorder-rules')]);
    return { stock, rules };
  }, [], STOCK_EVENTS);
  const { labels, onHand, mins } = useMemo(() => {
    const total = new Map();
    for (const s of data.data?.stock || []) total.set(s.product_id, (total.get(s.product_id) || 0) + Number(s.on_hand));
    const min = new Map();
    for (const r of data.data?.rules || []) if (refs.products.get(r.product_id)?.kind === 'raw_material') min.set(r.product_id, (min.get(r.product_id) || 0) + Number(r.min));
    const ids = [...new Set([...total.keys(), ...min.keys()])].sort((a, b) => productName(refs, a).localeCompare(productName(refs, b)));
    return { labels: ids.map((i) => productName(refs, i)), onHand: ids.map((i) => total.get(i) || 0), mins: ids.map((i) => (min.has(i) ? min.get(i) : null)) };
  }, [data.data, refs.products]);
  return (
    <Section title="Raw materials against reorder minimum" id="materials-panel">
      <LoadError error={data.error} />
      <BarChart id="materials-chart" title="On hand (bars) and reorder minimum (markers)" labels={labels} unit="units"
        series={[{ label: 'On hand', values: onHand }, { label: 'Reorder min', values: mins, kind: 'mark' }]} />
    </Section>
  );
}

function FinishedGoodsChart() {
  const refs = useRefs();
  const data = useLoad(() => getAll('/stock', { kind: 'finished_good' }), [], STOCK_EVENTS);
  const { labels, values } = useMemo(() => {
    const byLocation = new Map();
    for (const s of data.data || []) byLocation.set(s.location_id, (byLocation.get(s.location_id) || 0) + Number(s.on_hand));
    const ids = [...byLocation.keys()].sort((a, b) => a - b);
    return { labels: ids.map((i) => locationName(refs, i)), values: ids.map((i) => byLocation.get(i)) };
  }, [data.data, refs.locations]);
  return (
    <Section title="Finished goods on hand by location" id="finished-panel">
      <LoadError error={data.error} />
      <BarChart id="finished-chart" title="Finished goods on hand" labels={labels} unit="units" series={[{ label: 'On hand', values }]} />
    </Section>
  );
}

export function ManufacturerHome() {
  return (
    <div class="grid">
      <ProductionPanel />
      <RequestsPanel title="Requests waiting for approval" id="approvals-panel" status="pending" decide />
      <RawMaterialsChart />
      <FinishedGoodsChart />
      <AlertsPanel />
      <OrdersPanel title="Draft replenishments to confirm" id="drafts-panel" params={{ status: 'draft' }} filters={false} />
      <TransfersPanel />
    </div>
  );
}

