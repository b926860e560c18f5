// The registry of privacy providers: each plugin that stores personal data says how to export and
// erase it (Moodle's privacy API). The privacy plugin walks this registry to answer requests.
import type { Knex } from 'knex';
import type { PluginContext, PrivacyProvider } from './plugin';
import { CoreServices } from './services';

/** Column names that hold a person's id, besides every `…user_id`. */
const PERSON_COLUMNS = ['created_by', 'actor_id', 'assignee_id', 'owner_id', 'updated_by'];

export class PrivacyRegistry {
  private readonly providers = new Map<string, PrivacyProvider>();

  add(plugin: string, provider: PrivacyProvider): void {
    this.providers.set(plugin, provider);
  }

  list(): { plugin: string; provider: PrivacyProvider }[] {
    return [...this.providers].map(([plugin, provider]) => ({ plugin, provider }));
  }

  /** Tables some provider says it covers. */
  coveredTables(): Set<string> {
    return new Set([...this.providers.values()].flatMap((p) => p.tables));
  }

  /** Every column of this schema that holds a person's id (by name), with whether a provider covers its table. */
  async personColumns(db: Knex): Promise<{ table: string; column: string; covered: boolean }[]> {
    const rows: { table_name: string; column_name: string }[] = await db('information_schema.columns')
      .where({ table_schema: db.raw('current_schema()') })
      .andWhere((q) => q.where('column_name', 'like', '%user_id').orWhereIn('column_name', PERSON_COLUMNS))
      .orderBy(['table_name', 'column_name']).select('table_name', 'column_name');
    const covered = this.coveredTables();
    return rows.map((r) => ({ table: r.table_name, column: r.column_name, covered: covered.has(r.table_name) }));
  }
}

/**
 * The core's own personal data: role assignments and jobs a user started are exported and erased;
 * audit records are exported but kept, since the audit trail is the legal record of changes — erasure
 * keeps who did what and when (ids only) and blanks the details and address of the person's records.
 */
export const corePrivacy: PrivacyProvider = {
  tables: ['core_role_assignments', 'core_audit', 'core_jobs', 'core_job_outbox'],
  async export(userId: string, ctx: PluginContext) {
    const [roleAssignments, auditRecords] = await Promise.all([
      ctx.db('core_role_assignments').where({ user_id: userId }).select('role_key', 'context_id', 'created_at'),
      ctx.db('core_audit').where({ actor_id: userId }).select('at', 'action', 'target_type', 'target_id', 'ip').orderBy('id'),
    ]);
    return { roleAssignments, auditRecords };
  },
  async erase(userId: string, ctx: PluginContext) {
    await ctx.transaction(async (tx) => {
      await tx.db('core_role_assignments').where({ user_id: userId }).delete();
      await tx.db('core_jobs').where({ created_by: userId }).update({ created_by: null });
      await tx.db('core_job_outbox').where({ created_by: userId }).update({ created_by: null });
      await ctx.resolve(CoreServices.audit).redactPerson(userId, tx.db);
    });
  },
  // Audit records go only through the audit log's own prune, which records itself.
  retention: [{
    kind: 'core.audit', label: 'Audit records', defaultDays: 0,
    prune: (before: Date, ctx: PluginContext) => ctx.resolve(CoreServices.audit).prune(before),
  }],
};
