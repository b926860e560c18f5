// The courses pages through a real app and real browser credentials (session cookie + CSRF field): the
// learner catalog shows only published courses, an item completed from the course page is recorded,
// and the admin create-course form (and the editor's publish button) works with _csrf, is refused
// without it, and is closed to learners.
import { expect } from 'chai';
import { login } from '../auth/helpers';
import { addItems, as, createCourse, enroll, expectStatus, useWorld } from './helpers';

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] as string;

describe('courses pages', () => {
  const w = useWorld();

  it('shows a learner only published courses in the catalog, and records an item they mark complete on the course page', async () => {
    const { t, manager } = w;
    const open = await createCourse(t, manager, { title: 'Fire <safety>' });
    const draft = await createCourse(t, manager, { title: 'Secret draft' }, false);
    const [first, second] = await addItems(t, manager, open.id, ['1', '2']);
    const learner = await w.user('learner', ['learner']);
    await enroll(t, manager, open.id, learner.id);
    const s = await login(t, learner.email);

    const catalog = await t.get('/courses').set('Cookie', s.cookie);
    expect(catalog.status).to.equal(200);
    expect(catalog.text).to.include(`href="/courses/${String(open.id)}"`).and.include('Fire &lt;safety&gt;')
      .and.not.include('Secret draft').and.not.include(`/courses/${String(draft.id)}"`);

    const page = await t.get(`/courses/${String(open.id)}`).set('Cookie', s.cookie);
    expect(page.text).to.include(`action="/courses/${String(open.id)}/items/${first}/complete"`);
    const done = await t.post(`/courses/${String(open.id)}/items/${first}/complete`).set('Cookie', s.cookie).type('form').send({ _csrf: csrfOf(page.text) });
    expect(done.status).to.equal(303);

    const mine = await expectStatus(as(t, learner).get(`/api/v1/me/courses/${String(open.id)}`), 200);
    expect(mine.completedItems).to.have.length(1).and.to.have.nested.property('[0].itemId', first);
    const after = await t.get(`/courses/${String(open.id)}`).set('Cookie', s.cookie);
    expect(after.text).to.include('1 of 2 required items done (50%)').and.include(`items/${second}/complete`)
      .and.not.include(`items/${first}/complete`);
  });

  it('lets a manager create a course with the form and publish it in the editor; without _csrf it is 403 and creates nothing; a taken code shows the form again', async () => {
    const { t, manager } = w;
    const s = await login(t, manager.email);
    const form = { title: 'Made by form', code: 'FORM-1', summary: '', categoryId: '', templateId: '' };

    const forged = await t.post('/admin/courses').set('Cookie', s.cookie).type('form').send(form);
    expect(forged.status).to.equal(403);
    expect(await t.db('courses_courses').where({ code: 'FORM-1' }).first()).to.equal(undefined);

    const created = await t.post('/admin/courses').set('Cookie', s.cookie).type('form').send({ ...form, _csrf: s.csrf });
    expect(created.status, created.text).to.equal(303);
    const row = await t.db('courses_courses').where({ code: 'FORM-1' }).first();
    expect(row).to.include({ title: 'Made by form', status: 'draft', is_template: false });
    expect(created.headers.location).to.equal(`/admin/courses/${String(row.id)}?done=created`);
    const editor = await t.get(created.headers.location).set('Cookie', s.cookie);
    expect(editor.text).to.include('The course is created, as a draft.').and.include(`action="/admin/courses/${String(row.id)}/publish"`);
    expect((await t.post(`/admin/courses/${String(row.id)}/publish`).set('Cookie', s.cookie).type('form').send({ _csrf: s.csrf })).status).to.equal(303);
    expect(await t.db('courses_courses').where({ id: row.id }).first()).to.include({ status: 'published' });
    const taken = await t.post('/admin/courses').set('Cookie', s.cookie).type('form').send({ ...form, _csrf: s.csrf });
    expect(taken.status).to.equal(409);
    expect(taken.text).to.include('a course with code &quot;FORM-1&quot; already exists').and.include('value="Made by form"');
  });

  it('refuses a learner the admin course list and the create form (403)', async () => {
    const { t } = w;
    const form = { title: 'Not mine', code: 'FORM-2', summary: '', categoryId: '', templateId: '' };
    const learner = await w.user('nosy', ['learner']);
    const ls = await login(t, learner.email);
    expect((await t.get('/admin/courses').set('Cookie', ls.cookie)).status).to.equal(403);
    expect((await t.post('/admin/courses').set('Cookie', ls.cookie).type('form').send({ ...form, _csrf: ls.csrf })).status).to.equal(403);
    expect(await t.db('courses_courses').where({ code: 'FORM-2' }).first()).to.equal(undefined);
  });
});
