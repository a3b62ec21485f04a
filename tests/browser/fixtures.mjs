// What the browser tests share: the demo password, the artifacts folder, the API as a fixture
// (signed-in calls, stock topped up), and pages of their own context that collect console errors.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { base, launchChromium } from './chromium.mjs';

export const PASSWORD = 'demo-password';
export const DESKTOP = { width: 1280, height: 800 };
export const artifacts = process.env.IMS_BROWSER_ARTIFACTS || path.join(process.env.IMS_DATA_DIR || '/tmp', 'browser-artifacts');
mkdirSync(artifacts, { recursive: true });

let browser;
/** The one Chromium of this test file, launched on first use; closeBrowser() in after(). */
export async function theBrowser() {
  browser ??= await launchChromium();
  return browser;
}
export async function closeBrowser() { await browser?.close(); browser = undefined; }

// ------------------------------------------------------------------ the API, as a test fixture

/** Signs in through the API; `call(method, path, body)` answers {status, body} (JSON, or the text). */
export async function apiAs(username, password = PASSWORD) {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  assert.equal(res.status, 200, `sign-in of ${username} via the API`);
  const { access_token: token } = await res.json();
  const call = async (method, p, body) => {
    const r = await fetch(`${base}/api/v1${p}`, {
      method, headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    let parsed = null;
    try { parsed = text ? JSON.parse(text) : null; } catch { parsed = text; }
    return { status: r.status, body: parsed };
  };
  return { call };
}

/**
 * Makes sure a location has at least `min` of a product available, topping it up with an admin's
 * stock adjustment (its own lot) when earlier tests of the suite have sold it down.
 */
export async function ensureAvailable(sku, locationCode, min) {
  const admin = await apiAs('admin');
  const product = (await admin.call('GET', `/products?q=${encodeURIComponent(sku)}`)).body.items.find((p) => p.sku === sku);
  const location = (await admin.call('GET', '/locations?limit=200')).body.items.find((l) => l.code === locationCode);
  const available = async () => (await admin.call('GET', `/stock?location_id=${location.id}&product_id=${product.id}&limit=200`))
    .body.items.reduce((sum, s) => sum + Number(s.available), 0);
  if (await available() >= min) return;
  const made = await admin.call('POST', '/stock/adjustments', {
    product_id: product.id, location_id: location.id, quantity_delta: min * 2, reason: 'browser test: stock to sell',
    lot_code: `BT-${Date.now()}`, expires_on: '2031-12-31',
  });
  assert.equal(made.status, 202, JSON.stringify(made.body));
  for (let i = 0; i < 100 && await available() < min; i++) await new Promise((r) => setTimeout(r, 200));
  assert.ok(await available() >= min, `${sku} at ${locationCode} was not topped up`);
}

// ------------------------------------------------------------------ the browser

/** A page of its own context (its own sessionStorage), collecting console errors and page errors. */
export async function openPage(viewport = DESKTOP, options = {}) {
  const context = await (await theBrowser()).newContext({ viewport, ...options });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.problems = problems;
  page.expectedErrors = [];
  return page;
}

/** Console errors other than the failed requests a test provokes on purpose. */
export function assertClean(page) {
  const unexpected = page.problems.filter((p) => !page.expectedErrors.some((re) => re.test(p)));
  assert.deepEqual(unexpected, [], `errors in the browser console on ${page.url()}`);
}

export async function close(page) {
  assertClean(page);
  await page.context().close();
}

/** Fills and sends the sign-in form. */
export async function fillSignIn(page, username, password = PASSWORD) {
  await page.goto(`${base}/`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs in and waits for the role's dashboard with its live feed open. */
export async function signIn(page, username, password = PASSWORD) {
  await fillSignIn(page, username, password);
  await page.waitForSelector('#home-view[data-role]', { timeout: 15000 });
  await page.waitForSelector('#live.on', { timeout: 15000 });
}

export async function shoot(page, name) {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}
