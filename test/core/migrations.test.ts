// Migrations: recorded per plugin, run in dependency order, and pending ones stop a server that
// was not told to migrate.
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import knexFactory from 'knex';
import { PGlite } from '@electric-sql/pglite';
import { createApp, createTestApp, type AppOptions } from 'lectern';
import { onPostgres } from './helpers';

/** A fresh, empty database: a new schema on PostgreSQL, a new in-memory PGlite otherwise. */
async function emptyDatabase(): Promise<{ database: AppOptions['database']; drop(): Promise<void> }> {
  if (!onPostgres) return { database: { pglite: new PGlite() }, drop: async () => undefined };
  const schema = `m_${crypto.randomBytes(4).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: process.env.DATABASE_URL });
  await admin.raw(`create schema "${schema}"`);
  return { database: { schema }, drop: async () => { await admin.raw(`drop schema "${schema}" cascade`); await admin.destroy(); } };
}

describe('migrations', () => {
  it('records each migration under its plugin, core first', async () => {
    const t = await createTestApp({ plugins: ['hello-plugin'] });
    try {
      const rows = await t.db('core_migrations').orderBy('migrated_at').orderBy('id').select('id', 'plugin');
      expect(rows).to.deep.equal([
        { id: 'core/0001_base', plugin: 'core' },
        { id: 'core/0002_jobs', plugin: 'core' },
        { id: 'core/0003_job_outbox', plugin: 'core' },
        { id: 'core/0004_audit_prune', plugin: 'core' },
        { id: 'core/0005_audit_redact', plugin: 'core' },
        { id: 'core/0006_change_notices', plugin: 'core' },
        { id: 'hello/0001_greetings', plugin: 'hello' },
        { id: 'hello/0002_daily_counts', plugin: 'hello' },
      ]);
      expect((await t.app.migrationStatus()).every((s) => s.applied)).to.equal(true);
    } finally {
      await t.close();
    }
  });

  it('refuses to start with pending migrations unless told to migrate', async () => {
    const empty = await emptyDatabase();
    const opts: AppOptions = {
      plugins: ['hello-plugin'], env: {}, ephemeralSecret: true, database: empty.database,
      config: { databaseUrl: process.env.DATABASE_URL || undefined, dataDir: path.join(os.tmpdir(), 'lectern-migrations'), logLevel: 'silent' },
    };
    const app = await createApp(opts);
    try {
      const err = await app.start().catch((e: Error) => e);
      expect((err as Error).message).to.equal('LECTERN_MIGRATIONS_PENDING: 8 migration(s) have not run (core/0001_base, core/0002_jobs, core/0003_job_outbox, core/0004_audit_prune, core/0005_audit_redact). Run `lectern migrate`, or start with --migrate.');
      expect((await app.migrationStatus()).map((s) => [s.id, s.applied])).to.deep.equal([
        ['core/0001_base', false], ['core/0002_jobs', false], ['core/0003_job_outbox', false], ['core/0004_audit_prune', false],
        ['core/0005_audit_redact', false], ['core/0006_change_notices', false], ['hello/0001_greetings', false], ['hello/0002_daily_counts', false],
      ]);
      const all = ['core/0001_base', 'core/0002_jobs', 'core/0003_job_outbox', 'core/0004_audit_prune', 'core/0005_audit_redact', 'core/0006_change_notices', 'hello/0001_greetings', 'hello/0002_daily_counts'];
      expect(await app.migrate()).to.deep.equal(all);
      expect(await app.migrate()).to.deep.equal([]);
      // A run that applied migrations is on the record (with the run's ids); one that applied none is not.
      expect(await app.database.knex('core_audit').where({ action: 'maintenance.migrate' }).select('details')).to.deep.equal([{ details: { migrations: all } }]);
      await app.start();
    } finally {
      await app.stop();
      await empty.drop();
    }
  });
});
