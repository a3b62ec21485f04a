// The admin's screens: users (their shop-floor PINs too), the accounts waiting for activation,
// locations, suppliers, products with their bill of materials and reorder rules, schedules,
// webhooks and their deliveries, and the audit log.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, del, get, getAll, patch, post, put, qs } from '../api.js';
import { LabelButton } from '../labels.jsx';
import {
  Action, Dialog, Field, FormProblem, LoadError, Pager, Section, Status, Table, fmtMoney, fmtQty, fmtTime, yesNo,
  locationName, productName, useForm, useLoad, useNotice, usePaged, useRefs,
} from '../ui.jsx';

const ROLES = ['admin', 'manufacturer', 'cfa', 'stockist', 'retailer'].map((r) => ({ value: r, label: r }));
const KINDS = ['factory', 'cfa', 'stockist', 'retail'].map((k) => ({ value: k, label: k }));

function locationOptions(refs, none = 'none') {
  return [{ value: '', label: none }, ...[...refs.locations.values()].map((l) => ({ value: String(l.id), label: `${l.name} (${l.code})` }))];
}
const idOrNull = (v) => (v === '' || v === null || v === undefined ? null : Number(v));
const ifMatch = (version) => ({ headers: { 'If-Match': `"${version}"` } });

// ---------------------------------------------------------------- users

function NewUser({ onDone }) {
  const refs = useRefs();
  const notify = useNotice();
  const form = useForm({ username: '', email: '', password: '', role: 'retailer', location_id: '' });
  const submit = form.submit(async (v) => {
    const u = await post('/users', { username: v.username.trim(), email: v.email.trim(), password: v.password, role: v.role, location_id: idOrNull(v.location_id) });
    notify(`User ${u.username} created`);
    form.reset();
    onDone();
  });
  return (
    <form class="stack" id="user-form" onSubmit={submit}>
      <Field form={form} name="username" label="Username" required autocomplete="off" />
      <Field form={form} name="email" label="Email" type="email" required />
      <Field form={form} name="password" label="Password" type="password" required autocomplete="new-password" hint="at least 12 characters" />
      <Field form={form} name="role" label="Role" options={ROLES} />
      <Field form={form} name="location_id" label="Location" options={locationOptions(refs)} />
      <FormProblem form={form} />
      <button type="submit" disabled={form.busy}>Create user</button>
    </form>
  );
}

function ResetPassword({ user, onClose }) {
  const notify = useNotice();
  const form = useForm({ password: '' });
  const submit = form.submit(async (v) => {
    await put(`/users/${user.id}/password`, { password: v.password });
    notify(`Password of ${user.username} changed; their sessions ended`);
    onClose();
  });
  return (
    <Dialog title={`New password for ${user.username}`} open onClose={onClose}>
      <form class="stack" onSubmit={submit}>
        <Field form={form} name="password" label="New password" type="password" required autocomplete="new-password" />
        <FormProblem form={form} />
        <div class="buttons"><button type="submit" disabled={form.busy}>Set password</button></div>
      </form>
    </Dialog>
  );
}

function SetPin({ user, onClose, onDone }) {
  const notify = useNotice();
  const form = useForm({ pin: '' });
  const submit = form.submit(async (v) => {
    await put(`/users/${user.id}/pin`, { pin: v.pin.trim() });
    notify(`Shop-floor PIN of ${user.username} set${user.pin_locked ? ' and unlocked' : ''}`);
    onDone();
    onClose();
  });
  return (
    <Dialog title={`Shop-floor PIN for ${user.username}`} open onClose={onClose}>
      <form class="stack" id="user-pin-form" onSubmit={submit}>
        <Field form={form} name="pin" label="New PIN" type="password" inputmode="numeric" pattern="[0-9]*" autocomplete="off" required
          hint="4 to 8 digits; setting one also unlocks a locked PIN" />
        <FormProblem form={form} />
        <div class="buttons"><button type="submit" disabled={form.busy}>Set PIN</button></div>
      </form>
    </Dialog>
  );
}

const pinState = (u) => (u.pin_locked ? 'locked' : u.has_pin ? 'set' : '—');
const userStatus = (u) => (u.status === 'pending_activation' ? 'pending' : u.is_active ? 'active' : 'inactive');

