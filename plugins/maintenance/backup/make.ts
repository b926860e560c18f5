// Making a backup and keeping its record: the file is written into the backup directory (setting
// backupDirectory, default <dataDir>/backups), then — in one transaction — its row is recorded, the
// backup is audited, and the rows beyond the newest `backupsToKeep` are deleted; their files go after
// the commit. A backup that fails leaves no file, and a row and an audit record that say why.
import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { CoreServices, type PluginContext } from 'lectern';
import { maintenanceSettings } from '../settings';
import { writeBackup } from './write';

export const BACKUPS = 'maintenance_backups';

export interface BackupRow {
  id: number | string; state: 'completed' | 'failed'; directory: string; file_name: string; size: number | string | null;
  sha256: string | null; rows: Record<string, number>; files: number; error: string | null; created_at: Date | string;
}

/** The backup directory: the setting (relative to the data directory when not absolute), or <dataDir>/backups. */
export async function backupDirectory(ctx: PluginContext): Promise<string> {
  const { backupDirectory: configured } = await ctx.settings(maintenanceSettings);
  return path.resolve(ctx.resolve(CoreServices.system).dataDir, configured || 'backups');
}

export async function makeBackup(ctx: PluginContext, who: { actorId: string | null; via: 'job' | 'cli' }): Promise<BackupRow> {
  const system = ctx.resolve(CoreServices.system);
  const dir = await backupDirectory(ctx);
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  const now = ctx.now();
  const fileName = `lectern-backup-${now.toISOString().replace(/[-:.]/g, '').replace('T', '-')}-${crypto.randomBytes(3).toString('hex')}.jsonl.gz`;
  const audit = { actorId: who.actorId, ip: who.via === 'cli' ? 'cli' : null };
  let written: Awaited<ReturnType<typeof writeBackup>>;
  try {
    written = await writeBackup(path.join(dir, fileName), {
      db: ctx.db, filesDir: system.filesDir, lecternVersion: system.version, driver: system.databaseDriver, now,
    });
  } catch (err) {
    const error = (err as Error).message;
    await ctx.transaction(async (tx) => {
      const [row] = await tx.db(BACKUPS).insert({ state: 'failed', directory: dir, file_name: fileName, error, created_at: now }, ['id']);
      await tx.audit({ ...audit, action: 'maintenance.backup', target: { type: 'backup', id: String(row.id) }, details: { state: 'failed', error, via: who.via } });
    });
    throw err;
  }
  const { keep, row } = await ctx.transaction(async (tx) => {
    const [inserted] = await tx.db(BACKUPS).insert({
      state: 'completed', directory: dir, file_name: fileName, size: written.size, sha256: written.sha256,
      rows: JSON.stringify(written.rows), files: written.files, created_at: now,
    }, '*') as BackupRow[];
    await tx.audit({
      ...audit, action: 'maintenance.backup', target: { type: 'backup', id: String(inserted.id) },
      details: { state: 'completed', fileName, size: written.size, sha256: written.sha256, files: written.files, via: who.via },
    });
    const { backupsToKeep } = await ctx.settings(maintenanceSettings);
    const old: Pick<BackupRow, 'id' | 'directory' | 'file_name'>[] = await tx.db(BACKUPS)
      .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).offset(backupsToKeep).select('id', 'directory', 'file_name');
    if (old.length) await tx.db(BACKUPS).whereIn('id', old.map((o) => o.id)).delete();
    return { keep: old, row: inserted };
  });
  for (const o of keep) await fsp.rm(path.join(o.directory, o.file_name), { force: true });
  return row;
}
