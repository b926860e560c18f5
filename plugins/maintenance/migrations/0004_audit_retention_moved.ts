// Audit retention moved to the privacy plugin (its retention kind core.audit): the setting keepAuditDays
// is gone from this plugin's settings, so a stored value is removed (or the next change of settings would
// be refused as an unknown field). Administrators set audit retention again on /admin/privacy/retention.
import type { Knex } from 'lectern';

export async function up(knex: Knex): Promise<void> {
  await knex('core_settings').where({ plugin: 'maintenance' }).update({ value: knex.raw(`value - 'keepAuditDays'`) });
}