/** A line on the admin's home when people wait for their account to be activated. */
function PendingHint() {
  const pending = useLoad(() => get(`/users${qs({ status: 'pending_activation', limit: 50 })}`), []);
  const n = pending.data?.items?.length || 0;
  if (!n) return null;
  return (
    <p class="notice warn wide" id="pending-hint" role="status">
      {n}{pending.data.next_cursor ? '+' : ''} account{n === 1 ? '' : 's'} waiting for activation — <a href="#/accounts">Pending accounts</a>
    </p>
  );
}

export function Users() {
  const refs = useRefs();
  const [q, setQ] = useState('');
  const list = usePaged('/users', { q }, [], 15);
  const [resetting, setResetting] = useState(null);
  const [pinning, setPinning] = useState(null);
  return (
    <div class="grid">
      <PendingHint />
      <Section title="Users" id="users-panel" wide actions={<label>Search <input type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} placeholder="name or email" /></label>}>
        <LoadError error={list.error} />
        <Table id="users" loading={list.loading} rows={list.items} rowProps={(u) => ({ 'data-user': u.username })} columns={[
          { key: 'username', label: 'Username' },
          { key: 'email', label: 'Email' },
          { key: 'role', label: 'Role' },
          { key: 'location_id', label: 'Location', render: (u) => locationName(refs, u.location_id) },
          { key: 'is_active', label: 'Status', sort: userStatus, render: (u) => <Status value={userStatus(u)} /> },
          { key: 'has_pin', label: 'PIN', sort: pinState, render: pinState },
          { key: 'act', label: 'Actions', nosort: true, render: (u) => (u.status === 'pending_activation'
            ? <a href="#/accounts" class="small">Pending accounts</a>
            : (
              <div class="row-actions">
                <Action label={u.is_active ? 'Deactivate' : 'Activate'} class={u.is_active ? 'small danger' : 'small'}
                  confirm={u.is_active ? `Deactivate ${u.username}? Their sessions end at once.` : undefined}
                  run={() => patch(`/users/${u.id}/status`, { is_active: !u.is_active })} onDone={list.reload} />
                <button type="button" class="small ghost" onClick={() => setResetting(u)}>Reset password</button>
                <button type="button" class="small ghost" onClick={() => setPinning(u)} aria-label={`Set PIN of ${u.username}`}>Set PIN</button>
              </div>
            )) },
        ]} />
        <Pager list={list} />
      </Section>
      <Section title="New user" id="new-user-panel"><NewUser onDone={list.reload} /></Section>
      {resetting && <ResetPassword user={resetting} onClose={() => setResetting(null)} />}
      {pinning && <SetPin user={pinning} onClose={() => setPinning(null)} onDone={list.reload} />}
    </div>
  );
}

// ---------------------------------------------------------------- accounts waiting for activation

function ActivateAccount({ user, onClose, onDone }) {
  const refs = useRefs();
  const notify = useNotice();
  const form = useForm({
    role: user.requested_role || 'retailer',
    location_id: user.requested_location_id ? String(user.requested_location_id) : '',
  });
  const submit = form.submit(async (v) => {
    const u = await put(`/users/${user.id}/activation`, { role: v.role, location_id: idOrNull(v.location_id) });
    notify(`${u.username} activated as ${u.role}${u.location_id ? ` at ${locationName(refs, u.location_id)}` : ''}`);
    onDone();
    onClose();
  });
  return (
    <Dialog title={`Activate ${user.username}`} open onClose={onClose}>
      <form class="stack" id="activation-form" onSubmit={submit}>
        <p class="muted small">
          Asked for: {user.requested_role || 'no role'}{user.requested_location_id ? ` at ${locationName(refs, user.requested_location_id)}` : ''}
          {user.registration_note ? ` — “${user.registration_note}”` : ''}
        </p>
        <Field form={form} name="role" label="Role" options={ROLES} />
        <Field form={form} name="location_id" label="Location" options={locationOptions(refs)} hint="every role but admin and manufacturer works at one location" />
        <FormProblem form={form} />
        <div class="buttons"><button type="submit" disabled={form.busy}>Activate account</button></div>
      </form>
    </Dialog>
  );
}

