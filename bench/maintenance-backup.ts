// Backup and restore at organization size, on PostgreSQL: the reporting benchmark's organization
// (100,000 learners, ~1,000,000 item-progress rows) seeded into a scratch schema, backed up the way
// `lectern backup` does it, then restored the way `lectern restore` does it into a second, empty scratch
// schema; prints the times, the file's size and rows per second as markdown. Run with
// `npm run bench:maintenance-backup` (and part of `npm run bench`; DATABASE_URL names the server; default the local test database).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchApp } from './bench-app';
import { inScratchSchema } from './scratch-schema';
import { seedOrganization, LEARNERS } from './reporting-seed';
import { hashPassword } from '../plugins/auth/passwords';
import { makeBackup } from '../plugins/maintenance/backup/make';
import { restoreBackup } from '../plugins/maintenance/backup/restore';
import { benchDatabaseUrl } from './baselines';
import { loadAverage, machine } from './report';
import { runCli, type ScenarioResult } from './scenario';

const PLUGINS = ['auth', 'courses', 'content', 'reporting', 'maintenance'];
const progress = (msg: string) => process.stderr.write(`[bench:maintenance-backup] ${msg}\n`);
const seconds = (since: number) => (performance.now() - since) / 1000;
const rssMb = () => process.memoryUsage().rss / 2 ** 20;

export async function maintenanceBackupScenario(): Promise<ScenarioResult> {
  const databaseUrl = benchDatabaseUrl();
  const started = new Date();
  const loadBefore = loadAverage();
  return inScratchSchema(databaseUrl, 'bench_backup', async ({ schema, serverVersion }) => {
    const source = await benchApp({ databaseUrl, schema, plugins: PLUGINS });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-bench-backup-')), 'backup.jsonl.gz');
    let progressRows = 0;
    let backup = { seconds: 0, size: 0, rows: 0, tables: 0, files: 0, rssPeak: 0 };
    try {
      await source.app.start();
      const t0 = performance.now();
      ({ progressRows } = await seedOrganization(source.app.database.knex, await hashPassword('bench password 1')));
      progress(`seeded ${LEARNERS} learners, ${progressRows} progress rows in ${seconds(t0).toFixed(1)} s`);
      let rssPeak = rssMb();
      const sampler = setInterval(() => { rssPeak = Math.max(rssPeak, rssMb()); }, 100);
      const t1 = performance.now();
      const row = await makeBackup(source.app.contextOf('maintenance'), { actorId: null, via: 'cli' }).finally(() => clearInterval(sampler));
      const counts = Object.values(row.rows);
      backup = { seconds: seconds(t1), size: Number(row.size), rows: counts.reduce((a, b) => a + b, 0), tables: counts.length, files: row.files, rssPeak };
      // Kept outside the source's working folder, which goes with it.
      fs.copyFileSync(path.join(row.directory, row.file_name), file);
      progress(`backup: ${backup.rows} rows in ${backup.seconds.toFixed(1)} s, ${(backup.size / 2 ** 20).toFixed(1)} MB`);
    } finally {
      await source.app.stop();
      source.cleanup();
    }
    return inScratchSchema(databaseUrl, 'bench_restore', async (target) => {
      const { app, cleanup } = await benchApp({ databaseUrl, schema: target.schema, plugins: PLUGINS });
      try {
        let rssPeak = rssMb();
        const sampler = setInterval(() => { rssPeak = Math.max(rssPeak, rssMb()); }, 100);
        const t2 = performance.now();
        const done = await restoreBackup(app.contextOf('maintenance'), file, { force: false }).finally(() => clearInterval(sampler));
        const restoreSeconds = seconds(t2);
        progress(`restore: ${done.rows} rows in ${restoreSeconds.toFixed(1)} s`);
        const out = [
          '# Lectern backup and restore benchmark', '',
          `- Run: ${started.toISOString()}; machine: ${machine()}`,
          `- Load average (1/5/15 min): ${loadBefore} before, ${loadAverage()} after`,
          `- Database: PostgreSQL ${serverVersion}, scratch schemas dropped after the run; ${PLUGINS.join(' + ')}; the reporting benchmark's organization (${LEARNERS.toLocaleString('en-US')} learners, ${progressRows.toLocaleString('en-US')} item-progress rows)`,
          '',
          '| Step | Time | Rows | Rows/s | Size | Peak RSS |',
          '|---|---|---|---|---|---|',
          `| Backup (\`lectern backup\`: one snapshot, gzip'd JSON lines) | ${backup.seconds.toFixed(1)} s | ${backup.rows.toLocaleString('en-US')} in ${backup.tables} tables | ${Math.round(backup.rows / backup.seconds).toLocaleString('en-US')} | ${(backup.size / 2 ** 20).toFixed(1)} MB | ${backup.rssPeak.toFixed(0)} MB |`,
          `| Restore (\`lectern restore\` into an empty schema: check, migrate, load, keys, sequences) | ${restoreSeconds.toFixed(1)} s | ${done.rows.toLocaleString('en-US')} | ${Math.round(done.rows / restoreSeconds).toLocaleString('en-US')} | | ${rssPeak.toFixed(0)} MB |`,
        ];
        return {
          report: out.join('\n'),
          rows: [
            { name: `Backup of ${backup.rows.toLocaleString('en-US')} rows (${(backup.size / 2 ** 20).toFixed(1)} MB), peak RSS of this process`, value: `${backup.seconds.toFixed(1)} s, ${backup.rssPeak.toFixed(0)} MB` },
            { name: 'Restore into an empty schema, peak RSS of this process', value: `${restoreSeconds.toFixed(1)} s, ${rssPeak.toFixed(0)} MB` },
          ],
        };
      } finally {
        await app.stop();
        cleanup();
        fs.rmSync(path.dirname(file), { recursive: true, force: true });
      }
    });
  });
}

if (require.main === module) runCli('maintenance-backup', maintenanceBackupScenario, 1);
