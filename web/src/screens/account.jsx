// The signed-in person's own account: who they are, and their shop-floor PIN (set, change, remove)
// for signing in at a terminal on /pin.
import { del, get, put } from '../api.js';
import { Action, Field, FormProblem, LoadError, Section, useForm, useLoad, useNotice } from '../ui.jsx';

function pinStatus(me) {
  if (!me) return '…';
  if (me.pin_locked) return 'locked after too many wrong tries — set a new one to unlock it';
  return me.has_pin ? 'set' : 'not set';
}

export function MyAccount() {
  const notify = useNotice();
  const me = useLoad(() => get('/auth/me'), []);
  const u = me.data;
  const form = useForm({ pin: '', password: '' });
  const submit = form.submit(async (v) => {
    await put('/users/me/pin', { pin: v.pin.trim(), password: v.password });
    notify(u?.has_pin ? 'Shop-floor PIN changed' : 'Shop-floor PIN set');
    form.reset();
    me.reload();
  });
  return (
    <div class="grid">
      <Section title="My account" id="account-panel">
        <LoadError error={me.error} />
        {u && (
          <dl class="facts">
            <dt>Username</dt><dd>{u.username}</dd>
            <dt>Email</dt><dd>{u.email || '—'}</dd>
            <dt>Role</dt><dd>{u.role}</dd>
            <dt>Location</dt><dd>{u.location ? `${u.location.name} (${u.location.code})` : 'all locations'}</dd>
          </dl>
        )}
      </Section>
      <Section title="Shop-floor PIN" id="pin-panel">
        <p class="muted small">
          With a PIN you sign in on a shop-floor terminal (<a href="/pin">the PIN pad</a>) with your location code,
          username and PIN, for 30 minutes at a time. PIN: <strong id="pin-status">{pinStatus(u)}</strong>
        </p>
        <form class="stack" id="pin-form" onSubmit={submit}>
          <Field form={form} name="pin" label="New PIN" type="password" inputmode="numeric" pattern="[0-9]*" autocomplete="off" required hint="4 to 8 digits" />
          <Field form={form} name="password" label="Current password" type="password" autocomplete="current-password" required />
          <FormProblem form={form} />
          <div class="buttons">
            <button type="submit" disabled={form.busy}>{u?.has_pin ? 'Change PIN' : 'Set PIN'}</button>
            {u && u.has_pin !== false && <Action label="Remove PIN" class="danger" confirm="Remove your shop-floor PIN? You can no longer sign in on the PIN pad."
              run={async () => { await del('/users/me/pin'); notify('Shop-floor PIN removed'); }} onDone={me.reload} />}
          </div>
        </form>
      </Section>
    </div>
  );
}
