// The sign-in page, the location dashboard and the API reference in headless Chromium (Debian's), driven by playwright-core,
// against the running ims-api of the test stack — what a person sees, not what the API returns.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { base, launchChromium } from './chromium.mjs';

const shots = process.env.IMS_DATA_DIR || '/tmp';
let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => { await browser?.close(); });

// The server's Content-Security-Policy allows no inline script or style: whatever the browser
// blocks under it, on any page a test opens (reloads and navigations included), is collected here,
// from the securitypolicyviolation event (listened to before the page's own scripts run) and from
// the console message Chromium writes for it.
const violations = new WeakMap();
async function newPage() {
  const page = await browser.newPage();
  const seen = [];
  violations.set(page, seen);
  await page.exposeBinding('__imsCspViolation', (_source, what) => { seen.push(what); });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__imsCspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile || e.documentURI}:${e.lineNumber}`);
    });
  });
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) seen.push(m.text()); });
  return page;
}
async function assertNoCspViolations(page) {
  await page.evaluate(() => 0);  // lets reports already on their way arrive first
  assert.deepEqual([...new Set(violations.get(page))], [], `Content-Security-Policy violations on ${page.url()}`);
}

test('the sign-in page, the dashboard and the API reference are served with the strict CSP', async () => {
  for (const where of ['/', '/api/docs']) {
    const policy = (await fetch(`${base}${where}`)).headers.get('content-security-policy') ?? '';
    assert.match(policy, /script-src 'self'/, `${where}: no strict Content-Security-Policy header`);
    assert.match(policy, /style-src 'self'/, `${where}: Content-Security-Policy without style-src 'self'`);
    assert.match(policy, /frame-ancestors 'none'/, `${where}: Content-Security-Policy without frame-ancestors 'none'`);
    assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval/, `${where}: Content-Security-Policy allows inline code`);
  }
});

test('a retailer signs in, sees their role and location, and signs out', async () => {
  const page = await newPage();
  await page.goto(`${base}/`);
  await page.fill('input[name=username]', 'retailer');
  await page.fill('input[name=password]', 'demo-password');
  await page.click('button[type=submit]');
  await page.waitForSelector('#home-view', { timeout: 10000 });
  assert.equal(await page.textContent('#who'), 'retailer');
  assert.equal(await page.textContent('#role'), 'retailer');
  assert.match(await page.textContent('#location'), /Andheri Retail Store \(RET-ANDHERI\)/);
  // Tokens live in sessionStorage (gone with the tab), never in localStorage.
  assert.equal(await page.evaluate(() => localStorage.length), 0);
  await page.screenshot({ path: path.join(shots, 'browser-signed-in.png') });
  await page.click('#logout');
  await page.waitForSelector('#login-view');
  // Signed out for real: the page does not come back signed in.
  await page.reload();
  assert.equal(await page.isVisible('#login-view'), true);
  await assertNoCspViolations(page);
  await page.close();
});

test('a wrong password shows why and stays on the form', async () => {
  const page = await newPage();
  await page.goto(`${base}/`);
  await page.fill('input[name=username]', 'stockist');
  await page.fill('input[name=password]', 'not-the-password');
  await page.click('button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#login-error').textContent.length > 0);
  assert.equal(await page.textContent('#login-error'), 'invalid username or password');
  assert.equal(await page.isVisible('#home-view'), false);
  await assertNoCspViolations(page);
  await page.close();
});

test('the API reference renders the OpenAPI document', async () => {
  const page = await newPage();
  await page.goto(`${base}/api/docs`);
  await page.waitForSelector('.swagger-ui .info .title', { timeout: 15000 });
  assert.match(await page.textContent('.swagger-ui .info .title'), /IMS API/);
  await page.waitForSelector('[data-path="/api/v1/stock/adjustments"]');
  // An operation opened, and a token given to Authorize: it stays in memory, not in localStorage.
  await page.click('.opblock-summary:has([data-path="/api/v1/stock/adjustments"])');
  await page.waitForSelector('.opblock.is-open .opblock-body');
  await page.click('.auth-wrapper .authorize');
  await page.fill('.modal-ux input', 'a-token-to-forget');
  await page.click('.modal-ux button.authorize');
  await page.waitForSelector('.modal-ux button:has-text("Logout")');  // authorized
  assert.equal(await page.evaluate(() => localStorage.getItem('authorized')), null);
  await page.screenshot({ path: path.join(shots, 'browser-api-docs.png') });
  await assertNoCspViolations(page);
  await page.close();
});

// Selling from the dashboard, live confirmation and shipping: tests/browser/dashboards.test.mjs
// (which tops the store's stock up first, as earlier tests of the suite may have sold it out).

test('a CFA user sees no sale form and no sales chart', async () => {
  const page = await newPage();
  await page.goto(`${base}/`);
  await page.fill('input[name=username]', 'cfa');
  await page.fill('input[name=password]', 'demo-password');
  await page.click('button[type=submit]');
  await page.waitForSelector('#home-view', { timeout: 10000 });
  await page.waitForSelector('#stock tbody tr', { timeout: 10000 });
  assert.equal(await page.isVisible('#sale-panel'), false);
  assert.equal(await page.isVisible('#sales-panel'), false);
  await assertNoCspViolations(page);
  await page.close();
});
