#!/usr/bin/env node
// Schema-driven HTTP fuzzer for ims-api (issue 9). Reads the OpenAPI document, sends generated and
// mutated requests to every operation with every role's token, no token and bad tokens, and checks:
//   - no 5xx (a 503 passes only when it carries Retry-After and says "at capacity");
//   - every 4xx is application/problem+json with "status" equal to the HTTP status;
//   - no 2xx for a body the operation's request schema rejects, nor for a secured operation
//     called without a valid token;
//   - afterwards, in PostgreSQL: every stock row's on_hand equals the sum of its movements and no
//     stock quantity is negative.
// Usage: node tests/fuzz/http/openapi_fuzz.mjs --seconds 60 --seed 1234 [--base-url URL] [--max-requests N]
// No dependencies beyond Node.js 18+. See README.md next to this file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { Rng } from './lib/rng.mjs';
import { HttpClient } from './lib/http.mjs';
import { Resolver, serialize, validate, unjudgeable, gen, flatten, isValidDate, describe } from './lib/schema.mjs';
import { mutateBody, rawBodyMutation, paramEdgeValues, PATH_ID_EDGES, sweepMutations } from './lib/mutate.mjs';
import { checkInvariants } from './lib/invariants.mjs';
import { Report, headerValueText } from './lib/report.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../../..');
const DEMO = ['admin', 'manufacturer', 'cfa', 'stockist', 'retailer'];
const DEMO_PASSWORD = 'demo-password';
const EVENTS = 'GET /api/v1/events';

// ---- arguments -----------------------------------------------------------------------------------

function usage(code) {
  console.log(`usage: node ${path.relative(process.cwd(), fileURLToPath(import.meta.url))} [options]
  --seconds N         how long to fuzz (default 60)
  --seed N            PRNG seed (default random, printed); the same seed sends the same requests
  --base-url URL      default http://127.0.0.1:$IMS_HTTP_PORT (only 127.0.0.1 is allowed)
  --max-requests N    stop after N fuzz requests
  --timeout-ms N      per-request timeout (default 10000)
  --concurrency N     requests in flight (default 1; >1 loses exact reproducibility)
  --only REGEX        fuzz only operations whose "METHOD /path" matches
  --openapi FILE      the OpenAPI document (default: GET /api/openapi.json, else api/openapi.json)
  --database-url URL  for the invariant checks (default $IMS_DATABASE_URL)
  --no-db             skip the PostgreSQL invariant checks
  --api-log FILE      ims-api's log, to name the server error behind each 5xx
                      (default $IMS_DATA_DIR/logs/ims-api.log when present)
  --users-per-role N  sessions per role: the demo user plus N-1 users fuzz-<role>-<k> created for
                      the run (default 3), so the per-user write rate limit does not starve writes
  --out DIR           where the exact bytes of each failing request are saved
  --sweep MODE        quick (default): first (at most 40% of the time) every body property, one at a
                      time, null / a wrong type / removed / past its limits; full: more values per
                      property (up to 80% of the time); none: random fuzzing only
  --trace FILE        write one line per fuzz request (index, operation, mutation, request bytes' hash)
  --verbose           print every failing request as it happens`);
  process.exit(code);
}

function parseArgs(argv) {
  const o = { seconds: 60, seed: undefined, baseUrl: undefined, maxRequests: Infinity, timeoutMs: 10000, concurrency: 1,
    only: null, usersPerRole: 3, sweep: 'quick', openapi: null, databaseUrl: process.env.IMS_DATABASE_URL, db: true, apiLog: undefined, out: undefined, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => { if (i + 1 >= argv.length) { console.error(`${a} needs a value`); usage(2); } return argv[++i]; };
    const num = () => { const v = Number(val()); if (!Number.isFinite(v) || v < 0) { console.error(`${a} needs a number`); usage(2); } return v; };
    switch (a) {
      case '--seconds': o.seconds = num(); break;
      case '--seed': o.seed = Math.floor(num()) >>> 0; break;
      case '--base-url': o.baseUrl = val(); break;
      case '--max-requests': o.maxRequests = Math.floor(num()); break;
      case '--timeout-ms': o.timeoutMs = Math.max(100, num()); break;
      case '--concurrency': o.concurrency = Math.max(1, Math.floor(num())); break;
      case '--only': o.only = new RegExp(val()); break;
      case '--openapi': o.openapi = val(); break;
      case '--database-url': o.databaseUrl = val(); break;
      case '--no-db': o.db = false; break;
      case '--api-log': o.apiLog = val(); break;
      case '--out': o.out = val(); break;
      case '--users-per-role': o.usersPerRole = Math.max(1, Math.floor(num())); break;
      case '--verbose': o.verbose = true; break;
      case '--trace': o.trace = val(); break;
      case '--sweep': o.sweep = val(); if (!['none', 'quick', 'full'].includes(o.sweep)) usage(2); break;
      case '-h': case '--help': usage(0); break;
      default: console.error(`unknown argument ${a}`); usage(2);
    }
  }
  return o;
}

const opts = parseArgs(process.argv.slice(2));
const seed = opts.seed ?? crypto.randomInt(1, 2 ** 31);
const base = new URL(opts.baseUrl || `http://127.0.0.1:${process.env.IMS_HTTP_PORT || 8080}`);
if (base.hostname === 'localhost') base.hostname = '127.0.0.1';
if (base.hostname !== '127.0.0.1' || base.protocol !== 'http:') {
  console.error(`refusing to fuzz ${base.href}: only http://127.0.0.1 is allowed`);
  console.log('0 passed, 1 failed');
  process.exit(2);
}
const port = Number(base.port || 80);
const BASE_URL = `http://127.0.0.1:${port}`;
const client = new HttpClient({ port, timeoutMs: opts.timeoutMs });
const startedAt = Date.now();
const deadline = startedAt + opts.seconds * 1000;
const log = (...a) => console.log('[fuzz]', ...a);

log(`seed ${seed} — reproduce with: node tests/fuzz/http/openapi_fuzz.mjs --seed ${seed} --seconds ${opts.seconds}` +
    ` --base-url ${BASE_URL}${opts.maxRequests !== Infinity ? ` --max-requests ${opts.maxRequests}` : ''}${opts.only ? ` --only '${opts.only.source}'` : ''}`);

const trace = opts.trace ? fs.createWriteStream(opts.trace) : null;
const report = new Report({ seed, baseUrl: BASE_URL, outDir: opts.out || path.join(os.tmpdir(), `ims-openapi-fuzz-${seed}`), verbose: opts.verbose });

// ---- sending -------------------------------------------------------------------------------------

let requestCounter = 0;
function requestId() { return `fz${seed}-${++requestCounter}`; }

async function send(req) {
  const rid = requestId();
  const headers = [...req.headers, ['X-Request-Id', rid]];
  const res = await client.request({ method: req.method, target: req.target, headers, body: req.body, localAddress: req.localAddress,
    timeoutMs: req.timeoutMs, streamMs: req.streamMs });
  res.requestId = rid;
  return res;
}

function parseJson(buf) {
  try { return JSON.parse(Buffer.isBuffer(buf) ? buf.toString('utf8') : buf); } catch { return undefined; }
}

// Simple requests of the harness itself (logins, listings); their responses are checked too.
async function call(method, target, { token, body, localAddress } = {}) {
  const headers = [['Accept', 'application/json']];
  if (token) headers.push(['Authorization', `Bearer ${token}`]);
  let bytes = null;
  if (body !== undefined) { bytes = Buffer.from(JSON.stringify(body)); headers.push(['Content-Type', 'application/json']); }
  const req = { method, target, headers, body: bytes, localAddress };
  const res = await send(req);
  return { req, res, json: res.body ? parseJson(res.body) : undefined };
}

// ---- the OpenAPI document ------------------------------------------------------------------------

async function loadDocument() {
  if (opts.openapi) return { doc: JSON.parse(fs.readFileSync(opts.openapi, 'utf8')), source: opts.openapi };
  const repoFile = path.join(REPO, 'api/openapi.json');
  try {
    const { res, json } = await call('GET', '/api/openapi.json');
    if (res.status === 200 && json && json.paths) {
      try {
        const local = JSON.parse(fs.readFileSync(repoFile, 'utf8'));
        if (JSON.stringify(local) !== JSON.stringify(json)) {
          report.note('document', 'GET /api/openapi.json differs from api/openapi.json in the repository (the running binary is older or newer); fuzzing what the server serves');
        }
      } catch { /* no repo copy */ }
      return { doc: json, source: `${BASE_URL}/api/openapi.json` };
    }
    log(`GET /api/openapi.json answered ${res.status || res.error}; falling back to ${repoFile}`);
  } catch (e) {
    log(`GET /api/openapi.json failed (${e.message}); falling back to ${repoFile}`);
  }
  return { doc: JSON.parse(fs.readFileSync(repoFile, 'utf8')), source: repoFile };
}

// Resource kinds by path prefix, for path ids and the pools of known ids.
const KINDS = [
  ['/api/v1/users/', 'users'], ['/api/v1/products/', 'products'], ['/api/v1/stock/adjustments/', 'adjustments'],
  ['/api/v1/suppliers/', 'suppliers'], ['/api/v1/locations/', 'locations'], ['/api/v1/reorder-rules/', 'reorder_rules'],
  ['/api/v1/orders/', 'orders'], ['/api/v1/production/batches/', 'batches'], ['/api/v1/transfers/', 'transfers'],
  ['/api/v1/requests/', 'requests'], ['/api/v1/alerts/', 'alerts'], ['/api/v1/schedules/', 'schedules'],
];
const LISTS = {
  users: '/api/v1/users', products: '/api/v1/products', suppliers: '/api/v1/suppliers', locations: '/api/v1/locations',
  reorder_rules: '/api/v1/reorder-rules', orders: '/api/v1/orders', batches: '/api/v1/production/batches',
  transfers: '/api/v1/transfers', requests: '/api/v1/requests', alerts: '/api/v1/alerts', lots: '/api/v1/lots',
  schedules: '/api/v1/schedules',
};
// Schedules are named, not numbered; their settings as found, put back when the run ends.
const scheduleSettings = new Map();
function kindOfPath(p) {
  for (const [prefix, kind] of KINDS) if (p.startsWith(prefix)) return kind;
  return null;
}
// The collection a POST creates into.
function kindOfCollection(p) {
  for (const [prefix, kind] of KINDS) if (p === prefix.slice(0, -1)) return kind;
  return null;
}

