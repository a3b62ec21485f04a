// Components every dashboard shares: data loading kept current by the live feed, tables with the
// API's cursor paging and sorting, forms that put the server's field errors next to their fields,
// dialogs, status badges and notices.
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, get, qs } from './api.js';
import { useLive } from './live.js';

export const Session = createContext(null);
export const useSession = () => useContext(Session);

// ---------------------------------------------------------------- formatting

export const fmtQty = (n) => (n === null || n === undefined ? '—' : Number(n).toLocaleString('en-IN', { maximumFractionDigits: 3 }));
export const fmtMoney = (s) => (s === null || s === undefined ? '—' : `₹${Number(s).toLocaleString('en-IN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`);
export const fmtTime = (t) => (t ? t.replace('T', ' ').slice(0, 16) : '—');
export const fmtDate = (t) => (t ? t.slice(0, 10) : '—');
export const yesNo = (b) => (b ? 'yes' : 'no');

export function Status({ value }) {
  return <span class={`status s-${value}`}>{String(value).replace(/_/g, ' ')}</span>;
}

// ---------------------------------------------------------------- loading

/** Runs loader() now, whenever deps change and (debounced) on live events matching `live`. */
export function useLoad(loader, deps, live = []) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const seq = useRef(0);
  const timer = useRef(null);
  const run = useCallback(async () => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await loader();
      if (mine === seq.current) setState({ data, error: null, loading: false });
    } catch (error) {
      if (mine === seq.current) setState((s) => ({ data: s.data, error, loading: false }));
    }
  }, deps);
  useEffect(() => { run(); return () => clearTimeout(timer.current); }, [run]);
  const onEvent = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(run, 150);  // an order and its stock change arrive together: one reload
  }, [run]);
  useLive(live, onEvent);
  // A reload asked for by an older render (a form's onDone) runs the current query, not the one
  // of its time: it must not replace a newer page with a stale one.
  const latest = useRef(run);
  latest.current = run;
  const reload = useCallback(() => latest.current(), []);
  return { ...state, reload };
}

/**
 * One page of a cursor-paged list: `path` and `params` as the API takes them. Keeps the cursors
 * of earlier pages for "Previous"; a change of params starts again at the first page.
 */
export function usePaged(path, params, live = [], limit = 10) {
  const key = `${path}${qs(params)}`;
  const [paging, setPaging] = useState({ key, cursors: [null] });
  const cursors = paging.key === key ? paging.cursors : [null];
  const setCursors = (c) => setPaging({ key, cursors: c });
  const cursor = cursors[cursors.length - 1];
  const load = useLoad(() => get(`${path}${qs({ ...params, limit, cursor })}`), [key, cursor], live);
  return {
    ...load,
    items: load.data?.items || [],
    page: cursors.length,
    hasNext: Boolean(load.data?.next_cursor),
    next: () => load.data?.next_cursor && setCursors([...cursors, load.data.next_cursor]),
    previous: () => cursors.length > 1 && setCursors(cursors.slice(0, -1)),
  };
}

// ---------------------------------------------------------------- tables

/**
 * columns: [{ key, label, render?(row), num?, sort?(row) → value }]. Sorting is of the rows shown
 * (the API orders each list newest first); a click on a sortable header toggles its direction.
 */
