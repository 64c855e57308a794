import { describe, expect, test } from 'vitest';
import { addDays, dateIn, daysBetween, dueBucket, dueLabel, validZone, zoneLabel, zonedParts, zonedToISO } from './zoned';

describe('zonedToISO and zonedParts', () => {
  test('a wall time in the company zone becomes the right instant', () => {
    expect(zonedToISO('2026-01-15', '09:30', 'Europe/Berlin')).toBe('2026-01-15T08:30:00.000Z');
    expect(zonedToISO('2026-07-15', '09:30', 'Europe/Berlin')).toBe('2026-07-15T07:30:00.000Z');
    expect(zonedToISO('2026-07-15', '09:30', 'America/Los_Angeles')).toBe('2026-07-15T16:30:00.000Z');
    expect(zonedToISO('2026-07-15', '09:30', 'UTC')).toBe('2026-07-15T09:30:00.000Z');
    expect(zonedToISO('2026-07-15', '23:45', 'Asia/Kolkata')).toBe('2026-07-15T18:15:00.000Z');
  });

  test('no time means the start of the day', () => {
    expect(zonedToISO('2026-03-01', '', 'Asia/Tokyo')).toBe('2026-02-28T15:00:00.000Z');
  });

  test('round trip through the zone', () => {
    for (const zone of ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Pacific/Chatham', 'UTC']) {
      const iso = zonedToISO('2026-10-04', '14:05', zone)!;
      expect(zonedParts(iso, zone)).toEqual({ date: '2026-10-04', time: '14:05' });
    }
  });

  test('DST: a skipped time moves forward, an ambiguous one takes the earlier instant', () => {
    // Berlin skips 02:00–03:00 on 2026-03-29.
    const skipped = zonedToISO('2026-03-29', '02:30', 'Europe/Berlin')!;
    expect(zonedParts(skipped, 'Europe/Berlin').time).toBe('03:30');
    // Berlin repeats 02:00–03:00 on 2026-10-25: 02:30 CEST is 00:30Z.
    expect(zonedToISO('2026-10-25', '02:30', 'Europe/Berlin')).toBe('2026-10-25T00:30:00.000Z');
  });

  test('bad input is null', () => {
    expect(zonedToISO('2026-02-30', '10:00', 'UTC')).toBeNull();
    expect(zonedToISO('tomorrow', '10:00', 'UTC')).toBeNull();
    expect(zonedToISO('2026-02-03', '25:00', 'UTC')).toBeNull();
    expect(zonedParts('nope', 'UTC')).toEqual({ date: '', time: '' });
  });

  test('an unknown zone falls back to the browser zone instead of throwing', () => {
    expect(validZone('Mars/Olympus')).toBeUndefined();
    expect(validZone('Europe/Paris')).toBe('Europe/Paris');
    expect(zonedToISO('2026-01-01', '10:00', 'Mars/Olympus')).not.toBeNull();
  });
});

describe('days', () => {
  test('addDays and daysBetween cross months and years', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-12-30', '2027-01-02')).toBe(3);
    expect(daysBetween('2026-03-30', '2026-03-28')).toBe(-2);
  });

  test('dateIn is the day in the zone, not in UTC', () => {
    const late = new Date('2026-05-01T23:30:00Z');
    expect(dateIn(late, 'UTC')).toBe('2026-05-01');
    expect(dateIn(late, 'Europe/Berlin')).toBe('2026-05-02');
    expect(dateIn(late, 'America/Chicago')).toBe('2026-05-01');
  });
});

describe('dueBucket and dueLabel', () => {
  // 2026-05-01 23:30 UTC is already May 2 in Berlin and still May 1 in Chicago.
  const now = new Date('2026-05-01T23:30:00Z');

  test('buckets follow the company zone, like the server', () => {
    const due = '2026-05-01T20:00:00Z'; // May 1 in both zones
    expect(dueBucket(due, 'America/Chicago', now)).toBe('today');
    expect(dueBucket(due, 'Europe/Berlin', now)).toBe('overdue');
    expect(dueBucket('2026-05-02T08:00:00Z', 'America/Chicago', now)).toBe('upcoming');
    expect(dueBucket('2026-05-02T08:00:00Z', 'Europe/Berlin', now)).toBe('today');
    expect(dueBucket(null, 'UTC', now)).toBe('none');
    // Earlier today is still today, not overdue.
    expect(dueBucket('2026-05-01T00:05:00Z', 'UTC', now)).toBe('today');
  });

  test('labels name the day relative to the company’s today, with the time in its zone', () => {
    expect(dueLabel('2026-05-02T07:00:00Z', 'Europe/Berlin', now)).toEqual({ text: 'Today, 9:00 AM', hint: '', bucket: 'today' });
    expect(dueLabel('2026-05-02T07:00:00Z', 'America/Chicago', now)).toEqual({ text: 'Tomorrow, 2:00 AM', hint: '', bucket: 'upcoming' });
    expect(dueLabel('2026-05-01T16:00:00Z', 'Europe/Berlin', now)).toEqual({ text: 'Yesterday, 6:00 PM', hint: '1 day overdue', bucket: 'overdue' });
    expect(dueLabel('2026-04-28T16:00:00Z', 'UTC', now)).toEqual({ text: 'Tue, Apr 28, 4:00 PM', hint: '3 days overdue', bucket: 'overdue' });
    expect(dueLabel('2026-05-05T09:00:00Z', 'UTC', now)).toEqual({ text: 'Tue, May 5, 9:00 AM', hint: 'in 4 days', bucket: 'upcoming' });
    expect(dueLabel('2026-06-20T09:00:00Z', 'UTC', now).text).toBe('Jun 20, 9:00 AM');
    expect(dueLabel('2027-01-20T09:00:00Z', 'UTC', now).text).toBe('Jan 20, 2027, 9:00 AM');
  });

  test('zoneLabel names the zone and its offset', () => {
    expect(zoneLabel('Europe/Berlin', new Date('2026-01-10T00:00:00Z'))).toBe('Europe/Berlin (GMT+1)');
    expect(zoneLabel('America/New_York', new Date('2026-07-10T00:00:00Z'))).toBe('America/New York (GMT-4)');
  });
});
