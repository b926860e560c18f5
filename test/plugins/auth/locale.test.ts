// Each person's language: chosen on the account page (or PATCH /api/v1/me), it becomes the principal's
// locale at once (cached principals are dropped), so their pages follow it while everyone else's do not.
import { expect } from 'chai';
import { createTestApp, type TestApp } from 'lectern';
import { account, browser, login } from './helpers';

describe('auth: per-user language', () => {
  let t: TestApp;
  before(async () => { t = await createTestApp({ plugins: ['auth'] }); });
  after(() => t.close());

  it('draws the pages of someone who chose French in French, and everyone else in English', async () => {
    const b = browser(t);
    await account(t, 'marie@example.com');
    await account(t, 'john@example.com');
    const marie = await login(t, 'marie@example.com');
    const john = await login(t, 'john@example.com');
    expect((await b.get(marie, '/')).text).to.contain('<html lang="en"');

    const form = (await b.get(marie, '/account')).text;
    expect(form).to.match(/<option value="fr"[^>]*>French \(fr\)<\/option>/);
    expect(form).to.match(/<option value=""( selected)?>System default<\/option>/);
    const bad = await b.post(marie, '/account/profile', { name: 'Marie', locale: 'xx' });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.match(/id="profile-locale"[^>]*aria-invalid="true"/);
    expect((await b.post(marie, '/account/profile', { name: 'Marie', locale: 'fr' })).location).to.equal('/account?done=profile');

    const home = (await b.get(marie, '/')).text;
    expect(home).to.contain('<html lang="fr"');
    expect(home).to.contain('Accueil');
    expect((await b.get(marie, '/account')).text).to.contain('<h1>Votre compte</h1>');
    expect((await b.get(john, '/account')).text).to.contain('<h1>Your account</h1>');
    const other = (await b.get(john, '/')).text;
    expect(other).to.contain('<html lang="en"');
    expect(other).not.to.contain('Accueil');

    const api = await t.patch('/api/v1/me').set('Cookie', marie.cookie).set('X-CSRF-Token', marie.csrf).send({ locale: 'de' });
    expect(api.status).to.equal(400);
    expect(api.body.errors).to.deep.equal([{ path: 'body.locale', message: 'is not an available language' }]);
    expect((await t.patch('/api/v1/me').set('Cookie', marie.cookie).set('X-CSRF-Token', marie.csrf).send({ locale: null })).status).to.equal(200);
    expect((await b.get(marie, '/')).text).to.contain('<html lang="en"');
  });
});
