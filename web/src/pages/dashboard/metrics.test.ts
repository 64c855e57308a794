import { describe, expect, it } from 'vitest';
import { compareMoney, currencyLine, dealsIn, monthLabel, otherCurrencies, otherStageLines, percent, sumByCurrency, toChartNumber } from './metrics';

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
  it('keeps currencies apart', () => {
    const won = [
      { currency: 'USD', deals: 2, value: '400.00' },
      { currency: 'EUR', deals: 3, value: '6002.00' },
    ];
    expect(otherCurrencies(won, 'USD')).toEqual([{ currency: 'EUR', deals: 3, value: '6002.00' }]);
    expect(otherCurrencies(null, 'USD')).toEqual([]);
    expect(dealsIn(won, 'USD')).toBe(2);
    expect(dealsIn(won, 'GBP')).toBe(0);
    expect(currencyLine(won[1])).toBe('€6,002.00 · 3 deals');
    expect(currencyLine({ currency: 'USD', deals: 1, value: '0.10' })).toBe('$0.10 · 1 deal');
  });
  it('adds breakdowns per currency exactly', () => {
    expect(
      sumByCurrency([
        { currency: 'USD', deals: 1, value: '0.10' },
        { currency: 'EUR', deals: 2, value: '90071992547409.91' },
        { currency: 'USD', deals: 1, value: '0.20' },
        { currency: 'EUR', deals: 1, value: '0.01' },
      ]),
    ).toEqual([
      { currency: 'EUR', deals: 3, value: '90071992547409.92' },
      { currency: 'USD', deals: 2, value: '0.30' },
    ]);
  });
  it('lists other currencies by stage', () => {
    const stages = [
      {
        stage: 'Lead',
        by_currency: [
          { currency: 'USD', deals: 2, value: '400.00' },
          { currency: 'EUR', deals: 1, value: '50.00' },
        ],
      },
      { stage: 'Proposal', by_currency: [] },
      { stage: 'Won', by_currency: [{ currency: 'GBP', deals: 2, value: '1200.50' }] },
    ];
    expect(otherStageLines(stages, 'USD')).toEqual(['Lead: €50.00 · 1 deal', 'Won: £1,200.50 · 2 deals']);
  });
});
