// Boot errors carry a stable code and say what to do, e.g.
// `LECTERN_PLUGIN_DEPENDENCY_MISSING: plugin "courses" depends on "auth", which is not enabled`.
import { isBranded } from './brand';

const BOOT_ERROR = Symbol.for('lectern.BootError');

export class BootError extends Error {
  readonly [BOOT_ERROR] = true;
  static [Symbol.hasInstance](value: unknown): boolean { return isBranded(value, BOOT_ERROR); }

  constructor(readonly code: string, detail: string) {
    super(`${code}: ${detail}`);
    this.name = 'BootError';
  }
}
