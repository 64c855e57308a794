import { keepPreviousData, useInfiniteQuery, useQuery, type InfiniteData, type QueryClient } from '@tanstack/react-query';
import { api, call } from './client';
import { dealKeys } from './deals';
import type { components, paths } from './schema';

/*
 * Activities (tasks, notes, calls, meetings) and the timelines of contacts
 * and deals: names for their shapes (from the generated schema), query keys,
 * the shared queries, and the cache edits that make completing a task feel
 * instant everywhere it is shown.
 */

type S = components['schemas'];
export type Activity = S['Activity'];
export type ActivityType = Activity['type'];
export type ActivityInput = S['ActivityInput'];
export type ActivityPatch = S['ActivityPatch'];
export type ActivityPage = S['ActivityPage'];
export type MyTasks = S['MyTasks'];
export type TimelinePage = S['Timeline'];
export type TimelineItem = S['TimelineItem'];
export type ActivityListQuery = NonNullable<paths['/api/activities']['get']['parameters']['query']>;

/** What a timeline belongs to. */
export type TimelineKind = 'contact' | 'deal';

/** Query keys for activities. Everything under "activities" is refreshed after an activity changes. */
export const activityKeys = {
  all: ['activities'] as const,
  myTasks: ['activities', 'my-tasks'] as const,
  lists: ['activities', 'list'] as const,
  list: (q: Omit<ActivityListQuery, 'cursor' | 'limit'>) => ['activities', 'list', q] as const,
  /**
   * A timeline lives under its owner's key ("contacts" or "deals"), so what
   * refreshes a deal (a move, say) refreshes its timeline too.
   */
  timeline: (kind: TimelineKind, id: string) => (kind === 'deal' ? dealKeys.timeline(id) : (['contacts', 'timeline', id] as const)),
};

/** isTimelineKey matches the key of any contact's or deal's timeline. */
export function isTimelineKey(key: readonly unknown[]): boolean {
  return (key[0] === 'contacts' || key[0] === 'deals') && key[1] === 'timeline';
}

/** DOABLE types can be completed and reopened; notes and system entries are records. */
export function isDoable(t: ActivityType): boolean {
  return t === 'task' || t === 'call' || t === 'meeting';
}

export function useMyTasks() {
  return useQuery({
    queryKey: activityKeys.myTasks,
    queryFn: ({ signal }) => call(api.GET('/api/activities/my-tasks', { signal })),
  });
}

export const ACTIVITY_PAGE_SIZE = 50;

/** useActivityList pages through activities with the server's next_cursor. */
export function useActivityList(q: Omit<ActivityListQuery, 'cursor' | 'limit'>, enabled = true) {
  return useInfiniteQuery({
    queryKey: activityKeys.list(q),
    queryFn: ({ pageParam, signal }) =>
      call(
        api.GET('/api/activities', {
          params: { query: { ...q, limit: ACTIVITY_PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } },
          signal,
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => (last.next_cursor ? last.next_cursor : undefined),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export const TIMELINE_PAGE_SIZE = 25;

/** useTimeline pages through a contact's or deal's feed, newest first. */
export function useTimeline(kind: TimelineKind, id: string) {
  return useInfiniteQuery({
    queryKey: activityKeys.timeline(kind, id),
    queryFn: ({ pageParam, signal }) => {
      const query = { limit: TIMELINE_PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) };
      return kind === 'deal'
        ? call(api.GET('/api/deals/{id}/timeline', { params: { path: { id }, query }, signal }))
        : call(api.GET('/api/contacts/{id}/timeline', { params: { path: { id }, query }, signal }));
    },
    initialPageParam: '',
    getNextPageParam: (last) => (last.next_cursor ? last.next_cursor : undefined),
    enabled: id !== '',
  });
}

/* ---- cache edits ---- */

function isActivity(v: unknown): v is Activity {
  return Boolean(v && typeof v === 'object' && 'id' in v && 'type' in v && 'subject' in v);
}

/**
 * mapActivity returns data with the activity `id` replaced by fn(activity)
 * (or removed when fn returns null), in any shape the app caches: one
 * activity, a list page, My tasks, a timeline page, or infinite pages of
 * those. Data without the activity comes back as the same object.
 */
export function mapActivity<T>(data: T, id: string, fn: (a: Activity) => Activity | null): T {
  if (!data || typeof data !== 'object') return data;
  if (isActivity(data)) {
    if (data.id !== id) return data;
    return (fn(data) ?? data) as T;
  }
  const d = data as Record<string, unknown>;
  if (Array.isArray(d.pages)) {
    const pages = d.pages.map((p) => mapActivity(p, id, fn));
    return pages.some((p, i) => p !== (d.pages as unknown[])[i]) ? ({ ...d, pages } as T) : data;
  }
  let changed = false;
  const out: Record<string, unknown> = { ...d };
  for (const [k, v] of Object.entries(d)) {
    if (!Array.isArray(v)) continue;
    let hit = false;
    const next: unknown[] = [];
    for (const item of v) {
      if (isActivity(item) && item.id === id) {
        hit = true;
        const r = fn(item);
        if (r) next.push(r);
      } else if (item && typeof item === 'object' && 'kind' in item && 'activity' in item && isActivity(item.activity) && item.activity.id === id) {
        hit = true;
        const r = fn(item.activity);
        if (r) next.push({ ...item, activity: r });
      } else next.push(item);
    }
    if (hit) {
      out[k] = next;
      changed = true;
    }
  }
  return changed ? (out as T) : data;
}

/** Snapshot of the caches an optimistic edit touched, to roll back. */
export type CacheSnapshot = [readonly unknown[], unknown][];

/**
 * editActivityEverywhere applies fn to the activity in every cached list,
 * My tasks and timeline, and returns what was there before.
 */
export function editActivityEverywhere(qc: QueryClient, id: string, fn: (a: Activity) => Activity | null): CacheSnapshot {
  const snapshot: CacheSnapshot = [];
  const matches = qc.getQueriesData({ predicate: (q) => q.queryKey[0] === 'activities' || isTimelineKey(q.queryKey) });
  for (const [key, data] of matches) {
    const next = mapActivity(data, id, fn);
    if (next !== data) {
      snapshot.push([key, data]);
      qc.setQueryData(key, next);
    }
  }
  return snapshot;
}

export function restoreSnapshot(qc: QueryClient, snapshot: CacheSnapshot | undefined) {
  for (const [key, data] of snapshot ?? []) qc.setQueryData(key, data);
}

/**
 * refreshAfterActivityChange refetches what shows activities: lists,
 * timelines and the dashboard's task counts. My tasks is only marked stale
 * when keepMyTasks is set, so a task just ticked off stays on screen (struck
 * through, ready to reopen) until the page is next visited.
 */
export function refreshAfterActivityChange(qc: QueryClient, opts: { keepMyTasks?: boolean } = {}) {
  qc.invalidateQueries({ queryKey: activityKeys.lists });
  qc.invalidateQueries({ queryKey: activityKeys.myTasks, refetchType: opts.keepMyTasks ? 'none' : 'active' });
  qc.invalidateQueries({ predicate: (q) => isTimelineKey(q.queryKey) });
  qc.invalidateQueries({ queryKey: dealKeys.dashboards });
}

/** flattenTimeline joins the pages of a timeline. */
export function flattenPages<I>(data: InfiniteData<{ items?: I[] | null }> | undefined): I[] {
  return data?.pages.flatMap((p) => p.items ?? []) ?? [];
}
