// Roles through the auth API: registered permissions, custom roles granted at a course context,
// built-in roles, and cohorts with their membership events.
import { expect } from 'chai';
import { createTestApp, definePermissions, definePlugin, defineRoute, on, Type, type TestApp } from 'lectern';
import { cohortMembersAdded, cohortMembersRemoved, cohortDeleted } from '../../../plugins/auth';
import { account, type Account } from './helpers';

const probePermissions = definePermissions({
  open: { name: 'probe:open', context: 'course', description: 'Open a course in the probe.' },
});
const seen: string[] = [];
/** A plugin with one course-level permission, to see where a role applies. */
const probe = definePlugin({
  name: 'probe', version: '1.0.0', core: '^1.0.0', dependsOn: ['auth'],
  permissions: probePermissions,
  routes: [defineRoute({
    method: 'GET', path: '/api/v1/probe/:courseId', permission: probePermissions.open,
    params: Type.Object({ courseId: Type.String({ maxLength: 20 }) }),
    context: ({ params }) => ({ type: 'course', id: params.courseId }),
    summary: 'Open a course', responses: { 200: Type.Object({ opened: Type.String() }) },
    handler: async (req) => ({ opened: req.params.courseId }),
  })],
  subscribe: [
    on(cohortMembersAdded, (p) => { seen.push(`added ${p.cohortId} ${p.userIds.join(',')}`); }),
    on(cohortMembersRemoved, (p) => { seen.push(`removed ${p.cohortId} ${p.userIds.join(',')}`); }),
    on(cohortDeleted, (p) => { seen.push(`deleted ${p.cohortId}`); }),
  ],
});

