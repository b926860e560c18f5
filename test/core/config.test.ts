// Configuration is validated at boot: a bad value stops the process with a message naming the key
// and where it came from; the secret is generated once and kept.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createApp } from 'lectern';

describe('configuration', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-config-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const bootError = (env: NodeJS.ProcessEnv) => createApp({ env, cwd: dir, plugins: [] }).then(
    async (app) => { await app.stop(); return 'booted'; },
    (err: Error) => err.message,
  );

  it('names every bad key and where its value came from', async () => {
    fs.writeFileSync(path.join(dir, 'lectern.config.json'), JSON.stringify({ theme: 'Not A Theme', colour: 'blue' }));
    const message = await bootError({ PORT: '70000', DATABASE_URL: 'mysql://x' });
    expect(message).to.match(/^LECTERN_CONFIG_INVALID: /);
    expect(message).to.contain('port must be <= 65535 (from environment variable PORT)')
      .and.to.contain('databaseUrl must match pattern "^postgres(ql)?://" (from environment variable DATABASE_URL)')
      .and.to.contain(`theme must match pattern "^[a-z0-9-]+$" (from ${path.join(dir, 'lectern.config.json')})`)
      .and.to.contain('colour must NOT have additional properties');
    fs.writeFileSync(path.join(dir, 'lectern.config.json'), '{ not json');
    expect(await bootError({})).to.match(/^LECTERN_CONFIG_INVALID: .*lectern.config.json is not valid JSON/);
    fs.rmSync(path.join(dir, 'lectern.config.json'));
  });

  it('generates the secret once and keeps it in the data dir', async () => {
    const env = { LECTERN_DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'silent' };
    const first = await createApp({ env, cwd: dir, plugins: [] });
    const secret = first.config.secret;
    await first.stop();
    const second = await createApp({ env, cwd: dir, plugins: [] });
    await second.stop();
    expect(secret).to.match(/^[0-9a-f]{64}$/);
    expect(second.config.secret).to.equal(secret);
    expect(fs.statSync(path.join(dir, 'data', 'secret')).mode & 0o777).to.equal(0o600);
  });

  it('keeps files in <dataDir>/files unless LECTERN_FILES_DIR says otherwise', async () => {
    const env = { LECTERN_DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'silent' };
    const byDefault = await createApp({ env, cwd: dir, plugins: [] });
    await byDefault.stop();
    const moved = await createApp({ env: { ...env, LECTERN_FILES_DIR: 'uploads' }, cwd: dir, plugins: [] });
    await moved.stop();
    expect(byDefault.config.filesDir).to.equal(path.join(dir, 'data', 'files'));
    expect(moved.config.filesDir).to.equal(path.join(dir, 'uploads'));
  });
});
