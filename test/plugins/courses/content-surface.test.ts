// What courses offer a content plugin, used as one would: from a plugin that lists 'courses' in dependsOn,
// imports `lectern/courses` and contributes content sources. CourseDirectory.item and placements; items
// completed through the CourseProgress service; the course page linking items whose source has a view
// page (no "Mark complete" for them); and the section editor choosing among the sources' published content.
import { expect } from 'chai';
import { contribute, definePlugin, type PluginContext } from 'lectern';
import { contentSources, CourseDirectoryRef, CourseProgressRef, type ContentInfo, type ContentSource } from 'lectern/courses';
import { login } from '../auth/helpers';
import { addItems, as, createCourse, enroll, eventNames, expectStatus, useWorld } from './helpers';

/** A source of content that knows `ids`; `offered` is what it offers editors (possibly stale). */
function source(type: string, known: ContentInfo[], offered: ContentInfo[], limits: number[]): ContentSource {
  const byId = new Map(known.map((c) => [c.id, c]));
  return {
    type,
    async lookup(ids) {
      return new Map(ids.filter((id) => byId.has(id)).map((id) => [id, byId.get(id) as ContentInfo]));
    },
    async published(_ctx, { limit }) {
      limits.push(limit);
      return offered.slice(0, limit);
    },
  };
}

const video = { id: '7', title: 'Evacuation <video>', published: true };
const hidden = { id: '8', title: 'Unfinished video', published: false };
const map = { id: '1', title: 'Fire exits map', published: true };
/** Offered to editors, then unpublished before they chose it. */
const withdrawn = { id: '2', title: 'Withdrawn checklist', published: true };

const limits: number[] = [];
let consumer: PluginContext;
const contentPlugin = definePlugin({
  name: 'content-consumer', version: '1.0.0', core: '^1.0.0', dependsOn: ['courses'],
  contributes: [
    contribute(contentSources, {
      ...source('media', [video, hidden], [video], limits),
      viewPath: (courseId: string, itemId: string) => `/courses/${courseId}/items/${itemId}/view`,
    }),
    contribute(contentSources, source('link', [map, { ...withdrawn, published: false }], [map, withdrawn], limits)),
  ],
  async start(ctx) {
    consumer = ctx;
  },
});

