// UI strings live in ../i18n/<lang>.json (translations are data). Missing keys fall back
// to English, and if no file can be fetched to the small built-in set in emergency.mjs.
import { BUILTIN_STRINGS } from './emergency.mjs';

export const LANGUAGES = Object.freeze({
  nl: Object.freeze({ name: 'Nederlands', dir: 'ltr' }),
  en: Object.freeze({ name: 'English', dir: 'ltr' }),
  ar: Object.freeze({ name: 'العربية', dir: 'rtl' }),
  tr: Object.freeze({ name: 'Türkçe', dir: 'ltr' }),
  pl: Object.freeze({ name: 'Polski', dir: 'ltr' }),
  uk: Object.freeze({ name: 'Українська', dir: 'ltr' }),
  fa: Object.freeze({ name: 'فارسی', dir: 'rtl' }),
  so: Object.freeze({ name: 'Soomaali', dir: 'ltr' }),
  ti: Object.freeze({ name: 'ትግርኛ', dir: 'ltr' }),
});

export const FALLBACK_LANGUAGE = 'en';

export function isSupported(language) {
  return Object.hasOwn(LANGUAGES, language);
}

export function directionOf(language) {
  return isSupported(language) ? LANGUAGES[language].dir : 'ltr';
}

/** Pick the configured language, else the browser's first supported one, else Dutch. */
export function chooseLanguage(configured, browserLanguages = []) {
  if (configured && isSupported(configured)) return configured;
  for (const tag of browserLanguages) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (isSupported(base)) return base;
  }
  return 'nl';
}

/** Replace {name} placeholders with values; unknown placeholders are left as they are. */
export function format(template, values = {}) {
  return String(template).replace(/\{(\w+)\}/g, (whole, name) =>
    Object.hasOwn(values, name) ? String(values[name]) : whole,
  );
}

export class StringCatalog {
  constructor(baseUrl, fetchImpl = (...args) => fetch(...args)) {
    this.baseUrl = baseUrl;
    this.fetchImpl = fetchImpl;
    this.cache = new Map(); // in memory only
  }

  async #loadFile(language) {
    if (this.cache.has(language)) return this.cache.get(language);
    const url = new URL(`${language}.json`, this.baseUrl);
    const response = await this.fetchImpl(url, { credentials: 'omit', cache: 'no-store' });
    if (!response.ok) throw new Error(`i18n ${language}: HTTP ${response.status}`);
    const strings = await response.json();
    this.cache.set(language, strings);
    return strings;
  }

  /** Strings for language merged over English; never rejects. */
  async load(language) {
    const [fallback, own] = await Promise.all([
      this.#loadFile(FALLBACK_LANGUAGE).catch(() => ({})),
      this.#loadFile(language).catch(() => ({})),
    ]);
    return Object.freeze({ ...BUILTIN_STRINGS, ...fallback, ...own });
  }
}
