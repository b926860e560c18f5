// Bulk user import, part two: processing staged rows. `importBatch` takes the next rows of an import in
// line order and, in ONE transaction, validates them, creates or updates the accounts (matched by
// case-insensitive email), adds the roles (system context) and cohort memberships they do not have yet,
// and advances the import's counters and done_through_line. A worker killed mid-import therefore loses
// at most the batch it was in, and the next run resumes after the last committed one, creating no
// duplicates. The import row is locked (FOR UPDATE) first, so two runs of the same job (at-least-once
// delivery) take turns instead of interleaving. The job and `lectern users import` both loop over it.
import { CoreServices, SYSTEM, type Knex, type PluginContext, type TransactionContext } from 'lectern';
import { authSettings, type AuthSettings } from './settings';
import { checkEmail } from './users';
import { ensureCohort, addMembers } from './cohorts';
import { sendLink } from './links';
import { credentialsChanged } from './credential-changes';
import { cohortMembersAdded, userCreated } from './api';
import type { LineError } from './import';

export const IMPORT_BATCH = 1000;
const MAX_EMAIL = 320;
const MAX_NAME = 200;
const CONTROL = /[\u0000-\u001f\u007f]/;

export interface ImportResult { created: number; updated: number; failed: LineError[] }

export interface ImportProgress extends ImportResult {
  importId: string;
  done: boolean;
  /** Data lines handled by this call (imported, unchanged or failed). */
  rows: number;
  doneThroughLine: number;
  totalLines: number;
}

/** auth_imports without `failed`, which can be long: it is read once, when the import finishes. */
interface ImportRow {
  id: number; created_by: string | null; total_lines: number; done_through_line: number;
  created: number; updated: number; finished_at: Date | null;
}
const PROGRESS_COLUMNS = ['id', 'created_by', 'total_lines', 'done_through_line', 'created', 'updated', 'finished_at'];
interface StagedRow { line: number; email: string; name: string; roles: string | null; cohort: string | null }
interface ValidRow { line: number; email: string; name: string; roles: string[]; cohort: string | null }

const parseFailed = (f: LineError[] | string): LineError[] => (typeof f === 'string' ? JSON.parse(f) as LineError[] : f);

/** Everything wrong with one row, or its normalized values. */
function validate(row: StagedRow, roleKeys: ReadonlySet<string>): ValidRow | string {
  const problems: string[] = [];
  const email = row.email;
  if (!email) problems.push('email is required');
  else if (email.length > MAX_EMAIL) problems.push(`email is longer than ${MAX_EMAIL} characters`);
  else {
    try {
      checkEmail(email);
    } catch {
      problems.push(`"${email}" is not an email address`);
    }
  }
  const name = row.name;
  if (!name) problems.push('name is required');
  else if (name.length > MAX_NAME) problems.push(`name is longer than ${MAX_NAME} characters`);
  else if (CONTROL.test(name)) problems.push('name contains a line break or another control character');
  const roles = [...new Set((row.roles ?? '').split(';').map((r) => r.trim().toLowerCase()).filter(Boolean))];
  const unknown = roles.filter((r) => !roleKeys.has(r));
  if (unknown.length) problems.push(`unknown role${unknown.length > 1 ? 's' : ''} ${unknown.map((r) => `"${r}"`).join(', ')}`);
  const cohort = row.cohort;
  if (cohort && cohort.length > MAX_NAME) problems.push(`cohort name is longer than ${MAX_NAME} characters`);
  else if (cohort && CONTROL.test(cohort)) problems.push('cohort name contains a line break or another control character');
  if (problems.length) return problems.join('; ');
  return { line: row.line, email, name, roles, cohort: cohort || null };
}

export interface BatchOptions {
  /** Send each new account an invitation email. */
  invite: boolean;
  batchSize?: number;
}

/**
 * Processes the next batch of an import (or finishes it). Safe to call again after a crash or from two
 * processes at once: each call starts from the import's committed done_through_line.
 */
