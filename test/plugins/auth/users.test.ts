// Account administration through the API: create (with invitation), search and filters, edits,
// the rules on bad input, the last administrator, the first administrator, and privacy.
import { expect } from 'chai';
import { createTestApp, type TestApp } from 'lectern';
import { account, linkToken, type Account } from './helpers';
import { ensureFirstAdmin } from '../../../plugins/auth/first-admin';

describe('auth: users', () => {
  let t: TestApp;
  let admin: Account;
  before(async () => {
    t = await createTestApp({ plugins: ['auth'] });
    admin = await account(t, 'root@example.com', ['admin']);
  });
  after(() => t.close());

  it('creates a user without a password by invitation, and the invitation sets the password once', async () => {
    const res = await t.post('/api/v1/users').set(admin.auth).send({ email: 'New.Hire@Example.com', name: 'New Hire', roles: ['support'] });
    expect(res.status).to.equal(201);
    expect(res.body).to.include({ email: 'New.Hire@Example.com', name: 'New Hire', status: 'active' });
    await t.jobs.drain();
    const token = linkToken(t, 'New.Hire@Example.com');
    expect((await t.post('/api/v1/auth/password-reset/confirm').send({ token, password: 'my first password' })).status).to.equal(204);
    const login = await t.post('/api/v1/auth/login').send({ email: 'new.hire@example.com', password: 'my first password' });
    expect(login.status).to.equal(200);
    expect(login.body.user.id).to.equal(res.body.id);
    const me = await t.get('/api/v1/me').set('Cookie', String(login.headers['set-cookie']).split(';')[0]);
    expect(me.body.roles).to.deep.equal([{ role: 'support', context: { type: 'system' } }]);
  });

  it('refuses bad input with the field named and writes nothing', async () => {
    const before = await t.db('auth_users').count({ n: '*' }).first();
    const answers = await Promise.all([
      t.post('/api/v1/users').set(admin.auth).send({ email: 'not-an-email', name: 'X' }),
      t.post('/api/v1/users').set(admin.auth).send({ email: 'root@EXAMPLE.com', name: 'Dup' }),
      t.post('/api/v1/users').set(admin.auth).send({ email: 'weak@example.com', name: 'Weak', password: 'short' }),
      t.post('/api/v1/users').set(admin.auth).send({ email: 'role@example.com', name: 'Role', roles: ['wizard'] }),
      t.post('/api/v1/users').set(admin.auth).send({ email: 'extra@example.com', name: 'E', isAdmin: true }),
      t.patch('/api/v1/users/999999').set(admin.auth).send({ name: 'Ghost' }),
    ]);
    expect(answers.map((r) => r.status)).to.deep.equal([400, 409, 400, 400, 400, 404]);
    expect(answers.every((r) => String(r.headers['content-type']).startsWith('application/problem+json'))).to.equal(true);
    expect(answers[0].body.errors[0].path).to.equal('body.email');
    expect(answers[3].body.errors[0].path).to.equal('body.role');
    expect(await t.db('auth_users').count({ n: '*' }).first()).to.deep.equal(before);
  });

  it('searches, filters by status, role and cohort, and paginates', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const r = await t.post('/api/v1/users').set(admin.auth).send({ email: `sales${i}@example.com`, name: `Sales Person ${i}`, password: 'long enough pw' });
      ids.push(r.body.id);
    }
    await t.post(`/api/v1/users/${ids[0]}/deactivate`).set(admin.auth);
    await t.post('/api/v1/role-assignments').set(admin.auth).send({ userId: ids[1], role: 'support', context: { type: 'system' } });
    const cohort = await t.post('/api/v1/cohorts').set(admin.auth).send({ name: 'Sales' });
    await t.put(`/api/v1/cohorts/${cohort.body.id}/members/${ids[2]}`).set(admin.auth);

    const page1 = await t.get('/api/v1/users?q=sales+person&limit=2').set(admin.auth);
    const page2 = await t.get(`/api/v1/users?q=sales+person&limit=2&cursor=${page1.body.nextCursor}`).set(admin.auth);
    const page3 = await t.get(`/api/v1/users?q=sales+person&limit=2&cursor=${page2.body.nextCursor}`).set(admin.auth);
    expect([...page1.body.items, ...page2.body.items, ...page3.body.items].map((u: { id: string }) => u.id)).to.deep.equal(ids);
    expect(page3.body.nextCursor).to.equal(null);
    const pick = async (qs: string) => (await t.get(`/api/v1/users?q=sales&${qs}`).set(admin.auth)).body.items.map((u: { id: string }) => u.id);
    expect(await pick('status=deactivated')).to.deep.equal([ids[0]]);
    expect(await pick('role=support')).to.deep.equal([ids[1]]);
    expect(await pick(`cohortId=${cohort.body.id}`)).to.deep.equal([ids[2]]);
    expect((await t.get('/api/v1/users?limit=500').set(admin.auth)).status).to.equal(400);
  });

  it('edits a user; a password set by an admin ends the user\'s credentials; support may read but not write', async () => {
    const u = await account(t, 'edit@example.com');
    const support = await account(t, 'helpdesk@example.com', ['support']);
    expect((await t.get(`/api/v1/users/${u.id}`).set(support.auth)).body.email).to.equal('edit@example.com');
    expect((await t.patch(`/api/v1/users/${u.id}`).set(support.auth).send({ name: 'Nope' })).status).to.equal(403);
    const taken = await t.patch(`/api/v1/users/${u.id}`).set(admin.auth).send({ email: 'ROOT@example.com' });
    expect(taken.status).to.equal(400);
    const ok = await t.patch(`/api/v1/users/${u.id}`).set(admin.auth).send({ name: 'Edited', email: 'edited@example.com', password: 'admin chosen pw' });
    expect(ok.body).to.include({ name: 'Edited', email: 'edited@example.com' });
    expect((await t.get('/api/v1/me').set(u.auth)).status).to.equal(401);
    const audit = await t.db('core_audit').where({ action: 'auth.user.update', target_id: u.id }).first('actor_id', 'details');
    expect(audit.actor_id).to.equal(admin.id);
    expect(audit.details.email).to.deep.equal({ from: 'edit@example.com', to: 'edited@example.com' });
  });

  it('never removes or deactivates the last active administrator', async () => {
    const t2 = await createTestApp({ plugins: ['auth'] });
    try {
      const boss = await account(t2, 'only@example.com', ['admin']);
      await t2.db('auth_users').where({ email: 'admin@localhost' }).update({ status: 'deactivated' });
      const deactivate = await t2.post(`/api/v1/users/${boss.id}/deactivate`).set(boss.auth);
      expect(deactivate.status).to.equal(409);
      const [assignment] = (await t2.get(`/api/v1/role-assignments?userId=${boss.id}`).set(boss.auth)).body.items;
      expect((await t2.delete(`/api/v1/role-assignments/${assignment.id}`).set(boss.auth)).status).to.equal(409);
      const second = await account(t2, 'second@example.com', ['admin']);
      expect((await t2.post(`/api/v1/users/${boss.id}/deactivate`).set(second.auth)).status).to.equal(200);
      expect((await t2.post(`/api/v1/users/${second.id}/deactivate`).set(second.auth)).status).to.equal(409);
    } finally {
      await t2.close();
    }
  });

  it('creates the first administrator once, from the environment or with a random password', async () => {
    const t2 = await createTestApp({ plugins: ['auth'] });
    try {
      const made = await t2.db('auth_users').select('email').orderBy('id');
      expect(made).to.deep.equal([{ email: 'admin@localhost' }]);
      await t2.db('auth_users').update({ status: 'deactivated' });
      await ensureFirstAdmin(t2.app.contextOf('auth'), { LECTERN_ADMIN_EMAIL: 'owner@example.com', LECTERN_ADMIN_PASSWORD: 'from the env pw' });
      await ensureFirstAdmin(t2.app.contextOf('auth'), { LECTERN_ADMIN_EMAIL: 'other@example.com', LECTERN_ADMIN_PASSWORD: 'ignored now' });
      const login = await t2.post('/api/v1/auth/tokens').send({ email: 'owner@example.com', password: 'from the env pw' });
      expect(login.status).to.equal(201);
      const me = await t2.get('/api/v1/me').set('Authorization', `Bearer ${login.body.token}`);
      expect(me.body.permissions).to.include('roles:manage');
      expect(await t2.db('auth_users').where({ email: 'other@example.com' }).first()).to.equal(undefined);
    } finally {
      await t2.close();
    }
  });

  it('creates users from the command line', async () => {
    const { command } = t.app.commands.get('user create') as NonNullable<ReturnType<typeof t.app.commands.get>>;
    await command.run({ values: { email: 'cli@example.com', name: 'Cli', password: 'typed at a shell', role: 'admin' }, positionals: [] }, t.app.contextOf('auth'));
    const token = await t.post('/api/v1/auth/tokens').send({ email: 'cli@example.com', password: 'typed at a shell' });
    expect((await t.get('/api/v1/me').set('Authorization', `Bearer ${token.body.token}`)).body.roles[0].role).to.equal('admin');
    let refused: Error | undefined;
    await command.run({ values: { email: 'cli@example.com' }, positionals: [] }, t.app.contextOf('auth')).catch((err: Error) => { refused = err; });
    expect(refused?.message).to.match(/already exists/);
  });

  it('exports and erases what it stores about a person', async () => {
    const u = await account(t, 'private@example.com');
    const cohort = await t.post('/api/v1/cohorts').set(admin.auth).send({ name: 'Privacy team' });
    await t.put(`/api/v1/cohorts/${cohort.body.id}/members/${u.id}`).set(admin.auth);
    const ctx = t.app.contextOf('auth');
    const { provider } = t.app.privacy.list().find((p) => p.plugin === 'auth') as ReturnType<typeof t.app.privacy.list>[number];
    const exported = await provider.export(u.id, ctx);
    expect(JSON.stringify(exported)).to.include('private@example.com').and.include('Privacy team');
    expect(JSON.stringify(exported)).to.not.include('password');
    await provider.erase(u.id, ctx);
    const row = await t.db('auth_users').where({ id: u.id }).first();
    expect(row).to.include({ name: 'Erased user', status: 'deactivated', password_hash: null });
    expect(row.email).to.not.include('private');
    expect(await t.db('auth_cohort_members').where({ user_id: u.id })).to.deep.equal([]);
    expect((await t.get('/api/v1/me').set(u.auth)).status).to.equal(401);
  });
});