export function PendingAccounts() {
  const refs = useRefs();
  const notify = useNotice();
  const [q, setQ] = useState('');
  const list = usePaged('/users', { status: 'pending_activation', q }, [], 20);
  const [activating, setActivating] = useState(null);
  // Whether an address has been verified changes elsewhere (the person opens their email): look again now and then.
  useEffect(() => {
    const t = setInterval(() => list.reload(), 20000);
    return () => clearInterval(t);
  }, []);
  return (
    <div class="grid">
      <Section title="Pending accounts" id="pending-panel" wide actions={(
        <div class="filters">
          <label>Search <input type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} placeholder="name or email" /></label>
          <button type="button" class="small ghost" onClick={list.reload}>Refresh</button>
        </div>
      )}>
        <p class="muted small">People who signed up. An account can be activated once its owner has verified their email address.</p>
        <LoadError error={list.error} />
        <Table id="pending-accounts" loading={list.loading} rows={list.items} empty="No accounts are waiting for activation."
          rowProps={(u) => ({ 'data-user': u.username, 'data-verified': u.email_verified ? 'yes' : 'no' })} columns={[
            { key: 'username', label: 'Username' },
            { key: 'email', label: 'Email' },
            { key: 'email_verified', label: 'Email verified', render: (u) => yesNo(u.email_verified) },
            { key: 'requested_role', label: 'Asked for role', render: (u) => u.requested_role || '—' },
            { key: 'requested_location_id', label: 'Asked for location', render: (u) => (u.requested_location_id ? locationName(refs, u.requested_location_id) : '—') },
            { key: 'registration_note', label: 'Note', render: (u) => u.registration_note || '—' },
            { key: 'created_at', label: 'Signed up', render: (u) => fmtTime(u.created_at) },
            { key: 'act', label: 'Actions', nosort: true, render: (u) => (
              <div class="row-actions">
                <button type="button" class="small" disabled={!u.email_verified} aria-label={`Activate ${u.username}`}
                  title={u.email_verified ? undefined : 'The email address is not verified yet'} onClick={() => setActivating(u)}>Activate</button>
                <Action label="Reject" of={u.username} class="small danger"
                  confirm={`Reject the account of ${u.username}? It is removed.`}
                  run={async () => { await del(`/users/${u.id}/activation`); notify(`Account of ${u.username} rejected`); }} onDone={list.reload} />
                {!u.email_verified && <small class="muted">waiting for email verification</small>}
              </div>
            ) },
          ]} />
        <Pager list={list} />
      </Section>
      {activating && <ActivateAccount user={activating} onClose={() => setActivating(null)} onDone={list.reload} />}
    </div>
  );
}

// ---------------------------------------------------------------- locations and suppliers

export function Locations() {
  const refs = useRefs();
  const notify = useNotice();
  const list = useLoad(() => getAll('/locations'), []);
  const form = useForm({ code: '', name: '', kind: 'retail', upstream_location_id: '' });
  const submit = form.submit(async (v) => {
    const l = await post('/locations', { code: v.code.trim(), name: v.name.trim(), kind: v.kind, upstream_location_id: idOrNull(v.upstream_location_id) });
    notify(`Location ${l.code} created`);
    form.reset();
    list.reload();
    refs.reload?.();
  });
  return (
    <div class="grid">
      <Section title="Locations" id="locations-panel" wide>
        <LoadError error={list.error} />
        <Table id="locations" loading={list.loading} rows={list.data || []} columns={[
          { key: 'code', label: 'Code' }, { key: 'name', label: 'Name' }, { key: 'kind', label: 'Kind' },
          { key: 'upstream_location_id', label: 'Supplied by', render: (l) => locationName(refs, l.upstream_location_id) },
          { key: 'is_active', label: 'Status', render: (l) => <Status value={l.is_active ? 'active' : 'inactive'} /> },
          { key: 'label', label: '', nosort: true, render: (l) => <LabelButton subject="location" id={l.id} name={l.code} /> },
        ]} />
      </Section>
      <Section title="New location" id="new-location-panel">
        <form class="stack" id="location-form" onSubmit={submit}>
          <Field form={form} name="code" label="Code" required maxlength="32" />
          <Field form={form} name="name" label="Name" required />
          <Field form={form} name="kind" label="Kind" options={KINDS} />
          <Field form={form} name="upstream_location_id" label="Supplied by" options={locationOptions(refs)} />
          <FormProblem form={form} />
          <button type="submit" disabled={form.busy}>Create location</button>
        </form>
      </Section>
    </div>
  );
}

