// Helpers for the privacy request tests: an app with every plugin that holds personal data (auth, courses,
// content, reporting, support, the certificates example, privacy) on a clock the tests drive, and a person with data
// in each of them — an account with a password, a named token and a session (a planted user agent), a
// cohort, roles, content they wrote and viewed, a completed course (so a certificate), a scheduled report,
// a support ticket with a reply, and feedback on a help article.
import { expect } from 'chai';
import { createTestApp, type Persona, type TestApp } from 'lectern';
import { account, PASSWORD } from '../auth/helpers';

export async function ok<T = Record<string, unknown>>(test: PromiseLike<{ status: number; body: unknown }>, status = 200): Promise<T> {
  const res = await test;
  expect(res.status, JSON.stringify(res.body)).to.equal(status);
  return res.body as T;
}

export interface PrivacyWorld {
  t: TestApp;
  admin: Persona;
  officer: Persona;
  clock: { now(): Date; set(iso: string): void };
  course: { id: string; items: string[] };
}

export async function privacyWorld(): Promise<PrivacyWorld> {
  let now = new Date('2030-05-01T09:00:00.000Z');
  const clock = { now: () => now, set: (iso: string) => { now = new Date(iso); } };
  const t = await createTestApp({
    plugins: ['auth', 'courses', 'content', 'reporting', 'support', 'certificates', 'privacy'], clock: clock.now,
    settings: { content: { allowSelfApproval: true } },
  });
  const admin = await t.persona('admin', 'admin');
  const officer = await t.persona('officer', 'privacy-officer');
  const c = await ok<{ id: string }>(admin.post('/api/v1/courses').send({ title: 'Privacy basics', code: 'PRIV-101' }), 201);
  const s = await ok<{ id: string }>(admin.post(`/api/v1/courses/${c.id}/sections`).send({ title: 'One' }), 201);
  const items: string[] = [];
  for (const n of [1, 2]) {
    const page = await ok<{ id: string }>(admin.post('/api/v1/content').send({ type: 'page', title: `Lesson ${n}`, body: 'Read me.' }), 201);
    await ok(admin.post(`/api/v1/content/${page.id}/submit`));
    await ok(admin.post(`/api/v1/content/${page.id}/approve`));
    items.push((await ok<{ id: string }>(admin.post(`/api/v1/courses/${c.id}/sections/${s.id}/items`).send({ contentId: `content:${page.id}` }), 201)).id);
  }
  await ok(admin.post(`/api/v1/courses/${c.id}/publish`));
  return { t, admin, officer, clock, course: { id: c.id, items } };
}

export interface Subject { id: string; email: string; name: string; planted: string[]; authored: string }

/**
 * A person called `tag` (a word found nowhere else) with data in every plugin; `planted` are the unique
 * strings put in their personal data, each containing `tag`.
 */
export async function subjectWithData(w: PrivacyWorld, tag: string): Promise<Subject> {
  const { t, admin, course } = w;
  const email = `${tag}@example.test`;
  const acc = await account(t, email, ['learner', 'content-manager', 'reporter']);
  const tokenName = `token-${tag}`;
  await ok(t.post('/api/v1/auth/tokens').send({ email, password: PASSWORD, name: tokenName }), 201);
  const agent = `Agent-${tag}/1.0`;
  await ok(t.post('/api/v1/auth/login').set('User-Agent', agent).send({ email, password: PASSWORD }));
  const cohorts = await ok<{ items: { id: string; name: string }[] }>(admin.get('/api/v1/cohorts'));
  const cohort = cohorts.items.find((c) => c.name === 'Night shift') ?? await ok<{ id: string }>(admin.post('/api/v1/cohorts').send({ name: 'Night shift' }), 201);
  await ok(admin.put(`/api/v1/cohorts/${cohort.id}/members/${acc.id}`), 204);
  const me = t.as(acc.id);
  const authored = (await ok<{ id: string }>(me.post('/api/v1/content').send({ type: 'page', title: 'Fire exits', body: 'Where they are.' }), 201)).id;
  await ok(admin.post(`/api/v1/courses/${course.id}/enrollments`).send({ userId: acc.id }), 201);
  for (const item of course.items) {
    await ok(me.get(`/api/v1/courses/${course.id}/items/${item}/view`));
    const done = await me.post(`/api/v1/courses/${course.id}/items/${item}/complete`).send({});
    expect(done.status, 'viewing may already have completed the page').to.be.oneOf([200, 201]);
  }
  const recipient = `reports-${tag}@example.test`;
  await ok(me.post('/api/v1/reports/schedules').send({ report: 'compliance', cron: '0 6 * * 1', recipients: [recipient] }), 201);
  const ticketSubject = `Ticket-${tag}`;
  const ticket = await ok<{ id: string }>(me.post('/api/v1/support/tickets').send({ subject: ticketSubject, body: 'The exits page does not open.' }), 201);
  const reply = `Reply-${tag}`;
  await ok(me.post(`/api/v1/support/tickets/${ticket.id}/comments`).send({ body: reply }), 201);
  const [article] = (await ok<{ items: { id: string }[] }>(me.get('/api/v1/help/articles?limit=1'))).items;
  const feedback = `Feedback-${tag}`;
  await ok(me.post(`/api/v1/help/articles/${article.id}/feedback`).send({ helpful: false, comment: feedback }));
  await t.jobs.drain();
  return { id: acc.id, email, name: tag, planted: [email, tokenName, agent, recipient, ticketSubject, reply, feedback], authored };
}

/** Every text, varchar, json and jsonb column of every table of this test system's schema. */
export async function textColumns(t: TestApp): Promise<{ table: string; column: string }[]> {
  const { rows } = await t.db.raw(`select table_name as "table", column_name as "column" from information_schema.columns
    where table_schema = current_schema() and data_type in ('text', 'character varying', 'json', 'jsonb', 'character')
    and table_name in (select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE')
    order by table_name, column_name`);
  return rows;
}

/** `table.column` of every value containing `needle` (any case). */
export async function whereFound(t: TestApp, needle: string): Promise<string[]> {
  const found: string[] = [];
  for (const { table, column } of await textColumns(t)) {
    const { rows } = await t.db.raw(`select count(*)::int as n from ?? where ??::text ilike ?`, [table, column, `%${needle}%`]);
    if (rows[0].n > 0) found.push(`${table}.${column}`);
  }
  return found;
}
