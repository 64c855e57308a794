import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, call } from './client';
import { isApiError } from './errors';
import type { components, paths } from './schema';

/*
 * CSV imports and exports: names for their shapes (from the generated
 * schema), query keys, the queries, the one upload that sends a file as the
 * request body, and the download links (plain same-origin GETs the browser
 * saves; no script reads them).
 */

type S = components['schemas'];
export type Import = S['Import'];
export type ImportKind = Import['kind'];
export type ImportStatus = Import['status'];
export type ImportPreview = S['ImportPreview'];
export type ImportPage = S['ImportPage'];
export type ImportField = S['ImportField'];
export type ImportPreviewRow = S['ImportPreviewRow'];
export type ImportSettings = S['ImportSettings'];
export type OnDuplicate = Import['on_duplicate'];
export type ContactExportQuery = NonNullable<paths['/api/contacts/export.csv']['get']['parameters']['query']>;

/** The server refuses bigger files (413); checked before sending so nobody waits for a refusal. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

export const importKeys = {
  all: ['imports'] as const,
  list: ['imports', 'list'] as const,
  detail: (id: string) => ['imports', 'detail', id] as const,
  preview: (id: string) => ['imports', 'preview', id] as const,
};

/** isRunning reports whether an import is still working in the background (poll it). */
export function isRunning(status: ImportStatus | undefined): boolean {
  return status === 'queued' || status === 'running';
}

/**
 * uploadImportFile sends a CSV file as the request body (Content-Type
 * text/csv), the way POST /api/imports takes it, and answers with the new
 * import, the fields its columns can map to and a first preview.
 *
 * The schema types that body as a string (binary); a File is passed through
 * untouched (no JSON encoding) and the browser streams it from disk, so a
 * large file is never read into memory here.
 */
export function uploadImportFile(kind: ImportKind, file: File, signal?: AbortSignal): Promise<ImportPreview> {
  return call(
    api.POST('/api/imports', {
      params: { query: { kind, file_name: file.name } },
      body: file as unknown as string,
      bodySerializer: (body: unknown) => body as BodyInit,
      headers: { 'Content-Type': 'text/csv' },
      signal,
    }),
  );
}

/** useImports pages through the company's imports, newest first; it refreshes while any is running. */
export function useImports() {
  return useInfiniteQuery({
    queryKey: importKeys.list,
    queryFn: ({ pageParam, signal }) =>
      call(api.GET('/api/imports', { params: { query: { limit: 20, ...(pageParam ? { cursor: pageParam } : {}) } }, signal })),
    initialPageParam: '',
    getNextPageParam: (last) => (last.next_cursor ? last.next_cursor : undefined),
    refetchInterval: (q) => (q.state.data?.pages.some((p) => (p.items ?? []).some((i) => isRunning(i.status))) ? 2000 : false),
    placeholderData: keepPreviousData,
  });
}

/** useImport loads one import and polls it every second while it is queued or running. */
export function useImport(id: string) {
  return useQuery({
    queryKey: importKeys.detail(id),
    queryFn: ({ signal }) => call(api.GET('/api/imports/{id}', { params: { path: { id } }, signal })),
    enabled: id !== '',
    refetchInterval: (q) => (isRunning(q.state.data?.status) ? 1000 : false),
    refetchIntervalInBackground: true,
    retry: (count, err) => !isApiError(err, 400, 404, 422) && count < 2,
  });
}

/** previewImport saves a mapping and duplicate policy and checks the first rows with them. */
export function previewImport(id: string, settings: ImportSettings, signal?: AbortSignal) {
  return call(api.POST('/api/imports/{id}/preview', { params: { path: { id } }, body: settings, signal }));
}

/** failuresUrl is the report of an import's failed rows, as a CSV download. */
export function failuresUrl(id: string): string {
  return `/api/imports/${encodeURIComponent(id)}/failures.csv`;
}

/** contactsExportUrl is the contacts list with these filters, as a CSV download. */
export function contactsExportUrl(q: ContactExportQuery): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q) as [string, string | undefined][]) {
    if (v) params.set(k, v);
  }
  const s = params.toString();
  return `/api/contacts/export.csv${s ? `?${s}` : ''}`;
}
