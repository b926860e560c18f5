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
 * Checks beyond the schema on the merged values; an empty list means they are valid. `db` is the
 * transaction the update runs in (read through it: a second connection may wait on this one).
 */
export type SettingsCheck = (values: Values, db: Knex) => Promise<FieldError[]>;

export class SettingsStore {
  private readonly schemas = new Map<string, { schema: TSchema; validate: Validator; check?: SettingsCheck }>();
  private cache: Promise<Map<string, Values>> | undefined;

  constructor(private readonly db: Knex, private readonly revisions: Revisions) {
    revisions.on(REVISION, () => { this.cache = undefined; });
  }

  /** `check` validates what the schema cannot (e.g. that a named role exists); its errors are a 400. */
  register(plugin: string, schema: TSchema, check?: SettingsCheck): void {
    this.schemas.set(plugin, { schema, validate: compileValidator(schema, 'body'), check });
  }

  schemaOf(plugin: string): TSchema | undefined {
    return this.schemas.get(plugin)?.schema;
  }

  /** The plugin's current settings, defaults filled in. */
  async get(plugin: string): Promise<Values> {
    const entry = this.schemas.get(plugin);
    if (!entry) throw notFound(`plugin "${plugin}" has no settings`);
    const stored = (await this.load()).get(plugin) ?? {};
    const value = structuredClone(stored);
    entry.validate(value);
    return value;
  }

  /** Merges `patch` into the stored settings; every invalid field is a 400. */
  async update(plugin: string, patch: Values, db: Knex = this.db): Promise<Values> {
    const entry = this.schemas.get(plugin);
    if (!entry) throw notFound(`plugin "${plugin}" has no settings`);
    const row: { value: Values } | undefined = await db('core_settings').where({ plugin }).first('value');
    const next = { ...(row?.value ?? {}), ...patch };
    const errors = entry.validate(next);
    if (!errors.length && entry.check) errors.push(...await entry.check(next, db));
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
