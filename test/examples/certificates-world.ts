// A Lectern with auth, courses and the certificates example (loaded by its bundled name, as an
// organization would), plus a fixture plugin that gives courses some content to place as items; and
// the short-hands the certificates tests use to complete real courses through the courses API.
import { expect } from 'chai';
import { contribute, createTestApp, definePlugin, type Persona, type Plugin, type TestApp } from 'lectern';
import { contentSources, type ContentInfo } from 'lectern/courses';

const DOCS = new Map<string, ContentInfo>([['1', { id: '1', title: 'Fire safety basics', published: true }]]);

/** Content the courses can place: `doc:1`. */
export const contentFixture = definePlugin({
  name: 'certificate-fixtures', version: '1.0.0', core: '^1.0.0', dependsOn: ['courses'],
  contributes: [contribute(contentSources, {
    type: 'doc',
    async lookup(ids: string[]) {
      return new Map(ids.filter((id) => DOCS.has(id)).map((id) => [id, DOCS.get(id) as ContentInfo]));
    },
  })],
});

export const bootLectern = (extra: Plugin[] = []): Promise<TestApp> =>
  createTestApp({ plugins: ['auth', 'courses', 'certificates', 'maintenance', contentFixture, ...extra] });

type Body = Record<string, unknown>;

/** Expects `status` from a request, with the body in the failure message; returns the body. */
export async function expectStatus(req: PromiseLike<{ status: number; body: unknown }>, status: number): Promise<Body> {
  const res = await req;
  expect(res.status, JSON.stringify(res.body)).to.equal(status);
  return res.body as Body;
}

export interface CourseWithItem { id: string; title: string; itemId: string }

let courses = 0;
/** A published course with one required item, made by `admin`. */
export async function courseWithOneItem(admin: Persona, name?: string): Promise<CourseWithItem> {
  const n = (courses += 1);
  const title = name ?? `Course ${n}`;
  const course = await expectStatus(admin.post('/api/v1/courses').send({ title, code: `CERT-${n}` }), 201);
  const id = String(course.id);
  await expectStatus(admin.post(`/api/v1/courses/${id}/publish`), 200);
  const section = await expectStatus(admin.post(`/api/v1/courses/${id}/sections`).send({ title: 'Only section' }), 201);
  const item = await expectStatus(admin.post(`/api/v1/courses/${id}/sections/${String(section.id)}/items`).send({ contentId: 'doc:1', required: true }), 201);
  return { id, title, itemId: String(item.id) };
}

/** The `courseCompleted` payload of the completion the learner just made. */
export interface Completion { courseId: string; userId: string; cycle: number; completedAt: string; expiresAt: string | null }

/** Enrolls `learner` and completes the course's item as them, which completes the course. */
export async function complete(admin: Persona, learner: Persona, course: CourseWithItem): Promise<Completion> {
  const enrolled = await admin.post(`/api/v1/courses/${course.id}/enrollments`).send({ userId: learner.id });
  expect(enrolled.status, JSON.stringify(enrolled.body)).to.be.oneOf([200, 201]);
  const done = await expectStatus(learner.post(`/api/v1/courses/${course.id}/items/${course.itemId}/complete`).send({}), 201);
  expect(done.courseCompletedAt, 'the course is complete').to.be.a('string');
  return { courseId: course.id, userId: learner.id, cycle: Number(done.cycle), completedAt: String(done.courseCompletedAt), expiresAt: null };
}

/** The certificates of one learner in one course, straight from the table. */
export const certificateRows = (t: TestApp, c: { courseId: string; userId: string }) =>
  t.db('certificates_certificates').where({ course_id: c.courseId, user_id: c.userId }).select('id', 'code', 'cycle', 'rendered_at');
