// The subset of JSON Schema 2020-12 (as OpenAPI 3.1 uses it) the fuzzer needs: $ref resolution, a
// validator that judges a generated body, and a generator of schema-valid values.
//
// Bodies are "models": plain JSON values plus RawNumber (number text sent verbatim: 1e400,
// 99999999999999999999) and RawString (bytes sent verbatim between quotes: invalid UTF-8). The
// validator works on the model, so huge or exact numbers are judged by their text, not by what a
// double makes of them.

export class RawNumber {
  constructor(text) { this.text = String(text); }
}
export class RawString {
  // bytes: what goes between the quotes, verbatim (may be invalid UTF-8)
  constructor(bytes, hint = '') { this.bytes = Buffer.from(bytes); this.hint = hint; }
}
// Raw JSON text spliced in verbatim (NaN, trailing garbage ...); makes a body unjudgeable.
export class RawJson {
  constructor(text) { this.text = Buffer.from(text); }
}

export function serialize(v) {
  const out = [];
  const walk = (x) => {
    if (x instanceof RawNumber) out.push(Buffer.from(x.text, 'latin1'));
    else if (x instanceof RawString) out.push(Buffer.from('"'), x.bytes, Buffer.from('"'));
    else if (x instanceof RawJson) out.push(x.text);
    else if (Array.isArray(x)) {
      out.push(Buffer.from('['));
      x.forEach((e, i) => { if (i) out.push(Buffer.from(',')); walk(e); });
      out.push(Buffer.from(']'));
    } else if (x && typeof x === 'object') {
      out.push(Buffer.from('{'));
      Object.keys(x).forEach((k, i) => {
        if (i) out.push(Buffer.from(','));
        out.push(Buffer.from(JSON.stringify(k), 'utf8'), Buffer.from(':'));
        walk(x[k]);
      });
      out.push(Buffer.from('}'));
    } else if (typeof x === 'number') {
      if (!Number.isFinite(x)) throw new Error('non-finite number in a model; use RawNumber');
      out.push(Buffer.from(JSON.stringify(x)));
    } else out.push(Buffer.from(JSON.stringify(x), 'utf8'));  // lone surrogates come out as \udXXX escapes
  };
  walk(v);
  return Buffer.concat(out);
}

