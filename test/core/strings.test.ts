// UI strings stay whole: every literal key a template passes to `{{t}}` has an English string, and every
// other locale of the core and the themes translates every core and theme string (no half-translated page).
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';

const root = path.resolve(__dirname, '..', '..', '..');
const walk = (dir: string, ext: string): string[] => !fs.existsSync(dir) ? [] : fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
  const full = path.join(dir, e.name);
  if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : walk(full, ext);
  return e.name.endsWith(ext) ? [full] : [];
});
/** Every lang/<locale>.json of the repository, by locale: key → string. */
function catalogs(): Map<string, Map<string, string>> {
  const byLocale = new Map<string, Map<string, string>>();
  for (const file of walk(root, '.json').filter((f) => /[\\/]lang[\\/][a-z]{2}(-[A-Z]{2})?\.json$/.test(f) && !f.includes(`${path.sep}test${path.sep}`))) {
    const locale = path.basename(file, '.json');
    const into = byLocale.get(locale) ?? new Map<string, string>();
    for (const [k, v] of Object.entries(JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>)) into.set(k, v);
    byLocale.set(locale, into);
  }
  return byLocale;
}

describe('UI strings', () => {
  it('has an English string for every key a template names, and every locale translates all core and theme strings', () => {
    const all = catalogs();
    const en = all.get('en') ?? new Map<string, string>();
    const templates = ['core', 'plugins', 'themes', 'examples'].flatMap((d) => walk(path.join(root, d), '.hbs'));
    const missing = templates.flatMap((file) => [...fs.readFileSync(file, 'utf8').matchAll(/\{\{\s*t\s+"([^"]+)"/g)]
      .map((m) => m[1]).filter((key) => !en.has(key)).map((key) => `${path.relative(root, file)}: ${key}`));
    const shared = [...en.keys()].filter((k) => k.startsWith('core.') || k.startsWith('theme.'));
    const untranslated = [...all].filter(([locale]) => locale !== 'en')
      .flatMap(([locale, strings]) => shared.filter((k) => !strings.has(k)).map((k) => `${locale}: ${k}`));
    expect({ missing, untranslated, locales: all.size >= 2 }).to.deep.equal({ missing: [], untranslated: [], locales: true });
  });
});
