// What auth throttles, and under which keys (counted by attempts.ts). A login is counted per account
// and address together (so failures from one address never lock the account out elsewhere), per address,
// and per account from anywhere (a higher ceiling, against guessing spread over many addresses). Password
// reset requests are counted per address and per email (each one may mail a link), whether or not the
// address has an account, so a 429 tells nothing about accounts. Account keys are hashed: the table
// never holds an email address.
import type { Knex, RouteRequest } from 'lectern';
import { addressKey, type AttemptReservation } from './api';
import { digest } from './secrets';
import { releaseAttempt, reserveAttempt } from './attempts';
import type { AuthSettings } from './settings';

const account = (email: string) => digest(email.trim().toLowerCase());

export interface LoginReservation { reserved: AttemptReservation; pairKey: string }

/** Counts a login attempt before its password is checked; 429 when the address, this address for this account, or the account is blocked. */
export async function reserveLogin(req: RouteRequest, email: string, settings: AuthSettings): Promise<LoginReservation> {
  const pairKey = `login-pair:${account(email)}:${addressKey(req.ip)}`;
  const reserved = await reserveAttempt(req.db, [
    { key: pairKey, limit: settings.maxFailuresPerAccount },
    { key: `login-ip:${addressKey(req.ip)}`, limit: settings.maxFailuresPerIp },
    { key: `login-account:${account(email)}`, limit: settings.maxFailuresPerAccountAnywhere },
  ], settings.throttleMinutes, req.now(), 'failed attempts');
  return { reserved, pairKey };
}

/** A successful login gives its attempt back, and forgets this address's failures for the account (not the others'). */
export async function loginSucceeded(db: Knex, login: LoginReservation): Promise<void> {
  await releaseAttempt(db, login.reserved);
  await db('auth_throttles').where({ key: login.pairKey }).delete();
}

/** Counts a password reset request (every one, kept or not); 429 when the address or the email has had its share. */
export async function reserveResetRequest(req: RouteRequest, email: string, settings: AuthSettings): Promise<void> {
  await reserveAttempt(req.db, [
    { key: `reset-ip:${addressKey(req.ip)}`, limit: settings.maxFailuresPerIp },
    { key: `reset:${account(email)}`, limit: settings.maxFailuresPerAccount },
  ], settings.throttleMinutes, req.now(), 'password reset requests');
}
