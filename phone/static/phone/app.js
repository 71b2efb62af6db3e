// The volunteers' phone app: screens, and the glue between the form, IndexedDB and the send queue.
import * as api from "./api.js";
import * as db from "./db.js";
import * as sync from "./sync.js";
import {
  ANIMAL_CHECKS, ANIMAL_OUTCOMES, CHECKS, LIMITED, OUTCOMES, PROFILE, RANKS, REASON_LABELS, TALLY, WELFARE_NEEDS,
  WELFARE_STATES, accessBand, accessDelay, admitted, clampLimited, derived, fromServer, limitOf, newReport,
  problems, withAdditions,
} from "./report.js";
import { clock, day, fromLocalInput, h, messages, nextTry, nowStamp, toLocalInput, waitWords } from "./ui.js";

const main = document.getElementById("main");
const STATES = {
  draft: "Draft", queued: "Waiting to send", sent: "Sent", fix: "Needs fixing",
  conflict: "Ask your manager",
};
const EXPIRED = "Your sign-in has expired. Sign in again: your reports are kept on this phone.";
let lists = null;        // {me, scheme, sites, partners, categories}
let shown = null;        // {uuid, state} of the report on screen, to redraw it only when its state moves
let updating = false;    // the volunteer asked for the waiting new version

// --- start-up ------------------------------------------------------------------------------------

function showNet() {
  document.getElementById("net").textContent = navigator.onLine ? "Online" : "Offline: reports wait on this phone";
  document.getElementById("net").className = navigator.onLine ? "net" : "net off";
}

async function loadLists() {
  // The scheme's lists come from the API whenever there is a connection, and from IndexedDB otherwise.
  try {
    const me = (await api.call("GET", "users/me/")).body;
    const [scheme] = await api.all("schemes/");
    const [sites, partners, categories] = await Promise.all([
      api.all("sites/?active=true"), api.all("users/partners/"), api.all("issue-categories/"),
    ]);
    lists = { me, scheme, sites, partners: partners.filter((p) => p.id !== me.id),
      categories: categories.filter((c) => c.active) };
    await db.set("lists", lists);
  } catch (error) {
    if (error instanceof api.SignInNeeded) throw error;
    lists = (await db.get("lists")) || lists;
  }
  if (!lists) throw new Error("no lists");
}

async function persistStorage() {
  if (!navigator.storage || !navigator.storage.persist) return "unknown";
  const kept = (await navigator.storage.persisted()) || (await navigator.storage.persist());
  await db.set("persisted", kept);
  return kept;
}

function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("/app/sw.js", { scope: "/app/" }).then((registration) => {
    const offer = (worker) => {
      const banner = document.getElementById("update");
      banner.replaceChildren(
        h("p", {}, "A new version of the app is ready. Your reports are kept."),
        h("button", { type: "button", class: "button", onclick: () => { updating = true; worker.postMessage("skip-waiting"); } },
          "Use the new version"));
      banner.hidden = false;
    };
    if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
    registration.addEventListener("updatefound", () => {
      const worker = registration.installing;
      worker.addEventListener("statechange", () => {
        if (worker.state === "installed" && navigator.serviceWorker.controller) offer(worker);
      });
    });
  });
  // Only the volunteer's "Use the new version" reloads: the first install taking control must not.
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (updating) location.reload();
  });
}

async function start() {
  showNet();
  window.addEventListener("online", showNet);
  window.addEventListener("offline", showNet);
  registerWorker();
  window.addEventListener("hashchange", route);
  window.addEventListener("icv:changed", redraw);
  window.addEventListener("icv:sign-in-needed", () => signInScreen(EXPIRED));
  window.addEventListener("icv:signed-out", () => { lists = null; signInScreen("You signed out in another tab."); });
  const tokens = await db.get("tokens");
  if (!tokens) { signInScreen(); return; }
  if (tokens.expired) { signInScreen(EXPIRED); return; }
  try {
    await loadLists();
  } catch {
    signInScreen("Sign in again: your reports are kept on this phone.");
    return;
  }
  sync.start();
  route();
}

// --- screens -------------------------------------------------------------------------------------

function screen(title, ...content) {
  const heading = h("h2", { tabindex: "-1", id: "screen-title" }, title);
  main.replaceChildren(heading, ...content.filter(Boolean));
  heading.focus();
  window.scrollTo(0, 0);
}

