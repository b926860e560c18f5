// Checking a course's enrollment key on self-enrollment. A key is short and shared, so guessing one must
// be slow: each try is counted through auth's attempt counter (AuthAttempts) before the key is compared,
// per user and course and per address; past a limit the answer is 429 with Retry-After, and a right key
// gives its try back, so only wrong keys use up the limits.
import crypto from 'node:crypto';
import { badRequest, type SignedInRequest } from 'lectern';
import { addressKey, AuthAttempts } from 'lectern/auth';
import { courseSettings } from './settings';
import type { CourseRow } from './model/courses';

/** Compares an enrollment key without leaking its length or content through timing. */
function keyMatches(expected: string, given: string): boolean {
  const a = crypto.createHash('sha256').update(expected).digest();
  const b = crypto.createHash('sha256').update(given).digest();
  return crypto.timingSafeEqual(a, b);
}

const wrongKey = (message: string) => badRequest('The enrollment key is wrong.', [{ path: 'body.key', message }]);

/** Passes when the course has no key or `key` is it; a 400 for a missing or wrong key, a 429 while the caller is throttled. */
export async function checkEnrollmentKey(req: SignedInRequest, course: CourseRow, key: string | undefined): Promise<void> {
  if (course.enrollment_key === null) return;
  if (key === undefined) throw wrongKey('is required');
  const settings = await req.settings(courseSettings);
  const attempts = req.resolve(AuthAttempts);
  const reservation = await attempts.reserve([
    { key: `courses.key:${req.principal.id}:${course.id}`, limit: settings.enrollmentKeyMaxFailures },
    { key: `courses.key-ip:${addressKey(req.ip)}`, limit: settings.enrollmentKeyMaxFailuresPerIp },
  ], { windowMinutes: settings.enrollmentKeyThrottleMinutes, counted: 'wrong enrollment keys' });
  if (!keyMatches(course.enrollment_key, key)) throw wrongKey('does not match');
  await attempts.release(reservation);
}
