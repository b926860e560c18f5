// The main navigation: a plugin's `nav` links appear for signed-in users only, after Home, and go with
// the plugin when it is disabled; a link that leaves the site is refused at boot. The home page shows
// the panels plugins contribute, in the page's language.
import { expect } from 'chai';
import path from 'node:path';
import { contribute, createTestApp, definePlugin, homePanels } from 'lectern';

const library = definePlugin({ name: 'library', version: '1.0.0', core: '^1.0.0', nav: [{ title: 'The library', path: '/library' }] });
/** The paths the main navigation links to. */
const navOf = (html: string) => [.../<nav class="site-nav"[\s\S]*?<\/nav>/.exec(html)?.[0].matchAll(/href="([^"]+)"/g) ?? []].map((m) => m[1]);

describe('core/nav', () => {
  it('shows a plugin\'s nav links to signed-in users, after Home, while the plugin is enabled', async () => {
    const t = await createTestApp({ plugins: [library] });
    try {
      const home = () => t.as('reader').get('/').set('Accept', 'text/html');
      const signedIn = navOf((await home()).text);
      const anonymous = navOf((await t.get('/').set('Accept', 'text/html')).text);
      await t.app.setEnabled('library', false);
      expect({ signedIn, anonymous, disabled: navOf((await home()).text) })
        .to.deep.equal({ signedIn: ['/', '/library'], anonymous: ['/'], disabled: ['/'] });
    } finally {
      await t.close();
    }
  });

  it('shows the plugins\' home panels to signed-in users, in order, in their language, while the plugin is enabled', async () => {
    const shelf = definePlugin({
      name: 'shelf', version: '1.0.0', core: '^1.0.0', views: path.join(__dirname, 'fixtures', 'panel-views'),
      contributes: [
        contribute(homePanels, { view: 'shelf/panel', order: 20, load: async (req) => ({ who: req.principal.id }) }),
        contribute(homePanels, { view: 'shelf/panel', order: 10, load: async () => ({ who: 'first' }) }),
        contribute(homePanels, { view: 'shelf/panel', load: async () => null }),
      ],
    });
    const t = await createTestApp({ plugins: [shelf] });
    try {
      const panels = async (as?: string) => {
        const html = (await (as ? t.as(as) : t).get('/').set('Accept', 'text/html')).text;
        return [...html.matchAll(/<p class="panel">([^<]*)<\/p>/g)].map((m) => m[1]);
      };
      const before = { anonymous: await panels(), reader: await panels('reader') };
      await t.as('admin-user').patch('/api/v1/settings/core').send({ locale: 'fr' }).expect(403);
      await t.grant('admin-user', 'admin');
      await t.as('admin-user').patch('/api/v1/settings/core').send({ locale: 'fr' }).expect(200);
      const french = await panels('reader');
      await t.app.setEnabled('shelf', false);
      expect({ ...before, french, disabled: await panels('reader') }).to.deep.equal({
        anonymous: [], reader: ['first Home', 'reader Home'], french: ['first Accueil', 'reader Accueil'], disabled: [],
      });
    } finally {
      await t.close();
    }
  });

  it('refuses a nav link to another site at boot', async () => {
    const offsite = definePlugin({ name: 'offsite', version: '1.0.0', core: '^1.0.0', nav: [{ title: 'Elsewhere', path: '//evil.example/' }] });
    const err = await createTestApp({ plugins: [offsite] }).then(async (t) => { await t.close(); return null; }, (caught: Error) => caught);
    expect(err?.message).to.match(/LECTERN_PLUGIN_INVALID.*offsite.*\/nav\/0\/path/);
  });
});
