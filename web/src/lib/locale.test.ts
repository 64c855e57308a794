import { describe, expect, it } from 'vitest';
import { CURRENCIES, currencyForLocale, timeZones } from './locale';

describe('currencyForLocale', () => {
  it('reads the region of the locale', () => {
    expect(currencyForLocale('de-DE')).toBe('EUR');
    expect(currencyForLocale('fr-CH')).toBe('CHF');
    expect(currencyForLocale('en-GB')).toBe('GBP');
    expect(currencyForLocale('en-US')).toBe('USD');
  });
  it('fills in the likely region of a bare language', () => {
    expect(currencyForLocale('fr')).toBe('EUR');
    expect(currencyForLocale('ja')).toBe('JPY');
  });
  it('falls back to USD', () => {
    expect(currencyForLocale('xx-QQ')).toBe('USD');
    expect(currencyForLocale('not a locale')).toBe('USD');
  });
  it('offers every currency it can pick', () => {
    const offered = new Set(CURRENCIES.map((c) => c.value));
    for (const l of ['de-DE', 'fr-CH', 'en-GB', 'ja', 'pt-BR', 'sv-SE']) expect(offered.has(currencyForLocale(l))).toBe(true);
  });
});

describe('timeZones', () => {
  it('always has UTC and the current value', () => {
    const z = timeZones('Mars/Olympus');
    expect(z).toContain('UTC');
    expect(z).toContain('Mars/Olympus');
    expect(z).toContain('Europe/Paris');
  });
});
