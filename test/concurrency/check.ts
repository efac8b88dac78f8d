import { answerGroups } from './check/answer-groups.js';
import { BlockedValues } from './check/blocked-values.js';
import { type Contact, expectedView, type FinalRow, idsOf } from './check/contacts.js';
import { mustPrecede } from './check/history.js';
import { insertersOf } from './check/inserters.js';
import { emailKey, keysOf, phoneKey } from './check/keys.js';
import { RowValues } from './check/row-values.js';
import { type CheckOptions, runOf } from './check/run.js';
import { addSuppressedBlockers, inferTombstoneValues } from './check/tombstone-values.js';
import { UnlinkedValues } from './check/unlinked-values.js';
import { checkAnswers, checkGrowth, checkLookups } from './check/verdicts/answers.js';
import { checkErasures } from './check/verdicts/erasures.js';
import { checkInserters, checkRows, checkTombstones } from './check/verdicts/rows.js';
import { checkStatuses } from './check/verdicts/statuses.js';
import { checkUnlinks } from './check/verdicts/unlinks.js';
import type { WorkloadRequest } from './overlapping-workload.js';
import type { WorkerResult } from './worker.js';

export type { FinalRow } from './check/contacts.js';
export type { AuditRow, CheckOptions } from './check/run.js';

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

export interface Verdict {
  violations: string[];
  /** Live groups at the end. */
  components: number;
  /** For each live group at the end that holds a value not blocked at the end: a lookup by that value, and its one group as the contract answers it. */
  readBacks: { body: { email?: string; phoneNumber?: string }; group: Contact }[];
  /** What the run did, for the summary line. */
  stats: {
    routes: Record<string, number>;
    statuses: Record<string, number>;
    live: number;
    tombstones: number;
    /** Groups erased (by the erasures' answers). */
    erased: number;
    /** Unlinks that changed rows, and those that left more than one group. */
    unlinked: number;
    split: number;
    refused: number;
    /** Answer groups checked, and how many of them value by value (the values of all their rows known). */
    answers: number;
    valued: number;
  };
}

export function check(requests: WorkloadRequest[], results: WorkerResult[], rows: FinalRow[], options: CheckOptions = {}): Verdict {
  const run = runOf(requests, results, rows, options);
  const { ops, unlinks, live, tombstones, liveGroups, violations, answered, fail, everyWriteAnswered } = run;
  const oracles = { run, blockedValues: new BlockedValues(run.ops, run.components), unlinkedValues: new UnlinkedValues(run.unlinks) };
  const { blockedValues, unlinkedValues } = oracles;
  const refused = checkStatuses(oracles);
  checkRows(oracles);

  // --- Answers: every /identify answer and every group of a /lookup answer ---
  const answers = answerGroups(run);
  const rowValues = new RowValues(run, answers, blockedValues, unlinkedValues);
  const evidence = { ...oracles, answers, rowValues };
  if (everyWriteAnswered) {
    const inserters = insertersOf(run);
    inferTombstoneValues(run, rowValues, inserters);
    addSuppressedBlockers(run, rowValues, blockedValues);
    checkInserters(oracles, inserters);
  }

  const valued = checkAnswers(evidence);
  checkGrowth(evidence);
  checkTombstones(evidence);

  const erasedBy = checkErasures(evidence);
  checkUnlinks(evidence);
  checkLookups(evidence);

  // --- /block and /unblock: their counts fit some order ---
  for (const op of [...answered('block'), ...answered('unblock')]) {
    const counted = op.route === 'block' ? op.body?.blocked : op.body?.unblocked;
    let low = 0;
    let high = 0;
    for (const key of keysOf(op.request)) {
      // A block counts a value not blocked at its moment, an unblock one that was.
      const certainlyBlocked = blockedValues.definitelyBlocked(key, op);
      const maybeBlocked = blockedValues.possiblyBlocked(key, op);
      if (op.route === 'block' ? !maybeBlocked : certainlyBlocked) low++;
      if (op.route === 'block' ? !certainlyBlocked : maybeBlocked) high++;
    }
    if (typeof counted !== 'number' || counted < low || counted > high)
      fail(`request ${op.index} (${op.route}): answered ${JSON.stringify(op.body)}, expected between ${low} and ${high}`);
  }

  // --- Stored blocked values at the end: where the last block or unblock of a value is certain ---
  if (options.blockedAtEnd) {
    const keys = new Set([...ops.flatMap((op) => keysOf(op.request))]);
    for (const key of keys) {
      const touching = [...blockedValues.blockersOf(key), ...blockedValues.unblockersOf(key)];
      const last = touching.filter((op) => !touching.some((other) => mustPrecede(op, other)));
      const definite = blockedValues.definiteBlockersOf(key);
      const blocked = options.blockedAtEnd.has(key);
      if (last.length > 0 && last.every((op) => definite.includes(op)) && !blocked)
        fail(`${key} is not blocked at the end, though every last request on it blocked it`);
      if (last.every((op) => op.route === 'unblock') && blocked)
        fail(`${key} is blocked at the end, though ${last.length ? 'every last request on it unblocked it' : 'nothing blocked it'}`);
    }
  }

  // --- Audit records: one per answered /erase, /block, /unblock, /unlink, holding its answer; none for the others ---
  if (options.audits) {
    for (const op of ops) {
      const records = options.audits.get(op.request.requestId ?? '') ?? [];
      const writes = op.route === 'erase' || op.route === 'block' || op.route === 'unblock' || op.route === 'unlink';
      if (!writes || op.status !== 200) {
        if (records.length > 0) fail(`request ${op.index} (${op.route}, ${op.status}) left ${records.length} audit records`);
        continue;
      }
      if (records.length !== 1 || records[0]!.route !== op.route || JSON.stringify(JSON.parse(records[0]!.answer)) !== JSON.stringify(op.body)) {
        fail(`request ${op.index} (${op.route}): audit records ${JSON.stringify(records)} do not match its answer ${JSON.stringify(op.body)}`);
      }
    }
  }

  // Read-backs: each live group by a value of it not blocked at the end.
  const readBacks: Verdict['readBacks'] = [];
  for (const members of liveGroups.values()) {
    const blocked = options.blockedAtEnd ?? new Set<string>();
    const view = expectedView(members);
    const group = {
      ...view,
      emails: view.emails.filter((email) => !blocked.has(emailKey(email))),
      phoneNumbers: view.phoneNumbers.filter((phone) => !blocked.has(phoneKey(phone))),
    };
    if (group.emails.length > 0) readBacks.push({ body: { email: group.emails[0]! }, group });
    else if (group.phoneNumbers.length > 0) readBacks.push({ body: { phoneNumber: group.phoneNumbers[0]! }, group });
  }

  const routes: Record<string, number> = {};
  const statuses: Record<string, number> = {};
  for (const op of ops) {
    routes[op.route] = (routes[op.route] ?? 0) + 1;
    statuses[op.status] = (statuses[op.status] ?? 0) + 1;
  }
  return {
    violations,
    components: liveGroups.size,
    readBacks,
    stats: {
      routes,
      statuses,
      live: live.length,
      tombstones: tombstones.length,
      erased: erasedBy.size,
      unlinked: unlinks.filter((u) => u.body?.unlinked?.contacts > 0).length,
      split: unlinks.filter((u) => u.body?.unlinked?.primaryContactIds?.length > 1).length,
      refused,
      answers: answers.length,
      valued,
    },
  };
}