function route() {
  if (!lists) return;
  const hash = location.hash || "#/";
  const match = hash.match(/^#\/report\/([0-9a-f-]{36})$/);
  if (match) { reportScreen(match[1]); return; }
  const sent = hash.match(/^#\/sent\/(custody|animal)\/(\d+)$/);
  if (sent) { sentScreen(sent[1], Number(sent[2])); return; }
  if (hash === "#/where") { whereScreen(); return; }
  homeScreen();
}

async function redraw() {
  const hash = location.hash || "#/";
  if (!lists) return;
  if (hash === "#/" || hash === "") { homeScreen(false); return; }
  if (shown) {
    const row = await db.report(shown.uuid);
    if (row && row.state !== shown.state) reportScreen(shown.uuid);
    else if (row) {
      document.getElementById("report-message").textContent = row.message || "";
      const next = document.getElementById("next-try");
      if (next) { next.dataset.nextTry = row.next_try_at || ""; next.textContent = nextTry(row.next_try_at); }
    }
  }
}

function signInScreen(notice = "") {
  shown = null;
  const error = h("p", { class: "error", id: "signin-error", role: "alert" });
  const form = h("form", { class: "stack", novalidate: true },
    h("div", { class: "field" },
      h("label", { for: "username" }, "Username"),
      h("input", { id: "username", name: "username", autocomplete: "username", autocapitalize: "none",
        spellcheck: "false", required: true })),
    h("div", { class: "field" },
      h("label", { for: "password" }, "Password"),
      h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password",
        required: true })),
    error,
    h("button", { type: "submit", class: "button primary" }, "Sign in"),
    // The service's own page (web/urls.py, password_reset): it e-mails a link to choose a new password.
    // In a tab of its own, so this screen is still here to sign in on afterwards.
    h("p", {}, h("a", { href: "/password/reset/", target: "_blank", rel: "noopener", class: "forgotten" },
      "Forgotten your password?")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    let result;
    try {
      result = await api.signIn(form.username.value.trim(), form.password.value);
    } catch {
      error.textContent = "No connection: signing in needs the network. Try again when you have signal.";
      return;
    }
    if (!result.ok) {
      const wait = Number.parseInt(result.retryAfter, 10);
      const again = wait > 0 ? ` Try again in ${waitWords(wait)}, at ${clock(new Date(Date.now() + wait * 1000).toISOString())}.` : " Try again in a while.";
      error.textContent = result.status === 401 ? "Wrong username or password."
        : result.status === 429 ? `Too many sign-in attempts.${again}`
          : result.status === 503 ? `The service is busy.${again}`
            : messages(result.body).join(" ") || `The service answered ${result.status}.`;
      return;
    }
    await loadLists();
    await persistStorage();
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage("precache");
    }
    sync.start();
    location.hash = "#/";
    route();
  });
  screen("Sign in", notice ? h("p", { class: "notice" }, notice) : null,
    h("p", {}, "Sign in once with your scheme username: the app then works without signal."), form);
}

async function homeScreen(focus = true) {
  shown = null;
  const rows = (await db.reports()).sort((a, b) => b.created.localeCompare(a.created));
  const { me, sites } = lists;
  const animalUnits = sites.filter((s) => s.kind === "animal_unit");
  const persisted = await db.get("persisted");
  const local = rows.length ? h("ul", { class: "cards" }, rows.map((row) => {
    const site = sites.find((s) => s.id === row.fields.site);
    const when = row.fields.arrived_at ? `${day(row.fields.arrived_at)} ${clock(row.fields.arrived_at)}` : day(row.created);
    return h("li", { class: `card state-${row.state}` },
      h("a", { href: `#/report/${row.client_uuid}`, class: "card-link" },
        h("span", { class: "card-title" }, `${site ? site.name : "No suite chosen"} · ${when}`),
        h("span", { class: "badge" }, STATES[row.state]),
        row.message && row.state !== "sent" ? h("span", { class: "card-note" }, row.message) : null,
        row.state === "queued" && row.next_try_at ? h("span", { class: "card-note", "data-next-try": row.next_try_at },
          nextTry(row.next_try_at)) : null));
  })) : h("p", {}, "No reports on this phone yet.");
  const server = h("div", { id: "server-reports" }, serverList(await db.get("server_reports")));
  const content = [
    h("p", {}, `Signed in as ${me.first_name || me.username} ${me.last_name || ""}`.trim() + "."),
    h("div", { class: "stack" },
      h("button", { type: "button", class: "button primary big", onclick: () => startReport("custody") },
        "Start a custody visit"),
      me.animal_welfare_trained && animalUnits.length
        ? h("button", { type: "button", class: "button big", onclick: () => startReport("animal") },
          "Start an animal welfare visit") : null,
      h("a", { href: "#/where", class: "button" }, "Where next?")),
    h("h3", {}, "On this phone"), local,
    h("h3", {}, "Sent reports you are on"), server,
    persisted === false ? h("p", { class: "notice" },
      "This browser would not promise to keep the app's data: if the phone runs short of space it may clear it. Send reports as soon as you have signal.")
      : persisted === true ? h("p", { class: "small" }, "This phone keeps the reports even when space runs short.") : null,
    h("button", { type: "button", class: "button quiet sign-out", onclick: signOut }, "Sign out"),
  ];
  if (focus) screen("My visits", ...content);
  else main.replaceChildren(h("h2", { tabindex: "-1", id: "screen-title" }, "My visits"), ...content.filter(Boolean));
  refreshServerList();
}

function serverList(reports) {
  if (!reports) return h("p", {}, "Not loaded yet: they appear when there is a connection.");
  if (!reports.length) return h("p", {}, "None yet.");
  return h("ul", { class: "cards" }, reports.map((r) => {
    const site = lists.sites.find((s) => s.id === r.site);
    const said = [
      h("span", { class: "card-title" }, `${site ? site.name : `Site ${r.site}`} · ${day(r.arrived_at)} ${clock(r.arrived_at)}`),
      r.access_band ? h("span", { class: "card-note" }, `Access: ${r.access_band === "immediate" ? "immediate" : r.access_band.replace("-", "–") + " minutes"}`) : null];
    // A list kept by an older version of the app does not say which kind each is: it cannot open them.
    return h("li", { class: "card state-sent" },
      r.kind ? h("a", { href: `#/sent/${r.kind}/${r.id}`, class: "card-link" }, said) : said);
  }));
}