export function Suppliers() {
  const notify = useNotice();
  const list = usePaged('/suppliers', {}, [], 15);
  const form = useForm({ name: '', email: '', phone: '', payment_terms: '' });
  const submit = form.submit(async (v) => {
    const s = await post('/suppliers', { name: v.name.trim(), email: v.email.trim() || null, phone: v.phone.trim() || null, payment_terms: v.payment_terms.trim() || null });
    notify(`Supplier ${s.name} created`);
    form.reset();
    list.reload();
  });
  return (
    <div class="grid">
      <Section title="Suppliers" id="suppliers-panel" wide>
        <LoadError error={list.error} />
        <Table id="suppliers" loading={list.loading} rows={list.items} columns={[
          { key: 'name', label: 'Name' }, { key: 'email', label: 'Email' }, { key: 'phone', label: 'Phone' },
          { key: 'payment_terms', label: 'Terms' },
          { key: 'is_active', label: 'Status', render: (s) => <Status value={s.is_active ? 'active' : 'inactive'} /> },
          { key: 'act', label: '', nosort: true, render: (s) => <Action label={s.is_active ? 'Deactivate' : 'Activate'}
            run={() => patch(`/suppliers/${s.id}/status`, { is_active: !s.is_active })} onDone={list.reload} /> },
        ]} />
        <Pager list={list} />
      </Section>
      <Section title="New supplier" id="new-supplier-panel">
        <form class="stack" id="supplier-form" onSubmit={submit}>
          <Field form={form} name="name" label="Name" required />
          <Field form={form} name="email" label="Email" type="email" />
          <Field form={form} name="phone" label="Phone" type="tel" />
          <Field form={form} name="payment_terms" label="Payment terms" />
          <FormProblem form={form} />
          <button type="submit" disabled={form.busy}>Create supplier</button>
        </form>
      </Section>
    </div>
  );
}

// ---------------------------------------------------------------- products

function BomDialog({ product, onClose }) {
  const refs = useRefs();
  const notify = useNotice();
  const bom = useLoad(() => get(`/products/${product.id}/bom`), [product.id]);
  const [lines, setLines] = useState(null);
  const rows = lines ?? (bom.data?.lines || []).map((l) => ({ material_id: String(l.material_id), quantity_per_unit: String(l.quantity_per_unit) }));
  const materials = useMemo(() => [...refs.products.values()].filter((p) => p.kind === 'raw_material')
    .map((p) => ({ value: String(p.id), label: `${p.sku} — ${p.name}` })), [refs.products]);
  const form = useForm({});
  const save = form.submit(async () => {
    await put(`/products/${product.id}/bom`, { lines: rows.map((l) => ({ material_id: Number(l.material_id), quantity_per_unit: Number(l.quantity_per_unit) })) });
    notify(`Bill of materials of ${product.sku} saved`);
    onClose();
  });
  const edit = (i, key, value) => setLines(rows.map((l, k) => (k === i ? { ...l, [key]: value } : l)));
  return (
    <Dialog title={`Bill of materials — ${product.sku}`} open onClose={onClose} wide>
      <LoadError error={bom.error} />
      <form class="stack" onSubmit={save}>
        {rows.map((l, i) => (
          <div class="inline" key={i}>
            <label>Material <select value={l.material_id} onChange={(e) => edit(i, 'material_id', e.currentTarget.value)}>
              {materials.map((m) => <option key={m.value} value={m.value}>{m.label}</option>)}</select></label>
            <label>Per unit <input type="number" min="0" step="any" value={l.quantity_per_unit} onInput={(e) => edit(i, 'quantity_per_unit', e.currentTarget.value)} /></label>
            {form.errors[`lines[${i}].material_id`] && <small class="field-error">{form.errors[`lines[${i}].material_id`]}</small>}
            {form.errors[`lines[${i}].quantity_per_unit`] && <small class="field-error">{form.errors[`lines[${i}].quantity_per_unit`]}</small>}
            <button type="button" class="small ghost" onClick={() => setLines(rows.filter((_, k) => k !== i))}>Remove</button>
          </div>
        ))}
        <div class="buttons">
          <button type="button" class="ghost" onClick={() => setLines([...rows, { material_id: materials[0]?.value || '', quantity_per_unit: '1' }])}>Add material</button>
          <button type="submit" disabled={form.busy || bom.error || (!lines && !bom.data)}>Save</button>
        </div>
        <FormProblem form={form} />
      </form>
    </Dialog>
  );
}

