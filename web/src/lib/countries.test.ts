import { describe, expect, it } from 'vitest';
import { COUNTRY_CODES, countryName, countryOptions } from './countries';

describe('countries', () => {
  it('knows the codes the server accepts, once each', () => {
    expect(COUNTRY_CODES).toContain('US');
    expect(COUNTRY_CODES).toContain('GB');
    expect(new Set(COUNTRY_CODES).size).toBe(COUNTRY_CODES.length);
    expect(COUNTRY_CODES.every((c) => /^[A-Z]{2}$/.test(c))).toBe(true);
  });
  it('names countries and sorts the options by name', () => {
    expect(countryName('GB')).toMatch(/United Kingdom|GB/);
    const labels = countryOptions().map((o) => o.label);
    expect([...labels].sort((a, b) => a.localeCompare(b))).toEqual(labels);
    expect(labels.find((l) => l.endsWith('(US)'))).toBeTruthy();
  });
});
