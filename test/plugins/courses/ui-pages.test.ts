// The course pages a person needs without curl: the home page's "My courses" panel (learners' progress,
// instructors' courses), the editor's settings (category, status, self-enrollment with its key,
// recertification) through the same action as the API, creating a course from a template with the form,
// and unique ids on the admin course pages.
import { expect } from 'chai';
import { login } from '../auth/helpers';
import { addItems, as, createCourse, enroll, expectStatus, useWorld } from './helpers';

const duplicateIds = (html: string) => {
  const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
  return ids.filter((id, i) => ids.indexOf(id) !== i);
};

describe('courses pages a person needs', () => {
  const w = useWorld();

  it('shows a learner their courses with progress on the home page, an instructor the courses they teach, and an empty state to others', async () => {
    const { t, manager } = w;
    const a = await createCourse(t, manager, { title: 'Alpha course' });
    const b = await createCourse(t, manager, { title: 'Beta course' });
    const [a1] = await addItems(t, manager, a.id, ['1', '2']);
    const [b1] = await addItems(t, manager, b.id, ['3', '4', '5']);
    const learner = await w.user('panel-learner', ['learner']);
    await enroll(t, manager, a.id, learner.id);
    await enroll(t, manager, b.id, learner.id);
    w.clock.advanceDays(1); // the most recent activity comes first: Alpha, enrolled first, has the latest
    await expectStatus(as(t, learner).post(`/api/v1/courses/${String(a.id)}/items/${a1}/complete`), 201);
    const teacher = await w.user('panel-teacher');
    await enroll(t, manager, b.id, teacher.id, { role: 'instructor' });
    const nobody = await w.user('panel-nobody');

    const home = async (who: { email: string }) => (await t.get('/').set('Accept', 'text/html').set('Cookie', (await login(t, who.email)).cookie)).text;
    const seen = await home(learner);
    const text = seen.replace(/\s+/g, ' ');
    expect({
      alpha: text.includes(`<a href="/courses/${String(a.id)}">Alpha course</a>`) && text.includes('1 of 2 items done (50%)'),
      beta: text.includes(`<a href="/courses/${String(b.id)}">Beta course</a>`) && text.includes('0 of 3 items done (0%)'),
      progress: seen.includes('<progress max="100" value="50"'), links: seen.includes('href="/my/courses"') && seen.includes('href="/courses"'),
      alphaFirst: seen.indexOf('Alpha course') < seen.indexOf('Beta course'), teaching: seen.includes('Courses I teach'), dupes: duplicateIds(seen),
    }).to.deep.equal({ alpha: true, beta: true, progress: true, links: true, alphaFirst: true, teaching: false, dupes: [] });
    // The panel is kept in memory per person until their progress changes: the next visit shows the completion.
    await expectStatus(as(t, learner).post(`/api/v1/courses/${String(b.id)}/items/${b1}/complete`), 201);
    expect((await home(learner)).replace(/\s+/g, ' ')).to.include('1 of 3 items done (33%)');

    const taught = await home(teacher);
    expect([taught.includes('Courses I teach'), taught.includes(`href="/admin/courses/${String(b.id)}/enrollments"`)]).to.deep.equal([true, true]);
    const roster = await t.get(`/admin/courses/${String(b.id)}/enrollments`).set('Cookie', (await login(t, teacher.email)).cookie);
    expect(roster.status, 'the instructor can open the enrollments and progress page the panel links').to.equal(200);
    expect(await home(nobody)).to.include('You are not enrolled in any course yet — <a href="/courses">browse the catalog</a>');
  });

  it('edits category, status, self-enrollment with its key and recertification in the course editor; a bad period is shown beside its field', async () => {
    const { t, manager } = w;
    const s = await login(t, manager.email);
    const category = await expectStatus(as(t, manager).post('/api/v1/categories', { name: 'Editor category' }), 201);
    const course = await createCourse(t, manager, { title: 'Settings course' }, false);
    const url = `/admin/courses/${String(course.id)}`;
    const page = await t.get(url).set('Cookie', s.cookie);
    expect(duplicateIds(page.text)).to.deep.equal([]);
    expect(page.text).to.include('id="details-category"').and.include('id="details-status"').and.include('id="details-self-enrollment"')
      .and.include('id="details-enrollment-key"').and.include('id="details-recertify"');
    const fields = { title: 'Settings course', summary: 'S', categoryId: String(category.id), status: 'published', selfEnrollment: 'true', enrollmentKey: 'sesame', recertifyAfterDays: '365', isTemplate: 'true', settings: 'true' };

    const bad = await t.post(url).set('Cookie', s.cookie).type('form').send({ ...fields, recertifyAfterDays: '0', _csrf: s.csrf });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.match(/<p class="field__error" id="details-recertify-error">.*Recertify after \(days\) must be a whole number/)
      .and.include('aria-describedby="details-recertify-hint details-recertify-error"');

    const saved = await t.post(url).set('Cookie', s.cookie).type('form').send({ ...fields, _csrf: s.csrf });
    expect(saved.status, saved.text).to.equal(303);
    const api = await expectStatus(as(t, manager).get(`/api/v1/courses/${String(course.id)}`), 200);
    expect(api).to.include({ categoryId: String(category.id), status: 'published', selfEnrollment: true, isTemplate: true, hasEnrollmentKey: true, recertifyAfterDays: 365 });

    await t.post(url).set('Cookie', s.cookie).type('form').send({ ...fields, status: 'archived', selfEnrollment: undefined, isTemplate: undefined, enrollmentKey: '', removeKey: 'true', recertifyAfterDays: '', _csrf: s.csrf });
    const after = await expectStatus(as(t, manager).get(`/api/v1/courses/${String(course.id)}`), 200);
    expect(after).to.include({ status: 'archived', selfEnrollment: false, isTemplate: false, hasEnrollmentKey: false, recertifyAfterDays: null });
  });

  it('creates a course from a template with the admin form, copying its sections and items; the list page has unique ids and labelled inputs', async () => {
    const { t, manager } = w;
    const s = await login(t, manager.email);
    const template = await createCourse(t, manager, { title: 'The template' }, false);
    await addItems(t, manager, template.id, ['1', '2']);
    await expectStatus(as(t, manager).patch(`/api/v1/courses/${String(template.id)}`, { isTemplate: true }), 200);
    const list = await t.get('/admin/courses').set('Cookie', s.cookie);
    expect(duplicateIds(list.text)).to.deep.equal([]);
    expect(list.text).to.include('<label for="create-title">').and.include('id="create-title" name="title"')
      .and.include(`<option value="${String(template.id)}">The template</option>`);
    const made = await t.post('/admin/courses').set('Cookie', s.cookie).type('form')
      .send({ title: 'From the template', code: 'FROM-TPL', summary: '', categoryId: '', templateId: String(template.id), _csrf: s.csrf });
    expect(made.status, made.text).to.equal(303);
    const row = await t.db('courses_courses').where({ code: 'FROM-TPL' }).first();
    const sections = await expectStatus(as(t, manager).get(`/api/v1/courses/${String(row.id)}/sections`), 200);
    const items = (sections.items as { items: { contentId: string }[] }[]).flatMap((x) => x.items.map((i) => i.contentId));
    expect({ templateId: String(row.template_id), items }).to.deep.equal({ templateId: String(template.id), items: ['doc:1', 'doc:2'] });
  });

  it('gives every element of the courses pages a unique id', async () => {
    const { t, manager } = w;
    const s = await login(t, manager.email);
    const category = await expectStatus(as(t, manager).post('/api/v1/categories', { name: 'Ids category' }), 201);
    const course = await createCourse(t, manager, { title: 'Ids course', categoryId: category.id });
    await addItems(t, manager, course.id, ['1', '2']);
    await addItems(t, manager, course.id, ['3']);
    const learner = await w.user('ids-learner', ['learner']);
    await enroll(t, manager, course.id, learner.id);
    const pages = ['/admin/courses', `/admin/courses/${String(course.id)}`, `/admin/courses/${String(course.id)}/enrollments`, '/admin/categories',
      `/admin/categories/${String(category.id)}`, '/courses', `/courses/${String(course.id)}`, '/my/courses', '/'];
    const found: Record<string, string[]> = {};
    for (const page of pages) {
      const res = await t.get(page).set('Accept', 'text/html').set('Cookie', s.cookie);
      expect(res.status, page).to.equal(200);
      found[page] = duplicateIds(res.text);
    }
    expect(found).to.deep.equal(Object.fromEntries(pages.map((p) => [p, []])));
  });
});
