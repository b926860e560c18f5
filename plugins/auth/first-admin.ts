// First start: a system with no active administrator gets one, from LECTERN_ADMIN_EMAIL and
// LECTERN_ADMIN_PASSWORD when set, otherwise admin@localhost with a random password shown once. The
// password's hash is kept aside so the security report can tell it was never changed.
import crypto from 'node:crypto';
import { CoreServices, SYSTEM, type PluginContext } from 'lectern';
import { hashPassword } from './passwords';
import { activeAdmins, findByEmail, insertUser } from './users';

export async function ensureFirstAdmin(ctx: PluginContext, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const permissions = ctx.resolve(CoreServices.permissions);
  await ctx.transaction(async (tx) => {
    // One instance at a time decides; the others then see the administrator it created.
    await tx.db.raw('select pg_advisory_xact_lock(hashtext(?))', ['auth.first-admin']);
    if (await activeAdmins(ctx, tx.db).first()) return;
    const email = env.LECTERN_ADMIN_EMAIL?.trim() || 'admin@localhost';
    const given = env.LECTERN_ADMIN_PASSWORD;
    const password = given || crypto.randomBytes(12).toString('base64url');
    const existing = await findByEmail(tx.db, email);
    const id = existing ? String(existing.id) : String((await insertUser(tx.db, { email, name: 'Administrator' })).id);
    const hash = await hashPassword(password);
    await tx.db('auth_users').where({ id }).update({ status: 'active', deactivated_at: null, password_hash: hash });
    // The security report flags the account until its password is no longer this one.
    await tx.db('auth_initial_passwords').insert({ user_id: id, password_hash: hash, source: given ? 'environment' : 'generated' })
      .onConflict('user_id').merge();
    await permissions.assign(id, 'admin', SYSTEM, tx.db);
    await tx.audit({ action: 'auth.firstAdmin', actorId: null, target: { type: 'user', id }, details: { email } });
    if (given) {
      ctx.log.info({ email }, `first administrator ${email} created from LECTERN_ADMIN_EMAIL / LECTERN_ADMIN_PASSWORD`);
    } else {
      ctx.log.warn({ email }, `first administrator created: sign in as ${email} with password ${password} and change it`);
    }
  });
}
