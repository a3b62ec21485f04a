// Accounts in headless Chromium (Debian's), driven by playwright-core, against the running stack:
// signing up, verifying the address from the email the mail catcher holds, an admin activating the
// account, and the shop-floor PIN pad on a tablet, selling to a new customer.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { base } from './chromium.mjs';
import {
  PASSWORD, DESKTOP, closeBrowser, apiAs, ensureAvailable, openPage as openPageOf, assertClean, close, fillSignIn, signIn,
  shoot,
} from './fixtures.mjs';

const TABLET = { width: 768, height: 1024 };
after(closeBrowser);
// A tablet is touched, not clicked.
const openPage = (viewport = DESKTOP) => openPageOf(viewport, { hasTouch: viewport === TABLET });

async function eventually(what, fn, timeout = 30000) {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// ------------------------------------------------------------------ the mail catcher

const maildir = () => path.join(process.env.IMS_DATA_DIR || '/tmp', 'mail', 'new');

/** A stored message: its To header and its text and HTML parts, decoded (the mailer sends base64). */
function readMail(file) {
  const raw = readFileSync(file, 'utf8').replace(/\r/g, '');
  const headers = raw.slice(0, raw.indexOf('\n\n')).replace(/\n[ \t]+/g, ' ');
  const to = /^To: (.*)$/mi.exec(headers)?.[1] || '';
  const parts = [];
  for (const m of raw.matchAll(/Content-Type: (text\/(?:plain|html))[^\n]*\n((?:[^\n]+\n)*?)\n([\s\S]*?)(?=\n--)/g)) {
    const encoding = /Content-Transfer-Encoding: *(\S+)/i.exec(m[2])?.[1]?.toLowerCase();
    parts.push(encoding === 'base64' ? Buffer.from(m[3].replace(/\s+/g, ''), 'base64').toString('utf8') : m[3]);
  }
  return { to, text: parts.join('\n'), raw };
}

/** The path and query of the verification link of the newest message sent to `email`. */
async function verificationLink(email) {
  return eventually(`a verification email to ${email}`, () => {
    let files = [];
    try { files = readdirSync(maildir()).map((f) => path.join(maildir(), f)); } catch { return null; }
    const mails = files.map((f) => ({ f, at: statSync(f).mtimeMs })).sort((a, b) => b.at - a.at)
      .map(({ f }) => readMail(f)).filter((m) => m.to.toLowerCase().includes(email.toLowerCase()));
    for (const m of mails) {
      const link = /https?:\/\/[^\s"'<>]*?(\/api\/v1\/auth\/verify\?token=[A-Za-z0-9_\-.~%]+)/.exec(m.text)
        || /(\/api\/v1\/auth\/verify\?token=[A-Za-z0-9_\-.~%]+)/.exec(m.text);
      if (link) return link[1];
    }
    return null;
  }, 60000);
}

// ------------------------------------------------------------------ the tests

test('a person signs up, verifies their email, an admin activates them and they sign in', async () => {
  const username = `signup-${Date.now()}`;
  const email = `${username}@example.com`;
  const password = 'a-long-enough-password-13';

  // Signing up from the sign-in page; the server's field errors are shown under their fields.
  const page = await openPage();
  await page.goto(`${base}/`);
  await page.getByRole('link', { name: 'Create an account' }).click();
  const form = page.locator('#register-form');
  await form.waitFor();
  await form.getByLabel('Username').fill(username);
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Password').fill('short');
  await form.getByLabel('Requested role').selectOption('retailer');
  await form.getByLabel('Location code (optional)').fill('RET-ANDHERI');
  await form.getByLabel('Note for the administrator (optional)').fill('Browser test sign-up');
  page.expectedErrors.push(/status of 422/);
  await form.getByRole('button', { name: 'Create account' }).click();
  await page.waitForSelector('#register-form input[name=password][aria-invalid=true]');
  assert.ok((await page.textContent('#register-form .field-error')).length > 0, 'the password rule is shown under the field');
  await form.getByLabel('Password').fill(password);
  await form.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('status').filter({ hasText: 'Check your email to verify your address' }).waitFor();
  assert.match(await page.textContent('#register-done'), /an administrator will then activate your account/);
  await shoot(page, 'signup-done');

  // Not active yet: signing in is refused like a wrong password.
  await page.getByRole('link', { name: 'Back to sign in' }).click();
  page.expectedErrors.push(/status of 401/);
  await fillSignIn(page, username, password);
  await page.waitForFunction(() => document.querySelector('#login-error')?.textContent.length > 0);
  assert.equal(await page.textContent('#login-error'), 'invalid username or password');

  // The link of the email the mail catcher holds verifies the address.
  const link = await verificationLink(email);
  // The server's small HTML page names no icon: the browser's own /favicon.ico is the one 404 allowed.
  const missing = [];
  page.on('response', (r) => { if (r.status() === 404) missing.push(new URL(r.url()).pathname); });
  page.expectedErrors.push(/status of 404/);
  const verified = await page.goto(`${base}${link}`);
  assert.equal(verified.status(), 200, `the verification link answers 200: ${await verified.text()}`);
  assert.match(await page.textContent('body'), /confirmed|verified/i);
  // Used once: the same link no longer works.
  const again = await fetch(`${base}${link}`, { headers: { Accept: 'application/json' } });
  assert.equal(again.status, 422, 'a verification link works once');
  // Verified, still not active.
  await fillSignIn(page, username, password);
  await page.waitForFunction(() => document.querySelector('#login-error')?.textContent.length > 0);
  assert.equal(await page.textContent('#login-error'), 'invalid username or password');
  assert.deepEqual(missing.filter((p) => p !== '/favicon.ico'), [], 'nothing but the icon is missing');
  await close(page);

  // The admin finds the account among the pending ones and activates it as a retailer at RET-ANDHERI.
  const admin = await openPage();
  await signIn(admin, 'admin');
  await admin.getByRole('link', { name: 'Pending accounts' }).first().click();
  await admin.locator('#pending-panel').getByLabel('Search').fill(username);
  const pending = admin.locator(`#pending-accounts tbody tr[data-user="${username}"]`);
  await pending.waitFor({ timeout: 15000 });
  assert.equal(await pending.getAttribute('data-verified'), 'yes');
  assert.match(await pending.textContent(), /retailer/);
  assert.match(await pending.textContent(), /RET-ANDHERI/);
  assert.match(await pending.textContent(), /Browser test sign-up/);
  await shoot(admin, 'admin-pending-accounts');
  await pending.getByRole('button', { name: `Activate ${username}` }).click();
  const dialog = admin.getByRole('dialog');
  await dialog.getByLabel('Role').selectOption('retailer');
  await dialog.getByLabel('Location').selectOption({ label: 'Andheri Retail Store (RET-ANDHERI)' });
  await dialog.getByRole('button', { name: 'Activate account' }).click();
  await admin.getByText(`${username} activated as retailer`).waitFor();
  await pending.waitFor({ state: 'detached' });
  await close(admin);

  // Now they sign in, as a retailer of the store, on its dashboard.
  const person = await openPage();
  await signIn(person, username, password);
  assert.equal(await person.textContent('#role'), 'retailer');
  assert.match(await person.textContent('#location'), /RET-ANDHERI/);
  await person.waitForSelector('#sale-panel');
  await shoot(person, 'signup-signed-in');
  await close(person);
});

test('a retailer signs in on the PIN pad of a tablet, sells to a new customer and signs out', async () => {
  await ensureAvailable('FG-SOAP-100', 'RET-ANDHERI', 1);
  const retailer = await apiAs('retailer');
  const set = await retailer.call('PUT', '/users/me/pin', { pin: '2580', password: PASSWORD });
  assert.equal(set.status, 204, JSON.stringify(set.body));

  const page = await openPage(TABLET);
  await page.goto(`${base}/pin`);
  await page.waitForSelector('#pin-view');
  await page.getByLabel('Location code').fill('RET-ANDHERI');
  await page.getByLabel('Username').fill('retailer');
  const keypad = page.getByRole('group', { name: 'PIN keypad' });
  const key = (name) => keypad.getByRole('button', { name, exact: true });

  // Keys big enough for a finger, and nothing wider than the tablet.
  for (const name of ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', 'Delete last digit', 'Sign in']) {
    const box = await key(name).boundingBox();
    assert.ok(box && box.height >= 56 && box.width >= 56, `the ${name} key is ${box?.width}×${box?.height}`);
  }
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= TABLET.width, 'the PIN pad scrolls sideways');

  // A wrong PIN (typed on the keyboard) says why; the PIN is shown as dots only.
  await page.locator('#pin-title').click();
  await page.keyboard.type('1111');
  assert.equal(await page.getAttribute('#pin-dots', 'data-length'), '4');
  assert.equal(await page.locator('#pin-view').getByText('1111').count(), 0);
  page.expectedErrors.push(/status of 401/);
  await key('Sign in').click();
  await page.waitForFunction(() => document.querySelector('#pin-error')?.textContent.length > 0);
  assert.equal(await page.getAttribute('#pin-dots', 'data-length'), '0', 'a refused PIN is cleared');

  // The right PIN, tapped.
  for (const d of ['2', '5', '8', '9']) await key(d).tap();
  await key('Delete last digit').tap();
  await key('0').tap();
  assert.equal(await page.getAttribute('#pin-dots', 'data-length'), '4');
  await shoot(page, 'pin-pad-tablet');
  await key('Sign in').tap();
  await page.waitForSelector('#home-view[data-role=retailer][data-shop-floor=true]', { timeout: 15000 });
  assert.match(await page.textContent('#shop-floor-notice'), /Shop-floor session — signs out in 30 min/);
  assert.equal(await page.textContent('#who'), 'retailer');
  await page.waitForSelector('#sale-panel');
  // The terminal remembers where it is and who used it last; the token is not kept there.
  assert.equal(await page.evaluate(() => localStorage.getItem('ims.pin.location_code')), 'RET-ANDHERI');
  assert.equal(await page.evaluate(() => localStorage.getItem('ims.pin.username')), 'retailer');
  assert.ok(!(await page.evaluate(() => JSON.stringify(localStorage))).includes('eyJ'), 'no token in localStorage');
  await page.waitForSelector('#live.on', { timeout: 15000 });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= TABLET.width, 'the dashboard scrolls sideways on the tablet');

  // A sale to a new customer, made with it.
  const phone = `9${String(Date.now()).slice(-9)}`;
  const name = `PIN pad customer ${phone}`;
  const sale = page.locator('#sale-form');
  const soap = await page.$eval('#sale-product', (s) => [...s.options].find((o) => o.textContent.startsWith('FG-SOAP-100')).value);
  await page.selectOption('#sale-product', soap);
  await sale.getByLabel('Quantity').fill('1');
  await sale.getByRole('button', { name: 'New customer…' }).tap();
  await sale.getByLabel('Customer name').fill(name);
  await sale.getByLabel('Customer phone').fill(phone);
  await sale.getByRole('button', { name: 'Sell' }).tap();
  await page.waitForFunction(() => document.querySelector('#sale-result')?.dataset.number, null, { timeout: 15000 });
  const number = await page.$eval('#sale-result', (e) => e.dataset.number);
  const order = page.locator(`#orders tbody tr[data-order="${number}"]`);
  await order.waitFor({ timeout: 15000 });
  await eventually(`${number} names its customer`, async () => (await order.textContent()).includes(name), 15000);
  await shoot(page, 'pin-pad-sale');

  // The customer is on the Customers page, with the order in their history.
  await page.getByRole('link', { name: 'Customers' }).tap();
  await page.locator('#customers-panel').getByLabel('Search').fill(phone);
  const customer = page.locator(`#customers tbody tr[data-phone="${phone}"]`);
  await customer.waitFor({ timeout: 15000 });
  await customer.getByRole('button', { name }).click();
  await page.getByRole('dialog').locator(`#customer-orders tbody tr[data-order="${number}"]`).waitFor({ timeout: 15000 });
  await page.keyboard.press('Escape');
  await page.waitForSelector('#customer-detail', { state: 'detached' });

  // Signing out returns to the PIN pad, with the terminal's location and last user still filled in.
  await page.getByRole('button', { name: 'Sign out' }).tap();
  await page.waitForSelector('#pin-view');
  assert.equal(new URL(page.url()).pathname, '/pin');
  assert.equal(await page.getByLabel('Location code').inputValue(), 'RET-ANDHERI');
  assert.equal(await page.getByLabel('Username').inputValue(), 'retailer');
  // Signed out for real: a reload stays on the PIN pad.
  await page.reload();
  await page.waitForSelector('#pin-view');
  assert.equal(await page.isVisible('#home-view'), false);
  await close(page);
});
