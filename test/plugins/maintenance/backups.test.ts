// Backups and restore, on PGlite and on PostgreSQL: data made through the API by several plugins (an
// uploaded file among it) is backed up by the API's job, restored into a fresh database with no tables
// and compared table by table (row count and a checksum of every row) and file by file (SHA-256).
// Damaged backups, a target that is not empty, a backup from a newer schema are refused and change
// nothing; retention keeps the newest N; the download is the file itself, for maintenance:backup only.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { expect } from 'chai';
import knexFactory from 'knex';
import { PGlite } from '@electric-sql/pglite';
import { App, createTestApp, type Knex, type TestApp } from 'lectern';
import { notEmpty, restoreBackup } from '../../../plugins/maintenance/backup/restore';
import { backupCommands } from '../../../plugins/maintenance/commands';
import { onPostgres } from '../../core/helpers';

const PLUGINS = ['auth', 'courses', 'content', 'reporting', 'maintenance'];
type Json = Record<string, unknown>;

async function ok<T = Json>(req: PromiseLike<{ status: number; body: unknown; text?: string }>, status: number): Promise<T> {
  const res = await req;
  expect(res.status, JSON.stringify(res.body)).to.equal(status);
  return res.body as T;
}

/** A little of everything: accounts, a course with a section, an uploaded file placed in it, enrollments, progress, a cohort. */
async function seed(t: TestApp): Promise<void> {
  const ada = await t.persona('ada', 'admin');
  const [lou, sam] = await Promise.all(['lou', 'sam'].map((n) => t.persona(n)));
  const page = await ok<{ id: string }>(ada.post('/api/v1/content').send({ type: 'page', title: 'Exits', body: 'Know them. \u00e9\u00e8 \u{1F525} "quoted" \\ back' , completeWhen: 'done' }), 201);
  const file = await ok<{ id: string }>(ada.post('/api/v1/content').send({ type: 'file', title: 'Floor plan' }), 201);
  await ok(ada.put(`/api/v1/content/${file.id}/file`).set('Content-Type', 'application/zip')
    .set('Content-Disposition', 'attachment; filename="plan.zip"').send(Buffer.concat([Buffer.from('504b0304', 'hex'), crypto.randomBytes(150_000)])), 200);
  for (const id of [page.id, file.id]) {
    await ok(ada.post(`/api/v1/content/${id}/submit`), 200);
    await ok(ada.post(`/api/v1/content/${id}/approve`), 200);
  }
  const course = await ok<{ id: string }>(ada.post('/api/v1/courses').send({ title: 'Fire safety', code: 'FIRE' }), 201);
  await ok(ada.post(`/api/v1/courses/${course.id}/publish`), 200);
  const section = await ok<{ id: string }>(ada.post(`/api/v1/courses/${course.id}/sections`).send({ title: 'Basics' }), 201);
  const item = await ok<{ id: string }>(ada.post(`/api/v1/courses/${course.id}/sections/${section.id}/items`).send({ contentId: `content:${page.id}`, required: true }), 201);
  await ok(ada.post(`/api/v1/courses/${course.id}/sections/${section.id}/items`).send({ contentId: `content:${file.id}`, required: false }), 201);
  for (const p of [lou, sam]) await ok(ada.post(`/api/v1/courses/${course.id}/enrollments`).send({ userId: p.id, role: 'learner' }), 201);
  await ok(lou.post(`/api/v1/courses/${course.id}/items/${item.id}/complete`).send({}), 201);
  const cohort = await ok<{ id: string }>(ada.post('/api/v1/cohorts').send({ name: 'Team A' }), 201);
  await ok(ada.put(`/api/v1/cohorts/${cohort.id}/members/${sam.id}`), 204);
  await t.jobs.drain();
}

/** Rows made by the backup itself (its job, its record, its audit record) and by the restore (its audit record). */
const AROUND_THE_BACKUP: Record<string, string> = {
  core_jobs: "name <> 'maintenance.backup'",
  core_job_outbox: "name <> 'maintenance.backup'",
  core_audit: "action not in ('maintenance.backup', 'maintenance.restore')",
  maintenance_backups: 'false',
};

/** Every table's row count and an md5 of all its rows (as text, in order). */
async function fingerprint(db: Knex): Promise<Record<string, string>> {
  const { rows } = await db.raw(`select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1`) as { rows: { name: string }[] };
  const out: Record<string, string> = {};
  for (const { name } of rows) {
    const where = AROUND_THE_BACKUP[name] ?? 'true';
    const { rows: [r] } = await db.raw(`select count(*)::int as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as h
      from ?? t where ${where}`, [name]) as { rows: { n: number; h: string }[] };
    out[name] = `${r.n} ${r.h}`;
  }
  return out;
}

/** Every stored file and its SHA-256. */
function files(dir: string): Record<string, string> {
  if (!fs.existsSync(dir)) return {};
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const full = path.join(e.parentPath, e.name);
    out[path.relative(dir, full)] = crypto.createHash('sha256').update(fs.readFileSync(full)).digest('hex');
  }
  return out;
}