function buildOperations(doc, resolver) {
  const ops = [];
  for (const [p, item] of Object.entries(doc.paths || {})) {
    const shared = item.parameters || [];
    for (const method of ['get', 'put', 'post', 'delete', 'patch', 'head', 'options']) {
      const o = item[method];
      if (!o) continue;
      const params = [...shared, ...(o.parameters || [])].map((x) => resolver.deref(x));
      const content = o.requestBody ? resolver.deref(o.requestBody) : null;
      const json = content?.content?.['application/json'];
      const security = o.security ?? doc.security ?? [];
      ops.push({
        key: `${method.toUpperCase()} ${p}`, method: method.toUpperCase(), path: p, operationId: o.operationId, op: o,
        params, pathParams: params.filter((x) => x.in === 'path'), query: params.filter((x) => x.in === 'query'),
        headerParams: params.filter((x) => x.in === 'header'),
        body: json ? { schema: json.schema, required: !!content.required } : null,
        otherBodyTypes: content ? Object.keys(content.content || {}).filter((t) => t !== 'application/json') : [],
        secured: security.some((s) => Object.keys(s).length > 0),
        kind: kindOfPath(p), collection: kindOfCollection(p),
        responses: o.responses || {},
      });
    }
  }
  return ops;
}

// ---- state: tokens, known ids, what the fuzzer owns ----------------------------------------------

const sessions = {};           // role -> the demo user's session {access, refresh, user, at, ttl}
const extraSessions = {};      // role -> [sessions of fuzz-<role>-<k>] (same role and location as the demo user)
const demoUserIds = new Set(); // the demo users and the fuzz-<role>-<k> users: never modified
const FUZZ_USER_PASSWORD = 'fuzz-pool-password-0123';
const pools = {};              // kind -> [ids]
const owned = {};              // kind -> Set(ids) created by this run (safe to modify)
const etags = new Map();       // `${kind}:${id}` -> ETag
const records = new Map();     // kind -> Map(id -> the latest JSON seen of it), for state-aware requests
function remember(kind, item) {
  if (!kind || !item || typeof item !== 'object' || typeof item.id !== 'number') return;
  if (!records.has(kind)) records.set(kind, new Map());
  const m = records.get(kind);
  const prev = m.get(item.id) || {};
  m.delete(item.id);                       // keep insertion order = recency
  m.set(item.id, { ...prev, ...item });
  if (m.size > 2000) m.delete(m.keys().next().value);
}
function pickRecord(rng, kind, pred) {
  const list = [...(records.get(kind)?.values() || [])].filter(pred);
  return list.length ? rng.pick(list.slice(-25)) : null;
}
function roleOfUser(id) {
  for (const role of DEMO) for (const s of [sessions[role], ...(extraSessions[role] || [])]) if (s?.user.id === id) return role;
  return null;
}
const productKinds = new Map();
const productBySku = new Map();
const locationByCode = new Map();
const supplierIds = [];
let ownedFinishedGood = null;
const throwaway = [];          // sessions that may be logged out / refreshed
let throwawayLogins = 0;
const secret = process.env.IMS_JWT_SECRET;
const issuer = process.env.IMS_JWT_ISSUER || 'ims';
const counters = { relogins: 0, loginFuzz: 0, demoWrongPassword: 0 };
const LOGIN_FUZZ_BUDGET = 400;       // failed logins, spread over other loopback source addresses
const LOGIN_FUZZ_PER_ADDRESS = 12;   // below every per-address limit (30 in the test profile)
const THROWAWAY_BUDGET = 8;
let apiDown = null;

function addId(kind, id, own = false) {
  if (!kind || typeof id !== 'number' || !Number.isInteger(id)) return;
  if (!pools[kind]) pools[kind] = [];
  if (!pools[kind].includes(id)) pools[kind].push(id);
  if (own) (owned[kind] ||= new Set()).add(id);
}

async function login(role, { quiet = false, username = role, password = DEMO_PASSWORD } = {}) {
  // 127.0.0.1 first; if other tests tripped its per-address throttle, addresses nobody else uses
  const sources = [undefined, '127.0.9.1', '127.0.9.2', '127.0.9.3', '127.0.9.4'];
  let last;
  for (const localAddress of sources) {
    const r = await call('POST', '/api/v1/auth/login', { body: { username, password }, localAddress });
    checkHarness('POST /api/v1/auth/login', r);
    last = r;
    if (r.res.status === 200 && r.json?.access_token) {
      return { access: r.json.access_token, refresh: r.json.refresh_token, user: r.json.user, at: Date.now(), ttl: r.json.expires_in || 900 };
    }
    if (r.res.status !== 429 && r.res.status !== 503) break;
  }
  if (!quiet) log(`login as ${username} failed: ${last.res.status || last.res.error} ${last.res.body ? last.res.body.toString('utf8').slice(0, 200) : ''}`);
  return null;
}

// Renews a session shortly before its access token expires (or when it was dropped).
async function ensureSession(s) {
  if (s.access && Date.now() - s.at < (s.ttl * 1000) * 0.8) return s;
  const fresh = await login(s.role, { username: s.username, password: s.password });
  if (fresh) { if (s.access) counters.relogins++; Object.assign(s, fresh); }
  return s;
}

async function sessionWorks(s) {
  if (!s?.access) return false;
  const r = await call('GET', '/api/v1/auth/me', { token: s.access });
  checkHarness('GET /api/v1/auth/me', r);
  return r.res.status === 200;
}

async function newThrowaway() {
  if (throwawayLogins >= THROWAWAY_BUDGET) return null;
  throwawayLogins++;
  const role = DEMO[throwawayLogins % DEMO.length];
  const s = await login(role, { quiet: true });
  if (s) throwaway.push({ ...s, role });
  return s;
}

// The API rate-limits writes per user (a token bucket: IMS_WRITE_RATE_PER_MINUTE, IMS_WRITE_BURST).
// The fuzzer mirrors each session's bucket and waits rather than send a write that would only be
// refused with 429, so writes reach their handlers; the requests sent stay the same, only timing.
const WRITE_RATE = Number(process.env.IMS_WRITE_RATE_PER_MINUTE || 600) / 60;
const WRITE_BURST = Number(process.env.IMS_WRITE_BURST || 120);
const buckets = new Map();   // user id -> {tokens, at}
function isLimitedWrite(req) {
  return ['POST', 'PUT', 'PATCH', 'DELETE'].includes(req.method) && !req.target.toString('latin1').startsWith('/api/v1/auth/');
}
async function paceWrite(userId) {
  const now = Date.now();
  const b = buckets.get(userId) || { tokens: WRITE_BURST - 2, at: now };
  b.tokens = Math.min(WRITE_BURST, b.tokens + ((now - b.at) / 1000) * WRITE_RATE);
  b.at = now;
  if (b.tokens < 1.5) {
    const waitMs = Math.ceil(((1.5 - b.tokens) / WRITE_RATE) * 1000);
    if (now + waitMs >= deadline) return false;
    await new Promise((f) => setTimeout(f, waitMs));
    b.tokens += (waitMs / 1000) * WRITE_RATE;
    b.at = Date.now();
  }
  b.tokens -= 1;
  buckets.set(userId, b);
  return true;
}
function writeRefused(userId) { buckets.set(userId, { tokens: 0, at: Date.now() }); }

function b64url(x) { return Buffer.from(typeof x === 'string' ? x : JSON.stringify(x)).toString('base64url'); }
function forge(claims, { alg = 'HS256', key = secret, header } = {}) {
  const h = header || { alg, typ: 'JWT' };
  const head = `${b64url(h)}.${b64url(claims)}`;
  if (alg === 'none') return `${head}.`;
  const algo = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[alg] || 'sha256';
  return `${head}.${crypto.createHmac(algo, key).update(head).digest('base64url')}`;
}
function claimsFor(user, overrides = {}) {
  const now = Math.floor(Date.now() / 1000);
  const c = { iss: issuer, sub: String(user.id), role: user.role, typ: 'access', jti: crypto.randomBytes(16).toString('hex'), iat: now, exp: now + 600 };
  if (user.location_id != null) c.loc = user.location_id;
  return { ...c, ...overrides };
}

// fuzz-<role>-<k>: more sessions per role, each with its own write bucket. Created once, kept
// (with a fixed password) across runs, and never a target of the fuzzer's user operations.
async function createPoolUsers() {
  const admin = sessions.admin.access;
  const home = { manufacturer: 'FACTORY-01', cfa: 'CFA-WEST', stockist: 'STK-MUMBAI', retailer: 'RET-ANDHERI' };
  for (const role of DEMO) {
    extraSessions[role] = [];
    for (let k = 1; k < opts.usersPerRole; k++) {
      const username = `fuzz-${role}-${k}`;
      const loc = home[role] ? locationByCode.get(home[role])?.id ?? null : null;
      let s = await login(role, { quiet: true, username, password: FUZZ_USER_PASSWORD });
      if (!s) {
        const r = await call('POST', '/api/v1/users', { token: admin, body: { username, email: `${username}@example.com`, password: FUZZ_USER_PASSWORD, role, location_id: loc } });
        checkHarness('POST /api/v1/users', r);
        s = await login(role, { quiet: true, username, password: FUZZ_USER_PASSWORD });
      }
      if (!s) { log(`setup: no session for ${username}; continuing with fewer ${role} sessions`); continue; }
      if (s.user.role !== role) { log(`setup: ${username} has role ${s.user.role}, not ${role}; not used`); continue; }
      demoUserIds.add(s.user.id);
      extraSessions[role].push({ ...s, role, username, password: FUZZ_USER_PASSWORD });
    }
  }
}

async function refreshPools() {
  const admin = sessions.admin;
  if (!admin) return;
  await ensureSession(admin);
  for (const [kind, list] of Object.entries(LISTS)) {
    const r = await call('GET', `${list}?limit=500`, { token: admin.access });
    checkHarness(`GET ${list}`, r);
    if (r.res.status !== 200 || !Array.isArray(r.json?.items)) continue;
    for (const item of r.json.items) {
      if (kind === 'schedules' && typeof item.name === 'string') {
        (pools.schedules ||= []).includes(item.name) || pools.schedules.push(item.name);
        if (!scheduleSettings.has(item.name)) scheduleSettings.set(item.name, { cron: item.cron, enabled: item.enabled });
        continue;
      }
      if (typeof item.id !== 'number') continue;
      addId(kind, item.id);
      remember(kind, item);
      if (kind === 'products') { productKinds.set(item.id, item.kind); productBySku.set(item.sku, item); }
      if (kind === 'locations') locationByCode.set(item.code, item);
      if (kind === 'suppliers' && !supplierIds.includes(item.id)) supplierIds.push(item.id);
    }
  }
}