async function refreshServerList() {
  if (!navigator.onLine) return;
  try {
    const mine = `?visitor=${lists.me.id}&status=submitted`;
    const [custody, animal] = await Promise.all([api.all(`visits/${mine}`), api.all(`animal-visits/${mine}`)]);
    const reports = [...custody.map((r) => ({ ...r, kind: "custody" })), ...animal.map((r) => ({ ...r, kind: "animal" }))]
      .sort((a, b) => b.arrived_at.localeCompare(a.arrived_at))
      .map(({ id, kind, site, arrived_at, access_band }) => ({ id, kind, site, arrived_at, access_band }));
    await db.set("server_reports", reports);
    const box = document.getElementById("server-reports");
    if (box) box.replaceChildren(serverList(reports));
  } catch {
    // No connection or an expired sign-in: the list from the last time stays on screen.
  }
}

async function startReport(kind) {
  const row = newReport(kind, lists.me);
  await db.putReport(row);
  location.hash = `#/report/${row.client_uuid}`;
}

// --- the report form -----------------------------------------------------------------------------

function errorsFor(row, name) {
  return messages((row.errors || {})[name]);
}

function field(row, name, label, control, { hint = "", errors = null } = {}) {
  const said = errors || errorsFor(row, name);
  const errorId = `error-${name}`;
  if (said.length) control.setAttribute("aria-describedby", errorId);
  if (said.length) control.setAttribute("aria-invalid", "true");
  return h("div", { class: `field${said.length ? " has-error" : ""}`, "data-field": name },
    h("label", { for: control.id }, label),
    hint ? h("p", { class: "hint" }, hint) : null,
    said.length ? h("p", { class: "error", id: errorId }, said.join(" ")) : null,
    control);
}

// The server names people by id ("Not a member of the scheme on 2026-12-01: 6."): say their names.
function named(message) {
  return message.replace(/: ([\d, ]+)\.$/, (whole, ids) => {
    const names = ids.split(", ").map((id) => {
      const person = lists.partners.find((p) => p.id === Number(id));
      return person ? `${person.first_name} ${person.last_name}`.trim() || person.username : id;
    });
    return `: ${names.join(", ")}.`;
  });
}

function groupErrors(row, name) {
  const said = errorsFor(row, name).map(named);
  return said.length ? h("p", { class: "error", id: `error-${name}` }, said.join(" ")) : null;
}

