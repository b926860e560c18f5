// Boot errors carry a stable code and say what to do, e.g.
// `LECTERN_PLUGIN_DEPENDENCY_MISSING: plugin "courses" depends on "auth", which is not enabled`.
export class BootError extends Error {
  constructor(readonly code: string, detail: string) {
    super(`${code}: ${detail}`);
    this.name = 'BootError';
  }
}
