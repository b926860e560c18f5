// `lectern theme check`: each rule fires on a theme built to break it and on nothing else, a sound minimal
// theme (and a child theme leaning on it) has no issues, the bundled themes have no errors, and the command
// prints one line per issue and exits 1 only when there is an error.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { checkTheme, type ThemeIssue } from '../../core/views/theme-check';

const cli = path.resolve(__dirname, '..', '..', 'core', 'cli.js');
const repoThemes = path.join(__dirname, '..', '..', '..', 'themes');
const run = promisify(execFile);

type Files = Record<string, string | null>;

const manifest = (name: string, theme: Record<string, unknown> = {}) => JSON.stringify({
  name: `lectern-theme-${name}`, version: '1.0.0', description: 'A test theme',
  lectern: { theme: { name, version: '1.0.0', ...theme } },
});

/** A sound theme using a partial, a helper, an asset, a setting and strings. */
const minimal = (name: string): Files => ({
  'package.json': manifest(name, { settings: { accent: { type: 'color', default: '#1D4ED8', description: 'Accent colour' } } }),
  'README.md': '# A theme\n',
  'layouts/main.hbs': '<link rel="stylesheet" href="{{asset "style.css"}}">{{> forms/field label=(t "theme.hello")}}\n<main>{{{body}}}</main>',
  'partials/forms/field.hbs': '{{#*inline "hint"}}<small>{{hint}}</small>{{/inline}}<label>{{label}}</label>{{> hint}}{{> @partial-block}}',
  'views/core/home.hbs': '{{#if (eq a b)}}{{title}}{{else if user.name}}{{user.name}}{{/if}}{{#each items as |item|}}{{item.title}}{{/each}}{{date when time=false}}{{lookup labels key}}{{format.price cost}}{{> (whichPartial)}}',
  'views/core/error.hbs': '<h1>{{status}}</h1>',
  'assets/style.css': 'body { color: black; }',
  'assets/img/logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
  'lang/en.json': '{ "theme.hello": "Hello" }',
  'lang/fr-CA.json': '{ "theme.hello": "Bonjour" }',
  '.DS_Store': 'x',
});

