// The public API, version 1 (/api/v1/, JWT). Tokens live in IndexedDB so the app works offline and
// stays signed in for the refresh token's life.
import * as db from "./db.js";
import { language } from "./i18n.js";

const BASE = "/api/v1/";

export class SignInNeeded extends Error {}

// The service answered, but not with what was asked (a refresh met a 503, say): status and Retry-After.
export class Unanswered extends Error {
  constructor(status, retryAfter) {
    super(`answered ${status}`);
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

function expiresAt(token) {
  try {
    const payload = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    return payload.exp * 1000;
  } catch {
    return 0;
  }
}

export async function signIn(username, password) {
  const response = await fetch(BASE + "auth/token/", {
    method: "POST", headers: { "Content-Type": "application/json", "Accept-Language": language() }, cache: "no-store",
    body: JSON.stringify({ username, password }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) return { ok: false, status: response.status, body, retryAfter: response.headers.get("Retry-After") };
  await db.set("tokens", { access: body.access, refresh: body.refresh });
  return { ok: true };
}

// Refresh tokens rotate and the old one is blacklisted, so two tabs must never refresh with the same
// one: the lock makes the second tab wait and pick up the first one's new tokens.
async function withLock(name, task) {
  if (navigator.locks) return navigator.locks.request(name, task);
  return task();
}

async function refreshed(stale) {
  return withLock("icv-refresh", async () => {
    const tokens = await db.get("tokens");
    if (!tokens) throw new SignInNeeded();
    if (tokens.access !== stale && expiresAt(tokens.access) > Date.now() + 30000) return tokens.access;
    const response = await fetch(BASE + "auth/token/refresh/", {
      method: "POST", headers: { "Content-Type": "application/json", "Accept-Language": language() }, cache: "no-store",
      body: JSON.stringify({ refresh: tokens.refresh }),
    });
    if (response.status === 401 || response.status === 400) {
      await db.set("tokens", { ...tokens, expired: true });
      throw new SignInNeeded();
    }
    if (!response.ok) throw new Unanswered(response.status, response.headers.get("Retry-After"));
    const body = await response.json();
    await db.set("tokens", { access: body.access, refresh: body.refresh || tokens.refresh });
    return body.access;
  });
}

async function accessToken() {
  const tokens = await db.get("tokens");
  if (!tokens || tokens.expired) throw new SignInNeeded();
  if (expiresAt(tokens.access) > Date.now() + 30000) return tokens.access;
  return refreshed(tokens.access);
}

// -> {status, body, headers}. Throws SignInNeeded, or a TypeError when there is no answer at all.
export async function call(method, path, body) {
  const send = (token) => fetch(BASE + path, {
    method, cache: "no-store",
    // The service answers its messages in the language the volunteer chose.
    headers: { "Authorization": `Bearer ${token}`, "Accept-Language": language(),
      ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  let token = await accessToken();
  let response = await send(token);
  if (response.status === 401) {
    token = await refreshed(token);
    response = await send(token);
    if (response.status === 401) throw new SignInNeeded();
  }
  const text = await response.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = null; }
  return { status: response.status, body: parsed, headers: response.headers };
}

export async function all(path) {
  const sep = path.includes("?") ? "&" : "?";
  const answer = await call("GET", `${path}${sep}page_size=200`);
  if (answer.status !== 200) throw new Error(`${path} answered ${answer.status}`);
  return answer.body.results;
}
