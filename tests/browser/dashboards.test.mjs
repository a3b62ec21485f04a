// Every role's dashboard in headless Chromium (Debian's), driven by playwright-core, against the
// running stack of scripts/test: what the people who use IMS see and do, end to end, with the stock
// worker, the live feed and the other workers doing their part for real.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { base } from './chromium.mjs';
import {
  PASSWORD, DESKTOP, artifacts, closeBrowser, apiAs, ensureAvailable, openPage as openPageOf, close, signIn, shoot,
} from './fixtures.mjs';

const PHONE = { width: 390, height: 844 };
after(closeBrowser);
// Pages here accept downloads (the report test saves one).
const openPage = (viewport = DESKTOP) => openPageOf(viewport, { acceptDownloads: true });

// ------------------------------------------------------------------ the browser

const row = (page, table, attr, value) => page.locator(`#${table} tbody tr[data-${attr}="${value}"]`);
async function waitForStatus(page, table, attr, value, status, timeout = 20000) {
  await page.waitForSelector(`#${table} tbody tr[data-${attr}="${value}"][data-status="${status}"]`, { timeout });
}
/** Sum of a stock figure over the rows of one SKU shown in the stock table. */
async function stockOf(page, sku, figure = 'on-hand') {
  return page.$$eval(`#stock tbody tr[data-sku="${sku}"]`, (rows, f) => rows.reduce((s, r) => s + Number(r.dataset[f === 'on-hand' ? 'onHand' : 'available']), 0), figure);
}

/** At phone width the page itself never scrolls sideways, and the main table's rows are on screen. */
async function assertFitsPhone(page, table) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page overflows a 390-px screen by ${overflow}px`);
  const first = page.locator(`#${table} tbody tr`).first();
  await first.scrollIntoViewIfNeeded();
  const box = await first.boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= PHONE.width + 1, `#${table}'s rows do not fit the phone's width`);
  const buttons = first.locator('button');
  for (let i = 0; i < await buttons.count(); i++) {
    const b = await buttons.nth(i).boundingBox();
    assert.ok(b && b.x >= 0 && b.x + b.width <= PHONE.width + 1, `an action of #${table} is off screen at 390 px`);
  }
}

// ------------------------------------------------------------------ the tests

