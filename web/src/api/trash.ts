import { keepPreviousData, useInfiniteQuery, useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { activityKeys } from './activities';
import { api, call } from './client';
import { dealKeys } from './deals';
import { phoneKeys } from './phone';
import { keys } from './queries';
import type { components, paths } from './schema';

/*
 * The trash (deleted contacts and deals, kept 30 days) and the company's
 * audit trail: names for their shapes (from the generated schema), query
 * keys, the queries, and the restore and delete-forever mutations that the
 * Trash page and every Undo share.
 */

type S = components['schemas'];
export type TrashItem = S['TrashItem'];
export type TrashType = TrashItem['type'];
export type AuditEntry = S['AuditEntry'];
export type AuditQuery = NonNullable<paths['/api/audit-events']['get']['parameters']['query']>;

export const trashKeys = {
  all: ['trash'] as const,
  list: (type: TrashType) => ['trash', type] as const,
  audit: ['audit-events'] as const,
  auditList: (q: Omit<AuditQuery, 'cursor' | 'limit'>) => ['audit-events', q] as const,
};

/** useTrash pages through one kind of deleted record, most recently deleted first (admins). */
export function useTrash(type: TrashType) {
  return useInfiniteQuery({
    queryKey: trashKeys.list(type),
    queryFn: ({ pageParam, signal }) =>
      call(api.GET('/api/trash', { params: { query: { type, limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } }, signal })),
    initialPageParam: '',
    getNextPageParam: (last) => (last.next_cursor ? last.next_cursor : undefined),
    placeholderData: keepPreviousData,
  });
}

/** useAuditEvents pages through the company's audit trail, newest first (admins). */
export function useAuditEvents(q: Omit<AuditQuery, 'cursor' | 'limit'>) {
  return useInfiniteQuery({
    queryKey: trashKeys.auditList(q),
    queryFn: ({ pageParam, signal }) =>
      call(api.GET('/api/audit-events', { params: { query: { ...q, limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } }, signal })),
    initialPageParam: '',
    getNextPageParam: (last) => (last.next_cursor ? last.next_cursor : undefined),
    placeholderData: keepPreviousData,
  });
}

/**
 * refreshAfterTrash refetches everything a deleted or restored record shows
 * up in: contacts and deals (with their timelines), the board and the
 * dashboard, activities, texts and calls, the trash and the audit trail.
 */
export function refreshAfterTrash(qc: QueryClient) {
  for (const queryKey of [
    keys.contacts,
    dealKeys.deals,
    dealKeys.pipelines,
    dealKeys.dashboards,
    activityKeys.all,
    phoneKeys.sms,
    phoneKeys.calls,
    trashKeys.all,
    trashKeys.audit,
  ]) {
    qc.invalidateQueries({ queryKey });
  }
}

/** useRestore brings a record back from the trash (an Undo, or the Trash page's Restore). */
export function useRestore() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ type, id }: { type: TrashType; id: string }) =>
      call(api.POST('/api/trash/{type}/{id}/restore', { params: { path: { type, id } } })),
    onSuccess: () => refreshAfterTrash(qc),
  });
}

/** useDeleteForever deletes a record in the trash for good (admins). */
export function useDeleteForever() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ type, id }: { type: TrashType; id: string }) => call(api.DELETE('/api/trash/{type}/{id}', { params: { path: { type, id } } })),
    onSuccess: () => refreshAfterTrash(qc),
  });
}

const DAY = 24 * 60 * 60 * 1000;

/** daysLeft is how many whole days, rounded up, a record has before it is deleted for good (0 when due). */
export function daysLeft(purgeAt: string, now: Date = new Date()): number {
  const ms = new Date(purgeAt).getTime() - now.getTime();
  return ms <= 0 ? 0 : Math.ceil(ms / DAY);
}

const VERBS: Record<string, string> = {
  deleted: 'deleted',
  restored: 'restored',
  purged: 'deleted for good',
  merged: 'merged',
};

const REASONS: Record<string, string> = {
  expired: 'after 30 days in the trash',
  deleted_forever: 'from the trash',
  pipeline_deleted: 'with its pipeline',
};

/**
 * describeAudit says what an audit event was, in words: "deleted contact Ada
 * Lovelace", "deleted deal Rollout for good after 30 days in the trash".
 * Actions it does not know are shown as they are, so new kinds of event
 * read sensibly before the web app learns them.
 */
export function describeAudit(e: Pick<AuditEntry, 'action' | 'entity_type' | 'detail'>): string {
  const detail = (e.detail ?? {}) as Record<string, unknown>;
  const team = describeTeam(e.action, detail);
  if (team) return team;
  const [entity, verb] = e.action.split('.', 2);
  const name = typeof detail.name === 'string' ? detail.name : typeof detail.title === 'string' ? detail.title : '';
  const words = VERBS[verb ?? ''];
  if (!words || (entity !== 'contact' && entity !== 'deal')) {
    return [e.action.replaceAll('_', ' ').replace('.', ': '), name].filter(Boolean).join(' — ');
  }
  const [head, ...tail] = words.split(' ');
  const parts = [head, entity, name ? `“${name}”` : '', ...tail];
  const reason = typeof detail.reason === 'string' ? REASONS[detail.reason] : undefined;
  if (reason) parts.push(reason);
  if (verb === 'merged' && typeof detail.into === 'string') parts.push(`into “${detail.into}”`);
  return parts.filter(Boolean).join(' ');
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const role = (v: unknown) => ({ owner: 'owner', admin: 'admin', member: 'member' })[str(v)] ?? str(v);

/** describeTeam words the team's events: members, invites, API tokens and company settings. */
function describeTeam(action: string, d: Record<string, unknown>): string | null {
  const who = str(d.email) || 'someone';
  switch (action) {
    case 'company.signup':
      return 'created the company';
    case 'company.require_two_factor':
      return d.on ? 'required two-step sign-in for everyone' : 'stopped requiring two-step sign-in';
    case 'invite.create':
      return `invited ${who} as ${role(d.role)}`;
    case 'invite.renew':
      return `made a new invite link for ${who}`;
    case 'invite.revoke':
      return `revoked the invite of ${who}`;
    case 'invite.accept':
      return `joined as ${role(d.role)} with an invite (${who})`;
    case 'member.role':
      return `changed the role of ${who} from ${role(d.from)} to ${role(d.to)}`;
    case 'member.remove':
      return `removed ${who} from the company`;
    case 'api_token.create':
      return `created the API token “${str(d.name)}”`;
    case 'api_token.revoke':
      return 'revoked an API token';
  }
  return null;
}
