import createClient from 'openapi-fetch';
import type { paths } from './schema';
import { ApiError, parseRetryAfter, toProblem } from './errors';

/**
 * api is the one HTTP client of the app, typed from the server's OpenAPI
 * document (src/api/schema.d.ts, regenerated with `npm run gen:api`).
 * Requests are same-origin so the session cookie and the server's
 * cross-origin protection just work.
 */
export const api = createClient<paths>({
  baseUrl: '',
  credentials: 'same-origin',
  headers: { Accept: 'application/json, application/problem+json' },
});

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * call awaits an openapi-fetch request and returns its data, or throws an
 * ApiError (status 0 when the server could not be reached).
 */
export async function call<T>(request: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await request;
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError(0, { title: "Can't reach the server", detail: err instanceof Error ? err.message : undefined });
  }
  const { data, error, response } = result;
  if (!response.ok) {
    throw new ApiError(response.status, toProblem(response.status, error), parseRetryAfter(response.headers.get('Retry-After')));
  }
  return data as T;
}
