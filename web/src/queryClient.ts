import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { isApiError } from './api/errors';
import { keys } from './api/queries';

declare module '@tanstack/react-query' {
  interface Register {
    mutationMeta: {
      /** The mutation is itself a sign-in step, so a 401 is its answer, not an expired session. */
      authFlow?: boolean;
    };
  }
}

/** sessionEnded forgets the signed-in user; the protected layout then redirects to /login. */
function sessionEnded(client: QueryClient) {
  if (client.getQueryData(keys.me)) {
    sessionStorage.setItem('crm:session-ended', '1');
  }
  client.setQueryData(keys.me, null);
}

export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (err, query) => {
        if (isApiError(err, 401) && query.queryKey[0] !== keys.me[0]) sessionEnded(client);
      },
    }),
    mutationCache: new MutationCache({
      onError: (err, _vars, _ctx, mutation) => {
        if (isApiError(err, 401) && !mutation.meta?.authFlow) sessionEnded(client);
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: true,
        // Client errors will not change on retry; network blips and 5xx might.
        retry: (count, err) => !isApiError(err, 400, 401, 403, 404, 409, 422, 429) && count < 2,
      },
      mutations: { retry: false },
    },
  });
  return client;
}
