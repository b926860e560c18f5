// The one signal that cached credentials are out of date: anything that ends or changes a session, an
// API token or an account calls `credentialsChanged` inside its transaction. The identity cache of
// this instance clears when the transaction commits, and every other instance's within milliseconds
// (the core's change notices).
import { CoreServices, type Knex, type PluginContext } from 'lectern';

export const CREDENTIALS_REVISION = 'auth.credentials';

export async function credentialsChanged(ctx: PluginContext, db: Knex): Promise<void> {
  await ctx.resolve(CoreServices.revisions).bump(CREDENTIALS_REVISION, db);
}
