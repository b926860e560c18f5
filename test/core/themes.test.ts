// Themes switched at runtime: the `theme` core setting changes the next page's layout and stylesheet
// without a restart (the API and the appearance page alike), an unknown theme or a bad theme setting is
// a 400 naming its field, theme settings reach the generated stylesheet, and fingerprinted asset URLs
// may be cached forever while any other `v` may not.
import { expect } from 'chai';
import { createTestApp, type Persona, type TestApp } from 'lectern';
import { eventually } from './helpers';

describe('themes at runtime', function () {
  this.timeout(60_000);
  let t: TestApp;
  let admin: Persona;
  /** The stylesheet a page links through `{{asset "style.css"}}`, and whether it is drawn by the contrast layout. */
  const look = (html: string) => ({
    stylesheet: /<link rel="stylesheet" href="(\/assets\/style\.css\?v=[0-9a-f]{10})">/.exec(html)?.[1],
    contrast: html.includes('<body class="theme-contrast">'),
  });

  before(async () => {
    t = await createTestApp({ plugins: ['maintenance'] });
    admin = await t.persona('Ada Admin', 'admin');
  });
  after(() => t?.close());
  afterEach(async () => {
    await admin.patch('/api/v1/settings/core').send({ theme: 'default', themeSettings: {} }).expect(200);
  });

  it('switches every page to the theme set through the API, stylesheet and error page included, with no restart', async () => {
    const before = look((await admin.get('/').expect(200)).text);
    await admin.patch('/api/v1/settings/core').send({ theme: 'contrast' }).expect(200);
    const after = look((await admin.get('/').expect(200)).text);
    const error = await admin.get('/no-such-page').set('Accept', 'text/html').expect(404);
    const css = await t.get(after.stylesheet ?? '').expect(200);
    expect({ before: before.contrast, after: after.contrast, error: look(error.text).contrast, changed: before.stylesheet !== after.stylesheet,
      css: [css.text.includes('high-contrast'), css.headers['cache-control']] })
      .to.deep.equal({ before: false, after: true, error: true, changed: true, css: [true, 'public, max-age=31536000, immutable'] });
  });

  it('switches a second instance sharing the database too, within seconds', async () => {
    const other = await createTestApp({ plugins: ['maintenance'], shareWith: t });
    try {
      const before = look((await other.get('/').expect(200)).text).contrast;
      await admin.patch('/api/v1/settings/core').send({ theme: 'contrast' }).expect(200);
      await eventually(async () => look((await other.get('/').expect(200)).text).contrast, 10_000);
      expect({ before, after: look((await other.get('/').expect(200)).text).contrast }).to.deep.equal({ before: false, after: true });
    } finally {
      await other.close();
    }
  });

  it('refuses an unknown theme and a bad theme setting with a 400 naming the field', async () => {
    const [theme, colour, unknown] = await Promise.all([
      admin.patch('/api/v1/settings/core').send({ theme: 'no-such-theme' }),
      admin.patch('/api/v1/settings/core').send({ themeSettings: { accentColor: 'red' } }),
      admin.patch('/api/v1/settings/core').send({ themeSettings: { sparkles: 'yes' } }),
    ]);
    const fields = (res: { status: number; body: { errors?: { path: string }[] } }) => [res.status, ...(res.body.errors ?? []).map((e) => e.path)];
    expect([fields(theme), fields(colour), fields(unknown)]).to.deep.equal([
      [400, 'body.theme'], [400, 'body.themeSettings.accentColor'], [400, 'body.themeSettings.sparkles']]);
  });

  it('puts theme settings in the generated stylesheet and the header', async () => {
    await admin.patch('/api/v1/settings/core').send({ themeSettings: { accentColor: '#AB12cd', logoText: 'Acme Academy' } }).expect(200);
    const [css, page] = await Promise.all([t.get('/assets/theme-settings.css').expect(200), admin.get('/').expect(200)]);
    expect({ type: css.headers['content-type'], accent: css.text.includes('--accent: #AB12cd;'), brand: page.text.includes('<span>Acme Academy</span>') })
      .to.deep.equal({ type: 'text/css; charset=utf-8', accent: true, brand: true });
  });

  it('caches a fingerprinted asset URL forever, and one with another version only briefly', async () => {
    const url = look((await t.get('/').expect(200)).text).stylesheet ?? '';
    const [right, wrong, plain] = await Promise.all([t.get(url), t.get('/assets/style.css?v=0000000000'), t.get('/assets/style.css')]);
    expect([right, wrong, plain].map((r) => [r.status, r.headers['cache-control']])).to.deep.equal([
      [200, 'public, max-age=31536000, immutable'], [200, 'public, max-age=3600'], [200, 'public, max-age=3600']]);
  });

  it('switches the theme from the appearance page, audited, and shows a bad colour beside its field', async () => {
    const bad = await admin.post('/admin/appearance').type('form').send({ theme: 'contrast', 'themeSettings.accentColor': 'blue' });
    const saved = await admin.post('/admin/appearance').type('form').send({ theme: 'contrast', 'themeSettings.accentColor': '#000080' });
    const [page, settings] = await Promise.all([admin.get(saved.headers['location'] ?? '/').expect(200), admin.get('/api/v1/settings/core').expect(200)]);
    const audit = await t.db('core_audit').where({ action: 'settings.update', target_id: 'core' }).orderBy('id', 'desc').first('details');
    expect({
      bad: [bad.status, /<input id="setting-accentColor"[^>]*aria-invalid="true"/.test(bad.text)],
      saved: [saved.status, saved.headers['location']],
      page: [look(page.text).contrast, page.text.includes('The appearance is saved')],
      settings: [settings.body.theme, settings.body.themeSettings],
      audit: audit?.details,
    }).to.deep.equal({
      bad: [400, true],
      saved: [303, '/admin/appearance?done=saved'],
      page: [true, true],
      settings: ['contrast', { accentColor: '#000080' }],
      audit: { changed: ['theme', 'themeSettings'] },
    });
  });
});
