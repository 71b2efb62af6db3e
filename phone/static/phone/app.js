// The volunteers' phone app: screens, and the glue between the form, IndexedDB and the send queue.
import * as api from "./api.js";
import * as db from "./db.js";
import * as i18n from "./i18n.js";
import { plural, say, t } from "./i18n.js";
import * as sync from "./sync.js";
import {
  ANIMAL_CHECKS, ANIMAL_OUTCOMES, CHECKS, LIMITED, OUTCOMES, PROFILE, RANKS, REASON_LABELS, TALLY, WELFARE_NEEDS,
  WELFARE_STATES, accessBand, accessDelay, admitted, clampLimited, derived, fromServer, limitOf, newReport,
  problems, withAdditions,
} from "./report.js";
import { clock, day, fromLocalInput, h, messages, nextTry, nowStamp, toLocalInput, waitWords } from "./ui.js";

const main = document.getElementById("main");
const STATES = {
  draft: "state.draft", queued: "state.queued", sent: "state.sent", fix: "state.fix", conflict: "state.conflict",
};
const EXPIRED = "signin.expired";
let lists = null;        // {me, scheme, sites, partners, categories}
let shown = null;        // {uuid, state} of the report on screen, to redraw it only when its state moves
let updating = false;    // the volunteer asked for the waiting new version

// --- start-up ------------------------------------------------------------------------------------

function showNet() {
  document.getElementById("net").textContent = t(navigator.onLine ? "net.online" : "net.offline");
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
        h("p", {}, t("update.ready")),
        h("button", { type: "button", class: "button", onclick: () => { updating = true; worker.postMessage("skip-waiting"); } },
          t("update.use")));
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

// The service names a day of the week in English ("monday"): said in the language chosen.
const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
function weekday(name) {
  const index = WEEKDAYS.indexOf(name);
  if (index < 0) return name;
  const words = t(`date.day_long.${(index + 1) % 7}`);  // numbered as Date.getDay(): 0 is Sunday
  return words[0].toUpperCase() + words.slice(1);
}

async function start() {
  await i18n.use(i18n.remembered(), { remember: false });
  showNet();
  window.addEventListener("online", showNet);
  window.addEventListener("offline", showNet);
  registerWorker();
  window.addEventListener("hashchange", route);
  window.addEventListener("icv:changed", redraw);
  window.addEventListener("icv:sign-in-needed", () => signInScreen(EXPIRED));
  window.addEventListener("icv:signed-out", () => { lists = null; signInScreen("signin.signed_out_elsewhere"); });
  window.addEventListener("online", pushLanguage);
  const tokens = await db.get("tokens");
  if (!tokens) { signInScreen(); return; }
  if (tokens.expired) { signInScreen(EXPIRED); return; }
  try {
    await loadLists();
  } catch {
    signInScreen("signin.again");
    return;
  }
  sync.start();
  pushLanguage();
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
  // The rota's and the record's screens come after signing in: fetched when first needed, so that a
  // first load over a slow line brings only what the sign-in form needs (the service worker keeps them).
  if (hash === "#/availability") { shown = null; import("./rota.js").then((m) => m.availabilityScreen(screen, lists.scheme)); return; }
  if (hash === "#/language") { languageScreen(); return; }
  if (hash === "#/record") { shown = null; import("./record.js").then((m) => m.recordScreen(screen, lists)); return; }
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
      document.getElementById("report-message").textContent = say(row.message);
      const next = document.getElementById("next-try");
      if (next) { next.dataset.nextTry = row.next_try_at || ""; next.textContent = nextTry(row.next_try_at); }
    }
  }
}

