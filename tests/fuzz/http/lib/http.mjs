// A minimal HTTP/1.1 client over node:net, so the fuzzer controls every byte it sends (raw 0xFF in
// the request target, header values and bodies, which node:http refuses or re-encodes). Keeps
// connections alive per source address; every request is bounded by a timeout.
import net from 'node:net';

const CRLF = Buffer.from('\r\n', 'latin1');

export function toBuf(v) {
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v);
  return Buffer.from(String(v), 'latin1');
}

function parseHead(buf, end) {
  const text = buf.subarray(0, end).toString('latin1');
  const lines = text.split('\r\n');
  const m = /^HTTP\/(\d\.\d) (\d{3})(?: (.*))?$/.exec(lines[0]);
  if (!m) return { error: `bad status line: ${JSON.stringify(lines[0].slice(0, 200))}` };
  const headers = {};
  const raw = [];
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const k = line.slice(0, i).trim().toLowerCase();
    const v = line.slice(i + 1).trim();
    raw.push([k, v]);
    headers[k] = k in headers ? `${headers[k]}, ${v}` : v;
  }
  return { version: m[1], status: Number(m[2]), reason: m[3] || '', headers, rawHeaders: raw };
}

// Returns {done, body, consumed} or null when more bytes are needed; throws on a malformed chunk.
function parseChunked(buf, start) {
  let pos = start;
  const parts = [];
  for (;;) {
    const lineEnd = buf.indexOf(CRLF, pos);
    if (lineEnd < 0) return null;
    const sizeText = buf.subarray(pos, lineEnd).toString('latin1').split(';')[0].trim();
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw new Error(`bad chunk size ${JSON.stringify(sizeText)}`);
    const size = parseInt(sizeText, 16);
    pos = lineEnd + 2;
    if (size === 0) {
      // trailers until an empty line
      for (;;) {
        const e = buf.indexOf(CRLF, pos);
        if (e < 0) return null;
        if (e === pos) return { body: Buffer.concat(parts), consumed: e + 2 };
        pos = e + 2;
      }
    }
    if (buf.length < pos + size + 2) return null;
    parts.push(buf.subarray(pos, pos + size));
    pos += size + 2;
  }
}

// The exact bytes of a request as the client sends it.
export function serializeRequest(req, host, port, close = false) {
  const parts = [toBuf(`${req.method} `), toBuf(req.target), toBuf(' HTTP/1.1\r\n')];
  const names = new Set(req.headers.map(([k]) => k.toLowerCase()));
  const headers = [];
  if (!names.has('host')) headers.push(['Host', `${host}:${port}`]);
  headers.push(...req.headers);
  const body = req.body == null ? null : toBuf(req.body);
  if (body != null && !names.has('content-length')) headers.push(['Content-Length', String(body.length)]);
  if (close && !names.has('connection')) headers.push(['Connection', 'close']);
  for (const [k, v] of headers) parts.push(toBuf(k), toBuf(': '), toBuf(v), CRLF);
  parts.push(CRLF);
  if (body) parts.push(body);
  return Buffer.concat(parts);
}

export class HttpClient {
  constructor({ host = '127.0.0.1', port, timeoutMs = 10000 }) {
    if (host !== '127.0.0.1') throw new Error('the fuzzer only sends traffic to 127.0.0.1');
    this.host = host;
    this.port = port;
    this.timeoutMs = timeoutMs;
    this.idle = new Map();
  }

  close() {
    for (const list of this.idle.values()) for (const s of list) s.destroy();
    this.idle.clear();
  }

  _take(localAddress) {
    const list = this.idle.get(localAddress || '') || [];
    while (list.length) {
      const s = list.pop();
      if (!s.destroyed && s.readyState === 'open') return s;
    }
    return null;
  }

  _give(localAddress, socket) {
    const key = localAddress || '';
    if (!this.idle.has(key)) this.idle.set(key, []);
    const list = this.idle.get(key);
    if (list.length >= 4) { socket.destroy(); return; }
    socket.removeAllListeners('data');
    socket.removeAllListeners('error');
    socket.removeAllListeners('close');
    socket.removeAllListeners('end');
    socket.on('error', () => {});
    socket.on('close', () => { const i = list.indexOf(socket); if (i >= 0) list.splice(i, 1); });
    list.push(socket);
  }

  // req: {method, target (string|Buffer), headers: [[name, value(string|Buffer)]], body (Buffer|string|null),
  //       localAddress, timeoutMs, streamMs (read a streaming response this long, then hang up)}
  async request(req) {
    const reuse = !req.streamMs ? this._take(req.localAddress) : null;
    if (reuse) {
      const r = await this._once(req, reuse, true);
      if (!r.staleSocket) return r;
    }
    return this._once(req, null, false);
  }

  _serialize(req, close) { return serializeRequest(req, this.host, this.port, close); }

