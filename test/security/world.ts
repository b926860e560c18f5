// The Lectern the security tests attack: auth, courses, content, reporting, maintenance, support, privacy, the certificates and hello examples, and
// one world of objects built through the API — two courses with their instructors, learners, sections,
// items placing a published content page, an objective it covers, a cohort, a category, a role, an
// assignment, a job, a certificate, a session, a token, a planned maintenance window, a backup, a support ticket, a help article and a privacy request.
// Routes are requested with their path parameters filled by name from this world, and with bodies
// and queries sampled from their own schemas, so a new route is covered without editing the tests.
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { createTestApp, type Persona, type TestApp } from 'lectern';
import { account, login, type Account } from '../plugins/auth/helpers';
import { expectStatus } from '../examples/certificates-world';

type Json = Record<string, unknown>;

export interface World {
  t: TestApp;
  /** Administrator (system role admin), acting through the test identity header. */
  ada: Persona;
  /** An administrator with a password, a session (`cookie`, `csrf`) and an API token, who owns the world's
   *  personal objects: that session and token, the job, and a certificate of course A. */
  cora: Account & { cookie: string; csrf: string };
  /** Instructor of course A. */
  ian: Persona;
  /** Instructor of course B only. */
  bea: Persona;
  /** A learner of course A, with no role anywhere else. */
  lou: Persona;
  /** The account the user, enrollment, cohort and assignment routes act on (a learner of course A). */
  sam: Persona;
  /** Signed in, with no role and nothing of its own. */
  nik: Persona;
  /** Course A (the target) and its objects; `otherCourse` is B, taught by bea. `content` is the page both courses place. */
  ids: Record<'course' | 'section' | 'item' | 'otherCourse' | 'category' | 'cohort' | 'role' | 'assignment' | 'job'
    | 'greeting' | 'certificate' | 'certificateCode' | 'session' | 'token' | 'content' | 'objective' | 'schedule' | 'window' | 'backup'
    | 'ticket' | 'article' | 'articleSlug' | 'request', string>;
}