test('the dashboards are served with content types, the strict CSP and caching by content hash', async () => {
  const index = await fetch(`${base}/`);
  assert.equal(index.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(index.headers.get('cache-control'), 'no-cache', 'index.html is checked on every load');
  assert.match(index.headers.get('content-security-policy') ?? '', /script-src 'self'.*style-src 'self'/);
  const html = await index.text();
  assert.doesNotMatch(html, /<script>|<style|style=/, 'no inline script or style');
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
  assert.equal(assets.length, 2, `one script and one stylesheet: ${assets}`);
  for (const a of assets) {
    assert.match(a, /-[A-Z0-9]{8}\.(js|css)$/, `${a} carries its content hash`);
    const r = await fetch(`${base}${a}`);
    assert.equal(r.status, 200, a);
    assert.equal(r.headers.get('content-type'), a.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8');
    assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  }
});

const HOMES = {
  retailer: {
    table: 'stock',
    check: async (p) => {
      await p.selectOption('#stock-panel select[name=stock-product]', { label: 'FG-SOAP-100' });
      await p.waitForSelector('#stock tbody tr[data-sku="FG-SOAP-100"]');
      assert.ok(await stockOf(p, 'FG-SOAP-100') > 0, 'the retailer sees its soap in stock');
    },
  },
  stockist: { table: 'stock', check: async (p) => assert.ok(await p.locator('#stock tbody tr').count() > 0, 'the stockist sees its stock') },
  cfa: { table: 'stock', check: async (p) => assert.ok(await p.locator('#stock tbody tr').count() > 0, 'the CFA sees its stock') },
  manufacturer: {
    table: 'batches',
    check: async (p) => {
      // The charts load apart from the tables: wait for their data.
      await p.waitForFunction(() => ['#materials-chart', '#finished-chart'].every((c) => JSON.parse(document.querySelector(`${c} .chart-box`)?.dataset.labels || '[]').length > 0));
      const labels = JSON.parse(await p.getAttribute('#materials-chart .chart-box', 'data-labels'));
      assert.ok(labels.includes('RM-GLYCERIN'), `raw materials chart shows the demo materials: ${labels}`);
      const locations = JSON.parse(await p.getAttribute('#finished-chart .chart-box', 'data-labels'));
      assert.ok(locations.includes('FACTORY-01') && locations.includes('RET-ANDHERI'), `finished goods by location: ${locations}`);
      assert.ok(await p.locator('#materials-chart .u-axis').count() >= 2, 'the chart has axes');
    },
  },
  admin: { table: 'users', check: async (p) => assert.equal(await row(p, 'users', 'user', 'retailer').count(), 1, 'the admin sees the demo users') },
};

test('each demo user signs in to their own dashboard with demo data, on a desktop and on a phone', async () => {
  // The manufacturer's main table is its batches; the demo set has none, so one is planned first.
  const maker = await apiAs('manufacturer');
  if ((await maker.call('GET', '/production/batches?limit=1')).body.items.length === 0) {
    const products = (await maker.call('GET', '/products?limit=50')).body.items;
    const factory = (await maker.call('GET', '/auth/me')).body.location.id;
    const planned = await maker.call('POST', '/production/batches', {
      product_id: products.find((p) => p.sku === 'FG-SOAP-100').id, location_id: factory, planned_quantity: 50,
    });
    assert.equal(planned.status, 201, JSON.stringify(planned.body));
  }
  for (const [user, home] of Object.entries(HOMES)) {
    for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
      const page = await openPage(viewport);
      await signIn(page, user);
      assert.equal(await page.getAttribute('#home-view', 'data-role'), user);
      assert.equal(await page.textContent('#who'), user);
      await page.waitForSelector(`#${home.table} tbody tr`, { timeout: 15000 });
      await home.check(page);
      // Tokens live in memory and sessionStorage, never in localStorage.
      assert.equal(await page.evaluate(() => localStorage.length), 0);
      await page.waitForTimeout(300);  // charts and late panels settle before the picture
      if (size === 'phone') await assertFitsPhone(page, home.table);
      await shoot(page, `${user}-${size}`);
      await close(page);
    }
  }
});

test('a retailer sells, sees the sale confirmed live, ships it and sees the stock fall', async () => {
  await ensureAvailable('FG-SOAP-100', 'RET-ANDHERI', 2);
  const page = await openPage();
  await signIn(page, 'retailer');
  await page.selectOption('#stock-panel select[name=stock-product]', { label: 'FG-SOAP-100' });  // every lot of it
  await page.waitForSelector('#stock tbody tr[data-sku="FG-SOAP-100"]');
  await page.waitForFunction(() => [...document.querySelectorAll('#stock tbody tr')].every((r) => r.dataset.sku === 'FG-SOAP-100'));
  const before = await stockOf(page, 'FG-SOAP-100');
  const soap = await page.$eval('#sale-product', (s) => [...s.options].find((o) => o.textContent.startsWith('FG-SOAP-100')).value);
  await page.selectOption('#sale-product', soap);
  await page.fill('#sale-form input[name=quantity]', '2');
  await page.fill('#sale-form input[name=customer]', 'Browser test customer');
  await page.click('#sale-form button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#sale-result').dataset.number, null, { timeout: 10000 });
  const number = await page.$eval('#sale-result', (e) => e.dataset.number);
  // The stock worker confirms it; the page learns it from /events, no reload.
  await waitForStatus(page, 'orders', 'order', number, 'confirmed');
  await row(page, 'orders', 'order', number).getByRole('button', { name: 'Ship' }).click();
  await waitForStatus(page, 'orders', 'order', number, 'shipped');
  await page.waitForFunction((want) => [...document.querySelectorAll('#stock tbody tr[data-sku="FG-SOAP-100"]')]
    .reduce((s, r) => s + Number(r.dataset.onHand), 0) === want, before - 2, { timeout: 20000 });
  // The day's revenue is on the chart.
  const values = JSON.parse(await page.getAttribute('#sales-chart .chart-box', 'data-values'));
  assert.ok(values[0].at(-1) > 0, 'today has revenue on the sales chart');
  // The search box finds the order by its number (any case) and opens it.
  await page.fill('#search-box', number.toLowerCase());
  await page.locator('#search-results button', { hasText: number }).click();
  await page.getByRole('dialog').getByText('Browser test customer', { exact: false }).waitFor();
  assert.match(await page.getByRole('dialog').textContent(), /FG-SOAP-100/);
  await page.keyboard.press('Escape');
  await shoot(page, 'retailer-after-shipping');
  await close(page);
});