export async function importBatch(ctx: PluginContext, importId: string, opts: BatchOptions): Promise<ImportProgress> {
  // Read before the transaction: on PGlite (one connection) these must not wait for it.
  const settings = opts.invite ? await ctx.settings(authSettings) : undefined;
  const engine = ctx.resolve(CoreServices.permissions);
  const roleKeys = new Set((await engine.listRoles()).map((r) => r.key));
  return ctx.transaction((tx) => batch(ctx, tx, importId, roleKeys, settings, opts.batchSize ?? IMPORT_BATCH));
}

async function batch(ctx: PluginContext, tx: TransactionContext, importId: string, roleKeys: ReadonlySet<string>,
  settings: AuthSettings | undefined, size: number): Promise<ImportProgress> {
  const db = tx.db;
  // The lock: a second run of this job (at-least-once delivery) waits here, then sees this batch done.
  const imp: ImportRow | undefined = await db('auth_imports').where({ id: importId }).forUpdate().first(...PROGRESS_COLUMNS);
  if (!imp) throw new Error(`import ${importId} does not exist`);
  if (imp.finished_at) return finish(db, imp, 0);

  const staged: StagedRow[] = await db('auth_import_rows').where({ import_id: importId }).andWhere('line', '>', imp.done_through_line)
    .orderBy('line').limit(size).select('line', 'email', 'name', 'roles', 'cohort');
  if (!staged.length) return finish(db, imp, 0);

  const failures: LineError[] = [];
  const valid: ValidRow[] = [];
  for (const row of staged) {
    const v = validate(row, roleKeys);
    if (typeof v === 'string') failures.push({ line: row.line, error: v });
    else valid.push(v);
  }
  const { created, updated } = valid.length ? await apply(ctx, tx, valid, settings) : { created: [], updated: [] };

  const first = staged[0].line;
  const last = staged[staged.length - 1].line;
  await tx.audit({
    action: 'auth.users.import', actorId: imp.created_by, target: { type: 'import', id: importId },
    details: { importId, lines: { from: first, to: last }, created, updated, failed: failures.length },
  });
  const [after]: ImportRow[] = await db('auth_imports').where({ id: importId }).update({
    done_through_line: last,
    created: db.raw('created + ?', [created.length]),
    updated: db.raw('updated + ?', [updated.length]),
    ...(failures.length ? { failed: db.raw('failed || ?::jsonb', [JSON.stringify(failures)]) } : {}),
  }).returning(PROGRESS_COLUMNS);
  await db('auth_import_rows').where({ import_id: importId }).andWhere('line', '<=', last).delete();
  const more = await db('auth_import_rows').where({ import_id: importId }).first('line');
  if (!more) return finish(db, after, staged.length);
  return {
    importId, done: false, rows: staged.length, doneThroughLine: after.done_through_line, totalLines: after.total_lines,
    created: after.created, updated: after.updated, failed: [],
  };
}

/** Marks the import finished (once) and returns its result, failures in line order (staging's duplicates came first). */
async function finish(db: Knex.Transaction, imp: ImportRow, rows: number): Promise<ImportProgress> {
  const { failed } = await db('auth_imports').where({ id: imp.id }).first('failed') as { failed: LineError[] | string };
  const sorted = parseFailed(failed).sort((a, b) => a.line - b.line);
  if (!imp.finished_at) {
    await db('auth_imports').where({ id: imp.id })
      .update({ finished_at: db.fn.now(), done_through_line: imp.total_lines, failed: JSON.stringify(sorted) });
    await db('auth_import_rows').where({ import_id: imp.id }).delete();
  }
  return {
    importId: String(imp.id), done: true, rows, doneThroughLine: imp.total_lines, totalLines: imp.total_lines,
    created: imp.created, updated: imp.updated, failed: sorted,
  };
}

