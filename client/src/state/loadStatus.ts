import { ApiError } from '../api/ApiError.js';

/** Where a list loaded from the server stands (contacts, conversations). */
export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

/**
 * The state after a failed load: a list that was ready stays ready (a failed reload keeps it),
 * anything else is an error. The message is the server's (an ApiError's) or `fallback`.
 */
export function failedLoad(
  current: LoadStatus,
  error: unknown,
  fallback: string,
): { status: LoadStatus; error: string } {
  return {
    status: current === 'ready' ? 'ready' : 'error',
    error: error instanceof ApiError ? error.message : fallback,
  };
}
