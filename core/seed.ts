// `lectern seed` and `lectern demo`: a made-up organization, written by each enabled plugin's own `seed` hook
// in dependency order. The core only sizes the plan, calls the hooks and sums up what they made; it knows
// nothing of people or courses.
import { parseArgs } from 'node:util';
import type { App } from './app';
import { BootError } from './errors';
import type { SeedCounts, SeedPlan } from './plugin';

type Size = Omit<SeedPlan, 'password'>;

export const SEED_SIZES: Readonly<Record<'small' | 'medium' | 'large', Size>> = {
  small: { users: 40, courses: 8, cohorts: 2, categories: 4 },
  medium: { users: 10_000, courses: 100, cohorts: 20, categories: 8 },
  large: { users: 100_000, courses: 200, cohorts: 50, categories: 10 },
};

/** The password of the demo's named accounts, printed by `lectern demo`. */
export const DEMO_PASSWORD = 'lectern-demo-2024';

/** The code of the BootError a seed hook throws for a database that already has people: `lectern demo` then seeds nothing. */
export const ALREADY_SEEDED = 'LECTERN_SEED_REFUSED';

const USAGE = 'lectern seed [--size small|medium|large] [--users N] [--courses N] [--cohorts N] [--categories N] [--password P]';

/** The plan from the command line: a size (default medium), each count overridable. */
export function seedPlanOf(args: string[]): SeedPlan {
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({ args, options: Object.fromEntries(['size', 'users', 'courses', 'cohorts', 'categories', 'password'].map((o) => [o, { type: 'string' as const }])) }).values;
  } catch (err) {
    throw new BootError('LECTERN_USAGE', `${(err as Error).message}. Usage: ${USAGE}`);
  }
  const size = values.size ?? 'medium';
  if (!(size in SEED_SIZES)) throw new BootError('LECTERN_USAGE', `unknown size "${size}". Usage: ${USAGE}`);
  const plan: SeedPlan = { ...SEED_SIZES[size as keyof typeof SEED_SIZES], password: values.password ?? null };
  for (const key of ['users', 'courses', 'cohorts', 'categories'] as const) {
    const given = values[key];
    if (given === undefined) continue;
    if (!/^\d{1,7}$/.test(given)) throw new BootError('LECTERN_USAGE', `--${key} must be a whole number. Usage: ${USAGE}`);
    plan[key] = Number(given);
  }
  if (plan.users < 10 || plan.courses < 1 || plan.categories < 1) throw new BootError('LECTERN_USAGE', `seed at least 10 users, 1 course and 1 category. Usage: ${USAGE}`);
  return plan;
}

export interface SeedReport { plugins: { plugin: string; counts: SeedCounts; ms: number }[]; ms: number }

/** Runs every enabled plugin's seed hook in dependency order (the app started); a hook's refusal stops the rest. */
export async function seedOrganization(app: App, plan: SeedPlan): Promise<SeedReport> {
  const started = Date.now();
  const plugins: SeedReport['plugins'] = [];
  for (const p of app.plugins) {
    if (!p.seed || !app.isEnabled(p.name)) continue;
    const t = Date.now();
    const counts = await p.seed(plan, app.contextOf(p.name));
    plugins.push({ plugin: p.name, counts, ms: Date.now() - t });
  }
  return { plugins, ms: Date.now() - started };
}

/** One line per plugin (`courses  200 courses, 150000 enrollments  (3.2 s)`), then the total. */
export function describeSeed(report: SeedReport): string[] {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const width = Math.max(0, ...report.plugins.map((p) => p.plugin.length));
  return [
    ...report.plugins.map((p) => `${p.plugin.padEnd(width)}  ${Object.entries(p.counts).map(([k, n]) => `${n} ${k}`).join(', ')}  (${seconds(p.ms)})`),
    `seeded in ${seconds(report.ms)}`,
  ];
}
