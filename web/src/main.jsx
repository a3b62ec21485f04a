// The dashboards: sign-in (or signing up, or the shop-floor PIN pad at /pin), then the signed-in
// role's screens under hash routes (#/…), over the REST API and the live feed. The UI hides what a
// role may not do; the server decides.
import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import './app.css';
import { getAll, onSessionEnd, restore, restoreShopFloor, shopFloorEnds, signIn, signOut } from './api.js';
import { startLive, stopLive, useLiveState } from './live.js';
import { Field, FormProblem, NoticeArea, Refs, Session, useForm } from './ui.jsx';
import { Search } from './screens/search.jsx';
import { PinPad } from './screens/pinpad.jsx';
import { Register } from './screens/register.jsx';
import { roleScreens } from './screens/roles.jsx';

// The same page serves the shop-floor terminals at /pin: PIN sign-in, short sessions, no refresh.
const PIN_PAD = location.pathname === '/pin' || location.pathname === '/pin/';

function useHash() {
  const [hash, setHash] = useState(location.hash || '#/');
  useEffect(() => {
    const on = () => setHash(location.hash || '#/');
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return hash;
}

function SignIn({ message, onSignedIn }) {
  const form = useForm({ username: '', password: '' });
  const submit = form.submit(async (v) => onSignedIn(await signIn(v.username.trim(), v.password)));
  return (
    <main class="signin" id="login-view">
      <form class="card" onSubmit={submit} aria-labelledby="signin-title" id="login-form">
        <h1 id="signin-title">IMS</h1>
        <p class="muted">Inventory and supply chain</p>
        {message && <p class="notice warn" role="status" id="session-message">{message}</p>}
        <Field form={form} name="username" label="Username" autocomplete="username" required />
        <Field form={form} name="password" label="Password" type="password" autocomplete="current-password" required />
        <button type="submit" disabled={form.busy}>{form.busy ? 'Signing in…' : 'Sign in'}</button>
        <p class="error" id="login-error" role="alert">{form.problem?.message || ''}</p>
        <p class="signin-links small">
          <a href="#/register" id="register-link">Create an account</a>
          <a href="/pin">Shop-floor PIN sign-in</a>
          <a href="/api/docs">API reference</a>
        </p>
      </form>
    </main>
  );
}

function LiveBadge() {
  const state = useLiveState();
  return <span id="live" class={`badge ${state === 'live' ? 'on' : 'off'}`} title="live updates from /api/v1/events">{state}</span>;
}

/** The shop-floor session's time left, in whole minutes, kept current. */
function ShopFloorNotice() {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 15000);
    return () => clearInterval(t);
  }, []);
  const ends = shopFloorEnds();
  if (!ends) return null;
  const minutes = Math.max(1, Math.ceil((ends - now) / 60000));
  return (
    <p class="shop-floor" id="shop-floor-notice" role="status">
      Shop-floor session — signs out in {minutes} min
    </p>
  );
}

function Shell({ me, onSignOut, shopFloor }) {
  const hash = useHash();
  const [refs, setRefs] = useState({ locations: new Map(), products: new Map(), loaded: false });
  const [refsError, setRefsError] = useState(null);
  const loadRefs = useCallback(async () => {
    try {
      const [locations, products] = await Promise.all([getAll('/locations'), getAll('/products')]);
      setRefs({ locations: new Map(locations.map((l) => [l.id, l])), products: new Map(products.map((p) => [p.id, p])), loaded: true, reload: loadRefs });
      setRefsError(null);
    } catch (err) {
      setRefsError(err);
    }
  }, []);
  useEffect(() => { loadRefs(); }, []);
  const tabs = roleScreens(me, { shopFloor });
  const shown = tabs.filter((t) => !t.hidden);
  const path = hash.slice(1);
  const current = tabs.find((t) => t.match(path)) || tabs[0];
  const Screen = current.component;
  return (
    <Session.Provider value={me}>
      <Refs.Provider value={refs}>
        <div class="shell" id="home-view" data-role={me.role} data-shop-floor={shopFloor ? 'true' : undefined}>
          <header class="top">
            <div class="brand"><a href="#/">IMS</a></div>
            <div class="who">
              <strong id="who">{me.username}</strong>
              <span class="muted"> · <span id="role">{me.role}</span> · <span id="location">{me.location ? `${me.location.name} (${me.location.code})` : 'all locations'}</span></span>
              {' '}<LiveBadge />
            </div>
            <Search />
            <div class="top-actions">
              {!shopFloor && <a href="#/account" class="small" id="my-account" aria-current={current.href === '#/account' ? 'page' : undefined}>My account</a>}
              {!shopFloor && <a href="/api/docs" class="small">API</a>}
              <button type="button" id="logout" class="ghost" onClick={onSignOut}>Sign out</button>
            </div>
          </header>
          {shopFloor && <ShopFloorNotice />}
          {shown.length > 1 && (
            <nav class="tabs" aria-label="Sections">
              {shown.map((t) => (
                <a key={t.href} href={t.href} aria-current={t === current ? 'page' : undefined}>{t.label}</a>
              ))}
            </nav>
          )}
          <main class="content" id="dashboard" data-screen={current.href}>
            {refs.loaded ? <Screen path={path} /> : refsError ? (
              <div class="error" role="alert">
                <p>Locations and products could not be loaded: {refsError.message}</p>
                <button type="button" onClick={loadRefs}>Try again</button>
              </div>
            ) : <p class="muted">Loading…</p>}
          </main>
        </div>
      </Refs.Provider>
    </Session.Provider>
  );
}

function App() {
  const hash = useHash();
  const [state, setState] = useState({ phase: 'booting' });
  useEffect(() => {
    const off = onSessionEnd((message) => {
      stopLive();
      if (PIN_PAD) history.replaceState(null, '', '/pin');
      setState({ phase: 'signin', message });
    });
    (PIN_PAD ? restoreShopFloor() : restore())
      .then((me) => setState((s) => (me ? { phase: 'in', me } : s.phase === 'signin' ? s : { phase: 'signin' })))
      .catch(() => setState((s) => (s.phase === 'signin' ? s : { phase: 'signin' })));
    return off;
  }, []);
  useEffect(() => {
    if (state.phase === 'in') startLive();
    return undefined;
  }, [state.phase, state.me?.id]);
  const signedIn = (me) => {
    if (location.hash.startsWith('#/register')) history.replaceState(null, '', `${location.pathname}${location.search}`);
    setState({ phase: 'in', me });
  };
  const out = async () => {
    stopLive();
    await signOut();
    if (PIN_PAD) history.replaceState(null, '', '/pin');  // the next person starts at the pad, not on a screen of the last one
    setState({ phase: 'signin', message: PIN_PAD ? 'Signed out. The next person can enter their PIN.' : 'You have signed out.' });
  };
  if (state.phase === 'booting') return <p class="boot">Loading IMS…</p>;
  if (state.phase === 'signin') {
    if (PIN_PAD) return <PinPad message={state.message} onSignedIn={signedIn} />;
    if (hash.startsWith('#/register')) return <Register />;
    return <SignIn message={state.message} onSignedIn={signedIn} />;
  }
  return <Shell me={state.me} onSignOut={out} shopFloor={PIN_PAD && shopFloorEnds() !== null} />;
}

render(<NoticeArea><App /></NoticeArea>, document.getElementById('app'));
