import { toCents } from '../../lib/money';

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
