// `lectern user create`: an account from the command line (the first admin on a headless server,
// scripted setups). Prints the invitation state or sets the given password.
import { badRequest, CoreServices, SYSTEM, type CommandDef } from 'lectern';
import { authSettings } from './settings';
import { checkEmail, insertUser } from './users';
import { checkPolicy, hashPassword } from './passwords';

export const userCommands: CommandDef[] = [{
  name: 'user create',
  description: 'Create an account: --email E --name N [--password P] [--role admin]',
  options: { email: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' }, role: { type: 'string' } },
  async run({ values }, ctx) {
    const email = String(values.email ?? '');
    const name = String(values.name ?? email.split('@')[0] ?? '');
    const password = typeof values.password === 'string' ? values.password : undefined;
    if (!email) throw badRequest('--email is required', [{ path: '--email', message: 'is required' }]);
    checkEmail(email, '--email');
    if (password) checkPolicy(password, await ctx.settings(authSettings), '--password', email);
    const user = await ctx.transaction(async (tx) => {
      const row = await insertUser(tx.db, { email, name, passwordHash: password ? await hashPassword(password) : null });
      if (typeof values.role === 'string') await ctx.resolve(CoreServices.permissions).assign(String(row.id), values.role, SYSTEM, tx.db);
      await tx.audit({ action: 'auth.user.create', target: { type: 'user', id: String(row.id) }, details: { email, via: 'cli' } });
      return row;
    });
    process.stdout.write(`created user ${user.id} <${user.email}>${password ? '' : ' without a password (use password reset to set one)'}\n`);
  },
}];
