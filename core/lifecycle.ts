// The load and validate phases: find the configured plugins, check each manifest, the core version
// range and the dependency graph, and order plugins so each starts after what it depends on.
// Every failure is a coded boot error naming the plugins involved.
import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { Type } from '@sinclair/typebox';
import Ajv from 'ajv';
import { BootError } from './errors';
import type { PermissionRef } from './plugin';
import { coreExtensionPoints } from './plugin';
import type { Plugin } from './manifest';

export const CORE_VERSION: string = (require('../../package.json') as { version: string }).version;

/** Directories searched for plugins named without a path: the bundled plugins, then the examples. */
const BUNDLED = [path.join(__dirname, '..', 'plugins'), path.join(__dirname, '..', 'examples')];

export function loadPlugins(specs: (string | Plugin)[], cwd = process.cwd()): Plugin[] {
  return specs.map((spec) => (typeof spec === 'string' ? loadPlugin(spec, cwd) : spec));
}

/** A spec is a bundled plugin's name, a path to a plugin package (absolute or starting with "."), or an npm package name. */
function loadPlugin(spec: string, cwd: string): Plugin {
  const file = isPath(spec) ? entryOf(path.resolve(cwd, spec), spec) : bundledEntry(spec) ?? installedEntry(spec, cwd);
  const mod = require(file) as { default?: Plugin };
  const plugin = mod.default;
  if (plugin?.kind !== 'plugin') {
    throw new BootError('LECTERN_PLUGIN_INVALID', `${file} must export default definePlugin({...})`);
  }
  return plugin;
}

const isPath = (spec: string) => path.isAbsolute(spec) || spec.startsWith('.');

function bundledEntry(name: string): string | undefined {
  return BUNDLED.map((dir) => path.join(dir, name, 'index.js')).find((file) => fs.existsSync(file));
}

/** The package directory of an installed npm package, looked up in node_modules from `cwd` upwards. */
function installedEntry(name: string, cwd: string): string {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return entryOf(candidate, name);
    if (dir === path.dirname(dir)) {
      throw new BootError('LECTERN_PLUGIN_NOT_FOUND', `plugin "${name}" is neither bundled (plugins/, examples/) nor installed. Check LECTERN_PLUGINS or lectern.config.json, or run \`npm install ${name}\`.`);
    }
  }
}

/** The file a plugin package names in its package.json: `lectern.plugin`, else `main` (else index.js, as Node does). */
function entryOf(dir: string, spec: string): string {
  const pkg = readPackage(dir, spec);
  const entry = pkg.lectern?.plugin ?? pkg.main ?? 'index.js';
  if (typeof entry !== 'string') {
    throw new BootError('LECTERN_PLUGIN_INVALID', `plugin "${spec}": "lectern.plugin" in ${dir}/package.json must be the path of its compiled entry, e.g. "dist/index.js"`);
  }
  const file = path.resolve(dir, entry);
  if (!fs.existsSync(file)) {
    throw new BootError('LECTERN_PLUGIN_NOT_FOUND', `plugin "${spec}": ${file} does not exist. Build the plugin (npm run build) first.`);
  }
  return file;
}

interface PluginPackage { main?: unknown; lectern?: { plugin?: unknown } }

function readPackage(dir: string, spec: string): PluginPackage {
  const manifest = path.join(dir, 'package.json');
  if (!fs.existsSync(manifest)) {
    throw new BootError('LECTERN_PLUGIN_NOT_FOUND', `plugin "${spec}": ${dir} is not a plugin package (it has no package.json). Give the directory of a plugin package.`);
  }
  try {
    return JSON.parse(fs.readFileSync(manifest, 'utf8')) as PluginPackage;
  } catch (err) {
    throw new BootError('LECTERN_PLUGIN_INVALID', `plugin "${spec}": ${manifest} is not valid JSON (${(err as Error).message})`);
  }
}

