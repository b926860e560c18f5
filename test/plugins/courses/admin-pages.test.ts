// The courses admin pages through a real app and browser credentials (session cookie + _csrf field):
// the course editor's section and item forms, the category tree, a course's enrollments (one by email,
// cohorts, the CSV upload's API call), the learner navigation, and learners refused. Every form writes
// through the same action as the JSON API, so the API shows what a form did; a mistake shows the form
// again with the message and writes nothing.
import { expect } from 'chai';
import type { TestApp } from 'lectern';
import { login } from '../auth/helpers';
import { as, createCourse, expectStatus, useWorld } from './helpers';

type Session = { cookie: string; csrf: string };
type Section = { id: string; title: string; items: { id: string; title: string; required: boolean }[] };

/** Posts a form as the signed-in person, with their _csrf. */
const form = (t: TestApp, s: Session, url: string, body: Record<string, string> = {}) =>
  t.post(url).set('Cookie', s.cookie).type('form').send({ ...body, _csrf: s.csrf });

describe('courses admin pages', () => {
  const w = useWorld();

  const sections = async (courseId: unknown) =>
    (await expectStatus(as(w.t, w.manager).get(`/api/v1/courses/${String(courseId)}/sections`), 200)).items as Section[];
  const outline = (list: Section[]) => list.map((s) => [s.title, ...s.items.map((i) => `${i.title}${i.required ? '' : ' (optional)'}`)]);

  it('arranges sections and items with the editor forms; a bad content id or a blank title shows the form again and writes nothing', async () => {
    const { t, manager } = w;
    const s = await login(t, manager.email);
    const course = await createCourse(t, manager, {}, false);
    const base = `/admin/courses/${String(course.id)}`;
    const post = (path: string, body: Record<string, string> = {}) => form(t, s, `${base}${path}`, body);

    expect((await post('/sections', { title: 'Basics' })).status).to.equal(303);
    expect((await post('/sections', { title: 'Advanced' })).status).to.equal(303);
    const [basics, advanced] = await sections(course.id);
    const added = await post(`/sections/${basics.id}/items`, { contentId: 'doc:1', title: '', required: 'true' });
    expect([added.status, added.headers.location]).to.deep.equal([303, `${base}?done=item-added`]);
    expect((await post(`/sections/${basics.id}/items`, { contentId: 'doc:2', title: 'Second reading' })).status).to.equal(303);

    const unknown = await post(`/sections/${basics.id}/items`, { contentId: 'doc:404', title: 'Lost', required: 'true' });
    const malformed = await post(`/sections/${basics.id}/items`, { contentId: 'no type', title: '' });
    const blank = await post(`/sections/${advanced.id}`, { title: '  ' });
    expect([unknown.status, malformed.status, blank.status]).to.deep.equal([400, 400, 400]);
    expect(unknown.text).to.include('content doc:404 does not exist').and.include('Content is not known content')
      .and.include('value="doc:404"').and.include('value="Lost"');
    expect(malformed.text).to.include('Content must be &lt;type&gt;:&lt;id&gt;, e.g. content:42').and.include('e.g. content:42.</p>');
    expect(blank.text).to.match(/<p class="field__error" id="section-\d+-title-error">.*Section title is required/);
    expect(outline(await sections(course.id))).to.deep.equal([['Basics', 'Doc 1', 'Second reading (optional)'], ['Advanced']]);

    const [first, second] = (await sections(course.id))[0].items;
    for (const [path, body] of [
      [`/sections/${advanced.id}`, { title: 'Expert' }],
      [`/sections/${advanced.id}/move`, { direction: 'up' }],
      [`/sections/${basics.id}/items/${second.id}`, { title: 'Reading 2', required: 'true' }],
      [`/sections/${basics.id}/items/${second.id}/move`, { direction: 'up' }],
      [`/sections/${basics.id}/items/${first.id}`, { title: 'Doc 1' }],
    ] as const) expect((await post(path, body)).status, path).to.equal(303);
    const arranged = outline(await sections(course.id));
    expect((await post(`/sections/${basics.id}/items/${first.id}/delete`)).headers.location).to.equal(`${base}?done=item-deleted`);
    expect((await post(`/sections/${advanced.id}/delete`)).status).to.equal(303);
    const page = await t.get(`${base}?done=section-deleted`).set('Cookie', s.cookie);
    const row = await t.db('courses_courses').where({ id: course.id }).first('required_items');
    expect({ arranged, after: outline(await sections(course.id)), requiredItems: row.required_items }).to.deep.equal({
      arranged: [['Expert'], ['Basics', 'Reading 2', 'Doc 1 (optional)']],
      after: [['Basics', 'Reading 2']],
      requiredItems: 1,
    });
    expect(page.text).to.include('The section and its items are deleted.').and.include(`action="${base}/sections/${basics.id}/items/${second.id}"`)
      .and.include(`href="${base}/enrollments"`);
  });

  it('builds the category tree with the forms; a move into its own subtree gets the API\'s 400 on the form, and only an empty category goes', async () => {
    const { t, manager } = w;
    const s = await login(t, manager.email);
    const idOf = async (name: string) => String((await t.db('courses_categories').where({ name }).first('id')).id);
    expect((await form(t, s, '/admin/categories', { name: 'Safety', parentId: '' })).headers.location).to.equal('/admin/categories?done=created');
    const safety = await idOf('Safety');
    expect((await form(t, s, '/admin/categories', { name: 'Fire', parentId: safety })).status).to.equal(303);
    const fire = await idOf('Fire');
    const blank = await form(t, s, '/admin/categories', { name: ' ', parentId: '' });
    expect([blank.status, blank.text.includes('Fill in the name.')]).to.deep.equal([400, true]);

    const api = await expectStatus(as(t, manager).patch(`/api/v1/categories/${safety}`, { parentId: fire }), 400);
    const cycle = await form(t, s, `/admin/categories/${safety}`, { name: 'Safety', parentId: fire });
    expect(cycle.status).to.equal(400);
    expect(cycle.text).to.include(String(api.detail)).and.include('Parent would make a cycle').and.include('aria-invalid="true"');
    expect((await t.db('courses_categories').where({ id: safety }).first('parent_id')).parent_id).to.equal(null);
    expect((await form(t, s, '/admin/categories', { name: 'Health', parentId: '' })).status).to.equal(303);
    const health = await idOf('Health');
    const chooser = (await t.get(`/admin/categories/${safety}`).set('Cookie', s.cookie)).text;
    expect({ child: chooser.includes(`<option value="${fire}"`), self: chooser.includes(`<option value="${safety}"`), other: chooser.includes(`<option value="${health}"`) },
      'a category cannot be moved under itself or its children, so the chooser does not offer them').to.deep.equal({ child: false, self: false, other: true });
    const firstAid = await createCourse(t, manager, { title: 'First aid', categoryId: health }, false);
    const healthPage = (await t.get(`/admin/categories/${health}`).set('Cookie', s.cookie)).text;
    expect(healthPage, 'the category page lists its courses').to.include(`<a href="/admin/courses/${String(firstAid.id)}">First aid</a>`);

    expect((await form(t, s, `/admin/categories/${fire}`, { name: 'Fire drills', parentId: safety })).headers.location).to.equal(`/admin/categories/${fire}?done=saved`);
    const tree = await t.get('/admin/categories').set('Cookie', s.cookie);
    expect(tree.text).to.match(new RegExp(`<li><a href="/admin/categories/${safety}">Safety</a>\\s*<ul>\\s*<li><a href="/admin/categories/${fire}">Fire drills</a>`));
    const full = await form(t, s, `/admin/categories/${safety}/delete`);
    expect([full.status, full.text.includes(`category ${safety} still holds categories; move or delete them first`)]).to.deep.equal([409, true]);
    expect((await form(t, s, `/admin/categories/${fire}/delete`)).headers.location).to.equal('/admin/categories?done=deleted');
    expect((await form(t, s, `/admin/categories/${safety}/delete`)).status).to.equal(303);
    expect(await t.db('courses_categories').whereIn('id', [safety, fire]).count({ n: '*' }).first()).to.deep.equal({ n: 0 });
  });

  it('enrolls by email, filters and unenrolls, links and unlinks a cohort, and starts the CSV import; mistakes show the form again', async () => {
    const { t, manager } = w;
    const s = await login(t, manager.email);
    const course = await createCourse(t, manager);
    const base = `/admin/courses/${String(course.id)}/enrollments`;
    const [ann, bob, cid] = [await w.user('ann'), await w.user('bob'), await w.user('cid')];
    const rows = async () => Number((await t.db('courses_enrollments').where({ course_id: course.id }).count({ n: '*' }).first())?.n);

    const enrolled = await form(t, s, base, { email: ann.email.toUpperCase(), role: 'instructor', dueAt: '2030-02-01' });
    expect(enrolled.headers.location).to.equal(`${base}?done=enrolled`);
    expect((await form(t, s, base, { email: bob.email, role: 'learner', dueAt: '' })).status).to.equal(303);
    const nobody = await form(t, s, base, { email: 'nobody@example.com', role: 'learner', dueAt: '' });
    const badDate = await form(t, s, base, { email: cid.email, role: 'learner', dueAt: '31/01/2030' });
    expect([nobody.status, badDate.status, await rows()]).to.deep.equal([400, 400, 2]);
    expect(nobody.text).to.include('Email of the account belongs to no account you can enroll').and.include('value="nobody@example.com"');
    expect(badDate.text).to.include('Due date (optional) must be a date, e.g. 2030-01-31');

    const api = await expectStatus(as(t, manager).get(`/api/v1/courses/${String(course.id)}/enrollments`), 200);
    expect((api.items as { userId: string; role: string; dueAt: string | null }[]).map((e) => [e.userId, e.role, e.dueAt]))
      .to.deep.equal([[ann.id, 'instructor', '2030-02-01T00:00:00.000Z'], [bob.id, 'learner', null]]);
    const instructors = await t.get(`${base}?role=instructor`).set('Cookie', s.cookie);
    expect(instructors.text).to.include(ann.email).and.not.include(bob.email);
    expect((await form(t, s, `${base}/${bob.id}/unenroll`)).headers.location).to.equal(`${base}?done=unenrolled`);
    const gone = await t.get(`${base}?status=unenrolled&q=${encodeURIComponent(bob.email.slice(0, 5).toUpperCase())}`).set('Cookie', s.cookie);
    expect(gone.text).to.include(bob.email).and.include('Unenrolled').and.not.include(ann.email);
    const nobodyFound = await t.get(`${base}?q=${encodeURIComponent('%')}`).set('Cookie', s.cookie);
    expect([nobodyFound.text.includes(bob.email), nobodyFound.text.includes(ann.email), nobodyFound.text.includes('value="%"')], 'wildcards are literal').to.deep.equal([false, false, true]);

    const cohort = await expectStatus(as(t, w.admin).post('/api/v1/cohorts', { name: 'Night shift' }), 201);
    await expectStatus(as(t, w.admin).put(`/api/v1/cohorts/${String(cohort.id)}/members/${cid.id}`), 204);
    const noCohort = await form(t, s, `${base}/cohort`, { cohortId: '', dueAt: '' });
    expect([noCohort.status, noCohort.text.includes('Choose a cohort.')]).to.deep.equal([400, true]);
    const linked = await form(t, s, `${base}/cohort`, { cohortId: String(cohort.id), dueAt: '2030-03-01' });
    expect(linked.headers.location).to.match(new RegExp(`^${base}\\?done=cohort-linked&job=.+`));
    await t.jobs.drain();
    const jobId = new URL(String(linked.headers.location), 'http://x').searchParams.get('job') as string;
    const job = await expectStatus(as(t, manager).get(`/api/v1/jobs/${encodeURIComponent(jobId)}`), 200);
    expect([job.state, job.progress], 'a finished cohort enrollment job is complete').to.deep.equal(['completed', 100]);
    const jobPage = await t.get(`/jobs/${encodeURIComponent(jobId)}`).set('Cookie', s.cookie);
    expect([jobPage.status, jobPage.text.includes('<progress max="100" value="100"')]).to.deep.equal([200, true]);
    const shown = await t.get(String(linked.headers.location)).set('Cookie', s.cookie);
    expect(shown.text).to.include('Started job').and.include('Night shift').and.include(cid.email);
    expect((await form(t, s, `${base}/cohorts/${String(cohort.id)}/unlink`)).headers.location).to.equal(`${base}?done=cohort-unlinked`);
    expect(await t.db('courses_cohort_links').where({ course_id: course.id }).first()).to.equal(undefined);

    // The upload form's script sends the file to the import API with the session and its CSRF token.
    const page = await t.get(base).set('Cookie', s.cookie);
    expect(page.text).to.include(`data-action="/api/v1/courses/${String(course.id)}/enrollments/import"`).and.include(`data-csrf="${s.csrf}"`);
    const upload = await t.post(`/api/v1/courses/${String(course.id)}/enrollments/import`).set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf)
      .set('Content-Type', 'text/csv').send(`email\n${bob.email}\n`);
    expect(upload.status).to.equal(202);
    await t.jobs.drain();
    expect((await t.db('courses_enrollments').where({ course_id: course.id, user_id: bob.id }).first()).status).to.equal('active');
  });

  it('puts the catalog and my courses in a learner\'s navigation, and refuses them the admin pages and forms (403), writing nothing', async () => {
    const { t, manager } = w;
    const course = await createCourse(t, manager);
    const learner = await w.user('learner', ['learner']);
    const ls = await login(t, learner.email);
    const ms = await login(t, manager.email);
    const navOf = (html: string) => [.../<nav class="site-nav"[\s\S]*?<\/nav>/.exec(html)?.[0].matchAll(/href="([^"]+)"/g) ?? []].map((m) => m[1]);
    const base = `/admin/courses/${String(course.id)}`;
    expect({
      learnerNav: navOf((await t.get('/my/courses').set('Cookie', ls.cookie)).text),
      managerNav: navOf((await t.get('/courses').set('Cookie', ms.cookie)).text),
      pages: [(await t.get('/admin/categories').set('Cookie', ls.cookie)).status, (await t.get(`${base}/enrollments`).set('Cookie', ls.cookie)).status],
      forms: [
        (await form(t, ls, '/admin/categories', { name: 'Mine', parentId: '' })).status,
        (await form(t, ls, `${base}/sections`, { title: 'Mine' })).status,
        (await form(t, ls, `${base}/enrollments`, { email: learner.email, role: 'instructor', dueAt: '' })).status,
      ],
      written: [
        await t.db('courses_categories').where({ name: 'Mine' }).first(),
        await t.db('courses_sections').where({ course_id: course.id }).first(),
        await t.db('courses_enrollments').where({ course_id: course.id }).first(),
      ],
    }).to.deep.equal({
      learnerNav: ['/', '/courses', '/my/courses'],
      managerNav: ['/', '/courses', '/my/courses', '/admin/courses', '/admin/categories'],
      pages: [403, 403],
      forms: [403, 403, 403],
      written: [undefined, undefined, undefined],
    });
  });
});