function RulesDialog({ product, onClose }) {
  const refs = useRefs();
  const rules = useLoad(() => getAll('/reorder-rules', { product_id: product.id }), [product.id]);
  const form = useForm({ location_id: String([...refs.locations.keys()][0] || ''), min: '10', max: '50' });
  const add = form.submit(async (v) => {
    await post('/reorder-rules', { product_id: product.id, location_id: Number(v.location_id), min: Number(v.min), max: Number(v.max) });
    rules.reload();
  });
  return (
    <Dialog title={`Reorder rules — ${product.sku}`} open onClose={onClose} wide>
      <LoadError error={rules.error} />
      <Table rows={rules.data || []} loading={rules.loading} empty="No reorder rules." columns={[
        { key: 'location_id', label: 'Location', render: (r) => locationName(refs, r.location_id) },
        { key: 'min', label: 'Min', num: true, render: (r) => fmtQty(r.min) },
        { key: 'max', label: 'Max', num: true, render: (r) => fmtQty(r.max) },
        { key: 'low_since', label: 'Low since', render: (r) => fmtTime(r.low_since) },
        { key: 'del', label: '', nosort: true, render: (r) => <Action label="Delete" class="small danger" confirm="Delete this rule?" run={() => del(`/reorder-rules/${r.id}`)} onDone={rules.reload} /> },
      ]} />
      <form class="inline" onSubmit={add}>
        <Field form={form} name="location_id" label="Location" options={locationOptions(refs).slice(1)} />
        <Field form={form} name="min" label="Min" type="number" min="0" step="any" required />
        <Field form={form} name="max" label="Max" type="number" min="0" step="any" required />
        <button type="submit" disabled={form.busy}>Add rule</button>
        <FormProblem form={form} />
      </form>
    </Dialog>
  );
}

export function Products() {
  const refs = useRefs();
  const notify = useNotice();
  const [q, setQ] = useState('');
  const [kind, setKind] = useState('');
  const list = usePaged('/products', { q, kind }, [], 15);
  const [dialog, setDialog] = useState(null);
  const suppliers = useLoad(() => getAll('/suppliers'), []);
  const form = useForm({ sku: '', name: '', kind: 'finished_good', unit_of_measure: 'pcs', price: '0.00', cost: '0.00', gtin: '', supplier_id: '' });
  const submit = form.submit(async (v) => {
    const p = await post('/products', {
      sku: v.sku.trim(), name: v.name.trim(), kind: v.kind, unit_of_measure: v.unit_of_measure.trim(), price: v.price, cost: v.cost,
      gtin: v.gtin.trim() || null, supplier_id: idOrNull(v.supplier_id),
    });
    notify(`Product ${p.sku} created`);
    form.reset();
    list.reload();
    refs.reload?.();
  });
  return (
    <div class="grid">
      <Section title="Products" id="products-panel" wide actions={<div class="filters">
        <label>Search <input type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} placeholder="SKU or name" /></label>
        <label>Kind <select value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
          <option value="">all</option><option value="finished_good">finished goods</option><option value="raw_material">raw materials</option></select></label>
      </div>}>
        <LoadError error={list.error} />
        <Table id="products" loading={list.loading} rows={list.items} rowProps={(p) => ({ 'data-sku': p.sku })} columns={[
          { key: 'sku', label: 'SKU' }, { key: 'name', label: 'Name' }, { key: 'kind', label: 'Kind', render: (p) => p.kind.replace('_', ' ') },
          { key: 'price', label: 'Price', num: true, sort: (p) => Number(p.price), render: (p) => fmtMoney(p.price) },
          { key: 'cost', label: 'Cost', num: true, sort: (p) => Number(p.cost), render: (p) => fmtMoney(p.cost) },
          { key: 'act', label: 'Actions', nosort: true, render: (p) => (
            <div class="row-actions">
              {p.kind === 'finished_good' && <button type="button" class="small ghost" onClick={() => setDialog({ kind: 'bom', product: p })}>BOM</button>}
              <button type="button" class="small ghost" onClick={() => setDialog({ kind: 'rules', product: p })}>Reorder rules</button>
              <LabelButton subject="product" id={p.id} name={p.sku} />
            </div>
          ) },
        ]} />
        <Pager list={list} />
      </Section>
      <Section title="New product" id="new-product-panel">
        <form class="stack" id="product-form" onSubmit={submit}>
          <Field form={form} name="sku" label="SKU" required />
          <Field form={form} name="name" label="Name" required />
          <Field form={form} name="kind" label="Kind" options={[{ value: 'finished_good', label: 'finished good' }, { value: 'raw_material', label: 'raw material' }]} />
          <Field form={form} name="unit_of_measure" label="Unit" required />
          <Field form={form} name="price" label="Price (₹)" inputmode="decimal" required />
          <Field form={form} name="cost" label="Cost (₹)" inputmode="decimal" required />
          <Field form={form} name="gtin" label="GTIN (optional)" inputmode="numeric" />
          <Field form={form} name="supplier_id" label="Supplier" options={[{ value: '', label: 'none' }, ...(suppliers.data || []).map((s) => ({ value: String(s.id), label: s.name }))]} />
          <FormProblem form={form} />
          <button type="submit" disabled={form.busy}>Create product</button>
        </form>
      </Section>
      {dialog?.kind === 'bom' && <BomDialog product={dialog.product} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'rules' && <RulesDialog product={dialog.product} onClose={() => setDialog(null)} />}
    </div>
  );
}

