// Categories and courses: the nested category tree (no cycles), course creation and editing rules
// (unique codes, status changes), and the catalog — what learners and managers each see, search,
// filters and pagination.
import { expect } from 'chai';
import { as, createCourse, expectStatus, useWorld } from './helpers';
import type { Account } from '../auth/helpers';

describe('courses: categories, courses and the catalog', () => {
  const w = useWorld();

  it('nests, renames and moves categories, refuses cycles and duplicate sibling names, and deletes only empty ones', async () => {
    const m = as(w.t, w.manager);
    const root = await expectStatus(m.post('/api/v1/categories', { name: 'Safety' }), 201);
    const child = await expectStatus(m.post('/api/v1/categories', { name: 'Fire', parentId: root.id }), 201);
    const grandchild = await expectStatus(m.post('/api/v1/categories', { name: 'Extinguishers', parentId: child.id }), 201);
    const cycle = await expectStatus(m.patch(`/api/v1/categories/${String(root.id)}`, { parentId: grandchild.id }), 400);
    const self = await expectStatus(m.patch(`/api/v1/categories/${String(root.id)}`, { parentId: root.id }), 400);
    const duplicate = await expectStatus(m.post('/api/v1/categories', { name: 'fire', parentId: root.id }), 409);
    const unknownParent = await expectStatus(m.post('/api/v1/categories', { name: 'X', parentId: '999999' }), 400);
    await createCourse(w.t, w.manager, { categoryId: grandchild.id });
    const notEmpty = await expectStatus(m.delete(`/api/v1/categories/${String(child.id)}`), 409);
    const learner = await w.user('reader');
    const list = await expectStatus(as(w.t, learner).get(`/api/v1/categories?parentId=${String(root.id)}`), 200);
    expect({
      cycle: cycle.errors, self: self.errors, duplicate: duplicate.status, unknownParent: unknownParent.errors, notEmpty: notEmpty.status,
      children: (list.items as { name: string; parentId: string }[]).map((c) => [c.name, c.parentId]),
    }).to.deep.equal({
      cycle: [{ path: 'body.parentId', message: 'would make a cycle' }], self: [{ path: 'body.parentId', message: 'would make a cycle' }],
      duplicate: 409, unknownParent: [{ path: 'body.parentId', message: 'is not a category' }], notEmpty: 409,
      children: [['Fire', String(root.id)]],
    });
    const moved = await expectStatus(m.patch(`/api/v1/categories/${String(grandchild.id)}`, { name: 'Hoses', parentId: root.id }), 200);
    expect(moved).to.include({ id: grandchild.id, name: 'Hoses', parentId: root.id });
    const empty = await expectStatus(m.post('/api/v1/categories', { name: 'Empty' }), 201);
    await expectStatus(m.delete(`/api/v1/categories/${String(empty.id)}`), 204);
  });

  it('creates courses with unique codes (case-insensitive, 409, nothing written) and lists every bad field', async () => {
    const m = as(w.t, w.manager);
    const course = await expectStatus(m.post('/api/v1/courses', {
      title: 'Forklift basics', code: 'FORK-101', summary: 'Driving forklifts safely', selfEnrollment: true, enrollmentKey: 'lift', recertifyAfterDays: 365,
    }), 201);
    const duplicate = await expectStatus(m.post('/api/v1/courses', { title: 'Another', code: 'fork-101' }), 409);
    const bad = await expectStatus(m.post('/api/v1/courses', { title: ' ', code: 'has space', recertifyAfterDays: 0, colour: 'red' }), 400);
    const count = await w.t.db('courses_courses').whereRaw('lower(code) = ?', ['fork-101']).count({ n: '*' }).first();
    expect({
      course: { ...course, id: undefined, createdAt: undefined, updatedAt: undefined },
      duplicate: duplicate.detail, count: Number(count?.n),
      bad: [...new Set((bad.errors as { path: string }[]).map((e) => e.path))].sort(),
    }).to.deep.equal({
      course: {
        id: undefined, code: 'FORK-101', title: 'Forklift basics', summary: 'Driving forklifts safely', categoryId: null, status: 'draft',
        isTemplate: false, templateId: null, selfEnrollment: true, hasEnrollmentKey: true, recertifyAfterDays: 365,
        createdAt: undefined, updatedAt: undefined, publishedAt: null, archivedAt: null,
      },
      duplicate: 'a course with code "fork-101" already exists', count: 1,
      bad: ['body.code', 'body.colour', 'body.recertifyAfterDays', 'body.title'],
    });
  });

  it('edits, publishes, archives and deletes a course, and keeps courses with enrollment records', async () => {
    const m = as(w.t, w.manager);
    const course = await createCourse(w.t, w.manager, {}, false);
    const url = `/api/v1/courses/${String(course.id)}`;
    const other = await createCourse(w.t, w.manager, {}, false);
    const clash = await expectStatus(m.patch(url, { code: other.code as string }), 409);
    const edited = await expectStatus(m.patch(url, { title: 'Renamed', summary: 'New summary', recertifyAfterDays: null }), 200);
    const published = await expectStatus(m.post(`${url}/publish`), 200);
    const archived = await expectStatus(m.post(`${url}/archive`), 200);
    const learner = await w.user('enrolled');
    const enrollInArchived = await expectStatus(m.post(`${url}/enrollments`, { userId: learner.id }), 409);
    await expectStatus(m.patch(url, { status: 'published' }), 200);
    await expectStatus(m.post(`${url}/enrollments`, { userId: learner.id }), 201);
    const kept = await expectStatus(m.delete(url), 409);
    await expectStatus(m.delete(`/api/v1/courses/${String(other.id)}`), 204);
    const gone = await expectStatus(m.get(`/api/v1/courses/${String(other.id)}`), 404);
    expect({
      clash: clash.status, edited: [edited.title, edited.summary], published: [published.status, Boolean(published.publishedAt)],
      archived: [archived.status, Boolean(archived.archivedAt)], enrollInArchived: enrollInArchived.status, kept: kept.status, gone: gone.status,
    }).to.deep.equal({
      clash: 409, edited: ['Renamed', 'New summary'], published: ['published', true], archived: ['archived', true],
      enrollInArchived: 409, kept: 409, gone: 404,
    });
  });

  it('shows learners the published courses they may view, managers everything, with search, filters and pagination', async () => {
    const m = as(w.t, w.manager);
    const category = await expectStatus(m.post('/api/v1/categories', { name: 'Catalog test' }), 201);
    const published = [];
    for (const title of ['Zeta hazards', 'Alpha hazards', 'Mid hazards']) published.push(await createCourse(w.t, w.manager, { title, categoryId: category.id, summary: 'about hazards' }));
    const draft = await createCourse(w.t, w.manager, { title: 'Draft hazards', categoryId: category.id }, false);
    const template = await createCourse(w.t, w.manager, { title: 'Template hazards', categoryId: category.id });
    await expectStatus(m.patch(`/api/v1/courses/${String(template.id)}`, { isTemplate: true }), 200);

    const titles = async (who: Account, query: string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const body = await expectStatus(as(w.t, who).get(`/api/v1/courses?categoryId=${String(category.id)}&limit=2${query}${cursor ? `&cursor=${cursor}` : ''}`), 200);
        seen.push(...(body.items as { title: string }[]).map((c) => c.title));
        cursor = body.nextCursor as string | null;
      } while (cursor);
      return seen;
    };
    const learner = await w.user('catalog-learner', ['learner']);
    const nobody = await w.user('no-roles');
    const departmental = await w.user('departmental', ['learner'], { type: 'category', id: String(category.id) });
    expect({
      learner: await titles(learner, ''),
      learnerSearch: await titles(learner, '&q=ALPHA'),
      learnerDrafts: await titles(learner, '&status=draft'),
      departmental: await titles(departmental, ''),
      nobody: await titles(nobody, ''),
      manager: await titles(w.manager, ''),
      managerDrafts: await titles(w.manager, '&status=draft'),
      managerTemplates: await titles(w.manager, '&isTemplate=true'),
      draftForLearner: (await as(w.t, learner).get(`/api/v1/courses/${String(draft.id)}`)).status,
      sectionsOfDraftForLearner: (await as(w.t, learner).get(`/api/v1/courses/${String(draft.id)}/sections`)).status,
      badCursor: (await as(w.t, learner).get('/api/v1/courses?cursor=nonsense')).status,
    }).to.deep.equal({
      learner: ['Alpha hazards', 'Mid hazards', 'Zeta hazards'],
      learnerSearch: ['Alpha hazards'],
      learnerDrafts: [],
      departmental: ['Alpha hazards', 'Mid hazards', 'Zeta hazards'],
      nobody: [],
      manager: ['Alpha hazards', 'Draft hazards', 'Mid hazards', 'Template hazards', 'Zeta hazards'],
      managerDrafts: ['Draft hazards'],
      managerTemplates: ['Template hazards'],
      draftForLearner: 404,
      sectionsOfDraftForLearner: 404,
      badCursor: 400,
    });
  });

  it('moves a course between categories only with courses:manage (an unchanged category is no move), and category roles follow the course', async () => {
    const m = as(w.t, w.manager);
    const a = await expectStatus(m.post('/api/v1/categories', { name: 'Dept A' }), 201);
    const b = await expectStatus(m.post('/api/v1/categories', { name: 'Dept B' }), 201);
    const course = await createCourse(w.t, w.manager, { categoryId: a.id });
    const url = `/api/v1/courses/${String(course.id)}`;
    const teacherA = await w.user('teacher-a', ['instructor'], { type: 'category', id: String(a.id) });
    const before = (await as(w.t, teacherA).patch(url, { summary: 'edited by A', categoryId: a.id })).status;
    const moveByInstructor = (await as(w.t, teacherA).patch(url, { categoryId: b.id })).status;
    await expectStatus(m.patch(url, { categoryId: b.id }), 200);
    const after = (await as(w.t, teacherA).patch(url, { summary: 'edited by A again' })).status;
    expect([before, moveByInstructor, after]).to.deep.equal([200, 403, 403]);
  });
});
