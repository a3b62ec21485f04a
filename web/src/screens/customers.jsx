// A store's customers (retailer and stockist): the list with search, a customer's details and
// order history, create, edit, deactivate and anonymize; and the customer picker of the sale form.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, del, get, post, qs } from '../api.js';
import {
  Action, Dialog, Field, FormProblem, LoadError, Pager, Section, Status, Table, fmtMoney, fmtTime,
  useForm, useLoad, useNotice, usePaged,
} from '../ui.jsx';
import { ORDER_EVENTS, OrderDetail } from './common.jsx';

const orNull = (s) => (s && s.trim() ? s.trim() : null);
const customerStatus = (c) => (c.anonymized ? 'anonymized' : c.is_active ? 'active' : 'inactive');
const EMPTY = { name: '', phone: '', email: '', address: '', tax_id: '', notes: '' };

/** Create (no `customer`) or edit one customer: every editable field, sent in full. */
function CustomerForm({ customer, onSaved, id }) {
  const notify = useNotice();
  const form = useForm(customer
    ? Object.fromEntries(Object.keys(EMPTY).map((k) => [k, customer[k] ?? '']))
    : EMPTY);
  const submit = form.submit(async (v) => {
    const body = Object.fromEntries(Object.keys(EMPTY).map((k) => [k, orNull(v[k])]));
    body.name = v.name.trim();
    const saved = customer
      ? await api('PUT', `/customers/${customer.id}`, body, { headers: { 'If-Match': `"${customer.version}"` } })
      : await post('/customers', body);
    notify(customer ? `Customer ${saved.name} saved` : `Customer ${saved.name} added`);
    if (!customer) form.reset();
    onSaved?.(saved);
  });
  return (
    <form class="stack" id={id} onSubmit={submit}>
      <Field form={form} name="name" label="Name" required maxlength="200" autocomplete="off" />
      <Field form={form} name="phone" label="Phone" type="tel" inputmode="tel" autocomplete="off" />
      <Field form={form} name="email" label="Email" type="email" autocomplete="off" />
      <Field form={form} name="address" label="Address" type="textarea" rows="2" />
      <Field form={form} name="tax_id" label="Tax ID (GSTIN)" autocomplete="off" />
      <Field form={form} name="notes" label="Notes" type="textarea" rows="2" />
      <FormProblem form={form} />
      <div class="buttons"><button type="submit" disabled={form.busy}>{customer ? 'Save customer' : 'Add customer'}</button></div>
    </form>
  );
}

function CustomerOrders({ customerId }) {
  const list = usePaged(`/customers/${customerId}/orders`, {}, ORDER_EVENTS, 10);
  const [open, setOpen] = useState(null);
  return (
    <>
      <LoadError error={list.error} />
      <Table id="customer-orders" loading={list.loading} rows={list.items} empty="No orders yet."
        rowProps={(o) => ({ 'data-order': o.number, 'data-status': o.status })} columns={[
          { key: 'number', label: 'Number', render: (o) => <button type="button" class="link" onClick={() => setOpen(o.id)}>{o.number}</button> },
          { key: 'status', label: 'Status', render: (o) => <Status value={o.status} /> },
          { key: 'total', label: 'Total', num: true, sort: (o) => Number(o.total), render: (o) => fmtMoney(o.total) },
          { key: 'created_at', label: 'Placed', render: (o) => fmtTime(o.created_at) },
        ]} />
      <Pager list={list} />
      {open && <OrderDetail id={open} onClose={() => setOpen(null)} />}
    </>
  );
}

/** One customer: their details, what may be done with them, their orders. */
function CustomerDetail({ id, onClose, onChanged }) {
  const one = useLoad(() => get(`/customers/${id}`), [id]);
  const [editing, setEditing] = useState(false);
  const c = one.data;
  const changed = () => { one.reload(); onChanged(); };
  return (
    <Dialog title={c ? `Customer ${c.name}` : 'Customer'} open onClose={onClose} wide>
      <LoadError error={one.error} />
      {c && !editing && (
        <div class="customer-detail" id="customer-detail" data-customer={c.id}>
          <dl class="facts">
            <dt>Status</dt><dd><Status value={customerStatus(c)} /></dd>
            <dt>Phone</dt><dd>{c.phone || '—'}</dd>
            <dt>Email</dt><dd>{c.email || '—'}</dd>
            <dt>Address</dt><dd>{c.address || '—'}</dd>
            <dt>Tax ID</dt><dd>{c.tax_id || '—'}</dd>
            <dt>Notes</dt><dd>{c.notes || '—'}</dd>
            <dt>Customer since</dt><dd>{fmtTime(c.created_at)}</dd>
          </dl>
          {!c.anonymized && (
            <div class="buttons">
              <button type="button" class="small ghost" onClick={() => setEditing(true)}>Edit</button>
              {c.is_active && <Action label="Deactivate" class="small danger" confirm={`Deactivate ${c.name}? Their orders are kept.`}
                run={() => del(`/customers/${c.id}`)} onDone={changed} />}
              <Action label="Anonymize" class="small danger"
                confirm={`Anonymize ${c.name}? Their name, phone, email, address and tax ID are erased for good; their orders are kept.`}
                run={() => post(`/customers/${c.id}/anonymize`)} onDone={changed} />
            </div>
          )}
          <h3>Orders</h3>
          <CustomerOrders customerId={c.id} />
        </div>
      )}
      {c && editing && (
        <>
          <CustomerForm customer={c} id="customer-edit-form" onSaved={() => { setEditing(false); changed(); }} />
          <div class="buttons"><button type="button" class="ghost" onClick={() => setEditing(false)}>Back</button></div>
        </>
      )}
    </Dialog>
  );
}

