// Panels more than one role's dashboard shows: orders with the moves the caller may make, stock,
// alerts, daily sales and reports.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { download, get, patch, post, put, qs } from '../api.js';
import { BarChart } from '../chart.jsx';
import { LabelButton } from '../labels.jsx';
import {
  Action, Dialog, Field, FormProblem, LoadError, Pager, Section, Status, Table, fmtDate, fmtMoney, fmtQty, fmtTime,
  locationName, productName, useForm, useLoad, useNotice, usePaged, useRefs, useSession,
} from '../ui.jsx';

export const ORDER_EVENTS = ['order.'];
export const STOCK_EVENTS = ['stock.', 'order.', 'transfer.', 'production.'];

const scoped = (me) => me.role !== 'admin' && me.role !== 'manufacturer';

/** The moves the caller may make on an order, as the server's rules would allow them. */
export function orderMoves(me, o) {
  const mine = me.location_id ?? me.location?.id;
  const seller = !scoped(me) || o.seller_location_id === mine;
  const buyer = !scoped(me) || o.buyer_location_id === mine;
  const moves = [];
  const purchase = o.kind === 'purchase';
  if (o.status === 'draft' && buyer) moves.push(['pending', 'Confirm draft']);
  if (!purchase) {
    if (o.status === 'confirmed' && seller) moves.push(['processing', 'Process'], ['shipped', 'Ship']);
    if (o.status === 'processing' && seller) moves.push(['shipped', 'Ship']);
    if (o.status === 'shipped' && (o.kind === 'sale' ? seller : buyer)) moves.push(['delivered', 'Deliver']);
    if (['draft', 'pending', 'confirmed', 'processing'].includes(o.status) && (seller || buyer)) moves.push(['canceled', 'Cancel']);
  } else {
    if (o.status === 'pending' && buyer) moves.push(['ordered', 'Mark ordered']);
    if (o.status === 'ordered' && buyer) moves.push(['received', 'Receive']);
    if (['draft', 'pending', 'ordered'].includes(o.status) && buyer) moves.push(['canceled', 'Cancel']);
  }
  return moves;
}

export function OrderDetail({ id, onClose }) {
  const refs = useRefs();
  const order = useLoad(() => get(`/orders/${id}`), [id], ORDER_EVENTS);
  const o = order.data;
  return (
    <Dialog title={o ? `Order ${o.number}` : 'Order'} open onClose={onClose} wide>
      <LoadError error={order.error} />
      {o && (
        <div class="order-detail">
          <p><Status value={o.status} /> {o.kind} · {locationName(refs, o.seller_location_id)} → {o.buyer_location_id ? locationName(refs, o.buyer_location_id) : (o.customer || 'walk-in')} · {fmtMoney(o.total)}</p>
          {o.rejection_reason && <p class="error">Rejected: {o.rejection_reason}</p>}
          <Table columns={[
            { key: 'sku', label: 'SKU' },
            { key: 'quantity', label: 'Quantity', num: true, render: (l) => fmtQty(l.quantity) },
            { key: 'amount', label: 'Amount', num: true, render: (l) => fmtMoney(l.amount) },
            { key: 'lots', label: 'Lots reserved', nosort: true, render: (l) => (l.allocations || []).map((a) => `${a.lot_code || 'no lot'} × ${fmtQty(a.quantity)}`).join(', ') || '—' },
          ]} rows={o.lines} />
          <h3>History</h3>
          <ol class="history">{(o.history || []).map((h, i) => <li key={i}>{fmtTime(h.at)} — {h.from || 'new'} → {h.to}{h.note ? ` (${h.note})` : ''}</li>)}</ol>
          <div class="buttons"><LabelButton subject="order" id={o.id} name={o.number} /></div>
        </div>
      )}
    </Dialog>
  );
}

