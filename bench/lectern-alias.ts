// Makes `require('lectern')` (how the example plugin, like any outside plugin, imports the core) load
// the core compiled next to this file (../core) instead of the package's dist/ through self-reference.
// Without it a build in another folder would run the example plugin against a second copy of the core
// in dist/, which others rebuild (and wipe) at any time. Import this before any plugin.
import Module from 'node:module';
import path from 'node:path';

type ResolveFilename = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;
const loader = Module as unknown as { _resolveFilename: ResolveFilename };
const coreEntry = path.join(__dirname, '..', 'core', 'index.js');
const original = loader._resolveFilename;

loader._resolveFilename = function resolveLectern(this: unknown, request, parent, isMain, options) {
  return original.call(this, request === 'lectern' ? coreEntry : request, parent, isMain, options);
};
