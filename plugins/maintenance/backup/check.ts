// Reading a whole backup file before anything is touched: gzip intact (zlib checks its CRC and length),
// a header of a known format, from this Lectern version or an older one, naming only migrations this
// installation knows; every table and file section complete and consistent with its end line; a trailer
// last, whose SHA-256 matches every byte before it. Anything else is refused with a message that says why.
import crypto from 'node:crypto';
import path from 'node:path';
import { backupLines, chunkOf, FORMAT, FORMAT_VERSION, isChunk, isRow, type Control, type Header, type Trailer } from './format';

export class BackupRefused extends Error {}

/** `<plugin>/<storage key>`: segments as storage keys have them, so nothing can point outside the files directory. */
const FILE_PATH = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)+$/;

export interface Checked { header: Header; trailer: Trailer }

/** `1.2.10` > `1.2.9`; pre-release and build parts are ignored. */
export function newerVersion(a: string, b: string): boolean {
  const parts = (v: string) => v.split(/[-+]/)[0].split('.').map(Number);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  return false;
}

function parse(line: Buffer, where: string): Control {
  try {
    return JSON.parse(line.toString()) as Control;
  } catch {
    throw new BackupRefused(`${where} is not a valid line`);
  }
}

/** Reads the whole file; returns its header and trailer, or throws BackupRefused. */
export async function checkBackup(file: string, known: { version: string; migrations: readonly string[] }): Promise<Checked> {
  const name = path.basename(file);
  const hash = crypto.createHash('sha256');
  let header: Header | undefined;
  let trailer: Trailer | undefined;
  let table: { name: string; rows: number } | undefined;
  let stored: { path: string; size: number; hash: crypto.Hash } | undefined;
  const counts: Record<string, number> = {};
  let lineNo = 0;
  try {
    for await (const line of backupLines(file)) {
      lineNo += 1;
      const where = `line ${lineNo}`;
      if (trailer) throw new BackupRefused(`${where} follows the trailer`);
      if (table && isRow(line)) {
        table.rows += 1;
        hash.update(line).update('\n');
        continue;
      }
      if (stored && isChunk(line)) {
        const bytes = chunkOf(line);
        stored.size += bytes.length;
        stored.hash.update(bytes);
        hash.update(line).update('\n');
        continue;
      }
      const c = parse(line, where);
      if (!header) {
        if (c.t !== 'header' || c.format !== FORMAT) throw new BackupRefused('it does not start with a Lectern backup header');
        header = checkHeader(c, known);
      } else if (c.t === 'trailer') {
        if (table || stored) throw new BackupRefused(`the ${table ? `table ${table.name}` : `file ${stored?.path}`} is not complete`);
        if (c.sha256 !== hash.digest('hex')) throw new BackupRefused('its SHA-256 does not match the one in its trailer: the file has been changed');
        trailer = c;
        continue;
      } else if (c.t === 'table' && !table && !stored) {
        if (!header.tables.some((t) => t.name === c.name) || c.name in counts) throw new BackupRefused(`${where} starts an unexpected table ${c.name}`);
        table = { name: c.name, rows: 0 };
      } else if (c.t === 'tableEnd' && table?.name === c.name) {
        if (c.rows !== table.rows) throw new BackupRefused(`table ${c.name} should have ${c.rows} rows but has ${table.rows}: the backup is corrupted`);
        counts[c.name] = c.rows;
        table = undefined;
      } else if (c.t === 'file' && !table && !stored) {
        if (typeof c.path !== 'string' || !FILE_PATH.test(c.path)) throw new BackupRefused(`${where} names a file outside the files directory`);
        stored = { path: c.path, size: 0, hash: crypto.createHash('sha256') };
      } else if (c.t === 'fileEnd' && stored?.path === c.path) {
        if (c.size !== stored.size || c.sha256 !== stored.hash.digest('hex')) throw new BackupRefused(`file ${c.path} does not match its size and SHA-256: the backup is corrupted`);
        stored = undefined;
      } else {
        throw new BackupRefused(`${where} is out of place`);
      }
      hash.update(line).update('\n');
    }
  } catch (err) {
    if (err instanceof BackupRefused) throw new BackupRefused(`${name} is refused: ${err.message}`);
    throw new BackupRefused(`${name} is refused: it is not an intact gzip file (${(err as Error).message}); it may be truncated or corrupted`);
  }
  if (!header) throw new BackupRefused(`${name} is refused: it is empty`);
  if (!trailer) throw new BackupRefused(`${name} is refused: it has no trailer, so it is incomplete (truncated)`);
  const missing = header.tables.filter((t) => !(t.name in counts)).map((t) => t.name);
  if (missing.length) throw new BackupRefused(`${name} is refused: table(s) ${missing.join(', ')} are missing`);
  if (Object.entries(counts).some(([t, n]) => trailer?.rows[t] !== n)) throw new BackupRefused(`${name} is refused: its trailer's row counts do not match its tables`);
  return { header, trailer };
}

function checkHeader(h: Header, known: { version: string; migrations: readonly string[] }): Header {
  if (h.formatVersion !== FORMAT_VERSION) {
    throw new BackupRefused(`its format version ${h.formatVersion} is not one this Lectern reads (${FORMAT_VERSION}); restore it with the Lectern that made it`);
  }
  if (newerVersion(h.lecternVersion, known.version)) {
    throw new BackupRefused(`it was made by Lectern ${h.lecternVersion}, newer than this ${known.version}; install ${h.lecternVersion} or later to restore it`);
  }
  const unknown = h.migrations.filter((m) => !known.migrations.includes(m));
  if (unknown.length) {
    throw new BackupRefused(`its database has migrations this installation does not know (${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', …' : ''}): it comes from a newer Lectern or one with other plugins; configure the same plugins, at the same or a later version`);
  }
  return h;
}
