// The live feed (/api/v1/events) shared by every screen: one EventSource per tab, reopened with a
// fresh access token (and the last event seen, so nothing is missed) when the stream ends.
import { useEffect, useState } from 'preact/hooks';
import { currentToken, renew } from './api.js';

const TYPES = [
  'order.created', 'order.drafted', 'order.pending', 'order.confirmed', 'order.rejected', 'order.processing',
  'order.shipped', 'order.delivered', 'order.canceled', 'order.ordered', 'order.received', 'order.status_changed',
  'stock.changed', 'stock.low', 'stock.recovered',
  'request.created', 'request.held', 'request.approved', 'request.denied', 'request.canceled', 'request.failed',
  'request.expired', 'request.overdue',
  'transfer.created', 'transfer.dispatch_requested', 'transfer.dispatched', 'transfer.dispatch_failed',
  'transfer.arrived', 'transfer.completion_requested', 'transfer.completed', 'transfer.canceled',
  'transfer.discrepancy',
  'production.planned', 'production.started', 'production.completion_requested', 'production.completed',
  'production.completion_failed', 'production.qc_failed', 'production.canceled',
  'inventory.drift', 'inventory.check.completed',
];

let source = null;
let lastId = null;
let state = 'offline';
let retry = null;
let backoff = 1000;
const stateListeners = new Set();
const listeners = new Set();

function setState(s) {
  state = s;
  for (const fn of stateListeners) fn(s);
}

function deliver(type, event) {
  if (event.lastEventId) lastId = event.lastEventId;
  let data = null;
  try { data = JSON.parse(event.data); } catch { /* a comment or a malformed line: ignore */ }
  for (const l of listeners) if (l.prefixes.some((p) => type.startsWith(p))) l.fn(type, data);
}

function open() {
  const token = currentToken();
  if (!token) return;
  const params = new URLSearchParams({ access_token: token });
  if (lastId) params.set('last_event_id', lastId);
  const es = new EventSource(`/api/v1/events?${params}`);
  source = es;
  es.onopen = () => { backoff = 1000; setState('live'); };
  es.onmessage = (e) => deliver(e.type, e);
  for (const t of TYPES) es.addEventListener(t, (e) => deliver(t, e));
  es.onerror = () => {
    if (source !== es) return;
    setState('reconnecting');
    if (es.readyState === EventSource.CLOSED) reopen(es, token);
  };
}

// The stream ended with its token, or was refused (too many streams, a server away): open again
// with the current token — renewing first only when nobody has yet — backing off up to 30 s.
function reopen(es, token) {
  clearTimeout(retry);
  retry = setTimeout(async () => {
    if (source !== es) return;
    const fresh = currentToken() !== token || (await renew());
    if (source !== es) return;
    if (fresh) open();
    else reopen(es, token);
  }, backoff);
  backoff = Math.min(backoff * 2, 30000);
}

export function startLive() {
  backoff = 1000;
  stopLive();
  open();
}

export function stopLive() {
  clearTimeout(retry);
  source?.close();
  source = null;
  lastId = null;
  setState('offline');
}

/** Calls fn(type, envelope) for every event whose type starts with one of the prefixes. */
export function useLive(prefixes, fn) {
  useEffect(() => {
    const l = { prefixes, fn };
    listeners.add(l);
    return () => listeners.delete(l);
  }, [prefixes.join(','), fn]);
}

export function useLiveState() {
  const [s, set] = useState(state);
  useEffect(() => {
    stateListeners.add(set);
    set(state);
    return () => stateListeners.delete(set);
  }, []);
  return s;
}
