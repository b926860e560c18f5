// UI strings by locale. Each plugin ships `lang/<locale>.json` (flat keys beginning with its name,
// e.g. "courses.catalog.title"); the core ships `core/lang/` and each theme its `lang/` ("theme." keys).
// A string missing in a locale falls back to English, then to the key itself, so text that is not yet
// a key (a plugin's nav title) shows as written. `{name}` in a string is replaced by the `name` value.
import fs from 'node:fs';
import path from 'node:path';

export const DEFAULT_LOCALE = 'en';
const LOCALE_FILE = /^([a-z]{2}(?:-[A-Z]{2})?)\.json$/;

type Catalog = Map<string, string>;

export class Catalogs {
  private readonly byLocale = new Map<string, Catalog>();

  /** Loads every `<locale>.json` of `dir` (missing dir: nothing); later directories override earlier ones. */
  addDirectory(dir: string, prefix?: string): void {
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => LOCALE_FILE.test(f)).sort() : [];
    for (const file of files) {
      const locale = LOCALE_FILE.exec(file)![1];
      const parsed: unknown = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${path.join(dir, file)} must hold an object of strings`);
      let catalog = this.byLocale.get(locale);
      if (!catalog) this.byLocale.set(locale, catalog = new Map());
      for (const [key, value] of Object.entries(parsed)) {
        if (typeof value !== 'string') throw new Error(`${path.join(dir, file)}: "${key}" must be a string`);
        if (prefix && !key.startsWith(`${prefix}.`)) throw new Error(`${path.join(dir, file)}: "${key}" must begin with "${prefix}."`);
        catalog.set(key, value);
      }
    }
  }

  /** The locales that have a catalog, English first. */
  locales(): string[] {
    return [DEFAULT_LOCALE, ...[...this.byLocale.keys()].filter((l) => l !== DEFAULT_LOCALE).sort()];
  }

  has(key: string, locale = DEFAULT_LOCALE): boolean {
    return this.byLocale.get(locale)?.has(key) ?? false;
  }

  /** The string of `key` in `locale` (or English, or the key), with `{name}` placeholders filled from `vars`. */
  translate(locale: string, key: string, vars: Record<string, unknown> = {}): string {
    const text = this.byLocale.get(locale)?.get(key) ?? this.byLocale.get(DEFAULT_LOCALE)?.get(key) ?? key;
    return !text.includes('{') ? text : text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
  }

  /** `locale` if it has a catalog, else English. */
  supported(locale: string | undefined | null): string {
    return locale && this.byLocale.has(locale) ? locale : DEFAULT_LOCALE;
  }
}
