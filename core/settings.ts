// Per-plugin settings: validated against the plugin's JSON Schema (defaults filled in), stored in
// the database, cached in memory, and refreshed on every instance when any instance changes them.
import type { Knex } from 'knex';
import type { TSchema } from '@sinclair/typebox';
import { compileValidator, type Validator } from './http/validation';
import { badRequest, notFound, type FieldError } from './http/errors';
import type { Revisions } from './sync';

const REVISION = 'settings';
type Values = Record<string, unknown>;
/**
 * Checks beyond the schema on the merged values (`next`), given the change asked for (`patch`); an empty
 * list means valid. `db` is the transaction the update runs in (read through it: a second connection may wait on it).
 */
export type SettingsCheck = (next: Values, patch: Values, db: Knex) => FieldError[] | Promise<FieldError[]>;

export class SettingsStore {
  private readonly schemas = new Map<string, { schema: TSchema; validate: Validator; check?: SettingsCheck }>();
  private cache: Promise<Map<string, Values>> | undefined;
  /** Each plugin's values with defaults filled in, valid while `filledFrom` is the loaded map. */
  private readonly filled = new Map<string, Values>();
  private filledFrom: Map<string, Values> | undefined;

  constructor(private readonly db: Knex, private readonly revisions: Revisions) {
    revisions.on(REVISION, () => { this.cache = undefined; });
  }

  /** `check` adds the rules a schema cannot say (an installed theme, an existing role); it sees schema-valid values only. */
  register(plugin: string, schema: TSchema, check?: SettingsCheck): void {
    this.schemas.set(plugin, { schema, validate: compileValidator(schema, 'body'), check });
  }

  schemaOf(plugin: string): TSchema | undefined {
    return this.schemas.get(plugin)?.schema;
  }

  /** The plugin's current settings, defaults filled in. */
  async get(plugin: string): Promise<Values> {
    return structuredClone(await this.current(plugin));
  }

  /**
   * The same values without a copy, for hot paths (every permission check, every page's layout): shared
   * and frozen, defaults filled in once per change. Callers must not change them.
   */
  async current(plugin: string): Promise<Readonly<Values>> {
    const entry = this.schemas.get(plugin);
    if (!entry) throw notFound(`plugin "${plugin}" has no settings`);
    const all = await this.load();
    let value = this.filled.get(plugin);
    if (!value || this.filledFrom !== all) {
      if (this.filledFrom !== all) { this.filled.clear(); this.filledFrom = all; }
      value = structuredClone(all.get(plugin) ?? {});
      entry.validate(value);
      this.filled.set(plugin, Object.freeze(value));
    }
    return value;
  }

  /** Merges `patch` into the stored settings; every invalid field is a 400. */
  async update(plugin: string, patch: Values, db: Knex = this.db): Promise<Values> {
    const entry = this.schemas.get(plugin);
    if (!entry) throw notFound(`plugin "${plugin}" has no settings`);
    const row: { value: Values } | undefined = await db('core_settings').where({ plugin }).first('value');
    const next = { ...(row?.value ?? {}), ...patch };
    const errors = entry.validate(next);
    if (!errors.length && entry.check) errors.push(...await entry.check(next, patch, db));
    if (errors.length) throw badRequest(`invalid settings for "${plugin}"`, errors);
    await db('core_settings').insert({ plugin, value: JSON.stringify(next), updated_at: db.fn.now() })
      .onConflict('plugin').merge();
    await this.revisions.bump(REVISION, db);
    return next;
  }

  private load(): Promise<Map<string, Values>> {
    this.cache ??= this.db('core_settings').select('plugin', 'value').then(
      (rows: { plugin: string; value: Values }[]) => new Map(rows.map((r) => [r.plugin, r.value])),
      (err: unknown) => { this.cache = undefined; throw err; });
    return this.cache;
  }
}
