import { describe, expect, it } from 'vitest';
import { compareMoney, monthLabel, percent, toChartNumber } from './metrics';

describe('dashboard metrics', () => {
  it('compares money exactly', () => {
    expect(compareMoney('100.01', '100.00')).toBe('up');
    expect(compareMoney('0.00', '5.00')).toBe('down');
    expect(compareMoney('12.50', '12.5')).toBe('same');
    // Beyond float precision the comparison still holds.
    expect(compareMoney('90071992547409.93', '90071992547409.92')).toBe('up');
  });
  it('shows win rates', () => {
    expect(percent(2 / 3)).toBe('67%');
    expect(percent(1)).toBe('100%');
    expect(percent(0)).toBe('0%');
    expect(percent(null)).toBe('—');
  });
  it('labels months', () => {
    expect(monthLabel('2026-03')).toBe('Mar 2026');
    expect(monthLabel('2025-12')).toBe('Dec 2025');
    expect(monthLabel('bad')).toBe('bad');
  });
  it('turns amounts into bar heights', () => {
    expect(toChartNumber('1250.50')).toBe(1250.5);
    expect(toChartNumber('junk')).toBe(0);
  });
});
