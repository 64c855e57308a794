import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatDuration, formatPhone, formatRelative, fullName, initials, plural, roleLabel } from './format';

describe('fullName', () => {
  it('joins first and last name', () => {
    expect(fullName({ first_name: 'Ada', last_name: 'Lovelace' })).toBe('Ada Lovelace');
    expect(fullName({ first_name: ' Ada ', last_name: '' })).toBe('Ada');
    expect(fullName({ first_name: '', last_name: 'Lovelace' })).toBe('Lovelace');
  });
  it('falls back to email, then a placeholder', () => {
    expect(fullName({ first_name: '', last_name: '', email: 'ada@example.com' })).toBe('ada@example.com');
    expect(fullName({ first_name: null, last_name: null, email: null })).toBe('Unnamed contact');
  });
});

describe('initials', () => {
  it('takes first and last word', () => {
    expect(initials('Ada Lovelace')).toBe('AL');
    expect(initials('Grace Brewster Hopper')).toBe('GH');
    expect(initials('cher')).toBe('C');
    expect(initials('ada.lovelace@example.com')).toBe('A');
    expect(initials('  ')).toBe('?');
  });
});

describe('formatPhone', () => {
  it('formats North American numbers', () => {
    expect(formatPhone('+14155550123')).toBe('+1 415 555 0123');
  });
  it('formats other countries by calling code', () => {
    expect(formatPhone('+442079460958')).toBe('+44 20 7946 0958');
    expect(formatPhone('+4930123456')).toBe('+49 3012 3456');
    expect(formatPhone('+353851234567')).toBe('+353 8 5123 4567');
  });
  it('leaves anything else alone', () => {
    expect(formatPhone('555-0123')).toBe('555-0123');
    expect(formatPhone(null)).toBe('');
    expect(formatPhone('')).toBe('');
  });
});

describe('dates', () => {
  const iso = '2026-03-04T23:30:00Z';
  it('formats in the company time zone', () => {
    expect(formatDate(iso, 'UTC')).toBe('Mar 4, 2026');
    expect(formatDate(iso, 'Asia/Tokyo')).toBe('Mar 5, 2026');
    expect(formatDateTime(iso, 'America/New_York')).toBe('Mar 4, 2026, 6:30 PM');
  });
  it('survives bad input', () => {
    expect(formatDate(null)).toBe('—');
    expect(formatDate('not a date')).toBe('—');
    expect(formatDate(iso, 'Not/AZone')).toMatch(/2026/);
  });
  it('says how long ago', () => {
    const now = new Date('2026-03-04T12:00:00Z');
    expect(formatRelative('2026-03-04T11:59:40Z', now)).toBe('just now');
    expect(formatRelative('2026-03-04T11:55:00Z', now)).toBe('5 minutes ago');
    expect(formatRelative('2026-03-04T09:00:00Z', now)).toBe('3 hours ago');
    expect(formatRelative('2026-03-03T12:00:00Z', now)).toBe('yesterday');
    expect(formatRelative('2026-03-06T12:00:00Z', now)).toBe('in 2 days');
    expect(formatRelative(undefined, now)).toBe('—');
  });
});

describe('small labels', () => {
  it('capitalizes roles and pluralizes', () => {
    expect(roleLabel('owner')).toBe('Owner');
    expect(plural(1, 'contact')).toBe('1 contact');
    expect(plural(1200, 'contact')).toBe('1,200 contacts');
  });
});

describe('formatDuration', () => {
  it('shows m:ss, and hours when there are any', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(7)).toBe('0:07');
    expect(formatDuration(750)).toBe('12:30');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(null)).toBe('0:00');
    expect(formatDuration(-3)).toBe('0:00');
  });
});
