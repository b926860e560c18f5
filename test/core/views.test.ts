// The view engine: resolution order (theme > plugin), layouts, partials, escaping, theme inheritance,
// clear errors and safe asset paths; plus the real default theme compiling and the asset middleware.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import Koa from 'koa';
import pino from 'pino';
import request from 'supertest';
import { serveAssets } from '../../core/views/assets';
import { ViewEngine } from '../../core/views/engine';

const log = pino({ level: 'silent' });

/** Compiled tests live outside the sources; the real themes sit beside package.json. */
function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + __dirname);
    dir = up;
  }
  return dir;
}

function write(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
}

/** A theme's package.json (`lectern.theme`), optionally naming its parent. */
function manifest(name: string, parent?: string): string {
  return JSON.stringify({ name: `lectern-theme-${name}`, version: '1.0.0', description: `The ${name} theme`, private: true,
    lectern: { theme: { name, version: '1.0.0', ...(parent ? { parent } : {}), settings: {} } } });
}

describe('core/views', () => {
  let tmp: string;
  let themesDir: string;
  let pluginDir: string;

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-views-'));
    themesDir = path.join(tmp, 'themes');
    pluginDir = path.join(tmp, 'plugin-hello', 'views');
    write(themesDir, {
      'base/package.json': manifest('base'),
      'base/layouts/main.hbs': '<main data-layout="base">{{title}}|{{{body}}}</main>',
      'base/layouts/bare.hbs': '[bare {{{body}}}]',
      'base/partials/greet.hbs': 'Hi {{name}}',
      'base/partials/forms/field.hbs': '<field {{label}}>',
      'base/views/core/home.hbs': 'home of {{title}}',
      'base/views/hello/themed.hbs': 'themed by base',
      'base/assets/style.css': 'body{}',
      'base/assets/logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
      'child/package.json': manifest('child', 'base'),
      'child/assets/style.css': 'body{color:#000}',
      'child/partials/greet.hbs': 'Hello {{name}}',
      'secret.txt': 'do not serve',
    });
    write(pluginDir, {
      'greeting.hbs': 'plugin says {{message}}',
      'themed.hbs': 'plugin default',
      'admin/list.hbs': '{{> greet}} / {{> forms/field label="Name"}}',
    });
  });

  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  function engine(theme = 'base'): ViewEngine {
    const e = new ViewEngine({ themesDir, theme, log });
    e.addPluginViews('hello', pluginDir);
    return e;
  }

  it('uses the plugin view when the theme has none', async () => {
    const html = await engine().render('hello/greeting', { message: 'hi' }, { layout: false });
    expect(html).to.equal('plugin says hi');
  });

  it('lets a theme override a plugin view', async () => {
    expect(await engine().render('hello/themed', {}, { layout: false })).to.equal('themed by base');
  });

  it('wraps the view in the main layout by default, or a named one', async () => {
    const e = engine();
    expect(await e.render('hello/greeting', { title: 'T', message: 'm' }))
      .to.equal('<main data-layout="base">T|plugin says m</main>');
    expect(await e.render('hello/greeting', { message: 'm' }, { layout: 'bare' })).to.equal('[bare plugin says m]');
  });

  it('registers theme partials by relative path, nested ones included', async () => {
    const html = await engine().render('hello/admin/list', { name: 'Ada' }, { layout: false });
    expect(html).to.equal('Hi Ada / <field Name>');
  });

  it('escapes {{ }} output, in the view and the layout', async () => {
    const html = await engine().render('hello/greeting', { title: '<b>', message: '<script>alert(1)</script>' });
    expect(html).to.not.include('<script>');
    expect(html).to.include('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).to.include('&lt;b&gt;|');
  });

  it('falls back to the parent theme for views, layouts, partials and assets', async () => {
    const e = engine('child');
    expect(await e.render('core/home', { title: 'x' })).to.equal('<main data-layout="base">x|home of x</main>');
    expect(await e.render('hello/admin/list', { name: 'Ada' }, { layout: false })).to.match(/^Hello Ada/);
    expect(e.assetPath('style.css')).to.equal(path.join(themesDir, 'child', 'assets', 'style.css'));
    expect(e.assetPath('logo.svg')).to.equal(path.join(themesDir, 'base', 'assets', 'logo.svg'));
  });

  it('names the view and every path tried when a view is unknown', async () => {
    let error: Error | undefined;
    await engine('child').render('hello/missing').catch((err: Error) => { error = err; });
    expect(error?.message).to.include('hello/missing')
      .and.include(path.join(themesDir, 'child', 'views', 'hello', 'missing.hbs'))
      .and.include(path.join(themesDir, 'base', 'views', 'hello', 'missing.hbs'))
      .and.include(path.join(pluginDir, 'missing.hbs'));
  });

  it('takes core views from the theme only and rejects malformed view names', async () => {
    const e = engine();
    expect(() => e.addPluginViews('core', pluginDir)).to.throw(/theme only/);
    for (const bad of ['greeting', 'hello/../secret', '../x/y', 'hello/']) {
      const err = await e.render(bad).then(() => null, (caught: Error) => caught);
      expect(err?.message, bad).to.match(/Invalid view name/);
    }
  });

  it('refuses asset path traversal and hidden files', () => {
    const e = engine('child');
    for (const bad of ['../package.json', '../../secret.txt', '..%2f..%2fsecret.txt', 'a/../style.css',
      '/etc/passwd', '..\\package.json', '.hidden', '', 'style.css\0']) {
      expect(e.assetPath(bad), bad).to.equal(null);
    }
    expect(e.assetPath('nope.css')).to.equal(null);
  });

  it('compiles each template once', async () => {
    const e = engine();
    expect(await e.render('hello/greeting', { message: 1 }, { layout: false })).to.equal('plugin says 1');
    fs.writeFileSync(path.join(pluginDir, 'greeting.hbs'), 'changed');
    expect(await e.render('hello/greeting', { message: 2 }, { layout: false })).to.equal('plugin says 2');
  });

  it('provides eq, json and date helpers and refuses duplicate helpers', async () => {
    write(pluginDir, { 'helpers.hbs': '{{#if (eq a "x")}}yes{{/if}}|{{json data}}|{{date at}}|{{date at time=false}}|{{shout a}}' });
    const e = engine();
    e.registerHelper('shout', (s: unknown) => String(s).toUpperCase());
    expect(() => e.registerHelper('eq', () => true)).to.throw(/already registered/);
    const html = await e.render('hello/helpers',
      { a: 'x', data: { s: '</script><b>' }, at: '2024-03-05T14:03:00.000Z' }, { layout: false });
    expect(html).to.equal('yes|{"s":"\\u003c/script\\u003e\\u003cb\\u003e"}|5 Mar 2024, 14:03 UTC|5 Mar 2024|X');
  });

  it('reports a missing theme and a template syntax error with their names', async () => {
    expect(() => new ViewEngine({ themesDir, theme: 'nope', log })).to.throw(/LECTERN_THEME_NOT_FOUND.*nope/);
    write(pluginDir, { 'broken.hbs': '{{#if x}}unclosed' });
    const err = await engine().render('hello/broken').then(() => null, (caught: Error) => caught);
    expect(err?.message).to.include(path.join(pluginDir, 'broken.hbs'));
  });

  it('reports a theme cycle and an invalid manifest at boot', () => {
    write(themesDir, { 'a/package.json': manifest('a', 'b'), 'b/package.json': manifest('b', 'a'), 'bad/package.json': '{ "lectern": {} }' });
    expect(() => new ViewEngine({ themesDir, theme: 'a', log })).to.throw(/LECTERN_THEME_CYCLE/);
    expect(() => new ViewEngine({ themesDir, theme: 'bad', log })).to.throw(/LECTERN_THEME_INVALID.*lectern\.theme/);
  });

  it('renders each page in the theme its data names, each theme with its own partials, and lists the themes', async () => {
    const e = engine('base');
    const render = (theme?: string) => e.render('hello/admin/list', { name: 'Ann', theme }, { layout: false });
    expect([await render(), await render('child'), await render('nope'), await render()])
      .to.deep.equal(['Hi Ann / <field Name>', 'Hello Ann / <field Name>', 'Hi Ann / <field Name>', 'Hi Ann / <field Name>']);
    expect(e.themes().map(({ name, parent }) => ({ name, parent }))).to.deep.equal([{ name: 'base', parent: undefined }, { name: 'child', parent: 'base' }]);
  });

  describe('the real default theme', () => {
    const realThemes = path.join(repoRoot(), 'themes');

    it('renders the home page with nav and sign-in', async () => {
      const e = new ViewEngine({ themesDir: realThemes, theme: 'default', log });
      const html = await e.render('core/home', {
        title: 'Home', currentPath: '/', signInPath: '/login',
        nav: [{ title: 'core.nav.home', path: '/' }, { title: 'Courses', path: '/courses' }],
      });
      expect(html).to.match(/^<!doctype html>/).and.include('<html lang="en">')
        .and.include('<title>Home · Lectern</title>').and.include('<main id="main"')
        .and.include('href="#main"').and.include('href="/courses"').and.include('aria-current="page"')
        .and.include('>Home</a>').and.include('href="/login"');
    });

    it('renders the home page without plugins or sign-in, and the error page', async () => {
      const e = new ViewEngine({ themesDir: realThemes, theme: 'contrast', log });
      const home = await e.render('core/home', { title: 'Home', panels: ['<p>My panel</p>'] });
      expect(home).to.include('<p>My panel</p>').and.not.include('href="/login"').and.not.include('/healthz');
      const error = await e.render('core/error', { title: 'Not found', status: 404, detail: 'No <such> page' });
      expect(error).to.include('404').and.include('Not found').and.include('No &lt;such&gt; page');
      expect(e.assetPath('style.css')).to.equal(path.join(realThemes, 'contrast', 'assets', 'style.css'));
      expect(e.assetPath('favicon.svg')).to.equal(path.join(realThemes, 'default', 'assets', 'favicon.svg'));
    });
  });

  describe('serveAssets', () => {
    function app(): Koa {
      const koa = new Koa();
      koa.use(serveAssets(engine('child'), async () => ({ themeSettings: {} })));
      koa.use((ctx) => { ctx.status = 404; ctx.body = 'next'; });
      return koa;
    }

    it('serves theme files with their content type and cache headers', async () => {
      const server = app().callback();
      const css = await request(server).get('/assets/style.css').expect(200);
      expect(css.headers['content-type']).to.match(/^text\/css/);
      expect(css.headers['cache-control']).to.match(/max-age=\d+/);
      expect(css.text).to.equal('body{color:#000}');
      const svg = await request(server).get('/assets/logo.svg').expect(200);
      expect(svg.headers['content-type']).to.match(/^image\/svg\+xml/);
    });

    it('falls through on misses, traversal and other methods', async () => {
      const server = app().callback();
      for (const url of ['/assets/nope.css', '/assets/../secret.txt', '/assets/..%2f..%2fsecret.txt', '/assets/%2e%2e/package.json']) {
        const res = await request(server).get(url).expect(404);
        expect(res.text, url).to.equal('next');
      }
      await request(server).post('/assets/style.css').expect(404, 'next');
    });
  });
});
