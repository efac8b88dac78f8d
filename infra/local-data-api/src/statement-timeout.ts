import { dataApiError } from './errors.js';

/** What one call still has running on its connection after it answered (a statement past its timeout). */
export interface StatementRun {
  pending?: Promise<unknown>;
  /** The call's continueAfterTimeout: a statement past the timeout runs on instead of being killed. */
  continueAfterTimeout: boolean;
}

/**
 * `query`, or StatementTimeoutException once `timeoutMs` has passed. Past the timeout the query is
 * cancelled with `cancel` (KILL QUERY) unless the call asked to continue, and `run.pending` holds
 * it, so that its connection is given back only once it has ended.
 */
export function withStatementTimeout<T>(
  query: Promise<T>,
  options: { timeoutMs: number; threadId: number; run: StatementRun; cancel: () => void },
): Promise<T> {
  const { timeoutMs, threadId, run } = options;
  if (!timeoutMs) return query;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      run.pending = query.catch(() => {});
      if (!run.continueAfterTimeout) options.cancel();
      reject(dataApiError('StatementTimeoutException', `The statement timed out after ${timeoutMs / 1000} seconds.`, { dbConnectionId: threadId }));
    }, timeoutMs);
    query.then(
      (result) => {
        clearTimeout(timer);
        resolve(result);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
