// Reports can be read from a PostgreSQL read replica (DATABASE_READ_URL) so they never load the primary.
// No replica runs here, so the "replica" is the same database reached through its own pool, named by
// application_name: the reports' queries must travel on that pool, and the writes on the primary's.
// The embedded database has no replica: DATABASE_READ_URL without DATABASE_URL stops the boot.
import { expect } from 'chai';
import { createTestApp } from 'lectern';
import { onPostgres } from '../../core/helpers';
import { ok } from './helpers';

const READS = 'lectern_reads_test';

describe('reporting: reads from DATABASE_READ_URL', function () {
  this.timeout(60_000);

  it('sends the reports\' queries to the read pool and the writes to the primary', async function () {
    if (!onPostgres) this.skip();
    const url = new URL(process.env.DATABASE_URL as string);
    url.searchParams.set('application_name', READS);
    const t = await createTestApp({ plugins: ['auth', 'courses', 'content', 'reporting'], config: { databaseReadUrl: url.toString() } });
    try {
      const admin = await t.persona('ada', 'admin');
      const course = await ok<{ id: string }>(admin.post('/api/v1/courses').send({ title: 'Replica course', code: 'RPL' }), 201);
      await t.jobs.drain();
      await ok(admin.get(`/api/v1/reports/course-completion?courseId=${course.id}`));
      await ok(admin.get('/api/v1/reports/compliance'));
      const { rows } = await t.db.raw('select query from pg_stat_activity where application_name = ? and datname = current_database()', [READS]) as { rows: { query: string }[] };
      const queries = rows.map((r) => r.query);
      expect({
        readPool: queries.length > 0,
        onlyReads: queries.every((q) => /^\s*(select|with)\b/i.test(q)),
        reports: queries.some((q) => q.includes('reporting_')),
      }).to.deep.equal({ readPool: true, onlyReads: true, reports: true });
    } finally {
      await t.close();
    }
  });

  it('refuses to boot the embedded database with a read replica', async () => {
    const failed = await createTestApp({ plugins: [], config: { databaseUrl: undefined, databaseReadUrl: 'postgres://127.0.0.1/replica' } })
      .then(async (t) => { await t.close(); return 'booted'; }, (err: Error) => err.message);
    expect(failed).to.match(/DATABASE_READ_URL .*embedded database has none/);
  });
});
