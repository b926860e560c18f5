// The auth plugin's public surface (`lectern/auth`), for plugins that list 'auth' in dependsOn: the
// directory of users and cohorts (and whom a caller may find in it), the attempt counter that throttles
// guessing, its permissions, the events it emits when accounts and cohorts change and people sign in, and
// the extension point through which a plugin links its own pages about a person from the account's admin page.
import { defineEvent, defineExtensionPoint, defineService, sendMail, type PermissionRef, type PluginContext, type Principal } from 'lectern';
import type { UserStatus } from './users';

export interface DirectoryUser { id: string; email: string; name: string; status: UserStatus }
export interface Cohort { id: string; name: string; memberCount: number; createdAt: string; updatedAt: string }

export interface Directory {
  user(id: string): Promise<DirectoryUser | null>;
  /** Users by email, keyed by the lowercased email; unknown emails are absent. */
  usersByEmail(emails: string[]): Promise<Map<string, DirectoryUser>>;
  usersById(ids: string[]): Promise<Map<string, DirectoryUser>>;
  /** Ids of users whose name or email contains `text` (any case), lowest first, at most `limit`. */
  searchUsers(text: string, limit: number): Promise<string[]>;
  cohort(id: string): Promise<Cohort | null>;
  /** Cohorts by id; unknown ids are absent. */
  cohortsById(ids: string[]): Promise<Map<string, Cohort>>;
  /**
   * Of `ids`, the users `principal` may find: every one when they hold `users:view` or `users:find` at the
   * system context, otherwise only themselves. Unknown and hidden ids are alike absent, so the answer never
   * tells which accounts exist.
   */
  visibleUsers(principal: Principal, ids: string[]): Promise<Map<string, DirectoryUser>>;
  /** Of `ids`, the cohorts `principal` may find: every one with `users:view` or `users:find`, otherwise none. */
  visibleCohorts(principal: Principal, ids: string[]): Promise<Map<string, Cohort>>;
  /** The cohorts `principal` may find, by name (a picker), at most `limit` of them. */
  visibleCohortsByName(principal: Principal, limit: number): Promise<Cohort[]>;
  /** Ids of every cohort, lowest first, in pages (`after` is the last id of the previous page). */
  cohortIds(opts: { after?: string; limit: number }): Promise<string[]>;
  /** Member ids of a cohort, in pages (`after` is the last id of the previous page). */
  cohortMembers(cohortId: string, opts?: { after?: string; limit?: number }): Promise<string[]>;
}

export const AuthDirectory = defineService<Directory>('auth.directory');

/**
 * The people `lectern seed` made, by the addresses it gives them: `instructor@example.com` and
 * `instructor<n>@example.com`, `learner@example.com` and `learner<n>@example.com`.
 */
export const SEEDED_EMAIL = { instructor: '^instructor[0-9]*@example\\.com$', learner: '^learner[0-9]*@example\\.com$' } as const;
/** Ids of the seeded instructors and learners, lowest first: the named accounts (instructor@, learner@example.com) lead. */
export interface SeededPeople { instructors: string[]; learners: string[] }
/** For a plugin's seed hook (after auth's): whom to enroll and who teaches. */
export const AuthSeededPeople = defineService<() => Promise<SeededPeople>>('auth.seededPeople');

/** An address a mail server can deliver to (the first administrator may be admin@localhost). */
const MAILABLE = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/**
 * Emails one message to each of `userIds` who is active and has a deliverable address ("Hello <name>,"
 * first), one core.sendMail job each; returns how many were sent. For a plugin's notification jobs.
 */
export async function mailPeople(ctx: PluginContext, userIds: readonly string[], message: { subject: string; text: string }): Promise<number> {
  const people = await ctx.resolve(AuthDirectory).usersById([...new Set(userIds)]);
  let sent = 0;
  for (const person of people.values()) {
    if (person.status !== 'active' || !MAILABLE.test(person.email)) continue;
    await ctx.enqueue(sendMail, { to: person.email, subject: message.subject, text: `Hello ${person.name},\n\n${message.text}\n` });
    sent += 1;
  }
  return sent;
}

/** A counter an attempt is counted under (e.g. `courses.key:<user>:<course>`, starting with the plugin's name), and its attempts per window. */
export interface AttemptLimit { key: string; limit: number }
/** What `reserve` counted, for `release`. */
export interface AttemptReservation { readonly counted: readonly { key: string; windowStartedAt: Date }[] }

