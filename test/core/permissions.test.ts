// Permissions: role assignments at system, category and course contexts apply to everything
// beneath them; custom roles work where they are assigned; changes reach every instance.
import { expect } from 'chai';
import { createTestApp, definePermissions, definePlugin, defineRoute, Type, type TestApp } from 'lectern';
import { eventually } from './helpers';

const perms = definePermissions({
  edit: { name: 'demo:edit', context: 'course', description: 'Edit a course.', defaults: { instructor: 'allow' } },
  grade: { name: 'demo:grade', context: 'course', description: 'Grade a course.', defaults: { grader: 'allow' } },
});
const demo = definePlugin({
  name: 'demo', version: '1.0.0', core: '^1.0.0', permissions: perms,
  roles: [{ key: 'instructor', name: 'Instructor' }, { key: 'learner', name: 'Learner' }],
  routes: [
    defineRoute({
      method: 'GET', path: '/api/v1/demo/courses/:id', permission: perms.edit,
      params: Type.Object({ id: Type.String() }),
      context: ({ params }) => ({ type: 'course', id: params.id }),
      summary: 'A course', responses: { 200: Type.Object({ course: Type.String() }) },
      handler: async (req) => ({ course: req.params.id }),
    }),
  ],
});

describe('permissions', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ plugins: [demo] });
    const p = t.app.permissions;
    // system ─┬─ category science ── category physics ── course c1
    //         └─ course c2
    await p.setContext({ type: 'category', id: 'science' });
    await p.setContext({ type: 'category', id: 'physics' }, { type: 'category', id: 'science' });
    await p.setContext({ type: 'course', id: 'c1' }, { type: 'category', id: 'physics' });
    await p.setContext({ type: 'course', id: 'c2' });
  });
  afterEach(() => t.close());

  const status = async (user: string, course: string) => (await t.as(user).get(`/api/v1/demo/courses/${course}`)).status;

  it('inherits role assignments from system to category to course', async () => {
    await t.grant('everywhere', 'instructor');
    await t.grant('science-teacher', 'instructor', { type: 'category', id: 'science' });
    await t.grant('c1-teacher', 'instructor', { type: 'course', id: 'c1' });
    await t.grant('c1-learner', 'learner', { type: 'course', id: 'c1' });
    const table = async () => Object.fromEntries(await Promise.all(
      ['everywhere', 'science-teacher', 'c1-teacher', 'c1-learner'].map(async (u) => [u, [await status(u, 'c1'), await status(u, 'c2')]])));
    expect(await table()).to.deep.equal({
      everywhere: [200, 200], 'science-teacher': [200, 403], 'c1-teacher': [200, 403], 'c1-learner': [403, 403],
    });
    // Moving physics out of science takes c1 with it.
    await t.app.permissions.setContext({ type: 'category', id: 'physics' });
    expect([await status('science-teacher', 'c1'), await status('c1-teacher', 'c1')]).to.deep.equal([403, 200]);
  });

  it('refuses to move a category beneath itself', async () => {
    const err = await t.app.permissions.setContext({ type: 'category', id: 'science' }, { type: 'category', id: 'physics' }).catch((e: Error) => e);
    expect((err as Error).message).to.equal('category science cannot be moved beneath itself');
  });

  it('grants a custom role only where it is assigned, and every instance sees role changes', async () => {
    const second = await createTestApp({ plugins: [demo], shareWith: t });
    try {
      await t.app.permissions.createRole({ key: 'reviewer', name: 'Reviewer', permissions: ['demo:grade'] });
      await t.grant('rita', 'reviewer', { type: 'course', id: 'c2' });
      expect([await status('rita', 'c2'), await (async () => (await second.as('rita').get('/api/v1/demo/courses/c2')).status)()]).to.deep.equal([403, 403]);
      await t.app.permissions.updateRole('reviewer', { permissions: ['demo:grade', 'demo:edit'] });
      expect([await status('rita', 'c2'), await status('rita', 'c1')]).to.deep.equal([200, 403]);
      const ms = await eventually(async () => (await second.as('rita').get('/api/v1/demo/courses/c2')).status === 200);
      expect(ms).to.be.below(5000);
    } finally {
      await second.close();
    }
  });

  it('gives new permissions to admin and their default roles, and keeps built-in roles', async () => {
    const roles = await t.app.permissions.listRoles();
    const byKey = Object.fromEntries(roles.map((r) => [r.key, r]));
    // The core ships admin; the plugins declare the rest.
    expect(Object.keys(byKey)).to.deep.equal(['admin', 'instructor', 'learner']);
    expect(byKey.admin.permissions).to.include.members(['demo:edit', 'demo:grade', 'system:view']);
    expect(byKey.instructor.permissions).to.include('demo:edit').and.not.include('demo:grade');
    const err = await t.app.permissions.deleteRole('learner').catch((e: Error) => e);
    expect((err as Error).message).to.equal('built-in role "learner" cannot be deleted');
    expect(t.app.permissions.listPermissions().find((p) => p.name === 'demo:edit'))
      .to.deep.equal({ name: 'demo:edit', plugin: 'demo', context: 'course', risks: [], description: 'Edit a course.' });
  });

  it('gives a role declared by a plugin added later the known permissions that name it as a default', async () => {
    expect((await t.app.permissions.listRoles()).map((r) => r.key)).to.not.include('grader');
    const grading = definePlugin({ name: 'grading', version: '1.0.0', core: '^1.0.0', roles: [{ key: 'grader', name: 'Grader' }] });
    const later = await createTestApp({ plugins: [demo, grading], shareWith: t });
    try {
      const grader = (await later.app.permissions.listRoles()).find((r) => r.key === 'grader');
      expect(grader).to.deep.include({ builtin: true, permissions: ['demo:grade'] });
    } finally {
      await later.close();
    }
  });

  it('lists what a user may do where, and forgets a removed context and its assignments', async () => {
    const p = t.app.permissions;
    await t.grant('tina', 'instructor', { type: 'category', id: 'physics' });
    expect(await p.permissionsAt('tina', { type: 'course', id: 'c1' })).to.include('demo:edit');
    expect(await p.permissionsAt('tina')).to.deep.equal([]);
    expect((await p.listAssignments({ userId: 'tina' })).map((a) => [a.role, a.context])).to.deep.equal([['instructor', { type: 'category', id: 'physics' }]]);
    await p.removeContext({ type: 'category', id: 'physics' });
    expect(await p.listAssignments({ userId: 'tina' })).to.deep.equal([]);
    expect(await status('tina', 'c1')).to.equal(403);
  });
});