// notice: a catalogue key, said again in the other language when the volunteer switches here.
function signInScreen(notice = "") {
  shown = null;
  signInNotice = notice;
  const error = h("p", { class: "error", id: "signin-error", role: "alert" });
  const form = h("form", { class: "stack", novalidate: true },
    h("div", { class: "field" },
      h("label", { for: "username" }, t("signin.username")),
      h("input", { id: "username", name: "username", autocomplete: "username", autocapitalize: "none",
        spellcheck: "false", required: true })),
    h("div", { class: "field" },
      h("label", { for: "password" }, t("signin.password")),
      h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password",
        required: true })),
    error,
    h("button", { type: "submit", class: "button primary" }, t("signin.submit")),
    // The service's own page (web/urls.py, password_reset): it e-mails a link to choose a new password.
    // In a tab of its own, so this screen is still here to sign in on afterwards.
    h("p", {}, h("a", { href: "/password/reset/", target: "_blank", rel: "noopener", class: "forgotten" },
      t("signin.forgotten"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    let result;
    try {
      result = await api.signIn(form.username.value.trim(), form.password.value);
    } catch {
      error.textContent = t("signin.no_connection");
      return;
    }
    if (!result.ok) {
      const wait = Number.parseInt(result.retryAfter, 10);
      const again = wait > 0 ? t("signin.again_in", { wait: waitWords(wait), time: clock(new Date(Date.now() + wait * 1000).toISOString()) })
        : t("signin.again_later");
      error.textContent = result.status === 401 ? t("signin.wrong")
        : result.status === 429 ? `${t("signin.too_many")} ${again}`
          : result.status === 503 ? `${t("service.busy")} ${again}`
            : messages(result.body).join(" ") || t("service.answered", { status: result.status });
      return;
    }
    await loadLists();
    const ask = await settleLanguage();
    await persistStorage();
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage("precache");
    }
    sync.start();
    location.hash = ask ? "#/language" : "#/";
    route();
  });
  screen(t("signin.title"), languageSwitch(), notice ? h("p", { class: "notice" }, t(notice)) : null,
    h("p", {}, t("signin.intro")), form);
}

// --- language ------------------------------------------------------------------------------------

let signInNotice = "";

// One tap to the other language, at the top of the sign-in screen and of "My visits". It names the
// other language in that language, so a volunteer who cannot read this one still finds theirs.
function languageSwitch() {
  const other = i18n.language() === "cy" ? "en" : "cy";
  return h("p", { class: "language" }, h("button", { type: "button", class: "button quiet language-switch",
    lang: other === "cy" ? "cy" : "en-GB", onclick: () => chooseLanguage(other) },
  other === "cy" ? "Cymraeg" : "English"));
}

// The volunteer's choice: remembered on the phone at once, and sent to the service (so its e-mails and
// the desk follow) whenever there is a connection; a failure there never stands in the volunteer's way.
async function chooseLanguage(code) {
  await i18n.use(code);
  showNet();
  if (!lists) { signInScreen(signInNotice); return; }
  await db.set("language_pending", code);
  pushLanguage();
  if (location.hash === "#/language") location.hash = "#/";
  else route();
}

async function pushLanguage() {
  const code = await db.get("language_pending").catch(() => null);
  if (!code || !lists || !navigator.onLine) return;
  try {
    const result = await api.call("PATCH", "users/me/", { language: code });
    if (result.status !== 200) return;  // a 503 or the like: tried again on the next start or "online"
    lists.me = { ...lists.me, language: code };
    await db.set("lists", lists);
    // Only if no other tap came meanwhile: that one is sent next.
    if ((await db.get("language_pending")) === code) await db.set("language_pending", null);
  } catch {
    // No connection or an expired sign-in: it waits on the phone, and goes with the next try.
  }
}

// On signing in: a language tapped on this phone wins (and goes to the service); else the account's;
// else, on a scheme that offers Welsh, the app asks once. -> true when it should ask.
async function settleLanguage() {
  const account = lists.me.language;
  if (i18n.chosenHere()) {
    if (account !== i18n.language()) { await db.set("language_pending", i18n.language()); pushLanguage(); }
    return false;
  }
  if (account) { await i18n.use(account); showNet(); return false; }
  return (lists.scheme.languages || "en").split(",").includes("cy");
}

// Asked once, on a scheme that offers Welsh, when neither the account nor this phone has a language.
function languageScreen() {
  shown = null;
  const pick = (code, words, lang) => h("button", { type: "button", class: "button big", lang,
    onclick: () => chooseLanguage(code) }, words);
  screen("English or Cymraeg?",
    h("p", { lang: "en-GB" }, "Which language should the app and your e-mails use? You can change it at any time."),
    h("p", { lang: "cy" }, "Pa iaith ddylai'r ap a'ch negeseuon e-bost ei defnyddio? Gallwch ei newid unrhyw bryd."),
    h("div", { class: "stack" }, pick("en", "English", "en-GB"), pick("cy", "Cymraeg", "cy")));
}