describe('auth: roles, assignments and cohorts', () => {
  let t: TestApp;
  let admin: Account;
  before(async () => {
    t = await createTestApp({ plugins: ['auth', probe] });
    admin = await account(t, 'root@example.com', ['admin']);
    for (const id of ['c1', 'c2']) await t.app.permissions.setContext({ type: 'course', id });
  });
  after(() => t.close());

  it('lists every registered permission with its plugin, context and risks', async () => {
    const res = await t.get('/api/v1/permissions').set(admin.auth);
    const byName = new Map(res.body.items.map((p: { name: string }) => [p.name, p]));
    expect(byName.get('probe:open')).to.deep.equal({ name: 'probe:open', plugin: 'probe', context: 'course', risks: [], description: 'Open a course in the probe.' });
    expect(byName.get('roles:manage')).to.include({ plugin: 'auth', context: 'system' });
    const learner = await account(t, 'learner@example.com', ['learner']);
    expect((await t.get('/api/v1/permissions').set(learner.auth)).status).to.equal(403);
  });

  it('grants a custom role\'s course permission in the course it is assigned at and not in another', async () => {
    const role = await t.post('/api/v1/roles').set(admin.auth).send({ key: 'reviewer', name: 'Reviewer', permissions: ['probe:open'] });
    expect(role.status).to.equal(201);
    expect(role.body).to.include({ key: 'reviewer', builtin: false });
    expect((await t.get('/api/v1/roles/reviewer').set(admin.auth)).body).to.deep.equal(role.body);
    const u = await account(t, 'rev@example.com');
    const assigned = await t.post('/api/v1/role-assignments').set(admin.auth).send({ userId: u.id, role: 'reviewer', context: { type: 'course', id: 'c1' } });
    expect(assigned.status).to.equal(201);
    expect(assigned.body).to.deep.include({ userId: u.id, role: 'reviewer', context: { type: 'course', id: 'c1' } });
    expect((await t.get('/api/v1/probe/c1').set(u.auth)).body).to.deep.equal({ opened: 'c1' });
    expect((await t.get('/api/v1/probe/c2').set(u.auth)).status).to.equal(403);

    await t.patch('/api/v1/roles/reviewer').set(admin.auth).send({ permissions: [] });
    expect((await t.get('/api/v1/probe/c1').set(u.auth)).status, 'editing the role takes effect').to.equal(403);
    await t.patch('/api/v1/roles/reviewer').set(admin.auth).send({ permissions: ['probe:open'] });
    expect((await t.delete(`/api/v1/role-assignments/${assigned.body.id}`).set(admin.auth)).status).to.equal(204);
    expect((await t.get('/api/v1/probe/c1').set(u.auth)).status, 'removing the assignment takes effect').to.equal(403);
    const audit: string[] = await t.db('core_audit').where('action', 'like', 'auth.role.%').orderBy('id').pluck('action');
    expect(audit).to.deep.equal(['auth.role.create', 'auth.role.assign', 'auth.role.update', 'auth.role.update', 'auth.role.unassign']);
  });

  it('pages role assignments by id with limit and cursor', async () => {
    // One after another, so each person's assignment id follows the previous one's, as their user ids do.
    const people = [];
    for (const n of ['page1', 'page2', 'page3']) people.push(await account(t, `${n}@example.com`, ['learner']));
    const mine = new Set(people.map((p) => p.id));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: { items: { userId: string }[]; nextCursor: string | null } } =
        await t.get('/api/v1/role-assignments').query({ role: 'learner', limit: 1, ...(cursor ? { cursor } : {}) }).set(admin.auth);
      expect(res.status).to.equal(200);
      expect(res.body.items).to.have.length.at.most(1);
      seen.push(...res.body.items.filter((a) => mine.has(a.userId)).map((a) => a.userId));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 100);
    expect(seen).to.deep.equal(people.map((p) => p.id).sort((a, b) => Number(a) - Number(b)));
  });

  it('refuses unknown roles, permissions and contexts, duplicate keys, and deleting built-in roles', async () => {
    const u = await account(t, 'x@example.com');
    const answers = await Promise.all([
      t.post('/api/v1/role-assignments').set(admin.auth).send({ userId: u.id, role: 'wizard', context: { type: 'system' } }),
      t.post('/api/v1/role-assignments').set(admin.auth).send({ userId: u.id, role: 'learner', context: { type: 'course', id: 'nope' } }),
      t.post('/api/v1/role-assignments').set(admin.auth).send({ userId: u.id, role: 'learner', context: { type: 'course' } }),
      t.post('/api/v1/role-assignments').set(admin.auth).send({ userId: '999999', role: 'learner', context: { type: 'system' } }),
      t.post('/api/v1/role-assignments').set(admin.auth).send({ userId: u.id, role: 'learner', context: { type: 'galaxy' } }),
      t.post('/api/v1/roles').set(admin.auth).send({ key: 'bad', name: 'Bad', permissions: ['no:such'] }),
      t.post('/api/v1/roles').set(admin.auth).send({ key: 'learner', name: 'Again', permissions: [] }),
      t.delete('/api/v1/roles/learner').set(admin.auth),
      t.patch('/api/v1/roles/admin').set(admin.auth).send({ permissions: [] }),
    ]);
    expect(answers.map((r) => r.status)).to.deep.equal([400, 400, 400, 400, 400, 400, 409, 409, 400]);
    expect(answers[1].body.errors[0].path).to.equal('body.context');
    expect(answers[5].body.errors[0].message).to.match(/no:such/);
    expect(await t.db('core_role_assignments').where({ user_id: u.id })).to.deep.equal([]);
    await t.post('/api/v1/roles').set(admin.auth).send({ key: 'temp', name: 'Temp', permissions: [] });
    expect((await t.delete('/api/v1/roles/temp').set(admin.auth)).status).to.equal(204);
    expect((await t.get('/api/v1/roles').set(admin.auth)).body.items.map((r: { key: string }) => r.key))
      .to.include.members(['admin', 'learner', 'support']).and.not.include('temp');
  });

  it('manages cohorts and tells other plugins about membership changes', async () => {
    const a = await account(t, 'dept-a@example.com');
    const b = await account(t, 'dept-b@example.com');
    const created = await t.post('/api/v1/cohorts').set(admin.auth).send({ name: 'Finance' });
    expect(created.status).to.equal(201);
    const id = created.body.id;
    expect((await t.post('/api/v1/cohorts').set(admin.auth).send({ name: 'FINANCE' })).status).to.equal(409);
    expect((await t.put(`/api/v1/cohorts/${id}/members/${a.id}`).set(admin.auth)).status).to.equal(204);
    expect((await t.put(`/api/v1/cohorts/${id}/members/${a.id}`).set(admin.auth)).status, 'adding twice is harmless').to.equal(204);
    await t.put(`/api/v1/cohorts/${id}/members/${b.id}`).set(admin.auth);
    expect((await t.put(`/api/v1/cohorts/${id}/members/999999`).set(admin.auth)).status).to.equal(404);
    const renamed = await t.patch(`/api/v1/cohorts/${id}`).set(admin.auth).send({ name: 'Finance & Controlling' });
    expect(renamed.body).to.include({ name: 'Finance & Controlling', memberCount: 2 });
    expect((await t.get(`/api/v1/cohorts/${id}`).set(admin.auth)).body).to.deep.equal(renamed.body);
    expect((await t.get('/api/v1/cohorts?q=controlling').set(admin.auth)).body.items).to.deep.equal([renamed.body]);
    const members = await t.get(`/api/v1/cohorts/${id}/members?limit=1`).set(admin.auth);
    const rest = await t.get(`/api/v1/cohorts/${id}/members?limit=1&cursor=${members.body.nextCursor}`).set(admin.auth);
    expect([...members.body.items, ...rest.body.items].map((u: { email: string }) => u.email)).to.deep.equal(['dept-a@example.com', 'dept-b@example.com']);
    expect((await t.delete(`/api/v1/cohorts/${id}/members/${a.id}`).set(admin.auth)).status).to.equal(204);
    expect((await t.delete(`/api/v1/cohorts/${id}`).set(admin.auth)).status).to.equal(204);
    expect((await t.get(`/api/v1/cohorts/${id}`).set(admin.auth)).status).to.equal(404);
    expect(seen).to.deep.equal([`added ${id} ${a.id}`, `added ${id} ${b.id}`, `removed ${id} ${a.id}`, `deleted ${id}`]);
    expect(await t.db('auth_users').whereIn('id', [a.id, b.id]).count({ n: '*' }).first()).to.deep.equal({ n: 2 });
  });
});
