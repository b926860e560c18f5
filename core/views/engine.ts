// Themed Handlebars views. Plugins ship default templates and static files (their pages' scripts);
// a theme may override any of them and supplies the layouts, partials and assets. A theme names its
// parent in its package.json (`lectern.theme.parent`) and falls back to it for everything it lacks.
// Each page is drawn in the theme its data names (the `theme` core setting, switchable at runtime), each
// theme with its own Handlebars instance since partials are registered per instance.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { Logger } from 'pino';
import { formatBytes } from '../http/raw-body';
import { Catalogs } from './i18n';

export interface ViewEngineOptions {
  themesDir: string;
  /** The theme pages use when none is chosen (the `theme` core setting unset or naming a theme that went away). */
  theme: string;
  log: Logger;
}
export interface RenderOptions {
  /** Layout under `themes/<theme>/layouts/`; `false` renders the bare view. Default `main`. */
  layout?: string | false;
}

/** One setting a theme declares in its manifest (`lectern.theme.settings`). */
export interface ThemeSettingSpec { type: 'color' | 'text' | 'image'; default: string; description?: string }
/** What the appearance page and the settings check know of an installed theme. */
export interface ThemeInfo { name: string; description: string; parent?: string; settings: Record<string, ThemeSettingSpec> }

type Template = Handlebars.TemplateDelegate<Record<string, unknown>>;

const NAME = /^[a-z0-9][a-z0-9_-]*$/;
const SEGMENT = /^[\w][\w.-]*$/;
const SETTING_TYPES = new Set(['color', 'text', 'image']);

/** A theme loaded for rendering: its chain of directories and its own Handlebars (partials are per instance). */
interface ThemeState {
  name: string;
  /** The theme's directory first, then each theme it extends. */
  chain: string[];
  hbs: typeof Handlebars;
  templates: Map<string, Promise<Template>>;
  partials: Promise<void> | null;
  /** `{{asset}}` URLs by file: assets change only with a deploy, so each is looked up and hashed once per process. */
  assetUrls: Map<string, string>;
  /** The settings the theme declares, its parents' included (the theme's own win). */
  settings: Record<string, ThemeSettingSpec>;
}

export class ViewEngine {
  private readonly log: Logger;
  private readonly themesDir: string;
  readonly defaultTheme: string;
  private readonly states = new Map<string, ThemeState>();
  private readonly helpers = new Map<string, Handlebars.HelperDelegate>();
  private readonly pluginDirs = new Map<string, string>();
  private readonly pluginAssets = new Map<string, string>();
  private readonly fingerprints = new Map<string, { mtimeMs: number; size: number; hash: string }>();
  /** UI strings: the core's, then each plugin's, then the default theme chain's (parents first). */
  readonly catalogs = new Catalogs();

  constructor(opts: ViewEngineOptions) {
    this.log = opts.log.child({ component: 'views' });
    this.themesDir = path.resolve(opts.themesDir);
    this.defaultTheme = opts.theme;
    for (const [name, fn] of Object.entries(coreHelpers)) this.helpers.set(name, fn);
    // `{{t "courses.catalog.title" count=n}}` — a UI string in the page's locale (`locale` in the layout data).
    this.helpers.set('t', (key: unknown, options: Handlebars.HelperOptions) =>
      this.catalogs.translate(String((options.data as { root?: { locale?: string } }).root?.locale ?? ''), String(key ?? ''), options.hash));
    const boot = this.state(opts.theme); // a missing, cyclic or invalid boot theme is a boot error
    this.catalogs.addDirectory(path.join(__dirname, '..', 'lang'), 'core');
    for (const dir of [...boot.chain].reverse()) this.catalogs.addDirectory(path.join(dir, 'lang'), 'theme');
    this.log.debug({ themes: boot.chain }, 'theme loaded');
  }

  addPluginViews(plugin: string, dir: string): void {
    if (plugin === 'core') throw new Error('Views of "core" come from the theme only');
    if (!path.isAbsolute(dir)) throw new Error(`Views directory of plugin "${plugin}" must be absolute: ${dir}`);
    this.pluginDirs.set(plugin, dir);
  }

