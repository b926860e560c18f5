// Bulk user import from CSV: `POST /api/v1/users/import` receives the upload whole (the core's
// receiveCsv), stages it and answers 202 with the job that processes it (`auth.importUsers`), written in
// the staging transaction: the import and its job exist together or not at all, so an interrupted
// import is finished by the job's next attempt, and one whose attempts ran out by retrying the job.
// `lectern users import FILE` stages a file the same way (with its job, which finishes the import should
// the command be interrupted) and processes it in-process with a progress bar. Staging is in ../import.ts,
// the batches in ../import-batch.ts. The staging transaction opens only once the file is in memory and
// checked, so a slow upload holds no database connection.
import fs from 'node:fs';
import path from 'node:path';
import {
  badRequest, defineJob, defineRoute, formatBytes, JobAccepted, parseCsv, payloadTooLarge, receiveCsv, reply, Type,
  type CommandDef, type JobRef, type PluginContext, type RouteRef,
} from 'lectern';
import { authPermissions } from '../permissions';
import { authSettings } from '../settings';
import { IMPORT_CSV, importRows, stageImport } from '../import';
import { runImport, type ImportProgress, type ImportResult } from '../import-batch';

export const importUsers = defineJob({
  name: 'auth.importUsers',
  payload: Type.Object({
    importId: Type.String({ pattern: '^[0-9]{1,18}$' }),
    /** Send each new account an invitation email. */
    invite: Type.Optional(Type.Boolean()),
  }, { additionalProperties: false }),
  attempts: 5,
  backoffMs: 2000,
  // A bad row is a per-line error in the result, never a failed job; this only throws when the database
  // does, and then the next attempt resumes after the last committed batch.
  async handler({ importId, invite }, job): Promise<ImportResult> {
    return runImport(job, importId, { invite: invite === true }, async (p) => {
      await job.progress(p.done ? 100 : percent(p));
    });
  },
});

const percent = (p: ImportProgress) => (p.totalLines > 0 ? Math.min(99, Math.floor((p.doneThroughLine / p.totalLines) * 100)) : 0);

const LIMIT_NAME = 'the auth setting importMaxBytes';

export const importRoutes: RouteRef[] = [
  defineRoute({
    method: 'POST', path: '/api/v1/users/import', permission: authPermissions.manageUsers,
    summary: 'Import accounts from CSV (email,name[,roles][,cohort]): 202 with the job; its result is { created, updated, failed: [{ line, error }] }',
    query: Type.Object({ invite: Type.Boolean({ default: false, description: 'Email each new account an invitation.' }) }),
    rawBody: { types: ['text/csv'] }, responses: { 202: JobAccepted },
    async handler(req) {
      const settings = await req.settings(authSettings);
      const limits = { maxBytes: settings.importMaxBytes, limitName: LIMIT_NAME, idleTimeoutMs: settings.importIdleSeconds * 1000 };
      const file = await receiveCsv(req, limits, IMPORT_CSV);
      const rows = importRows(file, await req.can(authPermissions.manageRoles));
      const job = await req.transaction(async (tx) => {
        const s = await stageImport(tx, rows, { createdBy: req.principal.id });
        await tx.audit({
          action: 'auth.users.importUpload', target: { type: 'import', id: s.importId },
          details: { importId: s.importId, rows: s.rows, bytes: file.bytes, invite: req.query.invite },
        });
        return tx.enqueue(importUsers, { importId: s.importId, invite: req.query.invite });
      });
      return reply.accepted(job);
    },
  }),
];

export const importJobs: JobRef[] = [importUsers as unknown as JobRef];

/** `\r[#####     ] 52% 52000/100000 lines` on stderr. */
function drawBar(done: number, total: number): void {
  const width = 30;
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * width);
  process.stderr.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${Math.floor(ratio * 100)}% ${done}/${total} lines`);
}

async function processWithBar(ctx: PluginContext, importId: string, invite: boolean, total: number, alreadyDone: number): Promise<ImportResult> {
  let done = alreadyDone;
  drawBar(done, total);
  const result = await runImport(ctx, importId, { invite }, (p) => {
    done += p.rows;
    drawBar(p.done ? total : done, total);
  });
  process.stderr.write('\n');
  return result;
}

/** A file to import, refused when larger than the import limit. */
function readFile(file: string, maxBytes: number): Buffer {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch (err) {
    throw badRequest(`cannot read ${file}: ${(err as Error).message}`);
  }
  if (size > maxBytes) throw payloadTooLarge(`${file} is larger than the import limit of ${formatBytes(maxBytes)} (${LIMIT_NAME}).`);
  return fs.readFileSync(file);
}

export const importCommands: CommandDef[] = [{
  name: 'users import',
  description: 'Import accounts from a CSV file (email,name[,roles][,cohort]): FILE [--invite]',
  options: { invite: { type: 'boolean' } },
  async run({ values, positionals }, ctx) {
    const invite = values.invite === true;
    const file = positionals[0];
    if (!file || positionals.length > 1) throw badRequest('usage: lectern users import FILE [--invite]');
    const { importMaxBytes } = await ctx.settings(authSettings);
    const bytes = readFile(file, importMaxBytes);
    const rows = importRows(parseCsv(bytes, IMPORT_CSV), true);
    const { staged, job } = await ctx.transaction(async (tx) => {
      const s = await stageImport(tx, rows, { createdBy: null });
      await tx.audit({
        action: 'auth.users.importUpload', target: { type: 'import', id: s.importId },
        details: { importId: s.importId, rows: s.rows, bytes: bytes.length, invite, via: 'cli', file: path.basename(file) },
      });
      return { staged: s, job: await tx.enqueue(importUsers, { importId: s.importId, invite }) };
    });
    process.stderr.write(`staged ${staged.rows} lines of ${file} as import ${staged.importId} (job ${job.id} finishes it if this command is interrupted)\n`);
    const result = await processWithBar(ctx, staged.importId, invite, staged.rows, staged.failed.length);
    const out = [`import ${staged.importId}: ${result.created} created, ${result.updated} updated, ${result.failed.length} failed`];
    for (const f of result.failed) out.push(`  line ${f.line}: ${f.error}`);
    process.stdout.write(out.join('\n') + '\n');
  },
}];