/** A database with no tables at all (a new PGlite, or a new PostgreSQL schema) and an app on it, not started. */
async function freshTarget(): Promise<{ app: App; close(): Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-restore-'));
  const schema = `t_${crypto.randomBytes(5).toString('hex')}`;
  const databaseUrl = process.env.DATABASE_URL || undefined;
  if (databaseUrl) {
    const admin = knexFactory({ client: 'pg', connection: databaseUrl });
    await admin.raw('create schema ??', [schema]).finally(() => admin.destroy());
  }
  const app = await App.create({
    config: { databaseUrl, dataDir, plugins: [], logLevel: 'silent' }, env: {}, plugins: PLUGINS, workers: false, ephemeralSecret: true,
    database: databaseUrl ? { schema } : { pglite: new PGlite() },
  });
  return {
    app,
    async close() {
      await app.stop();
      if (databaseUrl) {
        const admin = knexFactory({ client: 'pg', connection: databaseUrl });
        await admin.raw('drop schema ?? cascade', [schema]).finally(() => admin.destroy());
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Rewrites a backup's decompressed lines with `change` and seals it again (a valid trailer), as a newer Lectern would write it. */
function resealed(file: string, change: (header: Json) => void): string {
  const lines = zlib.gunzipSync(fs.readFileSync(file)).toString().split('\n').slice(0, -2);
  const header = JSON.parse(lines[0]) as Json;
  change(header);
  lines[0] = JSON.stringify(header);
  const body = lines.map((l) => `${l}\n`).join('');
  const trailer = JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString().split('\n').slice(-2)[0]) as Json;
  trailer.sha256 = crypto.createHash('sha256').update(body).digest('hex');
  const out = `${file}.${crypto.randomBytes(4).toString('hex')}.gz`;
  fs.writeFileSync(out, zlib.gzipSync(body + `${JSON.stringify(trailer)}\n`));
  return out;
}

describe(`maintenance: backups and restore (${onPostgres ? 'PostgreSQL' : 'PGlite'})`, function () {
  this.timeout(120_000);
  let source: TestApp;
  let backup: { id: string; file: string };
  let original: Record<string, string>;

  before(async () => {
    source = await createTestApp({ plugins: PLUGINS, settings: { content: { allowSelfApproval: true } } });
    await seed(source);
    original = await fingerprint(source.db);
    const ada = await source.persona('ada');
    const started = await ok<{ job: { id: string } }>(ada.post('/api/v1/system/backups'), 202);
    await source.jobs.drain();
    const job = await ok<{ state: string; result: { backupId: string } }>(ada.get(`/api/v1/jobs/${started.job.id}`), 200);
    expect(job.state).to.equal('completed');
    const row = await source.db('maintenance_backups').where({ id: job.result.backupId }).first();
    backup = { id: String(row.id), file: path.join(row.directory, row.file_name) };
  });
  after(() => source?.close());

  it('lists the backup with its size, checksum and row counts, and audits it', async () => {
    const { items } = await ok<{ items: Json[] }>(source.as('ada').get('/api/v1/system/backups'), 200);
    expect(items).to.have.length(1);
    const bytes = fs.readFileSync(backup.file);
    expect(items[0]).to.include({ id: backup.id, state: 'completed', size: bytes.length, sha256: crypto.createHash('sha256').update(bytes).digest('hex'), files: 1 });
    const counted = Object.entries(original).filter(([table]) => !(table in AROUND_THE_BACKUP)).reduce((sum, [, v]) => sum + Number(v.split(' ')[0]), 0);
    expect(items[0].tables).to.equal(Object.keys(original).length);
    expect(items[0].rows).to.be.above(counted);
    const audit = await source.db('core_audit').where({ action: 'maintenance.backup' });
    expect(audit.map((a) => [a.actor_id, a.target_id])).to.deep.equal([[(await source.persona('ada')).id, backup.id]]);
  });

  it('restores every row and every file into a database with no tables', async () => {
    const target = await freshTarget();
    try {
      const done = await restoreBackup(target.app.contextOf('maintenance'), backup.file, { force: false });
      expect(done.pendingMigrations).to.deep.equal([]);
      expect(await fingerprint(target.app.database.knex)).to.deep.equal(original);
      expect(files(target.app.config.filesDir)).to.deep.equal(files(source.app.config.filesDir)).and.to.not.deep.equal({});
      await target.app.start();
      const restored = await target.app.database.knex('core_audit').where({ action: 'maintenance.restore' });
      expect(restored).to.have.length(1);
      // Sequences go on after the restored ids: new rows get new ids.
      const maxId = Number((await target.app.database.knex('core_audit').max('id as m').first())?.m);
      await target.app.contextOf('maintenance').audit({ action: 'maintenance.test' });
      expect(Number((await target.app.database.knex('core_audit').max('id as m').first())?.m)).to.equal(maxId + 1);
    } finally {
      await target.close();
    }
  });

  it('refuses a truncated backup and one with a flipped byte, changing nothing', async () => {
    const target = await createTestApp({ plugins: PLUGINS, workers: false });
    try {
      const untouched = await fingerprint(target.db);
      const bytes = fs.readFileSync(backup.file);
      const cut = `${backup.file}.cut`;
      fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
      const flipped = `${backup.file}.flipped`;
      const copy = Buffer.from(bytes);
      copy[Math.floor(copy.length / 2)] ^= 0xff;
      fs.writeFileSync(flipped, copy);
      for (const file of [cut, flipped]) {
        let refused: Error | undefined;
        await restoreBackup(target.app.contextOf('maintenance'), file, { force: true }).catch((err: Error) => { refused = err; });
        expect(refused?.message, refused?.message).to.match(/is refused: .*(truncated|corrupted|changed|cut short)/);
      }
      expect(await fingerprint(target.db)).to.deep.equal(untouched);
      expect(files(target.app.config.filesDir)).to.deep.equal({});
    } finally {
      await target.close();
    }
  });

  it('refuses a target that is not empty without --force, and replaces everything with it', async () => {
    const target = await createTestApp({ plugins: PLUGINS, workers: false });
    try {
      await target.persona('zed', 'admin');
      await ok(target.as('zed').post('/api/v1/courses').send({ title: 'Other', code: 'OTHER' }), 201);
      const untouched = await fingerprint(target.db);
      const restore = backupCommands.find((c) => c.name === 'restore');
      let refused: Error | undefined;
      await restore?.run({ values: {}, positionals: [backup.file] }, target.app.contextOf('maintenance')).catch((err: Error) => { refused = err; });
      expect(refused?.message).to.match(/^LECTERN_RESTORE_REFUSED: .*the target is not empty: table \w+ has rows.*--force.*Nothing was changed\.$/);
      expect(await fingerprint(target.db)).to.deep.equal(untouched);
      await restoreBackup(target.app.contextOf('maintenance'), backup.file, { force: true });
      expect(await fingerprint(target.db)).to.deep.equal(original);
      expect(files(target.app.config.filesDir)).to.deep.equal(files(source.app.config.filesDir));
    } finally {
      await target.close();
    }
  });

  it('refuses a backup naming a migration this installation does not know, or made by a newer Lectern', async () => {
    const target = await freshTarget();
    try {
      const future = resealed(backup.file, (h) => { h.migrations = [...(h.migrations as string[]), 'maintenance/9999_future']; });
      const newer = resealed(backup.file, (h) => { h.lecternVersion = '99.0.0'; });
      const refusal = (file: string) => restoreBackup(target.app.contextOf('maintenance'), file, { force: false }).then(() => '', (err: Error) => err.message);
      expect(await refusal(future)).to.match(/migrations this installation does not know \(maintenance\/9999_future\)/);
      expect(await refusal(newer)).to.match(/made by Lectern 99\.0\.0, newer than this/);
      const { rows } = await target.app.database.knex.raw(`select count(*)::int as n from information_schema.tables where table_schema = current_schema()`) as { rows: { n: number }[] };
      expect(rows[0].n).to.equal(0);
      // What `lectern migrate` makes is empty too.
      await target.app.migrate();
      expect(await notEmpty(target.app.contextOf('maintenance'), target.app.config.filesDir)).to.equal(null);
    } finally {
      await target.close();
    }
  });

  it('downloads the very bytes of the file, for maintenance:backup holders only', async () => {
    const res = await source.as('ada').get(`/api/v1/system/backups/${backup.id}/download`)
      .buffer(true).parse((r, cb) => { const parts: Buffer[] = []; r.on('data', (c: Buffer) => parts.push(c)); r.on('end', () => cb(null, Buffer.concat(parts))); });
    expect(res.status).to.equal(200);
    expect(res.headers['content-disposition']).to.match(/^attachment; filename="lectern-backup-.*\.jsonl\.gz"$/);
    expect(Buffer.compare(res.body as Buffer, fs.readFileSync(backup.file))).to.equal(0);
    await source.persona('lou');
    await ok(source.as('lou').get(`/api/v1/system/backups/${backup.id}/download`), 403);
    await ok(source.as('lou').get('/api/v1/system/backups'), 403);
    await ok(source.as('lou').post('/api/v1/system/backups'), 403);
    await ok(source.get(`/api/v1/system/backups/${backup.id}/download`), 401);
    await ok(source.as('ada').get('/api/v1/system/backups/999999/download'), 404);
  });

  it('keeps the newest backupsToKeep backups and deletes the older files', async () => {
    const t = await createTestApp({ plugins: PLUGINS, settings: { maintenance: { backupsToKeep: 2 } } });
    try {
      const ada = await t.persona('ada', 'admin');
      for (let i = 0; i < 3; i++) {
        await ok(ada.post('/api/v1/system/backups'), 202);
        await t.jobs.drain();
      }
      const { items } = await ok<{ items: { id: string; fileName: string }[] }>(ada.get('/api/v1/system/backups'), 200);
      expect(items).to.have.length(2);
      const dir = path.join(t.app.config.dataDir, 'backups');
      expect(fs.readdirSync(dir).sort()).to.deep.equal(items.map((i) => i.fileName).sort());
      expect(await t.db('core_audit').where({ action: 'maintenance.backup' }).count('* as n').first()).to.deep.equal({ n: 3 });
    } finally {
      await t.close();
    }
  });
});
