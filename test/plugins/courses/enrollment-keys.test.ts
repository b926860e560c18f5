// Guessing a course's enrollment key: wrong keys are throttled per user and course and per address (429
// with Retry-After), no more are checked than the limit even when they arrive at once, and a right key
// from a caller who is not throttled still enrolls.
import { expect } from 'chai';
import { createTestApp, type TestApp } from 'lectern';
import { account, type Account } from '../auth/helpers';
import { createCourse } from './helpers';

describe('courses: guessing enrollment keys', () => {
  let t: TestApp;
  let manager: Account;
  let users = 0;
  before(async function () {
    this.timeout(60_000); // the first app of a run migrates the template database
    t = await createTestApp({
      plugins: ['auth', 'courses'], config: { trustProxy: true }, clock: () => new Date('2030-01-01T09:00:00Z'),
      settings: { courses: { enrollmentKeyMaxFailuresPerIp: 8 } },
    });
    manager = await account(t, 'manager@example.com', ['content-manager']);
  });
  after(() => t.close());

  const learner = () => account(t, `learner-${(users += 1)}@example.com`);
  const keyedCourse = () => createCourse(t, manager, { selfEnrollment: true, enrollmentKey: 'sesame' });
  const selfEnroll = (who: Account, ip: string, courseId: unknown, key: string) =>
    t.post(`/api/v1/courses/${String(courseId)}/self-enroll`).set(who.auth).set('X-Forwarded-For', ip).send({ key });

  it('checks at most five of 20 parallel wrong keys from one user on one course; the right key then waits too, another user gets in', async () => {
    const course = await keyedCourse();
    const [guesser, other] = [await learner(), await learner()];
    const guesses = await Promise.all(Array.from({ length: 20 }, (_, i) => selfEnroll(guesser, '10.5.0.1', course.id, `guess-${i}`)));
    const waits = await selfEnroll(guesser, '10.5.0.1', course.id, 'sesame');
    expect({
      guesses: guesses.map((r) => r.status).sort(),
      retryAfter: [...guesses, waits].filter((r) => r.status === 429).every((r) => Number(r.headers['retry-after']) > 0),
      waits: waits.status,
      other: (await selfEnroll(other, '10.5.0.1', course.id, 'sesame')).status,
    }).to.deep.equal({ guesses: [...Array(5).fill(400), ...Array(15).fill(429)], retryAfter: true, waits: 429, other: 201 });
  });

  it('refuses an address that has tried too many wrong keys on any course, even with the right key; elsewhere the right key works', async () => {
    const [first, second] = [await keyedCourse(), await keyedCourse()];
    const [a, b, c] = [await learner(), await learner(), await learner()];
    const wrong = [];
    for (let i = 0; i < 5; i += 1) wrong.push((await selfEnroll(a, '10.6.0.1', first.id, `guess-${i}`)).status);
    for (let i = 0; i < 3; i += 1) wrong.push((await selfEnroll(b, '10.6.0.1', second.id, `guess-${i}`)).status);
    expect({
      wrong,
      sameAddress: (await selfEnroll(c, '10.6.0.1', first.id, 'sesame')).status,
      elsewhere: (await selfEnroll(c, '10.6.0.2', first.id, 'sesame')).status,
    }).to.deep.equal({ wrong: Array(8).fill(400), sameAddress: 429, elsewhere: 201 });
  });
});