async function homeScreen(focus = true) {
  shown = null;
  const asked = location.hash;
  const rows = (await db.reports()).sort((a, b) => b.created.localeCompare(a.created));
  const { me, sites } = lists;
  const animalUnits = sites.filter((s) => s.kind === "animal_unit");
  const persisted = await db.get("persisted");
  const local = rows.length ? h("ul", { class: "cards" }, rows.map((row) => {
    const site = sites.find((s) => s.id === row.fields.site);
    const when = row.fields.arrived_at ? `${day(row.fields.arrived_at)} ${clock(row.fields.arrived_at)}` : day(row.created);
    return h("li", { class: `card state-${row.state}` },
      h("a", { href: `#/report/${row.client_uuid}`, class: "card-link" },
        h("span", { class: "card-title" }, `${site ? site.name : t("home.no_suite")} · ${when}`),
        h("span", { class: "badge" }, t(STATES[row.state])),
        row.message && row.state !== "sent" ? h("span", { class: "card-note" }, say(row.message)) : null,
        row.state === "queued" && row.next_try_at ? h("span", { class: "card-note", "data-next-try": row.next_try_at },
          nextTry(row.next_try_at)) : null));
  })) : h("p", {}, t("home.none_here"));
  const server = h("div", { id: "server-reports" }, serverList(await db.get("server_reports")));
  const content = [
    languageSwitch(),
    h("p", {}, t("home.signed_in_as", { name: `${me.first_name || me.username} ${me.last_name || ""}`.trim() })),
    h("div", { class: "stack" },
      h("button", { type: "button", class: "button primary big", onclick: () => startReport("custody") },
        t("home.start_custody")),
      me.animal_welfare_trained && animalUnits.length
        ? h("button", { type: "button", class: "button big", onclick: () => startReport("animal") },
          t("home.start_animal")) : null,
      h("a", { href: "#/where", class: "button" }, t("where.title")),
      h("a", { href: "#/record", class: "button" }, t("home.my_record"))),
    // Without the rota's module (offline before the service worker kept it) the home shows without it.
    me.role === "visitor" ? await import("./rota.js").then((m) => m.visitsSection(me), () => null) : null,
    h("h3", {}, t("home.on_this_phone")), local,
    h("h3", {}, t("home.sent_reports")), server,
    persisted === false ? h("p", { class: "notice" }, t("home.not_persisted"))
      : persisted === true ? h("p", { class: "small" }, t("home.persisted")) : null,
    h("button", { type: "button", class: "button quiet sign-out", onclick: signOut }, t("signout.button")),
  ];
  // The volunteer may have moved on while it was being built (a card tapped as the phone came back
  // online and redrew the list): the screen they went to stays.
  if (location.hash !== asked) return;
  if (focus) screen(t("home.title"), ...content);
  else main.replaceChildren(h("h2", { tabindex: "-1", id: "screen-title" }, t("home.title")), ...content.filter(Boolean));
  refreshServerList();
}

