// Stock requests and transfers, shared by the CFA's and the manufacturer's screens: create and
// follow requests, dispatch, arrive and complete transfers with what was received.
import { useMemo, useState } from 'preact/hooks';
import { get, post, put } from '../api.js';
import {
  Action, Dialog, Field, FormProblem, LoadError, Pager, Section, Status, Table, fmtQty, fmtTime, locationName,
  productName, useForm, useLoad, useNotice, usePaged, useRefs, useSession,
} from '../ui.jsx';

const REQUEST_EVENTS = ['request.', 'transfer.'];
const TRANSFER_EVENTS = ['transfer.', 'request.approved'];
const scoped = (me) => me.role !== 'admin' && me.role !== 'manufacturer';

export function RequestForm() {
  const me = useSession();
  const refs = useRefs();
  const notify = useNotice();
  const upstream = me.location ? refs.locations.get(me.location.id)?.upstream_location_id : null;
  const sources = useMemo(() => [...refs.locations.values()]
    .filter((l) => l.is_active && l.id !== me.location?.id && (l.kind === 'factory' || l.id === upstream))
    .map((l) => ({ value: String(l.id), label: `${l.name} (${l.code})` })), [refs.locations]);
  const products = useMemo(() => [...refs.products.values()].filter((p) => p.kind === 'finished_good' && p.is_active)
    .sort((a, b) => a.sku.localeCompare(b.sku)).map((p) => ({ value: String(p.id), label: `${p.sku} — ${p.name}` })), [refs.products]);
  const form = useForm({ from_location_id: String(upstream || sources[0]?.value || ''), product_id: products[0]?.value || '', quantity: '10', reason: '' });
  const submit = form.submit(async (v) => {
    const r = await post('/requests', {
      action: 'transfer', product_id: Number(v.product_id), quantity: Number(v.quantity),
      from_location_id: Number(v.from_location_id), reason: v.reason.trim(),
    });
    notify(`Request ${r.number} sent for approval`);
    form.setValues({ ...v, reason: '' });
  });
  return (
    <Section title="Request stock" id="request-form-panel">
      <form class="stack" id="request-form" onSubmit={submit}>
        <Field form={form} name="from_location_id" label="From" options={sources} />
        <Field form={form} name="product_id" label="Product" options={products} />
        <Field form={form} name="quantity" label="Quantity" type="number" min="0.001" step="any" required />
        <Field form={form} name="reason" label="Reason" required maxlength="500" />
        <FormProblem form={form} />
        <button type="submit" disabled={form.busy}>Send request</button>
      </form>
    </Section>
  );
}

function DecideDialog({ request, verb, onClose, onDone }) {
  const form = useForm({ comment: '' });
  const submit = form.submit(async (v) => {
    await put(`/requests/${request.id}/${verb}`, { comment: v.comment.trim() || null });
    onDone();
    onClose();
  });
  return (
    <Dialog title={`${verb === 'approve' ? 'Approve' : 'Deny'} ${request.number}`} open onClose={onClose}>
      <form class="stack" onSubmit={submit}>
        <Field form={form} name="comment" label="Comment (optional)" maxlength="500" />
        <FormProblem form={form} />
        <div class="buttons">
          <button type="submit" class={verb === 'deny' ? 'danger' : ''} disabled={form.busy}>{verb === 'approve' ? 'Approve' : 'Deny'}</button>
          <button type="button" class="ghost" onClick={onClose}>Back</button>
        </div>
      </form>
    </Dialog>
  );
}

/** Requests: the caller's own (CFA, stockist) or all pending ones to decide (manufacturer, admin). */
export function RequestsPanel({ title = 'Requests', id = 'requests-panel', status, decide }) {
  const me = useSession();
  const refs = useRefs();
  const list = usePaged('/requests', { status }, REQUEST_EVENTS, 10);
  const [deciding, setDeciding] = useState(null);
  return (
    <Section title={title} id={id} wide>
      <LoadError error={list.error} />
      <Table id={decide ? 'approvals' : 'requests'} loading={list.loading} rows={list.items}
        empty={decide ? 'No requests waiting for a decision.' : 'No requests yet.'}
        rowProps={(r) => ({ 'data-request': r.number, 'data-status': r.status })} columns={[
          { key: 'number', label: 'Number' },
          { key: 'product_id', label: 'Product', render: (r) => productName(refs, r.product_id) },
          { key: 'quantity', label: 'Quantity', num: true, render: (r) => fmtQty(r.quantity) },
          { key: 'route', label: 'From → to', render: (r) => `${locationName(refs, r.from_location_id)} → ${locationName(refs, r.to_location_id)}` },
          { key: 'status', label: 'Status', render: (r) => <><Status value={r.status} />{r.hold === 'held' ? <span class="muted"> stock held</span> : ''}</> },
          { key: 'reason', label: 'Reason', render: (r) => r.failure_reason || r.decision_comment || r.reason },
          { key: 'created_at', label: 'Asked', render: (r) => fmtTime(r.created_at) },
          { key: 'act', label: 'Actions', nosort: true, render: (r) => (
            <div class="row-actions">
              {decide && r.status === 'pending' && <>
                <button type="button" class="small" aria-label={`Approve ${r.number}`} onClick={() => setDeciding({ request: r, verb: 'approve' })}>Approve</button>
                <button type="button" class="small danger" aria-label={`Deny ${r.number}`} onClick={() => setDeciding({ request: r, verb: 'deny' })}>Deny</button>
              </>}
              {!decide && r.status === 'pending' && r.requested_by === me.id && (
                <Action label="Cancel" of={r.number} class="small danger" confirm={`Cancel request ${r.number}?`} run={() => put(`/requests/${r.id}/cancel`)} onDone={list.reload} />
              )}
            </div>
          ) },
        ]} />
      <Pager list={list} />
      {deciding && <DecideDialog {...deciding} onClose={() => setDeciding(null)} onDone={list.reload} />}
    </Section>
  );
}