describe('lectern theme check', function () {
  this.timeout(60_000);
  let themesDir: string;
  let counter = 0;

  before(() => { themesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-themes-')); });
  after(() => fs.rmSync(themesDir, { recursive: true, force: true }));

  /** Writes themesDir/<name> from `files` (a null removes that file from `base`). */
  const theme = (name: string, files: Files, base: Files = {}): string => {
    const dir = path.join(themesDir, name);
    for (const [file, content] of Object.entries({ ...base, ...files })) {
      if (content === null) continue;
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), content);
    }
    return dir;
  };
  /** A fresh copy of the minimal theme with `changes`. */
  const variant = (changes: Files): string => {
    const name = `t${++counter}`;
    return theme(name, changes, minimal(name));
  };
  const found = (issues: ThemeIssue[]) => issues.map((i) => `${i.severity} ${i.code} ${i.file}`);

  it('finds nothing wrong with a sound theme, nor with a child theme that takes its layout, partials and assets from it', async () => {
    const base = theme('base', minimal('base'));
    expect(await checkTheme(base)).to.deep.equal([]);
    const child = theme('child', {
      'package.json': manifest('child', { parent: 'base' }),
      'views/hello/greeting.hbs': '{{> forms/field label="Hi"}}<img src="{{asset "img/logo.svg"}}" alt="">',
      'assets/extra.css': '',
    });
    expect(await checkTheme(child)).to.deep.equal([]);
    const grandchild = theme('grandchild', { 'package.json': manifest('grandchild', { parent: 'child' }), 'layouts/print.hbs': '{{{body}}}{{asset "style.css"}}' });
    expect(await checkTheme(grandchild)).to.deep.equal([]);
  });

  const cases: { rule: string; files: () => Files; expected: string[]; message?: RegExp }[] = [
    { rule: 'no package.json', files: () => ({ 'package.json': null }), expected: ['error THEME_MANIFEST_MISSING package.json'] },
    { rule: 'a package.json without lectern.theme', files: () => ({ 'package.json': '{ "name": "x", "version": "1.0.0" }' }), expected: ['error THEME_MANIFEST_MISSING package.json'] },
    {
      rule: 'a bad name, a bad version and an unknown key', message: /unknown key "extends"/,
      files: () => ({ 'package.json': manifest('Bad Name', { version: '1.0', extends: 'base' }) }),
      expected: ['error THEME_MANIFEST_INVALID package.json', 'error THEME_MANIFEST_INVALID package.json', 'error THEME_MANIFEST_INVALID package.json'],
    },
    { rule: 'a name that is not the directory name', files: () => ({ 'package.json': manifest('other') }), expected: ['error THEME_MANIFEST_INVALID package.json'], message: /differs from the directory name/ },
    { rule: 'a parent that does not exist', files: () => ({ 'package.json': manifest(`t${counter + 1}`, { parent: 'ghost' }) }), expected: ['error THEME_PARENT_NOT_FOUND package.json'] },
    {
      rule: 'a parent chain that loops', message: /loops: t\d+ → loop-b → t\d+/,
      files: () => {
        theme('loop-b', { 'package.json': manifest('loop-b', { parent: `t${counter + 1}` }) });
        return { 'package.json': manifest(`t${counter + 1}`, { parent: 'loop-b' }) };
      },
      expected: ['error THEME_PARENT_CYCLE package.json'],
    },
    { rule: 'no main layout in the chain', files: () => ({ 'layouts/main.hbs': null }), expected: ['error THEME_LAYOUT_MISSING layouts/main.hbs'] },
    {
      rule: 'layouts that never output {{{body}}}', files: () => ({ 'layouts/main.hbs': '<main>{{body}}</main>', 'layouts/bare.hbs': 'nothing' }),
      expected: ['error THEME_LAYOUT_NO_BODY layouts/bare.hbs', 'error THEME_LAYOUT_NO_BODY layouts/main.hbs'],
    },
    { rule: 'no core error view', files: () => ({ 'views/core/error.hbs': null }), expected: ['error THEME_REQUIRED_VIEW_MISSING views/core/error.hbs'] },
    {
      rule: 'templates Handlebars cannot parse', message: /^line 1: if doesn't match each$/,
      files: () => ({ 'views/core/error.hbs': '<h1>\n{{status</h1>', 'partials/broken.hbs': '{{#if a}}x{{/each}}' }),
      expected: ['error THEME_TEMPLATE_SYNTAX partials/broken.hbs', 'error THEME_TEMPLATE_SYNTAX views/core/error.hbs'],
    },
    {
      rule: 'partials that exist nowhere in the chain', message: /^line 2: partial "missing" is not in partials\//,
      files: () => ({ 'views/core/error.hbs': '<h1>{{status}}</h1>\n{{> missing}}{{#> fallback}}none{{/fallback}}{{> forms/field}}' }),
      expected: ['error THEME_PARTIAL_UNKNOWN views/core/error.hbs', 'error THEME_PARTIAL_UNKNOWN views/core/error.hbs'],
    },
    {
      rule: 'helpers that are neither builtins nor known', message: /^line 1: "shout" is not a known helper/,
      files: () => ({ 'views/core/error.hbs': '{{shout status}}{{#repeat 3}}x{{/repeat}}{{#if (upper x)}}y{{/if}}{{icon name="x"}}{{status}}{{#user}}{{name}}{{/user}}' }),
      expected: ['error THEME_HELPER_UNKNOWN views/core/error.hbs', 'error THEME_HELPER_UNKNOWN views/core/error.hbs',
        'error THEME_HELPER_UNKNOWN views/core/error.hbs', 'error THEME_HELPER_UNKNOWN views/core/error.hbs'],
    },
    {
      rule: 'settings with a bad type, a bad colour or no description',
      files: () => ({
        'package.json': manifest(`t${counter + 1}`, { settings: {
          font: { type: 'font', default: 'serif', description: 'Body font' },
          accent: { type: 'color', default: 'blue', description: 'Accent' },
          logo: { type: 'image', default: '/assets/logo.svg' },
          ok: { type: 'text', default: 'x', description: 'Fine' },
        } }),
      }),
      expected: ['error THEME_SETTING_INVALID package.json', 'error THEME_SETTING_INVALID package.json', 'error THEME_SETTING_INVALID package.json'],
    },
    {
      rule: 'string catalogs that are not objects of "theme." strings',
      files: () => ({ 'lang/en.json': '{ "theme.a": 1, "core.b": "x" }', 'lang/fr.json': '["theme.a"]', 'lang/de.json': '{' }),
      expected: ['error THEME_STRINGS_INVALID lang/de.json', 'error THEME_STRINGS_INVALID lang/en.json', 'error THEME_STRINGS_INVALID lang/en.json',
        'error THEME_STRINGS_INVALID lang/fr.json'],
    },
    {
      rule: 'assets that exist in no assets/ of the chain', message: /^line 1: asset "missing\.css" is not in assets\//,
      files: () => ({ 'views/core/error.hbs': '{{asset "missing.css"}}{{asset "../package.json"}}{{asset "img/logo.svg"}}' }),
      expected: ['error THEME_ASSET_MISSING views/core/error.hbs', 'error THEME_ASSET_MISSING views/core/error.hbs'],
    },
    {
      rule: 'files a theme does not use (warnings)', message: /^ignored: only \.hbs files in layouts\//,
      files: () => ({ 'layouts/main.handlebars': '{{{body}}}', 'lang/english.json': '{}', 'notes.txt': 'todo' }),
      expected: ['warning THEME_UNKNOWN_FILE lang/english.json', 'warning THEME_UNKNOWN_FILE layouts/main.handlebars', 'warning THEME_UNKNOWN_FILE notes.txt'],
    },
  ];
  for (const c of cases) {
    it(`reports ${c.expected[0].split(' ')[1]} for ${c.rule}`, async () => {
      const issues = await checkTheme(variant(c.files()));
      expect(found(issues)).to.deep.equal(c.expected);
      if (c.message) expect(issues.map((i) => i.message).some((m) => c.message!.test(m)), issues.map((i) => i.message).join('\n')).to.equal(true);
    });
  }

  it('accepts the helpers it is told about instead of the core ones', async () => {
    const dir = variant({ 'views/core/error.hbs': '{{shout status}}{{t "theme.hello"}}' });
    const unknown = (await checkTheme(dir, { knownHelpers: ['shout'] })).map((i) => `${i.file} ${/"(\w+)"/.exec(i.message)?.[1]}`);
    expect(unknown).to.deep.equal(['layouts/main.hbs asset', 'layouts/main.hbs t', 'views/core/error.hbs t', 'views/core/home.hbs eq', 'views/core/home.hbs date']);
  });

  it('finds no errors in the bundled themes', async () => {
    for (const name of ['default', 'contrast']) {
      const issues = await checkTheme(path.join(repoThemes, name));
      expect(issues.filter((i) => i.severity === 'error'), name).to.deep.equal([]);
    }
  });

  it('prints one line per issue and a summary, and exits 1 only on errors', async () => {
    const lectern = async (...args: string[]) => {
      try {
        const { stdout, stderr } = await run(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH } });
        return { code: 0, stdout, stderr };
      } catch (err) {
        const e = err as { code: number; stdout: string; stderr: string };
        return { code: e.code, stdout: e.stdout, stderr: e.stderr };
      }
    };
    const bad = variant({ 'layouts/main.hbs': '<main>{{body}}</main>', 'notes.txt': '' });
    const failed = await lectern('theme', 'check', bad);
    expect({ code: failed.code, lines: failed.stdout.trim().split('\n') }).to.deep.equal({ code: 1, lines: [
      'error THEME_LAYOUT_NO_BODY layouts/main.hbs: the layout never outputs {{{body}}}, so pages would render empty',
      'warning THEME_UNKNOWN_FILE notes.txt: ignored: a theme holds layouts/, partials/, views/, assets/, lang/, package.json, README.md and LICENSE',
      `1 error(s), 1 warning(s) in ${bad}`,
    ] });

    const warned = await lectern('theme', 'check', variant({ 'notes.txt': '' }), '--json');
    expect(warned.code).to.equal(0);
    const report = JSON.parse(warned.stdout) as { errors: number; warnings: number; issues: ThemeIssue[] };
    expect([report.errors, report.warnings, report.issues.map((i) => i.code)]).to.deep.equal([0, 1, ['THEME_UNKNOWN_FILE']]);

    const good = variant({});
    expect(await lectern('theme', 'check', good)).to.deep.equal({ code: 0, stdout: `${good}: no issues\n`, stderr: '' });
    const usage = await lectern('theme', 'check');
    expect([usage.code, usage.stderr]).to.deep.equal([1, 'LECTERN_USAGE: lectern theme check <dir> [--json]\n']);
  });
});
