// Collects failures and notes, groups them (by the server's own error message for 5xx, read from
// ims-api's log through the X-Request-Id the fuzzer sends) and prints the report whose last line
// is "N passed, M failed".
import fs from 'node:fs';
import path from 'node:path';
import { serializeRequest } from './http.mjs';

const BODY_SHOWN = 600;
const MAX_GROUPS_SHOWN = 400;

export function headerValueText(v) {
  return Buffer.isBuffer(v) ? v.toString('latin1') : String(v);
}

// Printable form of bytes: ASCII as is, everything else as \xNN; long runs of one character folded.
export function printable(buf, max = BODY_SHOWN) {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(String(buf), 'utf8');
  let out = '';
  let i = 0;
  while (i < b.length && out.length < max) {
    let j = i;
    while (j < b.length && b[j] === b[i]) j++;
    const ch = b[i] >= 0x20 && b[i] < 0x7f ? String.fromCharCode(b[i]) : `\\x${b[i].toString(16).padStart(2, '0')}`;
    if (j - i > 12) { out += `${ch}…(×${j - i})`; i = j; continue; }
    // keep valid UTF-8 multi-byte sequences readable
    if (b[i] >= 0xc2 && b[i] <= 0xf4) {
      const len = b[i] >= 0xf0 ? 4 : b[i] >= 0xe0 ? 3 : 2;
      const seq = b.subarray(i, i + len);
      const s = seq.toString('utf8');
      if (seq.length === len && !s.includes('\ufffd') && Buffer.from(s, 'utf8').equals(seq)) { out += s; i += len; continue; }
    }
    out += ch;
    i++;
  }
  if (i < b.length) out += `…(${b.length} bytes in all)`;
  return out;
}

// A bash word for bytes: '…' when plain, $'…' with \xNN otherwise, long runs via printf.
export function shellWord(buf) {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(String(buf), 'utf8');
  const pieces = [];
  let i = 0;
  let cur = [];
  const flush = () => {
    if (!cur.length) return;
    const s = Buffer.from(cur);
    const plain = [...s].every((c) => c >= 0x20 && c < 0x7f && c !== 0x27);
    if (plain) pieces.push(`'${s.toString('latin1')}'`);
    else {
      let t = '';
      for (const c of s) {
        if (c === 0x27) t += "\\'";
        else if (c === 0x5c) t += '\\\\';
        else if (c >= 0x20 && c < 0x7f) t += String.fromCharCode(c);
        else t += `\\x${c.toString(16).padStart(2, '0')}`;
      }
      pieces.push(`$'${t}'`);
    }
    cur = [];
  };
  while (i < b.length) {
    let j = i;
    while (j < b.length && b[j] === b[i]) j++;
    if (j - i > 40 && b[i] >= 0x21 && b[i] < 0x7f && b[i] !== 0x27 && b[i] !== 0x25 && b[i] !== 0x5c) {
      flush();
      pieces.push(`"$(printf '%${j - i}s' '' | tr ' ' '${String.fromCharCode(b[i])}')"`);
      i = j;
      continue;
    }
    cur.push(b[i]);
    i++;
  }
  flush();
  return pieces.length ? pieces.join('') : "''";
}

function normalize(text) {
  return String(text).replace(/\s+/g, ' ').replace(/\b\d+(\.\d+)?\b/g, 'N').replace(/"[^"]{20,}"/g, '"…"').trim().slice(0, 240);
}
function labelClass(label) {
  return label.replace(/\[\d+\]/g, '[*]');
}

export class Report {
  constructor({ seed, baseUrl, outDir, verbose }) {
    this.seed = seed;
    this.baseUrl = baseUrl;
    this.outDir = outDir;
    this.verbose = verbose;
    this.perOp = new Map();     // op -> {requests, statuses: Map}
    this.groups = new Map();    // pre-group key -> group
    this.notes = new Map();     // `${op}|${text}` -> {op, text, count, example}
    this.setupFailures = [];
    this.down = null;
    this.failingRequests = 0;
    this.seen = new Map();      // X-Request-Id -> {op, labels, status, target}
  }

  remember(rid, op, meta, res) {
    this.seen.set(rid, { op, labels: (meta.labels || []).join(' + ').slice(0, 200), status: res.error ? res.error : res.status,
      auth: meta.auth?.label, target: meta.targetText });
  }

