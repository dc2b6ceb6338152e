import { QueryClient } from '@tanstack/react-query';
import { ApiError } from '../lib/api-client';

/** Retry what may pass on a second try (network, 5xx); a 4xx will not. */
function shouldRetry(failures: number, error: Error): boolean {
  if (error instanceof ApiError && error.statusCode >= 400 && error.statusCode < 500) return false;
  return failures < 2;
}

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: { retry: shouldRetry, staleTime: 10_000 },
    mutations: { retry: false },
  },
});
