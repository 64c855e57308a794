import { keepPreviousData, useInfiniteQuery, useQuery, type QueryClient } from '@tanstack/react-query';
import { activityKeys, isTimelineKey } from './activities';
import { api, call } from './client';
import { isApiError } from './errors';
import type { components, paths } from './schema';

/*
 * SMS, phone calls and the Twilio connection: names for their shapes (from
 * the generated schema, never by hand), query keys, and the shared queries.
 * Conversations and the call log poll while they are on screen, so delivery
 * receipts, replies and call progress show up without a reload.
 */

type S = components['schemas'];
export type SmsThread = S['SMSThread'];
export type SmsMessage = S['SMSMessage'];
export type SmsStatus = SmsMessage['status'];
export type PhoneNumber = S['PhoneNumber'];
export type TwilioSettings = S['TwilioSettings'];
export type PhoneLimits = S['PhoneLimits'];
export type Call = S['Call'];
export type CallStatus = Call['status'];
export type CallListQuery = NonNullable<paths['/api/calls']['get']['parameters']['query']>;

/** How often open conversations and the call log look for news. */
const POLL_MS = 3000;

export const phoneKeys = {
  sms: ['sms'] as const,
  threads: ['sms', 'threads'] as const,
  unread: ['sms', 'threads', 'unread'] as const,
  thread: (id: string) => ['sms', 'thread', id] as const,
  messages: (id: string) => ['sms', 'messages', id] as const,
  calls: ['calls'] as const,
  callList: (q: Omit<CallListQuery, 'cursor' | 'limit'>) => ['calls', 'list', q] as const,
  call: (id: string) => ['calls', 'detail', id] as const,
  settings: ['twilio', 'settings'] as const,
  provider: ['twilio', 'provider'] as const,
  numbers: ['twilio', 'numbers'] as const,
  myPhone: ['twilio', 'my-phone'] as const,
  limits: ['twilio', 'limits'] as const,
};

const noRetryOnMissing = (count: number, err: unknown) => !isApiError(err, 400, 403, 404, 422) && count < 2;

/** useTwilioSettings is the company's Twilio connection (admins only). */
export function useTwilioSettings(enabled = true) {
  return useQuery({
    queryKey: phoneKeys.settings,
    queryFn: ({ signal }) => call(api.GET('/api/twilio-settings', { signal })),
    enabled,
    retry: noRetryOnMissing,
  });
}

/** useTwilioProvider says, to every member, whether the company is set up and on the simulator. */
export function useTwilioProvider() {
  return useQuery({
    queryKey: phoneKeys.provider,
    queryFn: ({ signal }) => call(api.GET('/api/twilio-settings/provider', { signal })),
    staleTime: 30_000,
  });
}

/** usePhoneNumbers lists the company's numbers (any member: the composer's "From"). */
export function usePhoneNumbers() {
  return useQuery({
    queryKey: phoneKeys.numbers,
    queryFn: ({ signal }) => call(api.GET('/api/twilio-settings/numbers', { signal })),
    select: (d) => d.items ?? [],
    staleTime: 30_000,
  });
}

/** usePhoneLimits is today's texts and calls against the daily caps, and the destination countries (admins only). */
export function usePhoneLimits() {
  return useQuery({
    queryKey: phoneKeys.limits,
    queryFn: ({ signal }) => call(api.GET('/api/twilio-settings/limits', { signal })),
    retry: noRetryOnMissing,
  });
}

export function useMyPhone() {
  return useQuery({
    queryKey: phoneKeys.myPhone,
    queryFn: ({ signal }) => call(api.GET('/api/twilio-settings/my-phone', { signal })),
    select: (d) => d.phone,
  });
}

const THREAD_PAGE_SIZE = 50;

/** useThreads pages through conversations, newest activity first, refreshing while shown. */
export function useThreads() {
  return useInfiniteQuery({
    queryKey: phoneKeys.threads,
    queryFn: ({ pageParam, signal }) =>
      call(api.GET('/api/sms/threads', { params: { query: { limit: THREAD_PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } }, signal })),
    initialPageParam: '',
    getNextPageParam: (last) => (last.next_cursor ? last.next_cursor : undefined),
    refetchInterval: POLL_MS,
  });
}

/** useUnreadCount is the number of conversations with unread messages (the sidebar's badge). */
export function useUnreadCount() {
  return useQuery({
    queryKey: phoneKeys.unread,
    queryFn: ({ signal }) => call(api.GET('/api/sms/threads', { params: { query: { unread: true, limit: 100 } }, signal })),
    select: (d) => (d.items ?? []).length,
    refetchInterval: 15_000,
    retry: false,
  });
}

export function useThread(id: string) {
  return useQuery({
    queryKey: phoneKeys.thread(id),
    queryFn: ({ signal }) => call(api.GET('/api/sms/threads/{id}', { params: { path: { id } }, signal })),
    enabled: id !== '',
    retry: noRetryOnMissing,
    refetchInterval: (q) => (q.state.status === 'error' ? false : POLL_MS),
  });
}

const MESSAGE_PAGE_SIZE = 50;

/** useMessages pages through a conversation from the newest message back; the UI shows the pages reversed. */
export function useMessages(threadId: string) {
  return useInfiniteQuery({
    queryKey: phoneKeys.messages(threadId),
    queryFn: ({ pageParam, signal }) =>
      call(
        api.GET('/api/sms/threads/{id}/messages', {
          params: { path: { id: threadId }, query: { limit: MESSAGE_PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } },
          signal,
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => (last.next_cursor ? last.next_cursor : undefined),
    enabled: threadId !== '',
    retry: noRetryOnMissing,
    refetchInterval: (q) => (q.state.status === 'error' ? false : POLL_MS),
  });
}

const CALL_PAGE_SIZE = 50;

/** useCalls pages through the call log, newest first, refreshing while shown. */
export function useCalls(q: Omit<CallListQuery, 'cursor' | 'limit'>) {
  return useInfiniteQuery({
    queryKey: phoneKeys.callList(q),
    queryFn: ({ pageParam, signal }) =>
      call(api.GET('/api/calls', { params: { query: { ...q, limit: CALL_PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } }, signal })),
    initialPageParam: '',
    getNextPageParam: (last) => (last.next_cursor ? last.next_cursor : undefined),
    placeholderData: keepPreviousData,
    refetchInterval: POLL_MS,
  });
}

export function useCall(id: string | null) {
  return useQuery({
    queryKey: phoneKeys.call(id ?? ''),
    queryFn: ({ signal }) => call(api.GET('/api/calls/{id}', { params: { path: { id: id! } }, signal })),
    enabled: Boolean(id),
    retry: noRetryOnMissing,
    refetchInterval: (q) => (q.state.status === 'error' ? false : POLL_MS),
  });
}

/** newIdempotencyKey names one send attempt, so a retried request never sends twice. */
export function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // Plain-HTTP origins other than localhost have no randomUUID.
  const b = crypto.getRandomValues(new Uint8Array(16));
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

/** refreshAfterSms refetches conversations and the timelines that show texts. */
export function refreshAfterSms(qc: QueryClient) {
  qc.invalidateQueries({ queryKey: phoneKeys.sms });
  qc.invalidateQueries({ predicate: (q) => isTimelineKey(q.queryKey) });
}

/** refreshAfterCall refetches the call log and the timelines that show calls and their notes. */
export function refreshAfterCall(qc: QueryClient) {
  qc.invalidateQueries({ queryKey: phoneKeys.calls });
  qc.invalidateQueries({ queryKey: activityKeys.all });
  qc.invalidateQueries({ predicate: (q) => isTimelineKey(q.queryKey) });
}
