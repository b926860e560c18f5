// Templates, sections and items: ordered sections with ordered items, items that place only known,
// published content, lookups that never cross into another course, and courses made from templates as
// independent deep copies (never a template of a template).
import { expect } from 'chai';
import { addItems, as, createCourse, expectStatus, useWorld } from './helpers';

type Section = { id: string; title: string; position: number; items: { id: string; title: string; contentId: string; required: boolean; position: number }[] };
const outline = (sections: Section[]) => sections.map((s) => [s.title, ...s.items.map((i) => `${i.title}${i.required ? '' : ' (optional)'}`)]);

describe('courses: templates, sections and items', () => {
  const w = useWorld();

  const sections = async (courseId: unknown, who = w.manager) =>
    (await expectStatus(as(w.t, who).get(`/api/v1/courses/${String(courseId)}/sections`), 200)).items as Section[];

  it('keeps sections and items in order as they are added, moved and removed', async () => {
    const m = as(w.t, w.manager);
    const course = await createCourse(w.t, w.manager);
    const base = `/api/v1/courses/${String(course.id)}/sections`;
    const intro = await expectStatus(m.post(base, { title: 'Intro' }), 201);
    const end = await expectStatus(m.post(base, { title: 'End' }), 201);
    const middle = await expectStatus(m.post(base, { title: 'Middle', position: 1 }), 201);
    const items = `${base}/${String(intro.id)}/items`;
    const first = await expectStatus(m.post(items, { contentId: 'doc:1' }), 201);
    await expectStatus(m.post(items, { contentId: 'doc:2', title: 'Renamed doc', required: false }), 201);
    await expectStatus(m.post(items, { contentId: 'doc:3', position: 0 }), 201);
    await expectStatus(m.patch(`${items}/${String(first.id)}`, { sectionId: middle.id }), 200);
    await expectStatus(m.patch(`${base}/${String(end.id)}`, { position: 0, title: 'Summary' }), 200);
    const learner = await w.user('reader', ['learner']);
    const seen = await sections(course.id, learner);
    await expectStatus(m.delete(`${base}/${String(middle.id)}`), 204);
    const after = await sections(course.id);
    expect({
      seen: outline(seen), positions: seen.map((s) => [s.position, ...s.items.map((i) => i.position)]),
      after: outline(after), afterPositions: after.map((s) => s.position),
    }).to.deep.equal({
      seen: [['Summary'], ['Intro', 'Doc 3', 'Renamed doc (optional)'], ['Middle', 'Doc 1']],
      positions: [[0], [1, 0, 1], [2, 0]],
      after: [['Summary'], ['Intro', 'Doc 3', 'Renamed doc (optional)']],
      afterPositions: [0, 1],
    });
  });

  it('places only known, published content, and never reaches into another course', async () => {
    const m = as(w.t, w.manager);
    const course = await createCourse(w.t, w.manager);
    const other = await createCourse(w.t, w.manager);
    const [item] = await addItems(w.t, w.manager, course.id, ['1']);
    await addItems(w.t, w.manager, other.id, ['2']);
    const [section] = await sections(course.id);
    const [otherSection] = await sections(other.id);
    const items = `/api/v1/courses/${String(course.id)}/sections/${section.id}/items`;
    const problems = async (contentId: string) => (await expectStatus(m.post(items, { contentId }), 400)).errors;
    expect({
      unknownType: await problems('video:1'),
      unknownContent: await problems('doc:404'),
      unpublished: await problems('doc:draft'),
      malformed: await problems('no-type'),
      itemViaOtherCourse: (await m.patch(`/api/v1/courses/${String(other.id)}/sections/${otherSection.id}/items/${item}`, { title: 'x' })).status,
      itemViaOtherSection: (await m.delete(`/api/v1/courses/${String(course.id)}/sections/${otherSection.id}/items/${item}`)).status,
      sectionOfOtherCourse: (await m.patch(`/api/v1/courses/${String(other.id)}/sections/${section.id}`, { title: 'x' })).status,
      moveToOtherCourse: (await expectStatus(m.patch(`${items}/${item}`, { sectionId: otherSection.id }), 400)).errors,
    }).to.deep.equal({
      unknownType: [{ path: 'body.contentId', message: 'has an unknown content type "video"' }],
      unknownContent: [{ path: 'body.contentId', message: 'is not known content' }],
      unpublished: [{ path: 'body.contentId', message: 'is not published' }],
      malformed: [{ path: 'body.contentId', message: `must match pattern "^[a-z][a-z0-9-]{0,39}:[^\\s:][^\\s]{0,199}$"` }],
      itemViaOtherCourse: 404,
      itemViaOtherSection: 404,
      sectionOfOtherCourse: 404,
      moveToOtherCourse: [{ path: 'body.sectionId', message: 'is not a section of this course' }],
    });
  });

  it('creates a course from a template as an independent deep copy of its sections, items and settings', async () => {
    const m = as(w.t, w.manager);
    const category = await expectStatus(m.post('/api/v1/categories', { name: 'Templates' }), 201);
    const template = await createCourse(w.t, w.manager, {
      title: 'Induction template', categoryId: category.id, summary: 'Standard induction', selfEnrollment: true, enrollmentKey: 'k', recertifyAfterDays: 90,
    }, false);
    await addItems(w.t, w.manager, template.id, ['1', '2'], ['2']);
    await addItems(w.t, w.manager, template.id, ['3']);
    await expectStatus(m.patch(`/api/v1/courses/${String(template.id)}`, { isTemplate: true }), 200);
    const copy = await expectStatus(m.post('/api/v1/courses', { title: 'Induction 2030', code: 'IND-2030', templateId: template.id }), 201);

    // Change both afterwards: neither change may reach the other.
    const [tplFirst] = await sections(template.id);
    await expectStatus(m.patch(`/api/v1/courses/${String(template.id)}/sections/${tplFirst.id}`, { title: 'Template only' }), 200);
    await expectStatus(m.delete(`/api/v1/courses/${String(template.id)}/sections/${tplFirst.id}/items/${tplFirst.items[0].id}`), 204);
    const [, copySecond] = await sections(copy.id);
    await expectStatus(m.post(`/api/v1/courses/${String(copy.id)}/sections/${copySecond.id}/items`, { contentId: 'doc:4' }), 201);

    // The copy counts its required items too: one done of three is no completion.
    const learner = await w.user('copy-learner');
    await expectStatus(m.post(`/api/v1/courses/${String(copy.id)}/publish`), 200);
    await expectStatus(m.post(`/api/v1/courses/${String(copy.id)}/enrollments`, { userId: learner.id }), 201);
    const firstItem = (await sections(copy.id))[0].items[0].id;
    const completed = await expectStatus(as(w.t, learner).post(`/api/v1/courses/${String(copy.id)}/items/${firstItem}/complete`), 201);

    const ids = async (courseId: unknown) => (await sections(courseId)).flatMap((s) => [`section ${s.id}`, ...s.items.map((i) => `item ${i.id}`)]);
    const copyIds = await ids(copy.id);
    const templateIds = await ids(template.id);
    expect({
      copy: [copy.title, copy.code, copy.summary, copy.categoryId, copy.selfEnrollment, copy.hasEnrollmentKey, copy.recertifyAfterDays, copy.isTemplate, copy.templateId, copy.status],
      copyOutline: outline(await sections(copy.id)),
      templateOutline: outline(await sections(template.id)),
      sharedIds: copyIds.filter((id) => templateIds.includes(id)),
      afterOneItem: completed.courseCompletedAt,
    }).to.deep.equal({
      copy: ['Induction 2030', 'IND-2030', 'Standard induction', String(category.id), true, true, 90, false, String(template.id), 'draft'],
      copyOutline: [['Section', 'Doc 1', 'Doc 2 (optional)'], ['Section', 'Doc 3', 'Doc 4']],
      templateOutline: [['Template only', 'Doc 2 (optional)'], ['Section', 'Doc 3']],
      sharedIds: [],
      afterOneItem: null,
    });
  });

  it('refuses a template that is not one, a template of a template, and enrollment into a template', async () => {
    const m = as(w.t, w.manager);
    const plain = await createCourse(w.t, w.manager);
    const template = await createCourse(w.t, w.manager, {}, false);
    await expectStatus(m.patch(`/api/v1/courses/${String(template.id)}`, { isTemplate: true }), 200);
    const fromTemplate = await expectStatus(m.post('/api/v1/courses', { title: 'From template', code: 'FROM-TPL', templateId: template.id }), 201);
    const learner = await w.user('learner');
    expect({
      notATemplate: (await expectStatus(m.post('/api/v1/courses', { title: 'x', code: 'NOT-TPL', templateId: plain.id }), 400)).errors,
      unknownTemplate: (await expectStatus(m.post('/api/v1/courses', { title: 'x', code: 'NO-TPL', templateId: '999999' }), 400)).errors,
      templateOfTemplate: (await expectStatus(m.patch(`/api/v1/courses/${String(fromTemplate.id)}`, { isTemplate: true }), 400)).errors,
      enrollIntoTemplate: (await m.post(`/api/v1/courses/${String(template.id)}/enrollments`, { userId: learner.id })).status,
      written: Number((await w.t.db('courses_courses').whereIn('code', ['NOT-TPL', 'NO-TPL']).count({ n: '*' }).first())?.n),
    }).to.deep.equal({
      notATemplate: [{ path: 'body.templateId', message: 'is not a template' }],
      unknownTemplate: [{ path: 'body.templateId', message: 'is not a course' }],
      templateOfTemplate: [{ path: 'body.isTemplate', message: 'a course made from a template cannot become one' }],
      enrollIntoTemplate: 409,
      written: 0,
    });
  });
});
