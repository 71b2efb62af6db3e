// The rota on the phone: the visits given to this visitor (with their partner, Accept / Can't go) on
// "My visits", and "My availability" (the cells of the week they can usually do, and their leave).
// Fetched live and kept only on the screen: where and when a visit is planned never sits on the phone.
import * as api from "./api.js";
import { t } from "./i18n.js";
import { day, h, messages } from "./ui.js";

const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
const REASONS = ["unwell", "away", "commitment", "other"];
const OPEN = ["proposed", "accepted"];

function weekday(name) {
  const words = t(`date.day_long.${(WEEKDAYS.indexOf(name) + 1) % 7}`);  // numbered as Date.getDay()
  return words[0].toUpperCase() + words.slice(1);
}

const spell = (band) => band.replace("-", "–");

function isoDay(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function failed(result) {
  return messages(result.body).join(" ") || t("service.answered", { status: result.status });
}

// --- My visits: the visits given to me --------------------------------------------------------------

// A section for the "My visits" screen; it fills itself once the service answers, and disappears for an
// account the rota is not for.
export function visitsSection(me) {
  const box = h("section", { id: "rota", "aria-labelledby": "rota-title" },
    h("h3", { id: "rota-title" }, t("rota.title")), h("p", {}, t("rota.asking")));
  fill(box, me);
  return box;
}

async function fill(box, me) {
  let result;
  try {
    result = await api.call("GET", "rota/?page_size=50");
  } catch {
    box.replaceChildren(box.firstChild, h("p", { class: "notice" }, t("rota.no_connection")));
    return;
  }
  if (result.status === 404) { box.remove(); return; }
  if (result.status !== 200) {
    box.replaceChildren(box.firstChild, h("p", { class: "notice" }, failed(result)));
    return;
  }
  const today = isoDay(new Date());
  const mine = result.body.results.filter((v) => OPEN.includes(v.state) && v.window_to >= today);
  box.replaceChildren(box.firstChild,
    mine.length ? h("ul", { class: "cards" }, mine.map((visit) => card(visit, me, box)))
      : h("p", {}, t("rota.none")),
    h("div", { class: "stack" }, h("a", { href: "#/availability", class: "button" }, t("availability.title"))));
}

function card(visit, me, box) {
  const partners = visit.visitors.filter((v) => v.id !== me.id);
  const self = visit.visitors.find((v) => v.id === me.id);
  const message = h("span", { class: "card-note", "aria-live": "polite" });
  const answer = async (path, body) => {
    let result;
    try {
      result = await api.call("POST", `rota/${visit.id}/${path}/`, body);
    } catch {
      message.textContent = t("rota.no_connection");
      return;
    }
    if (result.status !== 200) { message.textContent = failed(result); return; }
    fill(box, me);
  };
  const reason = h("select", { id: `reason-${visit.id}` },
    REASONS.map((key) => h("option", { value: key }, t(`rota.reason.${key}`))));
  const decline = h("div", { class: "field", hidden: true },
    h("label", { for: `reason-${visit.id}` }, t("rota.why")), reason,
    h("button", { type: "button", class: "button", onclick: () => answer("decline", { reason: reason.value }) },
      t("rota.send_decline")));
  return h("li", { class: `card rota-${visit.state}` },
    h("span", { class: "card-title" }, `${day(visit.date)}, ${spell(visit.band)}`),
    h("span", {}, visit.site_name),
    h("span", {}, partners.length ? t("rota.with", { names: partners.map((p) => p.name).join(", ") })
      : t("rota.partner_wanted")),
    h("span", { class: "badge" }, t(self && self.accepted ? "rota.you_accepted" : "rota.waiting_for_you")),
    h("div", { class: "row" },
      self && !self.accepted ? h("button", { type: "button", class: "button primary", onclick: () => answer("accept") },
        t("rota.accept")) : null,
      h("button", { type: "button", class: "button quiet", "aria-expanded": "false", onclick: (e) => {
        decline.hidden = !decline.hidden;
        e.currentTarget.setAttribute("aria-expanded", String(!decline.hidden));
        if (!decline.hidden) reason.focus();
      } }, t("rota.cannot_go"))),
    decline, message);
}

// --- My availability --------------------------------------------------------------------------------

// screen(title, ...content) is the app's; `scheme` gives the bands of the week.
export async function availabilityScreen(screen, scheme, target = null) {
  const back = h("a", { href: "#/", class: "back" }, t("nav.back"));
  let rows;
  try {
    rows = await api.all("availability/");
  } catch {
    screen(t("availability.title"), back, h("p", { class: "notice" }, t("rota.no_connection")));
    return;
  }
  const on = target || isoDay(new Date());
  const row = rows.find((r) => r.period_from <= on && on <= r.period_to);
  const bands = scheme.custody_bands;
  const marked = new Set((row ? row.cells : []).map((c) => `${c.day} ${c.band}`));
  const leave = new Set(row ? row.leave : []);
  const message = h("p", { id: "availability-message", "aria-live": "polite" });

  const grid = h("table", { class: "availability" },
    h("caption", {}, t("availability.grid")),
    h("thead", {}, h("tr", {}, h("td", {}), bands.map((b) => h("th", { scope: "col" }, h("abbr", { title: spell(b) }, b.slice(0, 5)))))),
    h("tbody", {}, WEEKDAYS.map((d, i) => h("tr", {},
      h("th", { scope: "row" }, h("abbr", { title: weekday(d) }, t(`date.day_short.${(i + 1) % 7}`))),
      bands.map((b) => h("td", {}, h("input", {
        type: "checkbox", name: "cell", value: `${d} ${b}`, checked: marked.has(`${d} ${b}`),
        "aria-label": `${weekday(d)}, ${spell(b)}`,
      })))))));

  const leaveList = h("ul", { class: "plain-list", id: "leave-list" });
  const drawLeave = () => leaveList.replaceChildren(...[...leave].sort().map((d) => h("li", {}, day(d), " ",
    h("button", { type: "button", class: "button quiet", "aria-label": t("availability.remove_day", { day: day(d) }),
      onclick: () => { leave.delete(d); drawLeave(); } }, t("availability.remove")))));
  drawLeave();
  const leaveInput = h("input", { type: "date", id: "leave-day", min: row ? row.period_from : null,
    max: row ? row.period_to : null });
  const email = h("input", { type: "checkbox", id: "by-email", checked: row ? row.by_email : false });

  const save = async () => {
    const cells = [...grid.querySelectorAll("input:checked")].map((box) => {
      const [d, b] = box.value.split(" ");
      return { day: d, band: b };
    });
    let result;
    try {
      result = await api.call("POST", "availability/", { period_from: row ? row.period_from : on, cells,
        leave: [...leave].sort(), by_email: email.checked });
    } catch {
      message.textContent = t("rota.no_connection");
      return;
    }
    if (result.status !== 200 && result.status !== 201) { message.textContent = failed(result); return; }
    await availabilityScreen(screen, scheme, target);
    document.getElementById("availability-message").textContent = t("availability.saved");
  };

  const next = row ? isoDay(new Date(new Date(`${row.period_to}T12:00:00`).getTime() + 86400000)) : null;
  screen(t("availability.title"), back,
    h("p", {}, row ? t("availability.period", { from: day(row.period_from), to: day(row.period_to) })
      : t("availability.not_given")),
    h("p", {}, t("availability.intro")),
    h("div", { class: "grid-wrap" }, grid),
    h("fieldset", {}, h("legend", {}, t("availability.leave")),
      leaveList,
      h("div", { class: "field" }, h("label", { for: "leave-day" }, t("availability.leave_day")), leaveInput),
      h("button", { type: "button", class: "button", onclick: () => {
        if (leaveInput.value) { leave.add(leaveInput.value); leaveInput.value = ""; drawLeave(); }
      } }, t("availability.add_leave"))),
    h("div", { class: "check" }, email, h("label", { for: "by-email" }, t("availability.by_email"))),
    h("div", { class: "stack" },
      h("button", { type: "button", class: "button primary big", onclick: save }, t("availability.save")),
      target && target !== isoDay(new Date())
        ? h("button", { type: "button", class: "button", onclick: () => availabilityScreen(screen, scheme) },
          t("availability.this_period"))
        : next ? h("button", { type: "button", class: "button", onclick: () => availabilityScreen(screen, scheme, next) },
          t("availability.next_period")) : null),
    message);
}