export class Resolver {
  constructor(doc) { this.doc = doc; }
  ref(ref) {
    if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
    let node = this.doc;
    for (const part of ref.slice(2).split('/')) node = node[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (node === undefined) throw new Error(`dangling $ref ${ref}`);
    return node;
  }
  // The schema with a top-level $ref followed (repeatedly).
  deref(s) {
    let guard = 0;
    while (s && s.$ref && guard++ < 20) s = this.ref(s.$ref);
    return s;
  }
}

// ---- numbers -------------------------------------------------------------------------------------

const NUMBER_SYNTAX = /^(-?)(0|[1-9]\d*)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

// {value, integer} of a model number, null if the text is not JSON number syntax.
export function numInfo(v) {
  if (typeof v === 'number') return { value: v, integer: Number.isInteger(v) };
  const m = NUMBER_SYNTAX.exec(v.text);
  if (!m) return null;
  const [, sign, int, frac0 = '', exp = '0'] = m;
  const digits = (int + frac0).replace(/^0+/, '');
  let value = Number(v.text);
  if (value === 0 && digits.length) value = (sign ? -1 : 1) * Number.MIN_VALUE;  // underflow: still non-zero
  let integer;
  if (!digits.length) integer = true;
  else {
    const e = Number(exp);
    const scale = e - frac0.length;
    if (scale >= 0) integer = true;
    else {
      const zeros = digits.length - digits.replace(/0+$/, '').length;
      integer = zeros >= -scale;
    }
  }
  return { value, integer };
}

function isNumberModel(v) { return typeof v === 'number' || v instanceof RawNumber; }

export function typeOf(v) {
  if (v === null) return 'null';
  if (v instanceof RawNumber) return numInfo(v) ? 'number' : 'raw';
  if (v instanceof RawString) return 'raw';
  if (v instanceof RawJson) return 'raw';
  if (Array.isArray(v)) return 'array';
  return typeof v;  // boolean, number, string, object
}

function hasLoneSurrogate(s) {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { i++; continue; }
      return true;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}

// Why a model cannot be judged against a schema (it is not a well-formed UTF-8 JSON text), or null.
export function unjudgeable(v) {
  if (v instanceof RawString) return 'raw bytes in a string';
  if (v instanceof RawJson) return 'raw JSON text';
  if (v instanceof RawNumber) return numInfo(v) ? null : 'not JSON number syntax';
  if (typeof v === 'string') return hasLoneSurrogate(v) ? 'lone UTF-16 surrogate' : null;
  if (Array.isArray(v)) { for (const e of v) { const r = unjudgeable(e); if (r) return r; } return null; }
  if (v && typeof v === 'object') {
    for (const [k, e] of Object.entries(v)) {
      if (hasLoneSurrogate(k)) return 'lone UTF-16 surrogate in a key';
      const r = unjudgeable(e); if (r) return r;
    }
  }
  return null;
}

function deepEqual(a, b) {
  if (isNumberModel(a) && isNumberModel(b)) return numInfo(a).value === numInfo(b).value;
  if (typeOf(a) !== typeOf(b)) return false;
  if (Array.isArray(a)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (a && typeof a === 'object') {
    const ka = Object.keys(a), kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return a === b;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
export function isValidDate(s) {
  const m = DATE.exec(s);
  if (!m) return false;
  const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
  return d <= days;
}
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
function isValidDateTime(s) {
  const m = DATE_TIME.exec(s);
  return !!m && isValidDate(m[1]) && Number(m[2]) < 24 && Number(m[3]) < 60 && Number(m[4]) < 61;
}
// Deliberately loose: one @ with something on both sides, no whitespace or control characters.
function isPlausibleEmail(s) { return /^[^@\s\u0000-\u001f]+@[^@\s\u0000-\u001f]+$/u.test(s); }

function codePoints(s) { let n = 0; for (const _ of s) n++; return n; }

const regexCache = new Map();
function regex(p) {
  if (!regexCache.has(p)) regexCache.set(p, new RegExp(p, 'u'));
  return regexCache.get(p);
}

// Violations of `schema` by model `v`: [{path, keyword, message}]. The caller checks unjudgeable()
// first. Only what the schema states is judged (format: date, date-time and a loose email).
export function validate(resolver, schema, v, path = '$', out = []) {
  if (schema === true || schema === undefined) return out;
  if (schema === false) { out.push({ path, keyword: 'false', message: 'no value allowed' }); return out; }
  if (schema.$ref) validate(resolver, resolver.ref(schema.$ref), v, path, out);
  if (schema.allOf) for (const s of schema.allOf) validate(resolver, s, v, path, out);
  if (schema.anyOf && !schema.anyOf.some((s) => validate(resolver, s, v, path, []).length === 0)) {
    out.push({ path, keyword: 'anyOf', message: 'matches none of anyOf' });
  }
  if (schema.oneOf) {
    const n = schema.oneOf.filter((s) => validate(resolver, s, v, path, []).length === 0).length;
    if (n !== 1) out.push({ path, keyword: 'oneOf', message: `${describe(v)} matches ${n} of oneOf (exactly one required)`, value: v });
  }
  const t = typeOf(v);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    const ok = types.some((ty) => ty === t || (ty === 'integer' && t === 'number' && numInfo(v).integer));
    if (!ok) { out.push({ path, keyword: 'type', message: `${describe(v)} is not ${types.join('|')}`, value: v }); return out; }
  }
  if (schema.enum && !schema.enum.some((e) => deepEqual(e, v))) {
    out.push({ path, keyword: 'enum', message: `${describe(v)} is not one of ${JSON.stringify(schema.enum)}` });
  }
  if ('const' in schema && !deepEqual(schema.const, v)) {
    out.push({ path, keyword: 'const', message: `${describe(v)} is not ${JSON.stringify(schema.const)}` });
  }
  if (t === 'string') {
    const n = codePoints(v);
    if (schema.minLength !== undefined && n < schema.minLength) out.push({ path, keyword: 'minLength', message: `length ${n} < ${schema.minLength}` });
    if (schema.maxLength !== undefined && n > schema.maxLength) out.push({ path, keyword: 'maxLength', message: `length ${n} > ${schema.maxLength}` });
    if (schema.pattern !== undefined && !regex(schema.pattern).test(v)) out.push({ path, keyword: 'pattern', message: `${describe(v)} does not match ${schema.pattern}` });
    if (schema.format === 'date' && !isValidDate(v)) out.push({ path, keyword: 'format', message: `${describe(v)} is not a date (format: date)` });
    if (schema.format === 'date-time' && !isValidDateTime(v)) out.push({ path, keyword: 'format', message: `${describe(v)} is not a date-time` });
    if (schema.format === 'email' && !isPlausibleEmail(v)) out.push({ path, keyword: 'format', message: `${describe(v)} is not an email address (format: email)` });
  }
  if (t === 'number') {
    const { value } = numInfo(v);
    if (schema.minimum !== undefined && !(value >= schema.minimum)) out.push({ path, keyword: 'minimum', message: `${describe(v)} < minimum ${schema.minimum}` });
    if (schema.maximum !== undefined && !(value <= schema.maximum)) out.push({ path, keyword: 'maximum', message: `${describe(v)} > maximum ${schema.maximum}` });
    if (schema.exclusiveMinimum !== undefined && !(value > schema.exclusiveMinimum)) out.push({ path, keyword: 'exclusiveMinimum', message: `${describe(v)} <= exclusiveMinimum ${schema.exclusiveMinimum}` });
    if (schema.exclusiveMaximum !== undefined && !(value < schema.exclusiveMaximum)) out.push({ path, keyword: 'exclusiveMaximum', message: `${describe(v)} >= exclusiveMaximum ${schema.exclusiveMaximum}` });
  }
  if (t === 'array') {
    if (schema.minItems !== undefined && v.length < schema.minItems) out.push({ path, keyword: 'minItems', message: `${v.length} items < ${schema.minItems}` });
    if (schema.maxItems !== undefined && v.length > schema.maxItems) out.push({ path, keyword: 'maxItems', message: `${v.length} items > ${schema.maxItems}` });
    if (schema.items !== undefined) v.forEach((e, i) => validate(resolver, schema.items, e, `${path}[${i}]`, out));
  }
  if (t === 'object') {
    for (const r of schema.required || []) {
      if (!Object.prototype.hasOwnProperty.call(v, r)) out.push({ path, keyword: 'required', message: `missing required property ${r}` });
    }
    const props = schema.properties || {};
    for (const [k, e] of Object.entries(v)) {
      if (Object.prototype.hasOwnProperty.call(props, k)) validate(resolver, props[k], e, `${path}.${k}`, out);
      else if (schema.additionalProperties === false) out.push({ path, keyword: 'additionalProperties', message: `property ${k} is not allowed (additionalProperties: false)` });
      else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') validate(resolver, schema.additionalProperties, e, `${path}.${k}`, out);
    }
  }
  return out;
}

export function describe(v) {
  if (v instanceof RawNumber) return v.text.length > 40 ? `${v.text.slice(0, 40)}…(${v.text.length} chars)` : v.text;
  if (v instanceof RawString) return `"<raw bytes ${v.hint}>"`;
  if (typeof v === 'string') {
    const s = JSON.stringify(v.length > 40 ? v.slice(0, 40) : v);
    return v.length > 40 ? `${s}…(${v.length} chars)` : s;
  }
  if (v === undefined) return 'undefined';
  const s = JSON.stringify(v, (k, x) => (x instanceof RawNumber ? x.text : x));
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

// The types a schema admits (after $ref/allOf), for picking wrong ones; null when unconstrained.
export function admittedTypes(resolver, schema) {
  schema = resolver.deref(schema);
  if (!schema) return null;
  if (schema.type) {
    const t = Array.isArray(schema.type) ? schema.type : [schema.type];
    return new Set(t.includes('number') ? [...t, 'integer'] : t);
  }
  if (schema.enum) return new Set(schema.enum.map((e) => (e === null ? 'null' : typeof e === 'number' ? 'number' : typeof e)));
  if ('const' in schema) return new Set([schema.const === null ? 'null' : typeof schema.const]);
  const alts = schema.oneOf || schema.anyOf;
  if (alts) {
    const s = new Set();
    for (const a of alts) { const t = admittedTypes(resolver, a); if (!t) return null; t.forEach((x) => s.add(x)); }
    return s;
  }
  if (schema.allOf) {
    for (const a of schema.allOf) { const t = admittedTypes(resolver, a); if (t) return t; }
  }
  return null;
}

// Follows $ref and merges allOf branches into one object schema (properties, required).
export function flatten(resolver, schema) {
  schema = resolver.deref(schema);
  if (!schema || !schema.allOf) return schema;
  const merged = { ...schema, properties: { ...(schema.properties || {}) }, required: [...(schema.required || [])] };
  delete merged.allOf;
  for (const part of schema.allOf) {
    const f = flatten(resolver, part);
    if (!f) continue;
    if (f.type && !merged.type) merged.type = f.type;
    Object.assign(merged.properties, f.properties || {});
    merged.required.push(...(f.required || []));
  }
  return merged;
}

// ---- generating values ---------------------------------------------------------------------------

// Strings matching the simple patterns OpenAPI documents use: ^, $, [classes], escapes, literals,
// and the quantifiers {m,n} {m} + * ?.
export function genFromPattern(rng, pattern) {
  let i = 0;
  const src = pattern;
  let out = '';
  const atoms = [];
  while (i < src.length) {
    const c = src[i];
    let chars;
    if (c === '^' || c === '$') { i++; continue; }
    if (c === '[') {
      const end = src.indexOf(']', i + 2);
      const body = src.slice(i + 1, end);
      chars = [];
      for (let j = 0; j < body.length; j++) {
        let a = body[j];
        if (a === '\\') { a = body[++j]; chars.push(a === 'd' ? '0' : a); continue; }
        if (body[j + 1] === '-' && j + 2 < body.length) {
          const b = body[j + 2];
          for (let k = a.charCodeAt(0); k <= b.charCodeAt(0); k++) chars.push(String.fromCharCode(k));
          j += 2;
        } else chars.push(a);
      }
      i = end + 1;
    } else if (c === '\\') {
      const e = src[i + 1];
      chars = e === 'd' ? [...'0123456789'] : [e];
      i += 2;
    } else if (c === '.') { chars = [...'abcxyz019']; i++; } else { chars = [c]; i++; }
    let min = 1, max = 1;
    const q = src[i];
    if (q === '{') {
      const end = src.indexOf('}', i);
      const [a, b] = src.slice(i + 1, end).split(',');
      min = Number(a); max = b === undefined ? min : b === '' ? min + 8 : Number(b);
      i = end + 1;
    } else if (q === '+') { min = 1; max = 8; i++; } else if (q === '*') { min = 0; max = 8; i++; } else if (q === '?') { min = 0; max = 1; i++; }
    atoms.push({ chars, min, max });
  }
  for (const a of atoms) {
    const n = rng.int(a.min, Math.min(a.max, a.min + 10));
    for (let k = 0; k < n; k++) out += rng.pick(a.chars);
  }
  return out;
}

export function gtin13(rng) {
  let d = '890' + String(rng.int(0, 999999999)).padStart(9, '0');
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(d[i]) * (i % 2 === 0 ? 1 : 3);
  return d + String((10 - (sum % 10)) % 10);
}

export function isoDate(d) { return d.toISOString().slice(0, 10); }

// gen(resolver, schema, ctx, rng, name): a value meant to satisfy schema. ctx.idFor(name) may
// supply real ids for properties such as product_id; ctx.today is a Date.
export function gen(resolver, schema, ctx, rng, name = '', depth = 0) {
  schema = resolver.deref(schema);
  if (!schema || schema === true) return rng.word();
  if (schema.allOf) return gen(resolver, flatten(resolver, schema), ctx, rng, name, depth);
  if (schema.oneOf || schema.anyOf) {
    const alts = rng.shuffle(schema.oneOf || schema.anyOf);
    for (const alt of alts) {
      const v = gen(resolver, alt, ctx, rng, name, depth);
      if (validate(resolver, schema, v).length === 0) return v;
    }
    return gen(resolver, alts[0], ctx, rng, name, depth);
  }
  if ('const' in schema) return schema.const;
  if (schema.enum) {
    const nonNull = schema.enum.filter((e) => e !== null);
    return nonNull.length ? rng.pick(nonNull) : null;
  }
  let type = schema.type;
  if (Array.isArray(type)) {
    const nonNull = type.filter((t) => t !== 'null');
    type = nonNull.length && !rng.chance(0.08) ? rng.pick(nonNull) : 'null';
  }
  if (!type) type = schema.properties ? 'object' : schema.items ? 'array' : 'string';
  switch (type) {
    case 'null': return null;
    case 'boolean': return rng.chance(0.5);
    case 'object': {
      const o = {};
      const req = new Set(schema.required || []);
      for (const [k, ps] of Object.entries(schema.properties || {})) {
        if (req.has(k) || rng.chance(depth === 0 ? 0.6 : 0.5)) o[k] = gen(resolver, ps, ctx, rng, k, depth + 1);
      }
      return o;
    }
    case 'array': {
      const min = schema.minItems ?? 0, max = schema.maxItems ?? 5;
      const n = Math.max(min, Math.min(max, rng.int(1, 3)));
      const a = [];
      for (let i = 0; i < n; i++) a.push(gen(resolver, schema.items || {}, ctx, rng, name, depth + 1));
      return a;
    }
    case 'integer': {
      if (/(^|_)id$/.test(name) && ctx.idFor) {
        const id = ctx.idFor(name, rng);
        if (id !== undefined) return id;
      }
      const lo = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
      const hi = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : lo + 99);
      return rng.int(lo, Math.max(lo, Math.min(hi, lo + 99)));
    }
    case 'number': {
      if (name === 'min') return rng.int(0, 40);
      if (name === 'max') return rng.int(60, 200);
      let v = rng.pick([1, 2, 3, 5, 10, 0.5, 1.25, 2.125, 7]);
      if (name === 'quantity_delta' && rng.chance(0.4)) v = -v;
      if (schema.maximum !== undefined && v > schema.maximum) v = schema.maximum;
      if (schema.minimum !== undefined && v < schema.minimum) v = schema.minimum;
      return v;
    }
    case 'string': default: {
      if (schema.format === 'date') {
        const d = new Date(ctx.today.getTime() + rng.int(30, 900) * 86400000);
        return isoDate(d);
      }
      if (schema.format === 'date-time') return new Date(ctx.today.getTime() + rng.int(-30, 30) * 86400000).toISOString();
      if (schema.format === 'email' || name === 'email') return `fz.${rng.word(4, 8)}@example.com`;
      if (schema.pattern) return genFromPattern(rng, schema.pattern);
      let s;
      if (name === 'gtin') s = gtin13(rng);
      else if (name === 'unit_of_measure') s = rng.pick(['pcs', 'kg', 'l', 'box']);
      else if (name === 'lot_code') s = `FZ-${rng.word(4, 8, 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789')}`;
      else if (name === 'price' || name === 'cost' || name === 'unit_price') s = `${rng.int(0, 500)}.${String(rng.int(0, 99)).padStart(2, '0')}`;
      else if (name === 'quantity' || name === 'quantity_delta') s = String(rng.pick([1, 2, 5, '1.5', '0.125']));
      else if (name === 'password' || schema.format === 'password') s = `Fz-pass-${rng.word(8, 12)}`;
      else if (name === 'phone') s = `+91 20 ${rng.int(1000, 9999)} ${rng.int(1000, 9999)}`;
      else if (name === 'refresh_token') s = rng.word(43, 43, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_');
      else s = `fz ${rng.word(3, 8)} ${rng.word(2, 6)}`;
      const min = schema.minLength ?? 0, max = schema.maxLength ?? Infinity;
      while (codePoints(s) < min) s += 'x';
      if (codePoints(s) > max) s = [...s].slice(0, max).join('');
      return s;
    }
  }
}
