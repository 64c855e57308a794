import { plural } from '../../lib/format';
import { formatMoney, fromCents, toCents } from '../../lib/money';

/** compareMoney says whether a is more, less or the same as b, exactly (decimal strings). */
export function compareMoney(a: string, b: string): 'up' | 'down' | 'same' {
  const x = toCents(a) ?? 0n;
  const y = toCents(b) ?? 0n;
  return x > y ? 'up' : x < y ? 'down' : 'same';
}

/** percent shows a win rate (a 0–1 ratio, or null when nothing closed) as "67%", or "—". */
export function percent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return '—';
  return `${Math.round(rate * 100)}%`;
}

/** monthLabel turns "2026-03" into "Mar 2026". */
export function monthLabel(ym: string): string {
  const m = ym.match(/^(\d{4})-(\d{2})$/);
  if (!m) return ym;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
  return new Intl.DateTimeFormat('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(d);
}

/**
 * toChartNumber is for drawing only: a bar's height needs a number. It goes
 * through integer cents, so "0.10" is 0.1 and not a parse of arbitrary text;
 * totals people read are formatted from the exact strings instead.
 */
export function toChartNumber(value: string): number {
  const cents = toCents(value);
  return cents === null ? 0 : Number(cents) / 100;
}

/** An amount in one currency from the dashboard's breakdowns (value as an exact decimal string). */
export interface CurrencyAmount {
  currency: string;
  deals: number;
  value: string;
}

/** otherCurrencies keeps the breakdown rows not in the main currency (the ones the single-number figures leave out). */
export function otherCurrencies<T extends { currency: string }>(rows: readonly T[] | null | undefined, main: string): T[] {
  return (rows ?? []).filter((r) => r.currency !== main);
}

/** dealsIn is how many deals of a breakdown are in one currency. */
export function dealsIn(rows: readonly { currency: string; deals: number }[] | null | undefined, currency: string): number {
  return (rows ?? []).filter((r) => r.currency === currency).reduce((n, r) => n + r.deals, 0);
}

/** currencyLine shows one currency's amount: "€6,002.00 · 3 deals". */
export function currencyLine(a: CurrencyAmount): string {
  return `${formatMoney(a.value, a.currency)} · ${plural(a.deals, 'deal')}`;
}

/**
 * sumByCurrency adds breakdowns (e.g. six months of wins) per currency,
 * exactly in integer cents; currencies are never added together. Sorted by
 * currency code.
 */
export function sumByCurrency(rows: readonly CurrencyAmount[]): CurrencyAmount[] {
  const sums = new Map<string, { cents: bigint; deals: number }>();
  for (const r of rows) {
    const s = sums.get(r.currency) ?? { cents: 0n, deals: 0 };
    s.cents += toCents(r.value) ?? 0n;
    s.deals += r.deals;
    sums.set(r.currency, s);
  }
  return [...sums.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([currency, s]) => ({ currency, deals: s.deals, value: fromCents(s.cents) }));
}

/** otherStageLines lists the open value in other currencies stage by stage: "Lead: €50.00 · 1 deal". */
export function otherStageLines(
  stages: readonly { stage: string; by_currency?: readonly CurrencyAmount[] | null }[] | null | undefined,
  main: string,
): string[] {
  return (stages ?? []).flatMap((s) => otherCurrencies(s.by_currency, main).map((c) => `${s.stage}: ${currencyLine(c)}`));
}