test('a CFA requests stock; the manufacturer sees it live and approves; the CFA completes the transfer', async () => {
  const cfa = await openPage();
  const maker = await openPage();
  await signIn(cfa, 'cfa');
  await signIn(maker, 'manufacturer');
  const reason = `browser test ${Date.now()}`;
  await cfa.selectOption('#request-form select[name=from_location_id]', { label: 'Pune Factory (FACTORY-01)' });
  await cfa.selectOption('#request-form select[name=product_id]', { label: 'FG-SOAP-100 — Neem Soap 100 g' });
  await cfa.fill('#request-form input[name=quantity]', '5');
  await cfa.fill('#request-form input[name=reason]', reason);
  await cfa.click('#request-form button[type=submit]');
  const requestRow = cfa.locator('#requests tbody tr', { hasText: reason });
  await requestRow.waitFor({ timeout: 15000 });
  const number = await requestRow.getAttribute('data-request');

  // On the manufacturer's screen the request appears without a reload.
  const pending = row(maker, 'approvals', 'request', number);
  await pending.waitFor({ timeout: 20000 });
  await pending.getByRole('button', { name: 'Approve' }).click();
  await maker.getByRole('dialog').getByRole('button', { name: 'Approve' }).click();
  await cfa.waitForSelector(`#requests tbody tr[data-request="${number}"]:is([data-status="approved"], [data-status="executed"])`, { timeout: 20000 });

  // The transfer the approval made reaches the CFA's screen; the factory dispatches it; the CFA
  // receives it.
  const cfaApi = await apiAs('cfa');
  const request = (await cfaApi.call('GET', '/requests?limit=200')).body.items.find((r) => r.number === number);
  assert.ok(request?.transfer_id, `request ${number} has its transfer: ${JSON.stringify(request)}`);
  const tnumber = (await cfaApi.call('GET', `/transfers/${request.transfer_id}`)).body.number;
  await waitForStatus(cfa, 'transfers', 'transfer', tnumber, 'pending');
  await row(maker, 'transfers', 'transfer', tnumber).getByRole('button', { name: 'Dispatch' }).click();
  await waitForStatus(cfa, 'transfers', 'transfer', tnumber, 'in_transit');
  await row(cfa, 'transfers', 'transfer', tnumber).getByRole('button', { name: 'Arrived' }).click();
  await waitForStatus(cfa, 'transfers', 'transfer', tnumber, 'arrived');
  await row(cfa, 'transfers', 'transfer', tnumber).getByRole('button', { name: 'Receive…' }).click();
  await cfa.click('#receive-form button[type=submit]');
  await waitForStatus(cfa, 'transfers', 'transfer', tnumber, 'completed');
  await shoot(cfa, 'cfa-transfer-completed');
  await close(cfa);
  await close(maker);
});

