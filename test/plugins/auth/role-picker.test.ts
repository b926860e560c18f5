// Giving a role on an account's admin page: the context is found by name (categories and courses the
// courses plugin contributes to auth.contextChoices) with a GET search form, chosen as a radio option
// and assigned; the default role is shown on the roles list and on the account's page.
import { expect } from 'chai';
import { useWorld, as, createCourse, expectStatus } from '../courses/helpers';
import { browser, login } from './helpers';

describe('auth: the role assignment picker', () => {
  const w = useWorld();

  it('finds a course by name, assigns a role there, and asks for a choice when none was made', async () => {
    const b = browser(w.t);
    const admin = await login(w.t, w.admin.email);
    // Test apps start without a default role; the pages name it once there is one.
    await expectStatus(as(w.t, w.admin).patch('/api/v1/settings/core', { defaultRole: 'learner' }), 200);
    const category = await expectStatus(as(w.t, w.manager).post('/api/v1/categories', { name: 'Warehouse safety' }), 201);
    const course = await createCourse(w.t, w.manager, { title: 'Forklift basics', code: 'FORK-1', categoryId: category.id });
    await createCourse(w.t, w.manager, { title: 'Knife skills', code: 'KNIFE-1' });
    const who = await w.user('picked');

    const page = (await b.get(admin, `/admin/users/${who.id}`)).text;
    expect(page).to.contain('<option value="course">Course</option>');
    expect(page).to.contain('Also <strong>Learner</strong> for the whole system');
    const found = await b.get(admin, `/admin/users/${who.id}?contextType=course&q=fork`);
    expect(found.status).to.equal(200);
    expect(found.text).to.contain(`<label class="choice" for="role-context-${String(course.id)}"><input type="radio" id="role-context-${String(course.id)}" name="contextId" value="${String(course.id)}"> Forklift basics (FORK-1)</label>`);
    expect(found.text).not.to.contain('Knife skills (KNIFE-1)');
    expect((await b.get(admin, `/admin/users/${who.id}?contextType=category&q=WARE`)).text).to.contain('> Warehouse safety</label>');

    const missing = await b.post(admin, `/admin/users/${who.id}/roles`, { role: 'instructor', contextType: 'category', q: 'ware' });
    expect(missing.status).to.equal(400);
    expect(missing.text).to.contain('id="role-context-error"');
    expect(missing.text).to.match(/value="[0-9]+" aria-invalid="true"> Warehouse safety/);

    const done = await b.post(admin, `/admin/users/${who.id}/roles`, { role: 'instructor', contextType: 'course', q: 'fork', contextId: String(course.id) });
    expect(done.location).to.equal(`/admin/users/${who.id}?done=role-added`);
    expect(await w.t.app.permissions.listAssignments({ userId: who.id }))
      .to.deep.equal([{ id: (await w.t.app.permissions.listAssignments({ userId: who.id }))[0].id, userId: who.id, role: 'instructor', context: { type: 'course', id: String(course.id) } }]);

    const roles = (await b.get(admin, '/admin/roles')).text;
    expect(roles).to.match(/<a href="\/admin\/roles\/learner">Learner<\/a>.*Every account holds this role/);
  });
});
