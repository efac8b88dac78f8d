import type { Route, WorkloadRequest } from '../overlapping-workload.js';
import type { WorkerResult } from '../worker.js';

/** A request with its answer: where it sits in real time. */
export interface Op {
  index: number;
  route: Route;
  request: WorkloadRequest;
  startedAt: number;
  endedAt: number;
  status: number;
  body: any;
}

export function opsOf(requests: WorkloadRequest[], results: WorkerResult[]): Op[] {
  return results.map((result) => {
    const request = requests[result.index]!;
    return {
      index: result.index,
      route: request.route ?? 'identify',
      request,
      startedAt: result.startedAt,
      endedAt: result.endedAt,
      status: result.status,
      body: result.body,
    };
  });
}

/** How a violation names a request. */
export const nameOf = (op: Op) => `request ${op.index} (${op.route})`;

/** `a` may take effect before `b` (a's moment can precede b's). */
export const mayPrecede = (a: Op, b: Op) => a.startedAt < b.endedAt;
/** `a` takes effect before `b` in every order: it ended before `b` began. */
export const mustPrecede = (a: Op, b: Op) => a.endedAt < b.startedAt;