// ---------------------------------------------------------------- schedules

function EditSchedule({ schedule, onClose, onDone }) {
  const notify = useNotice();
  const form = useForm({ cron: schedule.cron, enabled: schedule.enabled });
  const submit = form.submit(async (v) => {
    await api('PUT', `/schedules/${schedule.name}`, { cron: v.cron.trim(), enabled: v.enabled }, ifMatch(schedule.version));
    notify(`Schedule ${schedule.name} saved`);
    onDone();
    onClose();
  });
  return (
    <Dialog title={`Schedule — ${schedule.name}`} open onClose={onClose}>
      <form class="stack" id="schedule-form" onSubmit={submit}>
        <Field form={form} name="cron" label={`Cron (${schedule.time_zone})`} required hint="minute hour day-of-month month day-of-week" />
        <Field form={form} name="enabled" label="Enabled" type="checkbox" />
        <FormProblem form={form} />
        <div class="buttons"><button type="submit" disabled={form.busy}>Save</button></div>
      </form>
    </Dialog>
  );
}

export function Schedules() {
  const notify = useNotice();
  const list = useLoad(() => get('/schedules'), [], ['inventory.check.completed']);
  const [editing, setEditing] = useState(null);
  return (
    <Section title="Schedules" id="schedules-panel" wide>
      <LoadError error={list.error} />
      <Table id="schedules" loading={list.loading} rows={list.data?.items || []} rowKey={(s) => s.name}
        rowProps={(s) => ({ 'data-schedule': s.name })} columns={[
          { key: 'name', label: 'Job' }, { key: 'command', label: 'Does', render: (s) => s.command.replace(/_/g, ' ') },
          { key: 'cron', label: 'Cron', render: (s) => <code>{s.cron}</code> },
          { key: 'enabled', label: 'Enabled', render: (s) => (s.enabled ? 'yes' : 'no') },
          { key: 'last_run_at', label: 'Last run', render: (s) => <>{fmtTime(s.last_run_at)} {s.last_outcome && <Status value={s.last_outcome} />}</> },
          { key: 'next_run_at', label: 'Next run', render: (s) => fmtTime(s.next_run_at) },
          { key: 'act', label: 'Actions', nosort: true, render: (s) => (
            <div class="row-actions">
              <button type="button" class="small ghost" onClick={() => setEditing(s)}>Edit</button>
              <Action label="Run now" run={async () => { await post(`/schedules/${s.name}/run`); notify(`${s.name} queued`); }} onDone={list.reload} />
            </div>
          ) },
        ]} />
      {editing && <EditSchedule schedule={editing} onClose={() => setEditing(null)} onDone={list.reload} />}
    </Section>
  );
}

// ---------------------------------------------------------------- webhooks