  /** Loads the plugin's `lang/<locale>.json` catalogs; their keys must begin with `<plugin>.`. */
  addPluginStrings(plugin: string, dir: string): void {
    if (!path.isAbsolute(dir)) throw new Error(`Strings directory of plugin "${plugin}" must be absolute: ${dir}`);
    this.catalogs.addDirectory(dir, plugin);
  }

  /** Serves the files of `dir` at /assets/<plugin>/<file> (a theme's assets/<plugin>/<file> wins). */
  addPluginAssets(plugin: string, dir: string): void {
    if (!path.isAbsolute(dir)) throw new Error(`Assets directory of plugin "${plugin}" must be absolute: ${dir}`);
    this.pluginAssets.set(plugin, dir);
  }

  registerHelper(name: string, fn: Handlebars.HelperDelegate): void {
    if (this.helpers.has(name)) throw new Error(`Handlebars helper "${name}" is already registered`);
    this.helpers.set(name, fn);
    for (const state of this.states.values()) state.hbs.registerHelper(name, fn);
  }

  /** The installed themes (directories of themesDir with a valid manifest), by name. */
  themes(): ThemeInfo[] {
    const names = fs.readdirSync(this.themesDir, { withFileTypes: true }).filter((d) => d.isDirectory() && NAME.test(d.name)).map((d) => d.name).sort();
    return names.flatMap((name) => {
      try {
        const manifest = readManifest(path.join(this.themesDir, name));
        return manifest ? [{ name, description: manifest.description, parent: manifest.parent, settings: this.settingsOf(name) }] : [];
      } catch {
        return [];
      }
    });
  }

  /** Whether `theme` can render pages: installed, its chain complete and acyclic, its manifests valid. */
  has(theme: string): boolean {
    try {
      this.state(theme);
      return true;
    } catch {
      return false;
    }
  }

  /** The settings a theme declares, its parents' included (the theme's own win). */
  settingsOf(theme: string): Record<string, ThemeSettingSpec> {
    return this.state(theme).settings;
  }

  /** Renders in `data.theme` when it names a usable theme, else in the default theme. */
  async render(view: string, data: Record<string, unknown> = {}, opts: RenderOptions = {}): Promise<string> {
    const state = this.state(this.pick(data['theme']));
    await this.loadPartials(state);
    const body = (await this.template(state, `view:${view}`, () => this.viewCandidates(state, view), `View "${view}"`))(data);
    const layout = opts.layout ?? 'main';
    if (layout === false) return body;
    if (!NAME.test(layout)) throw new Error(`Invalid layout name "${layout}"`);
    const wrap = await this.template(state, `layout:${layout}`,
      () => state.chain.map((dir) => path.join(dir, 'layouts', `${layout}.hbs`)), `Layout "${layout}"`);
    return wrap({ ...data, body });
  }

  /** The theme actually used for `theme` (the default when it is unset or unusable). */
  pick(theme: unknown): string {
    return typeof theme === 'string' && theme !== this.defaultTheme && this.has(theme) ? theme : this.defaultTheme;
  }

  /** Absolute path of a theme asset (with the extends fallback) or a plugin's, or null if missing or unsafe. */
  assetPath(file: string, theme?: string): string | null {
    const parts = file.split(/[\\/]/);
    if (file.includes('\0') || path.isAbsolute(file) || !parts.every((p) => SEGMENT.test(p))) return null;
    const [plugin, ...inPlugin] = parts;
    const own = this.pluginAssets.get(plugin);
    const candidates = this.state(this.pick(theme)).chain.map((dir) => [path.join(dir, 'assets'), parts] as const);
    if (own && inPlugin.length) candidates.push([own, inPlugin]);
    for (const [root, within] of candidates) {
      const abs = path.resolve(root, ...within);
      if (abs.startsWith(root + path.sep) && isFile(abs)) return abs;
    }
    return null;
  }

