// The send queue. A report leaves it only when the server has confirmed it (201, or 200 for a retry of
// the same client_uuid); every other answer keeps it on the phone with a plain-words state.
import * as api from "./api.js";
import * as db from "./db.js";
// Messages are kept with a report as catalogue keys, so they read in whatever language is chosen later.
import { t } from "./i18n.js";
import { payload } from "./report.js";

// Capped at two minutes: a volunteer waiting in a custody block should not wait five for the next try,
// and coming online or opening the app sends at once anyway. A 503 or 429 says how long to wait.
const BACKOFF_SECONDS = [2, 5, 15, 30, 60, 120];
const LONGEST_WAIT = 3600;  // a Retry-After beyond an hour is not believed; "Send now" is always there
const NO_SIGNAL = "sync.no_signal";
let failures = 0;
let timer = null;
const channel = "BroadcastChannel" in self ? new BroadcastChannel("icv-phone") : null;

export function changed() {
  window.dispatchEvent(new CustomEvent("icv:changed"));
  if (channel) channel.postMessage("changed");
}

if (channel) channel.onmessage = (event) => window.dispatchEvent(new CustomEvent(
  event.data === "signed-out" ? "icv:signed-out" : "icv:changed"));

export function announceSignOut() {
  if (channel) channel.postMessage("signed-out");
}

// Retry-After is seconds or an HTTP date; null when absent or unreadable.
export function retryAfter(value, now = Date.now()) {
  if (!value) return null;
  const seconds = /^\s*\d+\s*$/.test(value) ? Number(value) : (Date.parse(value) - now) / 1000;
  if (!Number.isFinite(seconds)) return null;
  return Math.min(LONGEST_WAIT, Math.max(1, Math.ceil(seconds)));
}

// The plain-words reason a report is still waiting, by what the service answered (0: no answer).
function whyWaiting(status) {
  if (status === 0) return "sync.waiting.no_answer";
  if (status === 503) return "sync.waiting.busy";
  if (status === 429) return "sync.waiting.asked_to_wait";
  return "sync.waiting.problem";
}

function later(seconds) {
  clearTimeout(timer);
  timer = setTimeout(() => send(), seconds * 1000);
}

// -> "sent" | "done" | "sign-in" | {status, wait} when it must be tried again (wait: Retry-After or null).
async function sendOne(row) {
  const path = row.kind === "animal" ? "animal-visits/" : "visits/";
  let answer;
  try {
    answer = await api.call("POST", path, payload(row));
  } catch (error) {
    if (error instanceof api.SignInNeeded) {
      await db.updateReport(row.client_uuid, (r) => ({ ...r, next_try_at: null,
        message: "sync.sign_in_again" }));
      return "sign-in";
    }
    if (error instanceof api.Unanswered) {
      return { status: error.status, wait: [503, 429].includes(error.status) ? retryAfter(error.retryAfter) : null };
    }
    return { status: 0, wait: null };
  }
  const { status, body, headers } = answer;
  if (status === 200 || status === 201) {
    await db.updateReport(row.client_uuid, (r) => ({
      ...r, state: "sent", errors: {}, message: "sync.sent", server_id: body.id, sent_at: new Date().toISOString(),
      access_band: body.access_band || "", timeslot: body.timeslot || null, next_try_at: null,
    }));
    return "sent";
  }
  if (status === 409) {
    await db.updateReport(row.client_uuid, (r) => ({
      ...r, state: "conflict", next_try_at: null, message: "sync.conflict",
    }));
    return "done";
  }
  if (status >= 400 && status < 500 && status !== 429) {
    const errors = body && typeof body === "object" ? body : { detail: t("service.answered", { status }) };
    await db.updateReport(row.client_uuid, (r) => ({
      ...r, state: "fix", errors, next_try_at: null, message: "sync.refused",
    }));
    return "done";
  }
  return { status, wait: [503, 429].includes(status) ? retryAfter(headers.get("Retry-After")) : null };
}

async function drain() {
  const waiting = (await db.reports()).filter((r) => r.state === "queued");
  let again = null;  // {status, wait} of the first report that must wait
  const failed = [];
  for (const candidate of waiting) {
    // Re-read under the lock: another tab may have sent it a moment ago.
    const row = await db.report(candidate.client_uuid);
    if (!row || row.state !== "queued") continue;
    const outcome = await sendOne(row);
    if (outcome === "sign-in") { changed(); window.dispatchEvent(new CustomEvent("icv:sign-in-needed")); return null; }
    if (typeof outcome === "object") {
      failed.push(row.client_uuid);
      again = again || outcome;
      // Busy or no answer: the rest would fare the same, so they wait for the same next try.
      if (outcome.status === 0 || outcome.status === 503 || outcome.status === 429) {
        failed.push(...waiting.map((r) => r.client_uuid).filter((uuid) => !failed.includes(uuid)));
        break;
      }
    }
    changed();
  }
  if (!again) return null;
  const seconds = again.wait ?? BACKOFF_SECONDS[Math.min(failures, BACKOFF_SECONDS.length - 1)];
  failures += 1;
  const next = new Date(Date.now() + seconds * 1000).toISOString();
  for (const uuid of failed) {
    await db.updateReport(uuid, (r) => (r.state === "queued" ? {
      ...r, next_try_at: next, message: whyWaiting(again.status),
    } : null));
  }
  changed();
  return seconds;
}

// Sends whatever waits, at once (the volunteer's "Send now" too), or with whenDue (the app opened or
// shown again) only once the wait the last answer set is over. One tab at a time (Web Locks), so two
// tabs or a double tap send a report once.
// -> false when the phone is offline for certain (nothing was tried), true otherwise.
export async function send({ whenDue = false } = {}) {
  clearTimeout(timer);
  // Offline for certain (onLine can only be trusted when false): wait for the "online" event.
  if (navigator.onLine === false) { await noSignal(); return false; }
  if (!(await db.get("tokens"))) return false;
  if (whenDue) {
    const waits = (await db.reports()).filter((r) => r.state === "queued")
      .map((r) => (r.next_try_at ? Date.parse(r.next_try_at) - Date.now() : 0));
    if (waits.length && Math.min(...waits) > 0) { later(Math.min(...waits) / 1000); return true; }
  }
  const run = navigator.locks ? (task) => navigator.locks.request("icv-send", task) : (task) => task();
  const seconds = await run(drain);
  if (seconds) later(seconds); else failures = 0;
  return true;
}

export async function submit(uuid) {
  await db.updateReport(uuid, (r) => ({ ...r, state: "queued", errors: {}, next_try_at: null,
    message: "sync.sending" }));
  changed();
  failures = 0;
  return send();
}

// No try is planned while the phone is offline: the "online" event sends.
async function noSignal() {
  let moved = false;
  for (const row of await db.reports()) {
    if (row.state !== "queued" || (row.next_try_at === null && row.message === NO_SIGNAL)) continue;
    await db.updateReport(row.client_uuid, (r) => (r.state === "queued" ? { ...r, next_try_at: null, message: NO_SIGNAL } : null));
    moved = true;
  }
  if (moved) changed();
}

let started = false;

export function start() {
  if (started) { send(); return; }
  started = true;
  window.addEventListener("online", () => { failures = 0; send(); });
  // Looking at the phone again is no reason to knock before the service said to.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") send({ whenDue: true });
  });
  send({ whenDue: true });
}
