// Sign-in page: logs in through the API and shows who you are. Tokens live in sessionStorage.
const api = (path, options = {}) => {
  const token = sessionStorage.getItem("ims.access_token");
  const headers = { "Content-Type": "application/json", ...(options.headers || {}) };
  if (token) headers.Authorization = `Bearer ${token}`;
  return fetch(`/api/v1${path}`, { ...options, headers });
};

async function showHome() {
  const res = await api("/auth/me");
  if (!res.ok) { sessionStorage.clear(); return showLogin(); }
  const me = await res.json();
  document.getElementById("who").textContent = me.username;
  document.getElementById("role").textContent = me.role;
  document.getElementById("location").textContent = me.location ? `${me.location.name} (${me.location.code})` : "—";
  document.getElementById("login-view").classList.add("hidden");
  document.getElementById("home-view").classList.remove("hidden");
}

function showLogin() {
  document.getElementById("home-view").classList.add("hidden");
  document.getElementById("login-view").classList.remove("hidden");
}

document.getElementById("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const res = await api("/auth/login", {
    method: "POST",
    body: JSON.stringify({ username: form.get("username"), password: form.get("password") }),
  });
  const body = await res.json();
  if (!res.ok) { document.getElementById("login-error").textContent = body.detail; return; }
  sessionStorage.setItem("ims.access_token", body.access_token);
  sessionStorage.setItem("ims.refresh_token", body.refresh_token);
  showHome();
});

document.getElementById("logout").addEventListener("click", async () => {
  await api("/auth/logout", { method: "POST", body: JSON.stringify({ refresh_token: sessionStorage.getItem("ims.refresh_token") }) });
  sessionStorage.clear();
  showLogin();
});

if (sessionStorage.getItem("ims.access_token")) showHome();