/** Throttles guessing (as auth does logins), counted in the database so every instance counts the same. */
export interface Attempts {
  /**
   * Counts one attempt under every key before the caller checks it: a key allows `limit` attempts per
   * `windowMinutes`, then is blocked for `windowMinutes`. When a key is blocked, counts nothing and
   * throws 429 with Retry-After ("Too many <counted>."); at most `limit` attempts are ever checked, even
   * when many arrive at once. Put the keys the caller alone uses first.
   */
  reserve(limits: readonly AttemptLimit[], opts: { windowMinutes: number; counted: string }): Promise<AttemptReservation>;
  /** Gives back an attempt that was right, so only failures use up the limits. */
  release(reservation: AttemptReservation): Promise<void>;
}

export const AuthAttempts = defineService<Attempts>('auth.attempts');

/** An administrator still signing in with the password set at first start (random, or from LECTERN_ADMIN_PASSWORD). */
export interface InitialPassword { userId: string; email: string; source: 'generated' | 'environment' }

/** What a security review needs to know about accounts and sign-in. */
export interface SecurityFacts {
  /** Active accounts whose password is still the one set at first start (at most 100). */
  initialPasswords(): Promise<InitialPassword[]>;
  /** The password and session policy in force (`commonPasswords`: how many common passwords are refused). */
  policy(): Promise<{
    passwordMinLength: number; passwordMaxLength: number; passwordMinClasses: number; commonPasswords: number;
    sessionIdleMinutes: number; sessionAbsoluteHours: number;
  }>;
}

export const AuthSecurityFacts = defineService<SecurityFacts>('auth.securityFacts');

/**
 * The part of a client address a throttle counts: an IPv4 address whole, an IPv6 one by its /64 network,
 * the block one subscriber gets (counting each of its 2^64 addresses apart would let it dodge every limit).
 */
export function addressKey(ip: string): string {
  const address = ip.replace(/%.*$/, '').toLowerCase();
  if (!address.includes(':') || address.startsWith('::ffff:')) return address.replace(/^::ffff:/, '');
  const [head, tail] = address.split('::');
  const front = head ? head.split(':') : [];
  const back = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = [...front, ...Array<string>(Math.max(0, 8 - front.length - back.length)).fill('0'), ...back];
  return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}

export const userCreated = defineEvent<{ userId: string; email: string }>('auth.userCreated');
export const userDeactivated = defineEvent<{ userId: string }>('auth.userDeactivated');
export const userReactivated = defineEvent<{ userId: string }>('auth.userReactivated');
/** Members joined a cohort (one event per change, however many users it added). */
export const cohortMembersAdded = defineEvent<{ cohortId: string; userIds: string[] }>('auth.cohortMembersAdded');
export const cohortMembersRemoved = defineEvent<{ cohortId: string; userIds: string[] }>('auth.cohortMembersRemoved');
export const cohortDeleted = defineEvent<{ cohortId: string }>('auth.cohortDeleted');

/** A person proved their password: a new session (`password`), or a personal API token created with it (`token`). Never for a failed attempt. */
export const signedIn = defineEvent<{ userId: string; at: string; method: 'password' | 'token' }>('auth.signedIn');

export const authEvents = [userCreated, userDeactivated, userReactivated, cohortMembersAdded, cohortMembersRemoved, cohortDeleted, signedIn];

/**
 * A page of another plugin about one person (a transcript, say), linked under "Related" on the account's
 * admin page (/admin/users/:id) for those who hold `permission` at the system context.
 */
export interface UserLink {
  /** The link's text, e.g. `Transcript`. */
  label: string;
  /** Where the page is, e.g. `/reports/learners/12`. */
  href(userId: string): string;
  permission: PermissionRef;
}

export const userLinks = defineExtensionPoint<UserLink>('auth.userLinks');

/**
 * Where a role may be given below the system (categories, courses), found by name: the picker of the
 * "Assign a role" form on an account's admin page searches each contributed type.
 */
export interface ContextChoice {
  type: 'category' | 'course';
  /** What the type is called in the picker, e.g. `Course`. */
  label: string;
  /** At most `limit` contexts of this type whose name contains `query` (all when it is blank), best first. */
  search(query: string, limit: number, ctx: PluginContext): Promise<{ id: string; label: string }[]>;
}

export const contextChoices = defineExtensionPoint<ContextChoice>('auth.contextChoices');

export { authPermissions } from './permissions';
