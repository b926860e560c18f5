// Recertification, driven by the test clock: a completion of a course with recertifyAfterDays expires;
// `recertifyNoticeDays` before that the daily job re-enrolls the learner for a new cycle due at the
// expiry and emails them, keeping the earlier completion in the history; an expiry that passes is
// recorded and announced. Running the job again changes nothing.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { addItems, as, createCourse, enroll, eventNames, expectStatus, useWorld } from './helpers';
import { recertify } from '../../../plugins/courses/recertify';
import type { Account } from '../auth/helpers';

describe('courses: recertification', () => {
  const w = useWorld({ settings: { recertifyNoticeDays: 7 } });

  /** Runs the daily job now, as its schedule would. */
  async function runDailyJob(): Promise<unknown> {
    const job = await w.t.app.contextOf('courses').enqueue(recertify, {});
    await w.t.jobs.drain();
    return (await w.t.app.jobs.get(job.id))?.result;
  }
  const outbox = () => {
    const dir = path.join(w.t.app.config.dataDir, 'outbox');
    return fs.existsSync(dir) ? fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')) : [];
  };

  it('re-enrolls before expiry with a new due date and an email, records the expiry, and keeps every completion', async () => {
    w.clock.set('2030-01-01T09:00:00.000Z');
    const course = await createCourse(w.t, w.manager, { title: 'Fire safety', recertifyAfterDays: 30 });
    const [item] = await addItems(w.t, w.manager, course.id, ['1']);
    const [learner, idle, deactivated] = [await w.user('certified'), await w.user('idle'), await w.user('deactivated')];
    for (const u of [learner, idle, deactivated]) await enroll(w.t, w.manager, course.id, u.id);
    const complete = (who: Account) => expectStatus(as(w.t, who).post(`/api/v1/courses/${String(course.id)}/items/${item}/complete`), 201);
    await complete(learner);
    await complete(deactivated);
    await expectStatus(as(w.t, w.admin).post(`/api/v1/users/${deactivated.id}/deactivate`), 200);
    const mine = async () => {
      const m = await expectStatus(as(w.t, learner).get(`/api/v1/me/courses/${String(course.id)}`), 200);
      return { cycle: m.cycle, state: m.state, dueAt: m.dueAt, completions: m.completions };
    };
    const from = w.events.length;

    w.clock.set('2030-01-23T09:00:00.000Z'); // 8 days before the expiry: not yet
    const early = await runDailyJob();
    w.clock.set('2030-01-24T09:00:00.000Z'); // 7 days before: re-enroll
    const due = await runDailyJob();
    const again = await runDailyJob();
    const renewed = await mine();
    const mail = outbox().filter((m) => m.includes(`To: ${learner.email}`));

    w.clock.set('2030-01-31T09:00:01.000Z'); // the first completion has lapsed
    const lapsed = await runDailyJob();
    const expired = await mine();

    w.clock.set('2030-02-01T10:00:00.000Z');
    await complete(learner);
    const recertified = await mine();
    const first = { cycle: 1, completedAt: '2030-01-01T09:00:00.000Z', expiresAt: '2030-01-31T09:00:00.000Z' };

    expect({
      results: [early, due, again, lapsed],
      renewed, expired, recertified,
      mail: mail.map((m) => /Subject: (.*)/.exec(m)?.[1]),
      events: eventNames(w.events, from).filter((n) => n !== 'courses.itemCompleted'),
      reenrolledEvent: w.events.slice(from).find((e) => e.name === 'courses.enrolled')?.payload,
      idle: (await expectStatus(as(w.t, idle).get(`/api/v1/me/courses/${String(course.id)}`), 200)).state,
    }).to.deep.equal({
      results: [{ reenrolled: 0, expired: 0 }, { reenrolled: 1, expired: 0 }, { reenrolled: 0, expired: 0 }, { reenrolled: 0, expired: 2 }],
      renewed: { cycle: 2, state: 'not-started', dueAt: '2030-01-31T09:00:00.000Z', completions: [{ ...first, expiredAt: null }] },
      expired: { cycle: 2, state: 'expired', dueAt: '2030-01-31T09:00:00.000Z', completions: [{ ...first, expiredAt: '2030-01-31T09:00:01.000Z' }] },
      recertified: {
        cycle: 2, state: 'completed', dueAt: '2030-01-31T09:00:00.000Z',
        completions: [
          { ...first, expiredAt: '2030-01-31T09:00:01.000Z' },
          { cycle: 2, completedAt: '2030-02-01T10:00:00.000Z', expiresAt: '2030-03-03T10:00:00.000Z', expiredAt: null },
        ],
      },
      mail: ['Recertification due: Fire safety'],
      events: ['courses.enrolled', 'courses.completionExpired', 'courses.completionExpired', 'courses.courseCompleted'],
      reenrolledEvent: { courseId: String(course.id), userId: learner.id, role: 'learner', source: 'recertification', cycle: 2, dueAt: '2030-01-31T09:00:00.000Z' },
      idle: 'not-started',
    });
  });
});
