// The REST API as the dashboards use it: the session (access token in memory only, the refresh
// token in sessionStorage so a reload of the tab stays signed in), silent renewal before the access
// token expires, one retry after a 401, and problem+json errors as ApiError with field messages.
// A shop-floor session (a PIN sign-in at /pin) has no refresh token: its access token is kept in
// sessionStorage until it expires, and a 401 or its expiry ends it — back to the PIN pad.
const REFRESH_KEY = 'ims.refresh_token';
const SHOP_FLOOR_KEY = 'ims.shop_floor';

let accessToken = null;
let shopFloor = null;  // { expiresAt } (ms) while a shop-floor session is open
let renewTimer = null;
let renewing = null;
const endListeners = new Set();
const tokenListeners = new Set();

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `request failed (${status})`);
    this.status = status;
    this.problem = problem || {};
    this.fields = {};
    for (const e of this.problem.errors || []) {
      if (e.field) this.fields[e.field] = this.fields[e.field] ? `${this.fields[e.field]}; ${e.message}` : e.message;
    }
  }
}

/** Called with a message when the session ends without the user signing out. */
export function onSessionEnd(fn) { endListeners.add(fn); return () => endListeners.delete(fn); }
/** Called with the new access token each time it changes (the live feed reconnects with it). */
export function onToken(fn) { tokenListeners.add(fn); return () => tokenListeners.delete(fn); }
export function currentToken() { return accessToken; }
/** When the shop-floor session ends (ms since the epoch), or null for a full sign-in. */
export function shopFloorEnds() { return shopFloor?.expiresAt ?? null; }

function setTokens(body) {
  shopFloor = null;
  sessionStorage.removeItem(SHOP_FLOOR_KEY);
  accessToken = body.access_token;
  if (body.refresh_token) sessionStorage.setItem(REFRESH_KEY, body.refresh_token);
  clearTimeout(renewTimer);
  // Renew a minute before expiry (or at half the lifetime for short ones).
  const lifetime = Number(body.expires_in || 900);
  const lead = Math.min(60, lifetime / 2);
  renewTimer = setTimeout(() => { renew().catch(() => {}); }, (lifetime - lead) * 1000);
  for (const fn of tokenListeners) fn(accessToken);
}

// A shop-floor token: no renewal, the session ends when the token does.
function setShopFloor(token, expiresAt) {
  clearTimeout(renewTimer);
  sessionStorage.removeItem(REFRESH_KEY);
  accessToken = token;
  shopFloor = { expiresAt };
  sessionStorage.setItem(SHOP_FLOOR_KEY, JSON.stringify({ token, expires_at: expiresAt }));
  renewTimer = setTimeout(() => endSession('The shop-floor session has ended. Enter your PIN again.'), Math.max(0, expiresAt - Date.now()));
  for (const fn of tokenListeners) fn(accessToken);
}

function clearSession() {
  accessToken = null;
  shopFloor = null;
  clearTimeout(renewTimer);
  renewTimer = null;
  sessionStorage.removeItem(REFRESH_KEY);
  sessionStorage.removeItem(SHOP_FLOOR_KEY);
}

function endSession(message) {
  const hadSession = accessToken !== null || sessionStorage.getItem(REFRESH_KEY) !== null;
  clearSession();
  if (hadSession) for (const fn of endListeners) fn(message);
}

async function parse(res) {
  if (res.status === 204) return null;
  const type = res.headers.get('content-type') || '';
  if (type.includes('json')) return res.json();
  return res.text();
}

/** Renews the access token with the refresh token; one renewal at a time. */
export function renew() {
  const refresh = sessionStorage.getItem(REFRESH_KEY);
  if (!refresh) return Promise.resolve(false);
  renewing ??= (async () => {
    try {
      const res = await fetch('/api/v1/auth/refresh', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ refresh_token: refresh }),
      });
      if (res.status === 400 || res.status === 401 || res.status === 403 || res.status === 422) {
        endSession('Your session has ended. Please sign in again.');
        return false;
      }
      if (!res.ok) return false;  // the server is busy or a dependency is away: keep the session
      setTokens(await res.json());
      return true;
    } catch {
      return false;  // the network is away: keep the session, the next call tries again
    } finally {
      renewing = null;
    }
  })();
  return renewing;
}

/**
 * One API call. `path` is under /api/v1. Resolves to the parsed body (null for 204); rejects with
 * ApiError for any non-2xx answer.
 */
