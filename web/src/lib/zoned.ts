/**
 * Wall-clock dates and times in the company's time zone.
 *
 * "Today", "overdue" and a task's due time are the company's, not the
 * browser's: a team spread over zones sees the same buckets the server uses
 * for "My tasks". Pure functions on Intl, unit-tested.
 */

/** validZone returns timeZone when Intl knows it, else undefined (the browser's zone). */
export function validZone(timeZone: string | null | undefined): string | undefined {
  if (!timeZone) return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return timeZone;
  } catch {
    return undefined;
  }
}

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function partsIn(d: Date, timeZone: string | undefined): Parts {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone: validZone(timeZone),
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(d)) {
    if (part.type !== 'literal') p[part.type] = parseInt(part.value, 10);
  }
  return { year: p.year, month: p.month, day: p.day, hour: p.hour % 24, minute: p.minute, second: p.second };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** offsetMs is how far the zone's wall clock is ahead of UTC at the instant d. */
export function offsetMs(d: Date, timeZone: string | undefined): number {
  const p = partsIn(d, timeZone);
  const asUTC = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUTC - Math.floor(d.getTime() / 1000) * 1000;
}

/** dateIn is the calendar day (YYYY-MM-DD) of an instant in the zone. */
export function dateIn(d: Date, timeZone: string | undefined): string {
  const p = partsIn(d, timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** zonedParts splits an instant into the zone's date (YYYY-MM-DD) and time (HH:mm), for form fields. */
export function zonedParts(iso: string, timeZone: string | undefined): { date: string; time: string } {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return { date: '', time: '' };
  const p = partsIn(d, timeZone);
  return { date: `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`, time: `${pad(p.hour)}:${pad(p.minute)}` };
}

/**
 * zonedToISO turns a wall-clock date and time in the zone into an RFC 3339
 * instant (UTC). A time that does not exist (skipped by a DST change) moves
 * forward by the gap; an ambiguous one takes the earlier instant. Returns
 * null for an unreadable date or time.
 */
export function zonedToISO(date: string, time: string, timeZone: string | undefined): string | null {
  const dm = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const tm = /^(\d{1,2}):(\d{2})$/.exec(time || '00:00');
  if (!dm || !tm) return null;
  const [y, mo, da, h, mi] = [+dm[1], +dm[2], +dm[3], +tm[1], +tm[2]];
  if (mo < 1 || mo > 12 || da < 1 || da > 31 || h > 23 || mi > 59) return null;
  const wall = Date.UTC(y, mo - 1, da, h, mi);
  if (new Date(wall).getUTCDate() !== da) return null; // Feb 30 and friends
  // The offsets a day either side cover both sides of any DST change.
  const day = 86_400_000;
  const before = offsetMs(new Date(wall - day), timeZone);
  const offsets = [before, offsetMs(new Date(wall), timeZone), offsetMs(new Date(wall + day), timeZone)];
  const candidates = offsets
    .map((o) => wall - o)
    .filter((t) => {
      const p = partsIn(new Date(t), timeZone);
      return p.hour === h && p.minute === mi && p.day === da;
    });
  // Skipped by the change: the offset before it puts the time as far past the gap.
  const at = candidates.length > 0 ? Math.min(...candidates) : wall - before;
  return new Date(at).toISOString();
}

/** addDays moves a YYYY-MM-DD date by n days. */
export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + n));
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** daysBetween is b − a in whole days for YYYY-MM-DD dates. */
export function daysBetween(a: string, b: string): number {
  const toUTC = (s: string) => {
    const [y, m, d] = s.split('-').map(Number);
    return Date.UTC(y, m - 1, d);
  };
  return Math.round((toUTC(b) - toUTC(a)) / 86_400_000);
}

/** Which My-tasks group a due time falls in, the way the server counts it. */
export type DueBucket = 'overdue' | 'today' | 'upcoming' | 'none';

/** dueBucket: overdue is before today; today includes earlier today; days in the company's zone. */
export function dueBucket(dueAt: string | null | undefined, timeZone: string | undefined, now: Date = new Date()): DueBucket {
  if (!dueAt) return 'none';
  const d = new Date(dueAt);
  if (Number.isNaN(d.getTime())) return 'none';
  const diff = daysBetween(dateIn(now, timeZone), dateIn(d, timeZone));
  if (diff < 0) return 'overdue';
  if (diff === 0) return 'today';
  return 'upcoming';
}

/** timeIn shows the zone's clock time: "3:05 PM". */
export function timeIn(d: Date, timeZone: string | undefined, locale = 'en-US'): string {
  return new Intl.DateTimeFormat(locale, { timeZone: validZone(timeZone), hour: 'numeric', minute: '2-digit' }).format(d);
}

export interface DueLabel {
  /** "Today, 3:00 PM", "Tomorrow, 9:00 AM", "Yesterday, 5:00 PM", "Fri, Dec 4, 9:00 AM", "Mar 2, 2027, 9:00 AM". */
  text: string;
  /** "2 days overdue", "due in 3 days": a hint next to the date; empty for today and tomorrow. */
  hint: string;
  bucket: DueBucket;
}

/**
 * dueLabel describes a due time in the company's zone relative to its today.
 * Dates within a week either side name the weekday; further ones show the
 * date, with the year when it is not this year.
 */
export function dueLabel(dueAt: string, timeZone: string | undefined, now: Date = new Date(), locale = 'en-US'): DueLabel {
  const d = new Date(dueAt);
  if (Number.isNaN(d.getTime())) return { text: '—', hint: '', bucket: 'none' };
  const zone = validZone(timeZone);
  const today = dateIn(now, zone);
  const day = dateIn(d, zone);
  const diff = daysBetween(today, day);
  const time = timeIn(d, zone, locale);
  let dayText: string;
  if (diff === 0) dayText = 'Today';
  else if (diff === 1) dayText = 'Tomorrow';
  else if (diff === -1) dayText = 'Yesterday';
  else if (Math.abs(diff) < 7)
    dayText = new Intl.DateTimeFormat(locale, { timeZone: zone, weekday: 'short', month: 'short', day: 'numeric' }).format(d);
  else if (day.slice(0, 4) === today.slice(0, 4))
    dayText = new Intl.DateTimeFormat(locale, { timeZone: zone, month: 'short', day: 'numeric' }).format(d);
  else dayText = new Intl.DateTimeFormat(locale, { timeZone: zone, dateStyle: 'medium' }).format(d);
  let hint = '';
  if (diff < -1) hint = `${-diff} days overdue`;
  else if (diff === -1) hint = '1 day overdue';
  else if (diff > 1) hint = `in ${diff} days`;
  const bucket: DueBucket = diff < 0 ? 'overdue' : diff === 0 ? 'today' : 'upcoming';
  return { text: `${dayText}, ${time}`, hint, bucket };
}

/** zoneLabel names a zone for people: "Europe/Berlin (GMT+1)". */
export function zoneLabel(timeZone: string | undefined, now: Date = new Date()): string {
  const zone = validZone(timeZone);
  if (!zone) return 'your time zone';
  const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'shortOffset' })
    .formatToParts(now)
    .find((p) => p.type === 'timeZoneName')?.value;
  return name ? `${zone.replace(/_/g, ' ')} (${name})` : zone.replace(/_/g, ' ');
}

/** browserZone is the zone of this browser, for "times are in …" hints. */
export function browserZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