const ManifestSchema = Type.Object({
  name: Type.String({ pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$', maxLength: 40 }),
  version: Type.String({ minLength: 1 }),
  core: Type.String({ minLength: 1 }),
  dependsOn: Type.Optional(Type.Array(Type.String())),
  migrations: Type.Optional(Type.String()),
  views: Type.Optional(Type.String()),
  assets: Type.Optional(Type.String()),
  routes: Type.Optional(Type.Array(Type.Object({ kind: Type.Literal('route') }))),
  jobs: Type.Optional(Type.Array(Type.Object({ kind: Type.Literal('job') }))),
  nav: Type.Optional(Type.Array(Type.Object({ title: Type.String({ minLength: 1, maxLength: 60 }), path: Type.String({ pattern: '^/(?![/\\\\])' }) }))),
});
const validateManifest = new Ajv({ allErrors: true, strict: false }).compile(ManifestSchema);

/** Validates manifests and the dependency graph; returns plugins in start order. */
export function orderPlugins(plugins: Plugin[]): Plugin[] {
  const byName = new Map<string, Plugin>();
  for (const p of plugins) {
    if (!validateManifest(p)) {
      const why = (validateManifest.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
      throw new BootError('LECTERN_PLUGIN_INVALID', `plugin "${String((p as { name?: unknown }).name)}" has an invalid manifest: ${why}`);
    }
    if (p.name === 'core') throw new BootError('LECTERN_PLUGIN_INVALID', 'the name "core" is reserved');
    if (byName.has(p.name)) throw new BootError('LECTERN_PLUGIN_DUPLICATE', `plugin "${p.name}" is configured twice`);
    if (!semver.valid(p.version)) throw new BootError('LECTERN_PLUGIN_INVALID', `plugin "${p.name}" has version "${p.version}", which is not semver`);
    if (!semver.satisfies(CORE_VERSION, p.core)) {
      throw new BootError('LECTERN_PLUGIN_CORE_MISMATCH', `plugin "${p.name}" needs core ${p.core}, but this is core ${CORE_VERSION}. Upgrade one of them.`);
    }
    byName.set(p.name, p);
  }
  for (const p of plugins) {
    for (const dep of p.dependsOn ?? []) {
      if (!byName.has(dep)) {
        throw new BootError('LECTERN_PLUGIN_DEPENDENCY_MISSING', `plugin "${p.name}" depends on "${dep}", which is not enabled. Add "${dep}" to the plugin list.`);
      }
    }
  }
  const ordered: Plugin[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (p: Plugin, trail: string[]) => {
    if (state.get(p.name) === 'done') return;
    if (state.get(p.name) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(p.name)), p.name];
      throw new BootError('LECTERN_PLUGIN_DEPENDENCY_CYCLE', `plugins depend on each other in a cycle: ${cycle.join(' -> ')}`);
    }
    state.set(p.name, 'visiting');
    for (const dep of p.dependsOn ?? []) visit(byName.get(dep) as Plugin, [...trail, p.name]);
    state.set(p.name, 'done');
    ordered.push(p);
  };
  for (const p of plugins) visit(p, []);
  return ordered;
}

/** Plugins whose exports, events, permissions and extension points `p` may use: itself and its dependencies, transitively. */
export function reachable(p: Plugin, byName: Map<string, Plugin>): Set<string> {
  const out = new Set<string>(['core', p.name]);
  const walk = (q: Plugin) => {
    for (const dep of q.dependsOn ?? []) {
      if (out.has(dep)) continue;
      out.add(dep);
      walk(byName.get(dep) as Plugin);
    }
  };
  walk(p);
  return out;
}

/** Checks every plugin's references; `core` lists the permissions the core itself registers. */
export function validateAll(plugins: Plugin[], core: PermissionRef[]): void {
  // By name: a plugin built in another package holds its own copy of another plugin's references.
  const owners = new Map<string, string>(core.map((ref) => [ref.name, 'core']));
  for (const p of plugins) for (const ref of Object.values(p.permissions ?? {})) owners.set(ref.name, p.name);
  const byName = new Map(plugins.map((p) => [p.name, p]));
  for (const p of plugins) validateReferences(p, byName, (ref) => owners.get(ref.name));
}

/** Every route, subscription, contribution and job refers only to things `p` can reach. */
function validateReferences(p: Plugin, byName: Map<string, Plugin>, permissionOwner: (ref: PermissionRef) => string | undefined): void {
  const allowed = reachable(p, byName);
  const owns = (kind: 'events' | 'extensionPoints', name: string) =>
    [...allowed].some((n) => (byName.get(n)?.[kind] ?? []).some((x) => x.name === name));
  const fail = (code: string, detail: string): never => { throw new BootError(code, `plugin "${p.name}": ${detail}`); };

  for (const r of p.routes ?? []) {
    const where = `route ${r.method} ${r.path}`;
    const access = [r.permission, r.public, r.authenticated].filter(Boolean).length;
    if (access !== 1) fail('LECTERN_ROUTE_UNPROTECTED', `${where} must declare exactly one of permission, authenticated: true or public: true`);
    if (!r.path.startsWith('/')) fail('LECTERN_ROUTE_INVALID', `${where} must start with "/"`);
    if (r.permission) checkPermission(r.permission, where);
  }
  for (const page of p.admin ?? []) checkPermission(page.permission, `admin page ${page.path}`);
  for (const s of p.subscribe ?? []) {
    if (!owns('events', s.event.name)) fail('LECTERN_EVENT_UNKNOWN', `subscribes to "${s.event.name}", which no plugin it depends on declares`);
  }
  for (const c of p.contributes ?? []) {
    if (!coreExtensionPoints.some((point) => point.name === c.point.name) && !owns('extensionPoints', c.point.name)) fail('LECTERN_EXTENSION_POINT_UNKNOWN', `contributes to "${c.point.name}", which no plugin it depends on declares`);
  }
  for (const j of p.jobs ?? []) {
    if (!j.name.startsWith(`${p.name}.`)) fail('LECTERN_JOB_INVALID', `job "${j.name}" must be named "${p.name}.<job>"`);
  }

  function checkPermission(ref: PermissionRef, where: string): void {
    const owner = permissionOwner(ref);
    if (!owner) fail('LECTERN_PERMISSION_UNKNOWN', `${where} uses permission "${ref.name}", which no plugin registers`);
    else if (!allowed.has(owner)) fail('LECTERN_PERMISSION_UNREACHABLE', `${where} uses permission "${ref.name}" of plugin "${owner}"; add "${owner}" to dependsOn`);
  }
}
