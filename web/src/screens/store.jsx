// The stockist's and the retailer's first screen: sell (to a walk-in, a known customer or a new
// one), replenish from upstream, follow and move their orders, their finished-goods stock, daily
// sales and alerts.
import { useMemo, useState } from 'preact/hooks';
import { post } from '../api.js';
import { Field, FormProblem, Section, useForm, useNotice, useRefs, useSession } from '../ui.jsx';
import { AlertsPanel, OrdersPanel, SalesChart, StockPanel } from './common.jsx';
import { CustomerPicker } from './customers.jsx';

export function useFinishedGoods() {
  const refs = useRefs();
  return useMemo(() => [...refs.products.values()].filter((p) => p.kind === 'finished_good' && p.is_active)
    .sort((a, b) => a.sku.localeCompare(b.sku))
    .map((p) => ({ value: String(p.id), label: `${p.sku} — ${p.name} (₹${p.price})` })), [refs.products]);
}

const NEW_SALE = { picked: null, creating: false };
const orNull = (s) => (s && s.trim() ? s.trim() : null);

/** What the sale says about its customer: an existing one, a new one, a walk-in's name or none. */
function saleCustomer(who, v) {
  if (who.picked) return { customer_id: who.picked.id };
  if (who.creating) return { customer: { name: v['customer.name'].trim(), phone: orNull(v['customer.phone']), email: orNull(v['customer.email']) } };
  return { customer: v.customer.trim() || null };
}

function SaleForm() {
  const notify = useNotice();
  const me = useSession();
  const products = useFinishedGoods();
  const blank = { customer: '', 'customer.name': '', 'customer.phone': '', 'customer.email': '' };
  const form = useForm({ product_id: products[0]?.value || '', quantity: '1', ...blank });
  const [who, setWho] = useState(NEW_SALE);
  const submit = form.submit(async (v) => {
    const order = await post('/orders', {
      kind: 'sale',
      seller_location_id: me.location?.id ?? null,
      ...saleCustomer(who, v),
      lines: [{ product_id: Number(v.product_id), quantity: Number(v.quantity) }],
    });
    notify(`Sale ${order.number} placed${order.customer ? ` for ${order.customer}` : ''} — waiting for the stock worker to confirm it`);
    form.setValues({ ...v, quantity: '1', ...blank });
    setWho(NEW_SALE);
    const result = document.getElementById('sale-result');
    result.dataset.number = order.number;
    result.dataset.customer = order.customer_id ?? '';
  });
  return (
    <Section title="New sale" id="sale-panel">
      <form class="stack" id="sale-form" onSubmit={submit}>
        <Field form={form} name="product_id" label="Product" options={products} errorKey="lines[0].product_id" id="sale-product" />
        <Field form={form} name="quantity" label="Quantity" type="number" min="0.001" step="any" required errorKey="lines[0].quantity" inputmode="decimal" />
        <CustomerPicker form={form} value={who} onChange={setWho} />
        {form.errors.customer_id && <small class="field-error">{form.errors.customer_id}</small>}
        <FormProblem form={form} />
        <button type="submit" disabled={form.busy}>Sell</button>
        <span id="sale-result" class="visually-hidden" />
      </form>
    </Section>
  );
}

function ReplenishForm() {
  const notify = useNotice();
  const me = useSession();
  const refs = useRefs();
  const products = useFinishedGoods();
  const upstream = me.location ? refs.locations.get(me.location.id)?.upstream_location_id : null;
  const form = useForm({ product_id: products[0]?.value || '', quantity: '10' });
  const submit = form.submit(async (v) => {
    const order = await post('/orders', {
      kind: 'replenishment',
      buyer_location_id: me.location?.id ?? null,
      lines: [{ product_id: Number(v.product_id), quantity: Number(v.quantity) }],
    });
    notify(`Replenishment ${order.number} placed with ${refs.locations.get(upstream)?.code || 'your supplier'}`);
  });
  return (
    <Section title={`Replenish from ${refs.locations.get(upstream)?.name || 'upstream'}`} id="replenish-panel">
      <form class="stack" id="replenish-form" onSubmit={submit}>
        <Field form={form} name="product_id" label="Product" options={products} errorKey="lines[0].product_id" />
        <Field form={form} name="quantity" label="Quantity" type="number" min="0.001" step="any" required errorKey="lines[0].quantity" />
        <FormProblem form={form} />
        <button type="submit" disabled={form.busy || !upstream}>Order</button>
      </form>
    </Section>
  );
}

export function StoreHome() {
  const me = useSession();
  return (
    <div class="grid">
      <SaleForm />
      <ReplenishForm />
      <OrdersPanel title="Orders" />
      <StockPanel title="Finished goods in stock" kind="finished_good" locationId={me.location?.id} />
      <SalesChart days={30} />
      <AlertsPanel />
    </div>
  );
}
