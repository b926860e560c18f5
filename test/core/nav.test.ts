// The main navigation: a plugin's `nav` links appear for signed-in users only, after Home, and go with
// the plugin when it is disabled; a link that leaves the site is refused at boot. The home page keeps
// the installed plugins and the operators' links for those who may see the system.
import { expect } from 'chai';
import { createTestApp, definePlugin } from 'lectern';

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

  it('shows what is installed and the operators\' links on the home page only to those who may see the system', async () => {
    const t = await createTestApp({ plugins: [library] });
    try {
      await t.grant('operator', 'admin');
      const sees = async (as?: string) => {
        const html = (await (as ? t.as(as) : t).get('/').set('Accept', 'text/html')).text;
        return { plugins: html.includes('Enabled plugins'), links: html.includes('href="/healthz"') };
      };
      expect({ anonymous: await sees(), reader: await sees('reader'), operator: await sees('operator') }).to.deep.equal({
        anonymous: { plugins: false, links: false }, reader: { plugins: false, links: false }, operator: { plugins: true, links: true },
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
