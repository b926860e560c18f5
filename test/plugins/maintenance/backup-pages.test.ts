// The backups page through browser credentials (session cookie + _csrf field): it lists a backup with its
// size, SHA-256 and a download link that gives the file to the same session; its button queues the backup
// job and comes back with a link to the job's page, and the list grows once jobs have run; a learner may
// neither open the page nor press the button; the page labels its columns and says how to restore.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { createTestApp, formatBytes, type TestApp } from 'lectern';
import { account, login, browser } from '../auth/helpers';

interface Session { cookie: string; csrf: string }

const PAGE = '/admin/backups';

describe('maintenance: the backups page', function () {
  this.timeout(60_000);
  let t: TestApp;
  let admin: Session;
  let learner: Session;

  const get = (s: Session, url: string) => browser(t).get(s, url);
  const press = (s: Session) => browser(t).post(s, PAGE);
  const backups = () => t.db('maintenance_backups').orderBy('id').select('id', 'directory', 'file_name', 'size', 'sha256');
  const signedIn = async (email: string, roles: string[]): Promise<Session> => {
    await account(t, email, roles);
    return login(t, email);
  };

  before(async () => {
    t = await createTestApp({ plugins: ['auth', 'courses', 'maintenance'] });
    admin = await signedIn('root@example.test', ['admin']);
    learner = await signedIn('lou@example.test', []);
  });
  after(() => t?.close());

  it('queues a backup with its button, links to the job, then lists the backup with its download link', async () => {
    const empty = await get(admin, PAGE);
    expect([empty.status, empty.text.includes('No backups yet.'), empty.text.includes('<button type="submit" class="button">Make a backup now</button>')])
      .to.deep.equal([200, true, true]);
    expect(empty.text).to.include('<code>lectern restore FILE</code>');

    const queued = await press(admin);
    expect(queued.status).to.equal(303);
    const job = /^\/admin\/backups\?done=queued&job=([^&]+)$/.exec(queued.location)?.[1];
    expect(job, queued.location).to.be.a('string');
    const notice = await get(admin, queued.location);
    expect(notice.text).to.include('The backup is queued').and.include(`<a href="/admin/jobs/${job}">Follow its job</a>`);
    expect((await get(admin, `/admin/jobs/${job}`)).text).to.include('maintenance.backup');

    await t.jobs.drain();
    const [made] = await backups();
    expect(made, 'a backup made by the job').to.not.equal(undefined);
    const listed = await get(admin, PAGE);
    const href = `/api/v1/system/backups/${made.id}/download`;
    expect(listed.text).to.include(`<a href="${href}" download><code>${made.file_name}</code>`)
      .and.include(formatBytes(Number(made.size))).and.include(made.sha256).and.include('Completed');
    for (const label of ['File', 'Made', 'Size', 'SHA-256', 'Contents', 'State', 'Error']) expect(listed.text).to.include(`<th scope="col">${label}</th>`);

    const download = await t.get(href).set('Cookie', admin.cookie)
      .buffer(true).parse((r, cb) => { const parts: Buffer[] = []; r.on('data', (c: Buffer) => parts.push(c)); r.on('end', () => cb(null, Buffer.concat(parts))); });
    expect(download.status).to.equal(200);
    expect(Buffer.compare(download.body as Buffer, fs.readFileSync(path.join(made.directory, made.file_name)))).to.equal(0);
  });

  it('lists the newest first and grows with each press', async () => {
    await press(admin);
    await t.jobs.drain();
    const rows = await backups();
    expect(rows).to.have.length(2);
    const text = (await get(admin, PAGE)).text;
    expect(text.indexOf(rows[1].file_name)).to.be.greaterThan(-1).and.lessThan(text.indexOf(rows[0].file_name));
  });

  it('is in the navigation of those who may see it, and refuses a learner', async () => {
    expect((await get(admin, '/admin/system')).text).to.include(`href="${PAGE}"`);
    expect((await get(learner, '/')).text).to.not.include(`href="${PAGE}"`);
    expect((await get(learner, PAGE)).status).to.equal(403);
    const before = (await backups()).length;
    expect((await press(learner)).status).to.equal(403);
    await t.jobs.drain();
    expect(await backups()).to.have.length(before);
  });
});