function Deliveries({ hook, onClose }) {
  const list = usePaged(`/webhooks/${hook.id}/deliveries`, {}, [], 10);
  return (
    <Dialog title={`Deliveries — ${hook.url}`} open onClose={onClose} wide>
      <LoadError error={list.error} />
      <Table rows={list.items} loading={list.loading} empty="Nothing delivered yet." columns={[
        { key: 'event_type', label: 'Event' }, { key: 'status', label: 'Status', render: (d) => <Status value={d.status} /> },
        { key: 'attempts', label: 'Attempts', num: true },
        { key: 'last_status_code', label: 'Last answer', render: (d) => d.last_status_code || d.last_error || '—' },
        { key: 'created_at', label: 'Created', render: (d) => fmtTime(d.created_at) },
        { key: 'replay', label: '', nosort: true, render: (d) => <Action label="Replay" run={() => post(`/webhooks/${hook.id}/deliveries/${d.id}/replay`)} onDone={list.reload} /> },
      ]} />
      <Pager list={list} />
    </Dialog>
  );
}

export function Webhooks() {
  const notify = useNotice();
  const list = usePaged('/webhooks', {}, [], 15);
  const [secret, setSecret] = useState(null);
  const [showing, setShowing] = useState(null);
  const form = useForm({ url: '', event_types: 'order.confirmed, order.rejected', description: '' });
  const submit = form.submit(async (v) => {
    const h = await post('/webhooks', { url: v.url.trim(), event_types: v.event_types.split(',').map((s) => s.trim()).filter(Boolean), description: v.description.trim() || null });
    setSecret(h.secret);
    form.reset();
    list.reload();
  });
  return (
    <div class="grid">
      <Section title="Webhooks" id="webhooks-panel" wide>
        <LoadError error={list.error} />
        <Table id="webhooks" loading={list.loading} rows={list.items} empty="No webhooks." columns={[
          { key: 'url', label: 'URL' }, { key: 'event_types', label: 'Events', render: (h) => h.event_types.join(', ') },
          { key: 'enabled', label: 'Status', render: (h) => <><Status value={h.enabled ? 'enabled' : 'disabled'} />{h.disabled_reason ? <span class="muted"> {h.disabled_reason}</span> : ''}</> },
          { key: 'act', label: 'Actions', nosort: true, render: (h) => (
            <div class="row-actions">
              <button type="button" class="small ghost" onClick={() => setShowing(h)}>Deliveries</button>
              <Action label="Send test" run={async () => { await post(`/webhooks/${h.id}/test`); notify('Test event queued'); }} />
              {!h.enabled && <Action label="Enable" run={() => put(`/webhooks/${h.id}`, { url: h.url, event_types: h.event_types, description: h.description, enabled: true })} onDone={list.reload} />}
              <Action label="Delete" class="small danger" confirm={`Delete the webhook to ${h.url}?`} run={() => del(`/webhooks/${h.id}`)} onDone={list.reload} />
            </div>
          ) },
        ]} />
        <Pager list={list} />
      </Section>
      <Section title="New webhook" id="new-webhook-panel">
        <form class="stack" id="webhook-form" onSubmit={submit}>
          <Field form={form} name="url" label="URL" type="url" required />
          <Field form={form} name="event_types" label="Event types (comma-separated)" required />
          <Field form={form} name="description" label="Description" />
          <FormProblem form={form} />
          <button type="submit" disabled={form.busy}>Subscribe</button>
        </form>
        {secret && <p class="notice warn" role="status">Signing secret (shown once): <code id="webhook-secret">{secret}</code></p>}
      </Section>
      {showing && <Deliveries hook={showing} onClose={() => setShowing(null)} />}
    </div>
  );
}

// ---------------------------------------------------------------- audit

export function Audit() {
  const [entity, setEntity] = useState('');
  const list = usePaged('/audit', { entity }, [], 20);
  return (
    <Section title="Audit log" id="audit-panel" wide actions={<label>Entity <input value={entity} onInput={(e) => setEntity(e.currentTarget.value)} placeholder="order, user, schedule…" /></label>}>
      <LoadError error={list.error} />
      <Table id="audit" loading={list.loading} rows={list.items} columns={[
        { key: 'at', label: 'When', render: (a) => fmtTime(a.at) },
        { key: 'actor_id', label: 'Who', render: (a) => (a.actor_id ? `user #${a.actor_id}` : 'system') },
        { key: 'action', label: 'Action' },
        { key: 'entity', label: 'Entity', render: (a) => `${a.entity}${a.entity_id ? ` #${a.entity_id}` : ''}` },
        { key: 'after', label: 'Change', nosort: true, render: (a) => <code class="clip">{JSON.stringify(a.after ?? a.before ?? null)}</code> },
      ]} />
      <Pager list={list} />
    </Section>
  );
}