  /** The first 10 hex digits of the file's sha256, recomputed when the file changes. */
  fingerprint(abs: string): string {
    const stat = fs.statSync(abs);
    const known = this.fingerprints.get(abs);
    if (known && known.mtimeMs === stat.mtimeMs && known.size === stat.size) return known.hash;
    const hash = crypto.createHash('sha256').update(fs.readFileSync(abs)).digest('hex').slice(0, 10);
    this.fingerprints.set(abs, { mtimeMs: stat.mtimeMs, size: stat.size, hash });
    return hash;
  }

  /** `/assets/<file>?v=<fingerprint>` in `theme`, worked out once per process; a missing file keeps its plain URL. */
  assetUrl(file: string, theme?: string): string {
    const { assetUrls } = this.state(this.pick(theme));
    let url = assetUrls.get(file);
    if (url === undefined) {
      const abs = this.assetPath(file, theme);
      url = `/assets/${file.split('/').map(encodeURIComponent).join('/')}`;
      if (abs) url += `?v=${this.fingerprint(abs)}`;
      assetUrls.set(file, url);
    }
    return url;
  }

  /** The theme's state, loaded on first use; throws LECTERN_THEME_* errors for a broken theme. */
  private state(theme: string): ThemeState {
    let state = this.states.get(theme);
    if (!state) {
      const chain = themeChain(this.themesDir, theme);
      const hbs = Handlebars.create();
      for (const [name, fn] of this.helpers) hbs.registerHelper(name, fn);
      // `{{asset "style.css"}}` — the fingerprinted URL of an asset as this theme serves it (every part of
      // it percent-encoded or hex, so safe in an attribute unescaped; escaping would turn "=" into "&#x3D;").
      hbs.registerHelper('asset', (file: unknown) => new Handlebars.SafeString(this.assetUrl(String(file ?? ''), theme)));
      const settings = Object.assign({}, ...[...chain].reverse().map((dir) => readManifest(dir)?.settings ?? {})) as Record<string, ThemeSettingSpec>;
      state = { name: theme, chain, hbs, templates: new Map(), partials: null, settings, assetUrls: new Map() };
      this.states.set(theme, state);
    }
    return state;
  }

  private viewCandidates(state: ThemeState, view: string): string[] {
    const [plugin, ...rest] = view.split('/');
    if (!NAME.test(plugin) || rest.length === 0 || !rest.every((p) => SEGMENT.test(p))) {
      throw new Error(`Invalid view name "${view}": expected "<plugin>/<path>"`);
    }
    const file = `${path.join(...rest)}.hbs`;
    const tried = state.chain.map((dir) => path.join(dir, 'views', plugin, file));
    const own = this.pluginDirs.get(plugin);
    if (own) tried.push(path.join(own, file));
    return tried;
  }

  /** Compile the first existing candidate once; later calls reuse it. A miss is not cached. */
  private template(state: ThemeState, key: string, candidates: () => string[], what: string): Promise<Template> {
    let cached = state.templates.get(key);
    if (!cached) {
      cached = this.compileFirst(state, candidates(), what);
      cached.catch(() => state.templates.delete(key));
      state.templates.set(key, cached);
    }
    return cached;
  }

  private async compileFirst(state: ThemeState, tried: string[], what: string): Promise<Template> {
    for (const file of tried) {
      const source = await readIfExists(file);
      if (source !== null) return this.compile(state, file, source);
    }
    throw new Error(`${what} not found; tried:\n  ${tried.join('\n  ')}`);
  }

