import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, call } from './client';
import { isApiError } from './errors';
import type { components, paths } from './schema';

/*
 * Pipelines, deals and the dashboard: names for their shapes (from the
 * generated schema, never by hand), query keys, and the shared queries.
 */

type S = components['schemas'];
export type Pipeline = S['Pipeline'];
export type Stage = S['Stage'];
export type StageKind = Stage['kind'];
export type Board = S['Board'];
export type BoardDeal = S['BoardDeal'];
export type BoardColumn = S['Column'];
export type ColumnTotal = S['ColumnTotal'];
export type Deal = S['Deal'];
export type DealInput = S['DealInput'];
export type DealPatch = S['DealPatch'];
export type DealStatus = Deal['status'];
export type Dashboard = S['Dashboard'];
export type DealListQuery = NonNullable<paths['/api/deals']['get']['parameters']['query']>;
export type DealExportQuery = NonNullable<paths['/api/deals/export.csv']['get']['parameters']['query']>;
export type DealSort = NonNullable<DealListQuery['sort']>;

/** Query keys for this area. Everything under "deals" is refreshed after a deal changes. */
export const dealKeys = {
  pipelines: ['pipelines'] as const,
  board: (pipelineId: string, ownerId: string, q: string) => ['deals', 'board', pipelineId, ownerId, q] as const,
  boards: ['deals', 'board'] as const,
  deals: ['deals'] as const,
  list: (q: Omit<DealListQuery, 'cursor' | 'limit'>) => ['deals', 'list', q] as const,
  deal: (id: string) => ['deals', 'detail', id] as const,
  /** A deal's timeline feed (drawn by components/Timeline). */
  timeline: (id: string) => ['deals', 'timeline', id] as const,
  dashboard: (pipelineId: string) => ['dashboard', pipelineId] as const,
  dashboards: ['dashboard'] as const,
};

export function usePipelines() {
  return useQuery({
    queryKey: dealKeys.pipelines,
    queryFn: ({ signal }) => call(api.GET('/api/pipelines', { signal })),
    select: (d) => d.items ?? [],
    staleTime: 30_000,
  });
}

/** Cards a board column holds at first, and how many more each "Show more" loads. */
export const BOARD_PAGE = 50;

/** boardQuery is the board's filters as the server reads them. */
export function boardQuery(ownerId: string, q: string) {
  return { ...(ownerId ? { owner_id: ownerId } : {}), ...(q.trim() ? { q: q.trim() } : {}) };
}

/**
 * useBoard loads a pipeline's kanban: each stage's first BOARD_PAGE cards and
 * every stage's count and totals; ownerId and q (title or contact words)
 * narrow it on the server. A column's further cards come with useLoadMoreCards.
 */
export function useBoard(pipelineId: string | undefined, ownerId: string, q: string) {
  return useQuery({
    queryKey: dealKeys.board(pipelineId ?? '', ownerId, q.trim()),
    queryFn: ({ signal }) =>
      call(
        api.GET('/api/pipelines/{id}/board', {
          params: { path: { id: pipelineId! }, query: { per_stage: BOARD_PAGE, ...boardQuery(ownerId, q) } },
          signal,
        }),
      ),
    enabled: Boolean(pipelineId),
    placeholderData: (prev, prevQuery) => (prevQuery?.queryKey[2] === pipelineId ? prev : undefined),
    retry: (count, err) => !isApiError(err, 400, 404, 422) && count < 2,
  });
}

export const DEAL_PAGE_SIZE = 50;

/** useDealList pages through deals with the server's next_cursor. */
export function useDealList(q: Omit<DealListQuery, 'cursor' | 'limit'>, enabled = true) {
  return useInfiniteQuery({
    queryKey: dealKeys.list(q),
    queryFn: ({ pageParam, signal }) =>
      call(
        api.GET('/api/deals', {
          params: { query: { ...q, limit: DEAL_PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } },
          signal,
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => (last.next_cursor ? last.next_cursor : undefined),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useDeal(id: string) {
  return useQuery({
    queryKey: dealKeys.deal(id),
    queryFn: ({ signal }) => call(api.GET('/api/deals/{id}', { params: { path: { id } }, signal })),
    retry: (count, err) => !isApiError(err, 400, 404, 422) && count < 2,
  });
}

export function useDashboard(pipelineId: string) {
  return useQuery({
    queryKey: dealKeys.dashboard(pipelineId),
    queryFn: ({ signal }) => call(api.GET('/api/analytics/dashboard', { params: { query: pipelineId ? { pipeline_id: pipelineId } : {} }, signal })),
    placeholderData: keepPreviousData,
  });
}

/**
 * exportDealsURL is the same-origin address of the CSV export for the given
 * list filters (a plain GET with the session cookie, so a download link works).
 */
export function exportDealsURL(q: DealExportQuery): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  const path: keyof paths = '/api/deals/export.csv';
  return qs ? `${path}?${qs}` : path;
}
