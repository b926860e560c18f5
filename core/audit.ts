// The audit trail: an append-only record of who changed what, when and from where — the SOP's
// "record of every system change and maintenance activity". The table refuses updates except through
// redactPerson() (erasure), and deletes except through prune() (retention), which records itself in the same transaction.
import type { Knex } from 'knex';
import type { AuditEntry } from './plugin';
import { keyset, type Page } from './http/cursor';
import { insertLast } from './sync';

/** Newest first, by id. */
export const auditCursor = keyset('int');

export interface AuditRecord {
  id: string; at: string; actorId: string | null; action: string;
  targetType: string | null; targetId: string | null; ip: string | null; details: Record<string, unknown>;
}
export interface AuditFilter {
  /** Actions, comma-separated; one ending in "." matches every action it begins (`maintenance.`). */
  actorId?: string; action?: string; targetType?: string; targetId?: string;
  since?: string; until?: string; limit: number; cursor?: [number];
}

interface Row {
  id: number; at: Date; actor_id: string | null; action: string; target_type: string | null;
  target_id: string | null; ip: string | null; details: Record<string, unknown>;
}

export class AuditLog {
  constructor(private readonly db: Knex) {}

  /** In a transaction run by withTransaction, the records are written last, with its other last rows (sync.ts insertLast). */
  async write(entries: readonly AuditEntry[], db: Knex = this.db): Promise<void> {
    await insertLast(db, 'core_audit', entries.map((entry) => ({
      actor_id: entry.actorId ?? null, action: entry.action,
      target_type: entry.target?.type ?? null, target_id: entry.target?.id ?? null,
      ip: entry.ip ?? null, details: JSON.stringify(entry.details ?? {}),
    })));
  }

  /**
   * Deletes the records written before `before` and writes an `audit.prune` record saying so, in one
   * transaction: the only way past the table's trigger (core/db/core-schema.ts, 0004_audit_prune).
   */
  async prune(before: Date): Promise<number> {
    return this.db.transaction(async (trx) => {
      await trx.raw(`set local lectern.audit_prune = 'on'`);
      const deleted = await trx('core_audit').where('at', '<', before).delete();
      await trx.raw(`set local lectern.audit_prune = 'off'`);
      await this.write([{ action: 'audit.prune', details: { before: before.toISOString(), deleted } }], trx);
      return deleted;
    });
  }

  /**
   * Erasure of a person: the records they made or that are about their account keep who, what and when
   * (ids only) but lose their details and address, which may hold the person's email, name or token names.
   * The only update the table's trigger lets through (core/db/core-schema.ts, 0005_audit_redact).
   */
  async redactPerson(userId: string, trx: Knex.Transaction): Promise<number> {
    await trx.raw(`set local lectern.audit_redact = 'on'`);
    const redacted = await trx('core_audit')
      .where((w) => w.where('actor_id', userId).orWhere((t) => t.where({ target_type: 'user', target_id: userId })))
      .andWhere((w) => w.whereRaw(`details <> '{}'::jsonb`).orWhereNotNull('ip'))
      .update({ details: JSON.stringify({ redacted: true }), ip: null });
    await trx.raw(`set local lectern.audit_redact = 'off'`);
    return redacted;
  }

  /** Newest first, after `cursor` (the key of the last record of the previous page). */
  async list(f: AuditFilter): Promise<Page<AuditRecord>> {
    const q = this.db<Row>('core_audit').orderBy('id', 'desc').limit(f.limit + 1);
    if (f.actorId) q.where('actor_id', f.actorId);
    if (f.action) {
      const actions = f.action.split(',').map((a) => a.trim()).filter(Boolean);
      q.where((w) => {
        for (const a of actions) {
          if (a.endsWith('.')) w.orWhere('action', 'like', `${a.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
          else w.orWhere('action', a);
        }
      });
    }
    if (f.targetType) q.where('target_type', f.targetType);
    if (f.targetId) q.where('target_id', f.targetId);
    if (f.since) q.where('at', '>=', f.since);
    if (f.until) q.where('at', '<', f.until);
    if (f.cursor) q.where('id', '<', f.cursor[0]);
    const rows: Row[] = await q;
    return auditCursor.page(rows, f.limit, (r) => ({
      id: String(r.id), at: new Date(r.at).toISOString(), actorId: r.actor_id, action: r.action,
      targetType: r.target_type, targetId: r.target_id, ip: r.ip, details: r.details,
    }), (r) => [Number(r.id)]);
  }

  /** Every record `f` selects, newest first, read a page at a time (the CSV download). */
  async *all(f: Omit<AuditFilter, 'limit' | 'cursor'>, pageSize = 1000): AsyncGenerator<AuditRecord> {
    let cursor: [number] | undefined;
    for (;;) {
      const page = await this.list({ ...f, limit: pageSize, cursor });
      yield* page.items;
      if (!page.nextCursor || !page.items.length) return;
      cursor = [Number(page.items[page.items.length - 1].id)];
    }
  }
}
