// Password hashing with scrypt (memory-hard, in node:crypto) and the password policy. Hashes are
// self-describing (`scrypt$N$r$p$salt$hash`) so the cost can be raised later without breaking old ones.
// The policy refuses passwords shorter than the setting, longer than 128 characters, and those on the list
// of common passwords shipped with the plugin (common-passwords.txt; its source and licence are in its
// header and common-passwords.NOTICE), read once into a Set.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { badRequest } from 'lectern';
import type { AuthSettings } from './settings';

const scrypt = promisify(crypto.scrypt) as (password: string, salt: Buffer, keylen: number, opts: crypto.ScryptOptions) => Promise<Buffer>;
const COST = { N: 32_768, r: 8, p: 1 }; // 32 MiB, ~0.1 s here
const KEY_LENGTH = 32;
const MAX_LENGTH = 256;
/** The longest password the policy accepts (longer ones are still checked up to MAX_LENGTH when signing in). */
export const POLICY_MAX_LENGTH = 128;

let common: Set<string> | undefined;

/** The common passwords, lowercased (read on first use). */
export function commonPasswords(): Set<string> {
  common ??= new Set(fs.readFileSync(path.join(__dirname, 'common-passwords.txt'), 'utf8').split('\n')
    .filter((line) => line && !line.startsWith('#')));
  return common;
}

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(password, salt, KEY_LENGTH, { ...COST, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** A hash of a random password: verifying against it costs as much as a real check (no timing oracle). */
let decoy: Promise<string> | undefined;

/** Constant-effort check; a missing hash (unknown user, invitation pending) still costs one scrypt. */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  decoy ??= hashPassword(crypto.randomBytes(16).toString('hex'));
  const [kind, n, r, p, salt, hash] = (stored ?? await decoy).split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scrypt(password.slice(0, MAX_LENGTH), Buffer.from(salt, 'base64url'), expected.length,
    { N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024 });
  return crypto.timingSafeEqual(actual, expected) && stored != null;
}

/** Throws a 400 naming `field` when the password does not meet the policy. */
export function checkPolicy(password: string, settings: AuthSettings, field: string, email?: string): void {
  const problems: string[] = [];
  if (password.length < settings.passwordMinLength) problems.push(`must be at least ${settings.passwordMinLength} characters`);
  if (password.length > POLICY_MAX_LENGTH) problems.push(`must be at most ${POLICY_MAX_LENGTH} characters`);
  if (commonPasswords().has(password.toLowerCase())) problems.push('is too common');
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(password)).length;
  if (classes < settings.passwordMinClasses) {
    problems.push(`must mix at least ${settings.passwordMinClasses} of: lowercase, uppercase, digits, other characters`);
  }
  const local = email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 3 && password.toLowerCase().includes(local)) problems.push('must not contain your email address');
  if (problems.length) throw badRequest(`The password ${problems.join('; ')}.`, problems.map((message) => ({ path: field, message })));
}
