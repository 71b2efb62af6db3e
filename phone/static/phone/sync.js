// The send queue. A report leaves it only when the server has confirmed it (201, or 200 for a retry of
// the same client_uuid); every other answer keeps it on the phone with a plain-words state.
import * as api from "./api.js";
import * as db from "./db.js";
import { payload } from "./report.js";

const BACKOFF_SECONDS = [2, 5, 15, 30, 60, 120, 300];
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

function later() {
  clearTimeout(timer);
  const seconds = BACKOFF_SECONDS[Math.min(failures, BACKOFF_SECONDS.length - 1)];
  failures += 1;
  timer = setTimeout(() => send(), seconds * 1000);
}

async function sendOne(row) {
  const path = row.kind === "animal" ? "animal-visits/" : "visits/";
  let answer;
  try {
    answer = await api.call("POST", path, payload(row));
  } catch (error) {
    if (error instanceof api.SignInNeeded) {
      await db.updateReport(row.client_uuid, (r) => ({ ...r, message: "Sign in again to send this report. It is kept on this phone." }));
      return "sign-in";
    }
    await db.updateReport(row.client_uuid, (r) => ({ ...r, message: "No answer from the service: will retry." }));
    return "retry";
  }
  const { status, body } = answer;
  if (status === 200 || status === 201) {
    await db.updateReport(row.client_uuid, (r) => ({
      ...r, state: "sent", errors: {}, message: "The service has this report. Nothing more to do.", server_id: body.id, sent_at: new Date().toISOString(),
      access_band: body.access_band || "", timeslot: body.timeslot || null,
    }));
    return "sent";
  }
  if (status === 409) {
    await db.updateReport(row.client_uuid, (r) => ({
      ...r, state: "conflict", message: "Already sent with different content: ask your manager.",
    }));
    return "done";
  }
  if (status >= 400 && status < 500) {
    const errors = body && typeof body === "object" ? body : { detail: `The service answered ${status}.` };
    await db.updateReport(row.client_uuid, (r) => ({
      ...r, state: "fix", errors, message: "The service did not accept this report: fix what is marked in red, then submit again.",
    }));
    return "done";
  }
  await db.updateReport(row.client_uuid, (r) => ({ ...r, message: `The service answered ${status}: will retry.` }));
  return "retry";
}

async function drain() {
  const waiting = (await db.reports()).filter((r) => r.state === "queued");
  let retry = false;
  for (const candidate of waiting) {
    // Re-read under the lock: another tab may have sent it a moment ago.
    const row = await db.report(candidate.client_uuid);
    if (!row || row.state !== "queued") continue;
    const outcome = await sendOne(row);
    changed();
    if (outcome === "sign-in") { window.dispatchEvent(new CustomEvent("icv:sign-in-needed")); return false; }
    if (outcome === "retry") retry = true;
  }
  return retry;
}

// Sends whatever waits. One tab at a time (Web Locks), so two tabs or a double tap send a report once.
export async function send() {
  clearTimeout(timer);
  // Offline for certain (onLine can only be trusted when false): wait for the "online" event.
  if (navigator.onLine === false || !(await db.get("tokens"))) return;
  const run = navigator.locks ? (task) => navigator.locks.request("icv-send", task) : (task) => task();
  const retry = await run(drain);
  if (retry) later(); else failures = 0;
}

export async function submit(uuid) {
  await db.updateReport(uuid, (r) => ({ ...r, state: "queued", errors: {}, message: "Kept on this phone: it goes as soon as there is signal." }));
  changed();
  failures = 0;
  return send();
}

let started = false;

export function start() {
  if (started) { send(); return; }
  started = true;
  window.addEventListener("online", () => { failures = 0; send(); });
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") send(); });
  send();
}
