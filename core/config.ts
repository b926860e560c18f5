// Configuration: defaults < lectern.config.json < environment < explicit overrides, validated with
// ajv at boot so a bad value stops the process with a message naming the key.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import Ajv from 'ajv';
import { BootError } from './errors';
import { privateDir } from './data-dir';

const ConfigSchema = Type.Object({
  port: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  host: Type.String({ default: '0.0.0.0' }),
  databaseUrl: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  /** A read replica for queries that may lag a moment (reports); needs databaseUrl. */
  databaseReadUrl: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  redisUrl: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  dataDir: Type.String({ minLength: 1, default: './data' }),
  /** Where the core's file storage keeps plugins' files (default <dataDir>/files). */
  filesDir: Type.Optional(Type.String({ minLength: 1 })),
  /** The bundled plugins a fresh install runs; organizations list their own. */
  plugins: Type.Array(Type.String({ pattern: '^[@a-zA-Z0-9./_-]+$' }), { default: ['auth', 'courses', 'content', 'reporting', 'maintenance', 'support', 'privacy'] }),
  theme: Type.String({ pattern: '^[a-z0-9-]+$', default: 'default' }),
  secret: Type.Optional(Type.String({ minLength: 32 })),
  logLevel: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), { default: 'info' }),
  /** `auto`: readable lines when stdout is a terminal, JSON lines otherwise (a log collector's format). */
  logFormat: Type.Union([Type.Literal('auto'), Type.Literal('json'), Type.Literal('pretty')], { default: 'auto' }),
  /** Trust X-Forwarded-* from a reverse proxy (client address, TLS). */
  trustProxy: Type.Boolean({ default: false }),
  /** The address users reach this site at, for links in emails (default http://localhost:<port>). */
  publicUrl: Type.Optional(Type.String({ pattern: '^https?://[^/]+$' })),
  /** SMTP server for outgoing email; without it email is written to <dataDir>/outbox as .eml files. */
  smtpUrl: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  mailFrom: Type.String({ minLength: 3, default: 'Lectern <no-reply@localhost>' }),
  bodyLimitBytes: Type.Integer({ minimum: 1024, default: 1_048_576 }),
  /** On SIGTERM, how long requests in flight (then running jobs) may take before their connections are cut (they are handed back). */
  shutdownTimeoutMs: Type.Integer({ minimum: 0, default: 10_000 }),
  /** How often each instance looks for changes made by other instances (plugins, settings, roles). */
  syncIntervalMs: Type.Integer({ minimum: 50, default: 1000 }),
  jobs: Type.Object({
    concurrency: Type.Integer({ minimum: 1, default: 4 }),
    lockMs: Type.Integer({ minimum: 500, default: 30_000 }),
    stalledIntervalMs: Type.Integer({ minimum: 500, default: 30_000 }),
    pollMs: Type.Integer({ minimum: 10, default: 500 }),
    /** BullMQ: how often each process relays committed jobs that have not reached Redis yet. */
    relayMs: Type.Integer({ minimum: 50, default: 1000 }),
    /** BullMQ: how often schedules are checked and restored when Redis lost them. */
    scheduleCheckMs: Type.Integer({ minimum: 100, default: 60_000 }),
    /** Redis key prefix of the BullMQ queues. */
    prefix: Type.String({ pattern: '^[a-zA-Z0-9_-]+$', default: 'lectern' }),
  }, { default: {} }),
}, { additionalProperties: false });

export type LecternConfig = Static<typeof ConfigSchema> & { secret: string; publicUrl: string; filesDir: string };
export type ConfigInput = Partial<Omit<Static<typeof ConfigSchema>, 'jobs'>> & { jobs?: Partial<Static<typeof ConfigSchema>['jobs']> };

const ENV: Record<string, keyof ConfigInput> = {
  PORT: 'port', HOST: 'host', DATABASE_URL: 'databaseUrl', DATABASE_READ_URL: 'databaseReadUrl', REDIS_URL: 'redisUrl', LECTERN_DATA_DIR: 'dataDir', LECTERN_FILES_DIR: 'filesDir',
  LECTERN_PLUGINS: 'plugins', LECTERN_THEME: 'theme', LECTERN_SECRET: 'secret', LOG_LEVEL: 'logLevel', LOG_FORMAT: 'logFormat', LECTERN_TRUST_PROXY: 'trustProxy',
  LECTERN_PUBLIC_URL: 'publicUrl', SMTP_URL: 'smtpUrl', LECTERN_MAIL_FROM: 'mailFrom', LECTERN_SHUTDOWN_TIMEOUT_MS: 'shutdownTimeoutMs',
};

const ajv = new Ajv({ allErrors: true, useDefaults: true, coerceTypes: true });
const validate = ajv.compile(ConfigSchema);

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  overrides?: ConfigInput;
  /** Skip generating and persisting a secret (tests pass one or accept a random one). */
  ephemeralSecret?: boolean;
}

export function loadConfig(opts: LoadConfigOptions = {}): LecternConfig {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const file = path.resolve(cwd, env.LECTERN_CONFIG ?? 'lectern.config.json');
  const raw: Record<string, unknown> = fs.existsSync(file) ? readJson(file) : {};
  const origin: Record<string, string> = Object.fromEntries(Object.keys(raw).map((k) => [k, file]));
  for (const [name, key] of Object.entries(ENV)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    raw[key] = key === 'plugins' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value;
    origin[key] = `environment variable ${name}`;
  }
  for (const [key, value] of Object.entries(opts.overrides ?? {})) {
    if (value !== undefined) raw[key] = key === 'jobs' ? { ...(raw.jobs as object), ...(value as object) } : value;
  }
  if (!validate(raw)) {
    const problems = (validate.errors ?? []).map((e) => {
      const key = e.instancePath.slice(1).replace(/\//g, '.') || String(e.params.additionalProperty ?? '');
      const from = origin[key.split('.')[0]] ? ` (from ${origin[key.split('.')[0]]})` : '';
      return `${key} ${e.message}${from}`;
    });
    throw new BootError('LECTERN_CONFIG_INVALID', `${problems.join('; ')}. Fix the value and start again.`);
  }
  const config = raw as Static<typeof ConfigSchema>;
  if (config.databaseReadUrl && !config.databaseUrl) {
    throw new BootError('LECTERN_CONFIG_INVALID', 'DATABASE_READ_URL names a read replica of DATABASE_URL; the embedded database has none. Unset it, or set DATABASE_URL too.');
  }
  config.dataDir = path.resolve(cwd, config.dataDir);
  const filesDir = path.resolve(cwd, config.filesDir ?? path.join(config.dataDir, 'files'));
  const secret = config.secret ?? (opts.ephemeralSecret ? crypto.randomBytes(32).toString('hex') : persistedSecret(config.dataDir));
  return { ...config, filesDir, secret, publicUrl: config.publicUrl ?? `http://localhost:${config.port}` };
}

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new BootError('LECTERN_CONFIG_INVALID', `${file} is not valid JSON: ${(err as Error).message}`);
  }
}

/** LECTERN_SECRET, when absent, is generated once and kept in the data dir. */
function persistedSecret(dataDir: string): string {
  const file = path.join(dataDir, 'secret');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  privateDir(dataDir);
  const secret = crypto.randomBytes(32).toString('hex');
  fs.writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}
