// The one signal that cached credentials are out of date: anything that ends or changes a session, an
// API token or an account calls `credentialsChanged` inside its transaction, naming the users whose
// credentials changed. The identity cache of this instance drops their entries when the transaction
// commits, every other instance's within milliseconds (the core's keyed change notices); everyone
// else's cached credentials stay.
import { CoreServices, type Knex, type PluginContext } from 'lectern';

export const CREDENTIALS_NOTICE = 'auth.credentials';

export async function credentialsChanged(ctx: PluginContext, db: Knex, userIds: string[]): Promise<void> {
  await ctx.resolve(CoreServices.revisions).touch(CREDENTIALS_NOTICE, userIds, db);
}