// given: a sent report read from the service, shown as it is there (not kept on the phone).
async function reportScreen(uuid, given = null) {
  const row = given || await db.report(uuid);
  if (!row) { location.hash = "#/"; return; }
  shown = given ? null : { uuid, state: row.state };
  const editable = row.state === "draft" || row.state === "fix";
  // A report on its way is shown as it will be sent; one being edited gets the fields of version 1.1.
  const f = editable ? withAdditions(row.kind, row.fields) : row.fields;
  row.fields = f;  // what the checks before sending read
  const custody = row.kind === "custody";
  let pending = 0;
  const save = async () => {
    if (!editable) return;
    const saved = document.getElementById("saved");
    pending += 1;
    saved.dataset.pending = String(pending);
    saved.textContent = "Saving…";
    await db.updateReport(uuid, (r) => (r.state === "draft" || r.state === "fix" ? { ...r, fields: f } : null));
    pending -= 1;
    saved.dataset.pending = String(pending);
    if (!pending) saved.textContent = `Saved on this phone at ${clock(new Date().toISOString())}.`;
  };

  const siteChoices = lists.sites.filter((s) => s.kind === (custody ? "custody_suite" : "animal_unit"));
  const site = h("select", { id: "site", name: "site", onchange: (e) => { f.site = Number(e.target.value) || null; save(); } },
    h("option", { value: "" }, custody ? "Choose the suite" : "Choose the unit"),
    siteChoices.map((s) => h("option", { value: String(s.id), selected: s.id === f.site }, s.name)));

  const partnerSelect = (index, label) => {
    const select = h("select", { id: `co-visitor-${index}`, onchange: (e) => {
      const chosen = [...f.co_visitors];
      chosen[index] = Number(e.target.value) || null;
      f.co_visitors = chosen.filter(Boolean);
      save();
    } },
    h("option", { value: "" }, index === 0 ? "Choose your co-visitor" : "Nobody else"),
    lists.partners.map((p) => h("option", { value: String(p.id), selected: f.co_visitors[index] === p.id },
      `${p.first_name} ${p.last_name}`.trim() || p.username)),
    // A sent report read back may name someone no longer on the scheme's list.
    f.co_visitors[index] && !lists.partners.some((p) => p.id === f.co_visitors[index])
      ? h("option", { value: String(f.co_visitors[index]), selected: true }, "A visitor no longer on the list") : null);
    return h("div", { class: "field" }, h("label", { for: select.id }, label), select);
  };
  const visitorErrors = groupErrors(row, "visitors");

  const band = h("p", { class: "band", id: "band", "aria-live": "polite" });
  const delayReason = h("textarea", { id: "delay_reason", rows: "2", maxlength: "5000",
    oninput: (e) => { f.delay_reason = e.target.value; save(); } });
  delayReason.value = f.delay_reason || "";
  const rank = h("select", { id: "delay_authorised_by_rank",
    onchange: (e) => { f.delay_authorised_by_rank = e.target.value; save(); } },
  h("option", { value: "" }, "Choose the rank"),
  RANKS.map(([value, words]) => h("option", { value, selected: f.delay_authorised_by_rank === value }, words)));
  const delayField = custody ? h("div", { class: "delay" },
    field(row, "delay_reason", "Why was access delayed?", delayReason,
      { hint: "Suite busy, staff shortage, staff handover, or other: say which." }),
    field(row, "delay_authorised_by_rank", "Who authorised the delay? (rank only)", rank,
      { hint: "Only an inspector or above may delay your access. If nobody said, choose “Not given”." })) : null;
  const showBand = () => {
    if (!custody) return;
    const minutes = accessDelay(f);
    const judged = accessBand(minutes, lists.scheme);
    band.textContent = judged ? `Access: ${judged.words} (${minutes} min)` : "Access: stamp arrival and admission to see the delay.";
    band.className = `band ${judged ? `band-${judged.code}` : ""}`;
    delayField.hidden = !(minutes !== null && minutes > lists.scheme.immediate_access_minutes);
  };

  // A stamp is tapped once: then it shows the time with a tick and cannot be tapped again by mistake
  // (the time below it can still be corrected; cleared, the stamp comes back).
  const stamp = (name, button, done, label) => {
    const input = h("input", { id: name, type: "datetime-local", step: "60", value: toLocalInput(f[name]),
      onchange: (e) => { f[name] = fromLocalInput(e.target.value); draw(); showBand(); save(); } });
    const tap = h("button", { type: "button", class: "button stamp", id: `stamp-${name}`, onclick: () => {
      if (f[name]) return;
      f[name] = nowStamp();
      input.value = toLocalInput(f[name]);
      draw();
      showBand();
      save();
    } });
    const box = h("div", { class: "stamp-row" }, tap, field(row, name, label, input));
    const draw = () => {
      tap.disabled = Boolean(f[name]);
      tap.classList.toggle("stamped", Boolean(f[name]));
      if (f[name]) tap.replaceChildren(h("span", { class: "tick", "aria-hidden": "true" }, "✓"), ` ${box.done} ${clock(f[name])}`);
      else tap.replaceChildren(box.button);
    };
    // adapt() words them for the outcome chosen.
    box.words = (todo, stamped) => { box.button = todo; box.done = stamped; draw(); };
    box.words(button, done);
    return box;
  };

  // limit() -> [the most it may be, in words] for a count bounded by the tally, as the server checks it.
  const counter = (id, label, get, put, onchange, limit = null) => {
    const input = h("input", { id, type: "number", inputmode: "numeric", min: "0", max: "1000", value: String(get()) });
    const most = () => (limit ? limit()[0] : 1000);
    const said = limit ? h("span", { class: "limit", id: `${id}-limit` }) : null;
    const more = h("button", { type: "button", class: "button step", "aria-label": `${label}: one more`, onclick: () => set(get() + 1) }, "+");
    const show = () => {
      input.value = String(get());
      if (!limit) return;
      input.max = String(most());
      said.textContent = `At most ${limit()[1]}`;
      more.disabled = get() >= most();
    };
    const set = (n) => { put(Math.max(0, Math.min(most(), n))); show(); onchange(); save(); };
    input.addEventListener("change", () => set(Number.parseInt(input.value, 10) || 0));
    if (said) input.setAttribute("aria-describedby", said.id);
    const box = h("div", { class: "counter", "data-field": id },
      h("div", { class: "counter-label" }, h("label", { for: id }, label), said),
      h("div", { class: "counter-controls" },
        h("button", { type: "button", class: "button step", "aria-label": `${label}: one fewer`, onclick: () => set(get() - 1) }, "−"),
        input, more));
    show();
    box.refresh = show;
    return box;
  };

  // Radio buttons in the style of the suite checks: a legend and a row of big choices.
  const choice = (name, legend, options, get, put, onchange = () => {}) => h("fieldset", { class: "choice", "data-field": name },
    h("legend", {}, legend),
    groupErrors(row, name),
    h("div", { class: "options stacked" }, options.map(([value, words]) => h("span", { class: "option" },
      h("input", { type: "radio", name, id: `${name}-${value}`, value, checked: get() === value,
        onchange: () => { put(value); onchange(); save(); } }),
      h("label", { for: `${name}-${value}` }, words)))));

  const arrivedRow = stamp("arrived_at", "We have arrived", "Arrived at", "Arrived at");
  const admittedRow = custody ? stamp("admitted_at", "We are in", "In the suite at", "Let into the suite at") : null;
  const leftRow = stamp("left_at", "We are leaving", "Left at", "Left at");

  // users/partners/ does not tell a visitor the partners' training, so the box shows for everyone: the
  // service refuses a TACT visit with no trained visitor, and its message appears beside the box.
  function tactField() {
    const box = h("input", { type: "checkbox", id: "tact", checked: f.tact,
      onchange: (e) => { f.tact = e.target.checked; save(); } });
    const said = errorsFor(row, "tact");
    if (said.length) { box.setAttribute("aria-describedby", "error-tact"); box.setAttribute("aria-invalid", "true"); }
    return h("div", { "data-field": "tact", class: said.length ? "has-error" : "" },
      said.length ? h("p", { class: "error", id: "error-tact" }, said.join(" ")) : null,
      h("div", { class: "check" }, box, h("label", { for: "tact" }, "TACT visit: detainees held under the Terrorism Act")),
      h("p", { class: "hint" }, lists.me.tact_trained ? "You are trained for TACT visits."
        : "A TACT visit needs a visitor trained for it: the service checks your co-visitors' training."));
  }

  // The first thing a volunteer does at the door, so the first thing on the form.
  const sections = [arrivedRow];
  sections.push(h("section", { "aria-labelledby": "where-title" },
    h("h3", { id: "where-title" }, custody ? "Where and who" : "Where and who"),
    field(row, "site", custody ? "Suite" : "Animal unit", site),
    h("div", { "data-field": "visitors", class: visitorErrors ? "has-error" : "" },
      visitorErrors, partnerSelect(0, "Co-visitor"), partnerSelect(1, "Another co-visitor (if any)")),
    custody ? tactField() : null));

  // The outcome first: it decides which of the parts below apply.
  const reason = h("textarea", { id: "outcome_reason", rows: "2", maxlength: "5000",
    oninput: (e) => { f.outcome_reason = e.target.value; save(); } });
  reason.value = f.outcome_reason || "";
  const reasonField = field(row, "outcome_reason", REASON_LABELS[f.outcome] || "Why?", reason,
    { hint: "A few words, e.g. the suite was closed, an incident in the suite." });
  sections.push(h("section", { "aria-labelledby": "outcome-title" },
    h("h3", { id: "outcome-title" }, "How the visit went"),
    choice("outcome", custody ? "Outcome" : "Outcome of the visit", custody ? OUTCOMES : ANIMAL_OUTCOMES,
      () => f.outcome, (value) => { f.outcome = value; }, () => adapt()),
    reasonField));

  sections.push(h("section", { "aria-labelledby": "times-title" },
    h("h3", { id: "times-title" }, "Times"),
    admittedRow, custody ? band : null, delayField, leftRow));

  if (custody) {
    const totals = h("p", { class: "totals", id: "totals", "aria-live": "polite" });
    const limited = [];
    const showTotals = () => {
      const { offered, present } = derived(f);
      totals.replaceChildren(h("span", {}, `Offered: ${offered}`), h("span", {}, `Present: ${present}`));
      // Fewer present or seen than a count below allows: the count comes down with them.
      const before = LIMITED.map(([name]) => f[name]);
      clampLimited(f);
      limited.forEach((box) => box.refresh());
      // Not while the form is being drawn: there is nothing on screen yet to say "Saved" in.
      if (LIMITED.some(([name], i) => f[name] !== before[i]) && document.getElementById("saved")) save();
    };
    limited.push(...LIMITED.map(([name, label, of]) => counter(name, label, () => f[name], (n) => { f[name] = n; }, () => {},
      () => [limitOf(f, of), `${limitOf(f, of)} (${of})`])));
    const limitedErrors = messages(LIMITED.map(([n]) => (row.errors || {})[n]));
    const tallyErrors = messages(["detainees_present", "detainees_offered", ...TALLY.map(([n]) => `detainees_${n}`)]
      .map((n) => (row.errors || {})[n]));
    sections.push(h("section", { "aria-labelledby": "tally-title", "data-field": "tally", id: "tally" },
      h("h3", { id: "tally-title" }, "Detainees"),
      h("p", { class: "hint", id: "tally-hint" }),
      tallyErrors.length ? h("p", { class: "error" }, tallyErrors.join(" ")) : null,
      TALLY.map(([name, label]) => counter(name, label, () => f[name], (n) => { f[name] = n; }, showTotals)),
      totals,
      h("div", { class: `limited${limitedErrors.length ? " has-error" : ""}` },
        h("h4", {}, "Children, vulnerable detainees and records"),
        h("p", { class: "hint" }, "Vulnerable: as custody flags them (mental health, learning disability, other). Records examined only with the detainee's consent."),
        limitedErrors.length ? h("p", { class: "error" }, limitedErrors.join(" ")) : null,
        limited),
      h("details", { class: "profile", "data-field": "seen_profile", open: errorsFor(row, "seen_profile").length > 0 },
        h("summary", {}, "Profile of those seen (optional)"),
        groupErrors(row, "seen_profile"),
        Object.entries(PROFILE).map(([dimension, { label, values }]) => h("fieldset", {},
          h("legend", {}, label),
          values.map(([value, words]) => counter(`profile-${dimension}-${value}`, words,
            () => (f.seen_profile[dimension] || {})[value] || 0,
            (n) => { f.seen_profile[dimension] = { ...(f.seen_profile[dimension] || {}), [value]: n }; },
            () => {})))))));
    showTotals();
  } else {
    sections.push(h("section", { "aria-labelledby": "animals-title", id: "animals" },
      h("h3", { id: "animals-title" }, "Animals"),
      counter("animals_seen", "Animals seen", () => f.animals_seen, (n) => { f.animals_seen = n; }, () => {}),
      ANIMAL_CHECKS.map(([name, label]) => h("div", { class: "check", "data-field": name },
        h("input", { type: "checkbox", id: name, checked: f[name],
          onchange: (e) => { f[name] = e.target.checked; save(); } }),
        h("label", { for: name }, label)))));
    const welfareErrors = groupErrors(row, "welfare_needs");
    sections.push(h("section", { "aria-labelledby": "welfare-title", id: "welfare", "data-field": "welfare_needs",
      class: welfareErrors ? "has-error" : "" },
    h("h3", { id: "welfare-title" }, "Welfare needs"),
    h("p", { class: "hint" }, "The five needs of the Animal Welfare Act. For a concern, add an issue below saying what it is."),
    welfareErrors,
    WELFARE_NEEDS.map(([need, label, hint]) => h("fieldset", { class: "choice", "data-field": `welfare-${need}`,
      "aria-describedby": `welfare-${need}-hint` },
      h("legend", {}, label),
      h("p", { class: "hint", id: `welfare-${need}-hint` }, hint),
      h("div", { class: "options" }, WELFARE_STATES.map(([value, words]) => h("span", { class: "option" },
        h("input", { type: "radio", name: `welfare-${need}`, id: `welfare-${need}-${value}`,
          checked: f.welfare_needs[need] === value,
          onchange: () => { f.welfare_needs = { ...f.welfare_needs, [need]: value }; save(); } }),
        h("label", { for: `welfare-${need}-${value}` }, words))))))));
  }

  const issueList = h("div", { class: "issues" });
  const drawIssues = () => issueList.replaceChildren(...f.issues.map((issue, index) => {
    const n = index + 1;
    const category = h("select", { id: `issue-${n}-category`,
      onchange: (e) => { issue.category = e.target.value; save(); } },
    h("option", { value: "" }, "Choose a category"),
    lists.categories.map((c) => h("option", { value: c.slug, selected: c.slug === issue.category }, c.name)),
    // A sent report read back may use a category the scheme has since retired.
    issue.category && !lists.categories.some((c) => c.slug === issue.category)
      ? h("option", { value: issue.category, selected: true }, issue.category.replace(/-/g, " ")) : null);
    const description = h("textarea", { id: `issue-${n}-description`, rows: "3", maxlength: "5000",
      oninput: (e) => { issue.description = e.target.value; save(); } });
    description.value = issue.description;
    // DRF says a nested issue's field errors by position ([{}, {"description": [...]}]); the
    // service's own checks say "Issue 2: ..." as plain text, shown above the list instead.
    const said = ((row.errors || {}).issues || [])[index];
    const serverSaid = said && typeof said === "object" ? messages(said.description) : [];
    return h("fieldset", { class: "issue" },
      h("legend", {}, `Issue ${n}`),
      field(row, `issues.${n}.category`, "Category", category,
        { errors: [...errorsFor(row, `issues.${n}.category`), ...(said && typeof said === "object" ? messages(said.category) : [])] }),
      field(row, `issues.${n}.description`, "What is the issue? (no names)", description,
        { errors: [...errorsFor(row, `issues.${n}.description`), ...serverSaid] }),
      h("div", { class: "check" },
        h("input", { type: "checkbox", id: `issue-${n}-resolved`, checked: issue.resolved_during_visit,
          onchange: (e) => { issue.resolved_during_visit = e.target.checked; save(); } }),
        h("label", { for: `issue-${n}-resolved` }, "Resolved during the visit")),
      h("button", { type: "button", class: "button quiet remove-issue", onclick: async () => {
        if (issue.description.trim() && !(await confirmDialog(`Remove issue ${n}?`,
          "What you wrote about it will be lost.", "Keep it", "Remove it"))) return;
        f.issues.splice(index, 1); drawIssues(); save();
      } }, `Remove issue ${n}`));
  }));
  drawIssues();
  const issueErrors = ((row.errors || {}).issues || []).filter((m) => typeof m === "string");
  sections.push(h("section", { "aria-labelledby": "issues-title", "data-field": "issues" },
    h("h3", { id: "issues-title" }, "Issues"),
    issueErrors.length ? h("p", { class: "error" }, issueErrors.join(" ")) : null,
    issueList,
    h("button", { type: "button", class: "button add-issue", onclick: () => {
      f.issues.push({ category: "", description: "", resolved_during_visit: false });
      drawIssues(); save();
      document.getElementById(`issue-${f.issues.length}-category`).focus();
    } }, "Add an issue")));

  if (custody) {
    const details = h("textarea", { id: "concern_details", rows: "4", maxlength: "5000",
      oninput: (e) => { f.concern_details = e.target.value; save(); } });
    details.value = f.concern_details;
    const detailsField = field(row, "concern", "What was seen or alleged? (cell numbers, no names)", details,
      { hint: "What was said or seen, when, and what the staff said or did." });
    detailsField.hidden = !f.concern_raised;
    sections.push(h("section", { "aria-labelledby": "concern-title", class: "concern", id: "concern-section" },
      h("h3", { id: "concern-title" }, "Concern about ill-treatment"),
      h("p", {}, "An allegation of ill-treatment, or signs of it, is not an ordinary issue: it goes to your volunteer manager at once when the report is sent, never to the custody staff."),
      h("div", { class: "check" },
        h("input", { type: "checkbox", id: "concern_raised", checked: f.concern_raised, onchange: (e) => {
          f.concern_raised = e.target.checked;
          detailsField.hidden = !f.concern_raised;
          save();
          if (f.concern_raised) details.focus();
        } }),
        h("label", { for: "concern_raised" }, "I have a concern about ill-treatment")),
      detailsField));
  }

  if (custody) {
    sections.push(h("section", { "aria-labelledby": "checks-title", id: "checks" },
      h("h3", { id: "checks-title" }, "Suite checks"),
      CHECKS.map(([name, label]) => h("fieldset", { class: "choice", "data-field": name },
        h("legend", {}, label),
        groupErrors(row, name),
        h("div", { class: "options" },
          [["yes", true, "Yes"], ["no", false, "No"], ["unchecked", null, "Not checked"]].map(([key, value, words]) =>
            h("span", { class: "option" },
              h("input", { type: "radio", name, id: `${name}-${key}`, checked: f[name] === value,
                onchange: () => { f[name] = value; save(); } }),
              h("label", { for: `${name}-${key}` }, words))))))));
  }

  const comments = h("textarea", { id: "comments", rows: "4", maxlength: "5000",
    oninput: (e) => { f.comments = e.target.value; save(); } });
  comments.value = f.comments;
  sections.push(h("section", { "aria-labelledby": "comments-title" },
    h("h3", { id: "comments-title" }, "Comments"),
    field(row, "comments", "Comments (refer to cells by number, never names)", comments)));

  const known = new Set(["site", "visitors", "arrived_at", "admitted_at", "left_at", "delay_reason", "comments",
    "issues", "seen_profile", "detainees_present", "detainees_offered", ...TALLY.map(([n]) => `detainees_${n}`),
    ...CHECKS.map(([n]) => n), ...ANIMAL_CHECKS.map(([n]) => n), "animals_seen",
    "outcome", "outcome_reason", "delay_authorised_by_rank", "tact", ...LIMITED.map(([n]) => n), "concern",
    "welfare_needs"]);
  const other = Object.entries(row.errors || {}).filter(([name]) => !known.has(name)).flatMap(([, v]) => messages(v));

  const status = h("div", { class: `status state-${row.state}`, role: "status" },
    h("p", { class: "status-state" }, STATES[row.state]),
    h("p", { id: "report-message" }, row.message || (editable ? "Kept on this phone from the first tap." : "")),
    row.state === "queued" ? h("p", { id: "next-try", "data-next-try": row.next_try_at || "", "aria-live": "off" },
      nextTry(row.next_try_at)) : null,
    other.length ? h("p", { class: "error" }, other.join(" ")) : null,
    row.state === "queued" ? h("button", { type: "button", class: "button primary", id: "send-now", onclick: async (e) => {
      e.target.disabled = true;
      e.target.textContent = "Sending…";
      await sync.send();
      const now = document.getElementById("send-now");
      if (now) { now.disabled = false; now.textContent = "Send now"; }
    } }, "Send now") : null,
    editable ? null : h("a", { href: "#/", class: "button" }, "Back to my visits"));

  const actions = editable ? h("div", { class: "stack" },
    h("p", { class: "small", id: "saved", "data-pending": "0" }),
    h("button", { type: "submit", class: "button primary big" }, "Submit report"))
    : h("a", { href: "#/", class: "button" }, "Back to my visits");
  // Well away from "Submit report", so a thumb aiming at one cannot land on the other.
  const discard = row.state === "draft" ? h("div", { class: "discard" },
    h("p", { class: "small" }, "Not going ahead with this report?"),
    h("button", { type: "button", class: "button danger-outline delete-draft", onclick: async () => {
      const sure = await confirmDialog("Delete this draft?", "It has not been sent: deleting it loses it for good.",
        "Keep the draft", "Delete the draft");
      if (!sure) return;
      await db.deleteReport(uuid); sync.changed(); location.hash = "#/";
    } }, "Delete this draft")) : null;

  const form = h("form", { class: "report", novalidate: true },
    h("fieldset", { class: "plain", disabled: !editable }, sections), actions);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const found = problems(row, lists.scheme);
    if (Object.keys(found).length) {
      await db.updateReport(uuid, (r) => ({ ...r, fields: f, errors: found,
        message: "Some answers are missing: see the marked fields." }));
      await reportScreen(uuid);
      focusFirstError();
      return;
    }
    // A rank chosen before the times were corrected to immediate access no longer goes with the report.
    const delay = accessDelay(f);
    if (custody && !(delay !== null && delay > lists.scheme.immediate_access_minutes)) f.delay_authorised_by_rank = "";
    await db.updateReport(uuid, (r) => ({ ...r, fields: f }));
    await sync.submit(uuid);
  });

  screen(custody ? "Custody visit" : "Animal welfare visit",
    h("a", { href: "#/", class: "back" }, "‹ My visits"), status, form, discard);
  // Shows the parts of the form that apply to the outcome chosen, keeping what was typed in the others.
  function adapt() {
    const inside = admitted(f);
    const remote = f.outcome === "remote";
    reasonField.hidden = f.outcome === "completed";
    reasonField.querySelector("label").textContent = REASON_LABELS[f.outcome] || "Why?";
    arrivedRow.words(remote ? "The call has started" : "We have arrived", remote ? "Call started at" : "Arrived at");
    arrivedRow.querySelector("label").textContent = remote ? "Call started at" : "Arrived at";
    leftRow.words(remote ? "The call has ended" : "We are leaving", remote ? "Call ended at" : "Left at");
    leftRow.querySelector("label").textContent = remote ? "Call ended at" : "Left at";
    if (custody) {
      admittedRow.hidden = !inside;
      band.hidden = !inside;
      document.getElementById("tally").hidden = f.outcome === "access_refused";
      document.getElementById("checks").hidden = !inside;
      document.getElementById("tally-hint").textContent = remote
        ? "Count the detainees you spoke to. Offered and present add up by themselves."
        : "Count each detainee once. Offered and present add up by themselves.";
      showBand();
    } else {
      document.getElementById("animals").hidden = f.outcome === "access_refused";
      document.getElementById("welfare").hidden = f.outcome === "access_refused";
    }
  }

  adapt();
  if (row.state === "fix" || Object.keys(row.errors || {}).length) focusFirstError();
}

