import { AsyncLocalStorage } from 'node:async_hooks';
import type { Outcome } from '../service/identify-service.js';

/** What a request did, as its metrics' `outcome` says: /identify's and /lookup's kinds, and the privacy routes'. */
export type RouteOutcome = Outcome | 'erased' | 'unlinked' | 'blocked' | 'unblocked';

/**
 * What one invocation counts as it goes: Data API calls, retries, its outcome, the size of the group
 * it touched. This file is the scope's one owner: it creates the scope and every change to it goes
 * through a function below. The others only call them: the metrics middleware starts a scope and
 * reads it back when the answer is known (lib/http/middleware/request-metrics.ts); lib/http/identify-route.ts enters it
 * around the use case and records what happened; the Data API executor, built once per container,
 * reaches the current request's scope through AsyncLocalStorage by the hooks that lib/runtime/container.ts
 * hands it (countDataApiCall, currentAbortSignal).
 */
export interface RequestScope {
  /** Aborted by middy just before the invocation's time runs out: no Data API call outlives it. */
  signal?: AbortSignal;
  dataApiCalls: number;
  retries: number;
  outcome?: RouteOutcome;
  reconcileMs?: number;
  /** Contacts in the group the request touched (1 + secondaries), also for a group too large to answer. */
  groupSize?: number;
}

const storage = new AsyncLocalStorage<RequestScope>();
const SCOPE = Symbol('requestScope');

/** A fresh scope for one invocation, hung on its Lambda context. */
export function startRequestScope(context: object): Readonly<RequestScope> {
  const scope: RequestScope = { dataApiCalls: 0, retries: 0 };
  (context as { [SCOPE]?: RequestScope })[SCOPE] = scope;
  return scope;
}

/** The invocation's scope, to read (undefined when no middleware started one). */
export function requestScopeOf(context: object | undefined): Readonly<RequestScope> | undefined {
  return (context as { [SCOPE]?: RequestScope } | undefined)?.[SCOPE];
}

/** Runs `work` with the invocation's scope as the current one (no scope: just runs it). */
export function runInRequestScope<T>(context: object | undefined, signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
  const scope = (context as { [SCOPE]?: RequestScope } | undefined)?.[SCOPE];
  if (!scope) return work();
  scope.signal = signal;
  return storage.run(scope, work);
}

export function countDataApiCall(): void {
  const scope = storage.getStore();
  if (scope) scope.dataApiCalls++;
}

export function countRetry(): void {
  const scope = storage.getStore();
  if (scope) scope.retries++;
}

export function recordOutcome(outcome: RouteOutcome, reconcileMs: number): void {
  const scope = storage.getStore();
  if (scope) Object.assign(scope, { outcome, reconcileMs });
}

export function recordGroupSize(groupSize: number): void {
  const scope = storage.getStore();
  if (scope) scope.groupSize = groupSize;
}

export function currentAbortSignal(): AbortSignal | undefined {
  return storage.getStore()?.signal;
}
