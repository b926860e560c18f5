// Reports can be read from a PostgreSQL read replica (DATABASE_READ_URL) so they never load the primary.
// Without one, `readDb` is the primary itself. No replica runs here, so on PostgreSQL the "replica" is the
// same database reached through a pool of its own, named by application_name: the reports' queries must
// travel on that pool. The embedded database has no replica: DATABASE_READ_URL without DATABASE_URL stops
// the boot.
import { expect } from 'chai';
import { createTestApp } from 'lectern';
import { onPostgres } from '../../core/helpers';
import { ok } from './helpers';

const READS = 'lectern_reads_test';

/** The reports answer; returns the application_name-tagged queries seen on the read pool (PostgreSQL only). */
async function reportsRead(databaseReadUrl?: string): Promise<{ samePool: boolean; readQueries: string[] }> {
  const t = await createTestApp({ plugins: ['auth', 'courses', 'content', 'reporting'], config: { databaseReadUrl } });
  try {
    const admin = await t.persona('ada', 'admin');
    const course = await ok<{ id: string }>(admin.post('/api/v1/courses').send({ title: 'Replica course', code: 'RPL' }), 201);
    await t.jobs.drain();
    await ok(admin.get(`/api/v1/reports/course-completion?courseId=${course.id}`));
    await ok(admin.get('/api/v1/reports/compliance'));
    const samePool = t.app.database.readKnex === t.app.database.knex;
    if (!onPostgres) return { samePool, readQueries: [] };
    const { rows } = await t.db.raw('select query from pg_stat_activity where application_name = ? and datname = current_database()', [READS]) as { rows: { query: string }[] };
    return { samePool, readQueries: rows.map((r) => r.query) };
  } finally {
    await t.close();
  }
}

describe('reporting: reads from DATABASE_READ_URL', function () {
  this.timeout(60_000);

  it('reads reports from the primary without a replica, and from the replica\'s pool with one (PostgreSQL)', async () => {
    const primary = await reportsRead();
    expect(primary.samePool, 'without DATABASE_READ_URL, readDb is the primary').to.equal(true);
    if (!onPostgres) return; // the embedded database cannot have a replica: the next test checks it refuses one
    const url = new URL(process.env.DATABASE_URL as string);
    url.searchParams.set('application_name', READS);
    const replica = await reportsRead(url.toString());
    expect({
      samePool: replica.samePool,
      readPool: replica.readQueries.length > 0,
      onlyReads: replica.readQueries.every((q) => /^\s*(select|with)\b/i.test(q)),
      reports: replica.readQueries.some((q) => q.includes('reporting_')),
    }).to.deep.equal({ samePool: false, readPool: true, onlyReads: true, reports: true });
  });

  it('refuses to boot the embedded database with a read replica', async () => {
    const failed = await createTestApp({ plugins: [], config: { databaseUrl: undefined, databaseReadUrl: 'postgres://127.0.0.1/replica' } })
      .then(async (t) => { await t.close(); return 'booted'; }, (err: Error) => err.message);
    expect(failed).to.match(/DATABASE_READ_URL .*embedded database has none/);
  });
});
