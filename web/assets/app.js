// Sign-in and the location dashboard: orders, stock and daily sales of the signed-in user's scope,
// kept current by the live feed (/api/v1/events). Tokens live in sessionStorage. The page hides
// what a role cannot do; the server decides.
const api = (path, options = {}) => {
  const token = sessionStorage.getItem("ims.access_token");
  const headers = { "Content-Type": "application/json", ...(options.headers || {}) };
  if (token) headers.Authorization = `Bearer ${token}`;
  return fetch(`/api/v1${path}`, { ...options, headers });
};
const $ = (id) => document.getElementById(id);
const cell = (text, cls) => {
  const td = document.createElement("td");
  td.textContent = text ?? "—";
  if (cls) td.className = cls;
  return td;
};

let me = null;
let feed = null;
let refreshTimer = null;

async function loadOrders() {
  const res = await api("/orders?limit=20");
  if (!res.ok) return;
  const body = $("orders").querySelector("tbody");
  body.replaceChildren();
  for (const o of (await res.json()).items) {
    const tr = document.createElement("tr");
    tr.dataset.orderId = o.id;
    tr.append(cell(o.number), cell(o.kind));
    const status = cell("");
    const badge = document.createElement("span");
    badge.className = `status ${o.status}`;
    badge.textContent = o.status;
    status.append(badge);
    tr.append(status, cell(o.total, "num"), cell(o.created_at.replace("T", " ").slice(0, 16)));
    body.append(tr);
  }
}

async function loadStock() {
  const query = me.location ? `?location_id=${me.location.id}&limit=200` : "?limit=200";
  const res = await api(`/stock${query}`);
  if (!res.ok) return;
  const body = $("stock").querySelector("tbody");
  body.replaceChildren();
  for (const s of (await res.json()).items) {
    const tr = document.createElement("tr");
    tr.dataset.productId = s.product_id;
    tr.append(cell(s.sku), cell(s.lot_code), cell(s.expires_on), cell(String(s.on_hand), "num"),
              cell(String(s.available), "num available"));
    body.append(tr);
  }
}

// Revenue per day as bars, the last 14 days.
async function loadSales() {
  const from = new Date(Date.now() - 13 * 86400000).toISOString().slice(0, 10);
  const res = await api(`/sales/daily?from=${from}`);
  if (!res.ok) return;
  const byDay = new Map();
  for (const d of (await res.json()).items) byDay.set(d.day, (byDay.get(d.day) || 0) + Number(d.revenue));
  const days = [...Array(14).keys()].map((i) => new Date(Date.now() - (13 - i) * 86400000).toISOString().slice(0, 10));
  const max = Math.max(1, ...days.map((d) => byDay.get(d) || 0));
  const svg = $("sales-chart");
  svg.replaceChildren();
  const ns = "http://www.w3.org/2000/svg";
  days.forEach((day, i) => {
    const value = byDay.get(day) || 0;
    const h = Math.round((value / max) * 120);
    const bar = document.createElementNS(ns, "rect");
    Object.entries({ x: 10 + i * 49, y: 130 - h, width: 36, height: h }).forEach(([k, v]) => bar.setAttribute(k, v));
    bar.dataset.day = day;
    bar.dataset.revenue = value.toFixed(2);
    const title = document.createElementNS(ns, "title");
    title.textContent = `${day}: ${value.toFixed(2)}`;
    bar.append(title);
    const label = document.createElementNS(ns, "text");
    label.setAttribute("x", 10 + i * 49);
    label.setAttribute("y", 148);
    label.textContent = day.slice(5);
    svg.append(bar, label);
  });
}

async function loadProducts() {
  const res = await api("/products?kind=finished_good&limit=200");
  if (!res.ok) return;
  const select = $("sale-product");
  select.replaceChildren();
  for (const p of (await res.json()).items) {
    if (!p.is_active) continue;
    const option = document.createElement("option");
    option.value = p.id;
    option.textContent = `${p.sku} — ${p.name} (${p.price})`;
    select.append(option);
  }
}

