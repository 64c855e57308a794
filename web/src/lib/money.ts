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

/** The largest deal value the server takes: under 10^16. */
const MAX_WHOLE_DIGITS = 16;

/** browserLocale is the locale money is typed and shown in. */
export function browserLocale(): string {
  return typeof navigator === 'undefined' ? 'en-US' : navigator.language || 'en-US';
}

function separators(locale: string): { decimal: string; group: string } {
  try {
    const parts = new Intl.NumberFormat(locale).formatToParts(12345.6);
    return {
      decimal: parts.find((p) => p.type === 'decimal')?.value ?? '.',
      group: parts.find((p) => p.type === 'group')?.value ?? ',',
    };
  } catch {
    return { decimal: '.', group: ',' };
  }
}

/** The outcome of reading an amount: the decimal string, or why it is not one. */
export type MoneyRead = { value: string; error: null } | { value: null; error: string };

/**
 * readMoneyInput reads what a person types in an amount field, by their
 * locale: "1,250.50" (en), "1.250,50" (de), "1 250,50" (fr), "1'250.50"
 * (de-CH) → "1250.50"; "$ 1250" → "1250.00". A single separator followed by
 * one or two digits is always the decimal one ("2,50" is 2.50 everywhere,
 * never 250); followed by three digits it is the locale's grouping when that
 * is the locale's group character ("1.250" is 1250 in German, "1,250" in
 * English). "" stays "" (no amount). Negative amounts and more than two
 * decimals are refused with the reason.
 */
export function readMoneyInput(input: string, locale = browserLocale()): MoneyRead {
  const bad = (error: string): MoneyRead => ({ value: null, error });
  // Spaces of every kind (fr uses U+202F), apostrophes (de-CH) and currency signs.
  const s = input.replace(/[\s\u00a0\u202f'’$€£¥₹₩₽¢]/g, '').replace(/^[A-Z]{3}|[A-Z]{3}$/g, '');
  if (s === '') return { value: '', error: null };
  if (s.startsWith('-')) return bad('Enter an amount of zero or more');
  if (!/^[\d.,]+$/.test(s)) return bad('Enter an amount, such as 1250 or 1250.50');
  const { group } = separators(locale);
  const dots = (s.match(/\./g) ?? []).length;
  const commas = (s.match(/,/g) ?? []).length;
  let decimal: string | null = null;
  if (dots && commas) {
    decimal = s.lastIndexOf('.') > s.lastIndexOf(',') ? '.' : ',';
  } else if (dots + commas === 1) {
    const sep = dots ? '.' : ',';
    const after = s.length - s.indexOf(sep) - 1;
    decimal = after === 3 && sep === group ? null : sep;
  } else if (dots + commas > 1) {
    decimal = null; // repeated: grouping only ("1,250,000")
  }
  const groupChar = decimal === '.' ? ',' : decimal === ',' ? '.' : dots ? '.' : ',';
  if (decimal && (s.match(new RegExp(`\\${decimal}`, 'g')) ?? []).length > 1) return bad('Enter an amount, such as 1250 or 1250.50');
  const [whole, frac = ''] = (decimal ? s.split(decimal) : [s]) as [string, string?];
  const groups = whole.split(groupChar);
  // Grouping is in threes (or twos then three, as Indian numbers are written).
  if (groups.length > 1 && (groups[0] === '' || groups.at(-1)!.length !== 3 || groups.slice(1, -1).some((g) => g.length < 2 || g.length > 3))) {
    return bad('Enter an amount, such as 1250 or 1250.50');
  }
  const digits = groups.join('');
  if (!/^\d*$/.test(digits) || !/^\d*$/.test(frac) || (digits === '' && frac === '')) return bad('Enter an amount, such as 1250 or 1250.50');
  if (frac.length > 2) return bad('Use at most two decimals');
  if (digits.replace(/^0+/, '').length > MAX_WHOLE_DIGITS) return bad(`Use at most ${MAX_WHOLE_DIGITS} digits before the decimal point`);
  const cents = toCents(`${digits || '0'}.${frac}`);
  return cents === null ? bad('Enter an amount, such as 1250 or 1250.50') : { value: fromCents(cents), error: null };
}

/** parseMoneyInput is readMoneyInput's value: the decimal string, "" for none, or null when it is not an amount. */
export function parseMoneyInput(input: string, locale = browserLocale()): string | null {
  return readMoneyInput(input, locale).value;
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
