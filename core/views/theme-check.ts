// `lectern theme check DIR`: finds what would break a theme before a site switches to it (a missing layout,
// an unknown partial or helper, a bad manifest, strings the catalog would refuse), in the spirit of Ghost's
// gscan. It reads files only (no app, no database), resolving layouts, partials, views and assets through
// the theme's parent chain the way the view engine does. Rule codes are documented in docs/theme-check.md.
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import semver from 'semver';

export type ThemeIssueCode =
  | 'THEME_MANIFEST_MISSING' | 'THEME_MANIFEST_INVALID' | 'THEME_PARENT_NOT_FOUND' | 'THEME_PARENT_CYCLE'
  | 'THEME_LAYOUT_MISSING' | 'THEME_LAYOUT_NO_BODY' | 'THEME_REQUIRED_VIEW_MISSING' | 'THEME_TEMPLATE_SYNTAX'
  | 'THEME_PARTIAL_UNKNOWN' | 'THEME_HELPER_UNKNOWN' | 'THEME_SETTING_INVALID' | 'THEME_STRINGS_INVALID'
  | 'THEME_ASSET_MISSING' | 'THEME_UNKNOWN_FILE';

export interface ThemeIssue {
  code: ThemeIssueCode;
  severity: 'error' | 'warning';
  /** Relative to the checked theme's directory, '/' separated. */
  file: string;
  message: string;
}

export interface CheckThemeOptions {
  /** Helpers templates may call besides the Handlebars builtins; default CORE_HELPERS. */
  knownHelpers?: readonly string[];
}

/** The helpers the core registers for every template. */
export const CORE_HELPERS: readonly string[] = ['eq', 'json', 'fileSize', 'date', 't', 'asset'];
/** Handlebars' own block and inline helpers. */
export const BUILTIN_HELPERS: readonly string[] = ['if', 'unless', 'each', 'with', 'lookup', 'log'];

const NAME = /^[a-z0-9][a-z0-9_-]*$/;
const COLOR = /^#[0-9a-fA-F]{6}$/;
const LOCALE_FILE = /^[a-z]{2}(?:-[A-Z]{2})?\.json$/;
const THEME_KEYS = ['name', 'version', 'parent', 'settings'];
const SETTING_TYPES = ['color', 'text', 'image'];
const TOP_FILES = ['package.json', 'README.md', 'LICENSE'];
const REQUIRED_VIEWS = ['views/core/home.hbs', 'views/core/error.hbs'];
const WARNINGS: ReadonlySet<ThemeIssueCode> = new Set(['THEME_UNKNOWN_FILE']);

interface ThemeManifest { name?: unknown; version?: unknown; parent?: unknown; settings?: unknown }

