import { answerGroups } from './check/answer-groups.js';
import { BlockedValues } from './check/blocked-values.js';
import { type Contact, type FinalRow, idsOf } from './check/contacts.js';
import type { Evidence, Oracles } from './check/evidence.js';
import { insertersOf } from './check/inserters.js';
import { RowValues } from './check/row-values.js';
import { runOf } from './check/run.js';
import { addSuppressedBlockers, inferTombstoneValues } from './check/tombstone-values.js';
import { UnlinkedValues } from './check/unlinked-values.js';
import { readBacksOf, statsOf, type Verdict } from './check/verdict.js';
import { checkAnswers, checkGrowth, checkLookups } from './check/verdicts/answers.js';
import { type AuditRow, checkAudits } from './check/verdicts/audits.js';
import { checkBlockCounts, checkBlockedAtEnd } from './check/verdicts/blocks.js';
import { checkErasures } from './check/verdicts/erasures.js';
import { checkInsertions } from './check/verdicts/insertions.js';
import { checkRows } from './check/verdicts/rows.js';
import { checkStatuses } from './check/verdicts/statuses.js';
import { checkTombstones } from './check/verdicts/tombstones.js';
import { checkUnlinks } from './check/verdicts/unlinks.js';
import type { WorkloadRequest } from './overlapping-workload.js';
import type { WorkerResult } from './worker.js';

export type { FinalRow } from './check/contacts.js';
export type { Verdict } from './check/verdict.js';
export type { AuditRow } from './check/verdicts/audits.js';

/**
 * The checker's verdicts, over the final rows and the answers of a run of overlapping requests on
 * every route. Independent of the service's own code on purpose: it re-derives groups and views from
 * the contract. docs/CONCURRENCY.md ("How it is checked") lists what it checks and why each check is
 * a necessary condition of "as if the requests had run one after another in some order".
 *
 * Its one assumption about time: each request takes effect at one moment between the moment it was
 * sent and the moment its answer came back (every request is one transaction or one statement, run
 * while the caller waits). So when `a` ended before `b` began, `a` came first in the order; when
 * they overlap, either may have. Every check holds for every order allowed by that; none needs the
 * order itself (finding one is intractable in general), so the checks are necessary conditions.
 */

/** Every contact id the answers of a run name (identify and lookup groups, erased and unlinked primaries): where its rows, tombstones too, are found. */
export function idsNamed(results: readonly WorkerResult[]): number[] {
  const ids: number[] = [];
  const fromContact = (contact: Contact) => ids.push(...idsOf(contact));
  for (const { status, body } of results) {
    if (status !== 200 || typeof body !== 'object' || body === null) continue;
    if (body.contact) fromContact(body.contact);
    for (const contact of body.contacts ?? []) fromContact(contact);
    ids.push(...(body.erased?.primaryContactIds ?? []), ...(body.unlinked?.primaryContactIds ?? []));
  }
  return ids;
}

export interface CheckOptions {
  /** The workload's values that are stored blocked values at the end, as keys (`e:<email>`, `p:<phone>`). */
  blockedAtEnd?: ReadonlySet<string>;
  /** The audit records of the run by request id (in-process runs, whose request ids the checker chose). */
  audits?: ReadonlyMap<string, AuditRow[]>;
  /**
   * Whether every request that wrote got its answer (default true). False where some answered 503 and
   * were sent again (the fault tests): a row may then have been inserted by an answer nobody saw, so the
   * checks that name the request that inserted a row are left out.
   */
  everyWriteAnswered?: boolean;
}

/** The verdicts in a fixed order, each group once: the order of the violations, and what each verdict knows, depend on it. */
export function check(requests: WorkloadRequest[], results: WorkerResult[], rows: FinalRow[], options: CheckOptions = {}): Verdict {
  const run = runOf(requests, results, rows, options.everyWriteAnswered ?? true);
  const oracles: Oracles = { run, blockedValues: new BlockedValues(run.ops, run.components), unlinkedValues: new UnlinkedValues(run.unlinks) };
  const refused = checkStatuses(oracles);
  checkRows(oracles);
  const answers = answerGroups(run);
  const evidence: Evidence = { ...oracles, answers, rowValues: new RowValues(run, answers, oracles.blockedValues, oracles.unlinkedValues) };
  if (options.everyWriteAnswered ?? true) {
    const inserters = insertersOf(run);
    inferTombstoneValues(run, evidence.rowValues, inserters);
    // Blockers learnt from the tombstones' values: the verdicts above judged without them, those below with them.
    addSuppressedBlockers(run, evidence.rowValues, evidence.blockedValues);
    checkInsertions(oracles, inserters);
  }
  const valued = checkAnswers(evidence);
  checkGrowth(evidence);
  checkTombstones(evidence);
  const erasedBy = checkErasures(evidence);
  checkUnlinks(evidence);
  checkLookups(evidence);
  checkBlockCounts(oracles);
  if (options.blockedAtEnd) checkBlockedAtEnd(oracles, options.blockedAtEnd);
  if (options.audits) checkAudits(run, options.audits);
  return {
    violations: run.violations,
    components: run.liveGroups.size,
    readBacks: readBacksOf(run.liveGroups, options.blockedAtEnd ?? new Set<string>()),
    stats: statsOf(run, { erased: erasedBy.size, refused, answers: answers.length, valued }),
  };
}