// Several events arrive together (an order and its stock change): one refresh for all of them.
function refreshSoon(what) {
  refreshTimer ??= setTimeout(async () => {
    refreshTimer = null;
    await Promise.all([loadOrders(), loadStock(), what.sales ? loadSales() : null]);
  }, 150);
}

async function renewToken() {
  const res = await api("/auth/refresh", {
    method: "POST",
    body: JSON.stringify({ refresh_token: sessionStorage.getItem("ims.refresh_token") }),
  });
  if (!res.ok) { sessionStorage.clear(); showLogin(); return false; }
  const body = await res.json();
  sessionStorage.setItem("ims.access_token", body.access_token);
  sessionStorage.setItem("ims.refresh_token", body.refresh_token);
  return true;
}

function connectFeed() {
  feed?.close();
  const token = sessionStorage.getItem("ims.access_token");
  feed = new EventSource(`/api/v1/events?access_token=${encodeURIComponent(token)}`);
  feed.onopen = () => { $("live").textContent = "live"; $("live").className = "badge on"; };
  feed.onerror = async () => {
    $("live").textContent = "reconnecting";
    $("live").className = "badge off";
    // The stream ends with the access token; EventSource then gives up, so renew and reconnect.
    if (feed.readyState === EventSource.CLOSED && (await renewToken())) connectFeed();
  };
  const canSeeSales = ["retailer", "stockist", "manufacturer", "admin"].includes(me.role);
  for (const type of ["order.created", "order.confirmed", "order.rejected", "order.status_changed"]) {
    feed.addEventListener(type, () => refreshSoon({ sales: canSeeSales }));
  }
  feed.addEventListener("stock.changed", () => refreshSoon({ sales: false }));
}

async function showHome() {
  const res = await api("/auth/me");
  if (!res.ok) { sessionStorage.clear(); return showLogin(); }
  me = await res.json();
  $("who").textContent = me.username;
  $("role").textContent = me.role;
  $("location").textContent = me.location ? `${me.location.name} (${me.location.code})` : "all locations";
  $("login-view").classList.add("hidden");
  $("home-view").classList.remove("hidden");
  const sells = ["retailer", "stockist"].includes(me.role);
  const seesSales = sells || ["manufacturer", "admin"].includes(me.role);
  $("sale-panel").classList.toggle("hidden", !sells);
  $("sales-panel").classList.toggle("hidden", !seesSales);
  await Promise.all([loadOrders(), loadStock(), seesSales ? loadSales() : null, sells ? loadProducts() : null]);
  connectFeed();
}

function showLogin() {
  feed?.close();
  feed = null;
  $("home-view").classList.add("hidden");
  $("login-view").classList.remove("hidden");
}

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const res = await api("/auth/login", {
    method: "POST",
    body: JSON.stringify({ username: form.get("username"), password: form.get("password") }),
  });
  const body = await res.json();
  if (!res.ok) { $("login-error").textContent = body.detail; return; }
  sessionStorage.setItem("ims.access_token", body.access_token);
  sessionStorage.setItem("ims.refresh_token", body.refresh_token);
  $("login-error").textContent = "";
  showHome();
});

$("sale-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const res = await api("/orders", {
    method: "POST",
    body: JSON.stringify({
      kind: "sale",
      seller_location_id: me.location.id,
      lines: [{ product_id: Number(form.get("product_id")), quantity: Number(form.get("quantity")) }],
    }),
  });
  const body = await res.json();
  if (!res.ok) {
    $("sale-error").textContent = body.errors?.length ? `${body.errors[0].field}: ${body.errors[0].message}` : body.detail;
    return;
  }
  $("sale-error").textContent = "";
  $("sale-result").textContent = `Placed ${body.number}`;
  $("sale-result").dataset.number = body.number;
  await loadOrders();  // pending at once; the feed turns it confirmed or rejected
});

$("logout").addEventListener("click", async () => {
  await api("/auth/logout", { method: "POST", body: JSON.stringify({ refresh_token: sessionStorage.getItem("ims.refresh_token") }) });
  sessionStorage.clear();
  showLogin();
});

if (sessionStorage.getItem("ims.access_token")) showHome();