function focusFirstError() {
  const box = main.querySelector(".has-error, [data-field] .error, .status .error");
  if (!box) return;
  const control = box.querySelector("input, select, textarea") || box;
  box.scrollIntoView({ block: "center" });
  control.focus({ preventScroll: true });
}

// A sent report, to read back: the phone's own copy when it has one, or the service's when online.
async function sentScreen(kind, id) {
  shown = null;
  const kept = (await db.reports()).find((r) => r.kind === kind && r.server_id === id);
  if (kept) { reportScreen(kept.client_uuid); return; }
  const title = kind === "custody" ? "Custody visit" : "Animal welfare visit";
  const back = h("a", { href: "#/", class: "back" }, "‹ My visits");
  const say = (words) => screen(title, back, h("p", { class: "notice" }, words));
  say("Fetching the report from the service…");
  let result;
  try {
    result = await api.call("GET", `${kind === "custody" ? "visits" : "animal-visits"}/${id}/`);
  } catch {
    say("No connection: a report sent from another phone can be read here when there is signal.");
    return;
  }
  if (location.hash !== `#/sent/${kind}/${id}`) return;  // the volunteer went elsewhere meanwhile
  if (result.status !== 200) { say(messages(result.body).join(" ") || `The service answered ${result.status}.`); return; }
  await reportScreen(null, fromServer(kind, result.body, lists.me));
}

