// Mutations of request bodies (on the model, so the validator can still judge them), of raw body
// bytes, and the edge values for query, path and header parameters.
import { RawNumber, RawString, RawJson, serialize, admittedTypes, flatten, describe } from './schema.mjs';

export function clone(v) {
  if (v instanceof RawNumber || v instanceof RawString || v instanceof RawJson) return v;
  if (Array.isArray(v)) return v.map(clone);
  if (v && typeof v === 'object') {
    const o = {};
    for (const k of Object.keys(v)) o[k] = clone(v[k]);
    return o;
  }
  return v;
}

function getAt(root, path) { let v = root; for (const k of path) v = v?.[k]; return v; }
function setAt(root, path, value) {
  if (!path.length) return value;
  const parent = getAt(root, path.slice(0, -1));
  parent[path[path.length - 1]] = value;
  return root;
}
function deleteAt(root, path) {
  const parent = getAt(root, path.slice(0, -1));
  const k = path[path.length - 1];
  if (Array.isArray(parent)) parent.splice(k, 1); else delete parent[k];
  return root;
}
export function pathText(path) {
  return '$' + path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('');
}

// Every place in the body a mutation can target: present values, and declared properties that are
// absent (so an optional field can be added with a bad value).
function slots(resolver, schema, value, path = [], out = []) {
  const s = flatten(resolver, schema) || {};
  out.push({ path, schema: s, present: true, value });
  if (Array.isArray(value)) {
    value.forEach((e, i) => slots(resolver, s.items || {}, e, [...path, i], out));
  } else if (value && typeof value === 'object' && !(value instanceof RawNumber) && !(value instanceof RawString) && !(value instanceof RawJson)) {
    const props = s.properties || {};
    for (const [k, ps] of Object.entries(props)) {
      if (Object.prototype.hasOwnProperty.call(value, k)) slots(resolver, ps, value[k], [...path, k], out);
      else out.push({ path: [...path, k], schema: flatten(resolver, ps) || {}, present: false, value: undefined });
    }
  }
  return out;
}

export const LONG = 'A'.repeat(10000);
const INVALID_UTF8 = [
  [[0xff], 'FF'], [[0xfe, 0xff], 'FE FF'], [[0xc0, 0xaf], 'overlong C0 AF'], [[0xed, 0xa0, 0x80], 'UTF-8 surrogate ED A0 80'],
  [[0xe2, 0x82], 'truncated E2 82'], [[0xf8, 0x88, 0x80, 0x80, 0x80], '5-byte F8'], [[0x61, 0xff, 0x62], 'a FF b'], [[0x80], 'lone continuation 80'],
];
const NUMBERS = [
  0, -1, 1.5, 0.0001, 1.2345, 1e308, -1e308, 2147483647, 2147483648, 4294967296, -2147483649, 1e15, 123456789012.345,
  new RawNumber('-0'), new RawNumber('1e309'), new RawNumber('-1e309'), new RawNumber('99999999999999999999'),
  new RawNumber('9223372036854775807'), new RawNumber('9223372036854775808'), new RawNumber('-9223372036854775809'),
  new RawNumber('18446744073709551615'), new RawNumber('18446744073709551616'), new RawNumber('1E2'), new RawNumber('1.0'),
  new RawNumber('1e-400'), new RawNumber('9007199254740993'), new RawNumber('1' + '0'.repeat(400)), new RawNumber('0.1e1'),
  new RawNumber('0.' + '0'.repeat(300) + '1'), 1e-7, 99999999999.999, 100000000000000, -0.001,
];
const SPECIAL_STRINGS = [
  "'; DROP TABLE catalog.products; --", '" OR 1=1 --', "' OR '1'='1", '%s%s%n%x', '../../../../etc/passwd', '<script>alert(1)</script>',
  '${jndi:ldap://127.0.0.1/x}', '\\', '\\u0000', 'null', 'undefined', 'true', '0', '-1', ' ', '\t', '\r\n', 'ÿ', '🦄🦄', '\u202e', 'e\u0301',
  '\uffff', '\ufeff', '\u{10ffff}', 'Ω'.repeat(201), '😀'.repeat(150), '\u2028\u2029', '0x41', '1,5', '١٢٣', '{}', '[]',
];
const DATES = [
  '0000-01-01', '9999-12-31', '2027-02-30', '2024-02-29', '2023-02-29', '2024-13-01', '2024-00-10', '2024-01-00', '2024-1-1',
  '20240101', '2024-01-01T00:00:00Z', '1970-01-01', '1900-01-01', '-0001-01-01', '+10000-01-01', '2024-02-29 ', '', '2000-01-01',
  '2100-02-29', '2000-02-29', '9999-99-99', 'yesterday', '1999-12-31', '2024/01/01',
];

