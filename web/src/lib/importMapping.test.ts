import { describe, expect, test } from 'vitest';
import {
  assignField,
  columnErrors,
  columnOptions,
  customName,
  formatBytes,
  fromSelect,
  IGNORE,
  mappingIssue,
  progressPercent,
  sameMapping,
  toSelect,
} from './importMapping';

const contactFields = [
  { name: 'first_name', label: 'First name', required: false },
  { name: 'email', label: 'Email', required: false },
  { name: 'custom.*', label: 'Custom field', required: false },
];

describe('column options', () => {
  test('a column may be ignored, fill a field, or become a custom field named after it', () => {
    expect(columnOptions(contactFields, ' Lead source ', 3, '')).toEqual([
      { value: IGNORE, label: 'Don’t import' },
      { value: 'first_name', label: 'First name' },
      { value: 'email', label: 'Email' },
      { value: 'custom.Lead source', label: 'Custom field “Lead source”' },
    ]);
  });

  test('a custom field by another name (the server’s guess) stays listed', () => {
    const opts = columnOptions(contactFields, 'custom:plan', 0, 'custom.plan');
    expect(opts.map((o) => o.value)).toContain('custom.plan');
    expect(opts.map((o) => o.value)).toContain('custom.custom:plan');
  });

  test('deals have no custom fields; required fields say so', () => {
    const opts = columnOptions([{ name: 'title', label: 'Title', required: true }], 'Name', 0, 'title');
    expect(opts).toEqual([
      { value: IGNORE, label: 'Don’t import' },
      { value: 'title', label: 'Title (required)' },
    ]);
  });

  test('custom names are trimmed to 64 characters and never empty', () => {
    expect(customName('x'.repeat(70), 0)).toHaveLength(64);
    expect(customName('   ', 4)).toBe('column 5');
  });

  test('the select’s IGNORE is the API’s empty string', () => {
    expect(toSelect('')).toBe(IGNORE);
    expect(toSelect('email')).toBe('email');
    expect(fromSelect(IGNORE)).toBe('');
    expect(fromSelect(null)).toBe('');
    expect(fromSelect('email')).toBe('email');
  });
});

describe('assignField', () => {
  test('a field fills one column: choosing it elsewhere clears the old column', () => {
    expect(assignField(['full_name', 'email', ''], 2, 'email')).toEqual({ mapping: ['full_name', '', 'email'], moved: 1 });
  });

  test('ignoring a column, or picking a free field, moves nothing', () => {
    expect(assignField(['full_name', 'email'], 1, '')).toEqual({ mapping: ['full_name', ''], moved: null });
    expect(assignField(['full_name', ''], 1, 'phone')).toEqual({ mapping: ['full_name', 'phone'], moved: null });
  });

  test('the input is not changed', () => {
    const m = ['email', ''];
    assignField(m, 1, 'email');
    expect(m).toEqual(['email', '']);
  });
});

describe('mapping checks', () => {
  test('what the server insists on', () => {
    expect(mappingIssue('deals', ['value', ''])).toMatch(/Title/);
    expect(mappingIssue('deals', ['title'])).toBeNull();
    expect(mappingIssue('contacts', ['tags', 'company_name'])).toMatch(/name, an email or a phone/);
    expect(mappingIssue('contacts', ['', 'phone'])).toBeNull();
    expect(mappingIssue('contacts', ['full_name'])).toBeNull();
  });

  test('server problems land on their column', () => {
    expect(
      columnErrors([
        { location: 'body.mapping[2]', message: 'maps a second column to the same field' },
        { location: 'body.mapping', message: 'map a column to the deal’s title' },
      ]),
    ).toEqual({ columns: { 2: 'Maps a second column to the same field' }, general: ['Map a column to the deal’s title'] });
    expect(columnErrors(null)).toEqual({ columns: {}, general: [] });
  });

  test('sameMapping compares entries', () => {
    expect(sameMapping(['a', ''], ['a', ''])).toBe(true);
    expect(sameMapping(['a', ''], ['a'])).toBe(false);
    expect(sameMapping(['a', ''], ['', 'a'])).toBe(false);
  });
});

test('formatBytes and progressPercent', () => {
  expect(formatBytes(912)).toBe('912 B');
  expect(formatBytes(14_540)).toBe('14.2 KB');
  expect(formatBytes(50 * 1024 * 1024)).toBe('50 MB');
  expect(formatBytes(3.4 * 1024 * 1024)).toBe('3.4 MB');
  expect(formatBytes(-1)).toBe('—');
  expect(progressPercent(0, 0)).toBe(100);
  expect(progressPercent(250, 1000)).toBe(25);
  expect(progressPercent(1001, 1000)).toBe(100);
});
