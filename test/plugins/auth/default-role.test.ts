// The default role (core setting `defaultRole`): every signed-in account holds it at the system context
// without a stored assignment, so a brand-new account finds the catalog and may self-enroll; it still
// must enroll to complete items; with no default role it sees nothing; the role cannot vanish under it.
import { expect } from 'chai';
import { useWorld, as, createCourse, addItems, expectStatus } from '../courses/helpers';
import { createTestApp } from 'lectern';
import { account, PASSWORD } from './helpers';

describe('auth: the default role every account holds', () => {
  const w = useWorld();

  async function newAccount(email: string) {
    const made = await expectStatus(as(w.t, w.admin).post('/api/v1/users', { email, name: 'Newcomer', password: PASSWORD }), 201);
    const token = await expectStatus(w.t.post('/api/v1/auth/tokens').send({ email, password: PASSWORD }), 201);
    return { id: String(made.id), email, token: String(token.token), auth: { Authorization: `Bearer ${String(token.token)}` } };
  }

  it('lets a brand-new account see and self-enroll in a published course, yet only enrolled it may complete items; none with defaultRole null', async () => {
    // Test apps start without a default role (personas hold what a test grants); a fresh install has learner.
    await expectStatus(as(w.t, w.admin).patch('/api/v1/settings/core', { defaultRole: 'learner' }), 200);
    const course = await createCourse(w.t, w.manager, { title: 'Open to all', selfEnrollment: true });
    const [itemId] = await addItems(w.t, w.manager, course.id, ['1']);
    const fresh = await newAccount('fresh@example.com');
    expect(await w.t.db('core_role_assignments').where({ user_id: fresh.id }).count({ n: '*' }).first()).to.deep.include({ n: 0 });

    const catalog = await expectStatus(as(w.t, fresh).get('/api/v1/courses'), 200);
    expect((catalog.items as { title: string }[]).map((c) => c.title)).to.deep.equal(['Open to all']);
    const notYet = await as(w.t, fresh).post(`/api/v1/courses/${String(course.id)}/items/${itemId}/complete`);
    expect(notYet.status, JSON.stringify(notYet.body)).to.be.oneOf([403, 409]);
    await expectStatus(as(w.t, fresh).post(`/api/v1/courses/${String(course.id)}/self-enroll`), 201);
    await expectStatus(as(w.t, fresh).post(`/api/v1/courses/${String(course.id)}/items/${itemId}/complete`), 201);

    await expectStatus(as(w.t, w.admin).patch('/api/v1/settings/core', { defaultRole: null }), 200);
    const other = await newAccount('other@example.com');
    expect((await expectStatus(as(w.t, other).get('/api/v1/courses'), 200)).items).to.deep.equal([]);
    await expectStatus(as(w.t, w.admin).patch('/api/v1/settings/core', { defaultRole: 'learner' }), 200);
  });

  it('refuses a default role that does not exist (400 naming defaultRole) and deleting the default role (409)', async () => {
    const bad = await as(w.t, w.admin).patch('/api/v1/settings/core', { defaultRole: 'no-such-role' });
    expect(bad.status).to.equal(400);
    expect(bad.body.errors).to.deep.include({ path: 'body.defaultRole', message: 'role "no-such-role" does not exist' });
    await expectStatus(as(w.t, w.admin).post('/api/v1/roles', { key: 'everyone', name: 'Everyone', permissions: [] }), 201);
    await expectStatus(as(w.t, w.admin).patch('/api/v1/settings/core', { defaultRole: 'everyone' }), 200);
    const refused = await as(w.t, w.admin).delete('/api/v1/roles/everyone');
    expect(refused.status).to.equal(409);
    expect(refused.body.detail).to.match(/default role/);
    await expectStatus(as(w.t, w.admin).patch('/api/v1/settings/core', { defaultRole: 'learner' }), 200);
    expect((await as(w.t, w.admin).delete('/api/v1/roles/everyone')).status).to.equal(204);
  });

  it('keeps the core settings editable where no plugin declares the built-in default role', async () => {
    const t = await createTestApp({ plugins: ['auth'], settings: { core: { defaultRole: 'learner' } } });
    try {
      const admin = await account(t, 'root@example.com', ['admin']);
      const res = await t.patch('/api/v1/settings/core').set(admin.auth).send({ locale: 'fr' });
      expect([res.status, res.body.defaultRole]).to.deep.equal([200, 'learner']);
    } finally {
      await t.close();
    }
  });
});
