// The plugin lifecycle: dependency order, reverse stop, and the boot errors that name what is wrong.
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createApp, createTestApp, definePermissions, definePlugin, defineRoute, type Plugin } from 'lectern';

const plugin = (name: string, extra: Partial<Parameters<typeof definePlugin>[0]> = {}): Plugin =>
  definePlugin({ name, version: '1.0.0', core: '^1.0.0', ...extra });

/** Boot errors happen before any database is opened. */
async function bootError(plugins: Plugin[]): Promise<string> {
  try {
    const app = await createApp({ plugins, env: {}, config: { dataDir: path.join(os.tmpdir(), 'lectern-never'), logLevel: 'silent' }, ephemeralSecret: true });
    await app.stop();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the app booted');
}

describe('plugin lifecycle', () => {
  it('starts plugins in dependency order, stops them in reverse, and times every phase', async () => {
    const calls: string[] = [];
    const tracked = (name: string, dependsOn: string[] = []) => plugin(name, {
      dependsOn,
      register: () => { calls.push(`register ${name}`); },
      start: async () => { calls.push(`start ${name}`); },
      stop: async () => { calls.push(`stop ${name}`); },
    });
    const t = await createTestApp({ plugins: [tracked('reports', ['courses']), tracked('auth'), tracked('courses', ['auth'])] });
    await t.close();
    expect(calls).to.deep.equal([
      'register auth', 'register courses', 'register reports',
      'start auth', 'start courses', 'start reports',
      'stop reports', 'stop courses', 'stop auth',
    ]);
    expect(t.app.phases.map((p) => p.phase)).to.deep.equal(['load', 'validate', 'register', 'migrate', 'start', 'stop']);
  });

  it('refuses a missing dependency, naming both plugins', async () => {
    const message = await bootError([plugin('courses', { dependsOn: ['auth'] })]);
    expect(message).to.equal('LECTERN_PLUGIN_DEPENDENCY_MISSING: plugin "courses" depends on "auth", which is not enabled. Add "auth" to the plugin list.');
  });

  it('refuses a dependency cycle, naming the cycle', async () => {
    const message = await bootError([plugin('a', { dependsOn: ['c'] }), plugin('b', { dependsOn: ['a'] }), plugin('c', { dependsOn: ['b'] })]);
    expect(message).to.equal('LECTERN_PLUGIN_DEPENDENCY_CYCLE: plugins depend on each other in a cycle: a -> c -> b -> a');
  });

  it('refuses a route that declares neither a permission nor public', async () => {
    // @ts-expect-error: the types refuse it too; the boot check is for plugins built without TypeScript.
    const open = defineRoute({ method: 'GET', path: '/api/v1/oops', handler: async () => ({}) });
    const message = await bootError([plugin('oops', { routes: [open] })]);
    expect(message).to.equal('LECTERN_ROUTE_UNPROTECTED: plugin "oops": route GET /api/v1/oops must declare exactly one of permission, authenticated: true or public: true');
  });

  it('refuses a plugin built for another core, and a permission of a plugin it does not depend on', async () => {
    expect(await bootError([plugin('future', { core: '^2.0.0' })])).to.match(/^LECTERN_PLUGIN_CORE_MISMATCH: plugin "future" needs core \^2.0.0, but this is core 1\./);
    const perms = definePermissions({ see: { name: 'secret:see', context: 'system' } });
    const owner = plugin('secret', { permissions: perms });
    const borrower = plugin('borrower', {
      routes: [defineRoute({ method: 'GET', path: '/x', permission: perms.see, summary: 'x', responses: { 204: null }, handler: async () => undefined })],
    });
    expect(await bootError([owner, borrower])).to.equal(
      'LECTERN_PERMISSION_UNREACHABLE: plugin "borrower": route GET /x uses permission "secret:see" of plugin "secret"; add "secret" to dependsOn');
  });

  it('refuses an invalid manifest and a duplicate plugin', async () => {
    expect(await bootError([plugin('Bad_Name')])).to.match(/^LECTERN_PLUGIN_INVALID: plugin "Bad_Name" has an invalid manifest: \/name must match pattern/);
    expect(await bootError([plugin('twice'), plugin('twice')])).to.equal('LECTERN_PLUGIN_DUPLICATE: plugin "twice" is configured twice');
  });
});
