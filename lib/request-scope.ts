import { AsyncLocalStorage } from 'node:async_hooks';
import type { Outcome } from './identify.js';

/**
 * What one invocation counts as it goes: Data API calls, retries, its outcome. The scope hangs on
 * the invocation's Lambda context (for the metrics middleware) and, while the use case runs, in
 * AsyncLocalStorage (so the Data API client, built once per container, can count per request).
 */
export interface RequestScope {
  /** Aborted by middy just before the invocation's time runs out: no Data API call outlives it. */
  signal?: AbortSignal;
  dataApiCalls: number;
  retries: number;
  outcome?: Outcome;
  reconcileMs?: number;
}

const storage = new AsyncLocalStorage<RequestScope>();
const SCOPE = Symbol('requestScope');

export function startRequestScope(context: object): RequestScope {
  const scope: RequestScope = { dataApiCalls: 0, retries: 0 };
  (context as { [SCOPE]?: RequestScope })[SCOPE] = scope;
  return scope;
}

export function requestScopeOf(context: object | undefined): RequestScope | undefined {
  return (context as { [SCOPE]?: RequestScope } | undefined)?.[SCOPE];
}

/** Runs `work` with `scope` as the current scope (none: just runs it). */
export function runInRequestScope<T>(scope: RequestScope | undefined, work: () => Promise<T>): Promise<T> {
  return scope ? storage.run(scope, work) : work();
}

export function countDataApiCall(): void {
  const scope = storage.getStore();
  if (scope) scope.dataApiCalls++;
}

export function currentAbortSignal(): AbortSignal | undefined {
  return storage.getStore()?.signal;
}