  count(op, res) {
    if (!this.perOp.has(op)) this.perOp.set(op, { requests: 0, statuses: new Map() });
    const s = this.perOp.get(op);
    s.requests++;
    const k = res.error ? (res.streamed ? 'stream' : res.error) : String(res.status);
    s.statuses.set(k, (s.statuses.get(k) || 0) + 1);
  }

  failure(op, f, req, res, meta) {
    this.failingRequests++;
    const labels = meta.labels || [];
    const detailKey = f.kind === 'server-error' || f.kind === 'no-response' || f.kind === 'timeout'
      ? `${f.detail}|${labels.map(labelClass).join(' + ')}`
      : f.kind === 'accepted-invalid'
        ? [...new Set(f.violations.map((v) => `${v.keyword}@${v.path.replace(/\[\d+\]/g, '[*]')}`))].sort().join(',')
        : normalize(f.detail);
    const key = `${op}|${f.kind}|${detailKey}`;
    const size = (req.body ? req.body.length : 0) + req.target.length;
    let g = this.groups.get(key);
    if (!g) {
      g = { op, kind: f.kind, detail: f.detail, count: 0, size: Infinity, example: null, labels: new Set(), requestIds: [] };
      this.groups.set(key, g);
      if (this.verbose) console.log(`[fuzz] FAIL ${op} [${f.kind}] ${f.detail} — ${labels.join(' + ')} (${res.requestId})`);
    }
    g.count++;
    labels.forEach((l) => g.labels.size < 12 && g.labels.add(l));
    if (g.requestIds.length < 20) g.requestIds.push(res.requestId);
    if (size < g.size) {
      g.size = size;
      g.detail = f.detail;
      g.example = { req, res: { status: res.status, headers: res.headers, body: res.body ? res.body.subarray(0, 4000) : null, error: res.error, detail: res.detail },
        requestId: res.requestId, index: meta.index, labels, auth: meta.auth, detail: f.detail, violations: f.violations };
    }
  }

  note(op, text, example, section = 'contract') {
    const k = `${op}|${text}`;
    const n = this.notes.get(k);
    if (n) n.count++;
    else this.notes.set(k, { op, text, count: 1, example, section });
  }

  setupFailure(text) { this.setupFailures.push(text); }
  apiDown(recent) { this.down = recent; }

  stats() {
    const ops = new Set([...this.groups.values()].map((g) => g.op));
    return { failingRequests: this.failingRequests, failingOps: ops.size, distinct: this.groups.size };
  }

