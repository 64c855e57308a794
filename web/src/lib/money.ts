/**
 * Money as the API sends it: decimal strings with two places ("1250.50") and an
 * ISO 4217 currency. Amounts are never turned into floating point numbers for
 * arithmetic: sums are exact integer cents (bigint), and Intl formats the
 * decimal string itself.
 */

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?$/;

/**
 * toCents reads a decimal string as integer cents: "1250.5" → 125050n,
 * "-3" → -300n. More than two decimals are rounded half away from zero. Returns
 * null for anything that is not a plain decimal number.
 */
export function toCents(value: string | null | undefined): bigint | null {
  if (value == null) return null;
  const m = value.trim().match(DECIMAL);
  if (!m) return null;
  const [, sign, whole = '', frac = ''] = m;
  if (whole === '' && frac === '') return null;
  let cents = BigInt(whole || '0') * 100n + BigInt((frac + '00').slice(0, 2));
  if (frac.length > 2 && Number(frac.charAt(2)) >= 5) cents += 1n;
  return sign === '-' ? -cents : cents;
}

/** fromCents writes integer cents as a decimal string with two places: 125050n → "1250.50". */
export function fromCents(cents: bigint): string {
  const neg = cents < 0n;
  const abs = neg ? -cents : cents;
  const whole = abs / 100n;
  const frac = (abs % 100n).toString().padStart(2, '0');
  return `${neg ? '-' : ''}${whole}.${frac}`;
}

/** sumMoney adds decimal strings exactly; unreadable values count as zero. Returns a decimal string. */
export function sumMoney(values: readonly (string | null | undefined)[]): string {
  let total = 0n;
  for (const v of values) total += toCents(v) ?? 0n;
  return fromCents(total);
}

/** A sum in one currency. */
export interface CurrencyTotal {
  currency: string;
  /** Exact decimal string with two places. */
  value: string;
  /** How many amounts were added. */
  count: number;
}

/**
 * totalsByCurrency sums amounts per currency (amounts in different currencies
 * are never added together). The currency with the most amounts comes first,
 * then alphabetical.
 */
export function totalsByCurrency(items: readonly { value: string; currency: string }[]): CurrencyTotal[] {
  const sums = new Map<string, { cents: bigint; count: number }>();
  for (const it of items) {
    const cur = (it.currency || '').toUpperCase();
    const s = sums.get(cur) ?? { cents: 0n, count: 0 };
    s.cents += toCents(it.value) ?? 0n;
    s.count += 1;
    sums.set(cur, s);
  }
  return [...sums.entries()]
    .map(([currency, s]) => ({ currency, value: fromCents(s.cents), count: s.count }))
    .sort((a, b) => b.count - a.count || a.currency.localeCompare(b.currency));
}

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(currency: string, compact: boolean, locale: string): Intl.NumberFormat | null {
  const key = `${locale}|${currency}|${compact}`;
  let f = formatters.get(key);
  if (!f) {
    try {
      f = new Intl.NumberFormat(locale, {
        style: 'currency',
        currency,
        ...(compact ? { notation: 'compact', minimumFractionDigits: 0, maximumFractionDigits: 1 } : {}),
      });
    } catch {
      return null; // not an ISO 4217 code Intl knows
    }
    formatters.set(key, f);
  }
  return f;
}

/** normalizeDecimal makes a decimal string Intl accepts ("1250.5" stays, ".5" → "0.5"), or null. */
function normalizeDecimal(value: string): `${number}` | null {
  const cents = toCents(value);
  if (cents === null) return null;
  return fromCents(cents) as `${number}`;
}

/**
 * formatMoney shows an exact amount in its currency: ("1250.50", "USD") →
 * "$1,250.50"; compact gives "$1.3K". An unknown currency code is shown after
 * the number ("1,250.50 XYZ"); an unreadable amount as given.
 */
export function formatMoney(value: string | null | undefined, currency: string, opts: { compact?: boolean; locale?: string } = {}): string {
  if (value == null || value === '') return '—';
  const dec = normalizeDecimal(value);
  if (dec === null) return `${value} ${currency}`.trim();
  const locale = opts.locale ?? 'en-US';
  const f = formatter((currency || '').toUpperCase(), Boolean(opts.compact), locale);
  if (f) return f.format(dec);
  const plain = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(dec);
  return `${plain} ${currency}`.trim();
}

/** formatTotals shows per-currency sums joined with " + ": "$12,000.00 + €500.00"; "—" when empty. */
export function formatTotals(totals: readonly CurrencyTotal[], opts: { compact?: boolean } = {}): string {
  if (totals.length === 0) return '—';
  return totals.map((t) => formatMoney(t.value, t.currency, opts)).join(' + ');
}

/**
 * parseMoneyInput reads what a person types in an amount field: "1,250.50",
 * "$ 1250", "1250" → "1250.50" / "1250.00". Returns null when it is not an
 * amount (negative amounts included); "" stays "" (no amount).
 */
export function parseMoneyInput(input: string): string | null {
  const s = input.replace(/[\s,$€£¥]/g, '');
  if (s === '') return '';
  // Deal values are never negative, and have at most two decimals.
  if (!/^\d*(\.\d{0,2})?$/.test(s) || s === '.') return null;
  const cents = toCents(s);
  return cents === null ? null : fromCents(cents);
}

/** Currencies offered first in pickers; any ISO 4217 code can still be typed. */
export const COMMON_CURRENCIES = [
  'USD',
  'EUR',
  'GBP',
  'CAD',
  'AUD',
  'CHF',
  'JPY',
  'SEK',
  'NOK',
  'DKK',
  'PLN',
  'INR',
  'BRL',
  'MXN',
  'SGD',
  'NZD',
  'ZAR',
];