// Values of types the slot's schema does not admit (plus some the validator will judge either way).
function wrongTypeValues(resolver, schema) {
  const admitted = admittedTypes(resolver, schema);
  const all = [['null', null], ['boolean', true], ['boolean', false], ['integer', 7], ['number', 1.5], ['string', 'fz'],
    ['string', '5'], ['string', ''], ['array', []], ['array', [1, 2]], ['object', {}], ['object', { a: 1 }]];
  const wrong = admitted ? all.filter(([t]) => !admitted.has(t) && !(t === 'integer' && admitted.has('number'))) : all;
  return (wrong.length ? wrong : all).map(([, v]) => v);
}

function isObj(v) {
  return v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof RawNumber) && !(v instanceof RawString) && !(v instanceof RawJson);
}

// One mutation of the model body. Returns {body, label} (the body is a fresh copy).
export function mutateBody(rng, resolver, schema, body, ctx) {
  let b = clone(body);
  const all = slots(resolver, schema, b);
  const present = all.filter((s) => s.present);
  const leaf = all.filter((s) => s.path.length > 0);
  const strings = leaf.filter((s) => typeof s.value === 'string' || (!s.present && admittedTypes(resolver, s.schema)?.has('string')));
  const numbers = leaf.filter((s) => typeof s.value === 'number' || s.value instanceof RawNumber ||
    (!s.present && (admittedTypes(resolver, s.schema)?.has('number') || admittedTypes(resolver, s.schema)?.has('integer'))));
  const ints = numbers.filter((s) => admittedTypes(resolver, s.schema)?.has('integer') && !admittedTypes(resolver, s.schema)?.has('number'));
  const objects = present.filter((s) => isObj(s.value));
  const withRequired = objects.filter((s) => (s.schema.required || []).some((r) => r in s.value));
  const optional = leaf.filter((s) => s.present && typeof s.path[s.path.length - 1] === 'string' &&
    !(flatten(resolver, schemaOfParent(all, s))?.required || []).includes(s.path[s.path.length - 1]));
  const arrays = present.filter((s) => Array.isArray(s.value));
  const enums = leaf.filter((s) => s.schema.enum);
  const dates = leaf.filter((s) => s.schema.format === 'date' || /(_on|_date|^from|^to)$/.test(String(s.path[s.path.length - 1])));
  const booleans = leaf.filter((s) => admittedTypes(resolver, s.schema)?.has('boolean'));

  const ops = [];
  const add = (w, cond, f) => { if (cond) ops.push([w, f]); };
  add(3, withRequired.length, () => {
    const s = rng.pick(withRequired);
    const r = rng.pick((s.schema.required || []).filter((k) => k in s.value));
    deleteAt(b, [...s.path, r]);
    return `remove required ${pathText([...s.path, r])}`;
  });
  add(1, optional.length, () => { const s = rng.pick(optional); deleteAt(b, s.path); return `remove optional ${pathText(s.path)}`; });
  add(4, leaf.length, () => {
    const s = rng.pick(leaf);
    const v = rng.pick(wrongTypeValues(resolver, s.schema));
    b = setAt(b, s.path, clone(v));
    return `${pathText(s.path)} ← wrong type ${describe(v)}`;
  });
  add(1.5, leaf.length, () => { const s = rng.pick(leaf); b = setAt(b, s.path, null); return `${pathText(s.path)} ← null`; });
  add(2, objects.length, () => {
    const s = rng.pick(objects);
    const k = rng.pick(['zz_extra', 'id', 'version', 'status', 'created_by', 'is_admin', 'role', '__proto__', 'constructor', '', ' ', 'a'.repeat(300), 'ÿ', 'lines ']);
    const v = rng.pick([1, 'x', null, true, { nested: [1, 2] }, [], LONG.slice(0, 100)]);
    getAt(b, s.path)[k] = clone(v);
    if (k === '__proto__') {  // an own property named __proto__ needs defineProperty
      Object.defineProperty(getAt(b, s.path), '__proto__', { value: clone(v), enumerable: true, configurable: true, writable: true });
    }
    return `extra property ${JSON.stringify(k.length > 20 ? k.slice(0, 20) + '…' : k)} at ${pathText(s.path)}`;
  });
  add(2, strings.length, () => { const s = rng.pick(strings); b = setAt(b, s.path, ''); return `${pathText(s.path)} ← ""`; });
  add(2.5, strings.length, () => {
    const s = rng.pick(strings);
    const max = s.schema.maxLength;
    const choice = rng.int(0, max !== undefined ? 3 : 1);
    let v;
    if (choice === 0) v = LONG;
    else if (choice === 1) v = 'ß'.repeat(rng.pick([65, 201, 257, 1025]));
    else if (choice === 2) v = 'x'.repeat(max + 1);
    else v = 'é'.repeat(max);  // at the limit in characters, twice that in bytes: valid
    b = setAt(b, s.path, v);
    return `${pathText(s.path)} ← string of ${[...v].length} chars`;
  });
  add(2.5, strings.length, () => {
    const s = rng.pick(strings);
    const base = typeof s.value === 'string' && s.value ? s.value : 'fz';
    const v = rng.pick([`${base}\u0000`, `\u0000${base}`, `${base.slice(0, 1)}\u0000${base.slice(1)}`, '\u0000', `${base}\u0001\u001f\u007f`, `${base}\r\n\t`]);
    b = setAt(b, s.path, v);
    return `${pathText(s.path)} ← ${describe(v)} (control characters)`;
  });
  add(2.5, strings.length, () => {
    const s = rng.pick(strings);
    const [bytes, hint] = rng.pick(INVALID_UTF8);
    const prefix = Buffer.from(typeof s.value === 'string' ? s.value.slice(0, 8) : 'fz', 'utf8');
    b = setAt(b, s.path, new RawString(Buffer.concat([prefix, Buffer.from(bytes)]), hint));
    return `${pathText(s.path)} ← invalid UTF-8 (${hint})`;
  });
  add(0.7, strings.length, () => {
    const s = rng.pick(strings);
    const v = rng.pick(['\ud800', 'a\udc00b', '\udbff']);
    b = setAt(b, s.path, v);
    return `${pathText(s.path)} ← lone surrogate escape`;
  });
  add(2, strings.length, () => {
    const s = rng.pick(strings);
    const v = rng.pick(SPECIAL_STRINGS);
    b = setAt(b, s.path, v);
    return `${pathText(s.path)} ← ${describe(v)}`;
  });
  add(4, numbers.length, () => {
    const s = rng.pick(numbers);
    const v = rng.pick(NUMBERS);
    b = setAt(b, s.path, v);
    return `${pathText(s.path)} ← ${describe(v)}`;
  });
  add(2, ints.length, () => {
    const s = rng.pick(ints);
    const v = rng.pick([1.5, 0.5, -0.5, 2.000001, new RawNumber('1.0'), new RawNumber('3e0'), 1e-9]);
    b = setAt(b, s.path, v);
    return `${pathText(s.path)} ← float ${describe(v)} for an integer`;
  });
  add(2, numbers.length, () => {
    const s = rng.pick(numbers);
    const v = rng.pick(['5', '1e3', 'abc', '', ' 5', 'NaN', 'Infinity', '-0', '0x10', '1,5', '١٢', '1.2345', '-5', '0', '99999999999999999999', '1e400']);
    b = setAt(b, s.path, v);
    return `${pathText(s.path)} ← number as string ${describe(v)}`;
  });
  add(2.5, dates.length, () => {
    const s = rng.pick(dates);
    let v = rng.pick(DATES);
    if (v === 'yesterday') v = new Date(ctx.today.getTime() - 86400000).toISOString().slice(0, 10);
    b = setAt(b, s.path, v);
    return `${pathText(s.path)} ← date ${JSON.stringify(v)}`;
  });
  add(2, enums.length, () => {
    const s = rng.pick(enums);
    const e = String(rng.pick(s.schema.enum.filter((x) => x !== null)));
    const v = rng.pick([e.toUpperCase(), `${e} `, ` ${e}`, '', 'unknown', `${e}\u0000`, e.slice(0, -1), `${e}s`, e.replace('_', '-')]);
    b = setAt(b, s.path, v);
    return `${pathText(s.path)} ← enum value not listed ${describe(v)}`;
  });
  add(1, booleans.length, () => {
    const s = rng.pick(booleans);
    const v = rng.pick(['true', 'false', 1, 0, 'yes', '']);
    b = setAt(b, s.path, v);
    return `${pathText(s.path)} ← ${describe(v)} for a boolean`;
  });
  add(2.5, arrays.length, () => {
    const s = rng.pick(arrays);
    const arr = getAt(b, s.path);
    const k = rng.int(0, 5);
    let label;
    if (k === 0) { b = setAt(b, s.path, []); label = 'empty array'; }
    else if (k === 1) {
      const n = rng.pick([(s.schema.maxItems ?? 200) + 1, 1000]);
      const item = arr[0] ?? 1;
      b = setAt(b, s.path, Array.from({ length: n }, () => clone(item)));
      label = `${n} items`;
    } else if (k === 2) { b = setAt(b, s.path, [null]); label = '[null]'; }
    else if (k === 3) { b = setAt(b, s.path, [1, 'x']); label = '[1,"x"]'; }
    else if (k === 4 && arr.length) { arr.push(clone(arr[0])); label = 'duplicate first item'; }
    else { b = setAt(b, s.path, [[[]]]); label = '[[[]]]'; }
    return `${pathText(s.path)} ← ${label}`;
  });
  add(1, objects.filter((s) => s.path.length).length, () => {
    const s = rng.pick(objects.filter((x) => x.path.length));
    b = setAt(b, s.path, rng.pick([{}, [], 'x']));
    return `${pathText(s.path)} ← object replaced`;
  });
  if (!ops.length) return { body: b, label: 'no mutation applies' };
  const label = rng.weighted(ops)();
  return { body: b, label };
}

