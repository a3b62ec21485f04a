// The shop-floor PIN pad at /pin: a terminal at a store remembers its location code, the last
// username and (when it has been registered) its terminal secret; a person signs in with a PIN
// tapped on a large keypad or typed, for a short session with no refresh.
import { useEffect, useRef, useState } from 'preact/hooks';
import { pinSignIn } from '../api.js';

const KEYS = { location: 'ims.pin.location_code', username: 'ims.pin.username', terminal: 'ims.pin.terminal' };
const MAX_DIGITS = 8;
const MIN_DIGITS = 4;

function stored(key) {
  try { return localStorage.getItem(key) || ''; } catch { return ''; }
}
function store(key, value) {
  try {
    if (value) localStorage.setItem(key, value);
    else localStorage.removeItem(key);
  } catch { /* storage refused (private mode): the terminal just forgets */ }
}

const editable = (el) => el instanceof HTMLElement && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));

function TerminalSetup({ secret, onSave }) {
  const [draft, setDraft] = useState('');
  return (
    <details class="terminal-setup" id="terminal-setup">
      <summary>Terminal setup</summary>
      <p class="muted small">
        {secret ? 'This terminal sends its secret with every PIN sign-in.' : 'No terminal secret is stored on this device.'}
        {' '}An administrator registers a terminal for a location and gets its secret once.
      </p>
      <div class="field">
        <label for="terminal-secret">Terminal secret</label>
        <input id="terminal-secret" name="terminal-secret" type="password" autocomplete="off" value={draft}
          onInput={(e) => setDraft(e.currentTarget.value)} />
      </div>
      <div class="buttons">
        <button type="button" class="small" disabled={!draft.trim()} onClick={() => { onSave(draft.trim()); setDraft(''); }}>Save secret</button>
        {secret && <button type="button" class="small ghost" onClick={() => onSave('')}>Forget secret</button>}
      </div>
    </details>
  );
}

export function PinPad({ message, onSignedIn }) {
  const [locationCode, setLocationCode] = useState(() => stored(KEYS.location));
  const [username, setUsername] = useState(() => stored(KEYS.username));
  const [terminal, setTerminal] = useState(() => stored(KEYS.terminal));
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);  // { message, fields }

  const press = (digit) => { setError(null); setPin((p) => (p.length >= MAX_DIGITS ? p : p + digit)); };
  const back = () => setPin((p) => p.slice(0, -1));
  const submit = async () => {
    if (busy) return;
    const where = locationCode.trim().toUpperCase();
    const who = username.trim();
    if (!where || !who) { setError({ message: 'Enter the location code and your username first.', fields: {} }); return; }
    if (pin.length < MIN_DIGITS) { setError({ message: `A PIN has ${MIN_DIGITS} to ${MAX_DIGITS} digits.`, fields: {} }); return; }
    setBusy(true);
    setError(null);
    store(KEYS.location, where);
    store(KEYS.username, who);
    try {
      const me = await pinSignIn({ location_code: where, username: who, pin, terminal });
      setPin('');
      setBusy(false);
      onSignedIn(me);
    } catch (err) {
      setPin('');
      setBusy(false);
      setError({ message: err.message || 'The PIN sign-in failed.', fields: err.fields || {} });
    }
  };

  // Digits, Backspace and Enter from a keyboard, unless typing into a field.
  const latest = useRef({});
  latest.current = { press, back, submit };
  useEffect(() => {
    const onKey = (e) => {
      if (e.ctrlKey || e.metaKey || e.altKey || editable(e.target) || e.target?.closest?.('details')) return;
      if (/^[0-9]$/.test(e.key)) { e.preventDefault(); latest.current.press(e.key); }
      else if (e.key === 'Backspace') { e.preventDefault(); latest.current.back(); }
      else if (e.key === 'Enter' && !(e.target instanceof HTMLButtonElement)) { e.preventDefault(); latest.current.submit(); }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const dots = Math.max(MIN_DIGITS, pin.length);
  const fieldError = (name) => error?.fields?.[name];
  return (
    <main class="pinpad" id="pin-view">
      <form class="card pin-card" aria-labelledby="pin-title" id="pin-form" onSubmit={(e) => { e.preventDefault(); submit(); }}>
        <h1 id="pin-title">IMS shop floor</h1>
        {message && <p class="notice warn" role="status" id="session-message">{message}</p>}
        <div class="pin-who">
          <div class="field">
            <label for="pin-location">Location code</label>
            <input id="pin-location" name="location_code" autocomplete="off" autocapitalize="characters" spellcheck={false} value={locationCode}
              aria-invalid={fieldError('location_code') ? 'true' : undefined}
              onInput={(e) => { setLocationCode(e.currentTarget.value); store(KEYS.location, e.currentTarget.value.trim().toUpperCase()); }} />
            {fieldError('location_code') && <small class="field-error">{fieldError('location_code')}</small>}
          </div>
          <div class="field">
            <label for="pin-username">Username</label>
            <input id="pin-username" name="username" autocomplete="username" autocapitalize="none" spellcheck={false} value={username}
              aria-invalid={fieldError('username') ? 'true' : undefined}
              onInput={(e) => { setUsername(e.currentTarget.value); store(KEYS.username, e.currentTarget.value.trim()); }} />
            {fieldError('username') && <small class="field-error">{fieldError('username')}</small>}
          </div>
        </div>
        <div class="pin-dots" id="pin-dots" data-length={pin.length} aria-hidden="true">
          {Array.from({ length: dots }, (_, i) => <span key={i} class={i < pin.length ? 'dot on' : 'dot'} />)}
        </div>
        <p class="visually-hidden" aria-live="polite">PIN: {pin.length} digit{pin.length === 1 ? '' : 's'} entered</p>
        <div class="keypad" role="group" aria-label="PIN keypad">
          {['1', '2', '3', '4', '5', '6', '7', '8', '9'].map((d) => (
            <button type="button" key={d} class="key" disabled={busy} onClick={() => press(d)}>{d}</button>
          ))}
          <button type="button" class="key ghost" disabled={busy || !pin} onClick={back} aria-label="Delete last digit">⌫</button>
          <button type="button" class="key" disabled={busy} onClick={() => press('0')}>0</button>
          <button type="submit" class="key go" disabled={busy} aria-label="Sign in">{busy ? '…' : '✓'}</button>
        </div>
        <p class="error" id="pin-error" role="alert">{error?.message || ''}</p>
        {error?.fields?.pin && <p class="error small">{error.fields.pin}</p>}
        <TerminalSetup secret={terminal} onSave={(s) => { store(KEYS.terminal, s); setTerminal(s); }} />
        <p class="muted small"><a href="/">Sign in with a password instead</a></p>
      </form>
    </main>
  );
}
