/**
 * Error mapping for the API's RFC 9457 problem documents.
 *
 * Every failed call through the typed client becomes an ApiError. Forms turn
 * its errors[] into per-field messages with fieldErrors(); everything else
 * shows errorMessage() in a notification or an alert.
 */

/** One entry of a problem document's errors[]. */
export interface ProblemDetail {
  location?: string;
  message?: string;
  value?: unknown;
}

/** An RFC 9457 problem document as the server sends it. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
  errors?: ProblemDetail[] | null;
}

/** ApiError is what every failed API call throws. status 0 means the request never got an answer. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  /** Seconds to wait before retrying, from the Retry-After header (429, 503). */
  readonly retryAfter: number | null;

  constructor(status: number, problem: Problem, retryAfter: number | null = null) {
    super(problem.detail || problem.title || `Request failed (${status})`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
}

/** isApiError reports whether err is an ApiError, optionally with one of the given statuses. */
export function isApiError(err: unknown, ...statuses: number[]): err is ApiError {
  return err instanceof ApiError && (statuses.length === 0 || statuses.includes(err.status));
}

/**
 * parseRetryAfter reads a Retry-After header value: either delta-seconds or an
 * HTTP date. It returns whole seconds (at least 1), or null when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date = new Date()): number | null {
  if (value == null) return null;
  const v = value.trim();
  if (v === '') return null;
  if (/^\d+$/.test(v)) return Math.max(1, parseInt(v, 10));
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(1, Math.ceil((at - now.getTime()) / 1000));
}

/** toProblem turns whatever came back as an error body into a Problem. */
export function toProblem(status: number, body: unknown): Problem {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    return {
      type: typeof b.type === 'string' ? b.type : undefined,
      title: typeof b.title === 'string' ? b.title : undefined,
      status: typeof b.status === 'number' ? b.status : status,
      detail: typeof b.detail === 'string' ? b.detail : undefined,
      instance: typeof b.instance === 'string' ? b.instance : undefined,
      errors: Array.isArray(b.errors) ? (b.errors as ProblemDetail[]) : undefined,
    };
  }
  // A proxy or a crash may answer with text or HTML; never show that raw.
  return { status, title: statusTitle(status) };
}

function statusTitle(status: number): string {
  switch (status) {
    case 400:
      return 'Bad request';
    case 401:
      return 'Please sign in';
    case 403:
      return 'You do not have permission to do that';
    case 404:
      return 'Not found';
    case 409:
      return 'Conflict';
    case 413:
      return 'Too large';
    case 422:
      return 'Some fields need attention';
    case 429:
      return 'Too many attempts';
    default:
      return status >= 500 ? 'Something went wrong on our side' : `Request failed (${status})`;
  }
}

/**
 * fieldPath maps a problem location to a form field path: "body.email" →
 * "email", "body.custom_fields.plan" → "custom_fields.plan", "body.tags[2]" →
 * "tags.2". Locations outside the body (query, path, header) map to null.
 */
export function fieldPath(location: string | undefined): string | null {
  if (!location) return null;
  if (location === 'body') return null;
  if (!location.startsWith('body.')) return null;
  const path = location
    .slice('body.'.length)
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/^\.+|\.+$/g, '');
  return path === '' ? null : path;
}

/** humanizeMessage rewrites the validator's terse messages into sentences people read. */
export function humanizeMessage(message: string | undefined): string {
  const m = (message ?? '').trim();
  if (m === '') return 'Invalid value';
  let r: RegExpMatchArray | null;
  if ((r = m.match(/^expected length >= (\d+)$/))) return `Must be at least ${r[1]} characters`;
  if ((r = m.match(/^expected length <= (\d+)$/))) return `Must be at most ${r[1]} characters`;
  if (/^expected string to be in "email" format$/.test(m)) return 'Enter a valid email address';
  if (/^expected string to be RFC 5322 email/.test(m)) return 'Enter a valid email address';
  if (/^expected string to be in "uuid" format$/.test(m)) return 'Choose a valid value';
  if (/^expected value to be one of/.test(m)) return 'Choose one of the allowed values';
  if (/^expected required property \S+ to be present$/.test(m)) return 'Required';
  // "is already registered" reads as a sentence about the field: "Already registered".
  if ((r = m.match(/^is (.+)$/))) return r[1].charAt(0).toUpperCase() + r[1].slice(1);
  return m.charAt(0).toUpperCase() + m.slice(1);
}

/** FieldErrors is the result of fieldErrors(): messages per form field, and those that fit no field. */
export interface FieldErrors {
  fields: Record<string, string>;
  general: string[];
}

/**
 * fieldErrors splits a problem's errors[] into per-field messages (keyed by form
 * path) and general messages. When knownFields is given, a message for a field
 * the form does not show becomes general, so it is never silently lost. The first
 * message per field wins. A problem without errors[] yields its detail as general.
 */
export function fieldErrors(problem: Problem, knownFields?: readonly string[]): FieldErrors {
  const fields: Record<string, string> = {};
  const general: string[] = [];
  for (const e of problem.errors ?? []) {
    let path = fieldPath(e.location);
    // "expected required property email to be present" is reported at "body".
    const req = (e.message ?? '').match(/^expected required property (\S+) to be present$/);
    if (req && (e.location === 'body' || path)) path = path ? `${path}.${req[1]}` : req[1];
    const message = humanizeMessage(e.message);
    const root = path?.split('.')[0];
    if (path && (!knownFields || (root !== undefined && knownFields.includes(root)))) {
      const key = knownFields && knownFields.includes(path) ? path : knownFields ? root! : path;
      if (!(key in fields)) fields[key] = message;
    } else {
      const label = path ? `${path.replace(/_/g, ' ')}: ` : '';
      general.push(label + message);
    }
  }
  if (Object.keys(fields).length === 0 && general.length === 0) {
    const msg = problem.detail || problem.title;
    if (msg) general.push(msg);
  }
  return { fields, general };
}

/** throttleMessage is the sentence shown for a 429. */
export function throttleMessage(retryAfter: number | null): string {
  if (retryAfter == null) return 'Too many attempts, try again in a moment.';
  if (retryAfter >= 120) {
    const minutes = Math.ceil(retryAfter / 60);
    return `Too many attempts, try again in ${minutes} minutes.`;
  }
  return `Too many attempts, try again in ${retryAfter} ${retryAfter === 1 ? 'second' : 'seconds'}.`;
}

/** errorMessage is the one sentence to show a person for any error. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 0) return "Can't reach the server. Check your connection and try again.";
    if (err.status === 429) return throttleMessage(err.retryAfter);
    if (err.status === 503 && err.problem.detail) {
      // Busy or not ready (a full connection pool, a statement over its time
      // limit): the server's sentence says to try again.
      const d = err.problem.detail.trim();
      return d.charAt(0).toUpperCase() + d.slice(1) + (/[.!?]$/.test(d) ? '' : '.');
    }
    if (err.status >= 500) {
      const id = err.problem.instance || err.problem.detail;
      return 'Something went wrong on our side. Please try again.' + (id && id !== 'internal error' ? ` (${id})` : '');
    }
    if (err.status === 403) return err.problem.detail || 'You do not have permission to do that.';
    const { general, fields } = fieldErrors(err.problem);
    if (general.length > 0) return general.join(' ');
    const first = Object.entries(fields)[0];
    if (first) return `${first[0].replace(/_/g, ' ')}: ${first[1]}`;
    return err.message;
  }
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}