function schemaOfParent(all, slot) {
  const parentPath = slot.path.slice(0, -1);
  const p = all.find((s) => s.present && s.path.length === parentPath.length && s.path.every((k, i) => k === parentPath[i]));
  return p ? p.schema : {};
}

// Mutations of the body's bytes (the result is no longer a JSON model, so it is never judged
// against the schema). Returns {bytes, label, contentType?}.
export function rawBodyMutation(rng, body) {
  const valid = body === undefined ? Buffer.from('{}') : serialize(body);
  const text = valid.toString('latin1');
  const k = rng.weighted([
    [2, 'empty'], [2, 'toplevel'], [2, 'truncated'], [2, 'trailing'], [1, 'comment'], [1.5, 'nan'], [1, 'quotes'],
    [1, 'bom'], [1, 'utf16'], [2, 'rawbyte'], [1.5, 'rawcontrol'], [1.5, 'deep'], [0.5, 'manykeys'], [0.3, 'huge'],
    [1.5, 'dupkey'], [3, 'ctype'], [0.5, 'hugestring'],
  ]);
  switch (k) {
    case 'empty': return { bytes: Buffer.alloc(0), label: 'empty body' };
    case 'toplevel': { const v = rng.pick(['null', '[]', '"x"', '0', 'true', '[{}]', '{}', ' ', '\n']); return { bytes: Buffer.from(v), label: `body ${JSON.stringify(v)}` }; }
    case 'truncated': { const n = rng.int(1, Math.max(1, valid.length - 1)); return { bytes: valid.subarray(0, n), label: `truncated at ${n}/${valid.length}` }; }
    case 'trailing': { const t = rng.pick(['x', '}', ',{}', '{}', '\u0000', ' //']); return { bytes: Buffer.concat([valid, Buffer.from(t)]), label: `trailing ${JSON.stringify(t)}` }; }
    case 'comment': return { bytes: Buffer.from('/* c */' + text, 'latin1'), label: 'leading comment' };
    case 'nan': {
      const lit = rng.pick(['NaN', 'Infinity', '-Infinity', '+1', '01', '.5', '1.', '0x1F', '1e', '--1']);
      const replaced = text.replace(/:(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/, `:${lit}`);
      return { bytes: Buffer.from(replaced === text ? text.replace(/^\{/, `{"n":${lit},`) : replaced, 'latin1'), label: `number literal ${lit}` };
    }
    case 'quotes': return { bytes: Buffer.from(text.replace(/"/g, "'"), 'latin1'), label: 'single quotes' };
    case 'bom': return { bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), valid]), label: 'UTF-8 BOM' };
    case 'utf16': return { bytes: Buffer.from(valid.toString('utf8'), 'utf16le'), label: 'UTF-16LE body' };
    case 'rawbyte': {
      const i = rng.int(0, valid.length);
      const byte = rng.pick([0xff, 0x80, 0xc0, 0xfe]);
      return { bytes: Buffer.concat([valid.subarray(0, i), Buffer.from([byte]), valid.subarray(i)]), label: `raw byte 0x${byte.toString(16)} at ${i}` };
    }
    case 'rawcontrol': {
      const i = text.indexOf('"', 1);
      const at = i > 0 ? i + 1 : 1;
      const byte = rng.pick([0x00, 0x01, 0x0a, 0x1f, 0x7f]);
      return { bytes: Buffer.concat([valid.subarray(0, at), Buffer.from([byte]), valid.subarray(at)]), label: `raw control byte 0x${byte.toString(16)} inside a string` };
    }
    case 'deep': {
      const n = rng.pick([64, 512, 5000, 100000]);
      if (rng.chance(0.5)) return { bytes: Buffer.from('['.repeat(n) + ']'.repeat(n)), label: `array nested ${n} deep` };
      const inner = '{"a":'.repeat(n) + '1' + '}'.repeat(n);
      return { bytes: Buffer.from(text.replace(/^\{/, `{"zz_deep":${inner},`), 'latin1'), label: `object nested ${n} deep inside the body` };
    }
    case 'manykeys': {
      const parts = [];
      for (let i = 0; i < 20000; i++) parts.push(`"k${i}":${i}`);
      return { bytes: Buffer.from(text.replace(/^\{/, `{${parts.join(',')},`), 'latin1'), label: '20000 extra keys' };
    }
    case 'huge': return { bytes: Buffer.from(`{"zz_pad":"${'x'.repeat(1024 * 1024 + 10)}"}`), label: 'body over 1 MiB' };
    case 'hugestring': {
      const s = 'y'.repeat(rng.pick([100000, 900000]));
      return { bytes: Buffer.from(text.replace(/:"[^"]*"/, `:"${s}"`), 'latin1'), label: `a string of ${s.length} chars` };
    }
    case 'dupkey': {
      const m = /^\{"([^"]+)":/.exec(text);
      const key = m ? m[1] : 'a';
      const v = rng.pick(['"zz"', 'null', '[]', '-1', '{}']);
      return { bytes: Buffer.from(text.replace(/\}$/, `${text === '{}' ? '' : ','}"${key}":${v}}`), 'latin1'), label: `duplicate key ${key}=${v}` };
    }
    case 'ctype': default: {
      const ct = rng.pick([null, 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=iso-8859-1',
        'APPLICATION/JSON', Buffer.from([0x61, 0x70, 0x70, 0x6c, 0x69, 0x63, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x2f, 0x6a, 0x73, 0x6f, 0x6e, 0xff]),
        'application/vnd.ims+json', 'application/jsonx', '', 'multipart/form-data; boundary=x', 'application/json;', ';', '+json', 'application/problem+json']);
      return { bytes: valid, label: `Content-Type ${ct === null ? 'absent' : JSON.stringify(Buffer.isBuffer(ct) ? ct.toString('latin1') : ct)}`, contentType: ct, sameBody: true };
    }
  }
}

// Edge values for a query or path parameter. {raw: Buffer} is sent verbatim; a string is
// percent-encoded as UTF-8.
export function paramEdgeValues(schema, today) {
  const raw = (s) => ({ raw: Buffer.isBuffer(s) ? s : Buffer.from(s, 'latin1') });
  const vals = [
    raw('%FF'), raw('%ff%fe'), raw('%C0%AF'), raw('%ED%A0%80'), raw('%E2%82'), raw('%00'), raw('a%00b'), raw(Buffer.from([0xff])),
    raw(Buffer.from([0x61, 0xc3])), raw('%'), raw('%F'), raw('%%'), raw('%zz'), raw('%2'), raw('+'), raw('%20'), raw('%0A'), raw('%0D%0A'),
    '', 'abc', '-1', '0', '1.5', '1e3', '99999999999999999999', '9223372036854775807', '9223372036854775808', '2147483648',
    ' 1', '1 ', '+1', '0x10', '007', 'true', 'null', "'", '"', "1' OR '1'='1", ';', 'ÿ', '🦄', '\u0000', 'A'.repeat(300), 'A'.repeat(5000),
  ];
  if (schema?.format === 'date' || schema?.type === 'string') vals.push(...DATES.filter((d) => d !== 'yesterday'));
  if (schema?.type === 'boolean') vals.push('TRUE', '1', 'yes', 'false ', 'False');
  if (schema?.enum) for (const e of schema.enum) vals.push(String(e).toUpperCase(), `${e} `, `${e},${e}`);
  return vals;
}

export const PATH_ID_EDGES = [
  '0', '-1', '1.5', '1e3', 'abc', '99999999999999999999', '9223372036854775807', '9223372036854775808', '2147483648',
  '%FF', { raw: Buffer.from([0xff]) }, '%00', '%20', '', '+1', '007', ' 1', '1;', '%2F', '..', '1%2F..', 'null', '9'.repeat(5000), '0x1', '١',
];

// The sweep: each property of the body (the root's and those of the first item of each array,
// declared ones that are absent included), one at a time: null, a wrong type, removed when
// required, and the values just past what its schema allows. Returns [{label, model}].
export function sweepMutations(resolver, schema, base, full = false) {
  const out = [];
  const all = slots(resolver, schema, clone(base)).filter((s) => s.path.length && !s.path.some((k) => typeof k === 'number' && k > 0));
  for (const slot of all) {
    const name = pathText(slot.path);
    const parentPath = slot.path.slice(0, -1);
    const parent = all.find((x) => x.path.length === parentPath.length && x.path.every((k, i) => k === parentPath[i]));
    const parentSchema = parentPath.length ? (parent?.schema || {}) : flatten(resolver, schema) || {};
    const required = typeof slot.path[slot.path.length - 1] === 'string' && (parentSchema.required || []).includes(slot.path[slot.path.length - 1]);
    const s = slot.schema || {};
    const types = admittedTypes(resolver, s) || new Set();
    const values = [['null', null]];
    if (types.has('string') && !types.has('number')) values.push(['7', 7]);
    else if ((types.has('number') || types.has('integer')) && !types.has('string')) values.push(['"5"', '5']);
    else if (types.has('boolean')) values.push(['"true"', 'true']);
    else if (types.has('object')) values.push(['[]', []]);
    else if (types.has('array')) values.push(['{}', {}]);
    else values.push(['true', true]);
    if (s.enum) values.push(['"zz-not-listed"', 'zz-not-listed']);
    if (s.maxLength !== undefined) values.push([`${s.maxLength + 1} chars`, 'x'.repeat(s.maxLength + 1)]);
    if (s.minLength !== undefined && s.minLength > 0) values.push([`${s.minLength - 1} chars`, 'x'.repeat(s.minLength - 1)]);
    if (s.pattern !== undefined) values.push(['"not matching!"', 'not matching!']);
    if (s.format === 'date') values.push(['"2027-02-30"', '2027-02-30']);
    if (s.format === 'email') values.push(['"no-at-sign"', 'no-at-sign']);
    if (types.has('integer') && !types.has('number')) values.push(['1.5', 1.5]);
    if (s.minimum !== undefined) values.push([`${s.minimum - 1}`, s.minimum - 1]);
    if (s.maximum !== undefined) values.push([`${s.maximum + 1}`, s.maximum + 1]);
    if (s.exclusiveMinimum !== undefined) values.push([`${s.exclusiveMinimum}`, s.exclusiveMinimum]);
    if (types.has('array') && s.minItems) values.push(['[]', []]);
    if (types.has('array') && s.maxItems !== undefined && Array.isArray(slot.value) && slot.value.length) {
      values.push([`${s.maxItems + 1} items`, Array.from({ length: s.maxItems + 1 }, () => clone(slot.value[0]))]);
    }
    if (types.has('string') && s.minLength === undefined && !s.enum && !s.pattern && !s.format) values.push(['""', '']);
    if (full) {
      for (const v of wrongTypeValues(resolver, s)) values.push([describe(v), v]);
      if (types.has('string')) values.push(['"\\u0000"', 'a\u0000b'], ['10000 chars', LONG], ['invalid UTF-8', new RawString(Buffer.from([0x61, 0xff]), 'FF')], ['"0000-01-01"', '0000-01-01']);
      if (types.has('number') || types.has('integer')) values.push(['-1', -1], ['0', 0], ['1e309', new RawNumber('1e309')], ['99999999999999999999', new RawNumber('99999999999999999999')], ['-0.0001', -0.0001]);
    }
    for (const [label, v] of values) {
      const m = clone(base);
      out.push({ label: `${name} ← ${label}`, model: setAt(m, slot.path, clone(v)) });
    }
    if (required && slot.present) {
      const m = clone(base);
      deleteAt(m, slot.path);
      out.push({ label: `${name} removed`, model: m });
    }
  }
  return out;
}