test('a store previews the label of a lot, and the printed barcode reads back', async () => {
  const page = await openPage();
  await signIn(page, 'retailer');
  await page.selectOption('#stock-panel select[name=stock-product]', { label: 'FG-SOAP-100' });
  await page.waitForFunction(() => [...document.querySelectorAll('#stock tbody tr')].length > 0
    && [...document.querySelectorAll('#stock tbody tr')].every((r) => r.dataset.sku === 'FG-SOAP-100'));
  await page.locator('#stock tbody tr').first().getByRole('button', { name: /^Label for FG-SOAP-100/ }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Symbology').selectOption('qr');
  await dialog.getByRole('button', { name: 'Preview' }).click();
  // The QR render (not the GS1-128 one the dialog opened with) is on screen.
  const image = dialog.locator('img[data-symbology="qr"]');
  await image.waitFor({ timeout: 20000 });
  const src = await image.getAttribute('src');
  assert.match(src, /^data:image\/png;base64,/, 'the label is shown as a data: image (the CSP allows no blob:)');
  const file = path.join(artifacts, 'lot-label.png');
  writeFileSync(file, Buffer.from(src.slice(src.indexOf(',') + 1), 'base64'));
  const decoded = execFileSync('zbarimg', ['--raw', '-q', file], { encoding: 'utf8' }).trim();
  assert.equal(decoded, (await dialog.locator('figcaption').textContent()).trim(), 'zbarimg reads what the label says');
  assert.match(decoded, /FG-SOAP-100|SOAP|01/);
  assert.equal(await dialog.getByRole('button', { name: 'Print' }).isEnabled(), true);
  await shoot(page, 'retailer-label-preview');
  await page.keyboard.press('Escape');
  await close(page);
});

test('the manufacturer plans, starts and completes a batch; a batch short of material names what is missing', async () => {
  // The demo set has no bills of materials: give the cream one (idempotent).
  const maker = await apiAs('manufacturer');
  const products = (await maker.call('GET', '/products?limit=50')).body.items;
  const id = (sku) => products.find((p) => p.sku === sku).id;
  const bom = await maker.call('PUT', `/products/${id('FG-CREAM-50')}/bom`, {
    lines: [{ material_id: id('RM-GLYCERIN'), quantity_per_unit: 0.05 }, { material_id: id('RM-WRAPPER'), quantity_per_unit: 1 }],
  });
  assert.equal(bom.status, 200, JSON.stringify(bom.body));

  const page = await openPage();
  await signIn(page, 'manufacturer');
  const plan = async (quantity) => {
    const known = new Set(await page.$$eval('#batches tbody tr', (rows) => rows.map((r) => r.dataset.batch)));
    await page.selectOption('#plan-form select[name=product_id]', { label: 'FG-CREAM-50 — Aloe Cream 50 g' });
    await page.fill('#plan-form input[name=planned_quantity]', String(quantity));
    await page.click('#plan-form button[type=submit]');
    await page.waitForFunction((k) => [...document.querySelectorAll('#batches tbody tr')].some((r) => !k.includes(r.dataset.batch)), [...known]);
    return page.$$eval('#batches tbody tr', (rows, k) => rows.find((r) => !k.includes(r.dataset.batch)).dataset.batch, [...known]);
  };

  const batch = await plan(4);
  await row(page, 'batches', 'batch', batch).getByRole('button', { name: 'Start' }).click();
  await waitForStatus(page, 'batches', 'batch', batch, 'in_progress');
  await row(page, 'batches', 'batch', batch).getByRole('button', { name: 'Complete…' }).click();
  await page.fill('#complete-form input[name=quantity_produced]', '4');
  await page.click('#complete-form button[type=submit]');
  await waitForStatus(page, 'batches', 'batch', batch, 'completed', 30000);

  const big = await plan(1000000);
  await row(page, 'batches', 'batch', big).getByRole('button', { name: 'Start' }).click();
  await waitForStatus(page, 'batches', 'batch', big, 'in_progress');
  await row(page, 'batches', 'batch', big).getByRole('button', { name: 'Complete…' }).click();
  page.expectedErrors.push(/status of 409/);
  await page.click('#complete-form button[type=submit]');
  await page.waitForSelector('#shortages li');
  const missing = await page.$$eval('#shortages li', (items) => items.map((li) => li.dataset.material));
  assert.deepEqual(missing.sort(), ['RM-GLYCERIN', 'RM-WRAPPER']);
  assert.match(await page.textContent('#shortages'), /short by/);
  await shoot(page, 'manufacturer-shortage');
  await page.getByRole('dialog').getByRole('button', { name: 'Back' }).click();
  await waitForStatus(page, 'batches', 'batch', big, 'in_progress');  // nothing was booked
  await close(page);
});

test('the admin downloads a stock valuation, creates a user and edits a schedule', async () => {
  const page = await openPage();
  await signIn(page, 'admin');

  await page.getByRole('link', { name: 'Reports' }).click();
  await page.selectOption('#report-form select[name=type]', 'stock_valuation');
  await page.selectOption('#report-form select[name=format]', 'csv');
  const [requested] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/reports') && r.request().method() === 'POST'),
    page.click('#report-form button[type=submit]'),
  ]);
  const report = await requested.json();
  // Listed at once as pending, then ready when the reports worker has made it.
  await page.waitForSelector(`#reports tbody tr[data-report="${report.id}"][data-status="ready"]`, { timeout: 30000 });
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    row(page, 'reports', 'report', report.id).getByRole('button', { name: 'Download' }).click(),
  ]);
  const saved = path.join(artifacts, file.suggestedFilename());
  await file.saveAs(saved);
  const csv = readFileSync(saved, 'utf8');
  assert.match(csv.split('\n')[0], /sku/i, 'the valuation has a header row');
  assert.ok(csv.includes('FG-SOAP-100'), 'the valuation lists the demo products');

  await page.getByRole('link', { name: 'Users' }).click();
  const username = `clerk${Date.now() % 1000000}`;
  await page.fill('#user-form input[name=username]', username);
  await page.fill('#user-form input[name=email]', `${username}@example.com`);
  await page.fill('#user-form input[name=password]', 'short');
  await page.selectOption('#user-form select[name=role]', 'retailer');
  await page.selectOption('#user-form select[name=location_id]', { label: 'Andheri Retail Store (RET-ANDHERI)' });
  page.expectedErrors.push(/status of 422/);
  await page.click('#user-form button[type=submit]');
  // The server's field error is shown next to its field.
  await page.waitForSelector('#user-form input[name=password][aria-invalid=true]');
  assert.ok((await page.textContent('#user-form .field-error')).length > 0);
  await page.fill('#user-form input[name=password]', 'a-long-enough-password-1');
  await page.click('#user-form button[type=submit]');
  await page.getByText(`User ${username} created`).waitFor();
  await page.getByLabel('Search', { exact: true }).fill(username);
  await row(page, 'users', 'user', username).waitFor({ timeout: 10000 });

  await page.getByRole('link', { name: 'Schedules' }).click();
  const job = page.locator('#schedules tbody tr').first();
  await job.waitFor();
  const name = await job.getAttribute('data-schedule');
  await job.getByRole('button', { name: 'Edit' }).click();
  await page.fill('#schedule-form input[name=cron]', '17 3 * * *');
  await page.click('#schedule-form button[type=submit]');
  await page.waitForFunction((n) => document.querySelector(`#schedules tr[data-schedule="${n}"] code`)?.textContent === '17 3 * * *', name);
  await shoot(page, 'admin-schedules');
  await close(page);
});