/** Creates and updates the accounts of valid rows (emails distinct: staging removed duplicates). Returns the ids. */
async function apply(ctx: PluginContext, tx: TransactionContext, rows: ValidRow[], settings: AuthSettings | undefined): Promise<{ created: string[]; updated: string[] }> {
  const db = tx.db;
  // (a) New accounts, without a password: one insert; an email that exists (any case) is skipped by the
  // unique index on lower(email), also when another transaction created it meanwhile.
  const { rows: inserted } = await db.raw(`insert into auth_users (email, name)
    select r.email, r.name from jsonb_to_recordset(?::jsonb) as r(email text, name text)
    on conflict ((lower(email))) do nothing returning id, email, name`,
  [JSON.stringify(rows.map((r) => ({ email: r.email, name: r.name })))]) as { rows: { id: number; email: string; name: string }[] };
  const createdIds = new Set(inserted.map((u) => String(u.id)));
  // Every row's account, matched by PostgreSQL's lower() like the unique index (not JavaScript's).
  const { rows: matched } = await db.raw(`select r.line, u.id, u.name from jsonb_to_recordset(?::jsonb) as r(line int, email text)
    join auth_users u on lower(u.email) = lower(r.email)`,
  [JSON.stringify(rows.map((r) => ({ line: r.line, email: r.email })))]) as { rows: { line: number; id: number; name: string }[] };
  const byLine = new Map(matched.map((m) => [Number(m.line), { id: String(m.id), name: m.name }]));
  const idOf = (r: ValidRow) => (byLine.get(r.line) as { id: string }).id;
  const existingRows = rows.filter((r) => !createdIds.has(idOf(r)));
  const changed = new Set<string>();

  // (b) Names of existing accounts that differ.
  const renames = existingRows.filter((r) => byLine.get(r.line)?.name !== r.name).map((r) => ({ id: idOf(r), name: r.name }));
  if (renames.length) {
    await db.raw(`update auth_users u set name = r.name, updated_at = now()
      from jsonb_to_recordset(?::jsonb) as r(id bigint, name text) where u.id = r.id`, [JSON.stringify(renames)]);
    for (const r of renames) changed.add(r.id);
    await credentialsChanged(ctx, db, renames.map((r) => r.id)); // signed-in principals carry the name
  }

  // (c) Roles at the system context that are not held yet, through the permission engine (which also
  // tells every instance to drop its cached assignments), and cohort memberships.
  const withRoles = rows.filter((r) => r.roles.length);
  if (withRoles.length) {
    const ids = withRoles.map(idOf);
    const engine = ctx.resolve(CoreServices.permissions);
    const held = await engine.rolesAt(ids, SYSTEM, db);
    const missing = new Map<string, string[]>();
    for (const r of withRoles) {
      const id = idOf(r);
      for (const role of r.roles.filter((k) => !held.get(id)?.has(k))) {
        missing.set(role, [...(missing.get(role) ?? []), id]);
        changed.add(id);
      }
    }
    for (const [role, userIds] of missing) await engine.assignMany(userIds, role, SYSTEM, db);
  }
  const byCohort = new Map<string, { name: string; ids: string[] }>();
  for (const r of rows) {
    if (!r.cohort) continue;
    const key = r.cohort.toLowerCase();
    const entry = byCohort.get(key) ?? { name: r.cohort, ids: [] };
    entry.ids.push(idOf(r));
    byCohort.set(key, entry);
  }
  for (const { name, ids } of byCohort.values()) {
    const cohortId = await ensureCohort(db, name);
    const added = await addMembers(db, cohortId, ids);
    for (const id of added) changed.add(id);
    if (added.length) tx.emit(cohortMembersAdded, { cohortId, userIds: added });
  }

  const created = inserted.map((u) => String(u.id));
  const updated = [...changed].filter((id) => !createdIds.has(id));
  for (const u of inserted) {
    const id = String(u.id);
    if (settings) await sendLink(tx, { id, email: u.email, name: u.name }, 'invitation', settings, ctx.now(), (p) => ctx.url(p));
    tx.emit(userCreated, { userId: id, email: u.email });
  }
  return { created, updated };
}

/** Runs an import to the end, batch after batch; `onBatch` sees the progress after each one. */
export async function runImport(ctx: PluginContext, importId: string, opts: BatchOptions, onBatch?: (p: ImportProgress) => Promise<void> | void): Promise<ImportResult> {
  for (;;) {
    const p = await importBatch(ctx, importId, opts);
    await onBatch?.(p);
    if (p.done) return { created: p.created, updated: p.updated, failed: p.failed };
  }
}
