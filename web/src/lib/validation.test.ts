import { describe, expect, it } from 'vitest';
import {
  customFieldsFromRows,
  normalizePhone,
  required,
  rowsFromCustomFields,
  validateContact,
  validateCustomFields,
  validateEmail,
  validatePassword,
  validatePhone,
  type ContactFormValues,
} from './validation';

const blank: ContactFormValues = { first_name: '', last_name: '', email: '', phone: '', company_name: '', title: '', tags: [], owner_id: null };

describe('simple validators', () => {
  it('required', () => {
    expect(required('Name')('')).toBe('Name is required');
    expect(required('Name')('  ')).toBe('Name is required');
    expect(required('Name')('Ada')).toBeNull();
  });
  it('email', () => {
    expect(validateEmail('')).toBe('Email is required');
    expect(validateEmail('', true)).toBeNull();
    expect(validateEmail('ada@example')).toBe('Enter a valid email address');
    expect(validateEmail('ada@example.com')).toBeNull();
  });
  it('password', () => {
    expect(validatePassword('')).toBe('Password is required');
    expect(validatePassword('short')).toBe('Use at least 8 characters');
    expect(validatePassword('long enough')).toBeNull();
  });
});

describe('phone', () => {
  it('normalizes to E.164', () => {
    expect(normalizePhone('+1 (415) 555-0123')).toBe('+14155550123');
    expect(normalizePhone('0044 20 7946 0958')).toBe('+442079460958');
    expect(normalizePhone('  ')).toBeNull();
    expect(normalizePhone('(415) 555-0123')).toBe('+14155550123');
    expect(normalizePhone('1 415 555 0123')).toBe('+14155550123');
    expect(normalizePhone('555 0123')).toBeUndefined();
    expect(normalizePhone('+0123456789')).toBeUndefined();
  });
  it('validates', () => {
    expect(validatePhone('')).toBeNull();
    expect(validatePhone('+44 20 7946 0958')).toBeNull();
    expect(validatePhone('call me')).toMatch(/country code/);
  });
});

describe('validateContact', () => {
  it('needs a name or an email', () => {
    expect(validateContact(blank)).toEqual({ first_name: 'Enter a name or an email' });
    expect(validateContact({ ...blank, last_name: 'Lovelace' })).toEqual({});
    expect(validateContact({ ...blank, email: 'ada@example.com' })).toEqual({});
  });
  it('reports each bad field', () => {
    expect(validateContact({ ...blank, first_name: 'Ada', email: 'nope', phone: '12', tags: ['ok', ' '] })).toEqual({
      email: 'Enter a valid email address',
      phone: 'Enter a phone number with country code, e.g. +1 415 555 0123',
      tags: 'Tags must be 1–50 characters',
    });
  });
});

describe('custom fields', () => {
  it('flags missing and duplicate keys', () => {
    expect(
      validateCustomFields([
        { key: 'plan', value: 'pro' },
        { key: '', value: 'orphan' },
        { key: 'Plan', value: 'basic' },
        { key: '', value: '' },
      ]),
    ).toEqual({ 1: 'Name the field', 2: '"Plan" is already used' });
  });
  it('round-trips values and keeps non-string originals', () => {
    const original = { plan: 'pro', seats: 12, regions: ['eu', 'us'] };
    const rows = rowsFromCustomFields(original);
    expect(rows).toEqual([
      { key: 'plan', value: 'pro' },
      { key: 'seats', value: '12' },
      { key: 'regions', value: '["eu","us"]' },
    ]);
    expect(customFieldsFromRows(rows, original)).toEqual(original);
    rows[1].value = '15';
    expect(customFieldsFromRows([...rows, { key: ' ', value: '' }], original)).toEqual({ plan: 'pro', seats: '15', regions: ['eu', 'us'] });
  });
});
