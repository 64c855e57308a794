import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, call } from './client';
import { isApiError } from './errors';
import type { ContactListQuery, Me } from './types';

/** Query keys, in one place so invalidation stays consistent. */
export const keys = {
  me: ['me'] as const,
  company: ['company'] as const,
  users: ['users'] as const,
  invites: ['invites'] as const,
  apiTokens: ['api-tokens'] as const,
  contacts: ['contacts'] as const,
  contactList: (q: Omit<ContactListQuery, 'cursor'>) => ['contacts', 'list', q] as const,
  contact: (id: string) => ['contacts', 'detail', id] as const,
  contactSearch: (q: string) => ['contacts', 'search', q] as const,
  tags: ['contacts', 'tags'] as const,
  tenancyAudit: ['admin', 'tenancy-audit'] as const,
  storage: ['company', 'storage'] as const,
};

/** fetchMe returns the signed-in user, or null when there is no session. */
export async function fetchMe(): Promise<Me | null> {
  try {
    return await call(api.GET('/api/auth/me'));
  } catch (err) {
    if (isApiError(err, 401)) return null;
    throw err;
  }
}

/** useMe is the session: null when signed out. */
export function useMe() {
  return useQuery({ queryKey: keys.me, queryFn: fetchMe, staleTime: 60_000 });
}

/** isAdmin reports whether a role may manage users, invites, tokens and the company profile. */
export function isAdmin(role: string | undefined): boolean {
  return role === 'owner' || role === 'admin';
}

export function useCompany() {
  return useQuery({ queryKey: keys.company, queryFn: () => call(api.GET('/api/company')) });
}

/** useStorageUsage is what the company's uploads take, against its quota. */
export function useStorageUsage() {
  return useQuery({ queryKey: keys.storage, queryFn: ({ signal }) => call(api.GET('/api/company/storage', { signal })) });
}

export function useUsers(enabled = true) {
  return useQuery({
    queryKey: keys.users,
    queryFn: () => call(api.GET('/api/users')),
    select: (d) => d.items ?? [],
    enabled,
    staleTime: 60_000,
  });
}

/** memberFilterOptions are a "who" filter's choices: "Me" first, then every other member. */
export function memberFilterOptions(users: { id: string; name: string; email: string }[] | undefined, meId: string) {
  return [{ value: 'me', label: 'Me' }, ...(users ?? []).filter((u) => u.id !== meId).map((u) => ({ value: u.id, label: u.name || u.email }))];
}

export function useInvites() {
  return useQuery({ queryKey: keys.invites, queryFn: () => call(api.GET('/api/invites')), select: (d) => d.items ?? [] });
}

export function useApiTokens() {
  return useQuery({ queryKey: keys.apiTokens, queryFn: () => call(api.GET('/api/api-tokens')), select: (d) => d.items ?? [] });
}

export function useTags() {
  return useQuery({
    queryKey: keys.tags,
    queryFn: () => call(api.GET('/api/contacts/tags')),
    select: (d) => d.items ?? [],
    staleTime: 30_000,
  });
}

export const PAGE_SIZE = 50;

/** useContactList pages through contacts with the server's next_cursor. */
export function useContactList(q: Omit<ContactListQuery, 'cursor' | 'limit'>) {
  return useInfiniteQuery({
    queryKey: keys.contactList(q),
    queryFn: ({ pageParam, signal }) =>
      call(
        api.GET('/api/contacts', {
          params: { query: { ...q, limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } },
          signal,
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => (last.next_cursor ? last.next_cursor : undefined),
    placeholderData: keepPreviousData,
  });
}

export function useContact(id: string) {
  return useQuery({
    queryKey: keys.contact(id),
    queryFn: ({ signal }) => call(api.GET('/api/contacts/{id}', { params: { path: { id } }, signal })),
    retry: (count, err) => !isApiError(err, 400, 404, 422) && count < 2,
  });
}

/** useContactSearch feeds the global search box. */
export function useContactSearch(q: string) {
  const term = q.trim();
  return useQuery({
    queryKey: keys.contactSearch(term),
    queryFn: ({ signal }) => call(api.GET('/api/contacts', { params: { query: { q: term, limit: 8 } }, signal })),
    enabled: term.length > 0,
    select: (d) => d.items ?? [],
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}

export function useTenancyAudit() {
  return useQuery({ queryKey: keys.tenancyAudit, queryFn: () => call(api.GET('/api/admin/tenancy-audit')) });
}
