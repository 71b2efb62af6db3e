// The app's words in English and Welsh (Welsh Language Standards): two flat catalogues, key -> text with
// {name} placeholders, fetched beside this module (the service worker keeps both, so a phone without
// signal can still switch). The language chosen is remembered on the phone, in localStorage.
export const LANGUAGES = ["en", "cy"];
const STORED = "icv-language";
// For <html lang> and for Intl: British English, and Welsh.
const LOCALES = { en: "en-GB", cy: "cy" };
const catalogues = {};
let current = "en";

async function catalogue(code) {
  if (!catalogues[code]) {
    const response = await fetch(new URL(`./i18n/${code}.json`, import.meta.url));
    if (!response.ok) throw new Error(`catalogue ${code}: ${response.status}`);
    catalogues[code] = await response.json();
  }
  return catalogues[code];
}

// The language remembered on this phone, else the phone's own when it is Welsh, else English.
export function remembered() {
  const kept = localStorage.getItem(STORED);
  if (LANGUAGES.includes(kept)) return kept;
  return (navigator.languages || [navigator.language]).some((l) => /^cy\b/i.test(l || "")) ? "cy" : "en";
}

// True once the volunteer has chosen a language on this phone (rather than the app guessing it).
export function chosenHere() {
  return LANGUAGES.includes(localStorage.getItem(STORED));
}

export function language() {
  return current;
}

export function locale() {
  return LOCALES[current];
}

// Switches the app's words; remember=false for a language the app only guessed.
export async function use(code, { remember = true } = {}) {
  if (!LANGUAGES.includes(code)) code = "en";
  await catalogue("en");  // the fallback for a key a catalogue lacks (the tests see that none does)
  await catalogue(code);
  current = code;
  if (remember) localStorage.setItem(STORED, code);
  document.documentElement.lang = LOCALES[code];
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll("[data-i18n-content]")) el.setAttribute("content", t(el.dataset.i18nContent));
}

// t("signin.again_in", {wait: "2 minutes"}) -> the words in the language in use.
export function t(key, params = {}) {
  const text = (catalogues[current] || {})[key] ?? (catalogues.en || {})[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

// One of two keys by a count: key.one for 1, key.other otherwise (Welsh counts take the singular noun).
export function plural(key, n, params = {}) {
  return t(`${key}.${n === 1 ? "one" : "other"}`, { n, ...params });
}

// A message kept with a report: a catalogue key said in today's language, or, from an older version of
// the app or from the service, the words themselves.
export function say(message) {
  if (!message) return "";
  return (catalogues.en || {})[message] !== undefined ? t(message) : message;
}
