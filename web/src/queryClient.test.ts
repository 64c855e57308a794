import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from './api/errors';
import { keys } from './api/queries';
import { createQueryClient } from './queryClient';

// The app's rule: a 401 from any request ends the session (the protected
// layout then redirects to /login), except from the sign-in steps themselves.
describe('session handling', () => {
  const store = new Map<string, string>();
  beforeEach(() => {
    store.clear();
    vi.stubGlobal('sessionStorage', {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => store.set(k, v),
      removeItem: (k: string) => store.delete(k),
    });
  });
  afterEach(() => vi.unstubAllGlobals());

  const me = { user: { id: 'u1' } };

  it('forgets the user when a query answers 401', async () => {
    const qc = createQueryClient();
    qc.setQueryData(keys.me, me);
    await qc
      .fetchQuery({
        queryKey: ['contacts', 'list'],
        queryFn: () => Promise.reject(new ApiError(401, { title: 'Unauthorized' })),
        retry: false,
      })
      .catch(() => undefined);
    expect(qc.getQueryData(keys.me)).toBeNull();
    expect(store.get('crm:session-ended')).toBe('1');
  });

  it('forgets the user when a mutation answers 401', async () => {
    const qc = createQueryClient();
    qc.setQueryData(keys.me, me);
    const m = qc.getMutationCache().build(qc, { mutationFn: () => Promise.reject(new ApiError(401, {})) });
    await m.execute(undefined).catch(() => undefined);
    expect(qc.getQueryData(keys.me)).toBeNull();
  });

  it('keeps a wrong password on the login form from looking like an expired session', async () => {
    const qc = createQueryClient();
    const m = qc.getMutationCache().build(qc, { mutationFn: () => Promise.reject(new ApiError(401, {})), meta: { authFlow: true } });
    await m.execute(undefined).catch(() => undefined);
    expect(qc.getQueryData(keys.me)).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('does not retry client errors, and retries a server error', async () => {
    const qc = createQueryClient();
    const retry = qc.getDefaultOptions().queries!.retry as (n: number, e: unknown) => boolean;
    expect(retry(0, new ApiError(404, {}))).toBe(false);
    expect(retry(0, new ApiError(429, {}, 5))).toBe(false);
    expect(retry(0, new ApiError(503, {}))).toBe(true);
    expect(retry(2, new ApiError(503, {}))).toBe(false);
  });
});
