// HTTP errors as RFC 9457 problem+json: a stable `type`, a title, a detail, and for bad input the
// list of every bad field. Handlers throw these; the server turns them into responses.
import { isBranded } from '../brand';

export interface FieldError { path: string; message: string }

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}

const HTTP_ERROR = Symbol.for('lectern.HttpError');

export class HttpError extends Error {
  readonly [HTTP_ERROR] = true;
  static [Symbol.hasInstance](value: unknown): boolean { return isBranded(value, HTTP_ERROR); }

  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'HttpError';
  }

  toProblem(): Problem {
    const problem: Problem = { type: `urn:lectern:problem:${this.slug}`, title: this.title, status: this.status, detail: this.detail };
    if (this.errors) problem.errors = this.errors;
    return problem;
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) => new HttpError(400, 'invalid-input', 'Invalid input', detail, errors);
export const unauthorized = (detail = 'Sign in to continue.') => new HttpError(401, 'unauthenticated', 'Not authenticated', detail);
export const forbidden = (detail = 'You do not have permission to do this.') => new HttpError(403, 'forbidden', 'Forbidden', detail);
export const notFound = (detail = 'Nothing is here.') => new HttpError(404, 'not-found', 'Not found', detail);
export const conflict = (detail: string) => new HttpError(409, 'conflict', 'Conflict', detail);
export const payloadTooLarge = (detail: string) => new HttpError(413, 'too-large', 'Payload too large', detail);
export const unsupportedMediaType = (detail: string) => new HttpError(415, 'unsupported-media-type', 'Unsupported media type', detail);
export const tooManyRequests = (retryAfterSeconds: number, detail = 'Too many requests; try again later.') =>
  new HttpError(429, 'rate-limited', 'Too many requests', detail, undefined, { 'Retry-After': String(retryAfterSeconds) });
export const serviceUnavailable = (detail: string, retryAfterSeconds = 5) =>
  new HttpError(503, 'unavailable', 'Service unavailable', detail, undefined, { 'Retry-After': String(retryAfterSeconds) });
