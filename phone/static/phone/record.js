// "My record": the volunteer's next team meeting and their attendance, and their own answers for the
// cohort (each optional, "prefer not to say" allowed), read and saved through the public API only.
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
  let meetings, profile, areas;
  try {
    [meetings, profile, areas] = await Promise.all([
      api.all("meetings/"), api.call("GET", "users/me/profile/").then((r) => r.body), api.all("home-areas/"),
    ]);
  } catch {
    screen(t("record.title"), h("p", { class: "notice" }, t("record.offline")),
      h("p", {}, h("a", { href: "#/", class: "button" }, t("nav.back"))));
    return;
  }
  screen(t("record.title"), ...meetingsPart(meetings), ...profileForm(profile, areas, lists.scheme),
    h("p", {}, h("a", { href: "#/", class: "button quiet" }, t("nav.back"))));
}
