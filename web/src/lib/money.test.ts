import { describe, expect, it } from 'vitest';
import { formatMoney, formatTotals, fromCents, parseMoneyInput, readMoneyInput, sumMoney, toCents, totalsByCurrency } from './money';

describe('toCents / fromCents', () => {
  it('reads decimal strings exactly', () => {
    expect(toCents('1250.50')).toBe(125050n);
    expect(toCents('1250.5')).toBe(125050n);
    expect(toCents('1250')).toBe(125000n);
    expect(toCents('.5')).toBe(50n);
    expect(toCents('-3.10')).toBe(-310n);
    expect(toCents('0.00')).toBe(0n);
    expect(toCents('99999999999999999.99')).toBe(9999999999999999999n);
  });
  it('rounds a third decimal half away from zero', () => {
    expect(toCents('0.125')).toBe(13n);
    expect(toCents('0.124')).toBe(12n);
  });
  it('refuses what is not a number', () => {
    for (const v of ['', ' ', 'abc', '1.2.3', '1e5', '$5', null, undefined, '.']) expect(toCents(v)).toBeNull();
  });
  it('writes two places', () => {
    expect(fromCents(125050n)).toBe('1250.50');
    expect(fromCents(5n)).toBe('0.05');
    expect(fromCents(-310n)).toBe('-3.10');
    expect(fromCents(0n)).toBe('0.00');
  });
});

describe('sums', () => {
  it('adds without floating point error', () => {
    // 0.1 + 0.2 is 0.30000000000000004 in floating point.
    expect(sumMoney(['0.10', '0.20'])).toBe('0.30');
    expect(sumMoney(Array.from({ length: 5000 }, () => '19.99'))).toBe('99950.00');
    expect(sumMoney(['90071992547409.93', '0.07'])).toBe('90071992547410.00');
    expect(sumMoney([])).toBe('0.00');
    expect(sumMoney(['1.00', 'junk', null])).toBe('1.00');
  });
  it('keeps currencies apart, the most used first', () => {
    const totals = totalsByCurrency([
      { value: '100.00', currency: 'EUR' },
      { value: '10.10', currency: 'USD' },
      { value: '20.20', currency: 'usd' },
      { value: '0.01', currency: 'GBP' },
    ]);
    expect(totals).toEqual([
      { currency: 'USD', value: '30.30', count: 2 },
      { currency: 'EUR', value: '100.00', count: 1 },
      { currency: 'GBP', value: '0.01', count: 1 },
    ]);
    expect(formatTotals(totals)).toBe('$30.30 + €100.00 + £0.01');
    expect(formatTotals([])).toBe('—');
  });
});

describe('formatMoney', () => {
  it('formats in the currency', () => {
    expect(formatMoney('1250.50', 'USD')).toBe('$1,250.50');
    expect(formatMoney('1250.50', 'EUR')).toBe('€1,250.50');
    expect(formatMoney('0', 'GBP')).toBe('£0.00');
    expect(formatMoney('-5.5', 'USD')).toBe('-$5.50');
  });
  it('keeps digits a float would lose', () => {
    expect(formatMoney('12345678901234567.89', 'USD')).toBe('$12,345,678,901,234,567.89');
  });
  it('is compact when asked', () => {
    expect(formatMoney('1250000.00', 'USD', { compact: true })).toBe('$1.3M');
    expect(formatMoney('950.00', 'USD', { compact: true })).toBe('$950');
  });
  it('survives unknown currencies and odd values', () => {
    expect(formatMoney('10.00', 'ZZZZ')).toBe('10.00 ZZZZ');
    expect(formatMoney('n/a', 'USD')).toBe('n/a USD');
    expect(formatMoney(null, 'USD')).toBe('—');
  });
});

describe('parseMoneyInput', () => {
  it('reads what people type', () => {
    expect(parseMoneyInput('1,250.5')).toBe('1250.50');
    expect(parseMoneyInput('$ 1250')).toBe('1250.00');
    expect(parseMoneyInput('0.99')).toBe('0.99');
    expect(parseMoneyInput('')).toBe('');
    expect(parseMoneyInput('  ')).toBe('');
  });
  it('refuses what is not an amount', () => {
    expect(parseMoneyInput('12.345')).toBeNull();
    expect(parseMoneyInput('ten')).toBeNull();
    expect(parseMoneyInput('1.2.3')).toBeNull();
    expect(parseMoneyInput('-')).toBeNull();
    expect(parseMoneyInput('-5')).toBeNull();
  });
});

describe('parseMoneyInput by locale', () => {
  it('never reads a trailing ,dd as thousands', () => {
    for (const l of ['en-US', 'de-DE', 'fr-FR', 'en-GB']) {
      expect(parseMoneyInput('2,50', l)).toBe('2.50');
      expect(parseMoneyInput('2,5', l)).toBe('2.50');
    }
  });
  it('reads each locale’s grouping and decimals', () => {
    expect(parseMoneyInput('1.250,50', 'de-DE')).toBe('1250.50');
    expect(parseMoneyInput('1.250,50', 'en-US')).toBe('1250.50');
    expect(parseMoneyInput('1,250.50', 'de-DE')).toBe('1250.50');
    expect(parseMoneyInput('1.250', 'de-DE')).toBe('1250.00');
    expect(parseMoneyInput('1,250', 'en-US')).toBe('1250.00');
    expect(parseMoneyInput('1 250,50', 'fr-FR')).toBe('1250.50');
    expect(parseMoneyInput('1\u202f250,50 €', 'fr-FR')).toBe('1250.50');
    expect(parseMoneyInput("1'250.50", 'de-CH')).toBe('1250.50');
    expect(parseMoneyInput('1.250.000', 'de-DE')).toBe('1250000.00');
    expect(parseMoneyInput('12,50,000', 'en-IN')).toBe('1250000.00');
    expect(parseMoneyInput('EUR 99', 'de-DE')).toBe('99.00');
  });
  it('says what is wrong', () => {
    expect(readMoneyInput('1,250', 'de-DE').error).toBe('Use at most two decimals');
    expect(readMoneyInput('-3', 'en-US').error).toBe('Enter an amount of zero or more');
    expect(readMoneyInput('1'.repeat(17), 'en-US').error).toBe('Use at most 16 digits before the decimal point');
    expect(readMoneyInput('9'.repeat(16) + '.99', 'en-US').value).toBe('9'.repeat(16) + '.99');
    expect(readMoneyInput('1,25,0', 'en-US').error).toMatch(/Enter an amount/);
  });
});
