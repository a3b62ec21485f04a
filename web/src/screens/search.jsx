// The search box of every screen: products by SKU or name, an order by its number.
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, qs } from '../api.js';
import { OrderDetail } from './common.jsx';

export function Search() {
  const [q, setQ] = useState('');
  const [results, setResults] = useState(null);
  const [order, setOrder] = useState(null);
  const timer = useRef(null);
  useEffect(() => {
    clearTimeout(timer.current);
    const text = q.trim();
    if (text.length < 2) { setResults(null); return undefined; }
    let current = true;  // a reply to an older query (or after Escape) is dropped
    timer.current = setTimeout(async () => {
      const [products, orders] = await Promise.all([
        get(`/products${qs({ q: text, limit: 8 })}`).then((r) => r.items).catch(() => []),
        /^[a-z]{2}-?\d+$/i.test(text) ? get(`/orders${qs({ number: text, limit: 1 })}`).then((r) => r.items).catch(() => []) : Promise.resolve([]),
      ]);
      if (current) setResults({ products, orders });
    }, 200);
    return () => { current = false; clearTimeout(timer.current); };
  }, [q]);
  return (
    <div class="search" role="search">
      <label for="search-box" class="visually-hidden">Search products and orders</label>
      <input id="search-box" type="search" placeholder="Search SKU, name or order number" value={q}
        onInput={(e) => setQ(e.currentTarget.value)} onKeyDown={(e) => { if (e.key === 'Escape') setQ(''); }} autocomplete="off" />
      {results && (
        <div class="search-results" id="search-results">
          {results.orders.map((o) => (
            <button type="button" key={`o${o.id}`} class="result" onClick={() => { setOrder(o.id); setQ(''); }}>
              Order {o.number} · {o.kind} · {o.status}
            </button>
          ))}
          {results.products.map((p) => (
            <div key={`p${p.id}`} class="result"><strong>{p.sku}</strong> {p.name} <span class="muted">{p.kind.replace('_', ' ')} · ₹{p.price}</span></div>
          ))}
          {results.orders.length + results.products.length === 0 && <p class="muted">Nothing matches “{q}”.</p>}
        </div>
      )}
      {order && <OrderDetail id={order} onClose={() => setOrder(null)} />}
    </div>
  );
}