/** Boots the app and builds the world; about two seconds. */
export async function buildWorld(): Promise<World> {
  // Approvers may publish what they submitted: the world has one administrator to act, and the rule has its own tests.
  const t = await createTestApp({ plugins: ['auth', 'courses', 'certificates', 'content', 'reporting', 'hello-plugin', 'maintenance', 'support', 'privacy'], settings: { content: { allowSelfApproval: true } } });
  const ada = await t.persona('ada', 'admin');
  const [ian, bea, lou, sam, nik] = await Promise.all(['ian', 'bea', 'lou', 'sam', 'nik'].map((n) => t.persona(n)));
  const owner = await account(t, 'cora@example.test', ['admin']);
  const ok = async (req: PromiseLike<{ status: number; body: unknown }>, status = 201) => String((await expectStatus(req, status)).id ?? '');

  const objective = await ok(ada.post('/api/v1/objectives').send({ code: 'SAF-1', title: 'Know the exits' }));
  // Completed by "done", so each delivery route has something to answer for it.
  const content = await ok(ada.post('/api/v1/content').send({ type: 'page', title: 'Exits', body: 'Know them.', completeWhen: 'done', objectiveIds: [objective] }));
  await expectStatus(ada.post(`/api/v1/content/${content}/submit`), 200);
  await expectStatus(ada.post(`/api/v1/content/${content}/approve`), 200);
  const category = await ok(ada.post('/api/v1/categories').send({ name: 'Safety' }));
  const course = await ok(ada.post('/api/v1/courses').send({ title: 'Fire safety', code: 'FIRE', categoryId: category }));
  const otherCourse = await ok(ada.post('/api/v1/courses').send({ title: 'First aid', code: 'AID' }));
  const sections: string[] = [];
  for (const id of [course, otherCourse]) {
    await expectStatus(ada.post(`/api/v1/courses/${id}/publish`), 200);
    const section = await ok(ada.post(`/api/v1/courses/${id}/sections`).send({ title: 'Basics' }));
    await ok(ada.post(`/api/v1/courses/${id}/sections/${section}/items`).send({ contentId: `content:${content}`, required: true }));
    sections.push(section);
  }
  const [{ id: item }] = await t.db('courses_items').where({ section_id: sections[0] }).select('id');
  const enroll = (courseId: string, userId: string, role: string) =>
    expectStatus(ada.post(`/api/v1/courses/${courseId}/enrollments`).send({ userId, role }), 201);
  await enroll(course, ian.id, 'instructor');
  await enroll(otherCourse, bea.id, 'instructor');
  for (const p of [lou, sam, { id: owner.id }]) await enroll(course, p.id, 'learner');

  const cohort = await ok(ada.post('/api/v1/cohorts').send({ name: 'Team A' }));
  await expectStatus(ada.put(`/api/v1/cohorts/${cohort}/members/${sam.id}`), 204);
  const linked = await expectStatus(t.as(owner.id).post(`/api/v1/courses/${course}/enrollments/cohort`).send({ cohortId: cohort }), 202);
  const role = 'auditor';
  await expectStatus(ada.post('/api/v1/roles').send({ key: role, name: 'Auditor', permissions: ['courses:view'] }), 201);
  const assignment = await ok(ada.post('/api/v1/role-assignments').send({ userId: sam.id, role, context: { type: 'system' } }));
  const greeting = await ok(ada.post('/api/v1/hello/greetings').send({ message: 'Welcome' }));
  const schedule = await ok(ada.post('/api/v1/reports/schedules').send({ report: 'compliance', cron: '0 6 * * 1', recipients: ['reports@example.test'] }));
  // A support ticket cora opened (the owner pass reads and answers it as its requester).
  const ticket = await ok(t.as(owner.id).post('/api/v1/support/tickets').send({ subject: 'Cannot sign in', body: 'Help' }));
  const window = await ok(ada.post('/api/v1/system/maintenance/windows').send({ startsAt: WINDOW_START, endsAt: WINDOW_END }));
  // For learners only: a help manager (cora) reads it, a person with no role (nik) is refused it.
  const article = await ok(ada.post('/api/v1/help/articles').send({ kind: 'guide', title: 'Exits', slug: 'exits', body: 'Know the exits.', roles: ['learner'], pages: ['/courses/:id'] }));
  await expectStatus(t.as(owner.id).post(`/api/v1/courses/${course}/items/${String(item)}/complete`).send({}), 201);
  await t.jobs.drain();
  const certificate = await t.db('certificates_certificates').where({ user_id: owner.id }).first('id', 'code');
  const session = await login(t, owner.email);
  const [{ id: sessionId }] = await t.db('auth_sessions').where({ user_id: owner.id }).select('id');
  const [{ id: tokenId }] = await t.db('auth_tokens').where({ user_id: owner.id }).select('id');
  await expectStatus(ada.post('/api/v1/system/backups'), 202);
  // An export of cora's data, approved at once (ada holds privacy:manage) and ready once the jobs ran.
  const request = await ok(ada.post('/api/v1/privacy/requests').send({ userId: owner.id, type: 'export' }));
  // The sign-in's deliveries (reporting counts logins) and the backup run now, not during the tests that watch for changes.
  await t.jobs.drain();
  const [{ id: backup }] = await t.db('maintenance_backups').select('id');

  return {
    t, ada, ian, bea, lou, sam, nik,
    cora: { ...owner, ...session },
    ids: {
      course, section: sections[0], item: String(item), otherCourse, category, cohort, role, assignment,
      job: String((linked.job as Json).id), greeting, certificate: String(certificate.id), certificateCode: certificate.code,
      session: String(sessionId), token: String(tokenId), content, objective, schedule, window, backup: String(backup), ticket,
      article, articleSlug: 'exits', request,
    },
  };
}

/**
 * Path parameters by name. `:id` is the object of the collection its path names just before it
 * (`/courses/:id`, `/users/:id`, …); every other name stands for one kind of object wherever it appears.
 * A route with a parameter not found here fails the tests: add it (named after an existing one if it
 * is the same kind of object) so the new route is covered.
 */
export function pathFixtures(w: World): { byName: Record<string, string>; idAfter: Record<string, string> } {
  const { ids, sam } = w;
  return {
    byName: {
      sectionId: ids.section, itemId: ids.item, userId: sam.id, cohortId: ids.cohort, assignmentId: ids.assignment,
      key: ids.role, name: 'hello', plugin: 'hello', code: ids.certificateCode, n: '1', slug: ids.articleSlug, kind: 'privacy',
    },
    idAfter: {
      courses: ids.course, users: sam.id, cohorts: ids.cohort, categories: ids.category, jobs: ids.job, sessions: ids.session,
      tokens: ids.token, 'role-assignments': ids.assignment, certificates: ids.certificate, greetings: ids.greeting,
      content: ids.content, objectives: ids.objective, schedules: ids.schedule, windows: ids.window, backups: ids.backup,
      tickets: ids.ticket, articles: ids.article, help: ids.article, requests: ids.request,
    },
  };
}