// Records this run may change freely: a supplier, two products, a location and two users.
async function createOwned() {
  const admin = sessions.admin.access;
  const tag = `${seed}`;
  const make = async (collection, kind, body, findQuery, match) => {
    const r = await call('POST', collection, { token: admin, body });
    checkHarness(`POST ${collection}`, r);
    if (r.res.status >= 200 && r.res.status < 300 && typeof r.json?.id === 'number') { addId(kind, r.json.id, true); return r.json; }
    const f = await call('GET', `${collection}?limit=500&q=${encodeURIComponent(findQuery)}`, { token: admin });
    checkHarness(`GET ${collection}`, f);
    const found = (f.json?.items || []).find(match);
    if (found) { addId(kind, found.id, true); return found; }
    log(`setup: could not create or find ${collection} ${findQuery} (${r.res.status || r.res.error})`);
    return null;
  };
  const supplier = await make('/api/v1/suppliers', 'suppliers', { name: `FZ supplier ${tag}`, email: `fz${tag}@example.com` }, `FZ supplier ${tag}`, (x) => x.name === `FZ supplier ${tag}`);
  for (const [suffix, kind] of [['FG', 'finished_good'], ['RM', 'raw_material']]) {
    const sku = `FZ-${tag}-${suffix}`;
    const body = { sku, name: `Fuzz ${suffix} ${tag}`, kind, unit_of_measure: 'pcs', price: '10.00', cost: '4.00' };
    if (kind === 'raw_material' && supplier) body.supplier_id = supplier.id;
    const p = await make('/api/v1/products', 'products', body, sku, (x) => x.sku === sku);
    if (p) productKinds.set(p.id, kind);
    if (p && kind === 'finished_good') ownedFinishedGood = p.id;
  }
  // a bill of materials, so production batches of it can complete
  const glycerin = productBySku.get('RM-GLYCERIN')?.id;
  if (ownedFinishedGood && glycerin) {
    const r = await call('PUT', `/api/v1/products/${ownedFinishedGood}/bom`, { token: admin, body: { lines: [{ material_id: glycerin, quantity_per_unit: 0.01 }] } });
    checkHarness('PUT /api/v1/products/{id}/bom', r);
  }
  const stockist = locationByCode.get('STK-MUMBAI');
  const code = `FZ${tag}R`.slice(0, 32);
  await make('/api/v1/locations', 'locations', { code, name: `Fuzz retail ${tag}`, kind: 'retail', upstream_location_id: stockist?.id ?? null }, code, (x) => x.code === code);
  const retail = locationByCode.get('RET-ANDHERI');
  const factory = locationByCode.get('FACTORY-01');
  for (const [suffix, role, loc] of [['a', 'retailer', retail], ['b', 'manufacturer', factory]]) {
    const username = `fz-${tag}-${suffix}`;
    await make('/api/v1/users', 'users', { username, email: `${username}@example.com`, password: 'fuzz-password-0123', role, location_id: loc?.id ?? null },
      username, (x) => x.username === username);
  }
}

// ---- generating one request ----------------------------------------------------------------------

const GARBAGE_TOKENS = [
  () => 'Bearer garbage', () => 'Bearer ', () => 'Bearer', () => 'Basic YWRtaW46ZGVtby1wYXNzd29yZA==', () => 'Token abc',
  (rng) => `Bearer ${rng.word(20, 300, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.')}`,
  () => `Bearer ${'x'.repeat(5000)}`, () => Buffer.concat([Buffer.from('Bearer '), Buffer.from([0xff, 0xfe, 0x41])]),
  () => `Bearer ${forge(claimsFor({ id: 1, role: 'admin' }), { alg: 'none' })}`,
  () => `Bearer ${forge(claimsFor({ id: 1, role: 'admin' }), { key: 'not-the-secret-not-the-secret-0123' })}`,
  () => { const t = sessions.retailer?.access || 'a.b.c'; const [h, , s] = t.split('.'); return `Bearer ${h}.${b64url(claimsFor({ id: sessions.admin?.user.id ?? 1, role: 'admin' }))}.${s}`; },
  () => {  // one character in the middle of the signature changed
    const t = sessions.admin?.access || 'a.b.cccccccccc';
    const i = t.lastIndexOf('.') + 10;
    return `Bearer ${t.slice(0, i)}${t[i] === 'A' ? 'B' : 'A'}${t.slice(i + 1)}`;
  },
  () => { const t = sessions.admin?.access || 'a.b.c'; return `Bearer ${t.slice(0, Math.floor(t.length / 2))}`; },
  () => { const t = sessions.admin?.access || 'a.b.c'; return `Bearer ${t}.extra`; },
];
const SIGNED_BAD_TOKENS = [   // need the signing key (IMS_JWT_SECRET); each must still be refused
  ['expired', (u) => claimsFor(u, { iat: Math.floor(Date.now() / 1000) - 2000, exp: Math.floor(Date.now() / 1000) - 1000 })],
  ['wrong issuer', (u) => claimsFor(u, { iss: 'someone-else' })],
  ['typ refresh', (u) => claimsFor(u, { typ: 'refresh' })],
  ['unknown role', (u) => claimsFor(u, { role: 'superuser' })],
  ['issued in the future', (u) => claimsFor(u, { iat: Math.floor(Date.now() / 1000) + 3600, exp: Math.floor(Date.now() / 1000) + 7200 })],
  ['no exp', (u) => { const c = claimsFor(u); delete c.exp; return c; }],
  ['non-numeric sub', (u) => claimsFor(u, { sub: 'abc' })],
  ['HS512', (u) => claimsFor(u), 'HS512'],
];

function chooseAuth(rng, op) {
  if (op.key === 'POST /api/v1/auth/logout') {
    return rng.weighted([[3, { kind: 'logout-session' }], [1, { kind: 'none' }], [1.5, { kind: 'garbage' }]]);
  }
  if (!op.secured) {
    return rng.weighted([[6, { kind: 'none' }], [1, { kind: 'role', role: rng.pick(DEMO) }], [1, { kind: 'garbage' }]]);
  }
  const entries = [[3, { kind: 'role', role: 'admin' }], [2, { kind: 'role', role: 'manufacturer' }], [1.2, { kind: 'role', role: 'cfa' }],
    [1.2, { kind: 'role', role: 'stockist' }], [1.2, { kind: 'role', role: 'retailer' }], [0.5, { kind: 'none' }], [0.8, { kind: 'garbage' }]];
  if (secret) entries.push([0.4, { kind: 'signed-bad' }], [0.15, { kind: 'ghost' }]);
  return rng.weighted(entries);
}

// The Authorization header value for an auth choice; {value, label, mustRefuse}
function authHeader(rng, auth, sessionIndex) {
  switch (auth.kind) {
    case 'none': return { value: null, label: 'no token', mustRefuse: true };
    case 'role': {
      const all = [sessions[auth.role], ...(extraSessions[auth.role] || [])].filter(Boolean);
      const s = sessionIndex !== undefined ? all[sessionIndex % Math.max(1, all.length)] : all[rng.int(0, Math.max(0, all.length - 1))];
      if (!s) return { value: null, label: 'no token', mustRefuse: true };
      return { value: `Bearer ${s.access}`, label: s.username === auth.role ? auth.role : `${auth.role} (${s.username})`, role: auth.role, session: s, mustRefuse: false };
    }
    case 'garbage': { const i = rng.int(0, GARBAGE_TOKENS.length - 1); return { value: GARBAGE_TOKENS[i](rng), label: `bad token #${i}`, mustRefuse: true }; }
    case 'signed-bad': {
      const [name, make, alg] = rng.pick(SIGNED_BAD_TOKENS);
      const user = sessions[rng.pick(DEMO)]?.user || { id: 1, role: 'admin' };
      return { value: `Bearer ${forge(make(user), { alg })}`, label: `signed token, ${name}`, mustRefuse: true };
    }
    case 'ghost': {
      const role = rng.pick(DEMO);
      return { value: `Bearer ${forge(claimsFor({ id: 900000000 + rng.int(0, 999), role, location_id: sessions[role]?.user.location_id ?? null }))}`,
        label: `validly signed token of a user that does not exist (${role})`, mustRefuse: false };
    }
    case 'logout-session': {
      if (secret) {
        const role = rng.pick(DEMO);
        const user = sessions[role]?.user;
        if (user) return { value: `Bearer ${forge(claimsFor(user))}`, label: `a fresh ${role} session (signed here)`, mustRefuse: false, throwaway: true };
      }
      const s = throwaway.find((t) => !t.loggedOut);
      if (s) { s.loggedOut = true; return { value: `Bearer ${s.access}`, label: `a throwaway ${s.role} session`, mustRefuse: false, throwaway: true }; }
      return { value: 'Bearer garbage', label: 'bad token', mustRefuse: true };
    }
    default: return { value: null, label: 'no token', mustRefuse: true };
  }
}

const NONEXISTENT = 999999999;
function pickId(rng, kind, { ownedOnly = false, role } = {}) {
  if (ownedOnly) {
    const o = [...(owned[kind] || [])];
    return o.length && !rng.chance(0.1) ? rng.pick(o) : NONEXISTENT;
  }
  const list = pools[kind] || [];
  if (!list.length || rng.chance(0.08)) return NONEXISTENT - rng.int(0, 5);
  if (rng.chance(0.5)) return rng.pick(list.slice(-8));   // the newest: what this run created
  return rng.pick(list);
}

// Operations whose target record must be one this run created (they could break the demo users
// or the demo data other requests rely on).
function protectedTarget(op) {
  if (op.method === 'GET') return false;
  if (op.kind === 'users') return true;
  if (op.kind === 'locations' || op.kind === 'suppliers' || op.kind === 'reorder_rules') return true;
  if (op.kind === 'products' && (op.method === 'PUT' || op.path.endsWith('/bom'))) return true;
  return false;
}

const ID_FIELDS = {
  product_id: 'products', material_id: 'products', supplier_id: 'suppliers', lot_id: 'lots', actor_id: 'users',
  location_id: 'locations', seller_location_id: 'locations', buyer_location_id: 'locations', from_location_id: 'locations',
  to_location_id: 'locations', upstream_location_id: 'locations',
};

function genContext(rng, role) {
  const today = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
  return {
    today,
    idFor(name, r) {
      const kind = ID_FIELDS[name];
      if (!kind) return undefined;
      if (kind === 'locations' && role && sessions[role]?.user.location_id && r.chance(0.45)) return sessions[role].user.location_id;
      return pickId(r, kind);
    },
  };
}