// --- where next? ---------------------------------------------------------------------------------

function whereScreen() {
  shown = null;
  const choices = lists.sites.filter((s) => s.kind === "custody_suite" || lists.me.animal_welfare_trained)
    .sort((a, b) => (a.kind === b.kind ? 0 : a.kind === "custody_suite" ? -1 : 1));
  const label = choices.some((s) => s.kind === "animal_unit") ? "Suite or unit" : "Suite";
  const answer = h("div", { id: "plan", "aria-live": "polite" });
  const select = h("select", { id: "where-site", onchange: async (e) => {
    answer.replaceChildren(h("p", {}, "Asking the service…"));
    // Fetched fresh every time and kept only on the screen: plans never sit where the next user could read them.
    let result;
    try {
      result = await api.call("GET", `recommendations/?site=${Number(e.target.value)}`);
    } catch {
      answer.replaceChildren(h("p", { class: "notice" }, "No connection: the plan can only be shown when there is signal."));
      return;
    }
    if (result.status !== 200) {
      answer.replaceChildren(h("p", { class: "notice" }, messages(result.body).join(" ") || `The service answered ${result.status}.`));
      return;
    }
    const r = result.body;
    const gaps = r.cells.filter((c) => c.visits_in_window === 0).slice(0, 10);
    answer.replaceChildren(
      h("h3", {}, `Plan for ${day(r.plan_from)} to ${day(r.plan_to)}`),
      h("ul", { class: "cards" }, r.plan.map((p) => h("li", { class: "card" },
        h("span", { class: "card-title" }, `${day(p.date)}, ${p.band.replace("-", "–")}`),
        p.handover ? h("span", { class: "card-note" }, "Overlaps a staff handover: expect a wait.") : null))),
      h("h3", {}, "Not visited since " + day(r.window_from)),
      gaps.length ? h("ul", { class: "plain-list" }, gaps.map((c) =>
        h("li", {}, `${c.day[0].toUpperCase()}${c.day.slice(1)}, ${c.band.replace("-", "–")}`)))
        : h("p", {}, "Every time of the week has had a visit."));
  } },
  h("option", { value: "" }, `Choose a ${label.toLowerCase()}`),
  choices.map((s) => h("option", { value: String(s.id) }, s.name)));
  screen("Where next?", h("a", { href: "#/", class: "back" }, "‹ My visits"),
    h("p", {}, "The scheme's latest plan for a suite, drawn so that visits stay unpredictable, and the times with no visit yet. Shown live only: it is never stored on this phone."),
    h("div", { class: "field" }, h("label", { for: "where-site" }, label), select), answer);
}