/** `/a/:x/b/:y` (or OpenAPI's `/a/{x}`) with each parameter filled; throws naming the route and parameter it cannot fill. */
export function fillPath(path: string, fixtures: ReturnType<typeof pathFixtures>, label = path): { url: string; params: Record<string, string> } {
  const params: Record<string, string> = {};
  const segments = path.split('/');
  const url = segments.map((segment, i) => {
    const name = /^:(\w+)$/.exec(segment)?.[1] ?? /^\{(\w+)\}$/.exec(segment)?.[1];
    if (!name) return segment;
    const value = name === 'id' ? fixtures.idAfter[segments[i - 1]] : fixtures.byName[name];
    if (value === undefined) {
      throw new Error(`${label}: add a fixture for path parameter :${name}${name === 'id' ? ` after /${segments[i - 1]}/` : ''} (test/security/world.ts)`);
    }
    params[name] = value;
    return encodeURIComponent(value);
  }).join('/');
  return { url, params };
}

/** A maintenance window far ahead: maintenance mode never goes on during the tests. */
const WINDOW_START = '2099-01-01T00:00:00.000Z';
const WINDOW_END = '2099-01-01T01:00:00.000Z';

/**
 * Values for body and query fields whose schema a generic value cannot satisfy (ids, patterns, formats),
 * by the field's name; or for one route's field, by route and field (`PUT /api/v1/x body.enabled`): the
 * maintenance switch is sent "off", so an administrator's request does not lock the other callers out.
 */
export function fieldFixtures(w: World): Record<string, unknown> {
  return {
    'PUT /api/v1/system/maintenance body.enabled': false, 'POST /admin/maintenance body.enabled': 'off',
    'POST /admin/support/tickets/:id body.assigneeId': '',
    startsAt: WINDOW_START, endsAt: WINDOW_END,
    userId: w.sam.id, cohortId: w.ids.cohort, contentId: `content:${w.ids.content}`, email: 'matrix@example.test', key: 'matrix-role', role: 'learner',
    policyVersionId: '1', versionIds: '1',
    courseId: w.ids.course, categoryId: w.ids.category, from: '2026-01-01', to: '2026-01-31', report: 'compliance', cron: '0 6 * * 1', recipients: ['matrix@example.test'],
  };
}

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const valid = (schema: Json, value: unknown) => ajv.validate(schema, value);

/**
 * A value that satisfies `schema`: required properties only (and optional ones up to `minProperties`),
 * named fixtures first, then a generic value of the right type. Throws naming the field when neither fits.
 */
export function sample(schema: Json, fixtures: Record<string, unknown>, label: string, field = ''): unknown {
  const routeField = `${label} ${field}`;
  if (routeField in fixtures && valid(schema, fixtures[routeField])) return fixtures[routeField];
  const named = field.split('.').pop() ?? '';
  if (named in fixtures && valid(schema, fixtures[named])) return fixtures[named];
  if ('const' in schema) return schema.const;
  if ('default' in schema) return schema.default;
  const branches = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (branches) return sample(branches.find((b) => b.type !== 'null') ?? branches[0], fixtures, label, field);
  const candidates: Record<string, () => unknown[]> = {
    object: () => [sampleObject(schema, fixtures, label, field)],
    array: () => [Array.from({ length: Number(schema.minItems ?? 0) }, (_, i) => sample(schema.items as Json, fixtures, label, `${field}.${i}`))],
    string: () => ['matrix', 'Matrix'].map((s) => s.padEnd(Number(schema.minLength ?? 0), 'x')),
    integer: () => [schema.minimum ?? 1],
    number: () => [schema.minimum ?? 1],
    boolean: () => [true],
    null: () => [null],
  };
  const found = (candidates[String(schema.type)]?.() ?? []).find((v) => valid(schema, v));
  if (found === undefined) throw new Error(`${label}: add a fixture for field ${field || '(root)'} (test/security/world.ts fieldFixtures)`);
  return found;
}

function sampleObject(schema: Json, fixtures: Record<string, unknown>, label: string, field: string): Json {
  const props = (schema.properties ?? {}) as Record<string, Json>;
  const required = new Set((schema.required ?? []) as string[]);
  const chosen = Object.keys(props).filter((k) => required.has(k));
  for (const k of Object.keys(props)) if (chosen.length < Number(schema.minProperties ?? 0) && !chosen.includes(k)) chosen.push(k);
  return Object.fromEntries(chosen.map((k) => [k, sample(props[k], fixtures, label, field ? `${field}.${k}` : k)]));
}

/** An answer as a person reads it, on one line: a page's text (its <main>, without markup), or the body as sent. */
export function readable(contentType: string, body: string, max = 160): string {
  const text = /html/.test(contentType) ? (/<main[\s\S]*?<\/main>/.exec(body)?.[0] ?? body).replace(/<[^>]*>/g, ' ') : body;
  return text.replace(/\s+/g, ' ').trim().slice(0, max) || '(empty)';
}