// Bodies a real client would send (the demo chain's products, locations and the right role), so
// that valid requests, and mutations of them, get past the business checks into the deeper code.
// Returns {body, role} (body undefined for operations without one) or null.
function template(op, rng) {
  const loc = (code) => locationByCode.get(code)?.id;
  const prod = (sku) => productBySku.get(sku)?.id;
  const fg = ['FG-SOAP-100', 'FG-SHAMPOO-200', 'FG-CREAM-50'].map(prod).filter(Boolean);
  const rm = ['RM-NEEM-OIL', 'RM-GLYCERIN', 'RM-WRAPPER'].map(prod).filter(Boolean);
  if (!fg.length || !loc('FACTORY-01')) return null;
  const future = () => new Date(Date.now() + rng.int(60, 700) * 86400000).toISOString().slice(0, 10);
  const qty = () => rng.pick([1, 1, 2, 3, 0.5, '1', '2.5', 1.125]);
  const lot = () => `FZ-${rng.word(5, 8, 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789')}`;
  const home = { manufacturer: 'FACTORY-01', cfa: 'CFA-WEST', stockist: 'STK-MUMBAI', retailer: 'RET-ANDHERI' };
  const up = { cfa: 'FACTORY-01', stockist: 'CFA-WEST', retailer: 'STK-MUMBAI' };
  switch (op.key) {
    case 'POST /api/v1/orders': {
      const kind = rng.pick(['sale', 'sale', 'replenishment', 'purchase']);
      if (kind === 'sale') {
        const role = rng.pick(['retailer', 'stockist']);
        const lines = Array.from({ length: rng.int(1, 2) }, () => ({ product_id: rng.pick(fg), quantity: qty() }));
        const body = { kind, seller_location_id: loc(home[role]), lines };
        if (rng.chance(0.5)) body.customer = `Walk-in ${rng.word(3, 8)}`;
        return { role, body };
      }
      if (kind === 'replenishment') {
        const role = rng.pick(['retailer', 'stockist', 'cfa']);
        return { role, body: { kind, lines: [{ product_id: rng.pick(fg), quantity: rng.pick([1, 2, 5]) }] } };
      }
      const line = { product_id: rng.pick(rm.length ? rm : fg), quantity: rng.pick([5, 10, 2.5]) };
      if (rng.chance(0.5)) { line.lot_code = lot(); line.expires_on = future(); }
      if (rng.chance(0.3)) line.unit_price = rng.pick(['3.50', 12, 0]);
      return { role: rng.pick(['manufacturer', 'admin']), body: { kind, buyer_location_id: loc('FACTORY-01'), supplier_id: supplierIds[0], lines: [line] } };
    }
    case 'POST /api/v1/stock/adjustments': {
      const body = { product_id: rng.pick([...fg, ...rm]), location_id: loc(rng.pick(Object.values(home))), quantity_delta: rng.pick([5, -1, 2.5, 10, -3, '4', '-0.5']), reason: rng.pick(['recount', 'damaged', 'opening stock']) };
      if (rng.chance(0.3)) { body.lot_code = lot(); body.expires_on = future(); }
      return { role: rng.pick(['manufacturer', 'admin']), body };
    }
    case 'POST /api/v1/transfers': {
      const [from, to] = rng.pick([['FACTORY-01', 'CFA-WEST'], ['CFA-WEST', 'STK-MUMBAI'], ['STK-MUMBAI', 'RET-ANDHERI']]);
      return { role: rng.pick(['manufacturer', 'admin']), body: { from_location_id: loc(from), to_location_id: loc(to), lines: [{ product_id: rng.pick(fg), quantity: rng.pick([1, 2]) }] } };
    }
    case 'POST /api/v1/requests': {
      const role = rng.pick(['cfa', 'stockist']);
      const action = rng.pick(['transfer', 'adjustment', 'write_off']);
      const body = { action, product_id: rng.pick(fg), quantity: action === 'adjustment' ? rng.pick([2, -1]) : rng.pick([1, 2]), reason: `fuzz ${action}` };
      if (action === 'transfer') body.from_location_id = loc(up[role]);
      return { role, body };
    }
    case 'POST /api/v1/production/batches':
      return { role: rng.pick(['manufacturer', 'admin']), body: { product_id: ownedFinishedGood && rng.chance(0.6) ? ownedFinishedGood : rng.pick(fg), location_id: loc('FACTORY-01'), planned_quantity: rng.pick([1, 5, 10]) } };
    case 'PUT /api/v1/production/batches/{id}/complete': {
      const b = pickRecord(rng, 'batches', (x) => x.status === 'in_progress');
      return { role: 'manufacturer', pathId: b?.id, body: { quantity_produced: rng.pick([1, 2, b?.planned_quantity ?? 5]), lot_code: lot(), expires_on: future() } };
    }
    case 'PUT /api/v1/production/batches/{id}/qc-fail': {
      const b = pickRecord(rng, 'batches', (x) => x.status === 'in_progress' || x.status === 'completed');
      return { role: 'manufacturer', pathId: b?.id, body: { reason: 'fuzz QC failure' } };
    }
    case 'PUT /api/v1/production/batches/{id}/start':
    case 'PUT /api/v1/production/batches/{id}/cancel': {
      const b = pickRecord(rng, 'batches', (x) => x.status === 'planned');
      return { role: rng.pick(['manufacturer', 'admin']), pathId: b?.id };
    }
    case 'POST /api/v1/reorder-rules':
      return { role: rng.pick(['manufacturer', 'admin']), body: { product_id: rng.pick([...fg, ...rm, ...(pools.products || []).slice(-3)]), location_id: rng.pick(pools.locations || [loc('FACTORY-01')]), min: rng.int(0, 20), max: rng.int(21, 100) } };
    case 'PUT /api/v1/products/{id}/bom':
      return rm.length ? { role: 'manufacturer', body: { lines: [{ material_id: rng.pick(rm), quantity_per_unit: rng.pick([0.1, 1, 0.005]) }] } } : null;
    case 'PATCH /api/v1/orders/{id}/status': {
      const next = { pending: ['canceled', 'ordered'], confirmed: ['processing', 'shipped', 'canceled'], processing: ['shipped', 'canceled'], shipped: ['delivered'], ordered: ['received', 'canceled'] };
      const o = pickRecord(rng, 'orders', (x) => next[x.status]);
      const status = o ? rng.pick(next[o.status]) : rng.pick(['processing', 'shipped', 'delivered', 'canceled', 'ordered', 'received']);
      const body = { status };
      if (rng.chance(0.5)) body.note = 'fuzz';
      return { role: rng.pick(['manufacturer', 'admin', 'admin', 'retailer', 'stockist', 'cfa']), pathId: o?.id, body };
    }
    case 'PUT /api/v1/requests/{id}/approve':
    case 'PUT /api/v1/requests/{id}/deny': {
      const r = pickRecord(rng, 'requests', (x) => x.status === 'pending');
      return { role: rng.pick(['manufacturer', 'admin']), pathId: r?.id, body: rng.chance(0.5) ? { comment: 'fuzz decision' } : undefined };
    }
    case 'PUT /api/v1/requests/{id}/cancel': {
      const r = pickRecord(rng, 'requests', (x) => x.status === 'pending');
      return { role: (r && roleOfUser(r.requested_by)) || rng.pick(['cfa', 'stockist']), pathId: r?.id, body: rng.chance(0.5) ? { comment: 'fuzz: not needed' } : undefined };
    }
    case 'PUT /api/v1/transfers/{id}/dispatch':
    case 'PUT /api/v1/transfers/{id}/cancel': {
      const t = pickRecord(rng, 'transfers', (x) => x.status === 'pending' && !x.pending_step);
      return { role: rng.pick(['manufacturer', 'admin', 'admin']), pathId: t?.id };
    }
    case 'PUT /api/v1/transfers/{id}/arrive': {
      const t = pickRecord(rng, 'transfers', (x) => x.status === 'in_transit');
      return { role: rng.pick(['manufacturer', 'admin', 'admin', 'cfa', 'stockist', 'retailer']), pathId: t?.id };
    }
    case 'PUT /api/v1/transfers/{id}/complete': {
      const t = pickRecord(rng, 'transfers', (x) => x.status === 'arrived' && Array.isArray(x.lines));
      const lines = t ? t.lines.map((l) => ({ product_id: l.product_id, received_quantity: rng.chance(0.7) ? l.quantity : Math.max(0, l.quantity - 1) }))
        : [{ product_id: rng.pick(fg), received_quantity: rng.pick([1, 0, 2]) }];
      return { role: rng.pick(['manufacturer', 'admin', 'admin', 'cfa', 'stockist', 'retailer']), pathId: t?.id, body: { lines } };
    }
    case 'POST /api/v1/locations':
    case 'PUT /api/v1/locations/{id}':
      return { role: 'admin', body: { code: `FZ${rng.word(4, 10, 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789')}`, name: `Fuzz store ${rng.word(3, 8)}`, kind: 'retail', upstream_location_id: loc('STK-MUMBAI') } };
    case 'POST /api/v1/products':
    case 'PUT /api/v1/products/{id}': {
      const body = { sku: `FZ-${rng.word(4, 10, 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789')}`, name: `Fuzz product ${rng.word(3, 8)}`, kind: rng.pick(['finished_good', 'raw_material']),
        unit_of_measure: rng.pick(['pcs', 'kg']), price: rng.pick(['10.00', 12.5, '0.99']), cost: rng.pick(['4.00', 3, '0.10']) };
      if (rng.chance(0.5)) body.category = 'fuzz';
      if (rng.chance(0.3)) body.gtin = gtinFor(rng.u32());
      if (rng.chance(0.3) && supplierIds.length) body.supplier_id = rng.pick(supplierIds);
      if (rng.chance(0.3)) body.is_active = true;
      return { role: rng.pick(['manufacturer', 'admin']), body };
    }
    case 'POST /api/v1/suppliers':
    case 'PUT /api/v1/suppliers/{id}':
      return { role: rng.pick(['manufacturer', 'admin']), body: { name: `Fuzz supplier ${rng.word(3, 8)}`, email: `fz.${rng.word(4, 8)}@example.com`, phone: '+91 20 5555 0199', payment_terms: 'net 30' } };
    case 'POST /api/v1/users':
      return { role: 'admin', body: { username: `fz-${rng.word(5, 10)}`, email: `fz.${rng.word(5, 10)}@example.com`, password: 'fuzz-password-0123', role: 'retailer', location_id: loc('RET-ANDHERI') } };
    case 'PATCH /api/v1/users/{id}':
      return { role: 'admin', body: rng.chance(0.5) ? { email: `fz.${rng.word(5, 10)}@example.com` } : { role: 'stockist', location_id: loc('STK-MUMBAI') } };
    case 'PUT /api/v1/schedules/{name}':
      // Valid crons (the run puts every job's own settings back when it ends).
      return { role: 'admin', body: { cron: rng.pick(['*/5 * * * *', '5 0 * * *', '0 * * * *', '*/15 9-17 * * 1-5', '0 0 1,15 * *']), enabled: rng.chance(0.8) } };
    case 'PATCH /api/v1/users/me/notifications':
      return { role: rng.pick(DEMO), body: { email_alerts: rng.chance(0.5) } };
    case 'PUT /api/v1/alerts/{id}/ack': {
      const a = pickRecord(rng, 'alerts', (x) => !x.acked_at);
      return { role: rng.pick(['admin', 'manufacturer', ...DEMO]), pathId: a?.id };
    }
    default: return null;
  }
}