  _once(req, existing, reused) {
    const started = Date.now();
    const timeoutMs = req.timeoutMs || this.timeoutMs;
    return new Promise((resolve) => {
      let socket = existing;
      let buf = Buffer.alloc(0);
      let head = null;
      let headEnd = -1;
      let finished = false;
      let streamTimer = null;
      let received = 0;
      const finish = (result, keep) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        clearTimeout(streamTimer);
        result.elapsedMs = Date.now() - started;
        if (keep && !socket.destroyed) this._give(req.localAddress, socket); else socket.destroy();
        resolve(result);
      };
      const timer = setTimeout(() => {
        finish({ error: 'timeout', detail: `no complete response within ${timeoutMs} ms`, status: head?.status,
                 headers: head?.headers, body: head ? buf.subarray(headEnd + 4) : buf }, false);
      }, timeoutMs);
      const onData = (chunk) => {
        received += chunk.length;
        buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
        tryComplete(false);
      };
      const tryComplete = (ended) => {
        if (!head) {
          headEnd = buf.indexOf('\r\n\r\n', 0, 'latin1');
          if (headEnd < 0) {
            if (ended) finish({ error: 'closed', detail: `connection closed after ${buf.length} bytes, no complete response head`, body: buf }, false);
            return;
          }
          head = parseHead(buf, headEnd);
          if (head.error) { finish({ error: 'protocol', detail: head.error, body: buf }, false); return; }
          if (head.status >= 100 && head.status < 200) {  // skip interim responses
            buf = buf.subarray(headEnd + 4); head = null; tryComplete(ended); return;
          }
          if (req.streamMs && head.status === 200) {
            streamTimer = setTimeout(() => finish({ ...head, body: buf.subarray(headEnd + 4), streamed: true }, false), req.streamMs);
          }
        }
        const start = headEnd + 4;
        const h = head.headers;
        const keepAlive = !/close/i.test(h.connection || '') && head.version === '1.1';
        if (req.method === 'HEAD' || head.status === 204 || head.status === 304) {
          finish({ ...head, body: Buffer.alloc(0) }, keepAlive && buf.length === start);
          return;
        }
        if (/chunked/i.test(h['transfer-encoding'] || '')) {
          let parsed;
          try { parsed = parseChunked(buf, start); } catch (e) { finish({ ...head, error: 'protocol', detail: e.message, body: buf.subarray(start) }, false); return; }
          if (parsed) { finish({ ...head, body: parsed.body }, keepAlive && parsed.consumed === buf.length); return; }
          if (ended && !req.streamMs) finish({ ...head, error: 'closed', detail: 'connection closed inside a chunked body', body: buf.subarray(start) }, false);
          else if (ended) finish({ ...head, body: buf.subarray(start), streamed: true }, false);
          return;
        }
        if (h['content-length'] !== undefined) {
          const n = Number(h['content-length']);
          if (!Number.isInteger(n) || n < 0) { finish({ ...head, error: 'protocol', detail: `bad Content-Length ${h['content-length']}`, body: buf.subarray(start) }, false); return; }
          if (buf.length - start >= n) { finish({ ...head, body: buf.subarray(start, start + n) }, keepAlive && buf.length === start + n); return; }
          if (ended) finish({ ...head, error: 'closed', detail: `connection closed after ${buf.length - start} of ${n} body bytes`, body: buf.subarray(start) }, false);
          return;
        }
        // no length: the body runs to the end of the connection
        if (ended) finish({ ...head, body: buf.subarray(start) }, false);
      };
      const onEnd = () => tryComplete(true);
      const onError = (e) => {
        if (finished) return;
        if (reused && received === 0) { finished = true; clearTimeout(timer); socket.destroy(); resolve({ staleSocket: true }); return; }
        if (head) { tryComplete(true); if (finished) return; }
        finish({ error: e.code === 'ECONNREFUSED' ? 'refused' : 'network', detail: `${e.code || ''} ${e.message}`.trim(), status: head?.status, headers: head?.headers, body: buf }, false);
      };
      const onClose = () => {
        if (finished) return;
        if (reused && received === 0) { finished = true; clearTimeout(timer); resolve({ staleSocket: true }); return; }
        tryComplete(true);
      };
      const attach = () => {
        socket.on('data', onData);
        socket.on('end', onEnd);
        socket.on('error', onError);
        socket.on('close', onClose);
      };
      const payload = this._serialize(req, !!req.streamMs);
      if (socket) {
        socket.removeAllListeners('error');
        socket.removeAllListeners('close');
        attach();
        socket.write(payload);
      } else {
        socket = net.connect({ host: this.host, port: this.port, localAddress: req.localAddress });
        socket.setNoDelay(true);
        attach();
        socket.on('connect', () => socket.write(payload));
      }
    });
  }
}
