// The database's own ceiling for bench:writes' two targets: the statements one request sends (as a
// traced request sends them — round trips, literals and prepared names alike; docs/core.md "Round trips
// of a write"), replayed straight through pg on 10 connections (the server's pool size), with no HTTP
// server and no Lectern. What PostgreSQL alone takes per second on this machine bounds what any server
// code could reach: a target above it cannot be met by changing the server.
import pg, { escapeLiteral } from 'pg';
import type { Figures } from './measure';

const CONNECTIONS = 10;
const lit = (v: string | number) => escapeLiteral(String(v));

export interface CeilingInput { databaseUrl: string; schema: string; adminId: string; learners: string[]; courses: string[]; seconds: number }

type Transaction = (client: pg.Client, i: number) => Promise<unknown>;

/** Runs `transaction` on CONNECTIONS clients for `seconds`; the figures of a load generator's run (rps = transactions per second). */
async function replay(databaseUrl: string, schema: string, seconds: number, transaction: Transaction): Promise<Figures> {
  const clients = Array.from({ length: CONNECTIONS }, () => new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${schema}` }));
  await Promise.all(clients.map((c) => c.connect()));
  const latencies: number[] = [];
  let next = 0;
  const until = Date.now() + seconds * 1000;
  try {
    await Promise.all(clients.map(async (client) => {
      while (Date.now() < until) {
        const started = performance.now();
        await transaction(client, next++);
        latencies.push(performance.now() - started);
      }
    }));
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]);
  return {
    rps: latencies.length / seconds, p50: at(0.5), p99: at(0.99), meanLatency: latencies.reduce((a, b) => a + b, 0) / latencies.length,
    total: latencies.length, peakRssMb: 0,
  };
}

/** One cohort: BEGIN with its insert, then its audit record with the COMMIT. */
export function cohortCeiling(input: CeilingInput): Promise<Figures> {
  const stamp = Date.now().toString(36);
  return replay(input.databaseUrl, input.schema, input.seconds, async (client, i) => {
    const [, inserted] = await client.query(`BEGIN; insert into "auth_cohorts" ("name") values (${lit(`Ceiling ${stamp} ${i}`)}) on conflict (lower(name)) do nothing returning *`) as unknown as pg.QueryResult<{ id: number }>[];
    const id = inserted.rows[0].id;
    await client.query(`insert into "core_audit" ("action", "actor_id", "details", "ip", "target_id", "target_type") values ('auth.cohort.create', ${lit(input.adminId)}, ${lit(JSON.stringify({ name: `Ceiling ${i}` }))}, '127.0.0.1', ${lit(id)}, 'cohort'); COMMIT`);
  });
}

/**
 * One enrollment (learners from the end of the list, which the HTTP rounds do not reach): the account
 * check, BEGIN with the course, the enrollment, the course role, then the change notices and the audit
 * record with the COMMIT.
 */
export function enrollmentCeiling(input: CeilingInput): Promise<Figures> {
  const { learners, courses } = input;
  return replay(input.databaseUrl, input.schema, input.seconds, async (client, i) => {
    const userId = learners[learners.length - 1 - i];
    const courseId = courses[i % courses.length];
    if (!userId) throw new Error('ran out of learners for the ceiling');
    const now = new Date();
    await client.query({ name: 'account', text: 'select "id", "email", "name", "status" from "auth_users" where "id" in ($1)', values: [userId] });
    await client.query(`BEGIN; select * from "courses_courses" where "id" = ${lit(courseId)} limit '1'`);
    await client.query({
      name: 'enroll',
      text: `insert into "courses_enrollments" ("cohort_id", "course_id", "due_at", "enrolled_at", "role", "source", "status", "updated_at", "user_id")
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict ("course_id", "user_id") do nothing returning *`,
      values: [null, courseId, null, now, 'learner', 'manual', 'active', now, userId],
    });
    await client.query({
      name: 'role',
      text: `with r as (select key from core_roles where key = $1), c as (select id from core_contexts where type = $2 and instance_id = $3),
        made as (insert into core_role_assignments (user_id, role_key, context_id) select $4, r.key, c.id from r, c on conflict (user_id, role_key, context_id) do nothing returning id)
        select (select key from r) as role, (select id from c) as context_id, coalesce((select id from made),
          (select a.id from core_role_assignments a, r, c where a.user_id = $5 and a.role_key = r.key and a.context_id = c.id)) as id`,
      values: ['learner', 'course', courseId, userId, userId],
    });
    await client.query(`insert into "core_notices" ("payload") values (${lit(`permissions.users#${userId}`)}), (${lit(`courses.learners#${userId}`)});
      insert into "core_audit" ("action", "actor_id", "details", "ip", "target_id", "target_type") values ('courses.enroll', ${lit(input.adminId)},
      ${lit(JSON.stringify({ userId, role: 'learner', source: 'manual', dueAt: null }))}, '127.0.0.1', ${lit(courseId)}, 'course'); COMMIT`);
  });
}