  // Errors and warnings ims-api logged for this run's requests, by X-Request-Id (JSON-lines log).
  _serverErrors(logPath) {
    const out = new Map();
    if (!logPath) return out;
    let text;
    try {
      const st = fs.statSync(logPath);
      const fd = fs.openSync(logPath, 'r');
      const len = Math.min(st.size, 512 * 1024 * 1024);
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, st.size - len);
      fs.closeSync(fd);
      text = buf.toString('utf8');
    } catch { return out; }
    const prefix = `fz${this.seed}-`;
    for (const line of text.split('\n')) {
      if (!line.includes(prefix)) continue;
      let j;
      try { j = JSON.parse(line); } catch { continue; }
      const rid = j.request_id ?? j.fields?.request_id ?? j.correlation_id;
      if (typeof rid !== 'string' || !rid.startsWith(prefix)) continue;
      const level = String(j.level ?? j.lvl ?? '').toLowerCase();
      const msg = j.msg ?? j.message ?? '';
      const err = j.error ?? j.fields?.error ?? j.what;
      if (err || level === 'error' || level === 'warn' || level === 'warning') {
        if (msg === 'request') continue;
        const prev = out.get(rid);
        const t = err ? `${msg ? msg + ': ' : ''}${err}` : msg;
        if (!prev || level === 'error') out.set(rid, t);
      }
    }
    return out;
  }

  _show(g, n, tokens) {
    const e = g.example;
    const lines = [];
    lines.push(`✗ #${n} [${g.kind}] ${g.op} — ${g.detail}${g.count > 1 ? ` (${g.count} requests)` : ''}`);
    if (g.serverError) lines.push(`    server log: ${g.serverError}`);
    lines.push(`    triggered by: ${[...g.labels].slice(0, 8).join('; ')}`);
    lines.push(`    seed ${this.seed}, request #${e.index ?? '-'} (X-Request-Id ${e.requestId}), auth: ${e.auth?.label ?? '-'}`);
    lines.push(`    request:  ${e.req.method} ${printable(e.req.target, 400)}`);
    const shown = e.req.headers.filter(([k]) => !/^X-Fuzz-\d+$/.test(k));
    const folded = e.req.headers.length - shown.length;
    for (const [k, v] of shown) {
      if (/^authorization$/i.test(k) && e.auth?.role) lines.push(`              ${k}: Bearer <${e.auth.role} token>`);
      else lines.push(`              ${k}: ${printable(headerValueText(v), 200)}`);
    }
    if (folded) lines.push(`              X-Fuzz-0: x … X-Fuzz-${folded - 1}: x (${folded} header fields)`);
    if (e.req.body != null) lines.push(`              body (${e.req.body.length} bytes): ${printable(e.req.body)}`);
    if (e.res.error) lines.push(`    response: ${e.res.error}${e.res.detail ? ` — ${e.res.detail}` : ''}${e.res.status ? ` (status ${e.res.status})` : ''}`);
    else {
      lines.push(`    response: ${e.res.status} ${e.res.headers?.['content-type'] ?? '(no Content-Type)'}${e.res.headers?.['retry-after'] ? ` Retry-After: ${e.res.headers['retry-after']}` : ''}`);
      if (e.res.body?.length) lines.push(`              ${printable(e.res.body, 500)}`);
    }
    lines.push(`    reproduce: ${this._curl(e, n, tokens)}`);
    return lines.join('\n');
  }

  _curl(e, n, tokens) {
    const req = e.req;
    const parts = ['curl -sS -i --path-as-is -g', `-X ${req.method}`, shellWord(Buffer.concat([Buffer.from(this.baseUrl), Buffer.isBuffer(req.target) ? req.target : Buffer.from(req.target)]))];
    let hasCt = false;
    const fuzzHeaders = req.headers.filter(([k]) => /^X-Fuzz-\d+$/.test(k)).length;
    if (fuzzHeaders) parts.push(`$(for i in $(seq 0 ${fuzzHeaders - 1}); do echo "-H X-Fuzz-$i:x"; done)`);
    for (const [k, v] of req.headers) {
      if (/^X-Fuzz-\d+$/.test(k)) continue;
      if (/^(host|content-length|x-request-id)$/i.test(k)) continue;
      if (/^content-type$/i.test(k)) hasCt = true;
      if (/^authorization$/i.test(k) && e.auth?.role) { parts.push(`-H "Authorization: Bearer $IMS_TOKEN_${e.auth.role.toUpperCase()}"`); tokens.add(e.auth.role); continue; }
      const value = Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'latin1');
      parts.push(`-H ${shellWord(Buffer.concat([Buffer.from(`${k}: `), value]))}`);
      if (value.length === 0) parts[parts.length - 1] = `-H ${shellWord(Buffer.from(`${k};`))}`;
    }
    if (req.body != null) {
      if (!hasCt) parts.push("-H 'Content-Type:'");
      const body = req.body;
      if (body.length > 1500 || body.includes(0)) {
        const file = this._save(`failure-${n}.body`, body);
        parts.push(`--data-binary @${file}`);
      } else parts.push(`--data-binary ${shellWord(body)}`);
    }
    const raw = this._save(`failure-${n}.http`, serializeRequest(req, '127.0.0.1', new URL(this.baseUrl).port));
    return `${parts.join(' ')}\n               (exact bytes sent: ${raw})`;
  }

  _save(name, bytes) {
    try {
      fs.mkdirSync(this.outDir, { recursive: true });
      const p = path.join(this.outDir, name);
      fs.writeFileSync(p, bytes);
      return p;
    } catch { return '(could not save)'; }
  }

  finish({ ops, coveredOps, invariants, fuzzRequests, apiLog }) {
    const out = [];
    const p = (s = '') => out.push(s);

    // regroup with the server's own error messages
    const ids = new Set();
    for (const g of this.groups.values()) if (g.kind === 'server-error' || g.kind === 'no-response' || g.kind === 'timeout') g.requestIds.forEach((x) => ids.add(x));
    const errors = this._serverErrors(apiLog);
    // errors the server logged while answering without a 5xx: checks that only the database made
    for (const [rid, err] of errors) {
      const r = this.seen.get(rid);
      if (!r || (typeof r.status === 'number' && r.status >= 500)) continue;
      this.note(r.op, `the server logged "${normalize(err.replace(/\s*DETAIL:[\s\S]*$/, '')).slice(0, 200)}" and answered ${r.status}`, { requestId: rid, labels: [r.labels], role: r.auth, status: r.status, method: '', target: r.target || '' });
    }
    const finals = new Map();
    for (const g of this.groups.values()) {
      let cause = null;
      if (g.kind === 'server-error' || g.kind === 'no-response' || g.kind === 'timeout') {
        cause = errors.get(g.example.requestId) || g.requestIds.map((x) => errors.get(x)).find(Boolean) || null;
      }
      const key = cause ? `${g.op}|${g.kind}|${g.detail}|${normalize(cause)}` : g.kind === 'server-error' || g.kind === 'no-response' || g.kind === 'timeout'
        ? `${g.op}|${g.kind}|${g.detail}|${[...g.labels][0] ? labelClass([...g.labels][0]).replace(/←.*$/, '') : ''}` : `${g.op}|${g.kind}|${normalize(g.detail)}`;
      const f = finals.get(key);
      if (!f) finals.set(key, { ...g, labels: new Set(g.labels), serverError: cause });
      else {
        f.count += g.count;
        g.labels.forEach((l) => f.labels.size < 12 && f.labels.add(l));
        if (g.size < f.size) { f.size = g.size; f.example = g.example; f.detail = g.detail; }
      }
    }
    const groups = [...finals.values()].sort((a, b) => (a.op < b.op ? -1 : a.op > b.op ? 1 : a.kind < b.kind ? -1 : 1));

    p();
    p('=== per operation: requests and statuses ===');
    const failingOps = new Set(groups.map((g) => g.op));
    for (const op of ops) {
      const s = this.perOp.get(op.key);
      const st = s ? [...s.statuses.entries()].sort().map(([k, v]) => `${k}×${v}`).join(' ') : 'not covered';
      p(`${failingOps.has(op.key) ? 'FAIL' : s ? 'ok  ' : '--  '} ${op.key.padEnd(52)} ${String(s?.requests ?? 0).padStart(5)}  ${st}`);
    }

    if (this.setupFailures.length) {
      p();
      p('=== setup failures ===');
      for (const s of this.setupFailures) p(`✗ ${s}`);
    }
    if (this.down) {
      p();
      p('=== ims-api stopped answering; the last requests before it did ===');
      for (const r of this.down) p(`  ${r.op} — ${r.meta.labels.join(' + ')} (${r.res.requestId}) → ${r.res.error || r.res.status}`);
    }

    const tokens = new Set();
    if (groups.length) {
      p();
      p(`=== failures: ${groups.length} distinct, ${this.failingRequests} failing requests (seed ${this.seed}) ===`);
      if (!apiLog) p('(ims-api log not found: pass --api-log or set IMS_DATA_DIR to name the server error behind each 5xx)');
      groups.slice(0, MAX_GROUPS_SHOWN).forEach((g, i) => { p(this._show(g, i + 1, tokens)); p(); });
      if (groups.length > MAX_GROUPS_SHOWN) p(`… and ${groups.length - MAX_GROUPS_SHOWN} more distinct failures`);
      if (tokens.size) {
        p('Tokens for the curl lines above:');
        for (const role of tokens) {
          p(`  export IMS_TOKEN_${role.toUpperCase()}=$(curl -sS -X POST ${this.baseUrl}/api/v1/auth/login -H 'Content-Type: application/json' ` +
            `-d '{"username":"${role}","password":"demo-password"}' | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`);
        }
      }

      // root causes across operations
      const causes = new Map();
      for (const g of groups) {
        let what;
        let where = '';
        if (g.kind === 'server-error' || g.kind === 'no-response' || g.kind === 'timeout') what = normalize(g.serverError || g.detail);
        else if (g.kind === 'accepted-invalid') {
          const v = g.example.violations?.[0] || { keyword: '?', message: '', path: '' };
          what = (v.keyword === 'type' || v.keyword === 'oneOf') && v.value === null ? 'null accepted for a property whose schema does not allow null'
            : v.keyword === 'type' ? 'a value of the wrong type accepted'
              : v.keyword === 'required' ? 'a body without a required property accepted'
                : v.keyword === 'enum' ? 'a value outside the enum accepted'
                  : `${v.keyword} not enforced`;
          where = v.path.replace(/\[\d+\]/g, '[*]');
        } else what = normalize(g.detail);
        const k = `${g.kind}|${what}`;
        if (!causes.has(k)) causes.set(k, { kind: g.kind, what, ops: new Map() });
        const c = causes.get(k);
        const label = where ? `${g.op} ${where}` : g.op;
        c.ops.set(label, (c.ops.get(label) || 0) + g.count);
      }
      p();
      p('=== failures by cause ===');
      for (const c of causes.values()) {
        p(`- [${c.kind}] ${c.what.slice(0, 200)}`);
        p(`    ${c.ops.size} × : ${[...c.ops.entries()].map(([o, n]) => `${o} (${n})`).join(', ')}`);
      }
    }

    const printNotes = (title, notes, groupAcrossOps) => {
      if (!notes.length) return;
      p();
      p(title);
      const byText = new Map();
      for (const n of notes) {
        const k = groupAcrossOps ? n.text : `${n.op}|${n.text}`;
        if (!byText.has(k)) byText.set(k, []);
        byText.get(k).push(n);
      }
      const keys = [...byText.keys()].sort();
      for (const t of keys.slice(0, 300)) {
        const list = byText.get(t).sort((a, b) => b.count - a.count);
        const ex = list[0].example;
        const total = list.reduce((x, n) => x + n.count, 0);
        if (groupAcrossOps) p(`- ${list[0].text} (${total}×, ${list.length} operation${list.length > 1 ? 's' : ''}): ${list.slice(0, 12).map((n) => n.op).join(', ')}${list.length > 12 ? ', …' : ''}`);
        else p(`- ${list[0].op}: ${list[0].text} (${total}×)`);
        if (ex) p(`    e.g. ${groupAcrossOps ? `${list[0].op}: ` : ''}${ex.method ? `${ex.method} ` : ''}${printable(Buffer.from(ex.target || '', 'latin1'), 160)} [${(ex.labels || []).join(' + ').slice(0, 160)}] auth ${ex.role} (${ex.requestId})`);
      }
      if (keys.length > 300) p(`… and ${keys.length - 300} more`);
    };
    const allNotes = [...this.notes.values()];
    printNotes(`=== notes (not failures): what the API does that the document does not say ===`, allNotes.filter((n) => n.section !== 'rules'), true);
    printNotes(`=== notes (not failures): 400/422 for requests the document allows (rules it does not state, or business checks) ===`, allNotes.filter((n) => n.section === 'rules'), false);

    let invariantFailed = false;
    if (invariants) {
      p();
      p('=== stack invariants (PostgreSQL) ===');
      for (const n of invariants.notes) p(`note: ${n}`);
      if (!invariants.failures.length) p('ok: every stock row equals the sum of its movements, every movement group has its stock row, no negative stock');
      for (const f of invariants.failures) {
        invariantFailed = true;
        p(`✗ [${f.kind}] ${f.detail}`);
        for (const r of f.rows || []) p(`    ${r}`);
      }
    }

    const covered = ops.filter((o) => coveredOps.has(o.key));
    const uncovered = ops.filter((o) => !coveredOps.has(o.key));
    let failed = covered.filter((o) => failingOps.has(o.key)).length;
    // failures of harness requests to operations outside the selection still count
    for (const op of failingOps) if (!ops.some((o) => o.key === op)) failed++;
    let passed = covered.length - covered.filter((o) => failingOps.has(o.key)).length;
    if (invariants) { if (invariantFailed) failed++; else passed++; }
    if (this.setupFailures.length || this.down) failed = Math.max(failed, 1);
    p();
    p(`requests sent: ${fuzzRequests} fuzz requests; operations covered: ${covered.length}/${ops.length}` +
      `${uncovered.length && !this.setupFailures.length ? ` (not covered: ${uncovered.slice(0, 10).map((o) => o.key).join(', ')}${uncovered.length > 10 ? ', …' : ''})` : ''}; seed ${this.seed}` +
      `${invariants ? '; the stack invariants count as one more check' : ''}`);
    p(`${passed} passed, ${failed} failed`);
    console.log(out.join('\n'));
    return failed > 0 ? 1 : 0;
  }
}