export function Customers({ path }) {
  const [q, setQ] = useState('');
  const [all, setAll] = useState(false);
  const list = usePaged('/customers', { q: q.trim(), is_active: all ? '' : 'true' }, [], 15);
  const linked = /^\/customers\/(\d+)/.exec(path || '')?.[1];
  const open = (id) => { location.hash = `#/customers/${id}`; };
  const close = () => { location.hash = '#/customers'; };
  return (
    <div class="grid">
      <Section title="Customers" id="customers-panel" wide actions={(
        <div class="filters">
          <label>Search <input type="search" name="customer-search" value={q} onInput={(e) => setQ(e.currentTarget.value)} placeholder="name, phone or email" /></label>
          <label><input type="checkbox" checked={all} onChange={(e) => setAll(e.currentTarget.checked)} /> Show inactive</label>
        </div>
      )}>
        <LoadError error={list.error} />
        <Table id="customers" loading={list.loading} rows={list.items} empty={q ? `No customer matches “${q}”.` : 'No customers yet.'}
          rowProps={(c) => ({ 'data-customer': c.id, 'data-phone': c.phone || '' })} columns={[
            { key: 'name', label: 'Name', render: (c) => <button type="button" class="link" onClick={() => open(c.id)}>{c.name}</button> },
            { key: 'phone', label: 'Phone' },
            { key: 'email', label: 'Email' },
            { key: 'status', label: 'Status', sort: customerStatus, render: (c) => <Status value={customerStatus(c)} /> },
            { key: 'created_at', label: 'Since', render: (c) => fmtTime(c.created_at) },
          ]} />
        <Pager list={list} />
      </Section>
      <Section title="New customer" id="new-customer-panel">
        <CustomerForm id="customer-form" onSaved={list.reload} />
      </Section>
      {linked && <CustomerDetail id={linked} onClose={close} onChanged={list.reload} />}
    </div>
  );
}

/**
 * The sale form's customer: a walk-in (the typed name, or none), an existing customer of the
 * store found as the name, phone or email is typed, or a new one made with the sale. `value` is
 * { picked, creating }; the typed text and the new customer's fields live in `form`.
 */
export function CustomerPicker({ form, value, onChange }) {
  const { picked, creating } = value;
  const text = form.values.customer;
  const [matches, setMatches] = useState([]);
  const timer = useRef(null);
  useEffect(() => {
    clearTimeout(timer.current);
    const q = (text || '').trim();
    if (picked || creating || q.length < 2) { setMatches([]); return undefined; }
    let current = true;  // a reply to an older query is dropped
    timer.current = setTimeout(async () => {
      const found = await get(`/customers${qs({ q, is_active: 'true', limit: 6 })}`).then((r) => r.items).catch(() => []);
      if (current) setMatches(found);
    }, 250);
    return () => { current = false; clearTimeout(timer.current); };
  }, [text, picked, creating]);

  if (picked) {
    return (
      <div class="picked" id="sale-customer" data-customer={picked.id}>
        <span>Customer: <strong>{picked.name}</strong>{picked.phone ? ` · ${picked.phone}` : ''}</span>
        <button type="button" class="small ghost" onClick={() => onChange({ picked: null, creating: false })}>Change customer</button>
      </div>
    );
  }
  if (creating) {
    return (
      <fieldset class="new-customer" id="sale-new-customer">
        <legend>New customer</legend>
        <Field form={form} name="customer.name" label="Customer name" required maxlength="200" autocomplete="off" />
        <Field form={form} name="customer.phone" label="Customer phone" type="tel" inputmode="tel" autocomplete="off" />
        <Field form={form} name="customer.email" label="Customer email" type="email" autocomplete="off" />
        <small class="hint">A customer of the store with this phone (or email) is used instead of a new one.</small>
        <div class="buttons"><button type="button" class="small ghost" onClick={() => onChange({ picked: null, creating: false })}>No new customer</button></div>
      </fieldset>
    );
  }
  return (
    <div class="customer-picker">
      <Field form={form} name="customer" label="Customer (optional)" maxlength="200" autocomplete="off"
        hint="Type a name or phone to find a customer; leave empty for a walk-in" />
      {matches.length > 0 && (
        <ul class="suggestions" id="customer-suggestions" aria-label="Matching customers">
          {matches.map((c) => (
            <li key={c.id}>
              <button type="button" class="result" onClick={() => { setMatches([]); onChange({ picked: c, creating: false }); }}>
                <strong>{c.name}</strong>{c.phone ? <span class="muted"> · {c.phone}</span> : null}{c.email ? <span class="muted"> · {c.email}</span> : null}
              </button>
            </li>
          ))}
        </ul>
      )}
      <button type="button" class="small ghost" onClick={() => {
        form.set('customer.name', (text || '').trim());
        onChange({ picked: null, creating: true });
      }}>New customer…</button>
    </div>
  );
}
