// `lectern plugin new` and loading plugins by path: the generated package has every file an outside
// author needs with the name put in, bad names and occupied directories are refused in one line, and
// a plugin package given by its directory boots into the core.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { createTestApp } from 'lectern';
import { loadPlugins } from '../../core/lifecycle';
import { scaffoldPlugin } from '../../core/scaffold';

const root = path.resolve(__dirname, '..', '..', '..');
const cli = path.join(root, 'dist', 'core', 'cli.js');
const fixture = path.join(root, 'test', 'core', 'fixtures', 'path-plugin');
const run = promisify(execFile);

/** Runs the lectern command; resolves to its exit code and output instead of throwing. */
async function lectern(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    return { code: 0, ...(await run(process.execPath, [cli, ...args])) };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const filesUnder = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? filesUnder(path.join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]);

describe('lectern plugin new', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-scaffold-'));
  const dir = path.join(tmp, 'my-notes');
  const read = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8');
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('writes a plugin package with the name put in everywhere', async () => {
    const result = await lectern('plugin', 'new', 'my-notes', '--dir', dir);
    expect(result.code, result.stderr).to.equal(0);
    expect(filesUnder(dir).sort()).to.deep.equal([
      '.gitignore', '.mocharc.json', 'README.md', 'index.ts', 'lang/en.json', 'migrations/0001_init.ts', 'package.json',
      'test/my-notes.test.ts', 'tsconfig.json', 'views/notes.hbs',
    ]);

    const pkg = JSON.parse(read('package.json'));
    expect(pkg).to.include({ name: 'lectern-plugin-my-notes', version: '0.1.0', main: 'dist/index.js' });
    expect(pkg.lectern).to.deep.equal({ plugin: 'dist/index.js' });
    expect(pkg.peerDependencies).to.deep.equal({ lectern: '^1.0.0' });
    expect(pkg.devDependencies.lectern).to.equal(`file:${root}`);
    expect(pkg.devDependencies).to.have.keys('lectern', 'typescript', 'mocha', 'chai', '@types/mocha', '@types/node', '@types/chai');
    expect(pkg.scripts.test).to.equal('npm run build && mocha');

    expect(read('index.ts')).to.contain("name: 'my-notes'").and.contain("'my_notes_notes'").and.contain("'my-notes:notes'");
    expect(read('migrations/0001_init.ts')).to.contain("createTable('my_notes_notes'");
    expect(read('README.md')).to.match(/^# lectern-plugin-my-notes\n\nMy Notes: /);
    for (const file of filesUnder(dir).filter((f) => !f.endsWith('.hbs'))) expect(read(file), file).not.to.contain('{{');
    expect(read('views/notes.hbs')).not.to.match(/\{\{(name|Name|name_snake|lectern_dependency)\}\}/);
    expect({ key: JSON.parse(read('lang/en.json'))['my-notes.notes.empty'], view: read('views/notes.hbs').includes('{{t "my-notes.notes.empty"}}') })
      .to.deep.equal({ key: 'No notes yet.', view: true });
  });

  it('refuses a name that is not kebab-case, in one line', async () => {
    const result = await lectern('plugin', 'new', 'MyNotes', '--dir', path.join(tmp, 'refused'));
    expect(result.code).to.equal(1);
    expect(result.stderr).to.equal('LECTERN_USAGE: "MyNotes" is not a plugin name: use kebab-case (a-z, 0-9 and single hyphens, starting with a letter), at most 40 characters\n');
    for (const name of ['my_notes', '9notes', 'my--notes', 'notes-', 'a'.repeat(41)]) {
      expect(() => scaffoldPlugin({ name, dir: path.join(tmp, 'refused') }), name).to.throw(/^LECTERN_USAGE: /);
    }
    expect(fs.existsSync(path.join(tmp, 'refused'))).to.equal(false);
  });

  it('refuses a directory that is not empty, and writes nothing into it', async () => {
    const occupied = path.join(tmp, 'occupied');
    fs.mkdirSync(occupied);
    fs.writeFileSync(path.join(occupied, 'notes.txt'), 'mine');
    const result = await lectern('plugin', 'new', 'other', '--dir', occupied);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.equal(`LECTERN_SCAFFOLD_DIR_NOT_EMPTY: ${occupied} already exists and is not empty; choose another --dir\n`);
    expect(fs.readdirSync(occupied)).to.deep.equal(['notes.txt']);
  });
});

describe('plugins given by path', () => {
  it('loads the file a package directory names as `lectern.plugin`, absolute or relative to cwd', async () => {
    expect(loadPlugins([fixture]).map((p) => p.name)).to.deep.equal(['path-fixture']);
    expect(loadPlugins(['./path-plugin'], path.dirname(fixture)).map((p) => p.name)).to.deep.equal(['path-fixture']);

    const t = await createTestApp({ plugins: [fixture] });
    try {
      expect((await t.get('/api/v1/path-fixture').expect(200)).body).to.deep.equal({ loaded: true });
    } finally {
      await t.close();
    }
  });

  it('says what to do when a path is not a plugin package', () => {
    expect(() => loadPlugins([path.dirname(fixture)])).to.throw(/^LECTERN_PLUGIN_NOT_FOUND: .* has no package\.json/);
  });
});