// --- sign out ------------------------------------------------------------------------------------

function confirmDialog(title, text, no, yes) {
  const dialog = document.getElementById("confirm");
  document.getElementById("confirm-title").textContent = title;
  document.getElementById("confirm-text").textContent = text;
  document.getElementById("confirm-no").textContent = no;
  document.getElementById("confirm-yes").textContent = yes;
  return new Promise((resolve) => {
    const done = (answer) => { dialog.close(); resolve(answer); };
    document.getElementById("confirm-yes").onclick = () => done(true);
    document.getElementById("confirm-no").onclick = () => done(false);
    dialog.oncancel = () => resolve(false);
    dialog.showModal();
  });
}

async function signOut() {
  const unsent = (await db.reports()).filter((r) => r.state !== "sent").length;
  if (unsent && !(await confirmDialog("Delete unsent reports?",
    `${unsent} report${unsent === 1 ? " has" : "s have"} not reached the service yet. Signing out deletes ${unsent === 1 ? "it" : "them"} from this phone for good.`,
    "Keep my reports", "Sign out and delete"))) return;
  lists = null;
  await db.wipe();
  for (const key of await caches.keys()) await caches.delete(key);
  localStorage.clear();
  sessionStorage.clear();
  sync.announceSignOut();
  location.hash = "#/";
  signInScreen("Signed out. Nothing of yours is left on this phone.");
}

start();
