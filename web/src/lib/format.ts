/** Formatters shared by every page: names, phone numbers, dates. Pure functions, unit-tested. */

interface Named {
  first_name?: string | null;
  last_name?: string | null;
  email?: string | null;
}

/** fullName is "First Last", falling back to the email, then to "Unnamed contact". */
export function fullName(c: Named): string {
  const name = [c.first_name, c.last_name]
    .map((s) => (s ?? '').trim())
    .filter(Boolean)
    .join(' ');
  if (name) return name;
  if (c.email) return c.email;
  return 'Unnamed contact';
}

/** initials gives up to two letters for an avatar: "Ada Lovelace" → "AL", "ada@x.io" → "A". */
export function initials(nameOrEmail: string): string {
  const s = nameOrEmail.trim();
  if (!s) return '?';
  const base = s.includes('@') && !s.includes(' ') ? s.split('@')[0] : s;
  const words = base.split(/[\s._-]+/).filter(Boolean);
  if (words.length === 0) return '?';
  if (s.includes('@') && !s.includes(' ')) return words[0].charAt(0).toUpperCase();
  const first = words[0].charAt(0);
  const last = words.length > 1 ? words[words.length - 1].charAt(0) : '';
  return (first + last).toUpperCase();
}

// Country calling codes by length; anything else is taken as three digits.
const CC1 = new Set(['1', '7']);
const CC2 = new Set([
  '20',
  '27',
  '30',
  '31',
  '32',
  '33',
  '34',
  '36',
  '39',
  '40',
  '41',
  '43',
  '44',
  '45',
  '46',
  '47',
  '48',
  '49',
  '51',
  '52',
  '53',
  '54',
  '55',
  '56',
  '57',
  '58',
  '60',
  '61',
  '62',
  '63',
  '64',
  '65',
  '66',
  '81',
  '82',
  '84',
  '86',
  '90',
  '91',
  '92',
  '93',
  '94',
  '95',
  '98',
]);

/** splitCountryCode splits E.164 digits (without "+") into calling code and national number. */
export function splitCountryCode(digits: string): [string, string] {
  if (CC1.has(digits.slice(0, 1))) return [digits.slice(0, 1), digits.slice(1)];
  if (CC2.has(digits.slice(0, 2))) return [digits.slice(0, 2), digits.slice(2)];
  return [digits.slice(0, 3), digits.slice(3)];
}

/**
 * formatPhone shows an E.164 number readably: "+14155550123" → "+1 415 555 0123",
 * "+442079460958" → "+44 20 7946 0958". Anything not E.164 is returned as given.
 */
export function formatPhone(phone: string | null | undefined): string {
  if (!phone) return '';
  if (!/^\+[1-9]\d{6,14}$/.test(phone)) return phone;
  const digits = phone.slice(1);
  const [cc, national] = splitCountryCode(digits);
  if (cc === '1' && national.length === 10) {
    return `+1 ${national.slice(0, 3)} ${national.slice(3, 6)} ${national.slice(6)}`;
  }
  // Group the national number: a short area part, then fours from the end.
  const groups: string[] = [];
  let rest = national;
  while (rest.length > 4) {
    groups.unshift(rest.slice(-4));
    rest = rest.slice(0, -4);
  }
  if (rest) groups.unshift(rest);
  return `+${cc} ${groups.join(' ')}`;
}

function validDate(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

function safeZone(timeZone: string | undefined): string | undefined {
  if (!timeZone) return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return timeZone;
  } catch {
    return undefined;
  }
}

/** formatDate shows a day: "Mar 4, 2026". timeZone is the company's (IANA name); a bad one is ignored. */
export function formatDate(iso: string | null | undefined, timeZone?: string, locale = 'en-US'): string {
  const d = validDate(iso);
  if (!d) return '—';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: safeZone(timeZone) }).format(d);
}

/** formatDateTime shows a moment: "Mar 4, 2026, 2:05 PM". */
export function formatDateTime(iso: string | null | undefined, timeZone?: string, locale = 'en-US'): string {
  const d = validDate(iso);
  if (!d) return '—';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: safeZone(timeZone) }).format(d);
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** formatRelative shows how long ago (or until): "3 hours ago", "in 2 days", "just now". */
export function formatRelative(iso: string | null | undefined, now: Date = new Date(), locale = 'en-US'): string {
  const d = validDate(iso);
  if (!d) return '—';
  const seconds = Math.round((d.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return 'just now';
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (abs >= size * 0.9 || unit === 'minute') {
      return rtf.format(Math.round(seconds / size), unit);
    }
  }
  return rtf.format(Math.round(seconds / 60), 'minute');
}

/** roleLabel capitalizes a role for display. */
export function roleLabel(role: string): string {
  return role ? role.charAt(0).toUpperCase() + role.slice(1) : '';
}

/** plural gives "1 contact" / "3 contacts". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** formatDuration shows seconds as "m:ss" ("0:07", "12:30"), or "h:mm:ss" from an hour on. */
export function formatDuration(seconds: number | null | undefined): string {
  const total = Math.max(0, Math.floor(seconds ?? 0));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