function encodeQueryValue(v) {
  if (v && v.raw) return v.raw;
  return Buffer.from(encodeURIComponent(v), 'latin1');
}
function encodePathValue(v) {
  if (v && v.raw) return v.raw;
  const s = String(v);
  return /%/.test(s) ? Buffer.from(s, 'latin1') : Buffer.from(encodeURIComponent(s), 'latin1');
}

// A schema-valid value for a query parameter (as text).
function validParamValue(rng, p, role) {
  const s = p.schema || {};
  const name = p.name;
  if (ID_FIELDS[name] || name === 'entity_id') {
    if (name === 'location_id' && role && sessions[role]?.user.location_id && rng.chance(0.5)) return String(sessions[role].user.location_id);
    return String(pickId(rng, ID_FIELDS[name] || 'products'));
  }
  const res = resolver.deref(s);
  if (res.enum) return String(rng.pick(res.enum.filter((e) => e !== null)));
  if (name === 'limit') return String(rng.pick([1, 2, 10, 50, 500]));
  if (name === 'cursor') return rng.chance(0.3) ? '' : String(rng.int(1, 400));
  if (res.type === 'boolean') return rng.pick(['true', 'false']);
  if (res.type === 'integer') {
    const lo = res.minimum ?? 0, hi = res.maximum ?? 400;
    return String(rng.int(lo, Math.min(hi, lo + 400)));
  }
  if (res.format === 'date') return new Date(Date.now() + rng.int(-60, 5) * 86400000).toISOString().slice(0, 10);
  const byName = {
    kind: ['finished_good', 'raw_material', 'factory', 'cfa', 'stockist', 'retail', 'transfer.discrepancy', 'stock.low'],
    status: ['pending', 'confirmed', 'planned', 'in_progress', 'completed', 'in_transit', 'approved', 'denied', 'canceled'],
    reason: ['receipt', 'sale', 'shipment', 'adjustment', 'transfer_in', 'production_output', 'write_off'],
    entity: ['user', 'product', 'order', 'location', 'supplier'], action: ['user.create', 'auth.login', 'product.create'],
    category: ['personal care', 'oils', 'chemicals', 'packaging'], q: ['soap', 'fz', 'a', 'FG-', 'admin', 'west'],
  };
  if (byName[name]) return rng.pick(byName[name]);
  return rng.word(1, 8);
}

// Judges a query/path/header parameter value against its schema (for notes only).
function paramViolation(p, v) {
  if (v && v.raw) {
    const bytes = v.raw;
    let decoded;
    try { decoded = decodeURIComponent(bytes.toString('latin1')); } catch { return 'not valid percent-encoded UTF-8'; }
    if (/[^\x00-\x7f]/.test(bytes.toString('latin1'))) return 'raw non-ASCII bytes';
    v = decoded;
  }
  const s = resolver.deref(p.schema || {});
  const text = String(v);
  if (s.enum && !s.enum.map(String).includes(text)) return `not one of ${JSON.stringify(s.enum)}`;
  if (s.type === 'integer') {
    if (!/^-?\d+$/.test(text)) return 'not an integer';
    const n = Number(text);
    if (s.minimum !== undefined && n < s.minimum) return `below minimum ${s.minimum}`;
    if (s.maximum !== undefined && n > s.maximum) return `above maximum ${s.maximum}`;
  }
  if (s.type === 'boolean' && text !== 'true' && text !== 'false') return 'not a boolean';
  if (s.format === 'date' && !isValidDate(text)) return 'not a date';
  if (s.maxLength !== undefined && [...text].length > s.maxLength) return `longer than maxLength ${s.maxLength}`;
  return null;
}

// The dashboards' bundle has content-hashed names (web/build.mjs): whatever the build wrote.
function builtAssets() {
  try {
    return fs.readdirSync(new URL('../../../web/dist/assets/', import.meta.url)).filter((f) => !f.endsWith('.map'));
  } catch {
    return [];
  }
}

const FILES = {
  '/api/docs/{file}': ['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-32x32.png'],
  '/assets/{file}': [...builtAssets(), 'api-docs.js'],
};
const FILE_EDGES = ['..%2F..%2F..%2F..%2Fetc%2Fpasswd', '%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd', '..', '.', '.env', '...',
  'index.html', '%00', 'app.js%00.png', '%FF', { raw: Buffer.from([0xff]) }, 'x'.repeat(300), 'A'.repeat(5000), '~', 'APP.JS',
  '%5c..%5c..%5cetc%5cpasswd', '..%5c..%5cindex.html', 'app.js.map', '%2F', '....%2F%2F....%2F%2Fetc%2Fpasswd'];

function pathValue(rng, op, p, role, mutate) {
  if (FILES[op.path]) {
    if (mutate) { const v = rng.pick(FILE_EDGES); return { bytes: encodePathValue(v), label: `{${p.name}} ← ${describe(v.raw ? `<raw ${v.raw.toString('hex')}>` : v)}`, value: v }; }
    const v = rng.pick(FILES[op.path]);
    return { bytes: Buffer.from(v), value: v };
  }
  if (mutate) {
    const v = rng.pick(PATH_ID_EDGES);
    return { bytes: encodePathValue(v), label: `{${p.name}} ← ${v.raw ? `raw 0x${v.raw.toString('hex')}` : describe(v)}`, value: v };
  }
  const kind = op.kind;
  if (kind === 'schedules') {
    const names = pools.schedules || [];
    const v = names.length && !rng.chance(0.1) ? rng.pick(names) : 'no-such-job';
    return { bytes: Buffer.from(v), value: v };
  }
  const id = kind ? pickId(rng, kind, { ownedOnly: protectedTarget(op) }) : rng.int(1, 50);
  return { bytes: Buffer.from(String(id)), value: String(id), id };
}

function chooseStrategy(rng, op) {
  const e = [];
  if (op.body) {
    e.push([0.22, 'valid'], [0.42, 'body'], [0.13, 'raw'], [0.03, 'nobody'], [0.06, 'header']);
  } else {
    e.push([0.4, 'valid'], [0.1, 'header'], [0.03, 'junkbody']);
  }
  if (op.query.length) e.push([op.body ? 0.08 : 0.3, 'query']);
  if (op.pathParams.length) e.push([op.body ? 0.08 : 0.25, 'path']);
  return rng.weighted(e);
}

// Never a demo username or a variant a server might normalise to one (their failures would count
// against the demo users' own throttle).
const LOGIN_USERNAMES = ['nobody', 'fz-nobody', 'root', '', ' fz-nobody', 'fz-nobody ', 'FZ-NOBODY', 'fz-nobody\u0000', 'a'.repeat(65), 'ä', '🦄', "fz' --", 'fz"', '\\'];