  private compile(state: ThemeState, file: string, source: string): Template {
    try {
      // Parse eagerly so a syntax error names its file instead of surfacing mid-render.
      const template = state.hbs.compile<Record<string, unknown>>(state.hbs.parse(source));
      this.log.debug({ file }, 'template compiled');
      return template;
    } catch (err) {
      throw new Error(`Cannot compile ${file}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Registers every `partials/**\/*.hbs`, parent themes first so the theme's own win. */
  private loadPartials(state: ThemeState): Promise<void> {
    state.partials ??= (async () => {
      for (const dir of [...state.chain].reverse()) {
        const root = path.join(dir, 'partials');
        const files = await fs.promises.readdir(root, { recursive: true }).catch(() => []);
        for (const rel of files.filter((f) => f.endsWith('.hbs')).sort()) {
          const name = rel.slice(0, -'.hbs'.length).split(path.sep).join('/');
          const file = path.join(root, rel);
          state.hbs.registerPartial(name, this.compile(state, file, await fs.promises.readFile(file, 'utf8')));
        }
      }
    })();
    return state.partials;
  }
}

/** Follows the manifests' `parent` links; a missing theme or a cycle is a boot error. */
function themeChain(themesDir: string, theme: string): string[] {
  const chain: string[] = [];
  for (let name: string | undefined = theme; name !== undefined;) {
    const dir = path.join(themesDir, name);
    if (!NAME.test(name) || !fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
      throw new Error(`LECTERN_THEME_NOT_FOUND: theme "${name}" is not a directory in ${themesDir}; check the configured theme and its "parent"`);
    }
    if (chain.includes(dir)) throw new Error(`LECTERN_THEME_CYCLE: theme "${theme}" extends itself through "${name}"`);
    chain.push(dir);
    name = readManifest(dir)?.parent;
  }
  return chain;
}

interface Manifest { description: string; parent?: string; settings: Record<string, ThemeSettingSpec> }

/** Reads `package.json` → `lectern.theme` (null when the directory has no package.json). */
function readManifest(dir: string): Manifest | null {
  const file = path.join(dir, 'package.json');
  if (!isFile(file)) return null;
  const invalid = (why: string) => new Error(`LECTERN_THEME_INVALID: ${why} in ${file}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw invalid(`not JSON (${(err as Error).message})`);
  }
  const pkg = isObject(parsed) ? parsed : {};
  const theme = isObject(pkg['lectern']) ? pkg['lectern']['theme'] : undefined;
  if (!isObject(theme)) throw invalid('no "lectern.theme" object');
  const parent = theme['parent'];
  if (parent !== undefined && typeof parent !== 'string') throw invalid('"lectern.theme.parent" must be a theme name');
  const settings = theme['settings'] ?? {};
  if (!isObject(settings)) throw invalid('"lectern.theme.settings" must be an object');
  for (const [key, spec] of Object.entries(settings)) {
    if (!isObject(spec) || !SETTING_TYPES.has(String(spec['type'])) || typeof spec['default'] !== 'string') {
      throw invalid(`setting "${key}" needs a type (color, text or image) and a string default`);
    }
  }
  const description = typeof pkg['description'] === 'string' ? pkg['description'] : '';
  return { description, parent, settings: settings as Record<string, ThemeSettingSpec> };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFile(file: string): boolean {
  return fs.statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await fs.promises.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

const dateTime = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', dateStyle: 'medium' });

/** The few helpers every template may use; plugins add their own through registerHelper. */
const coreHelpers: Record<string, Handlebars.HelperDelegate> = {
  /** `{{#if (eq a b)}}` — strict equality. */
  eq: (a: unknown, b: unknown) => a === b,
  /** `<script type="application/json">{{json data}}</script>` — cannot close the script element. */
  json: (value: unknown) => new Handlebars.SafeString(
    (JSON.stringify(value ?? null) ?? 'null')
      .replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
      .replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029'),
  ),
  /** `{{fileSize 2048}}` → "2 KB": limits are shown to people in KB or MB, not bytes. */
  fileSize: (bytes: unknown) => (typeof bytes === 'number' ? formatBytes(bytes) : ''),
  /** `{{date iso}}` → "5 Mar 2024, 14:03 UTC"; `{{date iso time=false}}` → "5 Mar 2024". Invalid → "". */
  date: (value: unknown, options: Handlebars.HelperOptions) => {
    if (!(value instanceof Date) && typeof value !== 'string' && typeof value !== 'number') return '';
    const d = new Date(value);
    if (Number.isNaN(d.getTime())) return '';
    return options.hash['time'] === false ? dateOnly.format(d) : `${dateTime.format(d)} UTC`;
  },
};
