/*
 * What the browser knows about where its person is: the time zone and the
 * currency of their region, to prefill sign-up and profile forms (always
 * editable), and the lists the pickers offer.
 */

/** browserTimeZone is the IANA zone the browser runs in ("UTC" if it cannot say). */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

// Regions to currencies for the places Sales CRM is most used; everything
// else starts from USD and is one pick away.
const EURO = ['AT', 'BE', 'CY', 'DE', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PT', 'SI', 'SK'];
const REGION_CURRENCY: Record<string, string> = {
  ...Object.fromEntries(EURO.map((r) => [r, 'EUR'])),
  US: 'USD',
  GB: 'GBP',
  CA: 'CAD',
  AU: 'AUD',
  NZ: 'NZD',
  CH: 'CHF',
  SE: 'SEK',
  NO: 'NOK',
  DK: 'DKK',
  PL: 'PLN',
  CZ: 'CZK',
  HU: 'HUF',
  RO: 'RON',
  BG: 'BGN',
  JP: 'JPY',
  CN: 'CNY',
  IN: 'INR',
  BR: 'BRL',
  MX: 'MXN',
  ZA: 'ZAR',
  SG: 'SGD',
  HK: 'HKD',
  IL: 'ILS',
  TR: 'TRY',
  AE: 'AED',
  KR: 'KRW',
};

/** currencyForLocale is the currency of a locale's region ("de-DE" → EUR), or USD. */
export function currencyForLocale(locale: string): string {
  let region = '';
  try {
    region = new Intl.Locale(locale).maximize().region ?? '';
  } catch {
    region = locale.split(/[-_]/)[1]?.toUpperCase() ?? '';
  }
  return REGION_CURRENCY[region] ?? 'USD';
}

/** browserCurrency is the currency of the browser's region. */
export function browserCurrency(): string {
  return currencyForLocale(typeof navigator === 'undefined' ? 'en-US' : navigator.language || 'en-US');
}

/** timeZones lists the zones a picker offers: UTC, every zone the browser knows, and current. */
export function timeZones(current = ''): string[] {
  let zones: string[] = [];
  try {
    zones = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  } catch {
    zones = [];
  }
  const all = new Set(['UTC', ...zones]);
  if (current) all.add(current);
  return [...all];
}

/** CURRENCIES are the base currencies offered, with their names. */
export const CURRENCIES: { value: string; label: string }[] = [
  ['USD', 'US dollar'],
  ['EUR', 'Euro'],
  ['GBP', 'Pound sterling'],
  ['CAD', 'Canadian dollar'],
  ['AUD', 'Australian dollar'],
  ['NZD', 'New Zealand dollar'],
  ['CHF', 'Swiss franc'],
  ['SEK', 'Swedish krona'],
  ['NOK', 'Norwegian krone'],
  ['DKK', 'Danish krone'],
  ['PLN', 'Polish złoty'],
  ['CZK', 'Czech koruna'],
  ['HUF', 'Hungarian forint'],
  ['RON', 'Romanian leu'],
  ['BGN', 'Bulgarian lev'],
  ['JPY', 'Japanese yen'],
  ['CNY', 'Chinese yuan'],
  ['INR', 'Indian rupee'],
  ['BRL', 'Brazilian real'],
  ['MXN', 'Mexican peso'],
  ['ZAR', 'South African rand'],
  ['SGD', 'Singapore dollar'],
  ['HKD', 'Hong Kong dollar'],
  ['ILS', 'Israeli shekel'],
  ['TRY', 'Turkish lira'],
  ['AED', 'UAE dirham'],
  ['KRW', 'South Korean won'],
].map(([value, name]) => ({ value, label: `${value} — ${name}` }));