test("a retailer's browser never receives another location's orders, even with edited requests", async () => {
  const stockist = await apiAs('stockist');
  const soap = (await stockist.call('GET', '/products?q=FG-SOAP-100')).body.items[0];
  const stockistHome = (await stockist.call('GET', '/auth/me')).body.location.id;
  const retailer = await apiAs('retailer');
  const retailerHome = (await retailer.call('GET', '/auth/me')).body.location.id;
  const other = await stockist.call('POST', '/orders', { kind: 'sale', seller_location_id: stockistHome, lines: [{ product_id: soap.id, quantity: 1 }] });
  assert.equal(other.status, 202, JSON.stringify(other.body));

  const page = await openPage();
  await signIn(page, 'retailer');
  // The list, asked for the stockist's location, holds none of its orders.
  await page.route('**/api/v1/orders?*', (route) => {
    const url = new URL(route.request().url());
    url.searchParams.set('location_id', String(other.body.seller_location_id));
    route.continue({ url: url.toString() });
  });
  const [list] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('/api/v1/orders?') && r.url().includes('kind=sale')),
    page.selectOption('#orders-panel select >> nth=0', 'sale'),
  ]);
  assert.equal(list.status(), 200);
  assert.match(list.url(), new RegExp(`location_id=${other.body.seller_location_id}`), 'the request was edited');
  const listed = await list.json();
  for (const o of listed.items) {
    assert.ok(o.seller_location_id === retailerHome || o.buyer_location_id === retailerHome, `the retailer received ${o.number}`);
  }
  assert.equal(await row(page, 'orders', 'order', other.body.number).count(), 0);

  // One order of its own, asked for by the stockist's order id: 404, and the screen says so.
  await page.unroute('**/api/v1/orders?*');
  const mine = await retailer.call('POST', '/orders', { kind: 'sale', seller_location_id: retailerHome, lines: [{ product_id: soap.id, quantity: 1 }] });
  await page.selectOption('#orders-panel select >> nth=0', '');
  await row(page, 'orders', 'order', mine.body.number).waitFor({ timeout: 15000 });
  await page.route(`**/api/v1/orders/${mine.body.id}`, (route) => route.continue({ url: `${base}/api/v1/orders/${other.body.id}` }));
  page.expectedErrors.push(/status of 404/);
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/api/v1/orders/${other.body.id}`)),
    row(page, 'orders', 'order', mine.body.number).getByRole('button', { name: mine.body.number, exact: true }).click(),
  ]);
  assert.equal(answer.status(), 404);
  assert.ok(!(await answer.text()).includes(other.body.number));
  await page.getByRole('dialog').locator('.error').waitFor();
  await close(page);
});

test('an ended session returns to sign-in with a message, never a blank page', async () => {
  const admin = await apiAs('admin');
  const store = (await admin.call('GET', '/locations?limit=200')).body.items.find((l) => l.code === 'RET-ANDHERI');
  const username = `temp${Date.now() % 1000000}`;
  const made = await admin.call('POST', '/users', { username, email: `${username}@example.com`, password: 'a-long-enough-password-1', role: 'retailer', location_id: store.id });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const page = await openPage();
  await signIn(page, username, 'a-long-enough-password-1');
  // An admin deactivates the account: every session of it ends at once.
  assert.equal((await admin.call('PATCH', `/users/${made.body.id}/status`, { is_active: false })).status, 200);
  page.expectedErrors.push(/status of 401/);
  await page.click('#sale-form button[type=submit]');
  await page.waitForSelector('#session-message', { timeout: 15000 });
  assert.match(await page.textContent('#session-message'), /session/i);
  assert.equal(await page.isVisible('#login-form'), true);
  // A reload stays on sign-in (nothing left to restore).
  await page.reload();
  await page.getByLabel('Username').waitFor();
  await close(page);
});
