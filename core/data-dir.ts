// The data directory holds the embedded database (password hashes among it), the generated secret and
// the outbox of emails carrying sign-in links: only the server's own user may read any of it. It is
// created 0700 with 0600 files, and what an earlier version or PGlite left more open is tightened at start.
import fs from 'node:fs';
import path from 'node:path';

/** Creates `dir` (and missing parents) for this user only, or tightens it when it exists. */
export function privateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
}

/** Takes every permission of group and others off what `dir` holds: 0700 directories, 0600 files. */
export function tightenTree(dir: string): void {
  privateDir(dir);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const full = path.join(entry.parentPath, entry.name);
    if (entry.isDirectory()) fs.chmodSync(full, 0o700);
    else if (entry.isFile()) fs.chmodSync(full, 0o600);
  }
}
