import { describe, expect, test } from 'vitest';
import { mapActivity, type Activity } from './activities';

const act = (id: string, extra: Partial<Activity> = {}) => ({ id, type: 'task', subject: `S${id}`, done_at: null, ...extra }) as Activity;
const done = (a: Activity) => ({ ...a, done_at: '2026-01-01T00:00:00Z' });

describe('mapActivity edits an activity in every cached shape', () => {
  test('one activity', () => {
    expect(mapActivity(act('1'), '1', done).done_at).not.toBeNull();
    const other = act('2');
    expect(mapActivity(other, '1', done)).toBe(other);
  });

  test('My tasks groups, removing when fn returns null', () => {
    const my = { timezone: 'UTC', date: '2026-01-01', overdue: [act('1')], today: [act('2'), act('3')], upcoming: [], no_due_date: null };
    const next = mapActivity(my, '2', done);
    expect(next.today[0].done_at).not.toBeNull();
    expect(next.overdue).toBe(my.overdue);
    expect(mapActivity(my, '3', () => null).today.map((a) => a.id)).toEqual(['2']);
    expect(mapActivity(my, '9', done)).toBe(my);
  });

  test('infinite pages of lists and timelines', () => {
    const list = {
      pages: [
        { items: [act('1')], next_cursor: 'x' },
        { items: [act('2')], next_cursor: '' },
      ],
      pageParams: ['', 'x'],
    };
    const next = mapActivity(list, '2', done);
    expect(next.pages[1].items[0].done_at).not.toBeNull();
    expect(next.pages[0]).toBe(list.pages[0]);
    const timeline = {
      pages: [
        {
          items: [
            { kind: 'stage_change', id: 's', at: 'x', stage_change: {} },
            { kind: 'activity', id: '1', at: 'x', activity: act('1') },
          ],
          next_cursor: '',
        },
      ],
      pageParams: [''],
    };
    const t = mapActivity(timeline, '1', done);
    expect((t.pages[0].items[1] as { activity: Activity }).activity.done_at).not.toBeNull();
    expect(mapActivity(timeline, '1', () => null).pages[0].items).toHaveLength(1);
  });

  test('anything else passes through', () => {
    expect(mapActivity(undefined, '1', done)).toBeUndefined();
    expect(mapActivity(null, '1', done)).toBeNull();
  });
});