export function Table({ id, columns, rows, empty = 'Nothing here yet.', rowKey = (r) => r.id, caption, loading, rowProps }) {
  const [sort, setSort] = useState(null);
  const sorted = useMemo(() => {
    if (!sort) return rows;
    const col = columns.find((c) => c.key === sort.key);
    const value = col.sort || ((r) => r[col.key]);
    const out = [...rows].sort((a, b) => {
      const x = value(a); const y = value(b);
      if (x === y) return 0;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true }));
    });
    return sort.dir === 'desc' ? out.reverse() : out;
  }, [rows, sort, columns]);
  const toggle = (key) => setSort((s) => (s?.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' }));
  return (
    <div class="table-wrap">
      <table id={id} aria-busy={loading ? 'true' : 'false'}>
        {caption && <caption>{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} class={c.num ? 'num' : ''} scope="col"
                aria-sort={sort?.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
                {c.nosort ? c.label : (
                  <button type="button" class="sort" onClick={() => toggle(c.key)}>
                    {c.label}{sort?.key === c.key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
                  </button>
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => (
            <tr key={rowKey(r)} {...(rowProps ? rowProps(r) : {})}>
              {columns.map((c) => (
                <td key={c.key} class={c.num ? 'num' : ''} data-label={c.label}>{c.render ? c.render(r) : (r[c.key] ?? '—')}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {!loading && rows.length === 0 && <p class="empty">{empty}</p>}
    </div>
  );
}

export function Pager({ list }) {
  if (list.page === 1 && !list.hasNext) return null;
  return (
    <div class="pager">
      <button type="button" class="ghost" onClick={list.previous} disabled={list.page === 1}>Previous</button>
      <span>Page {list.page}</span>
      <button type="button" class="ghost" onClick={list.next} disabled={!list.hasNext}>Next</button>
    </div>
  );
}

export function LoadError({ error }) {
  if (!error) return null;
  return <p class="error" role="alert">{error.message}</p>;
}

// ---------------------------------------------------------------- forms

/**
 * A form's values, its submission and the server's answer: `submit(fn)` runs fn(values); an
 * ApiError's field errors are shown by <Field>s of the same name, its detail above the buttons.
 */
export function useForm(initial) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState({});
  const [problem, setProblem] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (name, value) => setValues((v) => ({ ...v, [name]: value }));
  const submit = (fn) => async (e) => {
    e?.preventDefault();
    setBusy(true);
    setErrors({});
    setProblem(null);
    try {
      return await fn(values);
    } catch (err) {
      if (err instanceof ApiError) {
        setErrors(err.fields);
        setProblem(err);
      } else {
        setProblem({ message: String(err.message || err) });
      }
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  const reset = () => { setValues(initial); setErrors({}); setProblem(null); };
  return { values, set, errors, problem, busy, submit, reset, setValues };
}

let fieldSeq = 0;
/** A labelled input bound to form.values[name], with its server error below it. */
export function Field({ form, name, label, type = 'text', options, required, hint, errorKey, id: givenId, ...rest }) {
  const made = useMemo(() => `f-${name}-${++fieldSeq}`, [name]);
  const id = givenId || made;
  const error = form.errors[errorKey || name];
  const common = {
    id, name, required,
    'aria-invalid': error ? 'true' : undefined,
    'aria-describedby': error ? `${id}-error` : undefined,
    ...rest,
  };
  let control;
  if (options) {
    control = (
      <select {...common} value={form.values[name] ?? ''} onChange={(e) => form.set(name, e.currentTarget.value)}>
        {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
    );
  } else if (type === 'checkbox') {
    control = <input {...common} type="checkbox" checked={Boolean(form.values[name])} onChange={(e) => form.set(name, e.currentTarget.checked)} />;
  } else if (type === 'textarea') {
    control = <textarea {...common} value={form.values[name] ?? ''} onInput={(e) => form.set(name, e.currentTarget.value)} />;
  } else {
    control = <input {...common} type={type} value={form.values[name] ?? ''} onInput={(e) => form.set(name, e.currentTarget.value)} />;
  }
  return (
    <div class={`field${type === 'checkbox' ? ' check' : ''}`}>
      <label for={id}>{label}</label>
      {control}
      {hint && !error && <small class="hint">{hint}</small>}
      {error && <small class="field-error" id={`${id}-error`}>{error}</small>}
    </div>
  );
}

/** The problem of the last submission, when it is not about one field (or names no field). */
export function FormProblem({ form }) {
  const p = form.problem;
  if (!p) return null;
  const unplaced = (p.problem?.errors || []).filter((e) => !e.field || !document.querySelector(`[name="${CSS.escape(e.field)}"]`));
  return (
    <div class="error" role="alert">
      <p>{p.message}</p>
      {unplaced.length > 0 && <ul>{unplaced.map((e, i) => <li key={i}>{e.field ? `${e.field}: ` : ''}{e.message}</li>)}</ul>}
    </div>
  );
}

// ---------------------------------------------------------------- dialogs and notices

/** A modal <dialog>: Escape closes it, focus stays inside while it is open. */
export function Dialog({ title, open, onClose, children, wide }) {
  const ref = useRef(null);
  useLayoutEffect(() => {
    const d = ref.current;
    if (!d) return undefined;
    const opener = document.activeElement;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
    return () => {
      if (d.open) d.close();
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    };
  }, [open]);
  return (
    <dialog ref={ref} class={wide ? 'wide' : ''} onClose={onClose} aria-label={title}>
      {open && (
        <>
          <header class="dialog-head">
            <h2>{title}</h2>
            <button type="button" class="ghost" aria-label="Close" onClick={onClose}>✕</button>
          </header>
          {children}
        </>
      )}
    </dialog>
  );
}

const NoticeContext = createContext(() => {});
export const useNotice = () => useContext(NoticeContext);

export function NoticeArea({ children }) {
  const [notices, setNotices] = useState([]);
  const notify = useCallback((text, kind = 'ok') => {
    const id = Math.random();
    setNotices((n) => [...n.slice(-3), { id, text, kind }]);
    setTimeout(() => setNotices((n) => n.filter((x) => x.id !== id)), 6000);
  }, []);
  return (
    <NoticeContext.Provider value={notify}>
      {children}
      <div class="notices" role="status" aria-live="polite">
        {notices.map((n) => <p key={n.id} class={`notice ${n.kind}`}>{n.text}</p>)}
      </div>
    </NoticeContext.Provider>
  );
}

/** A button that runs an API action, reports its outcome and shows a refusal's reason. */
export function Action({ label, run, onDone, confirm, class: cls = 'small', disabled, title, of }) {
  const notify = useNotice();
  const [busy, setBusy] = useState(false);
  const click = async () => {
    if (confirm && !window.confirm(confirm)) return;
    setBusy(true);
    try {
      await run();
      onDone?.();
    } catch (err) {
      const fields = (err.problem?.errors || []).map((e) => `${e.field ? `${e.field}: ` : ''}${e.message}`).join('; ');
      notify(`${label}: ${err.message}${fields ? ` — ${fields}` : ''}`, 'bad');
    } finally {
      setBusy(false);
    }
  };
  // `of` names the row it acts on, for screen readers ("Ship SO-000123").
  return <button type="button" class={cls} onClick={click} disabled={busy || disabled} title={title} aria-label={of ? `${label} ${of}` : undefined}>{label}</button>;
}

export function Section({ title, id, actions, children, wide }) {
  return (
    <section class={`panel${wide ? ' wide' : ''}`} id={id} aria-labelledby={`${id}-title`}>
      <header class="panel-head">
        <h2 id={`${id}-title`}>{title}</h2>
        {actions && <div class="panel-actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}

/** Names of locations and products by id, loaded once per session. */
export const Refs = createContext({ locations: new Map(), products: new Map() });
export const useRefs = () => useContext(Refs);
export function locationName(refs, id) {
  const l = refs.locations.get(id);
  return l ? l.code : id ? `#${id}` : '—';
}
export function productName(refs, id) {
  const p = refs.products.get(id);
  return p ? p.sku : `#${id}`;
}
