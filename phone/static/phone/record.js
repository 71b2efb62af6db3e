// "My record": the volunteer's stage, term, vetting and training as the register holds them, their next
// team meeting and attendance, and their own answers for the cohort (each optional, "prefer not to
// say" allowed), read and saved through the public API only.
import * as api from "./api.js";
import { plural, t } from "./i18n.js";
import { day, h, messages } from "./ui.js";

// The answers the service takes (volunteers/models.py), each said from the catalogue.
const CHOICES = {
  gender: ["female", "male", "another", "prefer_not_to_say"],
  age_band: ["18-19", "20-24", "25-34", "35-49", "50-64", "65-74", "75+", "prefer_not_to_say"],
  ethnic_group: ["asian", "black", "mixed", "white", "other", "prefer_not_to_say"],
};
const YEAR_MS = 365 * 24 * 3600 * 1000;

function choiceLabel(field, value) {
  return value === "prefer_not_to_say" ? t("record.prefer_not_to_say") : t(`record.${field}.${value.replace("-", "_").replace("+", "_plus")}`);
}

function select(id, label, options, chosen) {
  return h("div", { class: "field" },
    h("label", { for: id }, label),
    h("select", { id, name: id },
      h("option", { value: "" }, t("record.not_answered")),
      options.map(([value, words]) => h("option", { value, selected: value === chosen }, words))));
}

// A register's date with its year ("2 Nov 2028"): terms and vetting run for years.
function dated(iso) {
  if (!iso) return t("record.not_recorded");
  const [year, month, date] = iso.split("-").map(Number);
  return `${date} ${t(`date.month_short.${month - 1}`)} ${year}`;
}

function registerPart(record, training) {
  if (!record) return [];
  const facts = [
    ["record.stage", t(`record.stage.${record.state}`)],
    record.state === "probation" ? ["record.probation_ends", dated(record.probation_ends_on)] : null,
    ["record.term_ends", dated(record.term_ends_on)],
    ["record.vetting_expires", dated(record.vetting_expires_on)],
  ].filter(Boolean);
  return [
    h("h3", {}, t("record.register")),
    h("dl", { class: "facts" }, facts.map(([key, value]) => [h("dt", {}, t(key)), h("dd", {}, value)])),
    h("h3", {}, t("record.training")),
    training.length ? h("ul", { class: "cards" }, training.map((row) => h("li", { class: "card" },
      h("span", { class: "card-title" }, row.course_name),
      h("span", { class: "card-note" }, t("record.completed", { date: dated(row.completed_on) })),
      h("span", { class: "card-note" }, row.expires_on ? t(row.valid_today ? "record.valid_until" : "record.lapsed",
        { date: dated(row.expires_on) }) : t("record.valid_for_good")))))
      : h("p", {}, t("record.no_training")),
  ];
}

function meetingsPart(meetings) {
  const today = new Date().toISOString().slice(0, 10);
  const next = meetings.filter((m) => m.held_on >= today).sort((a, b) => a.held_on.localeCompare(b.held_on))[0];
  const since = new Date(Date.now() - YEAR_MS).toISOString().slice(0, 10);
  const attended = meetings.filter((m) => m.attended && m.held_on > since && m.held_on <= today).length;
  return [
    h("h3", {}, t("record.meetings")),
    next ? h("p", {}, t("record.next_meeting", { date: day(`${next.held_on}T12:00:00`), title: next.title,
      how: t(`record.format.${next.format}`) }))
      : h("p", {}, t("record.no_meeting")),
    h("p", {}, plural("record.attended", attended)),
  ];
}

function profileForm(profile, areas, scheme) {
  const status = h("p", { id: "profile-status", role: "status" });
  const form = h("form", { class: "stack", novalidate: true },
    h("p", { class: "small" }, t("record.profile_intro", { threshold: scheme.cohort_min_group || 3 })),
    ...Object.entries(CHOICES).map(([field, values]) => select(field, t(`record.${field}`),
      values.map((value) => [value, choiceLabel(field, value)]), profile[field])),
    select("home_area", t("record.home_area"),
      [...areas.map((a) => [a.slug, a.name]), ["prefer_not_to_say", t("record.prefer_not_to_say")]], profile.home_area),
    status,
    h("button", { type: "submit", class: "button primary" }, t("record.save")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = Object.fromEntries(["gender", "age_band", "ethnic_group", "home_area"]
      .map((field) => [field, form.elements[field].value]));
    status.className = "";
    try {
      const result = await api.call("PUT", "users/me/profile/", body);
      status.textContent = result.status === 200 ? t("record.saved")
        : messages(result.body).join(" ") || t("service.answered", { status: result.status });
      if (result.status !== 200) status.className = "error";
    } catch {
      status.textContent = t("record.offline");
      status.className = "error";
    }
  });
  return [h("h3", {}, t("record.profile")), form];
}

// Fetched fresh each time and kept only on the screen: the answers are the volunteer's own.
export async function recordScreen(screen, lists) {
  screen(t("record.title"), h("p", {}, t("app.loading")));
  let meetings, profile, areas, record, training = [];
  try {
    [meetings, profile, areas, [record]] = await Promise.all([
      api.all("meetings/"), api.call("GET", "users/me/profile/").then((r) => r.body), api.all("home-areas/"),
      api.all("volunteers/"),
    ]);
    if (record) training = await api.all(`volunteers/${record.id}/training/`);
  } catch {
    screen(t("record.title"), h("p", { class: "notice" }, t("record.offline")),
      h("p", {}, h("a", { href: "#/", class: "button" }, t("nav.back"))));
    return;
  }
  screen(t("record.title"), ...registerPart(record, training), ...meetingsPart(meetings),
    ...profileForm(profile, areas, lists.scheme),
    h("p", {}, h("a", { href: "#/", class: "button quiet" }, t("nav.back"))));
}
