import { describe, expect, it } from 'vitest';
import { ApiError, errorMessage, fieldErrors, fieldPath, humanizeMessage, parseRetryAfter, throttleMessage, toProblem } from './errors';

describe('fieldPath', () => {
  it('maps body locations to form paths', () => {
    expect(fieldPath('body.email')).toBe('email');
    expect(fieldPath('body.custom_fields.plan')).toBe('custom_fields.plan');
    expect(fieldPath('body.tags[2]')).toBe('tags.2');
    expect(fieldPath('body.ids[0]')).toBe('ids.0');
  });
  it('ignores non-body locations', () => {
    expect(fieldPath('query.q')).toBeNull();
    expect(fieldPath('path.id')).toBeNull();
    expect(fieldPath('body')).toBeNull();
    expect(fieldPath(undefined)).toBeNull();
    expect(fieldPath('')).toBeNull();
  });
});

describe('humanizeMessage', () => {
  it('rewrites validator messages', () => {
    expect(humanizeMessage('expected length >= 8')).toBe('Must be at least 8 characters');
    expect(humanizeMessage('expected length <= 200')).toBe('Must be at most 200 characters');
    expect(humanizeMessage('expected string to be in "email" format')).toBe('Enter a valid email address');
    expect(humanizeMessage('expected value to be one of "owner, admin, member"')).toBe('Choose one of the allowed values');
    expect(humanizeMessage('expected required property name to be present')).toBe('Required');
    expect(humanizeMessage("expected string to be RFC 5322 email: mail: missing '@' or angle-addr")).toBe('Enter a valid email address');
    expect(humanizeMessage('is already used by another contact')).toBe('Already used by another contact');
    expect(humanizeMessage('must be a phone number, such as +14155550100')).toBe('Must be a phone number, such as +14155550100');
  });
  it('capitalizes anything else and never returns blank', () => {
    expect(humanizeMessage('already taken')).toBe('Already taken');
    expect(humanizeMessage('')).toBe('Invalid value');
    expect(humanizeMessage(undefined)).toBe('Invalid value');
  });
});

describe('fieldErrors', () => {
  const problem = {
    status: 422,
    title: 'Unprocessable Entity',
    detail: 'validation failed',
    errors: [
      { location: 'body.email', message: 'expected string to be in "email" format', value: 'nope' },
      { location: 'body.email', message: 'second message loses' },
      { location: 'body.phone', message: 'must be E.164' },
      { location: 'body', message: 'expected required property password to be present' },
      { location: 'query.limit', message: 'expected number <= 200' },
    ],
  };

  it('maps each body location to its field, first message wins', () => {
    const { fields, general } = fieldErrors(problem);
    expect(fields).toEqual({
      email: 'Enter a valid email address',
      phone: 'Must be E.164',
      password: 'Required',
    });
    expect(general).toEqual(['Expected number <= 200']);
  });

  it('sends fields the form does not show to general', () => {
    const { fields, general } = fieldErrors(problem, ['email', 'password']);
    expect(fields).toEqual({ email: 'Enter a valid email address', password: 'Required' });
    expect(general).toContain('phone: Must be E.164');
  });

  it('keys nested paths by the known root field', () => {
    const { fields } = fieldErrors(
      {
        errors: [
          { location: 'body.custom_fields.plan', message: 'too long' },
          { location: 'body.tags[1]', message: 'too long' },
        ],
      },
      ['custom_fields', 'tags'],
    );
    expect(fields).toEqual({ custom_fields: 'Too long', tags: 'Too long' });
  });

  it('falls back to detail, then title, when there is no errors[]', () => {
    expect(fieldErrors({ status: 409, title: 'Conflict', detail: 'a contact with this email already exists' })).toEqual({
      fields: {},
      general: ['a contact with this email already exists'],
    });
    expect(fieldErrors({ status: 409, title: 'Conflict' }).general).toEqual(['Conflict']);
    expect(fieldErrors({}).general).toEqual([]);
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2026-03-01T12:00:00Z');
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('30', now)).toBe(30);
    expect(parseRetryAfter(' 5 ', now)).toBe(5);
    expect(parseRetryAfter('0', now)).toBe(1);
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:01:00 GMT', now)).toBe(60);
  });
  it('returns null for missing or unreadable values', () => {
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('', now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
  });
});

describe('toProblem', () => {
  it('keeps problem fields', () => {
    expect(toProblem(404, { status: 404, title: 'Not Found', detail: 'contact not found' })).toMatchObject({
      status: 404,
      title: 'Not Found',
      detail: 'contact not found',
    });
  });
  it('never passes raw text or HTML through', () => {
    expect(toProblem(502, '<html>Bad gateway</html>')).toEqual({ status: 502, title: 'Something went wrong on our side' });
    expect(toProblem(404, undefined).title).toBe('Not found');
  });
});

describe('errorMessage', () => {
  it('explains throttling with Retry-After', () => {
    expect(errorMessage(new ApiError(429, { title: 'Too Many Requests' }, 42))).toBe('Too many attempts, try again in 42 seconds.');
    expect(errorMessage(new ApiError(429, { title: 'Too Many Requests' }, 1))).toBe('Too many attempts, try again in 1 second.');
    expect(errorMessage(new ApiError(429, {}, null))).toBe('Too many attempts, try again in a moment.');
    expect(throttleMessage(600)).toBe('Too many attempts, try again in 10 minutes.');
  });
  it('uses the detail, or the first field error', () => {
    expect(errorMessage(new ApiError(409, { detail: 'email already in use' }))).toBe('email already in use');
    expect(errorMessage(new ApiError(422, { errors: [{ location: 'body.first_name', message: 'too long' }] }))).toBe('first name: Too long');
  });
  it('is calm about network and server failures', () => {
    expect(errorMessage(new ApiError(0, {}))).toMatch(/can't reach the server/i);
    expect(errorMessage(new ApiError(500, { title: 'Internal Server Error', detail: 'internal error' }))).toBe(
      'Something went wrong on our side. Please try again.',
    );
    expect(errorMessage(new ApiError(503, { title: 'Service Unavailable', detail: 'the server is busy; try again in a moment' }))).toBe(
      'The server is busy; try again in a moment.',
    );
    expect(errorMessage(new Error('boom'))).toBe('boom');
    expect(errorMessage('??')).toBe('Something went wrong.');
  });
});
