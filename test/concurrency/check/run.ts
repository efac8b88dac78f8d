import type { UnionFind } from '../../support/union-find.js';
import type { Route, WorkloadRequest } from '../overlapping-workload.js';
import type { WorkerResult } from '../worker.js';
import { pairComponents } from './components.js';
import { type FinalRow, groupsOf, isLive } from './contacts.js';
import { mayPrecede, type Op, opsOf } from './history.js';

/** The run being judged: its requests in real time, its rows at the end, and the violations found so far. */
export interface Run {
  ops: Op[];
  /** Every /identify, answered or not. */
  identifies: Op[];
  /** The answered /unlink and /erase requests. */
  unlinks: Op[];
  erases: Op[];
  /** Components of the /identify requests' pairs. */
  components: UnionFind;
  byId: Map<number, FinalRow>;
  live: FinalRow[];
  tombstones: FinalRow[];
  /** Live rows, and tombstones, by the root they link to. */
  liveGroups: Map<number, FinalRow[]>;
  erasedGroups: Map<number, FinalRow[]>;
  violations: string[];
  /** The requests of `route` that answered 200. */
  answered(route: Route): Op[];
  /**
   * The /identify `i` may have taken effect before `x`: by real time, or at all when some writes went
   * unanswered (a request answered 503 and sent again may have written at its first attempt).
   */
  mayActBefore(i: Op, x: Op): boolean;
  /** Records a violation (the first 50). */
  fail(message: string): void;
}

export function runOf(requests: WorkloadRequest[], results: WorkerResult[], rows: FinalRow[], everyWriteAnswered: boolean): Run {
  const violations: string[] = [];
  const fail = (message: string) => {
    if (violations.length < 50) violations.push(message);
  };
  const ops = opsOf(requests, results);
  if (results.length !== requests.length) fail(`${results.length} results for ${requests.length} requests`);
  const answered = (route: Route) => ops.filter((op) => op.route === route && op.status === 200);
  const identifies = ops.filter((op) => op.route === 'identify');
  const live = rows.filter(isLive);
  const tombstones = rows.filter((row) => !isLive(row));
  return {
    ops,
    identifies,
    unlinks: answered('unlink'),
    erases: answered('erase'),
    components: pairComponents(identifies),
    byId: new Map(rows.map((row) => [row.id, row])),
    live,
    tombstones,
    liveGroups: groupsOf(live),
    erasedGroups: groupsOf(tombstones),
    violations,
    answered,
    mayActBefore: (i, x) => !everyWriteAnswered || mayPrecede(i, x),
    fail,
  };
}
