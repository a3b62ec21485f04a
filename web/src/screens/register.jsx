// Signing up: a person asks for an account (a role and, optionally, the location they work at);
// they verify their email address from the link they are sent, then an administrator activates it.
import { useState } from 'preact/hooks';
import { post } from '../api.js';
import { Field, FormProblem, useForm } from '../ui.jsx';

const REQUESTABLE = [
  { value: 'retailer', label: 'Retailer (a store)' },
  { value: 'stockist', label: 'Stockist' },
  { value: 'cfa', label: 'CFA (carrying and forwarding agent)' },
];

export function Register() {
  const [done, setDone] = useState(false);
  const form = useForm({ username: '', email: '', password: '', requested_role: 'retailer', location_code: '', note: '' });
  const submit = form.submit(async (v) => {
    const body = { username: v.username.trim(), email: v.email.trim(), password: v.password, requested_role: v.requested_role };
    if (v.location_code.trim()) body.location_code = v.location_code.trim().toUpperCase();
    if (v.note.trim()) body.note = v.note.trim();
    await post('/auth/register', body);
    setDone(true);
  });
  return (
    <main class="signin" id="register-view">
      <div class="card">
        <h1 id="register-title">Create an account</h1>
        {done ? (
          <>
            <p class="notice" role="status" id="register-done">
              Check your email to verify your address; an administrator will then activate your account.
            </p>
            <p><a href="#/">Back to sign in</a></p>
          </>
        ) : (
          <form onSubmit={submit} aria-labelledby="register-title" id="register-form" noValidate>
            <p class="muted small">An administrator activates new accounts once their email address is verified.</p>
            <Field form={form} name="username" label="Username" autocomplete="username" required maxlength="64" />
            <Field form={form} name="email" label="Email" type="email" autocomplete="email" required />
            <Field form={form} name="password" label="Password" type="password" autocomplete="new-password" required hint="12 to 128 characters" />
            <Field form={form} name="requested_role" label="Requested role" options={REQUESTABLE} />
            <Field form={form} name="location_code" label="Location code (optional)" autocomplete="off" hint="the code of your store or warehouse, e.g. RET-ANDHERI" />
            <Field form={form} name="note" label="Note for the administrator (optional)" type="textarea" rows="2" maxlength="500" />
            <FormProblem form={form} />
            <button type="submit" disabled={form.busy}>{form.busy ? 'Sending…' : 'Create account'}</button>
            <p class="muted small"><a href="#/">Back to sign in</a></p>
          </form>
        )}
      </div>
    </main>
  );
}