// force (the sweep): {key, role, model, label} — that role, that body, nothing else mutated.
function buildRequest(op, index, round, force = null) {
  // the sweep: one generator per operation, so all its cases go to the same record with the same session
  const rng = force ? Rng.derive(seed, 'sweep', op.key) : Rng.derive(seed, 'req', index);
  let auth = force ? { kind: 'role', role: force.role } : chooseAuth(rng, op);
  if (force && op.key === 'POST /api/v1/auth/logout') auth = { kind: 'logout-session' };
  const tpl = force ? null : rng.chance(0.55) ? template(op, rng) : null;
  if (tpl && auth.kind === 'role' && tpl.role) auth = { kind: 'role', role: tpl.role };
  const strategy = force ? 'sweep' : op.key === EVENTS ? ['valid', 'auth', 'query', 'header'][round % 4] : chooseStrategy(rng, op);
  const ah = strategy === 'auth' ? authHeader(rng, { kind: 'garbage' }) : authHeader(rng, auth, force ? force.key : undefined);
  const labels = [];
  const notes = [];     // parameter values that break their schema (judged only for notes)
  const role = ah.role;

  // path
  let target = op.path;
  const targetParts = [];
  const mutatePath = strategy === 'path' ? rng.pick(op.pathParams) : null;
  let pathId = null;
  {
    let rest = op.path;
    const re = /\{([^}]+)\}/g;
    let last = 0;
    let m;
    while ((m = re.exec(rest))) {
      targetParts.push(Buffer.from(rest.slice(last, m.index), 'latin1'));
      const p = op.pathParams.find((x) => x.name === m[1]) || { name: m[1], schema: { type: 'string' } };
      // the sweep's state changes (approve, dispatch, …) each go to another record: one per state
      const workflow = force && op.method !== 'POST' && ['orders', 'batches', 'transfers', 'requests', 'alerts'].includes(op.kind);
      let pv = pathValue(workflow ? Rng.derive(seed, 'sweep-path', force.key) : rng, op, p, role, mutatePath === p);
      if (tpl?.pathId !== undefined && mutatePath !== p && p.name === 'id') pv = { bytes: Buffer.from(String(tpl.pathId)), value: String(tpl.pathId), id: tpl.pathId };
      if (pv.label) labels.push(pv.label);
      if (pv.id !== undefined) pathId = pv.id;
      if (mutatePath === p && !FILES[op.path] && pv.value !== '') { const why = paramViolation(p, pv.value); if (why) notes.push(`path {${p.name}} ${why}`); }
      targetParts.push(pv.bytes);
      last = m.index + m[0].length;
    }
    targetParts.push(Buffer.from(rest.slice(last), 'latin1'));
  }

  // query
  const query = [];
  for (const p of op.query) {
    if (p.name === 'access_token') continue;
    if (p.required || rng.chance(0.3)) query.push([p.name, validParamValue(rng, p, role)]);
  }
  if (strategy === 'query') {
    const n = rng.chance(0.8) ? 1 : 2;
    for (let k = 0; k < n; k++) {
      const declared = op.query.length && rng.chance(0.85);
      const p = declared ? rng.pick(op.query) : { name: rng.pick(['zz', 'limit[]', 'Limit', '%FF', '', 'a'.repeat(100)]), schema: {} };
      const v = rng.pick(paramEdgeValues(resolver.deref(p.schema || {}), new Date()));
      const existing = query.findIndex(([k2]) => k2 === p.name);
      if (existing >= 0 && rng.chance(0.7)) query.splice(existing, 1);
      if (rng.chance(0.1)) query.push([p.name, validParamValue(rng, p, role)]);  // repeated parameter
      query.push([p.name, v]);
      labels.push(`?${p.name.length > 20 ? p.name.slice(0, 20) + '…' : p.name}=${v.raw ? `<raw ${v.raw.toString('latin1').length > 30 ? v.raw.toString('latin1').slice(0, 30) + '…' : v.raw.toString('latin1').replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}>` : describe(v)}`);
      if (declared) { const why = paramViolation(p, v); if (why) notes.push(`query ${p.name} ${why}`); }
    }
  }
  if (op.key === EVENTS && ah.value === null && rng.chance(0.5) && sessions.retailer) {
    query.push(['access_token', sessions.retailer.access]);
    labels.push('token in ?access_token');
    ah.mustRefuse = false;
  }
  let targetBuf = Buffer.concat(targetParts);
  if (query.length) {
    const parts = query.map(([k, v]) => Buffer.concat([Buffer.from(p_enc(k), 'latin1'), Buffer.from('='), encodeQueryValue(v)]));
    const joined = [];
    parts.forEach((b, i) => { if (i) joined.push(Buffer.from('&')); joined.push(b); });
    targetBuf = Buffer.concat([targetBuf, Buffer.from('?'), ...joined]);
  }

  // headers
  const headers = [];
  headers.push(['Accept', rng.chance(0.95) ? 'application/json' : rng.pick(['*/*', 'text/html', 'application/xml', 'application/problem+json', ''])]);
  if (ah.value !== null) headers.push(['Authorization', ah.value]);
  if (ah.label !== 'no token' && ah.role === undefined) labels.push(`auth: ${ah.label}`);
  for (const p of op.headerParams) {
    const name = p.name;
    if (/^if-match$/i.test(name)) {
      const kind = op.kind;
      const known = kind && pathId !== null ? etags.get(`${kind}:${pathId}`) : undefined;
      const r = rng.float();
      if (r < 0.3 && known) headers.push([name, known]);
      else if (r < 0.45) headers.push([name, '*']);
      else if (r < 0.55) headers.push([name, '"1"']);
    } else if (/^idempotency-key$/i.test(name)) {
      if (rng.chance(0.3)) headers.push([name, `fz-${seed}-${index}`]);
    } else if (/^last-event-id$/i.test(name)) {
      if (rng.chance(0.3)) headers.push([name, String(rng.int(0, 1000))]);
    }
  }
  if (strategy === 'header') {
    const candidates = op.headerParams.map((p) => p.name).concat(['X-Request-Id', 'Accept', 'Content-Length-ish', 'many']);
    // (more than the server's 100 header fields is one of the protocol probes, not fuzzed per operation)
    const name = rng.pick(candidates);
    const values = /^if-match$/i.test(name) ? ['garbage', '""', '"', 'W/"1"', '"999999"', '"-1"', '"1", "2"', Buffer.from([0x22, 0xff, 0x22]), `"${'9'.repeat(400)}"`, 'W/', '*, "1"']
      : /^idempotency-key$/i.test(name) ? ['', 'x'.repeat(201), 'x'.repeat(5000), Buffer.from([0xff, 0xfe]), ' ', `fz-${seed}-reused`, '\t', '%00', 'ключ']
        : /^last-event-id$/i.test(name) ? ['-1', 'abc', '99999999999999999999', '1.5', '', Buffer.from([0xff]), '0']
          : name === 'X-Request-Id' ? ['', 'x'.repeat(129), 'bad id with spaces', Buffer.from([0xff]), '../../etc', 'a;b=c']
            : name === 'Accept' ? ['application/xml', '', Buffer.from([0xff]), 'x'.repeat(4000)]
              : ['x'];
    const v = rng.pick(values);
    const shown = Buffer.isBuffer(v) ? `<raw ${v.toString('hex')}>` : describe(v);
    if (name === 'Content-Length-ish') headers.push(['X-Fuzz', 'x']);
    else if (name === 'many') {
      const n = rng.pick([20, 60, 80]);
      for (let k = 0; k < n; k++) headers.push([`X-Fuzz-${k}`, 'x']);
      labels.push(`${n} extra header fields`);
    }
    else {
      for (let k = headers.length - 1; k >= 0; k--) if (headers[k][0].toLowerCase() === name.toLowerCase()) headers.splice(k, 1);
      headers.push([name, v]);
      labels.push(`header ${name}: ${shown}`);
      const p = op.headerParams.find((x) => x.name.toLowerCase() === name.toLowerCase());
      if (p && !Buffer.isBuffer(v)) { const why = paramViolation(p, v); if (why) notes.push(`header ${name} ${why}`); }
    }
  }

  // body
  let body = null;
  let judged = false;
  let violations = [];
  let unjudgedWhy = null;
  let model;
  if (op.body) {
    const ctx = genContext(rng, role);
    model = force ? force.model : tpl && 'body' in tpl ? tpl.body : gen(resolver, op.body.schema, ctx, rng);
    if (force) labels.push(force.label);
    if (tpl && !labels.includes('realistic body')) labels.unshift('realistic body');
    // a template without a body (the body is optional): mutations need one to work on
    if (model === undefined && (op.body.required || strategy === 'body' || strategy === 'raw')) model = gen(resolver, op.body.schema, ctx, rng);
    if (op.key === 'POST /api/v1/auth/login' && !force) {
      // never the demo users with a wrong password (bar a few), so the login throttle is not tripped
      model.username = rng.chance(0.5) ? `fz-${rng.word(3, 10)}` : rng.pick(LOGIN_USERNAMES);
      if (rng.chance(0.05) && counters.demoWrongPassword < 3) { model.username = rng.pick(DEMO); counters.demoWrongPassword++; labels.push('a demo user, wrong password'); }
    }
    if (!force && (op.key === 'POST /api/v1/auth/refresh' || op.key === 'POST /api/v1/auth/logout')) {
      const t = throwaway.length && rng.chance(0.5) ? rng.pick(throwaway) : null;
      if (t && model) { model.refresh_token = t.refresh; labels.push(`refresh token of a throwaway ${t.role} session`); }
    }
    if (strategy === 'body') {
      const n = rng.weighted([[70, 1], [22, 2], [8, 3]]);
      for (let k = 0; k < n; k++) {
        const m = mutateBody(rng, resolver, op.body.schema, model, ctx);
        model = m.body;
        labels.push(m.label);
      }
    }
    if (strategy === 'raw') {
      const m = rawBodyMutation(rng, model);
      body = m.bytes;
      labels.push(m.label);
      if (m.sameBody) {
        if (m.contentType !== null) headers.push(['Content-Type', m.contentType]);
        unjudgedWhy = 'Content-Type changed';
      } else {
        headers.push(['Content-Type', 'application/json']);
        unjudgedWhy = 'raw body bytes';
      }
    } else if (strategy === 'nobody') {
      labels.push(rng.chance(0.5) ? 'no body' : 'no body, with Content-Type');
      if (labels[labels.length - 1].includes('Content-Type')) headers.push(['Content-Type', 'application/json']);
      judged = true;
      if (op.body.required) violations = [{ path: '$', keyword: 'required', message: 'the request body is required' }];
    } else if (model === undefined) {
      judged = true;
    } else {
      body = serialize(model);
      headers.push(['Content-Type', rng.chance(0.1) ? 'application/json; charset=utf-8' : 'application/json']);
      const why = unjudgeable(model);
      if (why) unjudgedWhy = why;
      else { judged = true; violations = validate(resolver, op.body.schema, model); }
    }
  } else if (strategy === 'junkbody') {
    body = Buffer.from(rng.pick(['{"zz":1}', 'garbage', '\xff\xfe', '[]']), 'latin1');
    headers.push(['Content-Type', 'application/json']);
    labels.push(`a body (${body.length} bytes) on an operation without one`);
  }

  if (strategy === 'valid' && !labels.length) labels.push('valid');
  const req = { method: op.method, target: targetBuf, headers, body };
  if (op.key === EVENTS) req.streamMs = 1000;
  if (op.key === 'POST /api/v1/auth/login') {
    // fuzzed logins come from other loopback addresses, so the per-address throttle of 127.0.0.1
    // (where the real logins come from) is never reached
    const slot = Math.floor(counters.loginFuzz / LOGIN_FUZZ_PER_ADDRESS);
    req.localAddress = `127.0.${1 + Math.floor(slot / 150)}.${100 + (slot % 150)}`;
    counters.loginFuzz++;
  }
  if (op.key === 'POST /api/v1/auth/pin' || op.key === 'POST /api/v1/auth/register') {
    // PIN sign-ins and sign-ups are throttled per address too: spread over addresses of their own,
    // so the shop-floor tests that sign in from 127.0.0.1 are never throttled by the fuzzer
    req.localAddress = `127.0.${200 + (index % 50)}.${2 + (Math.floor(index / 50) % 250)}`;
  }
  const targetText = req.target.toString('latin1').slice(0, 300);
  return { req, meta: { op, index, strategy, labels, auth: ah, role, judged, violations, unjudgedWhy, notes, pathId, targetText } };
}

function p_enc(k) { try { return encodeURIComponent(k); } catch { return 'x'; } }

// ---- checking one response -----------------------------------------------------------------------

function contentType(res) { return (res.headers?.['content-type'] || '').toLowerCase(); }

