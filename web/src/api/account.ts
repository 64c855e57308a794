import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from './client';
import { keys } from './queries';
import type { paths } from './schema';
import type { Me } from './types';

/*
 * The signed-in person's own account: password, sessions, two-step sign-in.
 * Queries, mutations and their invalidations live here, not in pages.
 */

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
export type Session = NonNullable<Json<paths['/api/auth/sessions']['get']['responses'][200]>['items']>[number];
export type TwoFactorSetup = Json<paths['/api/auth/two-factor/setup']['post']['responses'][200]>;
export type RecoveryCodes = Json<paths['/api/auth/two-factor/enable']['post']['responses'][200]>;

export const accountKeys = {
  sessions: ['account', 'sessions'] as const,
};

/**
 * startSession is what every sign-in does (login, sign-up, an accepted
 * invite): forget everything cached for whoever used this tab before, then
 * hold the new person. A cache kept across sign-ins could show one person's
 * (or company's) data to the next.
 */
export function startSession(qc: QueryClient, me: Me) {
  qc.clear();
  qc.setQueryData(keys.me, me);
}

/** useSessions lists where the signed-in person is signed in. */
export function useSessions() {
  return useQuery({ queryKey: accountKeys.sessions, queryFn: () => call(api.GET('/api/auth/sessions')), select: (d) => d.items ?? [] });
}

export function useEndSession() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(api.DELETE('/api/auth/sessions/{id}', { params: { path: { id } } })),
    onSettled: () => qc.invalidateQueries({ queryKey: accountKeys.sessions }),
  });
}

export function useEndOtherSessions() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => call(api.POST('/api/auth/sessions/end-others')),
    onSettled: () => qc.invalidateQueries({ queryKey: accountKeys.sessions }),
  });
}

export function useChangePassword() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { current_password: string; new_password: string }) => call(api.POST('/api/auth/password', { body })),
    onSuccess: () => {
      // Every other session ended and every API token of ours is gone.
      qc.invalidateQueries({ queryKey: accountKeys.sessions });
      qc.invalidateQueries({ queryKey: keys.apiTokens });
      qc.invalidateQueries({ queryKey: keys.me });
    },
  });
}

export function useStartTwoFactor() {
  return useMutation({ mutationFn: () => call(api.POST('/api/auth/two-factor/setup')) });
}

export function useEnableTwoFactor() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (code: string) => call(api.POST('/api/auth/two-factor/enable', { body: { code } })),
    // Not the session (keys.me) yet: a person made to set it up would be let
    // into the app before seeing their recovery codes. The caller refreshes
    // it once they have.
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.users }),
  });
}

export function useDisableTwoFactor() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (password: string) => call(api.POST('/api/auth/two-factor/disable', { body: { password } })),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: keys.me });
      qc.invalidateQueries({ queryKey: keys.users });
    },
  });
}

export function useNewRecoveryCodes() {
  return useMutation({
    mutationFn: (password: string) => call(api.POST('/api/auth/two-factor/recovery-codes', { body: { password } })),
  });
}

/** useJoinInvite accepts an invite as the signed-in person, who then works in that company. */
export function useJoinInvite(token: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => call(api.POST('/api/auth/invites/{token}/join', { params: { path: { token } } })),
    onSuccess: (me) => startSession(qc, me),
  });
}

/** useUpdateProfile changes the person's name or own time zone ("" follows the company's). */
export function useUpdateProfile() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { name?: string; timezone?: string }) => call(api.PATCH('/api/auth/me', { body })),
    onSuccess: (me) => {
      qc.setQueryData(keys.me, me);
      // Today and overdue moved with the zone.
      qc.invalidateQueries({ predicate: (q) => q.queryKey[0] !== keys.me[0] });
    },
  });
}
