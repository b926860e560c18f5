// `lectern backup` (a backup made in the foreground, e.g. from cron or before an upgrade) and
// `lectern restore FILE [--force]` (a backup put back into an empty database; docs/operations.md
// "Backups and disaster recovery"). A refused restore says why and changes nothing.
import path from 'node:path';
import { BootError, formatBytes, type CommandDef } from 'lectern';
import { makeBackup } from './backup/make';
import { restoreBackup } from './backup/restore';
import { BackupRefused } from './backup/check';

const out = (line: string) => process.stdout.write(`${line}\n`);

export const backupCommands: CommandDef[] = [
  {
    name: 'backup',
    description: 'Back up the database and the stored files into the backup directory; prints the file, its size and SHA-256',
    async run(_args, ctx) {
      const row = await makeBackup(ctx, { actorId: null, via: 'cli' });
      out(`backup written: ${path.join(row.directory, row.file_name)}`);
      out(`size: ${formatBytes(Number(row.size))} (${Number(row.size)} bytes)`);
      out(`sha256: ${row.sha256}`);
    },
  },
  {
    name: 'restore',
    description: 'Restore a backup FILE into an empty database (--force replaces everything in a database that is not empty)',
    options: { force: { type: 'boolean' } },
    start: false,
    async run({ values, positionals }, ctx) {
      const [file, ...extra] = positionals;
      if (!file || extra.length) throw new BootError('LECTERN_USAGE', 'lectern restore FILE [--force]');
      try {
        const done = await restoreBackup(ctx, path.resolve(file), { force: values.force === true });
        out(`restored ${path.basename(file)} (made ${done.header.createdAt} by Lectern ${done.header.lecternVersion}): ${done.header.tables.length} tables, ${done.rows} rows, ${done.files} files`);
        if (done.pendingMigrations.length) out(`${done.pendingMigrations.length} newer migration(s) have not run yet: run \`lectern migrate\` (or start with --migrate)`);
      } catch (err) {
        if (err instanceof BackupRefused) throw new BootError('LECTERN_RESTORE_REFUSED', `${err.message}. Nothing was changed.`);
        throw err;
      }
    },
  },
];