function checkResponse(op, req, res, meta) {
  const failures = [];
  const fail = (kind, detail, extra = {}) => failures.push({ kind, detail, ...extra });
  if (res.error) {
    if (op.key === EVENTS && res.streamed) return failures;
    fail(res.error === 'timeout' ? 'timeout' : 'no-response', `${res.error}: ${res.detail || ''}`.trim());
    return failures;
  }
  const status = res.status;
  const ct = contentType(res);
  const text = res.body ? res.body.toString('utf8') : '';
  if (status >= 500) {
    const atCapacity = status === 503 && res.headers['retry-after'] !== undefined && /at capacity/i.test(text);
    if (!atCapacity) fail('server-error', `${status}`);
  } else if (status >= 400) {
    const base = ct.split(';')[0].trim();
    const body = parseJson(res.body);
    if (base !== 'application/problem+json') fail('bad-problem', `${status} with Content-Type ${JSON.stringify(res.headers['content-type'] ?? null)}`);
    else if (!body || typeof body !== 'object' || Array.isArray(body)) fail('bad-problem', `${status} problem body is not a JSON object`);
    else if (body.status !== status) fail('bad-problem', `${status} with problem status ${JSON.stringify(body.status)}`);
  } else if (status >= 200 && status < 300) {
    if (meta.auth.mustRefuse && op.secured) fail('unauthenticated-accepted', `${status} for a secured operation with ${meta.auth.label}`);
    if (meta.judged && meta.violations.length) {
      fail('accepted-invalid', `${status} for a body the schema rejects: ${meta.violations.slice(0, 3).map((v) => `${v.path} ${v.message}`).join('; ')}`,
        { violations: meta.violations });
    }
  } else if (status < 100 || status >= 600 || !Number.isInteger(status)) {
    fail('protocol', `status ${status}`);
  }
  if (status === 200 && /etc\/passwd|%2fetc|%5c/i.test(req.target.toString('latin1')) && /root:.*:0:0:/.test(text)) {
    fail('path-traversal', 'a file outside the web directory was served');
  }
  if (op.key === EVENTS && status === 200 && !/^text\/event-stream/.test(ct)) fail('bad-stream', `200 with Content-Type ${ct}`);
  return failures;
}

// Observations that are not failures but say something about the contract (reported at the end).
function observe(op, req, res, meta) {
  if (res.error || !res.status) return;
  const status = res.status;
  const documented = op.responses[String(status)] || op.responses[`${String(status)[0]}XX`] || op.responses.default;
  if (!documented && !(status === 503) && !(status === 401 && meta.auth.mustRefuse) && !(status === 405)) {
    report.note(op.key, `answers ${status}, which the document does not list`, describeNoteExample(req, res, meta));
  }
  if ((status === 400 || status === 422) && meta.auth.role && !meta.notes.length &&
      (meta.strategy === 'valid' || ((meta.strategy === 'body' || meta.strategy === 'sweep') && meta.judged && !meta.violations.length)) &&
      (!op.body || (meta.judged && !meta.violations.length))) {
    const j = parseJson(res.body);
    const errs = Array.isArray(j?.errors) && j.errors.length ? j.errors.map((e) => `${String(e.field).replace(/\[\d+\]/g, '[*]')}: ${e.message}`).join('; ') : j?.detail;
    report.note(op.key, `${status} for a request the document allows: ${String(errs).replace(/\b\d+(\.\d+)?\b/g, 'N').slice(0, 200)}`, describeNoteExample(req, res, meta), 'rules');
  }
  if (status >= 200 && status < 300) {
    for (const n of meta.notes) report.note(op.key, `2xx although ${n}`, describeNoteExample(req, res, meta));
    if (meta.unjudgedWhy === 'raw body bytes' && meta.labels.some((l) => /invalid UTF-8|raw byte|raw control/.test(l))) {
      report.note(op.key, `${status} for a body that is not well-formed UTF-8 JSON (${meta.labels.find((l) => /UTF-8|raw/.test(l))})`, describeNoteExample(req, res, meta));
    }
    if (meta.unjudgedWhy === 'Content-Type changed') {
      const ct = (req.headers.find(([k]) => k === 'Content-Type') || [])[1];
      report.note(op.key, `${status} for a JSON body sent as Content-Type ${ct === undefined ? '(absent)' : JSON.stringify(headerValueText(ct))}`, describeNoteExample(req, res, meta));
    }
    // the 2xx body against the documented response schema
    const schema = documented?.content?.['application/json']?.schema;
    // an empty path id ("/users/") is another route (the collection): not this operation's response
    if (schema && op.key !== EVENTS && !meta.labels.some((l) => /^\{\w+\} ← ""$/.test(l))) {
      const json = parseJson(res.body);
      if (json === undefined) report.note(op.key, `${status} body is not JSON although the document says application/json`, describeNoteExample(req, res, meta));
      else {
        const v = validate(resolver, schema, json);
        for (const x of v.slice(0, 5)) {
          report.note(op.key, `${status} response does not match its documented schema: ${x.path.replace(/\[\d+\]/g, '[*]')} ${x.keyword}` +
            (x.keyword === 'type' || x.keyword === 'enum' || x.keyword === 'required' ? ` (${x.message})` : ''), describeNoteExample(req, res, meta));
        }
      }
    }
  }
}
function describeNoteExample(req, res, meta) {
  return { requestId: res.requestId, labels: meta.labels, role: meta.auth.label, status: res.status, method: req.method, target: req.target.toString('latin1').slice(0, 300) };
}

function checkHarness(opKey, r) {
  const op = opsByKey.get(opKey) || { key: opKey, secured: false, responses: {} };
  const meta = { op, labels: ['harness request'], auth: { label: 'harness', mustRefuse: false }, judged: false, violations: [], notes: [] };
  for (const f of checkResponse(op, r.req, r.res, meta)) report.failure(op.key, f, r.req, r.res, meta);
}

// ---- main ----------------------------------------------------------------------------------------

let resolver;
let opsByKey = new Map();

async function main() {
  const { doc, source } = await loadDocument();
  resolver = new Resolver(doc);
  const allOps = buildOperations(doc, resolver);
  opsByKey = new Map(allOps.map((o) => [o.key, o]));
  const ops = allOps.filter((o) => !opts.only || opts.only.test(o.key));
  log(`${allOps.length} operations in ${source}${opts.only ? `, ${ops.length} selected by --only` : ''}`);
  if (!ops.length) { console.log('0 passed, 0 failed'); return 0; }

  // the health of the target first: without logins there is nothing to fuzz
  const health = await call('GET', '/health');
  if (health.res.error) {
    report.setupFailure(`ims-api at ${BASE_URL} does not answer: ${health.res.error} ${health.res.detail || ''}`);
    return finish(ops, null);
  }
  for (const role of DEMO) {
    const s = await login(role);
    if (!s) { report.setupFailure(`could not log in as the demo user ${role} (is the demo set seeded? scripts: ims seed-demo)`); return finish(ops, null); }
    sessions[role] = { ...s, role, username: role, password: DEMO_PASSWORD };
    demoUserIds.add(s.user.id);
  }
  log(`logged in as ${DEMO.join(', ')}${secret ? '; IMS_JWT_SECRET is set, so signed-but-invalid tokens are tried too' : ''}`);
  await refreshPools();
  // The demo users' own alert-email setting, put back when the run ends (the run flips it).
  const notificationSettings = new Map();
  for (const role of DEMO) {
    const r = await call('GET', '/api/v1/users/me/notifications', { token: sessions[role].access });
    if (r.res.status === 200 && typeof r.json?.email_alerts === 'boolean') notificationSettings.set(role, r.json.email_alerts);
  }
  await createPoolUsers();
  await createOwned();
  for (const id of demoUserIds) owned.users?.delete(id);
  log(`known ids: ${Object.entries(pools).map(([k, v]) => `${k} ${v.length}`).join(', ')}`);

  let fuzzRequests = 0;
  const coveredOps = new Set();
  const progress = setInterval(() => {
    const s = report.stats();
    log(`${Math.round((Date.now() - startedAt) / 1000)}s: ${fuzzRequests} requests, ${ops.filter((o) => coveredOps.has(o.key)).length}/${ops.length} operations, ` +
        `${s.failingRequests} failing requests in ${s.failingOps} operations (${s.distinct} distinct failures)`);
  }, 10000);
  progress.unref();

  const perRound = ops.length;
  let next = 0;
  const recent = [];
  // One request: renew its session, pace a write, send, check, learn. false: stop the run.
  const runOne = async (op, req, meta, traceIndex) => {
    const session = meta.auth.session;
    if (session) {
      await ensureSession(session);
      const h = req.headers.find(([k]) => k === 'Authorization');
      if (h) h[1] = `Bearer ${session.access}`;
      if (isLimitedWrite(req) && !(await paceWrite(session.user.id))) return false;
    }
    const res = await send(req);
    report.remember(res.requestId, op.key, meta, res);
    if (trace) {
      const h = crypto.createHash('sha1').update(req.target).update(req.body || '').update(JSON.stringify(req.headers.filter(([k]) => k !== 'Authorization').map(([k, v]) => [k, Buffer.from(v).toString('hex')]))).digest('hex').slice(0, 12);
      trace.write(`${traceIndex}\t${op.key}\t${meta.auth.label}\t${h}\t${meta.labels.join(' + ').replace(/\s+/g, ' ').slice(0, 300)}\t${res.status || res.error}\n`);
    }
    if (session && res.status === 429 && /too many writes/.test(res.body?.toString('utf8') || '')) writeRefused(session.user.id);
    fuzzRequests++;
    coveredOps.add(op.key);
    report.count(op.key, res);
    recent.push({ op: op.key, req, res, meta });
    if (recent.length > 6) recent.shift();
    for (const f of checkResponse(op, req, res, meta)) report.failure(op.key, f, req, res, meta);
    observe(op, req, res, meta);
    afterResponse(op, req, res, meta);
    if (session && res.status === 401) {
      if (!(await sessionWorks(session))) {
        log(`the ${session.username} token stopped working after request ${res.requestId} (${op.key}, ${meta.labels.join(' + ')}); logging in again`);
        session.access = null;
        await ensureSession(session);
      }
    }
    if (res.error === 'refused' || (res.error && res.error !== 'timeout' && !res.streamed)) {
      if (!(await waitHealthy(5000))) {
        apiDown = { op: op.key, recent: recent.slice() };
        report.apiDown(recent.slice());
        log('ims-api stopped answering; ending the run');
        return false;
      }
    }
    return true;
  };
  const worker = async () => {
    for (;;) {
      if (apiDown || Date.now() >= deadline || fuzzRequests >= opts.maxRequests) return;
      const index = next++;
      const round = Math.floor(index / perRound);
      const order = roundOrder(ops, round);
      const op = order[index % perRound];
      if (op.key === EVENTS && round >= 4) continue;   // a stream: only a few short requests
      if (op.key === 'POST /api/v1/auth/login' && counters.loginFuzz >= LOGIN_FUZZ_BUDGET) continue;
      if (index > 0 && index % 400 === 0) await refreshPools();
      if (op.key === 'POST /api/v1/auth/logout' && !secret && throwaway.every((t) => t.loggedOut) && throwawayLogins < THROWAWAY_BUDGET) await newThrowaway();
      if ((op.key === 'POST /api/v1/auth/refresh') && !throwaway.length && throwawayLogins < THROWAWAY_BUDGET) await newThrowaway();
      const { req, meta } = buildRequest(op, index, round);
      if (!(await runOne(op, req, meta, index))) return;
    }
  };
  // Phase 1, the sweep: every property of every request body, one at a time, set to null, to a
  // wrong type, removed, and just past its schema's limits, on an otherwise realistic body.
  const sweep = async () => {
    if (opts.sweep === 'none') return;
    const cases = sweepCases(ops, opts.sweep === 'full');
    const until = startedAt + opts.seconds * 1000 * (opts.sweep === 'full' ? 0.8 : 0.4);
    let done = 0;
    for (let k = 0; k < cases.length; k++) {
      if (apiDown || Date.now() >= until || fuzzRequests >= opts.maxRequests) break;
      const c = cases[k];
      const { req, meta } = buildRequest(c.op, k, 0, { key: k, role: c.role, model: c.model, label: c.label });
      if (!(await runOne(c.op, req, meta, `s${k}`))) return;
      done++;
    }
    log(`sweep: ${done} of ${cases.length} single-property mutations sent`);
  };
  const probeProtocol = !opts.only || opts.only.test(PROTOCOL);
  if (probeProtocol) { await protocolProbes(); coveredOps.add(PROTOCOL); }
  await sweep();
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  clearInterval(progress);
  for (const [role, enabled] of notificationSettings) {
    await ensureSession(sessions[role]);
    const r = await call('PATCH', '/api/v1/users/me/notifications', { token: sessions[role].access, body: { email_alerts: enabled } });
    if (r.res.status !== 200) log(`could not restore ${role}'s email_alerts: ${r.res.status}`);
  }
  // Jobs the run re-timed or disabled get their settings back (the stack's scheduler goes on).
  if (sessions.admin && scheduleSettings.size) {
    await ensureSession(sessions.admin);
    for (const [name, settings] of scheduleSettings) {
      const r = await call('PUT', `/api/v1/schedules/${name}`, { token: sessions.admin.access, body: settings });
      if (r.res.status !== 200) log(`could not restore schedule ${name}: ${r.res.status}`);
    }
  }
  client.close();
  if (trace) await new Promise((f) => trace.end(f));

  log(`sent ${fuzzRequests} fuzz requests (${requestCounter} in all) in ${((Date.now() - startedAt) / 1000).toFixed(1)} s; ` +
      `operations covered: ${ops.filter((o) => coveredOps.has(o.key)).length}/${ops.length}; re-logins: ${counters.relogins}; fuzzed logins: ${counters.loginFuzz}`);

  let invariants = null;
  if (opts.db) {
    invariants = await checkInvariants({ databaseUrl: opts.databaseUrl, log, maxWaitMs: 60000 });
  } else log('--no-db: invariant checks skipped');
  return finish(probeProtocol ? [...ops, { key: PROTOCOL }] : ops, invariants, coveredOps, fuzzRequests);
}

