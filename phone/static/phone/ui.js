// Small DOM helpers: the app builds its screens from these, with no framework and no inline script.
import { locale, plural, t } from "./i18n.js";

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else if (key === "value") el.value = value;
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

// Every message of a DRF error value, however nested ({"0": {"description": ["..."]}} or ["..."]).
export function messages(value) {
  if (value === null || value === undefined) return [];
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(messages);
  if (typeof value === "object") return Object.values(value).flatMap(messages);
  return [String(value)];
}

const pad = (n) => String(n).padStart(2, "0");

// <input type="datetime-local"> speaks the phone's local time without an offset; the API wants one.
export function toLocalInput(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(value) {
  return value ? new Date(value).toISOString() : null;
}

export function nowStamp() {
  return new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
}

export function clock(iso) {
  return iso ? new Date(iso).toLocaleTimeString(locale(), { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }) : "";
}

// "Thu 3 Dec", "Iau 3 Rhag": the names from the catalogue, since a browser's Intl may have no Welsh
// (Debian's Chromium falls back to English).
export function day(iso) {
  const d = new Date(iso);
  return `${t(`date.day_short.${d.getDay()}`)} ${d.getDate()} ${t(`date.month_short.${d.getMonth()}`)}`;
}

// A wait in words: "30 seconds", "2 minutes" (a part-minute counting whole).
export function waitWords(seconds) {
  if (seconds < 60) return plural("wait.seconds", seconds);
  return plural("wait.minutes", Math.ceil(seconds / 60));
}

// When a waiting report is tried next, in words: "in 30 seconds, at 02:14" (empty when nothing is planned).
export function nextTry(iso, now = Date.now()) {
  if (!iso) return "";
  const seconds = Math.ceil((new Date(iso) - now) / 1000);
  if (seconds <= 0) return t("sync.sending_now");
  return t("sync.next_try", { wait: waitWords(seconds), time: clock(iso) });
}

// Every "It will be sent in …" on screen counts down by itself.
setInterval(() => {
  for (const el of document.querySelectorAll("[data-next-try]")) el.textContent = nextTry(el.dataset.nextTry);
}, 1000);