function serverList(reports) {
  if (!reports) return h("p", {}, t("home.not_loaded"));
  if (!reports.length) return h("p", {}, t("home.none_yet"));
  return h("ul", { class: "cards" }, reports.map((r) => {
    const site = lists.sites.find((s) => s.id === r.site);
    const said = [
      h("span", { class: "card-title" }, `${site ? site.name : t("home.site_n", { id: r.site })} · ${day(r.arrived_at)} ${clock(r.arrived_at)}`),
      r.access_band ? h("span", { class: "card-note" }, r.access_band === "immediate" ? t("home.access_immediate")
        : /^over-\d+$/.test(r.access_band) ? t("home.access_over", { minutes: r.access_band.slice(5) })
          : t("home.access_band", { band: r.access_band.replace("-", "–") })) : null];
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

// A message that names people by id ("…: 6, 9.") is said with their names; the register's reasons
// already name the visitor.
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
    saved.textContent = t("form.saving");
    await db.updateReport(uuid, (r) => (r.state === "draft" || r.state === "fix" ? { ...r, fields: f } : null));
    pending -= 1;
    saved.dataset.pending = String(pending);
    if (!pending) saved.textContent = t("form.saved_at", { time: clock(new Date().toISOString()) });
  };

  const siteChoices = lists.sites.filter((s) => s.kind === (custody ? "custody_suite" : "animal_unit"));
  const site = h("select", { id: "site", name: "site", onchange: (e) => { f.site = Number(e.target.value) || null; save(); } },
    h("option", { value: "" }, t(custody ? "form.choose_suite" : "form.choose_unit")),
    siteChoices.map((s) => h("option", { value: String(s.id), selected: s.id === f.site }, s.name)));

  const partnerSelect = (index, label) => {
    const select = h("select", { id: `co-visitor-${index}`, onchange: (e) => {
      const chosen = [...f.co_visitors];
      chosen[index] = Number(e.target.value) || null;
      f.co_visitors = chosen.filter(Boolean);
      save();
    } },
    h("option", { value: "" }, t(index === 0 ? "form.choose_co_visitor" : "form.nobody_else")),
    lists.partners.map((p) => h("option", { value: String(p.id), selected: f.co_visitors[index] === p.id },
      `${p.first_name} ${p.last_name}`.trim() || p.username)),
    // A sent report read back may name someone no longer on the scheme's list.
    f.co_visitors[index] && !lists.partners.some((p) => p.id === f.co_visitors[index])
      ? h("option", { value: String(f.co_visitors[index]), selected: true }, t("form.visitor_gone")) : null);
    return h("div", { class: "field" }, h("label", { for: select.id }, label), select);
  };
  const visitorErrors = groupErrors(row, "visitors");

  const band = h("p", { class: "band", id: "band", "aria-live": "polite" });
  const delayReason = h("textarea", { id: "delay_reason", rows: "2", maxlength: "5000",
    oninput: (e) => { f.delay_reason = e.target.value; save(); } });
  delayReason.value = f.delay_reason || "";
  const rank = h("select", { id: "delay_authorised_by_rank",
    onchange: (e) => { f.delay_authorised_by_rank = e.target.value; save(); } },
  h("option", { value: "" }, t("form.choose_rank")),
  RANKS.map(([value, words]) => h("option", { value, selected: f.delay_authorised_by_rank === value }, t(words))));
  const delayField = custody ? h("div", { class: "delay" },
    field(row, "delay_reason", t("form.delay_reason"), delayReason, { hint: t("form.delay_reason_hint") }),
    field(row, "delay_authorised_by_rank", t("form.delay_rank"), rank, { hint: t("form.delay_rank_hint") })) : null;
  const showBand = () => {
    if (!custody) return;
    const minutes = accessDelay(f);
    const judged = accessBand(minutes, lists.scheme);
    band.textContent = judged ? t("form.band", { band: judged.words, minutes }) : t("form.band_unknown");
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
    const more = h("button", { type: "button", class: "button step", "aria-label": t("counter.more", { label }), onclick: () => set(get() + 1) }, "+");
    const show = () => {
      input.value = String(get());
      if (!limit) return;
      input.max = String(most());
      said.textContent = t("counter.at_most", { limit: limit()[1] });
      more.disabled = get() >= most();
    };
    const set = (n) => { put(Math.max(0, Math.min(most(), n))); show(); onchange(); save(); };
    input.addEventListener("change", () => set(Number.parseInt(input.value, 10) || 0));
    if (said) input.setAttribute("aria-describedby", said.id);
    const box = h("div", { class: "counter", "data-field": id },
      h("div", { class: "counter-label" }, h("label", { for: id }, label), said),
      h("div", { class: "counter-controls" },
        h("button", { type: "button", class: "button step", "aria-label": t("counter.fewer", { label }), onclick: () => set(get() - 1) }, "−"),
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
      h("label", { for: `${name}-${value}` }, t(words))))));

  const arrivedRow = stamp("arrived_at", t("stamp.arrived"), t("stamp.arrived_at"), t("stamp.arrived_at"));
  const admittedRow = custody ? stamp("admitted_at", t("stamp.in"), t("stamp.in_at"), t("stamp.in_label")) : null;
  const leftRow = stamp("left_at", t("stamp.leaving"), t("stamp.left_at"), t("stamp.left_at"));

  // users/partners/ does not tell a visitor the partners' training, so the box shows for everyone: the
  // service refuses a TACT visit with no trained visitor, and its message appears beside the box.
  function tactField() {
    const box = h("input", { type: "checkbox", id: "tact", checked: f.tact,
      onchange: (e) => { f.tact = e.target.checked; save(); } });
    const said = errorsFor(row, "tact");
    if (said.length) { box.setAttribute("aria-describedby", "error-tact"); box.setAttribute("aria-invalid", "true"); }
    return h("div", { "data-field": "tact", class: said.length ? "has-error" : "" },
      said.length ? h("p", { class: "error", id: "error-tact" }, said.join(" ")) : null,
      h("div", { class: "check" }, box, h("label", { for: "tact" }, t("form.tact"))),
      h("p", { class: "hint" }, t(lists.me.tact_trained ? "form.tact_trained" : "form.tact_untrained")));
  }

  // The first thing a volunteer does at the door, so the first thing on the form.
  const sections = [arrivedRow];
  sections.push(h("section", { "aria-labelledby": "where-title" },
    h("h3", { id: "where-title" }, t("form.where_and_who")),
    field(row, "site", t(custody ? "form.suite" : "form.animal_unit"), site),
    h("div", { "data-field": "visitors", class: visitorErrors ? "has-error" : "" },
      visitorErrors, partnerSelect(0, t("form.co_visitor")), partnerSelect(1, t("form.another_co_visitor"))),
    custody ? tactField() : null));

  // The outcome first: it decides which of the parts below apply.
  const reason = h("textarea", { id: "outcome_reason", rows: "2", maxlength: "5000",
    oninput: (e) => { f.outcome_reason = e.target.value; save(); } });
  reason.value = f.outcome_reason || "";
  const reasonField = field(row, "outcome_reason", t(REASON_LABELS[f.outcome] || "outcome.why"), reason,
    { hint: t("outcome.why_hint") });
  sections.push(h("section", { "aria-labelledby": "outcome-title" },
    h("h3", { id: "outcome-title" }, t("outcome.title")),
    choice("outcome", t(custody ? "outcome.legend" : "outcome.legend_animal"), custody ? OUTCOMES : ANIMAL_OUTCOMES,
      () => f.outcome, (value) => { f.outcome = value; }, () => adapt()),
    reasonField));

  sections.push(h("section", { "aria-labelledby": "times-title" },
    h("h3", { id: "times-title" }, t("form.times")),
    admittedRow, custody ? band : null, delayField, leftRow));

  if (custody) {
    const totals = h("p", { class: "totals", id: "totals", "aria-live": "polite" });
    const limited = [];
    const showTotals = () => {
      const { offered, present } = derived(f);
      totals.replaceChildren(h("span", {}, t("tally.offered_n", { n: offered })), h("span", {}, t("tally.present_n", { n: present })));
      // Fewer present or seen than a count below allows: the count comes down with them.
      const before = LIMITED.map(([name]) => f[name]);
      clampLimited(f);
      limited.forEach((box) => box.refresh());
      // Not while the form is being drawn: there is nothing on screen yet to say "Saved" in.
      if (LIMITED.some(([name], i) => f[name] !== before[i]) && document.getElementById("saved")) save();
    };
    limited.push(...LIMITED.map(([name, label, of]) => counter(name, t(label), () => f[name], (n) => { f[name] = n; }, () => {},
      () => [limitOf(f, of), t(`limited.of_${of}`, { n: limitOf(f, of) })])));
    const limitedErrors = messages(LIMITED.map(([n]) => (row.errors || {})[n]));
    const tallyErrors = messages(["detainees_present", "detainees_offered", ...TALLY.map(([n]) => `detainees_${n}`)]
      .map((n) => (row.errors || {})[n]));
    sections.push(h("section", { "aria-labelledby": "tally-title", "data-field": "tally", id: "tally" },
      h("h3", { id: "tally-title" }, t("tally.title")),
      h("p", { class: "hint", id: "tally-hint" }),
      tallyErrors.length ? h("p", { class: "error" }, tallyErrors.join(" ")) : null,
      TALLY.map(([name, label]) => counter(name, t(label), () => f[name], (n) => { f[name] = n; }, showTotals)),
      totals,
      h("div", { class: `limited${limitedErrors.length ? " has-error" : ""}` },
        h("h4", {}, t("limited.title")),
        h("p", { class: "hint" }, t("limited.hint")),
        limitedErrors.length ? h("p", { class: "error" }, limitedErrors.join(" ")) : null,
        limited),
      h("details", { class: "profile", "data-field": "seen_profile", open: errorsFor(row, "seen_profile").length > 0 },
        h("summary", {}, t("profile.summary")),
        groupErrors(row, "seen_profile"),
        Object.entries(PROFILE).map(([dimension, { label, values }]) => h("fieldset", {},
          h("legend", {}, t(label)),
          values.map(([value, words]) => counter(`profile-${dimension}-${value}`, t(words),
            () => (f.seen_profile[dimension] || {})[value] || 0,
            (n) => { f.seen_profile[dimension] = { ...(f.seen_profile[dimension] || {}), [value]: n }; },
            () => {})))))));
    showTotals();
  } else {
    sections.push(h("section", { "aria-labelledby": "animals-title", id: "animals" },
      h("h3", { id: "animals-title" }, t("animal.title")),
      counter("animals_seen", t("animal.seen"), () => f.animals_seen, (n) => { f.animals_seen = n; }, () => {}),
      ANIMAL_CHECKS.map(([name, label]) => h("div", { class: "check", "data-field": name },
        h("input", { type: "checkbox", id: name, checked: f[name],
          onchange: (e) => { f[name] = e.target.checked; save(); } }),
        h("label", { for: name }, t(label))))));
    const welfareErrors = groupErrors(row, "welfare_needs");
    sections.push(h("section", { "aria-labelledby": "welfare-title", id: "welfare", "data-field": "welfare_needs",
      class: welfareErrors ? "has-error" : "" },
    h("h3", { id: "welfare-title" }, t("welfare.title")),
    h("p", { class: "hint" }, t("welfare.hint")),
    welfareErrors,
    WELFARE_NEEDS.map(([need, label, hint]) => h("fieldset", { class: "choice", "data-field": `welfare-${need}`,
      "aria-describedby": `welfare-${need}-hint` },
      h("legend", {}, t(label)),
      h("p", { class: "hint", id: `welfare-${need}-hint` }, t(hint)),
      h("div", { class: "options" }, WELFARE_STATES.map(([value, words]) => h("span", { class: "option" },
        h("input", { type: "radio", name: `welfare-${need}`, id: `welfare-${need}-${value}`,
          checked: f.welfare_needs[need] === value,
          onchange: () => { f.welfare_needs = { ...f.welfare_needs, [need]: value }; save(); } }),
        h("label", { for: `welfare-${need}-${value}` }, t(words)))))))));
  }

  const issueList = h("div", { class: "issues" });
  const drawIssues = () => issueList.replaceChildren(...f.issues.map((issue, index) => {
    const n = index + 1;
    const category = h("select", { id: `issue-${n}-category`,
      onchange: (e) => { issue.category = e.target.value; save(); } },
    h("option", { value: "" }, t("issue.choose_category")),
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
      h("legend", {}, t("issue.legend", { n })),
      field(row, `issues.${n}.category`, t("issue.category"), category,
        { errors: [...errorsFor(row, `issues.${n}.category`), ...(said && typeof said === "object" ? messages(said.category) : [])] }),
      field(row, `issues.${n}.description`, t("issue.description"), description,
        { errors: [...errorsFor(row, `issues.${n}.description`), ...serverSaid] }),
      h("div", { class: "check" },
        h("input", { type: "checkbox", id: `issue-${n}-resolved`, checked: issue.resolved_during_visit,
          onchange: (e) => { issue.resolved_during_visit = e.target.checked; save(); } }),
        h("label", { for: `issue-${n}-resolved` }, t("issue.resolved"))),
      h("button", { type: "button", class: "button quiet remove-issue", onclick: async () => {
        if (issue.description.trim() && !(await confirmDialog(t("issue.remove_title", { n }),
          t("issue.remove_text"), t("issue.remove_no"), t("issue.remove_yes")))) return;
        f.issues.splice(index, 1); drawIssues(); save();
      } }, t("issue.remove", { n })));
  }));
  drawIssues();
  const issueErrors = ((row.errors || {}).issues || []).filter((m) => typeof m === "string");
  sections.push(h("section", { "aria-labelledby": "issues-title", "data-field": "issues" },
    h("h3", { id: "issues-title" }, t("issue.title")),
    issueErrors.length ? h("p", { class: "error" }, issueErrors.join(" ")) : null,
    issueList,
    h("button", { type: "button", class: "button add-issue", onclick: () => {
      f.issues.push({ category: "", description: "", resolved_during_visit: false });
      drawIssues(); save();
      document.getElementById(`issue-${f.issues.length}-category`).focus();
    } }, t("issue.add"))));

  if (custody) {
    const details = h("textarea", { id: "concern_details", rows: "4", maxlength: "5000",
      oninput: (e) => { f.concern_details = e.target.value; save(); } });
    details.value = f.concern_details;
    const detailsField = field(row, "concern", t("concern.details"), details, { hint: t("concern.details_hint") });
    detailsField.hidden = !f.concern_raised;
    sections.push(h("section", { "aria-labelledby": "concern-title", class: "concern", id: "concern-section" },
      h("h3", { id: "concern-title" }, t("concern.title")),
      h("p", {}, t("concern.intro")),
      h("div", { class: "check" },
        h("input", { type: "checkbox", id: "concern_raised", checked: f.concern_raised, onchange: (e) => {
          f.concern_raised = e.target.checked;
          detailsField.hidden = !f.concern_raised;
          save();
          if (f.concern_raised) details.focus();
        } }),
        h("label", { for: "concern_raised" }, t("concern.raised"))),
      detailsField));
  }

  if (custody) {
    sections.push(h("section", { "aria-labelledby": "checks-title", id: "checks" },
      h("h3", { id: "checks-title" }, t("check.title")),
      CHECKS.map(([name, label]) => h("fieldset", { class: "choice", "data-field": name },
        h("legend", {}, t(label)),
        groupErrors(row, name),
        h("div", { class: "options" },
          [["yes", true, t("check.yes")], ["no", false, t("check.no")], ["unchecked", null, t("check.unchecked")]].map(([key, value, words]) =>
            h("span", { class: "option" },
              h("input", { type: "radio", name, id: `${name}-${key}`, checked: f[name] === value,
                onchange: () => { f[name] = value; save(); } }),
              h("label", { for: `${name}-${key}` }, words))))))));
  }

  const comments = h("textarea", { id: "comments", rows: "4", maxlength: "5000",
    oninput: (e) => { f.comments = e.target.value; save(); } });
  comments.value = f.comments;
  sections.push(h("section", { "aria-labelledby": "comments-title" },
    h("h3", { id: "comments-title" }, t("comments.title")),
    field(row, "comments", t("comments.label"), comments)));

  const known = new Set(["site", "visitors", "arrived_at", "admitted_at", "left_at", "delay_reason", "comments",
    "issues", "seen_profile", "detainees_present", "detainees_offered", ...TALLY.map(([n]) => `detainees_${n}`),
    ...CHECKS.map(([n]) => n), ...ANIMAL_CHECKS.map(([n]) => n), "animals_seen",
    "outcome", "outcome_reason", "delay_authorised_by_rank", "tact", ...LIMITED.map(([n]) => n), "concern",
    "welfare_needs"]);
  const other = Object.entries(row.errors || {}).filter(([name]) => !known.has(name)).flatMap(([, v]) => messages(v));

  const status = h("div", { class: `status state-${row.state}`, role: "status" },
    h("p", { class: "status-state" }, t(STATES[row.state])),
    h("p", { id: "report-message" }, say(row.message) || (editable ? t("report.kept") : "")),
    row.state === "queued" ? h("p", { id: "next-try", "data-next-try": row.next_try_at || "", "aria-live": "off" },
      nextTry(row.next_try_at)) : null,
    other.length ? h("p", { class: "error" }, other.join(" ")) : null,
    row.state === "queued" ? h("button", { type: "button", class: "button primary", id: "send-now", onclick: async (e) => {
      e.target.disabled = true;
      e.target.textContent = t("report.sending");
      await sync.send();
      const now = document.getElementById("send-now");
      if (now) { now.disabled = false; now.textContent = t("report.send_now"); }
    } }, t("report.send_now")) : null,
    editable ? null : h("a", { href: "#/", class: "button" }, t("report.back")));

  const actions = editable ? h("div", { class: "stack" },
    h("p", { class: "small", id: "saved", "data-pending": "0" }),
    h("button", { type: "submit", class: "button primary big" }, t("report.submit")))
    : h("a", { href: "#/", class: "button" }, t("report.back"));
  // Well away from "Submit report", so a thumb aiming at one cannot land on the other.
  const discard = row.state === "draft" ? h("div", { class: "discard" },
    h("p", { class: "small" }, t("draft.not_going_ahead")),
    h("button", { type: "button", class: "button danger-outline delete-draft", onclick: async () => {
      const sure = await confirmDialog(t("draft.delete_title"), t("draft.delete_text"), t("draft.keep"), t("draft.delete_yes"));
      if (!sure) return;
      await db.deleteReport(uuid); sync.changed(); location.hash = "#/";
    } }, t("draft.delete"))) : null;

  const form = h("form", { class: "report", novalidate: true },
    h("fieldset", { class: "plain", disabled: !editable }, sections), actions);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const found = problems(row, lists.scheme);
    if (Object.keys(found).length) {
      await db.updateReport(uuid, (r) => ({ ...r, fields: f, errors: found,
        message: "report.missing" }));
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

  screen(t(custody ? "report.custody_title" : "report.animal_title"),
    h("a", { href: "#/", class: "back" }, t("nav.back")), status, form, discard);
  // Shows the parts of the form that apply to the outcome chosen, keeping what was typed in the others.
  function adapt() {
    const inside = admitted(f);
    const remote = f.outcome === "remote";
    reasonField.hidden = f.outcome === "completed";
    reasonField.querySelector("label").textContent = t(REASON_LABELS[f.outcome] || "outcome.why");
    arrivedRow.words(t(remote ? "stamp.call_started" : "stamp.arrived"), t(remote ? "stamp.call_started_at" : "stamp.arrived_at"));
    arrivedRow.querySelector("label").textContent = t(remote ? "stamp.call_started_at" : "stamp.arrived_at");
    leftRow.words(t(remote ? "stamp.call_ended" : "stamp.leaving"), t(remote ? "stamp.call_ended_at" : "stamp.left_at"));
    leftRow.querySelector("label").textContent = t(remote ? "stamp.call_ended_at" : "stamp.left_at");
    if (custody) {
      admittedRow.hidden = !inside;
      band.hidden = !inside;
      document.getElementById("tally").hidden = f.outcome === "access_refused";
      document.getElementById("checks").hidden = !inside;
      document.getElementById("tally-hint").textContent = t(remote ? "tally.hint_remote" : "tally.hint");
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
  const title = t(kind === "custody" ? "report.custody_title" : "report.animal_title");
  const back = h("a", { href: "#/", class: "back" }, t("nav.back"));
  const tell = (words) => screen(title, back, h("p", { class: "notice" }, words));
  tell(t("sent.fetching"));
  let result;
  try {
    result = await api.call("GET", `${kind === "custody" ? "visits" : "animal-visits"}/${id}/`);
  } catch {
    tell(t("sent.no_connection"));
    return;
  }
  if (location.hash !== `#/sent/${kind}/${id}`) return;  // the volunteer went elsewhere meanwhile
  if (result.status !== 200) { tell(messages(result.body).join(" ") || t("service.answered", { status: result.status })); return; }
  await reportScreen(null, fromServer(kind, result.body, lists.me));
}

// --- where next? ---------------------------------------------------------------------------------

function whereScreen() {
  shown = null;
  const choices = lists.sites.filter((s) => s.kind === "custody_suite" || lists.me.animal_welfare_trained)
    .sort((a, b) => (a.kind === b.kind ? 0 : a.kind === "custody_suite" ? -1 : 1));
  const both = choices.some((s) => s.kind === "animal_unit");
  const label = t(both ? "where.suite_or_unit" : "form.suite");
  const answer = h("div", { id: "plan", "aria-live": "polite" });
  const select = h("select", { id: "where-site", onchange: async (e) => {
    answer.replaceChildren(h("p", {}, t("where.asking")));
    // Fetched fresh every time and kept only on the screen: plans never sit where the next user could read them.
    let result;
    try {
      result = await api.call("GET", `recommendations/?site=${Number(e.target.value)}`);
    } catch {
      answer.replaceChildren(h("p", { class: "notice" }, t("where.no_connection")));
      return;
    }
    if (result.status !== 200) {
      answer.replaceChildren(h("p", { class: "notice" }, messages(result.body).join(" ") || t("service.answered", { status: result.status })));
      return;
    }
    const r = result.body;
    const gaps = r.cells.filter((c) => c.visits_in_window === 0).slice(0, 10);
    answer.replaceChildren(
      h("h3", {}, t("where.plan", { from: day(r.plan_from), to: day(r.plan_to) })),
      h("ul", { class: "cards" }, r.plan.map((p) => h("li", { class: "card" },
        h("span", { class: "card-title" }, `${day(p.date)}, ${p.band.replace("-", "–")}`),
        p.handover ? h("span", { class: "card-note" }, t("where.handover")) : null))),
      h("h3", {}, t("where.not_visited_since", { day: day(r.window_from) })),
      gaps.length ? h("ul", { class: "plain-list" }, gaps.map((c) =>
        h("li", {}, `${weekday(c.day)}, ${c.band.replace("-", "–")}`)))
        : h("p", {}, t("where.all_visited")));
  } },
  h("option", { value: "" }, t(both ? "where.choose_suite_or_unit" : "where.choose_suite")),
  choices.map((s) => h("option", { value: String(s.id) }, s.name)));
  screen(t("where.title"), h("a", { href: "#/", class: "back" }, t("nav.back")),
    h("p", {}, t("where.intro")),
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
  if (unsent && !(await confirmDialog(t("signout.title"), plural("signout.text", unsent),
    t("signout.keep"), t("signout.yes")))) return;
  lists = null;
  await db.wipe();
  for (const key of await caches.keys()) await caches.delete(key);
  // The phone's language stays: the next sign-in screen speaks it. It says nothing of the reports.
  const kept = i18n.chosenHere() ? i18n.language() : null;
  localStorage.clear();
  sessionStorage.clear();
  if (kept) await i18n.use(kept);
  sync.announceSignOut();
  location.hash = "#/";
  signInScreen("signout.done");
}

start();