function CompleteDialog({ transfer, onClose, onDone }) {
  const lines = transfer.lines || [];
  const form = useForm(Object.fromEntries(lines.map((l) => [`q${l.id}`, String(l.quantity)])));
  const submit = form.submit(async (v) => {
    await put(`/transfers/${transfer.id}/complete`, {
      lines: lines.map((l) => ({ product_id: l.product_id, received_quantity: Number(v[`q${l.id}`]) })),
    });
    onDone();
    onClose();
  });
  return (
    <Dialog title={`Receive ${transfer.number}`} open onClose={onClose}>
      <form class="stack" id="receive-form" onSubmit={submit}>
        <p class="muted">Enter what arrived; any difference is recorded and alerted.</p>
        {lines.map((l, i) => (
          <Field key={l.id} form={form} name={`q${l.id}`} errorKey={`lines[${i}].received_quantity`}
            label={`${l.sku}${l.lot_code ? ` lot ${l.lot_code}` : ''} received (sent ${fmtQty(l.quantity)})`} type="number" min="0" step="any" required />
        ))}
        <FormProblem form={form} />
        <div class="buttons">
          <button type="submit" disabled={form.busy}>Complete transfer</button>
          <button type="button" class="ghost" onClick={onClose}>Back</button>
        </div>
      </form>
    </Dialog>
  );
}

export function TransfersPanel({ title = 'Transfers', id = 'transfers-panel' }) {
  const me = useSession();
  const refs = useRefs();
  const list = usePaged('/transfers', {}, TRANSFER_EVENTS, 10);
  const [receiving, setReceiving] = useState(null);
  const mine = me.location?.id;
  const isSource = (t) => !scoped(me) || t.from_location_id === mine;
  const isDestination = (t) => !scoped(me) || t.to_location_id === mine;
  const openReceive = async (t) => setReceiving(await get(`/transfers/${t.id}`));
  return (
    <Section title={title} id={id} wide>
      <LoadError error={list.error} />
      <Table id="transfers" loading={list.loading} rows={list.items} empty="No transfers yet."
        rowProps={(t) => ({ 'data-transfer': t.number, 'data-status': t.status })} columns={[
          { key: 'number', label: 'Number' },
          { key: 'direction', label: 'Direction', render: (t) => (scoped(me) ? (t.to_location_id === mine ? 'incoming' : 'outgoing') : '—') },
          { key: 'route', label: 'From → to', render: (t) => `${locationName(refs, t.from_location_id)} → ${locationName(refs, t.to_location_id)}` },
          { key: 'status', label: 'Status', render: (t) => <><Status value={t.status} />{t.pending_step ? <span class="muted"> {t.pending_step.replace(/_/g, ' ')}…</span> : ''}{t.failure_reason ? <span class="error"> {t.failure_reason}</span> : ''}</> },
          { key: 'updated_at', label: 'Updated', render: (t) => fmtTime(t.updated_at) },
          { key: 'act', label: 'Actions', nosort: true, render: (t) => (
            <div class="row-actions">
              {t.status === 'pending' && !t.pending_step && isSource(t) && <Action label="Dispatch" of={t.number} run={() => put(`/transfers/${t.id}/dispatch`)} onDone={list.reload} />}
              {t.status === 'in_transit' && isDestination(t) && <Action label="Arrived" of={t.number} run={() => put(`/transfers/${t.id}/arrive`)} onDone={list.reload} />}
              {t.status === 'arrived' && !t.pending_step && isDestination(t) && (
                <Action label="Receive…" of={t.number} run={() => openReceive(t)} />
              )}
              {t.status === 'pending' && !scoped(me) && <Action label="Cancel" of={t.number} class="small danger" confirm={`Cancel ${t.number}?`} run={() => put(`/transfers/${t.id}/cancel`)} onDone={list.reload} />}
            </div>
          ) },
        ]} />
      <Pager list={list} />
      {receiving && <CompleteDialog transfer={receiving} onClose={() => setReceiving(null)} onDone={list.reload} />}
    </Section>
  );
}