/** Every issue of the theme in `dir`, sorted by file then code; an empty list means the theme is sound. */
export async function checkTheme(dir: string, opts: CheckThemeOptions = {}): Promise<ThemeIssue[]> {
  const root = path.resolve(dir);
  if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${dir} is not a directory`);
  const issues: ThemeIssue[] = [];
  const report = (code: ThemeIssueCode, file: string, message: string) =>
    issues.push({ code, severity: WARNINGS.has(code) ? 'warning' : 'error', file, message });

  const manifest = readManifest(root, report);
  if (manifest) checkManifest(root, manifest, report);
  const chain = [root, ...parentChain(root, manifest, report)];
  const files = await listFiles(root);

  // What the chain provides: the active theme's files shadow its parents', and a name counts if any has it.
  const chainFiles = new Set<string>(files);
  for (const parent of chain.slice(1)) for (const f of await listFiles(parent)) chainFiles.add(f);
  const partials = new Set([...chainFiles].filter((f) => f.startsWith('partials/') && f.endsWith('.hbs'))
    .map((f) => f.slice('partials/'.length, -'.hbs'.length)));

  if (!chainFiles.has('layouts/main.hbs')) report('THEME_LAYOUT_MISSING', 'layouts/main.hbs', 'no layouts/main.hbs in the theme or its parents; every page is wrapped in it');
  for (const view of REQUIRED_VIEWS) {
    if (!chainFiles.has(view)) report('THEME_REQUIRED_VIEW_MISSING', view, `no ${view} in the theme or its parents; the core renders it`);
  }

  const helpers = new Set([...BUILTIN_HELPERS, ...(opts.knownHelpers ?? CORE_HELPERS)]);
  for (const file of files) {
    const [top] = file.split('/');
    if (file.endsWith('.hbs') && ['layouts', 'partials', 'views'].includes(top)) {
      checkTemplate(root, file, { partials, helpers, chain }, report);
    } else if (top === 'lang' && LOCALE_FILE.test(file.slice('lang/'.length))) {
      checkStrings(root, file, report);
    } else if (!isKnownPlace(file)) {
      report('THEME_UNKNOWN_FILE', file, unknownFileMessage(file));
    }
  }
  return issues.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

type Report = (code: ThemeIssueCode, file: string, message: string) => void;

/** The `lectern.theme` object of package.json, or null (after reporting why) when there is none to check. */
function readManifest(dir: string, report: Report): ThemeManifest | null {
  const file = path.join(dir, 'package.json');
  if (!isFile(file)) {
    report('THEME_MANIFEST_MISSING', 'package.json', 'no package.json; a theme declares itself under "lectern": { "theme": { ... } }');
    return null;
  }
  let pkg: unknown;
  try {
    pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    report('THEME_MANIFEST_INVALID', 'package.json', `not valid JSON: ${(err as Error).message}`);
    return null;
  }
  const theme = isObject(pkg) && isObject(pkg['lectern']) ? pkg['lectern']['theme'] : undefined;
  if (theme === undefined) {
    report('THEME_MANIFEST_MISSING', 'package.json', 'package.json has no "lectern": { "theme": { ... } }');
    return null;
  }
  if (!isObject(theme)) {
    report('THEME_MANIFEST_INVALID', 'package.json', '"lectern.theme" must be an object');
    return null;
  }
  return theme;
}

function checkManifest(dir: string, theme: ThemeManifest, report: Report): void {
  const invalid = (message: string) => report('THEME_MANIFEST_INVALID', 'package.json', message);
  const dirName = path.basename(dir);
  if (typeof theme.name !== 'string' || !NAME.test(theme.name)) {
    invalid(`lectern.theme.name ${JSON.stringify(theme.name ?? null)} must be lower-case letters, digits, "-" or "_", starting with a letter or digit`);
  } else if (theme.name !== dirName) {
    invalid(`lectern.theme.name "${theme.name}" differs from the directory name "${dirName}"; themes are chosen by directory`);
  }
  if (typeof theme.version !== 'string' || !semver.valid(theme.version)) {
    invalid(`lectern.theme.version ${JSON.stringify(theme.version ?? null)} must be a semver version such as "1.0.0"`);
  }
  if (theme.parent !== undefined && (typeof theme.parent !== 'string' || !NAME.test(theme.parent))) {
    invalid(`lectern.theme.parent ${JSON.stringify(theme.parent)} must be the name of a theme directory`);
  }
  for (const key of Object.keys(theme).filter((k) => !THEME_KEYS.includes(k))) {
    invalid(`unknown key "${key}" in lectern.theme (allowed: ${THEME_KEYS.join(', ')})`);
  }
  if (theme.settings === undefined) return;
  if (!isObject(theme.settings)) {
    report('THEME_SETTING_INVALID', 'package.json', 'lectern.theme.settings must be an object of settings');
    return;
  }
  for (const [key, setting] of Object.entries(theme.settings)) {
    const bad = (message: string) => report('THEME_SETTING_INVALID', 'package.json', `setting "${key}": ${message}`);
    if (!isObject(setting)) {
      bad('must be an object with type, default and description');
      continue;
    }
    if (typeof setting['type'] !== 'string' || !SETTING_TYPES.includes(setting['type'])) {
      bad(`type ${JSON.stringify(setting['type'] ?? null)} must be one of ${SETTING_TYPES.join(', ')}`);
    }
    if (setting['default'] !== undefined && typeof setting['default'] !== 'string') bad('default must be a string');
    else if (setting['type'] === 'color' && !(typeof setting['default'] === 'string' && COLOR.test(setting['default']))) {
      bad(`default ${JSON.stringify(setting['default'] ?? null)} must be a colour like "#1d4ed8"`);
    }
    if (typeof setting['description'] !== 'string' || !setting['description'].trim()) bad('needs a description (it labels the field on the settings page)');
  }
}

/** The parents' directories, nearest first; stops (after reporting) at a missing parent or a cycle. */
function parentChain(dir: string, manifest: ThemeManifest | null, report: Report): string[] {
  const themesDir = path.dirname(dir);
  const chain: string[] = [];
  const seen = [path.basename(dir)];
  for (let parent = manifest?.parent; typeof parent === 'string' && NAME.test(parent);) {
    if (seen.includes(parent)) {
      report('THEME_PARENT_CYCLE', 'package.json', `the parent chain loops: ${[...seen, parent].join(' → ')}`);
      return chain;
    }
    const parentDir = path.join(themesDir, parent);
    const lectern = readJson(path.join(parentDir, 'package.json'))?.['lectern'];
    const parentManifest = isObject(lectern) ? lectern['theme'] : undefined;
    if (!isObject(parentManifest)) {
      const why = fs.statSync(parentDir, { throwIfNoEntry: false })?.isDirectory() ? 'has no lectern.theme manifest' : 'is not a directory';
      report('THEME_PARENT_NOT_FOUND', 'package.json', `parent theme "${parent}" ${why} in ${themesDir}`);
      return chain;
    }
    chain.push(parentDir);
    seen.push(parent);
    parent = parentManifest['parent'];
  }
  return chain;
}

interface TemplateContext { partials: Set<string>; helpers: Set<string>; chain: string[] }

function checkTemplate(dir: string, file: string, ctx: TemplateContext, report: Report): void {
  const source = fs.readFileSync(path.join(dir, file), 'utf8');
  let ast: hbs.AST.Program;
  try {
    ast = Handlebars.parse(source);
    Handlebars.precompile(source); // catches what parsing lets through; it mutates its AST, so not `ast`
  } catch (err) {
    report('THEME_TEMPLATE_SYNTAX', file, oneLine((err as Error).message));
    return;
  }
  const nodes: hbs.AST.Node[] = [];
  collect(ast, nodes);
  // `{{#*inline "name"}}` defines a partial usable in this template.
  const inline = new Set(nodes.filter((n): n is hbs.AST.BlockStatement => n.type === 'DecoratorBlock')
    .map((n) => n.params[0]).filter((p): p is hbs.AST.StringLiteral => p?.type === 'StringLiteral').map((p) => p.value));
  let outputsBody = false;
  for (const node of nodes) {
    const at = `line ${node.loc.start.line}`;
    if (node.type === 'PartialStatement' || node.type === 'PartialBlockStatement') {
      const { name } = node as hbs.AST.PartialStatement;
      const partial = name.type === 'PathExpression' && !(name as hbs.AST.PathExpression).data ? (name as hbs.AST.PathExpression).original
        : (name as hbs.AST.Node).type === 'StringLiteral' ? (name as unknown as hbs.AST.StringLiteral).value : null;
      if (partial !== null && !ctx.partials.has(partial) && !inline.has(partial)) {
        report('THEME_PARTIAL_UNKNOWN', file, `${at}: partial "${partial}" is not in partials/ of the theme or its parents`);
      }
    } else if (node.type === 'MustacheStatement' || node.type === 'SubExpression' || node.type === 'BlockStatement') {
      const call = node as hbs.AST.MustacheStatement;
      if (call.path.type !== 'PathExpression') continue;
      const p = call.path as hbs.AST.PathExpression;
      if (node.type === 'MustacheStatement' && !call.escaped && ['body', 'this.body', '@root.body'].includes(p.original) && !call.params.length) outputsBody = true;
      const isCall = call.params.length > 0 || (call.hash?.pairs.length ?? 0) > 0;
      if (!isCall || !Handlebars.AST.helpers.simpleId(p)) continue;
      const helper = p.parts[0];
      if (!ctx.helpers.has(helper)) report('THEME_HELPER_UNKNOWN', file, `${at}: "${helper}" is not a known helper (known: ${[...ctx.helpers].join(', ')})`);
      if (helper === 'asset' && call.params[0]?.type === 'StringLiteral') {
        const asset = (call.params[0] as hbs.AST.StringLiteral).value;
        if (!ctx.chain.some((theme) => isAsset(theme, asset))) {
          report('THEME_ASSET_MISSING', file, `${at}: asset "${asset}" is not in assets/ of the theme or its parents`);
        }
      }
    }
  }
  if (file.startsWith('layouts/') && !outputsBody) report('THEME_LAYOUT_NO_BODY', file, 'the layout never outputs {{{body}}}, so pages would render empty');
}

/** Every AST node under `node`, depth first (programs, params, hashes, else branches). */
function collect(node: unknown, into: hbs.AST.Node[]): void {
  if (Array.isArray(node)) {
    for (const n of node) collect(n, into);
    return;
  }
  if (!isObject(node)) return;
  if (typeof node['type'] === 'string') into.push(node as unknown as hbs.AST.Node);
  for (const [key, value] of Object.entries(node)) if (key !== 'loc' && typeof value === 'object') collect(value, into);
}

function checkStrings(dir: string, file: string, report: Report): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  } catch (err) {
    report('THEME_STRINGS_INVALID', file, `not valid JSON: ${(err as Error).message}`);
    return;
  }
  if (!isObject(parsed)) {
    report('THEME_STRINGS_INVALID', file, 'must hold an object of strings');
    return;
  }
  for (const [key, value] of Object.entries(parsed)) {
    if (!key.startsWith('theme.')) report('THEME_STRINGS_INVALID', file, `key "${key}" must begin with "theme."`);
    if (typeof value !== 'string') report('THEME_STRINGS_INVALID', file, `"${key}" must be a string`);
  }
}