export function OrdersPanel({ title = 'Orders', id = 'orders-panel', params = {}, filters = true }) {
  const me = useSession();
  const refs = useRefs();
  const [kind, setKind] = useState(params.kind || '');
  const [status, setStatus] = useState(params.status || '');
  const list = usePaged('/orders', { ...params, kind, status }, ORDER_EVENTS, 10);
  const [open, setOpen] = useState(null);
  const counterpart = (o) => {
    const mine = me.location?.id;
    if (o.kind === 'sale') return o.customer || 'walk-in customer';
    if (o.kind === 'purchase') return `supplier #${o.supplier_id}`;
    return o.seller_location_id === mine ? `to ${locationName(refs, o.buyer_location_id)}` : `from ${locationName(refs, o.seller_location_id)}`;
  };
  return (
    <Section title={title} id={id} wide actions={filters && (
      <div class="filters">
        <label>Kind <select value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
          <option value="">all</option><option value="sale">sale</option><option value="replenishment">replenishment</option><option value="purchase">purchase</option>
        </select></label>
        <label>Status <select value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
          <option value="">all</option>
          {['draft', 'pending', 'confirmed', 'rejected', 'processing', 'shipped', 'delivered', 'canceled', 'ordered', 'received'].map((s) => <option key={s} value={s}>{s}</option>)}
        </select></label>
      </div>
    )}>
      <LoadError error={list.error} />
      <Table id="orders" loading={list.loading} rows={list.items} rowProps={(o) => ({ 'data-order': o.number, 'data-status': o.status })} columns={[
        { key: 'number', label: 'Number', render: (o) => <button type="button" class="link" onClick={() => setOpen(o.id)}>{o.number}</button> },
        { key: 'kind', label: 'Kind' },
        { key: 'status', label: 'Status', render: (o) => <Status value={o.status} /> },
        { key: 'party', label: 'With', sort: counterpart, render: counterpart },
        { key: 'total', label: 'Total', num: true, sort: (o) => Number(o.total), render: (o) => fmtMoney(o.total) },
        { key: 'created_at', label: 'Placed', render: (o) => fmtTime(o.created_at) },
        { key: 'actions', label: 'Actions', nosort: true, render: (o) => (
          <div class="row-actions">
            {orderMoves(me, o).map(([to, label]) => (
              <Action key={to} label={label} of={o.number} class={to === 'canceled' ? 'small danger' : 'small'}
                confirm={to === 'canceled' ? `Cancel order ${o.number}?` : undefined}
                run={() => patch(`/orders/${o.id}/status`, { status: to })} onDone={list.reload} />
            ))}
          </div>
        ) },
      ]} />
      <Pager list={list} />
      {open && <OrderDetail id={open} onClose={() => setOpen(null)} />}
    </Section>
  );
}

export function StockPanel({ title = 'Stock', id = 'stock-panel', kind, locationId, showLocation }) {
  const refs = useRefs();
  const [product, setProduct] = useState('');
  const products = useMemo(() => [...refs.products.values()].filter((p) => !kind || p.kind === kind)
    .sort((a, b) => a.sku.localeCompare(b.sku)), [refs.products, kind]);
  const list = usePaged('/stock', { kind, location_id: locationId, product_id: product }, STOCK_EVENTS, 15);
  const columns = [
    { key: 'sku', label: 'SKU' },
    { key: 'product_name', label: 'Product' },
    ...(showLocation ? [{ key: 'location_code', label: 'Location' }] : []),
    { key: 'lot_code', label: 'Lot', render: (s) => s.lot_code || '—' },
    { key: 'expires_on', label: 'Expires', render: (s) => fmtDate(s.expires_on) },
    { key: 'on_hand', label: 'On hand', num: true, render: (s) => fmtQty(s.on_hand) },
    { key: 'available', label: 'Available', num: true, render: (s) => fmtQty(s.available) },
    { key: 'label', label: 'Label', nosort: true, render: (s) => (s.lot_id
      ? <LabelButton subject="lot" id={s.lot_id} name={`${s.sku} lot ${s.lot_code}`} />
      : <LabelButton subject="product" id={s.product_id} name={s.sku} />) },
  ];
  return (
    <Section title={title} id={id} actions={
      <label>Product <select name="stock-product" value={product} onChange={(e) => setProduct(e.currentTarget.value)}>
        <option value="">all</option>
        {products.map((p) => <option key={p.id} value={String(p.id)}>{p.sku}</option>)}
      </select></label>}>
      <LoadError error={list.error} />
      <Table id="stock" loading={list.loading} rows={list.items} columns={columns}
        rowKey={(s) => `${s.product_id}-${s.location_id}-${s.lot_id}`}
        rowProps={(s) => ({ 'data-sku': s.sku, 'data-lot': s.lot_code || '', 'data-available': s.available, 'data-on-hand': s.on_hand })} />
      <Pager list={list} />
    </Section>
  );
}

export function AlertsPanel({ id = 'alerts-panel', canAck = true }) {
  const list = usePaged('/alerts', { open: true }, ['stock.', 'transfer.discrepancy', 'inventory.', 'request.', 'order.'], 8);
  const refs = useRefs();
  return (
    <Section title="Open alerts" id={id}>
      <LoadError error={list.error} />
      <Table id="alerts" loading={list.loading} rows={list.items} empty="No open alerts." columns={[
        { key: 'severity', label: 'Severity', render: (a) => <Status value={a.severity} /> },
        { key: 'message', label: 'Alert', render: (a) => <><strong>{a.kind.replace(/[._]/g, ' ')}</strong> {a.message}</> },
        { key: 'location_id', label: 'Where', render: (a) => locationName(refs, a.location_id) },
        { key: 'last_raised_at', label: 'Raised', render: (a) => fmtTime(a.last_raised_at) },
        { key: 'ack', label: '', nosort: true, render: (a) => (canAck && !a.acked_at
          ? <Action label="Acknowledge" run={() => put(`/alerts/${a.id}/ack`)} onDone={list.reload} />
          : a.acked_at ? <span class="muted">acknowledged</span> : null) },
      ]} />
      <Pager list={list} />
    </Section>
  );
}