describe('courses: the surface for content plugins', () => {
  const w = useWorld({ plugins: [contentPlugin] });
  const directory = () => consumer.resolve(CourseDirectoryRef);
  const progress = () => consumer.resolve(CourseProgressRef);
  const statusOf = (p: Promise<unknown>) => p.then(() => 'ok', (err: { status?: number }) => err.status);

  it('tells one item of one course (null for another course\'s item), and where content is placed, templates left out', async () => {
    const m = as(w.t, w.manager);
    const zulu = await createCourse(w.t, w.manager, { title: 'Zulu drill' });
    const alpha = await createCourse(w.t, w.manager, { title: 'Alpha drill' }, false);
    const template = await createCourse(w.t, w.manager, { title: 'Drill template' }, false);
    await expectStatus(m.patch(`/api/v1/courses/${String(template.id)}`, { isTemplate: true }), 200);
    const [zuluFive, zuluSix] = await addItems(w.t, w.manager, zulu.id, ['5', '6'], ['6']);
    const [alphaFive] = await addItems(w.t, w.manager, alpha.id, ['5']);
    await addItems(w.t, w.manager, template.id, ['5', '6']);
    const [section] = (await expectStatus(m.get(`/api/v1/courses/${String(zulu.id)}/sections`), 200)).items as { id: string }[];
    const [zuluId, alphaId] = [String(zulu.id), String(alpha.id)];

    expect({
      item: await directory().item(zuluId, zuluSix),
      otherCourse: await directory().item(alphaId, zuluFive),
      unknown: await directory().item(zuluId, '999999'),
      malformed: [await directory().item('x', zuluFive), await directory().item(zuluId, '0'), await directory().item(zuluId, '1 or 1=1')],
      placements: await directory().placements(['doc:5', 'doc:6', 'doc:5', 'doc:404', 'not an id', '']),
      none: await directory().placements([]),
    }).to.deep.equal({
      item: {
        courseId: zuluId, itemId: zuluSix, sectionId: section.id, title: 'Doc 6', contentId: 'doc:6', required: false,
        courseStatus: 'published', isTemplate: false,
      },
      otherCourse: null,
      unknown: null,
      malformed: [null, null, null],
      placements: [
        { contentId: 'doc:5', courseId: alphaId, itemId: alphaFive, courseTitle: 'Alpha drill', courseCode: alpha.code, courseStatus: 'draft' },
        { contentId: 'doc:5', courseId: zuluId, itemId: zuluFive, courseTitle: 'Zulu drill', courseCode: zulu.code, courseStatus: 'published' },
        { contentId: 'doc:6', courseId: zuluId, itemId: zuluSix, courseTitle: 'Zulu drill', courseCode: zulu.code, courseStatus: 'published' },
      ],
      none: [],
    });
  });

  it('completes items through CourseProgress as the API does: once, the course with its last required item, 403 and 404 as the route', async () => {
    const course = await createCourse(w.t, w.manager);
    const other = await createCourse(w.t, w.manager);
    const [first, second, optional] = await addItems(w.t, w.manager, course.id, ['1', '2', '3'], ['3']);
    const [otherItem] = await addItems(w.t, w.manager, other.id, ['1']);
    const [learner, stranger] = [await w.user('viewer'), await w.user('stranger', ['learner'])];
    await enroll(w.t, w.manager, course.id, learner.id);
    const courseId = String(course.id);
    const complete = (itemId: string, userId = learner.id, more = {}) => progress().completeItem({ courseId, itemId, userId, ...more });
    const from = w.events.length;

    const once = await complete(first, learner.id, { score: 75, ip: '203.0.113.9' });
    const again = await complete(first);
    const extra = await complete(optional);
    const last = await complete(second);
    const api = await expectStatus(as(w.t, learner).post(`/api/v1/courses/${courseId}/items/${first}/complete`), 200);
    const audit = await w.t.db('core_audit').where({ action: 'courses.item.complete', actor_id: learner.id }).orderBy('id').first('target_id', 'ip', 'details');
    expect({
      once, again, extra: [extra.recorded, extra.courseCompletedAt], last: [last.recorded, last.courseCompletedAt], api,
      events: eventNames(w.events, from), audit,
      refused: {
        stranger: await statusOf(complete(first, stranger.id)),
        otherIdentity: await statusOf(complete(first, 'sso:ann')),
        unknownCourse: await statusOf(complete(first, learner.id, { courseId: '999999' })),
        unknownItem: await statusOf(complete('999999')),
        malformedItem: await statusOf(complete('first')),
        otherCourseItem: await statusOf(complete(otherItem)),
        score: await statusOf(complete(first, learner.id, { score: 101 })),
      },
    }).to.deep.equal({
      once: { recorded: true, cycle: 1, completedAt: '2030-01-01T09:00:00.000Z', score: 75, courseCompletedAt: null },
      again: { recorded: false, cycle: 1, completedAt: '2030-01-01T09:00:00.000Z', score: 75, courseCompletedAt: null },
      extra: [true, null],
      last: [true, '2030-01-01T09:00:00.000Z'],
      api: { courseId, itemId: first, cycle: 1, completedAt: '2030-01-01T09:00:00.000Z', score: 75, courseCompletedAt: '2030-01-01T09:00:00.000Z' },
      events: ['courses.itemCompleted', 'courses.itemCompleted', 'courses.itemCompleted', 'courses.courseCompleted'],
      audit: { target_id: courseId, ip: '203.0.113.9', details: { itemId: first, cycle: 1, score: 75 } },
      refused: { stranger: 403, otherIdentity: 403, unknownCourse: 403, unknownItem: 404, malformedItem: 404, otherCourseItem: 404, score: 400 },
    });
  });

  it('links an item whose source has a view page from the course page, with no "Mark complete" for it, and shows it done once opened', async () => {
    const course = await createCourse(w.t, w.manager);
    const courseId = String(course.id);
    const section = await expectStatus(as(w.t, w.manager).post(`/api/v1/courses/${courseId}/sections`, { title: 'Watch and read' }), 201);
    const add = async (contentId: string) => String((await expectStatus(
      as(w.t, w.manager).post(`/api/v1/courses/${courseId}/sections/${String(section.id)}/items`, { contentId }), 201)).id);
    const [watched, read] = [await add('media:7'), await add('doc:1')];
    const learner = await w.user('watcher', ['learner']);
    await enroll(w.t, w.manager, courseId, learner.id);
    const s = await login(w.t, learner.email);
    const itemHtml = async (itemId: string) => {
      const page = await w.t.get(`/courses/${courseId}`).set('Cookie', s.cookie);
      expect(page.status).to.equal(200);
      return new RegExp(`<li id="item-${itemId}"[\\s\\S]*?</li>`).exec(page.text)?.[0] ?? '';
    };

    const before = [await itemHtml(watched), await itemHtml(read)];
    await progress().completeItem({ courseId, itemId: watched, userId: learner.id });
    const after = await itemHtml(watched);
    expect(before[0]).to.include(`<a href="/courses/${courseId}/items/${watched}/view">Evacuation &lt;video&gt;</a>`)
      .and.not.include('/complete').and.not.include('Mark complete');
    expect(before[1]).to.include(`action="/courses/${courseId}/items/${read}/complete"`).and.not.include('<a ');
    expect(after).to.include('<a href=').and.include('badge--done');
  });

  it('lets an editor choose the content of a new item among the published content the sources offer, grouped by source', async () => {
    const course = await createCourse(w.t, w.manager, {}, false);
    const base = `/admin/courses/${String(course.id)}`;
    const section = await expectStatus(as(w.t, w.manager).post(`/api/v1/courses/${String(course.id)}/sections`, { title: 'Basics' }), 201);
    const sectionId = String(section.id);
    const s = await login(w.t, w.manager.email);
    const post = (body: Record<string, string>) =>
      w.t.post(`${base}/sections/${sectionId}/items`).set('Cookie', s.cookie).type('form').send({ title: '', required: 'true', ...body, _csrf: s.csrf });
    const select = (html: string) => new RegExp(`<select id="add-item-${sectionId}-content"[\\s\\S]*?</select>`).exec(html)?.[0] ?? '';
    limits.length = 0;

    const editor = await w.t.get(base).set('Cookie', s.cookie);
    const chooser = select(editor.text);
    expect(chooser).to.match(new RegExp(`^<select id="add-item-${sectionId}-content" name="contentId" required aria-describedby="add-item-${sectionId}-content-hint">`));
    expect([...chooser.matchAll(/<optgroup label="([^"]+)">|<option value="([^"]*)"( selected)?>([^<]*)/g)].map((m) => m[1] ?? `${m[2]}=${m[4]}${m[3] ?? ''}`))
      .to.deep.equal(['=Choose content', 'media', 'media:7=Evacuation &lt;video&gt;', 'link', 'link:1=Fire exits map', 'link:2=Withdrawn checklist']);
    expect(editor.text).to.include(`<label for="add-item-${sectionId}-content">Content</label>`).and.not.include(`<input id="add-item-${sectionId}-content"`);
    expect(limits, 'two sources share the 200 choices').to.deep.equal([100, 100]);

    const added = await post({ contentId: 'media:7' });
    expect([added.status, added.headers.location]).to.deep.equal([303, `${base}?done=item-added`]);
    const none = await post({ contentId: '' });
    const stale = await post({ contentId: 'link:2' });
    expect([none.status, stale.status]).to.deep.equal([400, 400]);
    expect(select(none.text)).to.include('aria-invalid="true"').and.include(`aria-describedby="add-item-${sectionId}-content-hint add-item-${sectionId}-content-error"`);
    expect(none.text).to.include(`<p class="field__error" id="add-item-${sectionId}-content-error"><span class="visually-hidden">Error: </span>Content is required</p>`);
    expect(stale.text).to.include('content link:2 is not published').and.include('Content is not published');
    expect(select(stale.text)).to.include('aria-invalid="true"').and.include('<option value="link:2" selected>').and.not.include('<option value="link:1" selected>');

    const [basics] = (await expectStatus(as(w.t, w.manager).get(`/api/v1/courses/${String(course.id)}/sections`), 200)).items as { items: { contentId: string; title: string; required: boolean }[] }[];
    expect(basics.items.map((i) => [i.contentId, i.title, i.required])).to.deep.equal([['media:7', 'Evacuation <video>', true]]);
  });
});