export async function api(method, path, body, { headers = {}, raw = false } = {}) {
  const send = () => {
    const h = { ...headers };
    if (body !== undefined) h['Content-Type'] = 'application/json';
    if (accessToken) h.Authorization = `Bearer ${accessToken}`;
    return fetch(`/api/v1${path}`, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  };
  let res = await send();
  if (res.status === 401 && shopFloor && !path.startsWith('/auth/pin')) {
    // No refresh token to try: the shop-floor session is over.
    endSession('The shop-floor session has ended. Enter your PIN again.');
  } else if (res.status === 401 && !path.startsWith('/auth/login') && (await renew())) {
    res = await send();
    // Refused even with a fresh token: the account or its sessions have been ended.
    if (res.status === 401) endSession('Your session has expired. Please sign in again.');
  }
  if (raw) {
    if (!res.ok) throw new ApiError(res.status, await parse(res).catch(() => null));
    return res;
  }
  const parsed = await parse(res).catch(() => null);
  if (!res.ok) throw new ApiError(res.status, typeof parsed === 'object' ? parsed : { detail: String(parsed || '') });
  return parsed;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body ?? {});
export const put = (path, body) => api('PUT', path, body ?? {});
export const patch = (path, body) => api('PATCH', path, body ?? {});
export const del = (path) => api('DELETE', path);

/** Query string from an object, leaving out empty values. */
export function qs(params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** Every page of a list (for small reference lists: locations, products of a kind). */
export async function getAll(path, params = {}, max = 2000) {
  const items = [];
  let cursor;
  do {
    const page = await get(`${path}${qs({ ...params, limit: 200, cursor })}`);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && items.length < max);
  return items;
}

export async function signIn(username, password) {
  const res = await fetch('/api/v1/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = await parse(res).catch(() => null);
  if (!res.ok) throw new ApiError(res.status, typeof body === 'object' ? body : null);
  setTokens(body);
  return me();
}

/**
 * A shop-floor sign-in with a PIN at a location (a terminal's secret, when it has one, goes in
 * X-IMS-Terminal). Resolves to the signed-in user as /auth/me gives it.
 */
export async function pinSignIn({ location_code, username, pin, terminal }) {
  const headers = { 'Content-Type': 'application/json' };
  if (terminal) headers['X-IMS-Terminal'] = terminal;
  const res = await fetch('/api/v1/auth/pin', { method: 'POST', headers, body: JSON.stringify({ location_code, username, pin }) });
  const body = await parse(res).catch(() => null);
  if (!res.ok) throw new ApiError(res.status, typeof body === 'object' ? body : null);
  setShopFloor(body.access_token, Date.now() + Number(body.expires_in || 1800) * 1000);
  return me();
}

/** The shop-floor session of this tab (after a reload), or null when there is none left. */
export async function restoreShopFloor() {
  let saved = null;
  try { saved = JSON.parse(sessionStorage.getItem(SHOP_FLOOR_KEY) || 'null'); } catch { /* unreadable: none */ }
  if (!saved?.token || !(saved.expires_at > Date.now() + 5000)) {
    sessionStorage.removeItem(SHOP_FLOOR_KEY);
    return null;
  }
  setShopFloor(saved.token, saved.expires_at);
  try {
    return await me();
  } catch {
    clearSession();
    return null;
  }
}

/** The signed-in user with their location, or null when there is no session to restore. */
export async function restore() {
  if (!sessionStorage.getItem(REFRESH_KEY)) return null;
  if (!(await renew())) return null;
  return me();
}

export const me = () => get('/auth/me');

export async function signOut() {
  const refresh = sessionStorage.getItem(REFRESH_KEY);
  const token = accessToken;
  clearSession();
  if (token) {
    await fetch('/api/v1/auth/logout', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(refresh ? { refresh_token: refresh } : {}),
    }).catch(() => {});
  }
}

/** A protected image (a label) as a data: URL — the CSP allows data: images, not blob: ones. */
export async function imageDataUrl(path) {
  const res = await api('GET', path, undefined, { raw: true });
  const blob = await res.blob();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

/** Downloads a protected file (a report) under the name the server gives it. */
export async function download(path, fallbackName) {
  const res = await api('GET', path, undefined, { raw: true });
  const disposition = res.headers.get('content-disposition') || '';
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] || fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return name;
}