/** Revenue of confirmed sales per day, the last `days` days, as bars. */
export function SalesChart({ days = 30, locationId }) {
  const from = new Date(Date.now() - (days - 1) * 86400000).toISOString().slice(0, 10);
  const sales = useLoad(() => get(`/sales/daily${qs({ from, location_id: locationId })}`), [from, locationId], ['order.']);
  const { labels, values } = useMemo(() => {
    const byDay = new Map();
    for (const d of sales.data?.items || []) byDay.set(d.day, (byDay.get(d.day) || 0) + Number(d.revenue));
    const l = [...Array(days).keys()].map((i) => new Date(Date.now() - (days - 1 - i) * 86400000).toISOString().slice(0, 10));
    return { labels: l.map((d) => d.slice(5)), values: l.map((d) => Math.round((byDay.get(d) || 0) * 100) / 100) };
  }, [sales.data, days]);
  return (
    <Section title={`Sales, last ${days} days`} id="sales-panel">
      <LoadError error={sales.error} />
      <BarChart id="sales-chart" title="Revenue of confirmed sales per day" labels={labels} unit="₹" series={[{ label: 'Revenue', values }]} />
    </Section>
  );
}

const REPORT_TYPES = [
  { value: 'stock_valuation', label: 'Stock valuation' }, { value: 'daily_sales', label: 'Daily sales' },
  { value: 'movements', label: 'Stock movements' }, { value: 'low_stock', label: 'Low stock' }, { value: 'expiry', label: 'Expiry' },
];

export function ReportsPanel({ path }) {
  const notify = useNotice();
  const linked = /^\/reports\/(\d+)/.exec(path || '')?.[1];
  const list = usePaged('/reports', {}, [], 10);
  // A report opened from an email link is shown first, wherever it is in the list.
  const one = useLoad(() => (linked ? get(`/reports/${linked}`).then((r) => [r]) : Promise.resolve([])), [linked]);
  const rows = useMemo(() => {
    const extra = (one.data || []).filter((r) => !list.items.some((x) => x.id === r.id));
    return [...extra, ...list.items];
  }, [one.data, list.items]);
  const pending = rows.some((r) => r.status === 'pending');
  useEffect(() => {
    if (!pending) return undefined;
    const t = setTimeout(() => { list.reload(); if (linked) one.reload(); }, 1000);  // the reports worker takes a moment
    return () => clearTimeout(t);
  }, [rows]);
  const form = useForm({ type: 'stock_valuation', format: 'csv', from: '', to: '' });
  const submit = form.submit(async (v) => {
    const params = {};
    if (v.from) params.from = v.from;
    if (v.to) params.to = v.to;
    const r = await post('/reports', { type: v.type, format: v.format, params });
    notify(`Report #${r.id} requested`);
    list.reload();
  });
  return (
    <div class="grid">
      <Section title="Request a report" id="report-form-panel">
        <form class="stack" id="report-form" onSubmit={submit}>
          <Field form={form} name="type" label="Report" options={REPORT_TYPES} />
          <Field form={form} name="format" label="Format" options={[{ value: 'csv', label: 'CSV' }, { value: 'xlsx', label: 'Excel (xlsx)' }, { value: 'json', label: 'JSON' }]} />
          <Field form={form} name="from" label="From (sales and movements)" type="date" errorKey="params.from" />
          <Field form={form} name="to" label="To" type="date" errorKey="params.to" />
          <FormProblem form={form} />
          <button type="submit" disabled={form.busy}>Request report</button>
        </form>
      </Section>
      <Section title="Reports" id="reports-panel" wide>
        <LoadError error={list.error || one.error} />
        <Table id="reports" rows={rows} loading={list.loading} empty="No reports yet."
          rowProps={(r) => ({ 'data-report': r.id, 'data-status': r.status })} columns={[
            { key: 'id', label: '#', num: true },
            { key: 'type', label: 'Report', render: (r) => (r.type || '').replace(/_/g, ' ') },
            { key: 'format', label: 'Format' },
            { key: 'status', label: 'Status', render: (r) => <Status value={r.status} /> },
            { key: 'row_count', label: 'Rows', num: true, render: (r) => fmtQty(r.row_count) },
            { key: 'created_at', label: 'Requested', render: (r) => fmtTime(r.created_at) },
            { key: 'get', label: '', nosort: true, render: (r) => (r.status === 'ready'
              ? <Action label="Download" run={async () => notify(`Downloaded ${await download(`/reports/${r.id}/download`, `report-${r.id}.${r.format}`)}`)} />
              : <span class="muted">{r.reason || ''}</span>) },
          ]} />
        <Pager list={list} />
      </Section>
    </div>
  );
}