function isKnownPlace(file: string): boolean {
  const [top] = file.split('/');
  if (file === top) return TOP_FILES.includes(file);
  return top === 'assets';
}

function unknownFileMessage(file: string): string {
  const [top] = file.split('/');
  if (['layouts', 'partials', 'views'].includes(top)) return `ignored: only .hbs files in ${top}/ are templates`;
  if (top === 'lang') return 'ignored: lang/ holds <locale>.json catalogs such as en.json or fr-CA.json';
  return 'ignored: a theme holds layouts/, partials/, views/, assets/, lang/, package.json, README.md and LICENSE';
}

function isAsset(themeDir: string, asset: string): boolean {
  const root = path.join(themeDir, 'assets');
  const abs = path.resolve(root, asset);
  return !asset.includes('\0') && abs.startsWith(root + path.sep) && isFile(abs);
}

/** Files under `dir`, relative with '/' separators; dotfiles and node_modules are skipped. */
async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = await fs.promises.readdir(path.join(dir, prefix), { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) files.push(...await listFiles(dir, rel));
    else if (e.isFile()) files.push(rel);
  }
  return files;
}

/** Handlebars' parse errors span lines (source excerpt and caret), others end in " - line:column"; keep the words. */
function oneLine(message: string): string {
  const at = /^(.*) - (\d+):\d+$/.exec(message);
  if (at) return `line ${at[2]}: ${at[1]}`;
  const lines = message.split('\n');
  const caret = lines.findIndex((l) => /^-*\^$/.test(l));
  return (caret > 0 ? [lines[0], ...lines.slice(caret + 1)] : lines).join(' ').replace(/:\s*$/, '');
}

function readJson(file: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return isObject(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFile(file: string): boolean {
  return fs.statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
}
