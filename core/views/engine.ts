// Themed Handlebars views. Plugins ship default templates and static files (their pages' scripts);
// the active theme may override any of them and supplies the layouts, partials and assets. A theme can
// extend another, so a theme that only restyles (e.g. `contrast`) falls back to its parent for
// everything it lacks.
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { Logger } from 'pino';
import { formatBytes } from '../http/raw-body';
import { Catalogs } from './i18n';

export interface ViewEngineOptions { themesDir: string; theme: string; log: Logger }
export interface RenderOptions {
  /** Layout under `themes/<theme>/layouts/`; `false` renders the bare view. Default `main`. */
  layout?: string | false;
}

type Template = Handlebars.TemplateDelegate<Record<string, unknown>>;

const NAME = /^[a-z0-9][a-z0-9_-]*$/;
const SEGMENT = /^[\w][\w.-]*$/;

export class ViewEngine {
  private readonly hbs = Handlebars.create();
  private readonly log: Logger;
  /** The active theme's directory first, then each theme it extends. */
  private readonly chain: string[];
  private readonly pluginDirs = new Map<string, string>();
  private readonly pluginAssets = new Map<string, string>();
  private readonly templates = new Map<string, Promise<Template>>();
  private partials: Promise<void> | null = null;
  /** UI strings: the core's, then each plugin's, then the theme chain's (parents first). */
  readonly catalogs = new Catalogs();

  constructor(opts: ViewEngineOptions) {
    this.log = opts.log.child({ component: 'views' });
    this.chain = themeChain(path.resolve(opts.themesDir), opts.theme);
    for (const [name, fn] of Object.entries(coreHelpers)) this.hbs.registerHelper(name, fn);
    // `{{t "courses.catalog.title" count=n}}` — a UI string in the page's locale (`locale` in the layout data).
    this.hbs.registerHelper('t', (key: unknown, options: Handlebars.HelperOptions) =>
      this.catalogs.translate(String((options.data as { root?: { locale?: string } }).root?.locale ?? ''), String(key ?? ''), options.hash));
    this.catalogs.addDirectory(path.join(__dirname, '..', 'lang'), 'core');
    for (const dir of [...this.chain].reverse()) this.catalogs.addDirectory(path.join(dir, 'lang'), 'theme');
    this.log.debug({ themes: this.chain }, 'theme loaded');
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
    if (this.hbs.helpers[name]) throw new Error(`Handlebars helper "${name}" is already registered`);
    this.hbs.registerHelper(name, fn);
  }

  async render(view: string, data: Record<string, unknown> = {}, opts: RenderOptions = {}): Promise<string> {
    await this.loadPartials();
    const body = (await this.template(`view:${view}`, () => this.viewCandidates(view), `View "${view}"`))(data);
    const layout = opts.layout ?? 'main';
    if (layout === false) return body;
    if (!NAME.test(layout)) throw new Error(`Invalid layout name "${layout}"`);
    const wrap = await this.template(`layout:${layout}`,
      () => this.chain.map((dir) => path.join(dir, 'layouts', `${layout}.hbs`)), `Layout "${layout}"`);
    return wrap({ ...data, body });
  }

  /** Absolute path of a theme asset (with the extends fallback) or a plugin's, or null if missing or unsafe. */
  assetPath(file: string): string | null {
    const parts = file.split(/[\\/]/);
    if (file.includes('\0') || path.isAbsolute(file) || !parts.every((p) => SEGMENT.test(p))) return null;
    const [plugin, ...inPlugin] = parts;
    const own = this.pluginAssets.get(plugin);
    const candidates = this.chain.map((dir) => [path.join(dir, 'assets'), parts] as const);
    if (own && inPlugin.length) candidates.push([own, inPlugin]);
    for (const [root, within] of candidates) {
      const abs = path.resolve(root, ...within);
      if (abs.startsWith(root + path.sep) && isFile(abs)) return abs;
    }
    return null;
  }

  private viewCandidates(view: string): string[] {
    const [plugin, ...rest] = view.split('/');
    if (!NAME.test(plugin) || rest.length === 0 || !rest.every((p) => SEGMENT.test(p))) {
      throw new Error(`Invalid view name "${view}": expected "<plugin>/<path>"`);
    }
    const file = `${path.join(...rest)}.hbs`;
    const tried = this.chain.map((dir) => path.join(dir, 'views', plugin, file));
    const own = this.pluginDirs.get(plugin);
    if (own) tried.push(path.join(own, file));
    return tried;
  }

  /** Compile the first existing candidate once; later calls reuse it. A miss is not cached. */
  private template(key: string, candidates: () => string[], what: string): Promise<Template> {
    let cached = this.templates.get(key);
    if (!cached) {
      cached = this.compileFirst(candidates(), what);
      cached.catch(() => this.templates.delete(key));
      this.templates.set(key, cached);
    }
    return cached;
  }

  private async compileFirst(tried: string[], what: string): Promise<Template> {
    for (const file of tried) {
      const source = await readIfExists(file);
      if (source !== null) return this.compile(file, source);
    }
    throw new Error(`${what} not found; tried:\n  ${tried.join('\n  ')}`);
  }

  private compile(file: string, source: string): Template {
    try {
      // Parse eagerly so a syntax error names its file instead of surfacing mid-render.
      const template = this.hbs.compile<Record<string, unknown>>(this.hbs.parse(source));
      this.log.debug({ file }, 'template compiled');
      return template;
    } catch (err) {
      throw new Error(`Cannot compile ${file}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Registers every `partials/**\/*.hbs`, parent themes first so the active theme wins. */
  private loadPartials(): Promise<void> {
    this.partials ??= (async () => {
      for (const dir of [...this.chain].reverse()) {
        const root = path.join(dir, 'partials');
        const files = await fs.promises.readdir(root, { recursive: true }).catch(() => []);
        for (const rel of files.filter((f) => f.endsWith('.hbs')).sort()) {
          const name = rel.slice(0, -'.hbs'.length).split(path.sep).join('/');
          const file = path.join(root, rel);
          this.hbs.registerPartial(name, this.compile(file, await fs.promises.readFile(file, 'utf8')));
        }
      }
    })();
    return this.partials;
  }
}

/** Follows `theme.json` `extends` links; a missing theme or a cycle is a boot error. */
function themeChain(themesDir: string, theme: string): string[] {
  const chain: string[] = [];
  for (let name: string | undefined = theme; name !== undefined;) {
    const dir = path.join(themesDir, name);
    if (!NAME.test(name) || !fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
      throw new Error(`LECTERN_THEME_NOT_FOUND: theme "${name}" is not a directory in ${themesDir}; check the configured theme and its "extends"`);
    }
    if (chain.includes(dir)) throw new Error(`LECTERN_THEME_CYCLE: theme "${theme}" extends itself through "${name}"`);
    chain.push(dir);
    name = readManifest(dir).extends;
  }
  return chain;
}

function readManifest(dir: string): { extends?: string } {
  const file = path.join(dir, 'theme.json');
  if (!isFile(file)) return {};
  const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  const ext = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).extends : undefined;
  if (ext !== undefined && typeof ext !== 'string') throw new Error(`LECTERN_THEME_INVALID: "extends" in ${file} must be a theme name`);
  return { extends: ext };
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