// Limits of the HTTP layer, probed once per run (not per operation): a URL over 8 KiB, more header
// fields or a longer header value than the server takes, a body above the size the server reads.
// Each must still get an answer (414 / 431 / 413 as application/problem+json), not a dropped
// connection — except past the transport's hard body limit (8 MiB, eight times the 1 MiB body limit, where RESTinio
// stops reading): there the connection may be closed, and the server must stay healthy.
const PROTOCOL = 'HTTP limits (URL length, header count, body size)';
async function protocolProbes() {
  const op = { key: PROTOCOL, method: '*', path: '*', secured: false, responses: {}, query: [], pathParams: [], headerParams: [] };
  const token = sessions.admin?.access;
  const probes = [
    ['URL of 9000 bytes', { method: 'GET', target: Buffer.from(`/api/v1/products?q=${'a'.repeat(9000)}`), headers: [['Authorization', `Bearer ${token}`]], body: null }],
    ['a header value of 70000 bytes', { method: 'GET', target: Buffer.from('/health'), headers: [['X-Fuzz-Big', 'b'.repeat(70000)]], body: null }],
    ['120 header fields', { method: 'GET', target: Buffer.from('/health'), headers: Array.from({ length: 120 }, (_, k) => [`X-Fuzz-${k}`, 'x']), body: null }],
    ['a JSON body of 9 MiB', { closeAllowed: true, method: 'POST', target: Buffer.from('/api/v1/suppliers'), headers: [['Authorization', `Bearer ${token}`], ['Content-Type', 'application/json']],
      body: Buffer.from(`{"name":"${'x'.repeat(9 * 1024 * 1024)}"}`) }],
    ['a JSON body of 2 MiB', { method: 'POST', target: Buffer.from('/api/v1/suppliers'), headers: [['Authorization', `Bearer ${token}`], ['Content-Type', 'application/json']],
      body: Buffer.from(`{"name":"${'x'.repeat(2 * 1024 * 1024)}"}`) }],
  ];
  for (const [label, { closeAllowed, ...req }] of probes) {
    const res = await send({ ...req, headers: [['Accept', 'application/json'], ...req.headers] });
    if (closeAllowed && res.error) {
      report.count(PROTOCOL, res);
      if (!(await waitHealthy(5000))) { report.apiDown([{ op: PROTOCOL, req, res, meta: { op, labels: [label] } }]); apiDown = true; return; }
      continue;
    }
    const meta = { op, labels: [label], auth: { label: 'admin', role: 'admin', mustRefuse: false }, judged: false, violations: [], notes: [], index: '-' };
    report.count(PROTOCOL, res);
    report.remember(res.requestId, PROTOCOL, meta, res);
    for (const f of checkResponse(op, req, res, meta)) report.failure(PROTOCOL, f, req, res, meta);
    if (res.error && !(await waitHealthy(5000))) { report.apiDown([{ op: PROTOCOL, req, res, meta }]); apiDown = true; return; }
  }
}

function gtinFor(n) {
  const d = `891${String(Math.abs(n) % 1e9).padStart(9, '0')}`;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(d[i]) * (i % 2 === 0 ? 1 : 3);
  return d + String((10 - (sum % 10)) % 10);
}

function sweepCases(ops, full) {
  const cases = [];
  for (const op of ops) {
    if (!op.body || op.key === EVENTS) continue;
    const rng = Rng.derive(seed, 'sweep-base', op.key);
    const tpl = template(op, rng);
    const role = tpl?.role || 'admin';
    let base = tpl && tpl.body !== undefined ? tpl.body : gen(resolver, op.body.schema, genContext(rng, role), rng);
    if (op.key === 'POST /api/v1/auth/login' && base && typeof base === 'object') base.username = `fz-sweep-${rng.word(4, 6)}`;
    // fields that must be unique get a fresh value in every case (else all but the first are 409)
    const unique = (model, label) => {
      if (!model || typeof model !== 'object' || Array.isArray(model) || !(op.collection || protectedTarget(op))) return model;
      const n = cases.length;
      const fresh = { sku: `FZS-${seed}-${n}`, username: `fz-s${seed}-${n}`, code: `FZS${seed}N${n}`.slice(0, 32), email: `fz-s${seed}-${n}@example.com`, gtin: gtinFor(seed * 10007 + n) };
      for (const [k, v] of Object.entries(fresh)) {
        if (typeof model[k] === 'string' && !label.startsWith(`$.${k} `)) model[k] = v;
      }
      return model;
    };
    cases.push({ op, role, model: unique(base, ''), label: 'sweep: the base body' });
    for (const m of sweepMutations(resolver, op.body.schema, base, full)) cases.push({ op, role, model: unique(m.model, m.label), label: `sweep: ${m.label}` });
  }
  return cases;
}

const roundCache = new Map();
function roundOrder(ops, round) {
  if (!roundCache.has(round)) {
    roundCache.clear();
    roundCache.set(round, round === 0 ? ops.slice() : Rng.derive(seed, 'round', round).shuffle(ops));
  }
  return roundCache.get(round);
}

async function waitHealthy(ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const r = await client.request({ method: 'GET', target: '/health', headers: [], body: null, timeoutMs: 1000 });
    if (r.status === 200) return true;
    await new Promise((f) => setTimeout(f, 250));
  }
  return false;
}

// Learns ids and ETags from responses; forgets sessions that were logged out.
function afterResponse(op, req, res, meta) {
  if (res.error || !res.status) return;
  if (res.status >= 200 && res.status < 300) {
    const json = parseJson(res.body);
    if (op.method === 'POST' && op.collection && json && typeof json.id === 'number') {
      const own = ['users', 'products', 'suppliers', 'locations', 'reorder_rules'].includes(op.collection);
      addId(op.collection, json.id, own);
      if (op.collection === 'products') productKinds.set(json.id, json.kind);
    }
    if (op.key === 'POST /api/v1/stock/adjustments' && json && typeof json.id === 'number') addId('adjustments', json.id);
    if (res.headers.etag && op.kind && meta.pathId !== null) etags.set(`${op.kind}:${meta.pathId}`, res.headers.etag);
    const kind = op.collection || op.kind || (op.key === 'POST /api/v1/stock/adjustments' ? 'adjustments' : null);
    if (json && typeof json === 'object' && kind) {
      if (Array.isArray(json.items)) json.items.forEach((x) => remember(op.collection, x));
      else if (!op.path.endsWith('/bom') && !op.path.endsWith('/movements')) remember(kind, json);
    }
    if (op.key === 'POST /api/v1/auth/refresh' && json?.refresh_token) {
      throwaway.push({ access: json.access_token, refresh: json.refresh_token, user: json.user, role: json.user?.role || 'refreshed', at: Date.now() });
    }
  }
}

function finish(ops, invariants, coveredOps = new Set(), fuzzRequests = 0) {
  return report.finish({ ops, coveredOps, invariants, fuzzRequests, apiLog: apiLogPath() });
}

function apiLogPath() {
  if (opts.apiLog) return opts.apiLog;
  const candidates = [];
  if (process.env.IMS_DATA_DIR) candidates.push(path.join(process.env.IMS_DATA_DIR, 'logs/ims-api.log'));
  const profile = process.env.IMS_PROFILE;
  if (profile) candidates.push(path.join(REPO, '.ims', profile, 'logs/ims-api.log'));
  return candidates.find((c) => fs.existsSync(c)) || null;
}

main().then((code) => process.exit(code), (e) => {
  console.error(e.stack || e);
  console.log('0 passed, 1 failed');
  process.exit(2);
});
