// The maintenance mode page through browser credentials (session cookie + _csrf field): switching the mode
// on with a message and an end time and off again, its mistakes beside their fields (nothing changed), a
// window planned with the form, listed and deleted only after the confirmation page; the refused learner's
// themed page shows the message; a learner may not open the page.
import { expect } from 'chai';
import { createTestApp, type TestApp } from 'lectern';
import { account, login, browser } from '../auth/helpers';

interface Session { id: string; cookie: string; csrf: string }

const PAGE = '/admin/maintenance';
const START = new Date('2030-03-15T09:00:00.000Z');

describe('maintenance: the maintenance mode page', function () {
  this.timeout(60_000);
  let t: TestApp;
  let admin: Session;
  let learner: Session;

  const get = (s: Session, url: string) => browser(t).get(s, url);
  const post = (s: Session, url: string, body: Record<string, string> = {}) => browser(t).post(s, url, body);
  const invalid = (html: string, id: string) => new RegExp(`<input id="${id}"[^>]*aria-invalid="true"`).test(html);
  const windows = async () => Number((await t.db('maintenance_windows').count({ n: '*' }).first() as { n: string | number }).n);
  const signedIn = async (email: string, roles: string[]): Promise<Session> => {
    const made = await account(t, email, roles);
    return { id: made.id, ...(await login(t, email)) };
  };

  before(async () => {
    t = await createTestApp({ plugins: ['auth', 'courses', 'maintenance'], clock: () => START });
    admin = await signedIn('root@example.test', ['admin']);
    learner = await signedIn('lou@example.test', []);
  });
  after(() => t?.close());

  it('switches the mode on with a message and an end time, shows it to a refused learner, and off again', async () => {
    const off = await get(admin, PAGE);
    expect([off.status, off.text.includes('Everyone can use the system'), off.text.includes('<label for="switch-message">')]).to.deep.equal([200, true, true]);

    const past = await post(admin, PAGE, { enabled: 'on', message: 'Upgrading', until: '2030-03-15T08:00' });
    const garbled = await post(admin, PAGE, { enabled: 'on', message: 'Upgrading', until: 'tonight' });
    expect([past.status, invalid(past.text, 'switch-until'), past.text.includes('value="Upgrading"')]).to.deep.equal([400, true, true]);
    expect([garbled.status, invalid(garbled.text, 'switch-until')]).to.deep.equal([400, true]);
    expect((await t.db('maintenance_mode').first('enabled')).enabled).to.equal(false);

    const on = await post(admin, PAGE, { enabled: 'on', message: 'Upgrading the <database>', until: '2030-03-15T10:00' });
    expect([on.status, on.location]).to.deep.equal([303, `${PAGE}?done=on`]);
    const shown = await get(admin, `${PAGE}?done=on`);
    expect(shown.text).to.include('Maintenance mode is on</strong> (switched on here), until 15 Mar 2030').and.include('Message: Upgrading the &lt;database&gt;');

    const refused = await get(learner, '/courses');
    expect([refused.status, refused.text.includes('Upgrading the &lt;database&gt; Expected back by 2030-03-15 10:00 UTC.')]).to.deep.equal([503, true]);
    expect((await get(learner, PAGE)).status).to.equal(503);

    const switchedOff = await post(admin, PAGE, { enabled: 'off' });
    expect([switchedOff.status, switchedOff.location]).to.deep.equal([303, `${PAGE}?done=off`]);
    expect((await get(learner, '/courses')).status).to.equal(200);
    expect((await get(learner, PAGE)).status).to.equal(403);
  });

  it('plans a window with the form (mistakes beside their fields), lists it, and deletes it after the confirmation page', async () => {
    const reversed = await post(admin, `${PAGE}/windows`, { startsAt: '2030-03-16T22:00', endsAt: '2030-03-16T21:00', message: 'Nightly' });
    const blank = await post(admin, `${PAGE}/windows`, { startsAt: '', endsAt: '2030-03-16T21:00', message: '' });
    expect([reversed.status, invalid(reversed.text, 'plan-ends'), reversed.text.includes('value="Nightly"')]).to.deep.equal([400, true, true]);
    expect([blank.status, invalid(blank.text, 'plan-starts')]).to.deep.equal([400, true]);
    expect(await windows()).to.equal(0);

    const planned = await post(admin, `${PAGE}/windows`, { startsAt: '2030-03-16T22:00', endsAt: '2030-03-16T23:30', message: 'Nightly upgrade' });
    expect([planned.status, planned.location]).to.deep.equal([303, `${PAGE}?done=planned`]);
    const [{ id }] = await t.db('maintenance_windows').select('id');
    const listed = await get(admin, PAGE);
    expect(listed.text).to.include('16 Mar 2030, 22:00 UTC').and.include('Nightly upgrade').and.include(`/admin/maintenance/windows/${id}/delete`);

    const confirm = await get(admin, `${PAGE}/windows/${id}/delete`);
    expect([confirm.status, confirm.text.includes('Delete this maintenance window?')]).to.deep.equal([200, true]);
    expect(await windows()).to.equal(1);
    const deleted = await post(admin, `${PAGE}/windows/${id}/delete`);
    expect([deleted.status, deleted.location]).to.deep.equal([303, `${PAGE}?done=deleted`]);
    expect((await get(admin, `${PAGE}/windows/${id}/delete`)).status).to.equal(404);
    expect((await t.db('core_audit').where('action', 'like', 'maintenance.window.%').orderBy('id').select('action')).map((r) => r.action))
      .to.deep.equal(['maintenance.window.plan', 'maintenance.window.delete']);
  });
});
